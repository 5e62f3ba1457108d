# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Any size (issue 17): report and summary, max_api_calls, api_calls_estimate, and work that starts while the
listing goes on, through the real ansible-playbook against the simulator.

Request counts are asserted from the simulator's log; wall time never is (make bench measures it).
"""

from __future__ import annotations

import collections
import os
import typing as t

import pytest

from tests.integration.conftest import EXPORT, INFO, photo_task, seed_records
from tests.simulator.bigin_simulator import BiginSimulator

# The collection's own logic, whatever the ansible-core version: run on the default leg only (Makefile).
pytestmark = pytest.mark.default_core_only

Play = t.Callable[..., t.Any]
SUMMARY_KEYS = {"selected", "changed", "unchanged", "failed", "skipped", "not_attempted"}


def absent_all(name: str = "absent", **options: t.Any) -> dict[str, t.Any]:
    return photo_task(name, all_records=True, **options)


def by_kind(sim: BiginSimulator) -> collections.Counter:
    """API requests as ("list" | "photo", method)."""
    return collections.Counter(("photo" if e["path"].endswith("/photo") else "list", e["method"])
                               for e in sim.api_requests())


# -- report and summary ------------------------------------------------------------------------------


def test_a_listing_reports_only_changes_by_default_and_counts_everything(sim: BiginSimulator, play: Play) -> None:
    _ids, photos = seed_records(sim, 450, photo_every=30)
    result = play([absent_all(concurrency=4)])
    assert result.succeeded, result.output
    task = result.task()
    assert task["changed"] is True
    assert sorted(r["record_id"] for r in task["records"]) == sorted(photos)
    assert all(r["changed"] for r in task["records"])
    assert task["summary"] == {"selected": 450, "changed": len(photos), "unchanged": 450 - len(photos),
                               "failed": 0, "skipped": 0, "not_attempted": 0}
    assert sim.photo_count("Contacts") == 0

    sim.clear_log()
    rerun = play([absent_all()])
    assert rerun.succeeded, rerun.output
    task = rerun.task()
    assert task["changed"] is False and task["records"] == []
    assert task["summary"]["unchanged"] == 450 and task["summary"]["selected"] == 450
    # Nothing to do: the three listing pages, nothing else.
    assert by_kind(sim) == collections.Counter({("list", "GET"): 3})
    assert task["api_calls"]["total"] == 3


def test_report_all_and_none(sim: BiginSimulator, play: Play) -> None:
    ids, photos = seed_records(sim, 20, photo_every=5)
    result = play([absent_all(report="all", name="all"), absent_all(report="none", name="none")])
    assert result.succeeded, result.output
    first, second = result.by_name()["all"], result.by_name()["none"]
    assert [r["record_id"] for r in first["records"]] == sorted(ids, reverse=True)
    assert {r["record_id"] for r in first["records"] if r["changed"]} == photos
    assert second["records"] == [] and second["summary"]["unchanged"] == 20


def test_record_id_reports_every_record_by_default(sim: BiginSimulator, play: Play) -> None:
    ids, photos = seed_records(sim, 6, photo_every=3)
    result = play([photo_task("by id", record_id=ids)])
    task = result.task()
    assert result.succeeded and [r["record_id"] for r in task["records"]] == ids
    assert task["summary"]["changed"] == len(photos) and task["summary"]["selected"] == 6


def test_info_modules_return_every_record_of_a_listing(sim: BiginSimulator, play: Play) -> None:
    seed_records(sim, 30, photo_every=10)
    result = play([{"name": "photos", INFO: {"module": "Contacts", "all_records": True}},
                   {"name": "records", "zoho.bigin.bigin_record_info": {"module": "Contacts", "all_records": True}}])
    assert result.succeeded, result.output
    photos, records = result.by_name()["photos"], result.by_name()["records"]
    assert len(photos["records"]) == 30 and sum(r["present"] for r in photos["records"]) == 3
    assert len(records["records"]) == 30 and set(records["summary"]) == SUMMARY_KEYS
    # The listing says enough: no photo GET for records without a photo.
    assert by_kind(sim)[("photo", "GET")] == 3


# -- max_api_calls -----------------------------------------------------------------------------------


def test_max_api_calls_stops_before_the_budget_and_a_rerun_converges(sim: BiginSimulator, play: Play) -> None:
    _ids, photos = seed_records(sim, 40, photo_every=4)  # 10 photos, one listing page
    result = play([absent_all(max_api_calls=4, concurrency=1)])
    assert not result.succeeded
    task = result.task()
    assert len(sim.api_requests()) == 4  # the listing and 3 deletes; the 4th delete never sent
    assert by_kind(sim) == collections.Counter({("list", "GET"): 1, ("photo", "DELETE"): 3})
    assert sim.photo_count("Contacts") == len(photos) - 3
    assert task["summary"]["changed"] == 3 and task["summary"]["not_attempted"] == 7
    assert "max_api_calls (4) reached" in task["msg"] and "3 changed" in task["msg"]
    left = [r for r in task["records"] if not r["changed"]]
    assert len(left) == 7 and all(r["error"]["code"] == "NOT_ATTEMPTED" and "max_api_calls reached" in r["error"]["message"]
                                  for r in left)

    rerun = play([absent_all(max_api_calls=20)])
    assert rerun.succeeded, rerun.output
    assert sim.photo_count("Contacts") == 0 and rerun.task()["summary"]["changed"] == 7


def test_max_api_calls_from_the_environment_and_refused_when_not_positive(sim: BiginSimulator, play: Play) -> None:
    seed_records(sim, 10, photo_every=1)
    result = play([absent_all()], env={"BIGIN_MAX_API_CALLS": "1"})
    assert not result.succeeded
    assert len(sim.api_requests()) == 1 and sim.photo_count("Contacts") == 10  # the listing only
    sim.clear_log()
    result = play([absent_all(max_api_calls=0)])
    assert not result.succeeded and "max_api_calls: 0 is out of range" in result.task()["msg"]
    assert sim.api_requests() == []


# -- api_calls_estimate ------------------------------------------------------------------------------


def test_check_mode_estimates_what_a_real_run_would_send(sim: BiginSimulator, play: Play, tmp_path: t.Any) -> None:
    _ids, photos = seed_records(sim, 250, photo_every=25)  # 2 listing pages, 10 photos
    backup = str(tmp_path / "backup")
    check = play([absent_all(name="plain"), absent_all(name="backup", backup_dir=backup)], check=True)
    assert check.succeeded, check.output
    plain, with_backup = check.by_name()["plain"], check.by_name()["backup"]
    assert plain["api_calls"]["total"] == 2 and plain["api_calls_estimate"] == 2 + len(photos)
    assert with_backup["api_calls_estimate"] == 2 + 2 * len(photos)  # a GET for each backup, then the DELETE
    assert sim.photo_count("Contacts") == len(photos) and not os.path.exists(backup)

    sim.clear_log()
    real = play([absent_all(backup_dir=backup)])
    assert real.succeeded, real.output
    assert real.task()["api_calls"]["total"] == with_backup["api_calls_estimate"] == len(sim.api_requests())
    assert "api_calls_estimate" not in real.task()


def test_check_mode_estimate_of_an_export(sim: BiginSimulator, play: Play, tmp_path: t.Any) -> None:
    seed_records(sim, 30, photo_every=3)
    task = {"name": "export", EXPORT: {"module": "Contacts", "all_records": True, "dest": str(tmp_path / "dest")}}
    check = play([task], check=True)
    assert check.succeeded, check.output
    estimate = check.task()["api_calls_estimate"]
    sim.clear_log()
    real = play([task])
    assert real.succeeded and real.task()["api_calls"]["total"] == estimate == 1 + 10


# -- the listing and the work overlap ------------------------------------------------------------------


def test_deletes_start_before_the_listing_ends(sim: BiginSimulator, play: Play) -> None:
    seed_records(sim, 600, photo_every=2)  # 3 pages; 100 photos on the first
    result = play([absent_all(concurrency=2)])
    assert result.succeeded, result.output
    log = [(e["method"], e["path"].endswith("/photo")) for e in sim.api_requests()]
    listing_at = [i for i, entry in enumerate(log) if entry == ("GET", False)]
    first_delete = log.index(("DELETE", True))
    # At most 2 x concurrency records wait for a worker: the listing waits for the deletes of page 1.
    assert len(listing_at) == 3 and first_delete < listing_at[1]
    assert sim.photo_count("Contacts") == 0


def test_a_listing_error_part_way_fails_the_task_and_a_rerun_converges(sim: BiginSimulator, play: Play) -> None:
    seed_records(sim, 500, photo_every=5)  # 3 pages, 100 photos
    sim.inject_error("INTERNAL_ERROR", count=10, method="GET", path_contains="/bigin/v2/Contacts", skip=1)
    result = play([absent_all(max_retries=0)])
    assert not result.succeeded
    task = result.task()
    gets = [e for e in sim.api_requests() if e["method"] == "GET"]
    assert len(gets) == 2  # page 1, then page 2 failed: no page 3
    assert task["summary"]["changed"] == 40 and sim.photo_count("Contacts") == 60  # page 1's photos only
    assert "INTERNAL_ERROR" in task["msg"] and "rerun" in task["msg"] and task["changed"] is True
    sim.clear_faults()
    rerun = play([absent_all()])
    assert rerun.succeeded, rerun.output
    assert sim.photo_count("Contacts") == 0 and rerun.task()["summary"]["changed"] == 60
