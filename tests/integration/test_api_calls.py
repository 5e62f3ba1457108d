# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""api_calls in every result, api_trace at -vvv: both match the simulator's request log exactly."""

from __future__ import annotations

import collections
import json
import typing as t

from tests.integration.conftest import assert_no_secrets
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

PHOTO = "zoho.bigin.bigin_photo"
INFO = "zoho.bigin.bigin_photo_info"
C1, C2, C3 = "3000000081001", "3000000081002", "3000000081003"
ZERO = {"total": 0, "by_method": {"GET": 0, "POST": 0, "DELETE": 0}, "token_refreshes": 0}


def logged_calls(sim: BiginSimulator) -> dict[str, t.Any]:
    """api_calls as the simulator's log gives it."""
    by_method = collections.Counter(entry["method"] for entry in sim.api_requests())
    return {"total": sum(by_method.values()),
            "by_method": {method: by_method.get(method, 0) for method in ("GET", "POST", "DELETE")},
            "token_refreshes": len(sim.token_requests())}


def delete(*ids: str, **extra: t.Any) -> dict[str, t.Any]:
    return {"name": "delete", PHOTO: dict({"module": "Contacts", "record_id": list(ids), "state": "absent"}, **extra)}


def test_retries_and_a_token_refresh_are_counted_exactly(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    for record in (C1, C2):
        sim.add_record("Contacts", record, PNG_RED)
    sim.add_record("Contacts", C3)
    sim.inject_status(429, count=2, method="GET", retry_after=0)
    sim.inject_status(500, count=1, method="DELETE")
    sim.inject_status(503, count=1, method="POST", kind="token")
    src = tmp_path / "blue.png"
    src.write_bytes(PNG_BLUE)
    result = play([
        delete(C1, C2, C3, concurrency=2),
        {"name": "upload", PHOTO: {"module": "Contacts", "record_id": C3, "src": str(src)}},
    ], auth="refresh")
    assert result.rc == 0, result.output
    first, second = result.tasks
    assert sim.photo("Contacts", C1) is None and sim.photo("Contacts", C2) is None
    assert sim.photo("Contacts", C3) == PNG_BLUE
    # First task: 3 GETs + 2 retried 429s, 2 DELETEs + 1 retried 500; token: one 503, then the refresh.
    assert first["api_calls"] == {"total": 8, "by_method": {"GET": 5, "POST": 0, "DELETE": 3}, "token_refreshes": 2}
    # Second task: the cached token; GET to compare, then the upload.
    assert second["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 1, "DELETE": 0}, "token_refreshes": 0}
    both = {"total": 10, "by_method": {"GET": 6, "POST": 1, "DELETE": 3}, "token_refreshes": 2}
    assert logged_calls(sim) == both
    assert "api_trace" not in first  # only at -vvv


def test_refresh_on_a_rejected_token_is_counted(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, PNG_RED)
    sim.expire_token_after(1)  # the DELETE meets an expired token: refresh, then the DELETE again
    result = play([delete(C1)], auth="both")
    assert result.rc == 0, result.output
    assert result.task()["api_calls"] == logged_calls(sim) == {
        "total": 3, "by_method": {"GET": 1, "POST": 0, "DELETE": 2}, "token_refreshes": 1}


def test_failed_task_carries_its_count(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, PNG_RED)
    sim.set_permission(delete_images=False)
    result = play([delete(C1), {"name": "info", INFO: {"module": "Contacts", "record_id": "12"}}],
                  auth="token")
    # The first task fails, the play stops: the log is that task's alone.
    assert result.rc != 0 and len(result.tasks) == 1
    task = result.task()
    assert task["_status"] == "failed" and task["error"]["code"] == "NO_PERMISSION"
    assert task["api_calls"] == logged_calls(sim) == {
        "total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}


def test_bad_input_fails_with_zero_counts(sim: BiginSimulator, play: t.Any) -> None:
    result = play([
        dict(delete(C1, concurrency=0), ignore_errors=True),
        dict(delete("not-an-id"), ignore_errors=True),
        {"name": "ansible rejects it", PHOTO: {"module": "Contacts", "state": "absent"}, "ignore_errors": True},
    ])
    assert [task["_status"] for task in result.tasks] == ["failed"] * 3, result.output
    assert [task["api_calls"] for task in result.tasks] == [ZERO] * 3
    assert "concurrency" in result.tasks[0]["msg"] and "record_id" in result.tasks[2]["msg"]
    assert sim.requests == []


def test_trace_at_vvv_matches_the_log_and_holds_no_secret(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, PNG_RED)
    sim.add_record("Contacts", C2, PNG_RED)
    sim.inject_status(429, count=1, method="GET", retry_after=0)
    result = play([delete(C1, C2, concurrency=1)], auth="refresh", verbosity=3)
    assert result.rc == 0, result.output
    task = result.task()
    trace = task["api_trace"]
    log = [entry for entry in sim.requests if entry["kind"] in ("api", "token")]
    assert [(e["method"], e["path"], e["status"]) for e in trace] == [(e["method"], e["path"], e["status"]) for e in log]
    assert [(e["method"], e["path"], e["attempt"]) for e in trace] == [
        ("POST", "/oauth/v2/token", 1),
        ("GET", "/bigin/v2/Contacts/%s/photo" % C1, 1), ("GET", "/bigin/v2/Contacts/%s/photo" % C1, 2),
        ("DELETE", "/bigin/v2/Contacts/%s/photo" % C1, 1),
        ("GET", "/bigin/v2/Contacts/%s/photo" % C2, 1), ("DELETE", "/bigin/v2/Contacts/%s/photo" % C2, 1)]
    assert all(set(entry) == {"method", "path", "status", "attempt", "ms"} for entry in trace)
    assert task["api_calls"] == logged_calls(sim)
    text = json.dumps(trace)
    for word in ("Zoho-oauthtoken", "Authorization", "client_secret", "refresh_token", "grant_type", "127.0.0.1"):
        assert word not in text
    assert '"api_trace"' in result.output  # shown at -vvv, and checked for secrets with the rest
    assert_no_secrets(result.output)
    assert_no_secrets(json.dumps(result.tasks))
