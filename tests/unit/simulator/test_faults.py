# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's faults area (tests/simulator/faults.py).

Fault injection (``inject_status``, ``inject_error``, ``inject_response``, ``inject_drop``),
chaos mode (``enable_chaos``) and the request log (``requests``, ``api_requests``,
``token_requests``, ``clear_log``).  Every test runs on ``sample_records``.
"""

from __future__ import annotations

import gzip
import json
import time

import pytest
import requests

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

from .conftest import ACCOUNT, CONTACT, assert_error, auth, photo_url, refresh, token_form

pytestmark = pytest.mark.usefixtures("sample_records")


# ---------------------------------------------------------------------------
# FaultsMixin.inject_status
# ---------------------------------------------------------------------------
def test_inject_429_headers(sim: BiginSimulator) -> None:
    sim.inject_status(429, count=2, retry_after=7)
    before_ms = int(time.time() * 1000)
    for _attempt in range(2):
        resp = requests.get(photo_url(sim), headers=auth())
        assert resp.status_code == 429
        assert resp.json() == {"code": "TOO_MANY_REQUESTS", "details": {}, "message": "Too many requests",
                               "status": "error"}
        assert resp.headers["X-RATELIMIT-REMAINING"] == "0"
        assert int(resp.headers["X-RATELIMIT-LIMIT"]) > 0
        reset = int(resp.headers["X-RATELIMIT-RESET"])
        assert before_ms + 6000 <= reset <= int(time.time() * 1000) + 7000
        assert resp.headers["Retry-After"] == "7"
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200


def test_inject_429_without_retry_after(sim: BiginSimulator) -> None:
    sim.inject_status(429)
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.status_code == 429 and "Retry-After" not in resp.headers
    assert int(resp.headers["X-RATELIMIT-RESET"]) > time.time() * 1000


def test_inject_status_method_filter_and_bodies(sim: BiginSimulator) -> None:
    sim.inject_status(502, method="DELETE")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    resp = requests.delete(photo_url(sim), headers=auth())
    assert resp.status_code == 502 and resp.headers["Content-Type"].startswith("text/html")
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    sim.inject_status(503, body=b"<html>Bad Gateway</html>")
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.status_code == 503 and resp.content == b"<html>Bad Gateway</html>"
    sim.inject_status(500)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INTERNAL_ERROR")
    sim.inject_status(504, path_contains="/Accounts/")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert requests.get(photo_url(sim, "Accounts", ACCOUNT), headers=auth()).status_code == 504


def test_inject_token_endpoint_fault(sim: BiginSimulator) -> None:
    sim.inject_status(503, kind="token")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert refresh(sim).status_code == 503
    assert refresh(sim).status_code == 200


# ---------------------------------------------------------------------------
# FaultsMixin.inject_error
# ---------------------------------------------------------------------------
def test_internal_error_by_injection(sim: BiginSimulator) -> None:
    sim.inject_error("INTERNAL_ERROR")
    assert_error(requests.delete(photo_url(sim), headers=auth()), "INTERNAL_ERROR")
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200


def test_inject_error_by_code_with_overrides(sim: BiginSimulator) -> None:
    sim.inject_error("NO_PERMISSION", count=2, method="GET")
    assert_error(requests.get(photo_url(sim), headers=auth()), "NO_PERMISSION")
    assert_error(requests.get(photo_url(sim), headers=auth()), "NO_PERMISSION")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    sim.inject_error("INVALID_REQUEST_METHOD", status=405, message="custom")
    resp = requests.delete(photo_url(sim), headers=auth())
    assert resp.status_code == 405
    assert resp.json() == {"code": "INVALID_REQUEST_METHOD", "details": {}, "message": "custom", "status": "error"}
    with pytest.raises(ValueError):
        sim.inject_error("NOT_A_CODE")


# ---------------------------------------------------------------------------
# FaultsMixin.inject_response
# ---------------------------------------------------------------------------
def test_inject_response_exact_status_body_and_headers(sim: BiginSimulator) -> None:
    location = photo_url(sim)
    sim.inject_response(302, headers={"Location": location}, method="DELETE", count=2)
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200  # method filter
    for _attempt in range(2):
        resp = requests.delete(photo_url(sim), headers=auth(), allow_redirects=False)
        assert resp.status_code == 302 and resp.headers["Location"] == location
        assert resp.content == b"" and resp.headers["Content-Length"] == "0"
    assert sim.photo("Contacts", CONTACT) == PNG_RED  # not applied
    assert [e["status"] for e in sim.api_requests("DELETE")] == [302, 302]
    locked = '{"data":[{"code":"RECORD_LOCKED","status":"error","message":"Record is locked","details":{}}]}'
    sim.inject_response(200, body=locked, headers=[("Content-Type", "application/json")], method="POST")
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("a.png", PNG_BLUE, "image/png")})
    assert resp.status_code == 200 and resp.text == locked
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    # Content-Length is that of the body as given (here compressed).
    packed = gzip.compress(b'{"status": "success"}')
    sim.inject_response(200, body=packed, headers={"Content-Encoding": "gzip"})
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.json() == {"status": "success"} and resp.headers["Content-Length"] == str(len(packed))
    sim.inject_response(500, body="oops", kind="token")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200  # kind filter
    resp = refresh(sim)
    assert resp.status_code == 500 and resp.text == "oops"
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200  # faults used up
    assert sim.photo("Contacts", CONTACT) is None


# ---------------------------------------------------------------------------
# FaultsMixin.inject_drop
# ---------------------------------------------------------------------------
def test_drop_before_does_not_apply(sim: BiginSimulator) -> None:
    sim.inject_drop(method="DELETE", when="before")
    with pytest.raises(requests.ConnectionError):
        requests.delete(photo_url(sim), headers=auth())
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    entry = sim.api_requests("DELETE")[-1]
    assert entry["status"] is None and entry["dropped"] is True
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200


def test_drop_after_applies(sim: BiginSimulator) -> None:
    sim.inject_drop(method="DELETE", when="after")
    with pytest.raises(requests.ConnectionError):
        requests.delete(photo_url(sim), headers=auth())
    assert sim.photo("Contacts", CONTACT) is None
    assert_error(requests.delete(photo_url(sim), headers=auth()), "INVALID_DATA_NO_PHOTO")


def test_drop_on_keepalive_connection(sim: BiginSimulator) -> None:
    with requests.Session() as session:
        assert session.get(photo_url(sim), headers=auth()).status_code == 200
        sim.inject_drop()
        with pytest.raises(requests.ConnectionError):
            session.get(photo_url(sim), headers=auth())
        assert session.get(photo_url(sim), headers=auth()).status_code == 200


# ---------------------------------------------------------------------------
# FaultsMixin.enable_chaos
# ---------------------------------------------------------------------------
def test_chaos_mode_is_seeded_and_bounded(sim: BiginSimulator) -> None:
    def run(seed: int) -> tuple[list[int], dict[str, int]]:
        sim.reset()
        sim.add_token(ACCESS_TOKEN)
        sim.add_record("Contacts", CONTACT, photo=PNG_RED)
        sim.enable_chaos(seed, {"500": 0.2, "429": 0.2, "503": 0.1}, max_faults=5, max_per_kind={"503": 1})
        statuses = [requests.get(photo_url(sim), headers=auth()).status_code for _attempt in range(40)]
        return statuses, dict(sim.chaos_counts)

    first, counts = run(7)
    assert run(7) == (first, counts)  # same seed, same faults
    assert sum(counts.values()) == 5 and counts.get("503", 0) <= 1
    assert first.count(200) == 35 and set(first) <= {200, 429, 500, 503}
    assert [e["chaos"] for e in sim.requests if "chaos" in e] != []
    with pytest.raises(ValueError):
        sim.enable_chaos(1, {"nonsense": 0.5}, 1)


# ---------------------------------------------------------------------------
# The request log: requests, api_requests, token_requests, clear_log
# ---------------------------------------------------------------------------
def test_request_log_has_no_secrets(sim: BiginSimulator) -> None:
    requests.get(photo_url(sim), headers=auth())
    refresh(sim)
    minted = requests.post(sim.url + "/oauth/v2/token", params=token_form()).json()["access_token"]
    requests.delete(photo_url(sim), headers=auth(minted))
    requests.get(photo_url(sim), headers={"Authorization": "Bearer " + ACCESS_TOKEN})
    log = sim.requests
    assert [e["kind"] for e in log] == ["api", "token", "token", "api", "api"]
    dump = json.dumps(log)
    for secret in (ACCESS_TOKEN, minted, CLIENT_SECRET, REFRESH_TOKEN):
        assert secret not in dump
    assert log[0]["headers"]["Authorization"] == "Zoho-oauthtoken ***"
    assert log[3]["headers"]["Authorization"] == "Zoho-oauthtoken ***"
    assert log[4]["headers"]["Authorization"] == "***"
    for entry in sim.token_requests():
        assert entry["form"] == {"grant_type": "refresh_token", "client_id": CLIENT_ID}
        assert set(entry["query"]) <= {"grant_type", "client_id"}
    assert log[2]["query"] == {"grant_type": "refresh_token", "client_id": CLIENT_ID}


def test_request_log_fields(sim: BiginSimulator) -> None:
    requests.get(photo_url(sim) + "?a=1", headers=auth())
    requests.delete(photo_url(sim), headers=auth())
    requests.put(photo_url(sim), headers=auth())
    entries = sim.api_requests()
    assert [(e["method"], e["status"]) for e in entries] == [("GET", 200), ("DELETE", 200), ("PUT", 400)]
    assert entries[0]["path"] == "/bigin/v2/Contacts/%s/photo" % CONTACT
    assert entries[0]["query"] == {"a": "1"}
    assert entries[2]["code"] == "INVALID_REQUEST_METHOD"
    assert [e["method"] for e in sim.api_requests("delete")] == ["DELETE"]
    for e in entries:
        assert e["started"] <= e["finished"]
    assert entries[0]["finished"] <= entries[1]["started"]
    sim.clear_log()
    assert sim.requests == []
