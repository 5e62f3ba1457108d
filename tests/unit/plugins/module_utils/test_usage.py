# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a run cost (api_calls, api_trace) and which CA bundle the transport trusts (ca_path)."""

from __future__ import annotations

import concurrent.futures
import json
import socket
import time
import typing as t

import pytest
import requests

from ansible_collections.zoho.bigin.plugins.module_utils import _base
from ansible_collections.zoho.bigin.plugins.module_utils._client import Transport, Usage, new_session
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginTransportError
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo, bigin_photo_info
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.tls import make_certificate
from tests.unit.plugins.module_runner import Result, run_main

TOKEN = "1000.usage-unit-access.7a1e"
RECORD = "3000000038009"
ZERO = {"total": 0, "by_method": {"GET": 0, "POST": 0, "DELETE": 0}, "token_refreshes": 0}


@pytest.fixture
def sim() -> t.Iterator[BiginSimulator]:
    with BiginSimulator() as simulator:
        simulator.add_token(TOKEN)
        simulator.add_record("Contacts", RECORD, PNG_RED)
        yield simulator


def transport(session: requests.Session | None = None, max_retries: int = 3, trace: bool = False) -> Transport:
    return Transport(session or new_session(4, False), 10.0, max_retries, lambda msg: None,
                     sleep=lambda s: None, usage=Usage(trace=trace))


def photo(sim: BiginSimulator, record: str = RECORD) -> str:
    return "%s/bigin/v2/Contacts/%s/photo" % (sim.url, record)


AUTH = {"Authorization": "Zoho-oauthtoken " + TOKEN}


# -- counting in the transport ---------------------------------------------------------------

def test_every_attempt_is_counted_and_traced_in_order(sim: BiginSimulator) -> None:
    sim.inject_status(500, count=2, method="GET")
    sender = transport(trace=True)
    assert sender.send("GET", photo(sim), "x", True, headers=AUTH).status == 200
    assert sender.send("DELETE", photo(sim), "x", True, headers=AUTH).status == 200
    assert sender.usage.calls() == {"total": 4, "by_method": {"GET": 3, "POST": 0, "DELETE": 1}, "token_refreshes": 0}
    trace = sender.usage.trace_entries()
    assert [(e["method"], e["status"], e["attempt"]) for e in trace] == [
        ("GET", 500, 1), ("GET", 500, 2), ("GET", 200, 3), ("DELETE", 200, 1)]
    assert [(e["method"], e["status"]) for e in trace] == [(e["method"], e["status"]) for e in sim.api_requests()]
    assert all(e["path"] == "/bigin/v2/Contacts/%s/photo" % RECORD for e in trace)
    assert all(isinstance(e["ms"], float) and e["ms"] >= 0 for e in trace)
    assert set(trace[0]) == {"method", "path", "status", "attempt", "ms"}


def test_token_requests_are_counted_apart_and_traced_without_query_or_form(sim: BiginSimulator) -> None:
    sender = transport(trace=True)
    secret = "refresh-secret-in-query-5c1"
    sender.send("POST", "%s/oauth/v2/token?refresh_token=%s" % (sim.url, secret), "token", True,
                token_request=True, data={"client_secret": secret})
    assert sender.usage.calls() == dict(ZERO, token_refreshes=1)
    assert sender.usage.trace_entries() == [
        {"method": "POST", "path": "/oauth/v2/token", "status": 200, "attempt": 1,
         "ms": sender.usage.trace_entries()[0]["ms"]}]
    assert secret not in json.dumps(sender.usage.trace_entries())
    assert len(sim.token_requests()) == 1


def test_connection_errors_are_counted_with_no_status() -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sender = transport(max_retries=2, trace=True)
    with pytest.raises(BiginTransportError):
        sender.send("GET", "http://127.0.0.1:%d/bigin/v2/Contacts/1/photo" % port, "x", True)
    assert sender.usage.calls()["by_method"]["GET"] == 3
    assert [(e["status"], e["attempt"]) for e in sender.usage.trace_entries()] == [(None, 1), (None, 2), (None, 3)]


def test_no_trace_unless_asked(sim: BiginSimulator) -> None:
    sender = transport()
    sender.send("GET", photo(sim), "x", True, headers=AUTH)
    assert sender.usage.trace is None and sender.usage.trace_entries() == []
    assert sender.usage.calls()["total"] == 1


def test_counting_is_exact_across_threads(sim: BiginSimulator) -> None:
    records = [str(3000000050000 + n) for n in range(40)]
    for record in records:
        sim.add_record("Contacts", record, PNG_RED)
    sim.inject_status(429, count=7, method="GET")
    sender = transport(max_retries=10, trace=True)

    def one(record: str) -> None:
        sender.send("GET", photo(sim, record), record, True, headers=AUTH)
        sender.send("DELETE", photo(sim, record), record, True, headers=AUTH)

    with concurrent.futures.ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(one, records))
    calls = sender.usage.calls()
    assert calls["by_method"] == {"GET": 47, "POST": 0, "DELETE": 40}
    assert calls["total"] == len(sim.api_requests()) == 87
    assert len(sender.usage.trace_entries()) == 87


def test_zero_shape() -> None:
    assert Usage().calls() == ZERO


# -- ca_path: the CA bundle the transport trusts ---------------------------------------------

def wait_for(condition: t.Callable[[], bool], limit: float = 10.0) -> bool:
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()


@pytest.fixture
def tls_sim(tmp_path: t.Any) -> t.Iterator[tuple[BiginSimulator, str, str]]:
    """An HTTPS simulator; its certificate and another (untrusted) one."""
    cert, key = make_certificate(str(tmp_path), "simulator")
    other = make_certificate(str(tmp_path), "other")[0]
    with BiginSimulator(tls_certfile=cert, tls_keyfile=key) as simulator:
        simulator.add_token(TOKEN)
        simulator.add_record("Contacts", RECORD, PNG_RED)
        yield simulator, cert, other


def test_default_trust_rejects_the_self_signed_simulator(tls_sim: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sim = tls_sim[0]
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)
    sender = transport(new_session(1, True))
    with pytest.raises(BiginTransportError, match="TLS certificate verification failed"):
        sender.send("GET", photo(sim), "x", True, headers=AUTH)
    assert wait_for(lambda: sim.tls_handshake_failures == 1)  # the server sees the refusal a moment later
    assert sim.api_requests() == []
    assert sender.usage.calls()["total"] == 1  # tried once: not retried


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_path_wins_over_the_environment(tls_sim: t.Any, monkeypatch: pytest.MonkeyPatch, variable: str) -> None:
    sim, cert, other = tls_sim
    monkeypatch.delenv("REQUESTS_CA_BUNDLE", raising=False)
    monkeypatch.delenv("CURL_CA_BUNDLE", raising=False)
    monkeypatch.setenv(variable, other)
    # The variable is really in force: without ca_path it replaces the default trust, and fails.
    with pytest.raises(BiginTransportError, match="TLS certificate verification failed"):
        transport(new_session(1, True)).send("GET", photo(sim), "x", True, headers=AUTH)
    assert transport(new_session(1, True, cert)).send("GET", photo(sim), "x", True, headers=AUTH).status == 200
    assert len(sim.api_requests()) == 1


def test_environment_bundle_still_works_without_ca_path(tls_sim: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sim, cert = tls_sim[:2]
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", cert)
    assert transport(new_session(1, True)).send("GET", photo(sim), "x", True, headers=AUTH).status == 200


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_ca_path_is_unused_when_certificates_are_not_validated(tls_sim: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    sim, other = tls_sim[0], tls_sim[2]
    # Nor may a CA bundle from the environment turn verification back on.
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", other)
    session = new_session(1, False, other)
    assert session.verify is False
    assert transport(session).send("GET", photo(sim), "x", True, headers=AUTH).status == 200


# -- the module: every result carries api_calls; bad ca_path fails before any request ---------

@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> t.Callable[..., Result]:
    def runner(args: dict[str, t.Any], module: t.Any = bigin_photo) -> Result:
        return run_main(module, args, capsys)

    return runner


def args(sim: BiginSimulator, **extra: t.Any) -> dict[str, t.Any]:
    base = {"api_domain": sim.url, "accounts_url": sim.url, "access_token": TOKEN,
            "module": "Contacts", "record_id": RECORD, "state": "absent"}
    base.update(extra)
    return base


def test_success_carries_api_calls_and_no_trace(run: t.Any, sim: BiginSimulator) -> None:
    result = run(args(sim))
    assert result.rc == 0 and result["changed"] is True
    assert result["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}
    assert "api_trace" not in result


def test_trace_at_verbosity_3(run: t.Any, sim: BiginSimulator) -> None:
    info_args = {k: v for k, v in args(sim).items() if k != "state"}
    result = run(dict(info_args, _ansible_verbosity=3), module=bigin_photo_info)
    assert result.rc == 0
    assert result["api_calls"]["by_method"]["GET"] == 1
    assert [(e["method"], e["path"], e["status"], e["attempt"]) for e in result["api_trace"]] == [
        ("GET", "/bigin/v2/Contacts/%s/photo" % RECORD, 200, 1)]


def test_api_failure_carries_api_calls(run: t.Any, sim: BiginSimulator) -> None:
    sim.set_permission(delete_images=False)
    result = run(args(sim))
    assert result.rc == 1 and result["error"]["code"] == "NO_PERMISSION"
    assert result["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}


@pytest.mark.parametrize("bad", [{"concurrency": 0}, {"timeout": -1}, {"record_id": "abc"}])
def test_bad_input_fails_with_zero_counts(run: t.Any, sim: BiginSimulator, bad: dict[str, t.Any]) -> None:
    result = run(args(sim, **bad))
    assert result.rc == 1 and result["api_calls"] == ZERO
    assert sim.requests == []


def test_ansible_argument_errors_carry_zero_counts_too(run: t.Any, sim: BiginSimulator) -> None:
    result = run(args(sim, state="gone"))
    assert result.rc == 1 and "state" in result["msg"] and result["api_calls"] == ZERO


@pytest.mark.parametrize("case", ["missing", "empty file", "not pem", "unreadable directory"])
def test_bad_ca_path_fails_before_any_request(run: t.Any, sim: BiginSimulator, tmp_path: t.Any,
                                              monkeypatch: pytest.MonkeyPatch, case: str) -> None:
    path = tmp_path / "ca"
    expected = {"missing": "does not exist", "empty file": "holds no PEM certificate",
                "not pem": "holds no PEM certificate", "unreadable directory": "is not readable"}[case]
    if case == "empty file":
        path.write_bytes(b"")
    elif case == "not pem":
        path.write_text("not a certificate\n")
    elif case == "unreadable directory":
        path.mkdir()
        path.chmod(0)
        # root reads any directory whatever its mode: answer as the kernel would for anyone else.
        real_access = _base.os.access
        monkeypatch.setattr(_base.os, "access", lambda p, mode: False if str(p) == str(path) else real_access(p, mode))
    result = run(args(sim, ca_path=str(path)))
    assert result.rc == 1
    assert result["msg"].startswith("ca_path: ") and expected in result["msg"] and str(path) in result["msg"]
    assert result["api_calls"] == ZERO
    assert sim.requests == []


def test_ca_path_from_the_environment(run: t.Any, sim: BiginSimulator, tmp_path: t.Any,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIGIN_CA_PATH", str(tmp_path / "nowhere.pem"))
    result = run(args(sim))
    assert result.rc == 1 and "ca_path: " in result["msg"] and sim.requests == []


def test_bad_ca_path_is_ignored_without_certificate_validation(run: t.Any, sim: BiginSimulator,
                                                               tmp_path: t.Any) -> None:
    result = run(args(sim, ca_path=str(tmp_path / "nowhere.pem"), validate_certs=False))
    assert result.rc == 0 and result["changed"] is True


def test_good_ca_path_file_and_directory_are_accepted(run: t.Any, sim: BiginSimulator, tmp_path: t.Any) -> None:
    cert = make_certificate(str(tmp_path))[0]
    sim.add_record("Contacts", "2", PNG_RED)
    assert run(args(sim, ca_path=cert)).rc == 0
    assert run(args(sim, ca_path=str(tmp_path), record_id="2")).rc == 0
