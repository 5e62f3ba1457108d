# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bigin_photo_export and restore with the listing selections (all_records, no selection option)."""

from __future__ import annotations

import os
import typing as t

import pytest

from tests.integration.conftest import ACCESS_TOKEN
from tests.integration.test_export import (
    EXPORT,
    MANIFEST,
    PHOTO,
    PNG_RED,
    ext_of,
    files,
    rid,
    seed,
    snapshot,
)

SEARCH_SCOPE = "ZohoSearch.securesearch.READ"


def export_all(dest: str, name: str = "export", **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "all_records": True, "dest": dest}
    args.update(extra)
    return {"name": name, EXPORT: args}


def photo_gets(sim: t.Any) -> list[str]:
    return [e["path"] for e in sim.api_requests("GET") if e["path"].endswith("/photo")]


def listings(sim: t.Any) -> list[str]:
    return [e["path"] for e in sim.api_requests("GET") if not e["path"].endswith("/photo")]


def test_round_trip_with_all_records(sim: t.Any, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim)
    dest = str(tmp_path / "export")
    result = play([export_all(dest)])
    assert result.rc == 0, result.output
    assert len(listings(sim)) == 1 and len(photo_gets(sim)) == 40  # records without a photo cost nothing
    records = {r["record_id"]: r for r in result.task()["records"]}
    assert set(records) == set(photos)
    assert all(records[r]["present"] is (d is not None) for r, d in photos.items())
    expected = {"Contacts-%s.%s" % (r, ext_of(d)): d for r, d in photos.items() if d}
    assert {n: d for n, d in files(dest).items() if n != MANIFEST} == expected

    result = play([
        {"name": "delete every photo", PHOTO: {"module": "Contacts", "all_records": True, "state": "absent"}},
        {"name": "restore every photo in dest", PHOTO: {"module": "Contacts", "src": dest}},
    ])
    assert result.rc == 0, result.output
    assert sorted(r["record_id"] for r in result.tasks[1]["records"]) == sorted(r for r, d in photos.items() if d)
    for record_id, data in photos.items():
        assert sim.photo("Contacts", record_id) == data, record_id


def test_incremental_exports_cost_only_the_listing(sim: t.Any, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim)
    dest = str(tmp_path / "export")
    assert play([export_all(dest, "first")]).rc == 0
    before = snapshot(dest)
    sim.clear_log()

    second = play([export_all(dest, "second")])
    assert second.rc == 0, second.output
    assert second.task()["changed"] is False
    # Only the listing (60 records: one page); not one photo GET, nothing else.
    assert len(listings(sim)) == 1 and photo_gets(sim) == []
    assert len(sim.api_requests()) == 1
    assert second.task()["api_calls"]["total"] == 1 and second.task()["api_calls"]["by_method"]["GET"] == 1
    assert second.task()["written"] == [] and second.task()["removed"] == []
    assert snapshot(dest) == before

    changed_id = rid(5)
    sim.set_photo("Contacts", changed_id, photos[rid(6)] + b"#replaced")  # type: ignore[operator]
    sim.clear_log()
    third = play([export_all(dest, "third")])
    assert third.rc == 0, third.output
    assert third.task()["changed"] is True
    assert len(listings(sim)) == 1
    assert photo_gets(sim) == ["/bigin/v2/Contacts/%s/photo" % changed_id]
    assert len(sim.api_requests()) == 2 and third.task()["api_calls"]["total"] == 2
    assert third.task()["written"] == [os.path.join(dest, "Contacts-%s.%s" % (changed_id, ext_of(photos[rid(6)])))]  # type: ignore[arg-type]
    assert [r["record_id"] for r in third.task()["records"] if r["changed"]] == [changed_id]
    after = snapshot(dest)
    rewritten = {n for n in after if n != MANIFEST and after[n] != before.get(n)}
    assert rewritten == {"Contacts-%s.%s" % (changed_id, ext_of(photos[rid(6)]))}  # type: ignore[arg-type]


def test_interrupted_export_is_completed_by_the_next_listing_run(sim: t.Any, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=10, with_photo=8)
    dest = str(tmp_path / "export")
    sim.inject_drop(count=3, method="GET", path_contains="/photo")
    first = play([export_all(dest, max_retries=0, concurrency=1)])
    assert first.rc != 0
    failed = sorted(r["record_id"] for r in first.task()["records"] if "error" in r)
    assert len(failed) == 3
    assert all(n == MANIFEST or n.startswith("Contacts-") for n in os.listdir(dest))
    sim.clear_log()
    second = play([export_all(dest)])
    assert second.rc == 0, second.output
    assert sorted(p.split("/")[-2] for p in photo_gets(sim)) == failed
    assert {n: d for n, d in files(dest).items() if n != MANIFEST} == {
        "Contacts-%s.%s" % (r, ext_of(d)): d for r, d in photos.items() if d}


def test_prune_and_check_mode_with_all_records(sim: t.Any, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=10, with_photo=8)
    dest = str(tmp_path / "export")
    assert play([export_all(dest)]).rc == 0
    gone = [rid(2), rid(3)]
    for record_id in gone:
        sim.set_photo("Contacts", record_id, None)
    before = snapshot(dest)
    sim.clear_log()
    check = play([export_all(dest, prune=True)], check=True)
    assert check.rc == 0 and snapshot(dest) == before and photo_gets(sim) == []
    result = play([export_all(dest, prune=True)])
    assert result.rc == 0, result.output
    assert sorted(result.task()["removed"]) == sorted(check.task()["removed"]) == sorted(
        os.path.join(dest, "Contacts-%s.%s" % (r, ext_of(photos[r]))) for r in gone)  # type: ignore[arg-type]
    assert photo_gets(sim) == []


def test_restore_without_selection_from_backup_dir(sim: t.Any, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=5, with_photo=4)
    backups = str(tmp_path / "backups")
    delete = {"module": "Contacts", "all_records": True, "state": "absent", "backup_dir": backups}
    result = play([{"name": "delete", PHOTO: delete},
                   {"name": "restore", PHOTO: {"module": "Contacts", "src": backups}}])
    assert result.rc == 0, result.output
    assert len(result.tasks[1]["records"]) == 4
    for record_id, data in photos.items():
        assert sim.photo("Contacts", record_id) == data


def test_criteria_export_reads_only_the_matching_photos(sim: t.Any, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", SEARCH_SCOPE))  # search needs its own scope
    photos = {rid(n): (PNG_RED + b"#%d" % n if n < 4 else None) for n in range(6)}
    for n in range(6):  # Smith: two with a photo, one without
        sim.add_record("Contacts", rid(n), photo=photos[rid(n)], fields={"Last_Name": "Smith" if n % 2 else "Jones"})
    wanted = [rid(1), rid(3)]
    dest = str(tmp_path / "export")
    criteria = "(Last_Name:equals:Smith)"
    result = play([{"name": "export by criteria", EXPORT: {"module": "Contacts", "criteria": criteria, "dest": dest}}])
    assert result.rc == 0, result.output
    assert sorted(r["record_id"] for r in result.task()["records"]) == wanted + [rid(5)]
    assert [p.endswith("/search") for p in listings(sim)] == [True]
    assert sorted(p.split("/")[-2] for p in photo_gets(sim)) == wanted
    assert set(files(dest)) == {MANIFEST} | {"Contacts-%s.%s" % (r, ext_of(photos[r])) for r in wanted}  # type: ignore[arg-type]


@pytest.mark.parametrize("module,options", [
    (PHOTO, {"state": "absent"}),
    (PHOTO, {"state": "present", "src": "FILE"}),
    (PHOTO, {"state": "absent", "src": "DIR"}),  # src is ignored with absent, so it names no records
    (EXPORT, {"dest": "DIR"}),
])
def test_no_selection_option_is_refused_before_any_request(sim: t.Any, play: t.Any, tmp_path: t.Any,
                                                           module: str, options: dict[str, t.Any]) -> None:
    photos = seed(sim, total=3, with_photo=2)
    src = tmp_path / "src"
    src.mkdir()
    for record_id, data in photos.items():
        if data:
            (src / ("Contacts-%s.%s" % (record_id, ext_of(data)))).write_bytes(data)
    single = src / ("Contacts-%s.%s" % (rid(1), ext_of(photos[rid(1)])))  # type: ignore[arg-type]
    paths = {"FILE": str(single), "DIR": str(src)}
    args = dict({"module": "Contacts"}, **{k: paths.get(v, v) for k, v in options.items()})
    result = play([{"name": "no selection", module: args}])
    assert result.rc != 0
    msg = result.task()["msg"]
    assert all(word in msg for word in ("record_id", "criteria", "all_records")), msg
    assert sim.api_requests() == [] and sim.token_requests() == []
    assert all(sim.photo("Contacts", r) == d for r, d in photos.items())


def test_restore_without_selection_checks_every_file_before_any_request(sim: t.Any, play: t.Any,
                                                                        tmp_path: t.Any) -> None:
    photos = seed(sim, total=4, with_photo=4)
    src = tmp_path / "src"
    src.mkdir()
    for record_id, data in photos.items():
        (src / ("Contacts-%s.%s" % (record_id, ext_of(data)))).write_bytes(data)  # type: ignore[arg-type]
    bad = "Contacts-%s.png" % rid(3)
    (src / ("Contacts-%s.%s" % (rid(3), ext_of(photos[rid(3)])))).unlink()  # type: ignore[arg-type]
    (src / bad).write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 8)  # a PNG signature and a truncated header
    for args in ({"module": "Contacts", "src": str(src)}, {"module": "Contacts", "src": str(src), "all_records": True}):
        result = play([{"name": "restore", PHOTO: args}])
        assert result.rc != 0
        assert bad in result.task()["msg"] and "corrupt PNG" in result.task()["msg"], result.task()["msg"]
        assert sim.api_requests() == []


def test_bad_dest_fails_before_the_listing(sim: t.Any, play: t.Any, tmp_path: t.Any) -> None:
    seed(sim, total=3, with_photo=2)
    not_dir = tmp_path / "file"
    not_dir.write_bytes(b"x")
    result = play([export_all(str(not_dir))])
    assert result.rc != 0 and "dest:" in result.task()["msg"] and "not a directory" in result.task()["msg"]
    assert sim.api_requests() == [] and result.task()["api_calls"]["total"] == 0
