# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.7: Zoho's token limits (10 new per 10 minutes, 15 active) with many forks and no token cache.

Every task must end (no refresh loop), and fail only where the limits force it.
"""

from __future__ import annotations

import collections
import typing as t

from tests.integration.test_faults import _run_on_hosts, photo_task
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

HOSTS = {"host%02d" % n: str(3000000038700 + n) for n in range(1, 21)}


def run(sim: BiginSimulator, tmp_path: t.Any) -> tuple[t.Any, dict[str, dict[str, t.Any]]]:
    for record_id in HOSTS.values():
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    result = _run_on_hosts(tmp_path, sim, HOSTS, [photo_task("delete", "{{ rid }}", token_cache=False,
                                                             max_retries=1)], forks=20)
    by_record = {task["records"][0]["record_id"]: task for task in result.tasks}
    assert sorted(by_record) == sorted(HOSTS.values()), result.output  # every task ended and reported
    return result, by_record


def check_outcomes_match_simulator(sim: BiginSimulator, by_record: dict[str, dict[str, t.Any]]) -> list[str]:
    """Every ok task deleted its photo and nothing else did; returns the records that failed."""
    failed = []
    for record_id, task in by_record.items():
        if task["_status"] == "ok":
            assert task["changed"] is True and sim.photo("Contacts", record_id) is None
        else:
            assert task["changed"] is False and sim.photo("Contacts", record_id) == PNG_RED
            failed.append(record_id)
    deletes = collections.Counter(e["path"] for e in sim.api_requests("DELETE") if e["status"] == 200)
    assert sorted(deletes) == sorted("/bigin/v2/Contacts/%s/photo" % r for r in by_record if r not in failed)
    return failed


def test_ten_new_tokens_per_ten_minutes(sim: BiginSimulator, tmp_path: t.Any) -> None:
    sim.latency_ms = 50
    _result, by_record = run(sim, tmp_path)

    failed = check_outcomes_match_simulator(sim, by_record)
    tokens = sim.token_requests()
    # One token request per fork, never repeated after the limit's refusal.
    assert len(tokens) == 20
    assert sorted(e["status"] for e in tokens) == [200] * 10 + [400] * 10
    # Exactly the forks the limit refused failed, each saying why.
    assert len(failed) == 10
    for record_id in failed:
        assert "token-generation limit" in by_record[record_id]["msg"]
    assert len(sim.api_requests()) == 20  # GET + DELETE for the ten forks with a token, nothing for the rest


def test_fifteen_active_tokens(sim: BiginSimulator, tmp_path: t.Any) -> None:
    sim.token_mint_limit = 100  # only the 15-active limit applies
    sim.latency_ms = 100
    _result, by_record = run(sim, tmp_path)

    failed = check_outcomes_match_simulator(sim, by_record)
    tokens = sim.token_requests()
    assert all(e["status"] == 200 for e in tokens)
    # A rejection leads to one refresh, or (for a refreshed token) to the record's failure: bounded, no
    # loop; at most one refresh per request (GET, DELETE) of each fork.
    assert 20 <= len(tokens) <= 60
    assert len(tokens) - 20 == sum(1 for e in sim.api_requests() if e["status"] == 401) - len(failed)
    assert sim.tokens_displaced == max(len(tokens) - 15, 0)
    # A fork fails only when its refreshed token too was displaced by another fork's refresh.
    assert len(failed) <= sim.tokens_displaced - (len(tokens) - 20)
    for record_id in failed:
        assert by_record[record_id]["records"][0]["error"]["code"] == "INVALID_TOKEN"
