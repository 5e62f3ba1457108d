# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Uploading photos: bigin_photo with src (state=present) through the real ansible-playbook.

An upload and its idempotent repeat, force (replace or leave a photo in place) and check mode.
Backups before a replace are in test_delete.py (with those before a delete), a src the API
would refuse in test_errors.py, uploads under faults in test_faults.py and restores from a
directory in test_export.py.
"""

from __future__ import annotations

import typing as t

import pytest

from tests.conftest import sha
from tests.integration.conftest import C1, C2, C3, as_stored, methods, photo_path, photo_task, request_log, write_file
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator


# Every test here runs under each way Bigin might store an upload, answer a missing photo, or mark a replacement.
pytestmark = pytest.mark.profiles("upload_storage", "no_photo_get", "marker_on_replace")


def upload(name: str, record_id: t.Any, **args: t.Any) -> dict[str, t.Any]:
    """A bigin_photo task with the module's default state (present)."""
    return photo_task(name, record_id, state=None, **args)


def test_upload_then_same_photo_again(sim: BiginSimulator, play: t.Any, tmp_path: t.Any, profile: dict[str, str]) -> None:
    sim.add_record("Contacts", C1)
    src = write_file(tmp_path, "red.png", PNG_RED)
    result = play([upload("upload", C1, src=src), upload("again", C1, src=src)])

    assert result.succeeded, result.output
    uploaded, again = result.tasks
    assert uploaded["_status"] == "ok" and uploaded["changed"] is True
    record = uploaded["records"][0]
    assert record["changed"] is True
    assert record["before"] == {"present": False}
    # What Bigin holds, whatever it made of the upload (a re-encoded copy is said to be one).
    stored = sim.photo("Contacts", C1)
    assert stored == PNG_RED or profile.get("upload_storage") == "reencoded"
    assert record["after"] == dict({"present": True, "size": len(stored), "sha256": sha(stored)},
                                   **({"reencoded": True} if stored != PNG_RED else {}))
    assert again["_status"] == "ok" and again["changed"] is False
    assert again["records"][0]["before"]["sha256"] == sha(stored)
    # The first GET finds no photo (in whichever form); the one after the POST reads the upload back.
    assert [(method, path) for method, path, _status in request_log(sim)] == [
        ("GET", photo_path(C1)), ("POST", photo_path(C1)), ("GET", photo_path(C1)), ("GET", photo_path(C1))]
    post = sim.api_requests("POST")[0]
    assert post["headers"]["Content-Type"].startswith("multipart/form-data")


def test_force_true_replaces_force_false_leaves_alone(sim: BiginSimulator, play: t.Any, tmp_path: t.Any,
                                                      profile: dict[str, str]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_BLUE)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    sim.add_record("Contacts", C3)
    src = write_file(tmp_path, "red.png", PNG_RED)
    result = play([
        upload("force true", C1, src=src, force=True),
        upload("force false, has photo", C2, src=src, force=False),
        upload("force false, no photo", C3, src=src, force=False),
    ])

    assert result.succeeded, result.output
    replaced, kept, added = result.tasks
    assert replaced["changed"] is True
    assert replaced["records"][0]["before"]["sha256"] == sha(PNG_BLUE)
    assert replaced["records"][0]["after"]["sha256"] == sha(as_stored(profile, PNG_RED))
    assert kept["changed"] is False
    assert kept["records"][0]["before"]["present"] is True
    assert added["changed"] is True

    assert sim.photo("Contacts", C1) == as_stored(profile, PNG_RED)
    assert sim.photo("Contacts", C2) == PNG_BLUE
    assert sim.photo("Contacts", C3) == as_stored(profile, PNG_RED)
    assert sorted(p for m, p, _s in request_log(sim) if m == "POST") == [photo_path(C1), photo_path(C3)]
    assert not sim.api_requests("DELETE")


def test_check_mode_sends_no_upload(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    sim.add_record("Contacts", C3, photo=PNG_RED)
    src = write_file(tmp_path, "red.png", PNG_RED)
    backup_dir = tmp_path / "backups"
    result = play([upload("check", [C1, C2, C3], src=src, backup_dir=str(backup_dir))], check=True)

    assert result.succeeded, result.output
    records = result.task()["records"]
    assert [r["changed"] for r in records] == [True, True, False]
    assert result.task()["changed"] is True
    assert all("backup_file" not in r for r in records)
    assert records[1]["after"]["sha256"] == sha(PNG_RED)

    assert (sim.photo("Contacts", C1), sim.photo("Contacts", C2)) == (None, PNG_BLUE)
    assert methods(sim) == {"GET": 3}
    assert not backup_dir.exists()  # check mode writes nothing on the controller either
