# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bigin_photo state=present (upload, force, replace) and backup_dir, through the real ansible-playbook."""

from __future__ import annotations

import collections
import datetime
import hashlib
import os
import re
import stat
import typing as t

from tests.simulator.bigin_simulator import JPEG_MIN, PNG_BLUE, PNG_RED, BiginSimulator

PHOTO = "zoho.bigin.bigin_photo"
C1, C2, C3 = "3000000038001", "3000000038002", "3000000038003"
TIMESTAMP = r"(\d{8}T\d{6}\d{0,6}Z)"


def task(name: str, record_id: t.Any, module: str = "Contacts", **args: t.Any) -> dict[str, t.Any]:
    params = {"module": module, "record_id": record_id}
    params.update(args)
    return {"name": name, PHOTO: params, "ignore_errors": True}


def write(tmp_path: t.Any, name: str, data: bytes) -> str:
    target = tmp_path / name
    target.write_bytes(data)
    return str(target)


def api_log(sim: BiginSimulator) -> list[tuple[str, str, int | None]]:
    return [(e["method"], e["path"], e["status"]) for e in sim.api_requests()]


def path(record_id: str, module: str = "Contacts") -> str:
    return "/bigin/v2/%s/%s/photo" % (module, record_id)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_upload_then_same_photo_again(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    src = write(tmp_path, "red.png", PNG_RED)
    result = play([task("upload", C1, src=src), task("again", C1, src=src)])

    assert result.rc == 0, result.output
    upload, again = result.tasks
    assert upload["_status"] == "ok" and upload["changed"] is True
    record = upload["records"][0]
    assert record["changed"] is True
    assert record["before"] == {"present": False}
    assert record["after"] == {"present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED)}
    assert again["_status"] == "ok" and again["changed"] is False
    assert again["records"][0]["before"]["sha256"] == sha(PNG_RED)

    assert sim.photo("Contacts", C1) == PNG_RED
    assert api_log(sim) == [("GET", path(C1), 204), ("POST", path(C1), 200), ("GET", path(C1), 200)]
    post = sim.api_requests("POST")[0]
    assert post["headers"]["Content-Type"].startswith("multipart/form-data")


def test_force_true_replaces_force_false_leaves_alone(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_BLUE)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    sim.add_record("Contacts", C3)
    src = write(tmp_path, "red.png", PNG_RED)
    result = play([
        task("force true", C1, src=src, force=True),
        task("force false, has photo", C2, src=src, force=False),
        task("force false, no photo", C3, src=src, force=False),
    ])

    assert result.rc == 0, result.output
    replaced, kept, added = result.tasks
    assert replaced["changed"] is True
    assert replaced["records"][0]["before"]["sha256"] == sha(PNG_BLUE)
    assert replaced["records"][0]["after"]["sha256"] == sha(PNG_RED)
    assert kept["changed"] is False
    assert kept["records"][0]["before"]["present"] is True
    assert added["changed"] is True

    assert sim.photo("Contacts", C1) == PNG_RED
    assert sim.photo("Contacts", C2) == PNG_BLUE
    assert sim.photo("Contacts", C3) == PNG_RED
    assert sorted(p for m, p, _s in api_log(sim) if m == "POST") == [path(C1), path(C3)]
    assert not sim.api_requests("DELETE")


def test_check_mode_sends_no_upload(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    sim.add_record("Contacts", C3, photo=PNG_RED)
    src = write(tmp_path, "red.png", PNG_RED)
    backup_dir = tmp_path / "backups"
    result = play([task("check", [C1, C2, C3], src=src, backup_dir=str(backup_dir))], check=True)

    assert result.rc == 0, result.output
    records = result.task()["records"]
    assert [r["changed"] for r in records] == [True, True, False]
    assert result.task()["changed"] is True
    assert all("backup_file" not in r for r in records)
    assert records[1]["after"]["sha256"] == sha(PNG_RED)

    assert (sim.photo("Contacts", C1), sim.photo("Contacts", C2)) == (None, PNG_BLUE)
    assert collections.Counter(m for m, _p, _s in api_log(sim)) == {"GET": 3}
    assert not backup_dir.exists()  # check mode writes nothing on the controller either


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
    src = write(tmp_path, "red.png", PNG_RED)
    backup_dir = str(tmp_path / "backups" / "photos")  # created by the module
    started = datetime.datetime.now(datetime.timezone.utc)
    result = play([
        task("replace", C1, src=src, backup_dir=backup_dir),
        task("delete", C2, module="Companies", state="absent", backup_dir=backup_dir),
        task("nothing to back up", C3, state="absent", backup_dir=backup_dir),
    ])
    ended = datetime.datetime.now(datetime.timezone.utc)

    assert result.rc == 0, result.output
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
    src = write(tmp_path, "red.png", PNG_RED)
    a_file = write(tmp_path, "not-a-dir", b"x")
    # Fails even as root: the directory is usable, but the backup file's path exceeds PATH_MAX (4096).
    too_deep = _deep_dir(str(tmp_path), 4070)
    result = play([
        task("backup_dir is a file", C1, state="absent", backup_dir=a_file),
        task("backup_dir under a file", C1, state="absent", backup_dir=os.path.join(a_file, "sub")),
    ])
    assert [tk["_status"] for tk in result.tasks] == ["failed", "failed"]
    for failed in result.tasks:
        assert "backup_dir" in failed["msg"] and a_file in failed["msg"]
    assert sim.requests == []  # refused before any request

    result = play([
        task("delete, backup fails", [C1, C2], state="absent", backup_dir=too_deep),
        task("replace, backup fails", C2, src=src, backup_dir=too_deep),
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
    assert collections.Counter(m for m, _p, _s in api_log(sim)) == {"GET": 3}
    assert os.listdir(too_deep) == []
