# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.3: every way Zoho rejects a token leads to one refresh and one retry; a missing scope does not."""

from __future__ import annotations

import typing as t

import pytest

from tests.integration.conftest import ACCESS_TOKEN
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

IDS = ["3000000038301", "3000000038302", "3000000038303"]
ANSWERS = ["INVALID_TOKEN", "AUTHENTICATION_FAILURE", "INVALID_OAUTHTOKEN", "UNKNOWN_CODE", "NOT_JSON"]


def absent(record_id: t.Any, **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "record_id": record_id, "state": "absent"}
    args.update(extra)
    return {"name": "delete", "zoho.bigin.bigin_photo": args, "ignore_errors": True}


def seed(sim: BiginSimulator, answer: str) -> None:
    for record_id in IDS:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    sim.rejected_token_answer = answer
    sim.expire_token(ACCESS_TOKEN)


@pytest.mark.parametrize("answer", ANSWERS)
def test_any_rejection_is_refreshed_once(sim: BiginSimulator, play: t.Any, answer: str) -> None:
    seed(sim, answer)
    result = play([absent(IDS, concurrency=1)], auth="both")

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert sim.photo_count() == 0
    log = [(e["kind"], e["method"], e["status"]) for e in sim.requests]
    assert log[:3] == [("api", "GET", 401), ("token", "POST", 200), ("api", "GET", 200)]
    assert len(sim.token_requests()) == 1
    assert [e["status"] for e in sim.api_requests()].count(401) == 1


@pytest.mark.parametrize("answer", ["AUTHENTICATION_FAILURE", "NOT_JSON"])
def test_rejection_without_refresh_credentials_stops_the_task(sim: BiginSimulator, play: t.Any,
                                                              answer: str) -> None:
    seed(sim, answer)
    result = play([absent(IDS, concurrency=1)], auth="token")

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    codes = [r["error"]["code"] for r in task["records"]]
    assert codes[1:] == ["NOT_ATTEMPTED", "NOT_ATTEMPTED"]
    assert codes[0] == (None if answer == "NOT_JSON" else answer)
    assert len(sim.api_requests()) == 1 and sim.token_requests() == []


def test_a_token_still_rejected_after_refresh_is_not_refreshed_again(sim: BiginSimulator, play: t.Any) -> None:
    seed(sim, "INVALID_OAUTHTOKEN")
    sim.access_token_lifetime = 0  # every minted token is born expired
    result = play([absent(IDS, concurrency=1)], auth="both")

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    assert [r["error"]["code"] for r in task["records"]] == ["INVALID_OAUTHTOKEN", "NOT_ATTEMPTED", "NOT_ATTEMPTED"]
    # One refresh, one retry, then the task stops: no loop.
    assert [(e["kind"], e["status"]) for e in sim.requests] == [("api", 401), ("token", 200), ("api", 401)]


def test_scope_mismatch_is_not_refreshed(sim: BiginSimulator, play: t.Any) -> None:
    for record_id in IDS:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    sim.inject_error("OAUTH_SCOPE_MISMATCH", method="GET")
    result = play([absent(IDS, concurrency=1)], auth="both")

    task = result.task()
    assert task["_status"] == "failed"
    assert task["records"][0]["error"]["code"] == "OAUTH_SCOPE_MISMATCH"
    assert sim.token_requests() == [] and len(sim.api_requests()) == 1
