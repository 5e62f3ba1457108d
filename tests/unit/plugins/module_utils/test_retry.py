# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the retry policy (module_utils/_client.py: advised_wait, backoff, Transport.send).

What is retried, how long each wait is (Retry-After, X-RATELIMIT-RESET, backoff,
the 30 s cap) and the upload rule: a POST is sent again only after a connect
error (it never left) or a 429/503 answer (the server says it did not process
it), never after a connection that broke once the request was sent.  The waits
go through an injected ``sleep`` that records them, so nothing here sleeps.
"""

from __future__ import annotations

import email.utils
import re
import socket
import typing as t

import pytest
import requests

from ansible_collections.zoho.bigin.plugins.module_utils import _client
from ansible_collections.zoho.bigin.plugins.module_utils._client import (
    BACKOFF_CAP,
    HTTPResult,
    Transport,
    advised_wait,
    backoff,
    new_session,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginTransportError
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

TOKEN = "1000.retry-unit.7d1c"
RECORD = "3000000038009"
NOW = 1700000000.0


@pytest.fixture
def sim() -> t.Iterator[BiginSimulator]:
    with BiginSimulator() as simulator:
        simulator.add_token(TOKEN)
        simulator.add_record("Contacts", RECORD, PNG_RED)
        yield simulator


class Recorder:
    """A Transport aimed at the simulator whose waits and warnings are recorded, not slept."""

    def __init__(self, sim: BiginSimulator, max_retries: int = 3, timeout: float = 10.0):
        self.sim = sim
        self.waits: list[float] = []
        self.warnings: list[str] = []
        self.session = new_session(2, True)
        self.transport = Transport(self.session, timeout, max_retries, self.warnings.append, sleep=self.waits.append)
        self.url = "%s/bigin/v2/Contacts/%s/photo" % (sim.url, RECORD)

    def send(self, method: str, idempotent: bool | None = None, **kwargs: t.Any) -> HTTPResult:
        if idempotent is None:
            idempotent = method != "POST"
        if method == "POST":
            kwargs.setdefault("files", {"file": ("a.png", PNG_RED, "image/png")})
        return self.transport.send(method, self.url, "Contacts/" + RECORD, idempotent,
                                   headers={"Authorization": "Zoho-oauthtoken " + TOKEN}, **kwargs)

    def statuses(self, method: str | None = None) -> list[int | None]:
        return [e["status"] for e in self.sim.api_requests(method)]


@pytest.fixture
def rec(sim: BiginSimulator) -> t.Iterator[Recorder]:
    made = Recorder(sim)
    yield made
    made.session.close()


@pytest.fixture
def top_of_jitter(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the jittered backoff deterministic: always the top of its range."""
    monkeypatch.setattr(_client.random, "uniform", lambda low, high: high)


# -- Retry-After and X-RATELIMIT-RESET ---------------------------------------------------

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


# -- backoff -------------------------------------------------------------------------

def test_backoff_doubles_up_to_the_cap(top_of_jitter: None) -> None:
    assert [backoff(n) for n in range(1, 8)] == [1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 30.0]
    assert backoff(60) == BACKOFF_CAP == 30.0


def test_backoff_has_full_jitter() -> None:
    waits = [backoff(3) for dummy in range(200)]
    assert all(0.0 <= w <= 4.0 for w in waits)
    assert len(set(waits)) > 100  # spread, not one fixed value


# -- waits the transport actually takes ----------------------------------------------------

def test_retry_after_is_slept(rec: Recorder, sim: BiginSimulator) -> None:
    sim.inject_status(429, retry_after=2)
    result = rec.send("GET")
    assert result.status == 200 and rec.statuses() == [429, 200]
    assert rec.waits == [2.0]
    assert rec.warnings == ["GET Contacts/%s: retrying after 429 TOO_MANY_REQUESTS, attempt 2 of 4, in 2.0s" % RECORD]


def test_ratelimit_reset_without_retry_after_is_honoured_and_capped(rec: Recorder, sim: BiginSimulator) -> None:
    # The simulator's plain 429 says X-RATELIMIT-RESET = now + 60 s (epoch ms), no Retry-After.
    sim.inject_status(429)
    rec.send("GET")
    assert rec.statuses() == [429, 200]
    assert rec.waits == [BACKOFF_CAP]


def test_long_retry_after_is_capped(rec: Recorder, sim: BiginSimulator) -> None:
    sim.inject_status(503, retry_after=3600)
    rec.send("GET")
    assert rec.waits == [30.0]


def test_without_advice_the_wait_is_the_backoff(rec: Recorder, sim: BiginSimulator, top_of_jitter: None) -> None:
    sim.inject_status(502, count=3)
    result = rec.send("GET")
    assert result.status == 200 and rec.statuses() == [502, 502, 502, 200]
    assert rec.waits == [1.0, 2.0, 4.0]
    assert [re.search(r"attempt \d of \d", w).group(0) for w in rec.warnings] == [  # type: ignore[union-attr]
        "attempt 2 of 4", "attempt 3 of 4", "attempt 4 of 4"]


def test_garbled_retry_after_on_the_wire_does_not_crash(rec: Recorder, sim: BiginSimulator,
                                                        top_of_jitter: None) -> None:
    sim.inject_status(503, body="<html>busy</html>", retry_after="whenever")
    result = rec.send("GET")
    assert result.status == 200 and rec.statuses() == [503, 200]
    assert rec.waits == [1.0]


@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
def test_retries_run_out_and_the_last_answer_is_returned(rec: Recorder, sim: BiginSimulator, status: int) -> None:
    sim.inject_status(status, count=10, retry_after=0)
    result = rec.send("DELETE")
    assert result.status == status
    assert rec.statuses() == [status] * 4  # max_retries=3: four attempts
    assert len(rec.warnings) == 3
    assert sim.photo("Contacts", RECORD) == PNG_RED


@pytest.mark.parametrize("status", [400, 401, 403, 404])
def test_other_errors_are_not_retried(rec: Recorder, sim: BiginSimulator, status: int) -> None:
    sim.inject_status(status, count=10)
    assert rec.send("GET").status == status
    assert rec.statuses() == [status] and rec.waits == []


def test_zero_retries_sends_once(sim: BiginSimulator) -> None:
    made = Recorder(sim, max_retries=0)
    try:
        sim.inject_status(503, count=5, retry_after=0)
        assert made.send("GET").status == 503
        assert made.statuses() == [503] and made.warnings == []
    finally:
        made.session.close()


# -- lost connections: GET/DELETE are retried ----------------------------------------------

@pytest.mark.parametrize("when", ["before", "after"])
def test_dropped_delete_is_retried_and_flagged(rec: Recorder, sim: BiginSimulator, when: str) -> None:
    sim.inject_drop(method="DELETE", when=when)
    result = rec.send("DELETE")
    assert rec.statuses("DELETE") == [None, 200 if when == "before" else 400]
    # The caller learns that the first attempt may have been applied.
    assert result.maybe_applied_before is True
    assert "connection closed without an answer" in rec.warnings[0]


def test_truncated_get_is_retried(rec: Recorder, sim: BiginSimulator) -> None:
    sim.inject_truncated_image(1)
    result = rec.send("GET")
    assert result.body == PNG_RED and rec.statuses("GET") == [200, 200]
    assert "connection broken while reading the answer" in rec.warnings[0]


def test_read_timeout_of_a_get_is_retried_then_fails(sim: BiginSimulator) -> None:
    sim.latency_ms = 400
    made = Recorder(sim, max_retries=1, timeout=0.1)
    try:
        with pytest.raises(BiginTransportError) as info:
            made.send("GET")
    finally:
        made.session.close()
    assert str(info.value) == "GET Contacts/%s failed after 2 attempt(s): timeout (ReadTimeout)" % RECORD
    assert len(sim.api_requests("GET")) == 2


def test_a_clean_answer_is_not_flagged(rec: Recorder) -> None:
    assert rec.send("GET").maybe_applied_before is False


# -- the upload rule -------------------------------------------------------------------------

@pytest.mark.parametrize("when", ["before", "after"])
def test_upload_is_not_resent_once_it_may_have_reached_the_server(rec: Recorder, sim: BiginSimulator,
                                                                  when: str) -> None:
    sim.set_photo("Contacts", RECORD, None)
    sim.inject_drop(method="POST", when=when)
    with pytest.raises(BiginTransportError) as info:
        rec.send("POST")
    assert str(info.value) == ("POST Contacts/%s failed after 1 attempt(s): connection closed without an answer"
                               % RECORD)
    assert rec.statuses("POST") == [None] and rec.warnings == [] and rec.waits == []
    # The server's state is whatever it did with the one request it got.
    assert sim.photo("Contacts", RECORD) == (PNG_RED if when == "after" else None)


def test_upload_read_timeout_is_not_resent(sim: BiginSimulator) -> None:
    sim.latency_ms = 400
    made = Recorder(sim, max_retries=3, timeout=0.1)
    try:
        with pytest.raises(BiginTransportError) as info:
            made.send("POST")
    finally:
        made.session.close()
    assert "failed after 1 attempt(s): timeout" in str(info.value)
    assert len(sim.api_requests("POST")) == 1


@pytest.mark.parametrize("status", [429, 503])
def test_upload_is_resent_after_429_and_503(rec: Recorder, sim: BiginSimulator, status: int) -> None:
    sim.set_photo("Contacts", RECORD, None)
    sim.inject_status(status, method="POST", count=2, retry_after=0)
    assert rec.send("POST").status == 200
    assert rec.statuses("POST") == [status, status, 200]
    assert sim.photo("Contacts", RECORD) == PNG_RED


@pytest.mark.parametrize("status", [500, 502, 504])
def test_upload_is_not_resent_after_other_server_errors(rec: Recorder, sim: BiginSimulator, status: int) -> None:
    sim.inject_status(status, method="POST", retry_after=0)
    assert rec.send("POST").status == status
    assert rec.statuses("POST") == [status] and rec.warnings == []


def test_upload_is_resent_after_a_connect_error() -> None:
    """Nothing listens on the port: the request provably never left, so an upload may be sent again."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    waits: list[float] = []
    warnings: list[str] = []
    session = new_session(1, True)
    try:
        transport = Transport(session, 5.0, 2, warnings.append, sleep=waits.append)
        with pytest.raises(BiginTransportError) as info:
            transport.send("POST", "http://127.0.0.1:%d/bigin/v2/Contacts/1/photo" % port, "Contacts/1", False,
                           files={"file": ("a.png", PNG_RED, "image/png")})
    finally:
        session.close()
    assert str(info.value) == "POST Contacts/1 failed after 3 attempt(s): could not connect"
    assert len(waits) == 2
    assert warnings[0].startswith("POST Contacts/1: retrying after could not connect, attempt 2 of 3")


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


def test_upload_is_resent_after_a_connect_timeout(sim: BiginSimulator) -> None:
    sim.set_photo("Contacts", RECORD, None)
    real = new_session(1, True)
    warnings: list[str] = []
    try:
        transport = Transport(t.cast(requests.Session, _ConnectTimeoutSession(real)), 5.0, 3, warnings.append,
                              sleep=lambda s: None)
        result = transport.send("POST", "%s/bigin/v2/Contacts/%s/photo" % (sim.url, RECORD), "Contacts/" + RECORD,
                                False, headers={"Authorization": "Zoho-oauthtoken " + TOKEN},
                                files={"file": ("a.png", PNG_RED, "image/png")})
    finally:
        real.close()
    assert result.status == 200 and result.maybe_applied_before is False
    assert len(warnings) == 2 and len(sim.api_requests("POST")) == 1
    assert sim.photo("Contacts", RECORD) == PNG_RED
