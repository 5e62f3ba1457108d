# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The request budget through the real ansible-playbook: exact request counts, never times.

Bigin counts API credits per call, so a regression that sends one request too many per record
must fail here. Counts come from the simulator's request log, per record URL and method; the
token endpoint's hits count refreshes. Every result carries ``api_calls`` (and at -vvv
``api_trace``), which must match that log exactly. What a listing selection costs is asserted
in test_select.py, what an export costs in test_export.py.
"""

from __future__ import annotations

import collections
import json
import re
import typing as t

import pytest

from tests.conftest import NO_API_CALLS, assert_no_secrets
from tests.integration.conftest import C1, C2, C3, info_task, photo_path, photo_task, seed_records
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

# The collection's own logic, whatever the ansible-core version: run on the default leg only (Makefile).
pytestmark = pytest.mark.default_core_only

PHOTO_PATH = re.compile(r"^/bigin/v2/Contacts/([0-9]+)/photo$")
RECORDS = 30


# -- requests per record ---------------------------------------------------------------------------


def counts(sim: BiginSimulator) -> dict[str, collections.Counter[str]]:
    """API requests of the log: method -> Counter of record ids (every API request must be a photo URL)."""
    out: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for entry in sim.api_requests():
        match = PHOTO_PATH.match(entry["path"])
        assert match, "unexpected API request %s %s" % (entry["method"], entry["path"])
        out[entry["method"]][match.group(1)] += 1
    return out


def exactly_once(counter: collections.Counter[str], ids: t.Iterable[str]) -> None:
    assert dict(counter) == {record_id: 1 for record_id in ids}


def absent_task(ids: list[str], concurrency: int) -> dict[str, t.Any]:
    return photo_task("absent", ids, ignore_errors=False, concurrency=concurrency)


def test_absent_costs_a_get_per_record_a_delete_per_photo_and_one_refresh(sim: BiginSimulator, play: t.Callable[..., t.Any]) -> None:
    """1 GET per record + 1 DELETE per photo, one token refresh; the rerun: 1 GET each, no refresh."""
    ids, photos = seed_records(sim, RECORDS, photo_every=2, base=3000000070000)

    first = play([absent_task(ids, 8)], auth="refresh")
    assert first.succeeded, first.output
    assert_no_secrets(first.output)
    by_method = counts(sim)
    exactly_once(by_method["GET"], ids)
    exactly_once(by_method["DELETE"], photos)
    assert set(by_method) == {"GET", "DELETE"}  # no POST, nothing else
    assert len(sim.token_requests()) == 1
    assert sim.tokens_issued == 1
    assert sim.photo_count("Contacts") == 0
    result = first.task()
    assert sorted(r["record_id"] for r in result["records"] if r["changed"]) == sorted(photos)

    sim.clear_log()
    # Same tmp_path, so the same XDG_CACHE_HOME: the cached token is still valid.
    second = play([absent_task(ids, 8)], auth="refresh")
    assert second.succeeded, second.output
    by_method = counts(sim)
    exactly_once(by_method["GET"], ids)
    assert set(by_method) == {"GET"}
    assert sim.token_requests() == []
    assert sim.tokens_issued == 1
    assert second.task()["changed"] is False


def test_unchanged_present_and_info_cost_a_get_per_record(sim: BiginSimulator, play: t.Callable[..., t.Any],
                                                          tmp_path: t.Any) -> None:
    """present with the photo already there: 1 GET, no POST; info: 1 GET per record (with or without photo)."""
    same_ids = seed_records(sim, RECORDS, photo_every=1, base=3000000071000)[0]  # all have PNG_RED
    mixed_ids, mixed_photos = seed_records(sim, RECORDS, photo_every=2, base=3000000072000)
    src = tmp_path / "red.png"
    src.write_bytes(PNG_RED)

    present = play([photo_task("present", same_ids, state=None, ignore_errors=False, src=str(src), concurrency=8)])
    assert present.succeeded, present.output
    by_method = counts(sim)
    exactly_once(by_method["GET"], same_ids)
    assert set(by_method) == {"GET"}  # no POST (nothing to change), no DELETE
    assert present.task()["changed"] is False
    assert all(sim.photo("Contacts", record_id) == PNG_RED for record_id in same_ids)

    sim.clear_log()
    info = play([info_task("info", mixed_ids, ignore_errors=False, concurrency=8)])
    assert info.succeeded, info.output
    by_method = counts(sim)
    exactly_once(by_method["GET"], mixed_ids)
    assert set(by_method) == {"GET"}
    records = {r["record_id"]: r for r in info.task()["records"]}
    assert {i for i, r in records.items() if r["present"]} == mixed_photos
    assert sim.token_requests() == []


# -- api_calls in every result, api_trace at -vvv -----------------------------------------------------


def logged_calls(sim: BiginSimulator) -> dict[str, t.Any]:
    """api_calls as the simulator's log gives it."""
    by_method = collections.Counter(entry["method"] for entry in sim.api_requests())
    return {"total": sum(by_method.values()),
            "by_method": {method: by_method.get(method, 0) for method in ("GET", "POST", "DELETE")},
            "token_refreshes": len(sim.token_requests())}


def delete(*ids: str, **extra: t.Any) -> dict[str, t.Any]:
    """A delete whose failure stops the play."""
    return photo_task("delete", list(ids), ignore_errors=False, **extra)


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
        photo_task("upload", C3, state=None, ignore_errors=False, src=str(src)),
    ], auth="refresh")
    assert result.succeeded, result.output
    first, second = result.tasks
    assert sim.photo("Contacts", C1) is None and sim.photo("Contacts", C2) is None
    assert sim.photo("Contacts", C3) == PNG_BLUE
    # First task: 3 GETs + 2 retried 429s, 2 DELETEs + 1 retried 500; token: one 503, then the refresh.
    assert first["api_calls"] == {"total": 8, "by_method": {"GET": 5, "POST": 0, "DELETE": 3}, "token_refreshes": 2}
    # Second task: the cached token; GET to compare, the upload, the GET that reads it back.
    assert second["api_calls"] == {"total": 3, "by_method": {"GET": 2, "POST": 1, "DELETE": 0}, "token_refreshes": 0}
    both = {"total": 11, "by_method": {"GET": 7, "POST": 1, "DELETE": 3}, "token_refreshes": 2}
    assert logged_calls(sim) == both
    assert "api_trace" not in first  # only at -vvv


def test_refresh_on_a_rejected_token_is_counted(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, PNG_RED)
    sim.expire_token_after(1)  # the DELETE meets an expired token: refresh, then the DELETE again
    result = play([delete(C1)], auth="both")
    assert result.succeeded, result.output
    assert result.task()["api_calls"] == logged_calls(sim) == {
        "total": 3, "by_method": {"GET": 1, "POST": 0, "DELETE": 2}, "token_refreshes": 1}


def test_failed_task_carries_its_count(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, PNG_RED)
    sim.set_permission(delete_images=False)
    result = play([delete(C1), info_task("info", "12", ignore_errors=False)],
                  auth="token")
    # The first task fails, the play stops: the log is that task's alone.
    assert result.rc != 0 and len(result.tasks) == 1
    task = result.task()
    assert task["_status"] == "failed" and task["error"]["code"] == "NO_PERMISSION"
    assert task["api_calls"] == logged_calls(sim) == {
        "total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}


def test_bad_input_fails_with_zero_counts(sim: BiginSimulator, play: t.Any) -> None:
    result = play([
        photo_task("delete", [C1], concurrency=0),
        photo_task("delete", ["not-an-id"]),
        photo_task("ansible rejects it"),  # no record_id
    ])
    assert [task["_status"] for task in result.tasks] == ["failed"] * 3, result.output
    assert [task["api_calls"] for task in result.tasks] == [NO_API_CALLS] * 3
    assert "concurrency" in result.tasks[0]["msg"] and "record_id" in result.tasks[2]["msg"]
    assert sim.requests == []


def test_trace_at_vvv_matches_the_log_and_holds_no_secret(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, PNG_RED)
    sim.add_record("Contacts", C2, PNG_RED)
    sim.inject_status(429, count=1, method="GET", retry_after=0)
    result = play([delete(C1, C2, concurrency=1)], auth="refresh", verbosity=3)
    assert result.succeeded, result.output
    task = result.task()
    trace = task["api_trace"]
    log = [entry for entry in sim.requests if entry["kind"] in ("api", "token")]
    assert [(e["method"], e["path"], e["status"]) for e in trace] == [(e["method"], e["path"], e["status"]) for e in log]
    assert [(e["method"], e["path"], e["attempt"]) for e in trace] == [
        ("POST", "/oauth/v2/token", 1),
        ("GET", photo_path(C1), 1), ("GET", photo_path(C1), 2),
        ("DELETE", photo_path(C1), 1),
        ("GET", photo_path(C2), 1), ("DELETE", photo_path(C2), 1)]
    assert all(set(entry) == {"method", "path", "status", "attempt", "ms"} for entry in trace)
    assert task["api_calls"] == logged_calls(sim)
    text = json.dumps(trace)
    for word in ("Zoho-oauthtoken", "Authorization", "client_secret", "refresh_token", "grant_type", "127.0.0.1"):
        assert word not in text
    assert '"api_trace"' in result.output  # shown at -vvv, and checked for secrets with the rest
    assert_no_secrets(result.output)
    assert_no_secrets(json.dumps(result.tasks))
