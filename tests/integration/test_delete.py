# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Deleting photos: bigin_photo state=absent through the real ansible-playbook.

One record and many, check and diff mode, module aliases and API versions, a photo someone
else deleted meanwhile; photos recognised by their bytes whatever Content-Type the API gives
them; and backup_dir: every photo removed (deleted, or replaced by an upload) is first saved
complete on disk, and a backup that cannot be written removes nothing.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import struct
import typing as t

import pytest

from tests.conftest import sha
from tests.integration.conftest import C1, C2, C3, C4, PHOTO, methods, photo_path, photo_task, request_log, write_file
from tests.simulator.bigin_simulator import JPEG_MIN, PNG_BLUE, PNG_RED, BiginSimulator

# The tests that read records without a photo run under each answer Bigin might give for "no photo"
# (see tests/integration/conftest.py).
BY_NO_PHOTO = pytest.mark.profiles("no_photo_get")


def absent(record_id: t.Any, name: str = "delete", **extra: t.Any) -> dict[str, t.Any]:
    """A delete whose failure stops the play (these tests expect every task to succeed)."""
    return photo_task(name, record_id, ignore_errors=False, **extra)


# -- deleting ----------------------------------------------------------------------------------


@BY_NO_PHOTO
def test_delete_then_repeat_changes_nothing_more(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    result = play([absent(C1, "first"), absent(C1, "again")])

    assert result.succeeded, result.output
    first, again = result.tasks
    assert first["_status"] == "ok" and first["changed"] is True
    record = first["records"][0]
    assert (record["module"], record["record_id"], record["changed"]) == ("Contacts", C1, True)
    assert record["before"]["present"] is True
    assert record["after"] == {"present": False}
    assert "error" not in record and "backup_file" not in record
    assert again["_status"] == "ok" and again["changed"] is False
    assert again["records"][0]["changed"] is False
    assert again["records"][0]["before"] == {"present": False}

    assert sim.photo("Contacts", C1) is None
    # First task: exactly one GET and one DELETE; second task: one GET (204), no DELETE.
    # The repeat's GET finds no photo, in whichever form the profile answers it (204, 200, 404, 400).
    assert request_log(sim)[:2] == [("GET", photo_path(C1), 200), ("DELETE", photo_path(C1), 200)]
    assert [entry[:2] for entry in request_log(sim)[2:]] == [("GET", photo_path(C1))]
    assert sim.token_requests() == []


@BY_NO_PHOTO
def test_check_mode_predicts_and_sends_nothing(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2)
    result = play([absent(C1, "with photo"), absent(C2, "without photo"), absent([C1, C2], "both")],
                  check=True)

    assert result.succeeded, result.output
    with_photo, without, both = result.tasks
    assert with_photo["changed"] is True
    assert with_photo["records"][0]["changed"] is True
    assert with_photo["records"][0]["after"] == {"present": False}
    assert without["changed"] is False
    assert [r["changed"] for r in both["records"]] == [True, False]
    assert both["changed"] is True

    assert sim.photo("Contacts", C1) == PNG_RED
    assert methods(sim) == {"GET": 4}


@BY_NO_PHOTO
def test_diff_mode_shows_before_and_after(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=JPEG_MIN)
    sim.add_record("Contacts", C2)
    result = play([absent([C1, C2])], diff=True)

    assert result.succeeded, result.output
    task = result.task()
    expected_before = {"present": True, "size": len(JPEG_MIN), "sha256": sha(JPEG_MIN)}
    assert task["records"][0]["before"] == expected_before
    diffs = task["diff"]
    # One diff per record read, in input order: C2 had no photo, so its before and after are equal.
    assert len(diffs) == 2
    assert diffs[0]["before"] == expected_before
    assert diffs[0]["after"] == {"present": False}
    assert C1 in diffs[0]["before_header"] and "Contacts" in diffs[0]["before_header"]
    assert diffs[1]["before"] == diffs[1]["after"] == {"present": False}
    assert C2 in diffs[1]["before_header"]
    # The diff is rendered in the output too.
    assert expected_before["sha256"] in result.output
    assert sim.photo("Contacts", C1) is None
    assert [m for m, _p, _s in request_log(sim)].count("DELETE") == 1


@BY_NO_PHOTO
def test_several_records_in_one_task(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2)
    sim.add_record("Contacts", C3, photo=PNG_BLUE)
    sim.add_record("Contacts", C4)
    ids: list[t.Any] = [C3, int(C2), C1, C4, C3, C1]  # an int id, and repeats
    task = {"name": "many", PHOTO: {"module": "cOnTaCtS", "record_ids": ids, "state": "absent"}}  # the record_ids alias
    result = play([task])

    assert result.succeeded, result.output
    records = result.task()["records"]
    # One entry per requested id, repeats included; each id is still worked on once (below).
    assert [r["record_id"] for r in records] == [C3, C2, C1, C4, C3, C1]
    assert [r["changed"] for r in records] == [True, False, True, False, True, True]
    assert all(r["module"] == "Contacts" for r in records)
    assert result.task()["changed"] is True

    assert sim.photo_count("Contacts") == 0
    log = request_log(sim)
    gets = [p for m, p, _s in log if m == "GET"]
    deletes = sorted(p for m, p, _s in log if m == "DELETE")
    assert sorted(gets) == sorted([photo_path(C1), photo_path(C2), photo_path(C3), photo_path(C4)])  # once each
    assert deletes == sorted([photo_path(C1), photo_path(C3)])


@BY_NO_PHOTO
def test_companies_is_accounts_and_api_version_v1_and_the_id_alias_work(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Accounts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    tasks = [
        {"name": "companies", PHOTO: {"module": "Companies", "id": C1, "state": "absent"}},
        {"name": "v1", PHOTO: {"module": "CONTACTS", "id": [C2], "state": "absent", "api_version": "v1"}},
    ]
    result = play(tasks)

    assert result.succeeded, result.output
    companies, v1 = result.tasks
    assert companies["changed"] is True
    assert companies["records"][0]["module"] == "Accounts"
    assert v1["changed"] is True
    assert sim.photo("Accounts", C1) is None
    assert sim.photo("Contacts", C2) is None
    assert request_log(sim) == [
        ("GET", photo_path(C1, "Accounts"), 200), ("DELETE", photo_path(C1, "Accounts"), 200),
        ("GET", photo_path(C2, version="v1"), 200), ("DELETE", photo_path(C2, version="v1"), 200),
    ]


@BY_NO_PHOTO
def test_photo_gone_between_get_and_delete_is_not_a_change(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    # Someone else deletes the photo after our GET: the DELETE meets "No such photo exists".
    sim.inject_error("INVALID_DATA_NO_PHOTO", method="DELETE")
    result = play([absent(C1)], defaults={"max_retries": 0})

    assert result.succeeded, result.output
    task = result.task()
    assert task["_status"] == "ok"
    assert task["changed"] is False
    assert task["records"][0]["changed"] is False
    assert task["records"][0]["after"] == {"present": False}
    assert "error" not in task["records"][0]
    log = sim.api_requests()
    assert [(e["method"], e["status"], e["code"]) for e in log] == [
        ("GET", 200, "SUCCESS"), ("DELETE", 400, "INVALID_DATA")]


# -- a photo is recognised by its bytes, whatever Content-Type the API gives it ------------------


BIG = 200 * 1024  # over the 64 KiB read when only presence matters
TYPED_IDS = ["3000000038201", "3000000038202", "3000000038203", "3000000038204"]
CONTENT_TYPES = ["application/octet-stream", "image/jpg", None, "text/plain"]


def webp(payload: bytes) -> bytes:
    chunk = b"VP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\0"
    body = b"WEBP" + chunk + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def big(image: bytes, fill: int) -> bytes:
    return image + bytes([fill]) * BIG


PHOTOS = [big(JPEG_MIN, 1), big(PNG_RED, 2), webp(b"\3" * BIG), big(JPEG_MIN, 4)]


def seed_typed_photos(sim: BiginSimulator) -> None:
    for record_id, photo, content_type in zip(TYPED_IDS, PHOTOS, CONTENT_TYPES):
        sim.add_record("Contacts", record_id, photo=photo)
        sim.set_content_type("Contacts", record_id, content_type)


def test_big_photos_with_any_content_type_are_deleted(sim: BiginSimulator, play: t.Any) -> None:
    seed_typed_photos(sim)
    result = play([photo_task("delete", TYPED_IDS)])

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert [r["changed"] for r in task["records"]] == [True] * 4
    assert sim.photo_count() == 0
    gets = sim.api_requests("GET")
    assert len(gets) == 4 and len(sim.api_requests("DELETE")) == 4
    # The simulator really served those labels.
    assert sorted(str(e["path"]) for e in gets) == sorted(photo_path(r) for r in TYPED_IDS)


def test_backups_of_photos_with_any_content_type(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    seed_typed_photos(sim)
    backups = tmp_path / "backups"
    result = play([photo_task("delete", TYPED_IDS, backup_dir=str(backups))])

    task = result.task()
    assert task["_status"] == "ok", result.output
    for record, photo in zip(task["records"], PHOTOS):
        with open(record["backup_file"], "rb") as handle:
            assert sha(handle.read()) == sha(photo)
    assert [os.path.splitext(r["backup_file"])[1] for r in task["records"]] == [".jpg", ".png", ".webp", ".jpg"]
    assert sim.photo_count() == 0


@pytest.mark.parametrize("body, content_type", [
    (b'{"code": "INTERNAL_ERROR", "status": "error"}' + b" " * BIG, "application/octet-stream"),
    (b"<html><body>Sign in</body></html>" + b" " * BIG, "image/jpeg"),
], ids=["json", "html-labelled-image"])
def test_a_body_that_is_not_an_image_stops_that_record(sim: BiginSimulator, play: t.Any, tmp_path: t.Any,
                                                       body: bytes, content_type: str) -> None:
    sim.add_record("Contacts", TYPED_IDS[0], photo=PNG_RED)
    sim.inject_response(200, body=body, headers={"Content-Type": content_type}, method="GET")
    for backup in (None, str(tmp_path / "backups")):
        extra = {"backup_dir": backup} if backup else {}
        result = play([photo_task("delete", TYPED_IDS[0], **extra)])
        task = result.task()
        assert task["_status"] == "failed" and task["changed"] is False
        assert "not an image" in task["msg"] and content_type in task["msg"]
        assert sim.photo("Contacts", TYPED_IDS[0]) == PNG_RED
        assert sim.api_requests("DELETE") == []
        if backup:
            assert os.listdir(backup) == []
        sim.inject_response(200, body=body, headers={"Content-Type": content_type}, method="GET")


def test_an_empty_200_is_no_photo_and_nothing_is_deleted(sim: BiginSimulator, play: t.Any) -> None:
    # One of the four forms of "no photo" (issue 16): absent is ok and unchanged, and sends no DELETE.
    sim.add_record("Contacts", TYPED_IDS[0], photo=PNG_RED)
    sim.inject_response(200, body=b"", headers={"Content-Type": "image/png"}, method="GET")
    task = play([photo_task("delete", TYPED_IDS[0])]).task()
    assert task["_status"] == "ok" and task["changed"] is False
    assert task["records"][0]["before"] == {"present": False}
    assert sim.api_requests("DELETE") == [] and sim.photo("Contacts", TYPED_IDS[0]) == PNG_RED


# -- backups before a photo is removed ---------------------------------------------------------

TIMESTAMP = r"(\d{8}T\d{6}\d{0,6}Z)"


def _check_backup(record: dict[str, t.Any], directory: str, module: str, record_id: str, ext: str,
                  data: bytes, started: datetime.datetime, ended: datetime.datetime) -> None:
    backup = record["backup_file"]
    assert os.path.dirname(backup) == directory
    match = re.fullmatch(r"%s-%s-%s\.%s" % (module, record_id, TIMESTAMP, ext), os.path.basename(backup))
    assert match, backup
    stamp = datetime.datetime.strptime(match.group(1)[:15], "%Y%m%dT%H%M%S").replace(tzinfo=datetime.timezone.utc)
    assert started.replace(microsecond=0) <= stamp <= ended  # a UTC timestamp of the run
    with open(backup, "rb") as handle:
        assert handle.read() == data
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600


def test_backup_before_replace_and_before_delete(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_BLUE)
    sim.add_record("Accounts", C2, photo=JPEG_MIN)
    sim.add_record("Contacts", C3)
    src = write_file(tmp_path, "red.png", PNG_RED)
    backup_dir = str(tmp_path / "backups" / "photos")  # created by the module
    started = datetime.datetime.now(datetime.timezone.utc)
    result = play([
        photo_task("replace", C1, state=None, src=src, backup_dir=backup_dir),
        photo_task("delete", C2, module="Companies", backup_dir=backup_dir),
        photo_task("nothing to back up", C3, backup_dir=backup_dir),
    ])
    ended = datetime.datetime.now(datetime.timezone.utc)

    assert result.succeeded, result.output
    replace, delete, nothing = result.tasks
    assert replace["changed"] is True and delete["changed"] is True and nothing["changed"] is False
    _check_backup(replace["records"][0], backup_dir, "Contacts", C1, "png", PNG_BLUE, started, ended)
    _check_backup(delete["records"][0], backup_dir, "Accounts", C2, "jpg", JPEG_MIN, started, ended)
    assert "backup_file" not in nothing["records"][0]
    assert len(os.listdir(backup_dir)) == 2
    assert stat.S_IMODE(os.stat(backup_dir).st_mode) == 0o700

    assert sim.photo("Contacts", C1) == PNG_RED
    assert sim.photo("Accounts", C2) is None


def _deep_dir(base: str, total: int) -> str:
    """An existing directory whose path is ``total`` characters long (components of at most 200)."""
    parts = base
    while len(parts) < total:
        room = total - len(parts) - 1
        parts = os.path.join(parts, "d" * min(200, room))
    os.makedirs(parts)
    assert len(parts) == total
    return parts


def test_backup_failure_deletes_nothing(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_BLUE)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    src = write_file(tmp_path, "red.png", PNG_RED)
    a_file = write_file(tmp_path, "not-a-dir", b"x")
    # Fails even as root: the directory is usable, but the backup file's path exceeds PATH_MAX (4096).
    too_deep = _deep_dir(str(tmp_path), 4070)
    result = play([
        photo_task("backup_dir is a file", C1, backup_dir=a_file),
        photo_task("backup_dir under a file", C1, backup_dir=os.path.join(a_file, "sub")),
    ])
    assert [tk["_status"] for tk in result.tasks] == ["failed", "failed"]
    for failed in result.tasks:
        assert "backup_dir" in failed["msg"] and a_file in failed["msg"]
    assert sim.requests == []  # refused before any request

    result = play([
        photo_task("delete, backup fails", [C1, C2], backup_dir=too_deep),
        photo_task("replace, backup fails", C2, state=None, src=src, backup_dir=too_deep),
    ])
    delete, replace = result.tasks
    for failed in (delete, replace):
        assert failed["_status"] == "failed"
        assert failed["changed"] is False
        assert failed["error"]["code"] == "BACKUP_FAILED"
        assert "backup" in failed["msg"].lower()
    assert [r["error"]["code"] for r in delete["records"]] == ["BACKUP_FAILED", "BACKUP_FAILED"]
    assert all("backup_file" not in r for r in delete["records"] + replace["records"])

    assert sim.photo("Contacts", C1) == PNG_BLUE
    assert sim.photo("Contacts", C2) == PNG_BLUE
    assert methods(sim) == {"GET": 3}
    assert os.listdir(too_deep) == []
