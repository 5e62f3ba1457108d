# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.1: a record the user may not touch does not stop the others; a denial for everyone still stops early."""

from __future__ import annotations

import typing as t

import pytest

from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

IDS = ["30000000381%02d" % n for n in range(1, 6)]


def absent(record_id: t.Any, **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "record_id": record_id, "state": "absent"}
    args.update(extra)
    return {"name": "delete", "zoho.bigin.bigin_photo": args, "ignore_errors": True}


def path(record_id: str) -> str:
    return "/bigin/v2/Contacts/%s/photo" % record_id


@pytest.mark.parametrize("denial", ["AUTHORIZATION_FAILED", "NO_PERMISSION", "RECORD_LOCKED"])
def test_a_denied_record_does_not_stop_the_others(sim: BiginSimulator, play: t.Any, denial: str) -> None:
    for record_id in IDS:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    if denial == "AUTHORIZATION_FAILED":
        sim.deny_record("Contacts", IDS[1])
    elif denial == "RECORD_LOCKED":
        sim.lock_record("Contacts", IDS[1])
    else:
        sim.inject_error("NO_PERMISSION", method="DELETE", path_contains=IDS[1])
    result = play([absent(IDS, concurrency=1)])

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is True
    assert [r["record_id"] for r in task["records"]] == IDS
    assert [r["changed"] for r in task["records"]] == [True, False, True, True, True]
    assert task["records"][1]["error"]["code"] == denial
    assert all("error" not in r for i, r in enumerate(task["records"]) if i != 1)
    assert "1 of 5 records failed" in task["msg"] and denial in task["msg"]
    # The simulator agrees: four photos gone, the denied one kept, a DELETE sent for every record.
    assert [sim.photo("Contacts", r) is None for r in IDS] == [True, False, True, True, True]
    deletes = [(e["path"], e["status"]) for e in sim.api_requests("DELETE")]
    assert [p for p, _status in deletes] == [path(r) for r in IDS]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_denied_everywhere_stops_after_ten(sim: BiginSimulator, play: t.Any, concurrency: int) -> None:
    ids = ["3000000039%03d" % n for n in range(200)]
    for record_id in ids:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
        sim.deny_record("Contacts", record_id)
    result = play([absent(ids, concurrency=concurrency)])

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    deletes = sim.api_requests("DELETE")
    assert 10 <= len(deletes) <= 10 + concurrency - 1
    assert all(e["code"] == "AUTHORIZATION_FAILED" for e in deletes)
    codes = [r["error"]["code"] for r in task["records"]]
    assert codes.count("AUTHORIZATION_FAILED") == len(deletes)
    assert codes.count("NOT_ATTEMPTED") == 200 - len(deletes)
    skipped = [r for r in task["records"] if r["error"]["code"] == "NOT_ATTEMPTED"]
    assert "10 records in a row failed with AUTHORIZATION_FAILED" in skipped[0]["error"]["message"]
    # The records not attempted sent nothing at all.
    sent = {e["path"] for e in sim.api_requests()}
    assert all(path(r["record_id"]) not in sent for r in skipped)
    assert sim.photo_count("Contacts") == 200
    assert task["msg"].startswith("200 of 200 records failed; first: ") and "AUTHORIZATION_FAILED" in task["msg"]


def test_one_success_keeps_the_task_going(sim: BiginSimulator, play: t.Any) -> None:
    ids = ["3000000039%03d" % n for n in range(30)]
    for record_id in ids:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
        if record_id != ids[0]:
            sim.deny_record("Contacts", record_id)
    result = play([absent(ids, concurrency=1)])

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is True
    # The first record succeeded, so permission is per record: all 30 were tried.
    assert len(sim.api_requests("DELETE")) == 30
    assert [r["error"]["code"] for r in task["records"][1:]] == ["AUTHORIZATION_FAILED"] * 29


def test_record_independent_error_stops_at_once(sim: BiginSimulator, play: t.Any) -> None:
    for record_id in IDS:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    sim.inject_error("OAUTH_SCOPE_MISMATCH", method="GET")
    result = play([absent(IDS, concurrency=1)])

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    assert [r["error"]["code"] for r in task["records"]] == ["OAUTH_SCOPE_MISMATCH"] + ["NOT_ATTEMPTED"] * 4
    assert "OAUTH_SCOPE_MISMATCH" in task["records"][1]["error"]["message"]
    assert len(sim.api_requests()) == 1
