# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the HTTP client (module_utils/_client.py), in the order of its source.

Requests go to a started simulator on 127.0.0.1 through a real session, Transport,
TokenProvider and BiginClient (the ``wire`` fixture). Only where the simulator cannot
produce a condition (an exception inside requests, a body shorter than its
Content-Length under urllib3 2) is a fake used, and said so. Waits go through an
injected ``sleep`` that records them, so nothing here sleeps.
"""

from __future__ import annotations

import concurrent.futures
import email.utils
import gzip
import json
import re
import socket
import threading
import time
import typing as t

import pytest
import requests
import urllib3.exceptions
import urllib3.util.connection
from requests.structures import CaseInsensitiveDict

from ansible_collections.zoho.bigin.plugins.module_utils import _client
from ansible_collections.zoho.bigin.plugins.module_utils._client import (
    BACKOFF_CAP,
    DATA_CENTERS,
    MAX_ERROR_BODY,
    MAX_JSON_BODY,
    MAX_PHOTO_BODY,
    PEEK_BYTES,
    USER_AGENT,
    BiginClient,
    HTTPResult,
    Transport,
    Usage,
    advised_wait,
    backoff,
    new_session,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    BiginAPIError,
    BiginAuthError,
    BiginTransportError,
)
from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenProvider
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Outcome, PhotoService
from ansible_collections.zoho.bigin.plugins.module_utils._sources import Image
from tests.conftest import ACCESS_TOKEN, CLIENT_ID, NO_API_CALLS, RECORD, REFRESH_TOKEN, SECRETS, wait_for
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator
from tests.tls import make_certificate
from tests.unit.plugins.conftest import NO_PHOTO, OTHER, Wire, api_log, statuses

SMALL = 64 * 1024
NOW = 1700000000.0
LOCKED_BODY = '{"data":[{"code":"RECORD_LOCKED","status":"error","message":"Record is locked","details":{}}]}'
SUCCESS_BODY = '{"code":"SUCCESS","details":{},"message":"Photo deleted","status":"success"}'
JSON_HEADERS = {"Content-Type": "application/json;charset=UTF-8"}


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """The address of every TCP connect urllib3 makes from now on (new connections and reconnects alike)."""
    made: list[tuple[str, int]] = []
    real_connect = urllib3.util.connection.create_connection

    def counting_connect(address: tuple[str, int], *args: t.Any, **kwargs: t.Any) -> socket.socket:
        made.append(address)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting_connect)
    return made


def unused_port_url() -> str:
    """A photo URL on a port of 127.0.0.1 that nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return "http://127.0.0.1:%d/bigin/v2/Contacts/1/photo" % probe.getsockname()[1]


# -- DATA_CENTERS ------------------------------------------------------------------------------------

def test_data_centres_match_the_documented_domains() -> None:
    assert DATA_CENTERS == {
        "us": ("https://accounts.zoho.com", "https://www.zohoapis.com"),
        "eu": ("https://accounts.zoho.eu", "https://www.zohoapis.eu"),
        "in": ("https://accounts.zoho.in", "https://www.zohoapis.in"),
        "au": ("https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
        "jp": ("https://accounts.zoho.jp", "https://www.zohoapis.jp"),
        "cn": ("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
        "ca": ("https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
        "sa": ("https://accounts.zoho.sa", "https://www.zohoapis.sa"),
    }


# -- new_session: its settings, and the CA bundle the transport trusts (ca_path) ---------------------

def test_session_settings() -> None:
    session = new_session(6, False)
    try:
        assert session.verify is False
        assert session.headers["User-Agent"] == USER_AGENT
        adapter = session.get_adapter("https://www.zohoapis.com")
        assert adapter.max_retries.total == 0  # retries are decided by Transport, not hidden in urllib3
        assert adapter._pool_maxsize == 6
    finally:
        session.close()


def test_the_environment_is_read_once_per_host(wire: t.Callable[..., Wire], monkeypatch: pytest.MonkeyPatch) -> None:
    # requests would read the proxy and CA variables again for every request (an eighth of a long listing).
    calls: list[str] = []
    real = requests.sessions.get_environ_proxies

    def counted(url: str, no_proxy: t.Any = None) -> t.Any:
        calls.append(url)
        return real(url, no_proxy=no_proxy)

    monkeypatch.setattr(requests.sessions, "get_environ_proxies", counted)
    w = wire()
    assert [w.send("GET").status for _i in range(3)] == [200] * 3
    assert len(calls) == 1
    w.send("GET", OTHER)  # another path on the same host
    assert len(calls) == 1


def test_a_netrc_entry_never_replaces_the_token(wire: t.Callable[..., Wire], tmp_path: t.Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    # requests would send a ~/.netrc login (Basic) in place of the Authorization header the module sets.
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login someone password elsewhere\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    w = wire()
    assert w.send("GET").status == 200
    assert statuses(w.sim) == [200]


@pytest.fixture
def tls_sim(tmp_path: t.Any) -> t.Iterator[tuple[BiginSimulator, str, str]]:
    """An HTTPS simulator; its certificate and another (untrusted) one."""
    cert, key = make_certificate(str(tmp_path), "simulator")
    other = make_certificate(str(tmp_path), "other")[0]
    with BiginSimulator(tls_certfile=cert, tls_keyfile=key) as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_record("Contacts", RECORD, PNG_RED)
        yield simulator, cert, other


def test_default_trust_rejects_the_self_signed_simulator(tls_sim: t.Any, wire: t.Callable[..., Wire], monkeypatch: pytest.MonkeyPatch) -> None:
    sim = tls_sim[0]
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    w = wire(sim=sim, max_retries=3)
    with pytest.raises(BiginTransportError, match="TLS certificate verification failed"):
        w.send("GET")
    assert wait_for(lambda: sim.tls_handshake_failures == 1)  # the server sees the refusal a moment later
    assert sim.api_requests() == []
    assert w.transport.usage.calls()["total"] == 1  # tried once: not retried


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_path_wins_over_the_environment(tls_sim: t.Any, wire: t.Callable[..., Wire], monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    sim, cert, other = tls_sim
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv(variable, other)
    # The variable is really in force: without ca_path it replaces the default trust, and fails.
    with pytest.raises(BiginTransportError, match="TLS certificate verification failed"):
        wire(sim=sim).send("GET")
    assert wire(sim=sim, ca_path=cert).send("GET").status == 200
    assert len(sim.api_requests()) == 1


def test_environment_bundle_still_works_without_ca_path(tls_sim: t.Any, wire: t.Callable[..., Wire], monkeypatch: pytest.MonkeyPatch) -> None:
    sim, cert = tls_sim[:2]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    assert wire(sim=sim).send("GET").status == 200


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_ca_path_is_unused_when_certificates_are_not_validated(tls_sim: t.Any, wire: t.Callable[..., Wire], monkeypatch: pytest.MonkeyPatch) -> None:
    sim, other = tls_sim[0], tls_sim[2]
    # Nor may a CA bundle from the environment turn verification back on.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", other)
    w = wire(sim=sim, validate_certs=False, ca_path=other)
    assert w.session.verify is False
    assert w.send("GET").status == 200


# -- advised_wait: Retry-After and X-RATELIMIT-RESET -------------------------------------------------

def test_advised_wait_without_headers_is_none() -> None:
    assert advised_wait({}) is None
    assert advised_wait({"X-RATELIMIT-RESET": "soon"}) is None


@pytest.mark.parametrize("reset, expected", [
    ("1700000030000", 30.0),   # epoch milliseconds (what Zoho sends)
    ("1700000012", 12.0),      # epoch seconds
    ("7", 7.0),                # a delta in seconds
    ("1699999990000", 0.0),    # already past
])
def test_advised_wait_from_ratelimit_reset(reset: str, expected: float) -> None:
    assert advised_wait({"X-RATELIMIT-RESET": reset}, now=NOW) == pytest.approx(expected)


def test_retry_after_takes_precedence_over_ratelimit_reset() -> None:
    assert advised_wait({"Retry-After": "2", "X-RATELIMIT-RESET": "1700000060000"}, now=NOW) == 2.0


@pytest.mark.parametrize("value, expected", [
    ("3", 3.0),
    ("0", 0.0),
    ("2.5", 2.5),
    (" 4 ", 4.0),
    ("-5", 0.0),                                           # never a negative wait
    (email.utils.formatdate(NOW + 42, usegmt=True), 42.0),  # the HTTP-date form
    (email.utils.formatdate(NOW - 42, usegmt=True), 0.0),   # a date already past
])
def test_retry_after_forms(value: str, expected: float) -> None:
    assert advised_wait({"Retry-After": value}, now=NOW) == pytest.approx(expected)


@pytest.mark.parametrize("headers", [
    {"Retry-After": "soon"},
    {"Retry-After": "Someday, 99 Foo 20xx"},
    {"Retry-After": "nan"},
    {"X-RATELIMIT-RESET": "nan"},
    {"Retry-After": "nan", "X-RATELIMIT-RESET": "NaN"},
])
def test_a_garbled_advice_is_no_advice(headers: dict[str, str]) -> None:
    """A header that makes no sense is ignored (backoff applies), never a crash or a NaN sleep."""
    assert advised_wait(headers, now=NOW) is None


def test_garbled_retry_after_falls_back_to_ratelimit_reset() -> None:
    assert advised_wait({"Retry-After": "soon", "X-RATELIMIT-RESET": "1700000009000"}, now=NOW) == pytest.approx(9.0)


def test_header_names_are_case_insensitive_in_real_answers() -> None:
    headers = requests.structures.CaseInsensitiveDict({"retry-after": "6"})
    assert advised_wait(headers, now=NOW) == 6.0


# -- backoff -----------------------------------------------------------------------------------------

@pytest.fixture
def top_of_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the jittered backoff deterministic: always the top of its range."""
    monkeypatch.setattr(_client.random, "uniform", lambda low, high: high)


def test_backoff_doubles_up_to_the_cap(top_of_jitter: None) -> None:
    assert [backoff(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff(60) == BACKOFF_CAP == 30.0


@pytest.mark.parametrize("attempt", [100, 1100, 100000])
def test_backoff_never_overflows(top_of_jitter: None, attempt: int) -> None:
    assert backoff(attempt) == BACKOFF_CAP


def test_backoff_has_full_jitter() -> None:
    waits = [backoff(3) for dummy in range(200)]
    assert all(0.0 <= w <= 4.0 for w in waits)
    assert len(set(waits)) > 100  # spread, not one fixed value


# -- Usage: what a run cost (api_calls, api_trace), counted by the transport -------------------------

def test_zero_shape() -> None:
    assert Usage().calls() == NO_API_CALLS


def test_every_attempt_is_counted_and_traced_in_order(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    sim.inject_status(500, count=2, method="GET")
    w = wire(max_retries=3, trace=True)
    sender = w.transport
    assert w.send("GET").status == 200
    assert w.send("DELETE").status == 200
    assert sender.usage.calls() == {"total": 4, "by_method": {"GET": 3, "POST": 0, "DELETE": 1}, "token_refreshes": 0}
    trace = sender.usage.trace_entries()
    assert [(e["method"], e["status"], e["attempt"]) for e in trace] == [
        ("GET", 500, 1), ("GET", 500, 2), ("GET", 200, 3), ("DELETE", 200, 1)]
    assert [(e["method"], e["status"]) for e in trace] == [(e["method"], e["status"]) for e in sim.api_requests()]
    assert all(e["path"] == "/bigin/v2/Contacts/%s/photo" % RECORD for e in trace)
    assert all(isinstance(e["ms"], float) and e["ms"] >= 0 for e in trace)
    assert set(trace[0]) == {"method", "path", "status", "attempt", "ms"}


def test_token_requests_are_counted_apart_and_traced_without_query_or_form(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    sender = wire(max_retries=3, trace=True).transport
    secret = "refresh-secret-in-query-5c1"
    sender.send("POST", "%s/oauth/v2/token?refresh_token=%s" % (sim.url, secret), "token", True,
                token_request=True, data={"client_secret": secret})
    assert sender.usage.calls() == dict(NO_API_CALLS, token_refreshes=1)
    assert sender.usage.trace_entries() == [
        {"method": "POST", "path": "/oauth/v2/token", "status": 200, "attempt": 1,
         "ms": sender.usage.trace_entries()[0]["ms"]}]
    assert secret not in json.dumps(sender.usage.trace_entries())
    assert len(sim.token_requests()) == 1


def test_connection_errors_are_counted_with_no_status(wire: t.Callable[..., Wire]) -> None:
    sender = wire(max_retries=2, trace=True).transport
    with pytest.raises(BiginTransportError):
        sender.send("GET", unused_port_url(), "x", True)
    assert sender.usage.calls()["by_method"]["GET"] == 3
    assert [(e["status"], e["attempt"]) for e in sender.usage.trace_entries()] == [(None, 1), (None, 2), (None, 3)]


def test_no_trace_unless_asked(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(max_retries=3)
    sender = w.transport
    w.send("GET")
    assert sender.usage.trace is None and sender.usage.trace_entries() == []
    assert sender.usage.calls()["total"] == 1


def test_counting_is_exact_across_threads(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    records = [str(3000000050000 + n) for n in range(40)]
    for record in records:
        sim.add_record("Contacts", record, PNG_RED)
    sim.inject_status(429, count=7, method="GET")
    w = wire(max_retries=10, trace=True, pool_size=4)
    sender = w.transport

    def one(record: str) -> None:
        w.send("GET", record)
        w.send("DELETE", record)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, records))
    calls = sender.usage.calls()
    assert calls["by_method"] == {"GET": 47, "POST": 0, "DELETE": 40}
    assert calls["total"] == len(sim.api_requests()) == 87
    assert len(sender.usage.trace_entries()) == 87


# -- Transport.send: what is retried, and how long each wait is --------------------------------------

@pytest.fixture
def retrying(wire: t.Callable[..., Wire]) -> Wire:
    """A Wire that retries three times."""
    return wire(max_retries=3)


def test_retry_after_is_slept(retrying: Wire, sim: BiginSimulator) -> None:
    sim.inject_status(429, retry_after=2)
    result = retrying.send("GET")
    assert result.status == 200 and statuses(sim) == [429, 200]
    assert retrying.waits == [2.0]
    assert retrying.warnings == ["GET Contacts/%s: retrying after 429 TOO_MANY_REQUESTS, attempt 2 of 4, in 2.0s" % RECORD]


def test_ratelimit_reset_without_retry_after_is_honoured_and_capped(retrying: Wire, sim: BiginSimulator) -> None:
    # The simulator's plain 429 says X-RATELIMIT-RESET = now + 60 s (epoch ms), no Retry-After.
    sim.inject_status(429)
    retrying.send("GET")
    assert statuses(sim) == [429, 200]
    assert retrying.waits == [BACKOFF_CAP]


def test_long_retry_after_is_capped(retrying: Wire, sim: BiginSimulator) -> None:
    sim.inject_status(503, retry_after=3600)
    retrying.send("GET")
    assert retrying.waits == [30.0]


def test_without_advice_the_wait_is_the_backoff(retrying: Wire, sim: BiginSimulator, top_of_jitter: None) -> None:
    sim.inject_status(502, count=3)
    result = retrying.send("GET")
    assert result.status == 200 and statuses(sim) == [502, 502, 502, 200]
    assert retrying.waits == [1.0, 2.0, 4.0]
    assert [re.search(r"attempt \d of \d", w).group(0) for w in retrying.warnings] == [  # type: ignore[union-attr]
        "attempt 2 of 4", "attempt 3 of 4", "attempt 4 of 4"]


def test_garbled_retry_after_on_the_wire_does_not_crash(retrying: Wire, sim: BiginSimulator,
                                                        top_of_jitter: None) -> None:
    sim.inject_status(503, body="<html>busy</html>", retry_after="whenever")
    result = retrying.send("GET")
    assert result.status == 200 and statuses(sim) == [503, 200]
    assert retrying.waits == [1.0]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retries_run_out_and_the_last_answer_is_returned(retrying: Wire, sim: BiginSimulator, status: int) -> None:
    sim.inject_status(status, count=10, retry_after=0)
    result = retrying.send("DELETE")
    assert result.status == status
    assert statuses(sim) == [status] * 4  # max_retries=3: four attempts
    assert len(retrying.warnings) == 3
    assert sim.photo("Contacts", RECORD) == PNG_RED


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_other_errors_are_not_retried(retrying: Wire, sim: BiginSimulator, status: int) -> None:
    sim.inject_status(status, count=10)
    assert retrying.send("GET").status == status
    assert statuses(sim) == [status] and retrying.waits == []


def test_zero_retries_sends_once(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    made = wire(max_retries=0)
    sim.inject_status(503, count=5, retry_after=0)
    assert made.send("GET").status == 503
    assert statuses(sim) == [503] and made.warnings == []


# -- Transport.send: a lost connection; GET and DELETE are sent again --------------------------------

@pytest.mark.parametrize("when", ["before", "after"])
def test_dropped_delete_is_retried_and_flagged(retrying: Wire, sim: BiginSimulator, when: str) -> None:
    sim.inject_drop(method="DELETE", when=when)
    result = retrying.send("DELETE")
    assert statuses(sim, "DELETE") == [None, 200 if when == "before" else 400]
    # The caller learns that the first attempt may have been applied.
    assert result.maybe_applied_before is True
    assert "connection closed without an answer" in retrying.warnings[0]


def test_read_timeout_of_a_get_is_retried_then_fails(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    sim.latency_ms = 400
    made = wire(max_retries=1, timeout=0.1)
    with pytest.raises(BiginTransportError) as info:
        made.send("GET")
    # The socket's read timeout and the request's deadline are the same here: either may fire first.
    assert str(info.value) in ["GET Contacts/%s failed after 2 attempt(s): timeout (%s)" % (RECORD, reason)
                               for reason in ("ReadTimeout", "the whole request took longer than the timeout")]
    assert len(sim.api_requests("GET")) == 2


def test_a_clean_answer_is_not_flagged(retrying: Wire) -> None:
    assert retrying.send("GET").maybe_applied_before is False


def test_unreachable_api_is_a_transport_error(wire: t.Callable[..., Wire]) -> None:
    with pytest.raises(BiginTransportError) as info:
        wire(max_retries=0).transport.send("GET", unused_port_url(), "Contacts/1", True)
    assert str(info.value) == "GET Contacts/1 failed after 1 attempt(s): could not connect"
    assert info.value.code == "CONNECTION_ERROR"


# -- Transport.send: the upload rule (a POST is sent again only when it provably was not processed) ---

@pytest.mark.parametrize("when", ["before", "after"])
def test_upload_is_not_resent_once_it_may_have_reached_the_server(retrying: Wire, sim: BiginSimulator,
                                                                  when: str) -> None:
    sim.set_photo("Contacts", RECORD, None)
    sim.inject_drop(method="POST", when=when)
    with pytest.raises(BiginTransportError) as info:
        retrying.send("POST")
    assert str(info.value) == ("POST Contacts/%s failed after 1 attempt(s): connection closed without an answer"
                               % RECORD)
    assert statuses(sim, "POST") == [None] and retrying.warnings == [] and retrying.waits == []
    # The server's state is whatever it did with the one request it got.
    assert sim.photo("Contacts", RECORD) == (PNG_RED if when == "after" else None)


def test_upload_read_timeout_is_not_resent(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    sim.latency_ms = 400
    made = wire(max_retries=3, timeout=0.1)
    with pytest.raises(BiginTransportError) as info:
        made.send("POST")
    assert "failed after 1 attempt(s): timeout" in str(info.value)
    assert len(sim.api_requests("POST")) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_upload_is_resent_after_429_and_503(retrying: Wire, sim: BiginSimulator, status: int) -> None:
    sim.set_photo("Contacts", RECORD, None)
    sim.inject_status(status, method="POST", count=2, retry_after=0)
    assert retrying.send("POST").status == 200
    assert statuses(sim, "POST") == [status, status, 200]
    assert sim.photo("Contacts", RECORD) == PNG_RED


@pytest.mark.parametrize("status", [500, 502, 504])
def test_upload_is_not_resent_after_other_server_errors(retrying: Wire, sim: BiginSimulator, status: int) -> None:
    sim.inject_status(status, method="POST", retry_after=0)
    assert retrying.send("POST").status == status
    assert statuses(sim, "POST") == [status] and retrying.warnings == []


def test_upload_is_resent_after_a_connect_error(wire: t.Callable[..., Wire]) -> None:
    """Nothing listens on the port: the request provably never left, so an upload may be sent again."""
    w = wire(max_retries=2)
    with pytest.raises(BiginTransportError) as info:
        w.transport.send("POST", unused_port_url(), "Contacts/1", False, files={"file": ("a.png", PNG_RED, "image/png")})
    assert str(info.value) == "POST Contacts/1 failed after 3 attempt(s): could not connect"
    assert len(w.waits) == 2
    assert w.warnings[0].startswith("POST Contacts/1: retrying after could not connect, attempt 2 of 3")


class _ConnectTimeoutSession:
    """A session whose connects time out twice, then hands the request to a real one."""

    def __init__(self, real: requests.Session):
        self.real = real
        self.failures = 2

    def request(self, *args: t.Any, **kwargs: t.Any) -> requests.Response:
        if self.failures:
            self.failures -= 1
            raise requests.exceptions.ConnectTimeout("connect timed out")
        return self.real.request(*args, **kwargs)


def test_upload_is_resent_after_a_connect_timeout(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    sim.set_photo("Contacts", RECORD, None)
    w = wire(max_retries=3)
    w.transport.session = t.cast(requests.Session, _ConnectTimeoutSession(w.session))
    result = w.send("POST")
    assert result.status == 200 and result.maybe_applied_before is False
    assert len(w.warnings) == 2 and len(sim.api_requests("POST")) == 1
    assert sim.photo("Contacts", RECORD) == PNG_RED


# -- Transport.send: an error that is not transient names only its type ------------------------------

SECRET = "1000.leaked-in-an-exception.77aa"


@pytest.mark.parametrize("exc", [
    requests.exceptions.InvalidHeader(
        "Invalid leading whitespace, reserved character(s), or return character(s) in header value: "
        "'Zoho-oauthtoken %s\\n'" % SECRET),
    requests.exceptions.InvalidURL("Failed to parse: http://u:%s@127.0.0.1:x/" % SECRET),
    requests.exceptions.TooManyRedirects("Exceeded redirects, Authorization: Zoho-oauthtoken %s" % SECRET),
    urllib3.exceptions.LocationParseError("http://%s@[" % SECRET),
    ValueError("Zoho-oauthtoken %s" % SECRET),
], ids=lambda exc: type(exc).__name__)
def test_other_request_errors_name_their_type_and_not_their_text(
        sim: BiginSimulator, wire: t.Callable[..., Wire], monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    w = wire(max_retries=3)
    calls: list[str] = []

    def boom(method: str, url: str, **kwargs: t.Any) -> requests.Response:
        calls.append(method)
        raise exc

    monkeypatch.setattr(w.session, "request", boom)
    with pytest.raises(BiginTransportError) as info:
        w.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    error = info.value
    assert str(error) == "DELETE Contacts/%s failed: the request could not be sent (%s)" % (
        RECORD, type(exc).__name__)
    assert error.code == "CONNECTION_ERROR"
    assert SECRET not in str(error) and SECRET not in json.dumps(error.to_dict())
    assert error.__cause__ is None and error.__suppress_context__  # no chained traceback quoting it
    assert calls == ["DELETE"] and w.warnings == []  # not transient: not retried


def test_a_header_requests_refuses_is_reported_without_its_value(sim: BiginSimulator,
                                                                 wire: t.Callable[..., Wire]) -> None:
    """The real thing: requests itself refuses a header value with a newline, quoting the value."""
    bad_token = SECRET + "\n"
    with pytest.raises(requests.exceptions.InvalidHeader) as raw:
        requests.Request("GET", sim.url, headers={"Authorization": "Zoho-oauthtoken " + bad_token}).prepare()
    assert SECRET in str(raw.value)  # what would leak
    w = wire(access_token=bad_token, refresh=False)
    with pytest.raises(BiginTransportError) as info:
        w.service.fetch(RECORD, need_bytes=True)
    assert "InvalidHeader" in str(info.value) and SECRET not in str(info.value)
    assert sim.api_requests() == []


# -- Transport._read: how much of an answer is read --------------------------------------------------

def test_sequential_requests_reuse_one_connection(wire: t.Callable[..., Wire], connects: list[tuple[str, int]], sim: BiginSimulator) -> None:
    w = wire()
    for index in range(12):
        # photo (200), no photo (204) and an error answer (400): all read, so the connection stays usable
        result = w.send("GET", (RECORD, NO_PHOTO, "999")[index % 3], read_limit=SMALL)
        assert result.status == (200, 204, 400)[index % 3]
    assert len(sim.api_requests()) == 12
    assert len(connects) == 1


def test_small_body_is_read_within_read_limit(wire: t.Callable[..., Wire]) -> None:
    w = wire()
    result = w.send("GET", read_limit=SMALL)
    assert result.status == 200
    assert result.body == PNG_RED
    assert result.complete is True
    assert result.headers["Content-Type"] == "image/png"


def test_body_of_exactly_read_limit_is_read(wire: t.Callable[..., Wire]) -> None:
    w = wire()
    result = w.send("GET", read_limit=len(PNG_RED))
    assert result.body == PNG_RED and result.complete


def test_big_body_is_left_unread_beyond_read_limit(wire: t.Callable[..., Wire], connects: list[tuple[str, int]], sim: BiginSimulator) -> None:
    w = wire()
    big = PNG_RED + b"\0" * (200 * 1024)
    sim.set_photo("Contacts", RECORD, big)
    result = w.send("GET", read_limit=SMALL)
    assert result.status == 200
    # Only a prefix is read (enough for the magic bytes), never the whole body.
    assert result.body is not None and big.startswith(result.body) and PEEK_BYTES <= len(result.body) < SMALL
    assert result.complete is False
    assert result.headers["Content-Length"] == str(len(big))
    # The rest is not drained: its connection is closed, the next request opens a new one.
    assert len(connects) == 1
    assert w.send("GET", read_limit=SMALL).body.startswith(PNG_RED[:PEEK_BYTES])
    assert len(connects) == 2


def test_without_read_limit_a_big_body_is_read_whole(wire: t.Callable[..., Wire], connects: list[tuple[str, int]], sim: BiginSimulator) -> None:
    w = wire()
    big = PNG_RED + b"\1" * (200 * 1024)
    sim.set_photo("Contacts", RECORD, big)
    for dummy in range(3):
        result = w.send("GET")
        assert result.body == big and result.complete
    assert len(connects) == 1


def test_read_limit_does_not_apply_to_error_answers(wire: t.Callable[..., Wire]) -> None:
    w = wire()
    result = w.send("GET", "12345", read_limit=1)
    assert result.status == 400
    assert result.complete is True
    assert b"the id given seems to be invalid" in (result.body or b"")


def test_no_photo_answer_is_empty_and_complete(wire: t.Callable[..., Wire], sim: BiginSimulator) -> None:
    w = wire()
    sim.set_photo("Contacts", RECORD, None)
    result = w.send("GET", read_limit=SMALL)
    assert (result.status, result.body, result.complete) == (204, b"", True)


# -- Transport._read: a body shorter than its Content-Length is a broken connection ------------------

def test_truncated_image_is_read_again(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(max_retries=1)
    data = PNG_RED * 40
    sim.set_photo("Contacts", RECORD, data)
    sim.inject_truncated_image(1)
    state, body = w.service.fetch(RECORD, need_bytes=True)
    assert body == data and state.size == len(data)
    assert statuses(sim, "GET") == [200, 200]
    assert len(w.warnings) == 1 and "connection broken while reading the answer" in w.warnings[0]


class FakeRaw:
    """The urllib3 response under a fake: bytes read off the wire so far."""

    def __init__(self, wire_bytes: int):
        self.wire_bytes = wire_bytes

    def tell(self) -> int:
        return self.wire_bytes


class FakeResponse:
    """A requests.Response as urllib3 1.x leaves it after a short read: ``content`` shorter than declared.

    (urllib3 2 raises on a short read by itself, so the simulator cannot show what 1.x does.)
    """

    def __init__(self, content: bytes, declared: int, status: int = 200):
        self.status_code = status
        self.content = content
        self.headers = CaseInsensitiveDict({"Content-Type": "image/png", "Content-Length": str(declared)})
        self.raw = FakeRaw(len(content))
        self.closed = False

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def iter_content(self, chunk_size: int) -> t.Iterator[bytes]:
        for start in range(0, len(self.content), chunk_size):
            self.raw.wire_bytes = min(start + chunk_size, len(self.content))
            yield self.content[start:start + chunk_size]

    def close(self) -> None:
        self.closed = True


class FakeSession:
    """Hands out the given responses in turn, counting the requests."""

    def __init__(self, *responses: FakeResponse):
        self.responses = list(responses)
        self.calls: list[tuple[str, dict[str, t.Any]]] = []

    def request(self, method: str, url: str, **kwargs: t.Any) -> FakeResponse:
        self.calls.append((method, kwargs))
        return self.responses.pop(0)


def fake_transport(session: FakeSession, max_retries: int) -> tuple[Transport, list[str]]:
    warnings: list[str] = []
    return Transport(t.cast(requests.Session, session), 5.0, max_retries, warnings.append,
                     sleep=lambda s: None), warnings


# A deadline never started: it never expires.
NO_DEADLINE = _client._Deadline(5.0)  # pylint: disable=protected-access


def test_read_rejects_a_body_shorter_than_its_content_length() -> None:
    transport, _warnings = fake_transport(FakeSession(), 0)
    short = FakeResponse(PNG_RED[:10], len(PNG_RED))
    with pytest.raises(_client._Truncated):  # pylint: disable=protected-access
        transport._read(t.cast(requests.Response, short), None, False, MAX_JSON_BODY, NO_DEADLINE)  # pylint: disable=protected-access
    assert short.closed
    whole = FakeResponse(PNG_RED, len(PNG_RED))
    result = transport._read(t.cast(requests.Response, whole), None, False, MAX_JSON_BODY, NO_DEADLINE)  # pylint: disable=protected-access
    assert isinstance(result, HTTPResult) and result.body == PNG_RED and result.complete and whole.closed
    # A body read only in part on purpose (read_limit) is not a short one.
    big = PNG_RED + b"\0" * 1024
    partial = FakeResponse(big, len(big))
    result = transport._read(t.cast(requests.Response, partial), 64, False, MAX_JSON_BODY, NO_DEADLINE)  # pylint: disable=protected-access
    assert result.body == big[:32] and result.complete is False and partial.closed
    # But one that ends before its first bytes were read is.
    short = FakeResponse(PNG_RED[:10], 10 * 1024 * 1024)
    with pytest.raises(_client._Truncated):  # pylint: disable=protected-access
        transport._read(t.cast(requests.Response, short), 64 * 1024, False, MAX_JSON_BODY, NO_DEADLINE)  # pylint: disable=protected-access


def test_short_body_is_retried_like_a_broken_connection() -> None:
    session = FakeSession(FakeResponse(PNG_RED[:10], len(PNG_RED)), FakeResponse(PNG_RED, len(PNG_RED)))
    transport, warnings = fake_transport(session, 1)
    result = transport.send("GET", "http://127.0.0.1:9/bigin/v2/Contacts/1/photo", "Contacts/1", True)
    assert result.body == PNG_RED and result.maybe_applied_before is True
    assert len(session.calls) == 2
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "GET Contacts/1: retrying after connection broken while reading the answer, attempt 2 of 2")
    # Out of retries: a transport error, not a short photo.
    session = FakeSession(FakeResponse(PNG_RED[:10], len(PNG_RED)))
    transport, warnings = fake_transport(session, 0)
    with pytest.raises(BiginTransportError) as info:
        transport.send("GET", "http://127.0.0.1:9/bigin/v2/Contacts/1/photo", "Contacts/1", True)
    assert str(info.value) == "GET Contacts/1 failed after 1 attempt(s): connection broken while reading the answer"


def test_short_answer_to_an_upload_is_not_resent() -> None:
    session = FakeSession(FakeResponse(b'{"status":', 40))
    transport, _warnings = fake_transport(session, 3)
    with pytest.raises(BiginTransportError, match="after 1 attempt"):
        transport.send("POST", "http://127.0.0.1:9/bigin/v2/Contacts/1/photo", "Contacts/1", False)
    assert len(session.calls) == 1


@pytest.mark.parametrize("method", ["DELETE", "POST"])
def test_compressed_answer_is_not_taken_for_a_short_one(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                        image: Image, method: str) -> None:
    """Content-Length counts the bytes on the wire; requests hands out the decoded (longer) body."""
    w = wire(max_retries=2)
    packed = gzip.compress(SUCCESS_BODY.encode())
    sim.inject_response(200, body=packed, headers=dict(JSON_HEADERS, **{"Content-Encoding": "gzip"}),
                        method=method)
    if method == "DELETE":
        assert w.service.delete(RECORD) is True
    else:
        w.service.upload(RECORD, image)
    assert len(sim.api_requests(method)) == 1
    assert w.warnings == []


# -- BiginClient.url: where requests go --------------------------------------------------------------

@pytest.mark.parametrize("domain, version, expected", [
    ("https://www.zohoapis.com", "v2", "https://www.zohoapis.com/bigin/v2/Contacts/3000000038009/photo"),
    ("https://www.zohoapis.eu/", "v1", "https://www.zohoapis.eu/bigin/v1/Contacts/3000000038009/photo"),
    ("http://127.0.0.1:8080//", "v2", "http://127.0.0.1:8080/bigin/v2/Contacts/3000000038009/photo"),
])
def test_photo_url(domain: str, version: str, expected: str) -> None:
    client = BiginClient(t.cast(Transport, None), domain, version, None)
    assert client.url("Contacts/%s/photo" % "3000000038009") == expected


class Tokens:
    def __init__(self, api_domain: str | None):
        self.api_domain = api_domain
        self.can_refresh = True

    def get(self) -> str:
        return "tok"

    def invalidate(self, token: str) -> None:
        pass


@pytest.mark.parametrize("token_domain, learned, expected", [
    (True, "https://www.zohoapis.eu", "https://www.zohoapis.eu/bigin/v2/Contacts/1/photo"),
    (True, None, "https://www.zohoapis.com/bigin/v2/Contacts/1/photo"),
    (False, "https://www.zohoapis.eu", "https://www.zohoapis.com/bigin/v2/Contacts/1/photo"),  # explicit wins
])
def test_client_goes_where_the_token_endpoint_says_unless_told(token_domain: bool, learned: str | None,
                                                               expected: str) -> None:
    warnings: list[str] = []
    transport = Transport(t.cast(t.Any, None), 1.0, 0, warnings.append)
    client = BiginClient(transport, "https://www.zohoapis.com", "v2", t.cast(t.Any, Tokens(learned)),
                         token_domain=token_domain, warn=warnings.append)
    assert client.url("Contacts/1/photo") == expected
    assert client.url("Contacts/1/photo") == expected
    if token_domain and learned:
        assert len(warnings) == 1 and learned in warnings[0] and "https://www.zohoapis.com" in warnings[0]
    else:
        assert warnings == []


# -- BiginClient.request: the auth header, and one token refresh on a rejected token -----------------

def test_request_sends_the_zoho_auth_header(wire: t.Callable[..., Wire], sim: BiginSimulator) -> None:
    w = wire()
    result = w.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert result.status == 200 and result.body == PNG_RED
    (entry,) = sim.api_requests()
    assert entry["headers"]["Authorization"] == "Zoho-oauthtoken ***"
    assert entry["path"] == "/bigin/v2/Contacts/%s/photo" % RECORD
    assert sim.token_requests() == []


def test_error_answer_raises_the_api_error(wire: t.Callable[..., Wire], sim: BiginSimulator) -> None:
    w = wire()
    sim.set_permission(delete_images=False)
    with pytest.raises(BiginAPIError) as info:
        w.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert (info.value.code, info.value.http_status) == ("NO_PERMISSION", 403)
    assert info.value.maybe_applied_before is False
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert sim.token_requests() == []


def test_rejected_token_is_refreshed_once_and_the_request_retried_once(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(access_token="1000.expired.token")
    result = w.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert result.status == 200
    assert [(m, s) for m, _r, s in api_log(sim)] == [("DELETE", 401), ("DELETE", 200)]
    assert sim.api_requests()[0]["code"] == "INVALID_TOKEN"
    (token_request,) = sim.token_requests()
    assert token_request["method"] == "POST"
    assert token_request["form"] == {"grant_type": "refresh_token", "client_id": CLIENT_ID}
    assert sim.tokens_issued == 1
    assert sim.photo("Contacts", RECORD) is None
    # The new token serves the next requests: no other refresh.
    w.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    w.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert len(sim.token_requests()) == 1
    assert sim.tokens_issued == 1


def test_token_expiring_mid_run_is_refreshed(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire()
    sim.expire_token_after(2, ACCESS_TOKEN)
    for dummy in range(4):
        assert w.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD).status == 200
    assert statuses(sim) == [200, 200, 401, 200, 200]
    assert len(sim.token_requests()) == 1


def test_authentication_failure_is_refreshed_too(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire()
    sim.inject_error("AUTHENTICATION_FAILURE", count=1)
    assert w.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD).status == 200
    assert [(m, s) for m, _r, s in api_log(sim)] == [("GET", 401), ("GET", 200)]
    assert len(sim.token_requests()) == 1


def test_second_rejection_raises_and_never_loops(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire()
    sim.inject_error("INVALID_TOKEN", count=100)
    with pytest.raises(BiginAPIError) as info:
        w.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert info.value.code == "INVALID_TOKEN" and info.value.http_status == 401
    assert [(m, s) for m, _r, s in api_log(sim)] == [("DELETE", 401), ("DELETE", 401)]
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", RECORD) == PNG_RED


def test_rejection_without_refresh_credentials_raises_at_once(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(access_token="1000.expired.token", refresh=False)
    with pytest.raises(BiginAPIError) as info:
        w.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert info.value.code == "INVALID_TOKEN"
    assert "refresh_token" in (info.value.resolution or "")
    assert len(sim.api_requests()) == 1
    assert sim.token_requests() == []


def test_scope_mismatch_is_not_a_reason_to_refresh(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    sim.add_token("1000.read-only.token", scopes=("ZohoBigin.modules.contacts.READ",))
    w = wire(access_token="1000.read-only.token")
    with pytest.raises(BiginAPIError) as info:
        w.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert (info.value.code, info.value.http_status) == ("OAUTH_SCOPE_MISMATCH", 401)
    assert len(sim.api_requests()) == 1
    assert sim.token_requests() == []


def test_only_refresh_credentials_get_a_token_first(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(access_token=None)
    assert w.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD).status == 200
    assert [(m, s) for m, _r, s in api_log(sim)] == [("GET", 200)]
    assert len(sim.token_requests()) == 1


def test_upload_rejected_for_its_token_is_sent_again_after_refresh(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(access_token="1000.expired.token")
    files = {"file": ("red.png", PNG_RED, "image/png")}
    assert w.client.request("POST", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD, idempotent=False, files=files).status == 200
    assert [(m, s) for m, _r, s in api_log(sim)] == [("POST", 401), ("POST", 200)]
    assert sim.photo("Contacts", RECORD) == PNG_RED


def test_failed_refresh_reports_which_failure_without_secrets(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    sim.revoke_refresh_token(REFRESH_TOKEN)
    w = wire(access_token="1000.expired.token")
    with pytest.raises(BiginAuthError) as info:
        w.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    text = str(info.value)
    assert text.startswith("Token refresh failed: invalid_code: ")
    assert "revoked" in text
    for secret in SECRETS + ("1000.expired.token",):
        assert secret not in text
    assert [(m, s) for m, _r, s in api_log(sim)] == [("DELETE", 401)]
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", RECORD) == PNG_RED


def test_delete_applied_then_lost_then_token_refreshed_counts_as_changed(sim: BiginSimulator,
                                                                         wire: t.Callable[..., Wire]) -> None:
    w = wire(max_retries=1)
    sim.inject_drop(method="DELETE", when="after")  # applied, then the connection closes
    sim.expire_token_after(1, ACCESS_TOKEN)  # the retry meets INVALID_TOKEN
    assert w.service.delete(RECORD) is True
    assert sim.photo("Contacts", RECORD) is None
    assert [(m, s) for m, _r, s in api_log(sim)] == [("DELETE", None), ("DELETE", 401), ("DELETE", 400)]
    assert sim.api_requests()[1]["code"] == "INVALID_TOKEN"
    assert sim.api_requests()[2]["code"] == "INVALID_DATA"  # "No such photo exists"
    assert len(sim.token_requests()) == 1 and len(w.minted) == 1


def test_no_such_photo_without_a_lost_answer_is_still_unchanged(sim: BiginSimulator,
                                                                wire: t.Callable[..., Wire]) -> None:
    """The counterpart: a refresh alone does not make "No such photo exists" a change."""
    w = wire(max_retries=1)
    sim.expire_token(ACCESS_TOKEN)
    assert w.service.delete(NO_PHOTO) is False
    assert [(m, s) for m, _r, s in api_log(sim)] == [("DELETE", 401), ("DELETE", 400)]


# -- BiginClient.request: no redirect is followed; a 3xx answer is an error --------------------------

@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_answer_to_delete_is_an_error_and_is_not_followed(sim: BiginSimulator,
                                                                   wire: t.Callable[..., Wire],
                                                                   status: int) -> None:
    w = wire(max_retries=2)
    # The Location points at the photo itself: followed as a GET (301/302/303) it would answer 200,
    # followed as a DELETE (307/308) it would delete the photo.
    sim.inject_response(status, headers={"Location": w.photo_url()}, method="DELETE")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        w.service.ensure_absent(out)
    assert info.value.http_status == status and info.value.code is None
    assert "unexpected redirect" in str(info.value) and w.photo_url() in str(info.value)
    assert api_log(sim) == [("GET", RECORD, 200), ("DELETE", RECORD, status)]
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert out.changed is False and out.after is None
    assert w.warnings == []  # not retried either


def test_redirect_answer_to_get_is_an_error(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire()
    sim.inject_response(302, headers={"Location": w.photo_url(OTHER)}, method="GET")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        w.service.read_photo(out)
    assert info.value.http_status == 302 and w.photo_url(OTHER) in str(info.value)
    assert api_log(sim) == [("GET", RECORD, 302)]
    assert out.before is None


# -- check_success: a 2xx answer to DELETE or POST must say success ----------------------------------

@pytest.mark.parametrize("method, body", [("DELETE", LOCKED_BODY), ("DELETE", json.dumps(json.loads(LOCKED_BODY)["data"][0])),
                                          ("POST", LOCKED_BODY)], ids=["delete-wrapped", "delete-bare", "post-wrapped"])
def test_200_with_an_error_body_raises_that_error(sim: BiginSimulator, wire: t.Callable[..., Wire], image: Image,
                                                  method: str, body: str) -> None:
    w = wire()
    sim.inject_response(200, body=body, headers=JSON_HEADERS, method=method)
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        if method == "DELETE":
            w.service.ensure_absent(out)
        else:
            w.service.ensure_present(out, image)
    assert info.value.matches("RECORD_LOCKED", "Record is locked") and info.value.http_status == 200
    assert info.value.resolution and "locked" in info.value.resolution
    assert out.changed is False and out.after is None
    assert [m for m, _r, _s in api_log(sim)] == ["GET", method]


@pytest.mark.parametrize("method", ["DELETE", "POST"])
@pytest.mark.parametrize("body, shown", [("", "empty body"), ("OK", "OK"), ('{"data": []}', '{"data": []}'),
                                         ('{"status": "error"}', '{"status": "error"}')],
                         ids=["empty", "text", "empty-data", "error-without-code"])
def test_2xx_without_a_success_status_is_a_clear_error(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                       image: Image, method: str, body: str, shown: str) -> None:
    w = wire()
    sim.inject_response(200, body=body, method=method)
    with pytest.raises(BiginAPIError) as info:
        if method == "DELETE":
            w.service.delete(RECORD)
        else:
            w.service.upload(RECORD, image)
    assert info.value.http_status == 200 and info.value.code is None
    assert "without the expected success status: " + shown in str(info.value)


def test_a_proper_success_body_passes(sim: BiginSimulator, wire: t.Callable[..., Wire], image: Image) -> None:
    w = wire()
    out = Outcome("Contacts", RECORD)
    w.service.ensure_absent(out)  # the simulator's own success answer
    assert out.changed is True and sim.photo("Contacts", RECORD) is None
    w.service.upload(RECORD, image)
    assert sim.photo("Contacts", RECORD) == PNG_BLUE
    # The wrapped shape, and a status in another case, are success too.
    sim.inject_response(200, body='{"data":[{"code":"SUCCESS","status":"success","message":"ok","details":{}}]}',
                        headers=JSON_HEADERS, method="DELETE")
    assert w.service.delete(OTHER) is True
    sim.inject_response(200, body='{"status": "SUCCESS"}', headers=JSON_HEADERS, method="POST")
    w.service.upload(OTHER, image)


# -- hostile servers: a deadline for the whole request, caps on what is read (issue 15) -------------

class HostileServer:
    """A loopback HTTP server that misbehaves as told; it stops itself when the test ends.

    Modes: ``trickle-body`` (a 200 whose body comes a byte every 50 ms), ``trickle-headers`` (the
    same for the header lines), ``huge`` (a 200 with a body of ``size`` zero bytes, streamed),
    ``huge-error`` (the same as a 500), ``huge-chunked`` (a 200 of ``size`` bytes without Content-Length).
    Each answer ends by itself after 30 s at most, so a missing deadline fails rather than hangs.
    """

    def __init__(self, mode: str, size: int = 0):
        self.mode, self.size = mode, size
        self.connections = 0
        self.sent = 0
        self._stop = threading.Event()
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self.url = "http://127.0.0.1:%d" % self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _addr = self._sock.accept()
            except OSError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _send(self, conn: socket.socket, data: bytes) -> None:
        conn.sendall(data)
        self.sent += len(data)

    def _answer(self, conn: socket.socket) -> None:
        ends = time.monotonic() + 30.0
        try:
            conn.recv(65536)
            if self.mode == "trickle-headers":
                self._send(conn, b"HTTP/1.1 200 OK\r\n")
                while time.monotonic() < ends and not self._stop.is_set():
                    self._send(conn, b"X: y\r\n")
                    time.sleep(0.05)
            elif self.mode == "trickle-body":
                self._send(conn, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n")
                while time.monotonic() < ends and not self._stop.is_set():
                    self._send(conn, b" ")
                    time.sleep(0.05)
            else:
                status = b"500 Internal Server Error" if self.mode == "huge-error" else b"200 OK"
                length = b"" if self.mode == "huge-chunked" else b"Content-Length: %d\r\n" % self.size
                self._send(conn, b"HTTP/1.1 " + status + b"\r\nContent-Type: image/png\r\n" + length
                           + b"Connection: close\r\n\r\n")
                chunk = b"\0" * 65536
                left = self.size
                while left > 0 and time.monotonic() < ends and not self._stop.is_set():
                    self._send(conn, chunk[:left])
                    left -= min(left, len(chunk))
        except OSError:
            pass  # the client hung up: what the caps are for
        finally:
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._sock.close()
        self._thread.join(5)


@pytest.fixture
def hostile() -> t.Iterator[t.Callable[..., HostileServer]]:
    made: list[HostileServer] = []

    def make(mode: str, size: int = 0) -> HostileServer:
        made.append(HostileServer(mode, size))
        return made[-1]

    yield make
    for server in made:
        server.close()


def hostile_transport(timeout: float = 0.5, max_retries: int = 0) -> tuple[Transport, list[str]]:
    warnings: list[str] = []
    return Transport(new_session(2, True), timeout, max_retries, warnings.append, sleep=lambda s: None), warnings


@pytest.mark.parametrize("mode", ["trickle-body", "trickle-headers"])
def test_timeout_bounds_the_whole_request(hostile: t.Callable[..., HostileServer], mode: str) -> None:
    # Each byte comes well within the socket timeout: only a deadline for the whole request ends it.
    server = hostile(mode)
    transport, warnings = hostile_transport(timeout=0.5, max_retries=1)
    with pytest.raises(BiginTransportError) as info:
        transport.send("GET", server.url + "/bigin/v2/Contacts", "listing Contacts", True)
    assert str(info.value) == ("GET listing Contacts failed after 2 attempt(s): timeout (the whole request "
                               "took longer than the timeout)")
    assert server.connections == 2 and len(warnings) == 1
    assert server.sent < 30 * 20 * 10  # far from the 30 s the server would go on for


@pytest.mark.parametrize("mode", ["huge", "huge-chunked"])
def test_a_json_answer_above_its_cap_is_not_read(hostile: t.Callable[..., HostileServer], mode: str) -> None:
    server = hostile(mode, MAX_JSON_BODY * 4)
    transport, _warnings = hostile_transport(timeout=20, max_retries=3)
    with pytest.raises(BiginTransportError) as info:
        transport.send("GET", server.url + "/bigin/v2/Contacts", "listing Contacts", True)
    assert str(info.value) == ("GET listing Contacts failed: the answer is larger than %d bytes, more than an "
                               "answer of its kind can be; not read" % MAX_JSON_BODY)
    assert server.connections == 1  # not retried: the next answer would be as large


def test_a_photo_above_its_cap_is_an_error_of_that_record(hostile: t.Callable[..., HostileServer],
                                                          tmp_path: t.Any) -> None:
    server = hostile("huge", MAX_PHOTO_BODY + 1)
    transport, _warnings = hostile_transport(timeout=20)
    tokens = TokenProvider(ACCESS_TOKEN, None, None, None, accounts_url=server.url,
                           post=transport.send_token_request)
    service = PhotoService(BiginClient(transport, server.url, "v2", tokens), "Contacts")
    with pytest.raises(BiginTransportError, match="larger than %d bytes" % MAX_PHOTO_BODY):
        service.fetch(RECORD, need_bytes=True)
    assert server.connections == 1


def test_only_a_prefix_of_an_error_answer_is_read(hostile: t.Callable[..., HostileServer]) -> None:
    server = hostile("huge-error", MAX_JSON_BODY * 4)
    transport, _warnings = hostile_transport(timeout=20)
    result = transport.send("GET", server.url + "/bigin/v2/Contacts", "listing Contacts", True)
    assert result.status == 500 and result.complete is False and len(result.body or b"") == MAX_ERROR_BODY
