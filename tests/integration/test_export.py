# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Exporting and restoring: bigin_photo_export, and bigin_photo with src=<directory>, through the real ansible-playbook.

Exports selected by record_id and by listing (all_records, criteria): byte-identical round
trips, incremental runs that rewrite nothing, a changed photo or type, prune, check mode, an
interrupted export that the next run completes; restores from an export or a backup_dir; and
what is refused before any request (a bad dest, a bad file in src, no selection option).
"""

from __future__ import annotations

import json
import os
import typing as t

import pytest

from tests.conftest import file_mode, sha
from tests.integration.conftest import EXPORT, PHOTO, add_photos, methods, photo_path, warnings_of
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_BLUE, PNG_RED, BiginSimulator

# These behaviours must not depend on what no Bigin source confirms (see tests/integration/conftest.py).
# (marker_on_replace changes what an incremental export can see: tests/integration/test_profiles.py covers it
# with and without verify.)
pytestmark = pytest.mark.default_core_only
# The exports that read records without a photo by id run under each answer Bigin might give for "no photo".
BY_NO_PHOTO = pytest.mark.profiles("no_photo_get")

BASES = ((PNG_RED, "png"), (JPEG_MIN, "jpg"), (GIF_MIN, "gif"), (BMP_MIN, "bmp"))
MANIFEST = ".bigin-export.json"


def rid(n: int) -> str:
    return str(3000000060000 + n)


def seed(sim: BiginSimulator, total: int = 60, with_photo: int = 40) -> dict[str, bytes | None]:
    """``total`` contacts, the first ``with_photo`` with distinct photos cycling through the four types."""
    photos: dict[str, bytes | None] = {}
    for n in range(total):
        photo = None
        if n < with_photo:
            base = BASES[n % len(BASES)][0]
            photo = base + b"#photo-%d" % n  # trailing bytes keep the type and make each photo distinct
        sim.add_record("Contacts", rid(n), photo=photo)
        photos[rid(n)] = photo
    return photos


def ext_of(data: bytes) -> str:
    return next(ext for base, ext in BASES if data.startswith(base[:3]))


def export(record_id: t.Any, dest: str, name: str = "export", **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "record_id": record_id, "dest": dest}
    args.update(extra)
    return {"name": name, EXPORT: args}


def export_all(dest: str, name: str = "export", **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "all_records": True, "dest": dest}
    args.update(extra)
    return {"name": name, EXPORT: args}


def restore(record_id: t.Any, src: str, name: str = "restore", **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "record_id": record_id, "src": src}
    args.update(extra)
    return {"name": name, PHOTO: args}


def source_dir(tmp_path: t.Any, name: str, contents: dict[str, bytes]) -> str:
    """A new directory ``tmp_path/name`` holding the files ``contents`` (file name -> bytes)."""
    directory = tmp_path / name
    directory.mkdir()
    for file_name, data in contents.items():
        (directory / file_name).write_bytes(data)
    return str(directory)


def files(dest: str) -> dict[str, bytes]:
    """The files in ``dest`` itself (not the history in .versions/): name -> bytes."""
    out = {}
    for name in sorted(os.listdir(dest)):
        if os.path.isfile(os.path.join(dest, name)):
            with open(os.path.join(dest, name), "rb") as handle:
                out[name] = handle.read()
    return out


def history(dest: str) -> list[bytes]:
    """The previous versions the export kept in dest/.versions/, oldest first."""
    directory = os.path.join(dest, ".versions")
    return list(files(directory).values()) if os.path.isdir(directory) else []


def snapshot(dest: str) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file: a rewrite (rename of a new file) changes the inode."""
    return {name: (os.stat(os.path.join(dest, name)).st_ino, os.stat(os.path.join(dest, name)).st_mtime_ns)
            for name in os.listdir(dest) if os.path.isfile(os.path.join(dest, name))}


def photo_gets(sim: BiginSimulator) -> list[str]:
    return [e["path"] for e in sim.api_requests("GET") if e["path"].endswith("/photo")]


def listings(sim: BiginSimulator) -> list[str]:
    return [e["path"] for e in sim.api_requests("GET") if not e["path"].endswith("/photo")]


# -- exports selected by record_id -----------------------------------------------------------------


@BY_NO_PHOTO
def test_round_trip_by_record_ids_is_byte_identical(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim)
    ids = list(photos)
    dest = str(tmp_path / "export")
    result = play([export(ids, dest)])
    assert result.succeeded, result.output
    task = result.task()
    assert task["changed"] is True
    assert methods(sim) == {"GET": 60}

    # dest was created 0700; one 0600 file per photo, named by the API module name and the image type.
    assert file_mode(dest) == 0o700
    expected = {"Contacts-%s.%s" % (record_id, ext_of(data)): data for record_id, data in photos.items() if data}
    on_disk = files(dest)
    assert {name: data for name, data in on_disk.items() if name != MANIFEST} == expected
    assert {name.rsplit(".", 1)[1] for name in expected} == {"png", "jpg", "gif", "bmp"}
    assert all(file_mode(os.path.join(dest, name)) == 0o600 for name in on_disk)
    manifest = json.loads(on_disk[MANIFEST])
    assert set(manifest["records"]) == {"Contacts/%s" % r for r, d in photos.items() if d}
    assert all(entry["sha256"] == sha(photos[key.split("/")[1]]) for key, entry in manifest["records"].items())

    records = {r["record_id"]: r for r in task["records"]}
    assert [r["record_id"] for r in task["records"]] == ids
    for record_id, data in photos.items():
        record = records[record_id]
        assert record["present"] is (data is not None)
        assert record["changed"] is (data is not None)
        if data:
            assert record["path"] == os.path.join(dest, "Contacts-%s.%s" % (record_id, ext_of(data)))
            assert (record["sha256"], record["size"]) == (sha(data), len(data))
        else:
            assert "path" not in record and "sha256" not in record
    assert sorted(task["written"]) == sorted(os.path.join(dest, name) for name in expected)
    assert task["removed"] == []

    # A mistaken deletion of every photo, then the restore from the export.
    sim.clear_log()
    with_photo = [r["record_id"] for r in task["records"] if r["present"]]
    result = play([
        {"name": "delete all", PHOTO: {"module": "Contacts", "record_id": ids, "state": "absent"}},
        restore(with_photo, dest),
        restore(with_photo, dest, "restore again"),
    ])
    assert result.succeeded, result.output
    deleted, restored, again = result.tasks
    assert deleted["changed"] is True and sim.photo_count() == 40
    assert restored["changed"] is True and all(r["changed"] for r in restored["records"])
    assert again["changed"] is False
    for record_id, data in photos.items():
        current = sim.photo("Contacts", record_id)
        assert current == data, record_id  # byte-identical, and no photo where there was none
    # The restore's 40 uploads are each read back once (issue 16).
    assert methods(sim) == {"GET": 60 + 40 + 40 + 40, "DELETE": 40, "POST": 40}


@BY_NO_PHOTO
def test_second_export_rewrites_nothing(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=6, with_photo=4)
    dest = str(tmp_path / "export")
    assert play([export(list(photos), dest)]).succeeded
    before = snapshot(dest)
    sim.clear_log()

    result = play([export(list(photos), dest, "again")])
    assert result.succeeded, result.output
    task = result.task()
    assert task["changed"] is False
    assert not any(r["changed"] for r in task["records"])
    assert task["written"] == [] and task["removed"] == []
    assert snapshot(dest) == before  # no photo and not the manifest rewritten
    assert methods(sim) == {"GET": 6}  # a record_id selection reads every record once
    assert task["api_calls"]["total"] == 6 and task["api_calls"]["by_method"]["GET"] == 6


@BY_NO_PHOTO
def test_changed_photo_is_rewritten_and_a_new_type_replaces_the_old_file(
        sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    a, b, c = rid(1), rid(2), rid(3)
    sim.add_record("Contacts", a, photo=PNG_RED)
    sim.add_record("Contacts", b, photo=PNG_BLUE)
    sim.add_record("Contacts", c, photo=GIF_MIN)
    dest = str(tmp_path / "export")
    assert play([export([a, b, c], dest)]).succeeded
    before = snapshot(dest)
    sim.set_photo("Contacts", a, PNG_BLUE)  # same type, new bytes
    sim.set_photo("Contacts", b, JPEG_MIN)  # new type

    result = play([export([a, b, c], dest, "after change")], diff=True)
    assert result.succeeded, result.output
    task = result.task()
    assert [r["changed"] for r in task["records"]] == [True, True, False]
    assert files(dest) == {"Contacts-%s.png" % a: PNG_BLUE, "Contacts-%s.jpg" % b: JPEG_MIN,
                           "Contacts-%s.gif" % c: GIF_MIN, MANIFEST: files(dest)[MANIFEST]}
    after = snapshot(dest)
    assert after["Contacts-%s.gif" % c] == before["Contacts-%s.gif" % c]
    assert after["Contacts-%s.png" % a][0] != before["Contacts-%s.png" % a][0]
    assert task["removed"] == [os.path.join(dest, "Contacts-%s.png" % b)]
    diff = {d["before_header"]: d for d in task["diff"]}
    assert diff["Contacts/%s" % a]["before"]["sha256"] == sha(PNG_RED)
    assert diff["Contacts/%s" % a]["after"]["sha256"] == sha(PNG_BLUE)
    assert diff["Contacts/%s" % c]["before"] == diff["Contacts/%s" % c]["after"]
    manifest = json.loads(files(dest)[MANIFEST])["records"]
    assert manifest["Contacts/%s" % b]["sha256"] == sha(JPEG_MIN)
    assert manifest["Contacts/%s" % b]["file"] == "Contacts-%s.jpg" % b


@BY_NO_PHOTO
def test_check_mode_writes_nothing(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=4, with_photo=3)
    ids = list(photos)
    missing = str(tmp_path / "not-yet")
    result = play([export(ids, missing, "check into a missing dest")], check=True)
    assert result.succeeded, result.output
    task = result.task()
    assert task["changed"] is True
    assert not os.path.exists(missing)  # not even the directory
    assert sorted(task["written"]) == sorted(os.path.join(missing, "Contacts-%s.%s" % (r, ext_of(d)))
                                             for r, d in photos.items() if d)

    dest = str(tmp_path / "export")
    assert play([export(ids[:1], dest)]).succeeded
    before = snapshot(dest)
    sim.set_photo("Contacts", ids[0], PNG_BLUE)
    sim.set_photo("Contacts", ids[1], None)
    result = play([export(ids, dest, "check"), export(ids[1:2], dest, "check prune", prune=True)], check=True)
    assert result.succeeded, result.output
    check, check_prune = result.tasks
    assert check["changed"] is True
    assert [r["changed"] for r in check["records"]] == [True, False, True, False]
    assert snapshot(dest) == before  # neither photos nor the manifest were written
    assert files(dest)["Contacts-%s.png" % ids[0]] == photos[ids[0]]
    assert check_prune["removed"] == [] and check_prune["changed"] is False  # ids[1] never had a file
    assert methods(sim) == {"GET": 4 + 1 + 4 + 1}  # reads only: no POST or DELETE


@BY_NO_PHOTO
def test_prune_removes_exactly_the_files_of_records_whose_photo_was_deleted(
        sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=8, with_photo=6)
    ids = list(photos)
    dest = str(tmp_path / "export")
    other = os.path.join(dest, "Contacts-%s.png" % rid(99))  # a record not selected: never touched
    assert play([export(ids, dest)]).succeeded
    with open(other, "wb") as handle:
        handle.write(PNG_RED)
    gone = [ids[1], ids[4]]
    for record_id in gone:
        sim.set_photo("Contacts", record_id, None)
    gone_files = sorted(os.path.join(dest, "Contacts-%s.%s" % (r, ext_of(photos[r]))) for r in gone)  # type: ignore

    result = play([export(ids, dest, "keep")])
    keep = result.task()
    assert keep["changed"] is False
    assert [r["present"] for r in keep["records"]][:6] == [True, False, True, True, False, True]
    assert keep["records"][1]["path"] == os.path.join(dest, "Contacts-%s.jpg" % ids[1])  # kept, still reported
    assert all(os.path.exists(path) for path in gone_files)

    result = play([export(ids, dest, "prune", prune=True)], check=True)
    assert sorted(result.task()["removed"]) == gone_files and all(os.path.exists(p) for p in gone_files)
    result = play([export(ids, dest, "prune", prune=True), export(ids, dest, "prune again", prune=True)])
    assert result.succeeded, result.output
    pruned, again = result.tasks
    assert pruned["changed"] is True and sorted(pruned["removed"]) == gone_files
    assert [r["changed"] for r in pruned["records"]] == [r in gone for r in ids]
    assert again["changed"] is False and again["removed"] == []
    remaining = set(files(dest)) - {MANIFEST}
    assert remaining == {"Contacts-%s.%s" % (r, ext_of(d)) for r, d in photos.items() if d and r not in gone} | {
        os.path.basename(other)}
    manifest = json.loads(files(dest)[MANIFEST])["records"]
    # A pruned record's file leaves dest, not the disk: its last version is kept, and the manifest knows it.
    assert all(manifest["Contacts/%s" % r]["file"] is None for r in gone)
    assert sorted(pruned["versions"]) == sorted(os.path.join(dest, v) for r in gone
                                                for v in (manifest["Contacts/%s" % r]["versions"][0]["file"],))
    assert sorted(history(dest)) == sorted(photos[r] for r in gone)  # type: ignore[type-var]


def test_interrupted_export_leaves_no_partial_file_and_the_next_run_completes(
        sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=6, with_photo=6)
    ids = list(photos)
    dest = str(tmp_path / "export")
    assert play([export(ids[:1], dest, "first record only")]).succeeded
    old = files(dest)["Contacts-%s.png" % ids[0]]
    sim.set_photo("Contacts", ids[0], PNG_BLUE + b"#new")
    # Connections dropped mid-run (and a body cut short), with no retry left: those records fail.
    sim.inject_drop(method="GET", path_contains=ids[0])
    sim.inject_drop(method="GET", path_contains=ids[3], when="after")
    sim.inject_truncated_image()  # the first photo sent in full order is cut short
    result = play([export(ids, dest, "interrupted", max_retries=0, concurrency=1)])
    assert result.rc != 0
    task = result.task()
    failed = sorted(r["record_id"] for r in task["records"] if "error" in r)
    # ids[0] dropped before an answer, ids[1] cut short (the first photo sent), ids[3] dropped after.
    assert failed == sorted([ids[0], ids[1], ids[3]])
    assert all(r["error"]["code"] == "CONNECTION_ERROR" for r in task["records"] if "error" in r)
    names = set(files(dest))
    # Only final names and the manifest: no temporary or partial file left behind.
    assert all(n == MANIFEST or n.startswith("Contacts-") for n in names)
    for record_id in ids:
        name = "Contacts-%s.%s" % (record_id, ext_of(photos[record_id]))  # type: ignore[arg-type]
        if record_id == ids[0]:
            assert files(dest)[name] == old  # a failed GET leaves the existing file as it was
        elif record_id in failed:
            assert name not in names
        else:
            assert files(dest)[name] == photos[record_id]
    assert "3 of 6 records failed" in task["msg"]

    result = play([export(ids, dest, "resumed")])
    assert result.succeeded, result.output
    task = result.task()
    assert sorted(r["record_id"] for r in task["records"] if r["changed"]) == failed
    assert files(dest)["Contacts-%s.png" % ids[0]] == PNG_BLUE + b"#new"
    for record_id in ids[1:]:
        assert files(dest)["Contacts-%s.%s" % (record_id, ext_of(photos[record_id]))] == photos[record_id]  # type: ignore


# -- exports selected by a listing (all_records, criteria) -----------------------------------------


def test_round_trip_with_all_records(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim)
    dest = str(tmp_path / "export")
    result = play([export_all(dest, report="all")])
    assert result.succeeded, result.output
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
    assert result.succeeded, result.output
    assert sorted(r["record_id"] for r in result.tasks[1]["records"]) == sorted(r for r, d in photos.items() if d)
    for record_id, data in photos.items():
        assert sim.photo("Contacts", record_id) == data, record_id


def test_incremental_exports_cost_only_the_listing(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim)
    dest = str(tmp_path / "export")
    assert play([export_all(dest, "first")]).succeeded
    before = snapshot(dest)
    sim.clear_log()

    second = play([export_all(dest, "second")])
    assert second.succeeded, second.output
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
    assert third.succeeded, third.output
    assert third.task()["changed"] is True
    assert len(listings(sim)) == 1
    assert photo_gets(sim) == [photo_path(changed_id)]
    assert len(sim.api_requests()) == 2 and third.task()["api_calls"]["total"] == 2
    assert third.task()["written"] == [os.path.join(dest, "Contacts-%s.%s" % (changed_id, ext_of(photos[rid(6)])))]  # type: ignore[arg-type]
    assert [r["record_id"] for r in third.task()["records"] if r["changed"]] == [changed_id]
    after = snapshot(dest)
    rewritten = {n for n in after if n != MANIFEST and after[n] != before.get(n)}
    assert rewritten == {"Contacts-%s.%s" % (changed_id, ext_of(photos[rid(6)]))}  # type: ignore[arg-type]


def test_interrupted_export_is_completed_by_the_next_listing_run(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
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
    assert second.succeeded, second.output
    assert sorted(p.split("/")[-2] for p in photo_gets(sim)) == failed
    assert {n: d for n, d in files(dest).items() if n != MANIFEST} == {
        "Contacts-%s.%s" % (r, ext_of(d)): d for r, d in photos.items() if d}


def test_prune_and_check_mode_with_all_records(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=10, with_photo=8)
    dest = str(tmp_path / "export")
    assert play([export_all(dest)]).succeeded
    gone = [rid(2), rid(3)]
    for record_id in gone:
        sim.set_photo("Contacts", record_id, None)
    before = snapshot(dest)
    sim.clear_log()
    check = play([export_all(dest, prune=True)], check=True)
    assert check.succeeded and snapshot(dest) == before and photo_gets(sim) == []
    result = play([export_all(dest, prune=True)])
    assert result.succeeded, result.output
    assert sorted(result.task()["removed"]) == sorted(check.task()["removed"]) == sorted(
        os.path.join(dest, "Contacts-%s.%s" % (r, ext_of(photos[r]))) for r in gone)  # type: ignore[arg-type]
    assert photo_gets(sim) == []


def test_criteria_export_reads_only_the_matching_photos(search_sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = {rid(n): (PNG_RED + b"#%d" % n if n < 4 else None) for n in range(6)}
    for n in range(6):  # Smith: two with a photo, one without
        search_sim.add_record("Contacts", rid(n), photo=photos[rid(n)], fields={"Last_Name": "Smith" if n % 2 else "Jones"})
    wanted = [rid(1), rid(3)]
    dest = str(tmp_path / "export")
    criteria = "(Last_Name:equals:Smith)"
    result = play([{"name": "export by criteria", EXPORT: {"module": "Contacts", "criteria": criteria, "dest": dest,
                                                           "report": "all"}}])
    assert result.succeeded, result.output
    assert sorted(r["record_id"] for r in result.task()["records"]) == wanted + [rid(5)]
    assert [p.endswith("/search") for p in listings(search_sim)] == [True]
    assert sorted(p.split("/")[-2] for p in photo_gets(search_sim)) == wanted
    assert set(files(dest)) == {MANIFEST} | {"Contacts-%s.%s" % (r, ext_of(photos[r])) for r in wanted}  # type: ignore[arg-type]


# -- restores --------------------------------------------------------------------------------------


def test_restore_from_backup_dir_takes_the_newest_backup(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    a, b, c = rid(1), rid(2), rid(3)
    sim.add_record("Contacts", a, photo=PNG_RED)
    sim.add_record("Contacts", b, photo=JPEG_MIN)
    sim.add_record("Contacts", c)
    backups = str(tmp_path / "backups")
    delete = {PHOTO: {"module": "Contacts", "record_id": [a, b, c], "state": "absent", "backup_dir": backups}}
    result = play([dict(delete, name="first delete")])
    assert result.succeeded, result.output
    sim.set_photo("Contacts", a, GIF_MIN)  # a newer photo of a, deleted (and backed up) later
    result = play([dict(delete, name="second delete")])
    assert result.succeeded, result.output
    assert len(os.listdir(backups)) == 3

    sim.clear_log()
    result = play([restore([a, b], backups), restore([a, b], backups, "again")])
    assert result.succeeded, result.output
    assert sim.photo("Contacts", a) == GIF_MIN and sim.photo("Contacts", b) == JPEG_MIN
    assert sim.photo("Contacts", c) is None
    assert result.tasks[1]["changed"] is False
    assert methods(sim) == {"GET": 4 + 2, "POST": 2}  # each upload read back once


def test_missing_file_fails_that_record_only(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    a, b = rid(1), rid(2)
    add_photos(sim, [a, b], photo=None)
    # Another module's file is not b's.
    src = source_dir(tmp_path, "src", {"Contacts-%s.bmp" % a: BMP_MIN, "Accounts-%s.png" % b: PNG_RED})
    result = play([restore([a, b], src)])
    assert result.rc != 0
    task = result.task()
    ok, missing = task["records"]
    assert ok["changed"] is True and "error" not in ok
    assert missing["error"]["code"] == "NO_SOURCE_FILE"
    assert os.path.join(src, "Contacts-%s" % b) in missing["error"]["message"]
    assert "1 of 2 records failed" in task["msg"] and "Contacts-%s" % b in task["msg"]
    assert sim.photo("Contacts", a) == BMP_MIN and sim.photo("Contacts", b) is None
    # The record without a file costs no request; the upload is read back once.
    assert methods(sim) == {"GET": 2, "POST": 1}


def test_restore_without_selection_from_backup_dir(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    photos = seed(sim, total=5, with_photo=4)
    backups = str(tmp_path / "backups")
    delete = {"module": "Contacts", "all_records": True, "state": "absent", "backup_dir": backups}
    result = play([{"name": "delete", PHOTO: delete},
                   {"name": "restore", PHOTO: {"module": "Contacts", "src": backups}}])
    assert result.succeeded, result.output
    assert len(result.tasks[1]["records"]) == 4
    for record_id, data in photos.items():
        assert sim.photo("Contacts", record_id) == data


# -- refused before any request (or failing one record) -------------------------------------------


def test_bad_dest_and_failed_record(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    a, unknown = rid(1), rid(2)
    sim.add_record("Contacts", a, photo=PNG_RED)
    not_dir = tmp_path / "file"
    not_dir.write_bytes(b"x")
    result = play([export([a], str(not_dir), "dest is a file")])
    assert result.rc != 0 and "dest:" in result.task()["msg"] and "not a directory" in result.task()["msg"]
    assert sim.api_requests() == []

    dest = str(tmp_path / "export")
    result = play([export([a, unknown], dest, "one unknown id")])
    assert result.rc != 0
    ok, failed = result.task()["records"]
    assert ok["changed"] is True and failed["error"]["code"] == "INVALID_DATA"
    assert "1 of 2 records failed" in result.task()["msg"]
    assert set(files(dest)) == {"Contacts-%s.png" % a, MANIFEST}


def test_bad_dest_fails_before_the_listing(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    seed(sim, total=3, with_photo=2)
    not_dir = tmp_path / "file"
    not_dir.write_bytes(b"x")
    result = play([export_all(str(not_dir))])
    assert result.rc != 0 and "dest:" in result.task()["msg"] and "not a directory" in result.task()["msg"]
    assert sim.api_requests() == [] and result.task()["api_calls"]["total"] == 0


@pytest.mark.parametrize("module,options", [
    (PHOTO, {"state": "absent"}),
    (PHOTO, {"state": "present", "src": "FILE"}),
    (PHOTO, {"state": "absent", "src": "DIR"}),  # src is ignored with absent, so it names no records
    (EXPORT, {"dest": "DIR"}),
])
def test_no_selection_option_is_refused_before_any_request(sim: BiginSimulator, play: t.Any, tmp_path: t.Any,
                                                           module: str, options: dict[str, t.Any]) -> None:
    photos = seed(sim, total=3, with_photo=2)
    src = source_dir(tmp_path, "src", {"Contacts-%s.%s" % (r, ext_of(d)): d for r, d in photos.items() if d})
    single = os.path.join(src, "Contacts-%s.%s" % (rid(1), ext_of(photos[rid(1)])))  # type: ignore[arg-type]
    paths = {"FILE": single, "DIR": src}
    args = dict({"module": "Contacts"}, **{k: paths.get(v, v) for k, v in options.items()})
    result = play([{"name": "no selection", module: args}])
    assert result.rc != 0
    msg = result.task()["msg"]
    assert all(word in msg for word in ("record_id", "criteria", "all_records")), msg
    assert sim.api_requests() == [] and sim.token_requests() == []
    assert all(sim.photo("Contacts", r) == d for r, d in photos.items())


def test_restore_without_selection_checks_every_file_before_any_request(sim: BiginSimulator, play: t.Any,
                                                                        tmp_path: t.Any) -> None:
    photos = seed(sim, total=4, with_photo=4)
    contents = {"Contacts-%s.%s" % (r, ext_of(d)): d for r, d in photos.items() if r != rid(3)}  # type: ignore[arg-type]
    bad = "Contacts-%s.png" % rid(3)
    contents[bad] = b"\x89PNG\r\n\x1a\n" + b"\0" * 8  # a PNG signature and a truncated header
    src = source_dir(tmp_path, "src", contents)  # type: ignore[arg-type]
    for args in ({"module": "Contacts", "src": src}, {"module": "Contacts", "src": src, "all_records": True}):
        result = play([{"name": "restore", PHOTO: args}])
        assert result.rc != 0
        assert bad in result.task()["msg"] and "corrupt PNG" in result.task()["msg"], result.task()["msg"]
        assert sim.api_requests() == []


def test_restore_checks_every_file_before_any_request(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    a, b = rid(1), rid(2)
    add_photos(sim, [a, b], photo=None)
    src = source_dir(tmp_path, "src", {"Contacts-%s.png" % a: PNG_RED, "Contacts-%s.png" % b: b"<html>not an image</html>"})
    big = source_dir(tmp_path, "big", {"Contacts-%s.png" % a: PNG_RED + b"\0" * (10 * 1024 * 1024)})
    two = source_dir(tmp_path, "two", {"Contacts-%s.png" % a: PNG_RED, "Contacts-%s.jpg" % a: JPEG_MIN})
    result = play([restore([a, b], src, "bad type")])
    assert result.rc != 0
    assert "is not a PNG, JPEG, GIF or BMP image" in result.task()["msg"]
    assert "Contacts-%s.png" % b in result.task()["msg"]
    result = play([restore([a], big, "too big")])
    assert result.rc != 0 and "larger than 10 MB" in result.task()["msg"]
    result = play([restore([a], two, "two exports")])
    assert result.rc != 0 and "keep one" in result.task()["msg"]
    assert sim.api_requests() == []
    assert sim.photo("Contacts", a) is None


def test_a_bad_bulk_change_then_the_nightly_export_loses_no_photo(sim: BiginSimulator, play: t.Any,
                                                                  tmp_path: t.Any) -> None:
    """The mirror keeps history: what the nightly run replaces or prunes stays in dest/.versions."""
    photos = seed(sim, total=6, with_photo=6)
    ids = list(photos)
    dest = str(tmp_path / "export")
    assert play([export_all(dest, "first night")]).succeeded
    # A file someone put there by hand, under the name of a record's other image type.
    placed = os.path.join(dest, "Contacts-%s.jpg" % ids[0])
    with open(placed, "wb") as handle:
        handle.write(b"kept by hand")
    # A mistaken bulk change: two photos replaced, two deleted.
    for record_id in ids[:2]:
        sim.set_photo("Contacts", record_id, PNG_BLUE + b"#wrong")
    for record_id in ids[2:4]:
        sim.set_photo("Contacts", record_id, None)

    result = play([export_all(dest, "second night", prune=True)])
    assert result.succeeded, result.output
    task = result.task()
    assert task["changed"] is True and len(task["versions"]) == 4
    # Every photo of the first night is still on disk: in dest, or as the previous version.
    assert sorted(history(dest)) == sorted(photos[r] for r in ids[:4])  # type: ignore[type-var]
    assert files(dest)[os.path.basename(placed)] == b"kept by hand"
    left_alone = [w for w in warnings_of(task) if "were not written by this export" in w]
    assert len(left_alone) == 1 and placed in left_alone[0]
    assert file_mode(os.path.join(dest, ".versions")) == 0o700
