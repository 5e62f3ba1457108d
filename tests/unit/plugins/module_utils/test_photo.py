# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the photo operations (module_utils/_photo.py), in the order of its source.

The operations run through a real BiginClient against a started simulator, whose
state and request log are what the assertions read.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._errors import BackupError, BiginAPIError
from ansible_collections.zoho.bigin.plugins.module_utils._image import ABSENT, PhotoState
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Outcome, PhotoService
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef
from ansible_collections.zoho.bigin.plugins.module_utils._sources import SMALL_BODY, Image
from tests.conftest import RECORD, sha
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_BLUE, PNG_RED, BiginSimulator
from tests.unit.plugins.conftest import NO_PHOTO, OTHER, Wire

BIG = PNG_BLUE + b"\0" * (2 * SMALL_BODY)  # a photo too big to read when only presence matters


# -- Outcome -----------------------------------------------------------------------------------------

def test_outcome_dicts() -> None:
    out = Outcome("Accounts", "42")
    assert out.label == "Accounts/42"
    assert out.to_dict() == {"module": "Accounts", "record_id": "42", "changed": False}
    assert out.to_info() == {"module": "Accounts", "record_id": "42"}
    out.before = PhotoState.of(PNG_RED, "image/png")
    out.after = ABSENT
    out.changed = True
    out.backup_file = "/b/Accounts-42-x.png"
    out.error = BiginAPIError(403, "NO_PERMISSION", "Permission denied to delete images")
    assert out.to_dict() == {
        "module": "Accounts", "record_id": "42", "changed": True,
        "before": {"present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED)},
        "after": {"present": False},
        "backup_file": "/b/Accounts-42-x.png",
        "error": {"code": "NO_PERMISSION", "http_status": 403, "message": "Permission denied to delete images",
                  "resolution": "The user does not have permission to delete images. "
                                "Contact your system administrator.",
                  "details": {}},
    }
    assert out.to_info() == {
        "module": "Accounts", "record_id": "42", "present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED),
        "content_type": "image/png", "error": out.error.to_dict(),
    }


# -- PhotoService.fetch (PhotoReader's, _sources.py): a GET 200 that is not an image -----------------

@pytest.fixture
def service(wire: t.Callable[..., Wire]) -> t.Callable[..., PhotoService]:
    """Make PhotoServices with the given options for Contacts photos on the simulator, with the access token
    alone (no refresh); two retries; one client for all."""
    client = wire(refresh=False, max_retries=2).client
    return lambda **options: PhotoService(client, "Contacts", **options)


def methods(sim: BiginSimulator) -> list[str]:
    return [entry["method"] for entry in sim.api_requests()]


@pytest.mark.parametrize("body, content_type", [
    ("<html><body><form action='/signin'>Sign in</form></body></html>", "text/html"),
    ('{"status": "success"}', "application/json"),
], ids=["login-page", "json"])
def test_get_200_that_is_not_an_image_is_an_error_and_nothing_is_backed_up(
        sim: BiginSimulator, wire: t.Callable[..., Wire], tmp_path: t.Any, body: str, content_type: str) -> None:
    w = wire()
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    sim.inject_status(200, body=body, method="GET")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        PhotoService(w.client, "Contacts", backup_dir=str(backup_dir), diff=True).ensure_absent(out)
    text = str(info.value)
    assert "not an image" in text and "Content-Type %s" % content_type in text
    assert info.value.http_status == 200
    assert body[:30] in text
    assert os.listdir(backup_dir) == []
    assert sim.api_requests("DELETE") == []
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert out.changed is False and out.before is None and out.backup_file is None


def test_an_empty_200_is_no_photo(sim: BiginSimulator, wire: t.Callable[..., Wire], tmp_path: t.Any) -> None:
    # One of the four forms of "no photo" (issue 16): nothing to delete, nothing backed up.
    w = wire()
    sim.inject_status(200, body="", method="GET")
    out = Outcome("Contacts", RECORD)
    PhotoService(w.client, "Contacts", backup_dir=str(tmp_path), diff=True).ensure_absent(out)
    assert out.before.to_dict() == {"present": False} and out.changed is False
    assert sim.api_requests("DELETE") == [] and os.listdir(str(tmp_path)) == []


def test_get_200_that_is_not_an_image_is_not_replaced(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                      tmp_path: t.Any, image: Image) -> None:
    w = wire()
    sim.inject_status(200, body="<html>maintenance</html>", method="GET")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError, match="not an image"):
        PhotoService(w.client, "Contacts", force=True, backup_dir=str(tmp_path)).ensure_present(out, image)
    assert sim.api_requests("POST") == [] and os.listdir(tmp_path) == ["upload.png"]
    assert sim.photo("Contacts", RECORD) == PNG_RED


# -- PhotoService.backup -----------------------------------------------------------------------------

@pytest.mark.parametrize("data, ext", [(PNG_RED, "png"), (JPEG_MIN, "jpg"), (GIF_MIN, "gif"), (BMP_MIN, "bmp"),
                                       (b"\0\1unknown", "bin")])
def test_backup_file_name_mode_and_contents(service: t.Callable[..., PhotoService], tmp_path: t.Any, data: bytes, ext: str) -> None:
    start = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    path = service().backup(RECORD, data, str(tmp_path))
    end = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    name = os.path.basename(path)
    match = re.match(r"^Contacts-%s-(\d{8}T\d{12})Z\.%s$" % (RECORD, ext), name)
    assert match, name
    stamp = datetime.datetime.strptime(match.group(1), "%Y%m%dT%H%M%S%f")
    assert start <= stamp <= end  # a UTC timestamp of the moment of the backup
    assert os.path.dirname(path) == str(tmp_path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    with open(path, "rb") as handle:
        assert handle.read() == data


def test_backups_never_overwrite_each_other(service: t.Callable[..., PhotoService], tmp_path: t.Any) -> None:
    paths = {service().backup(RECORD, PNG_RED, str(tmp_path)) for dummy in range(20)}
    assert len(paths) == 20
    assert len(os.listdir(tmp_path)) == 20


# -- PhotoService.settle (settle_absent, settle_present, settle_info) and work ----------------------

def listed(record_id: str, marker: t.Any) -> RecordRef:
    return RecordRef.from_record("Contacts", {"id": record_id, "Record_Image": marker})


@pytest.mark.parametrize("state, force, marker, settled, before", [
    ("absent", True, None, True, {"present": False}),
    ("absent", True, "m1", False, None),
    ("present", False, "m1", True, {"present": True}),
    ("present", True, "m1", False, None),
    ("present", False, None, False, None),
    ("info", True, "", True, {"present": False}),
    ("info", True, "m1", False, None),
])
def test_settle_reads_the_listing_alone(service: t.Callable[..., PhotoService], sim: BiginSimulator, state: str,
                                        force: bool, marker: t.Any, settled: bool, before: dict[str, t.Any] | None) -> None:
    out = Outcome.for_ref(listed(RECORD, marker))
    assert service(state=state, force=force).settle(out) is settled
    assert (out.before.to_dict() if out.before is not None else None) == before
    assert out.after is (out.before if settled and state != "info" else None)  # info has no after
    assert sim.api_requests() == []


def test_settle_leaves_an_id_given_by_the_user_to_work(service: t.Callable[..., PhotoService]) -> None:
    for state in ("absent", "present", "info"):
        out = Outcome("Contacts", NO_PHOTO)
        assert service(state=state, force=False).settle(out) is False and out.before is None


def test_work_does_what_the_state_asks(service: t.Callable[..., PhotoService], sim: BiginSimulator, image: Image) -> None:
    asked: list[str] = []

    def image_for(record_id: str) -> Image:
        asked.append(record_id)
        return image

    present, absent, info = Outcome("Contacts", NO_PHOTO), Outcome("Contacts", RECORD), Outcome("Contacts", OTHER)
    service(state="present", image=image_for).work(present)
    service(state="absent").work(absent)
    service(state="info").work(info)
    assert asked == [NO_PHOTO]
    assert present.changed is True and present.after.to_dict() == image.state.to_dict()
    assert absent.changed is True and absent.after.to_dict() == {"present": False}
    assert info.changed is False and info.to_info()["sha256"] == sha(PNG_BLUE)
    assert methods(sim) == ["GET", "POST", "GET", "GET", "DELETE", "GET"]


# -- PhotoService.ensure_absent (and delete) ---------------------------------------------------------

def test_absent_deletes_a_photo(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    out = Outcome("Contacts", RECORD)
    service(check_mode=False, backup_dir=None, diff=False).ensure_absent(out)
    assert out.changed is True
    assert out.before.to_dict() == {"present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED)}
    assert out.after.to_dict() == {"present": False}
    assert out.backup_file is None
    assert methods(sim) == ["GET", "DELETE"]
    assert sim.photo("Contacts", RECORD) is None


def test_absent_leaves_a_record_without_photo_alone(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    out = Outcome("Contacts", NO_PHOTO)
    service(check_mode=False, backup_dir=None, diff=True).ensure_absent(out)
    assert out.changed is False
    assert out.before.to_dict() == out.after.to_dict() == {"present": False}
    assert methods(sim) == ["GET"]


def test_absent_in_check_mode_sends_no_delete(service: t.Callable[..., PhotoService], sim: BiginSimulator, tmp_path: t.Any) -> None:
    out = Outcome("Contacts", RECORD)
    service(check_mode=True, backup_dir=str(tmp_path), diff=False).ensure_absent(out)
    assert out.changed is True
    assert out.after.to_dict() == {"present": False}
    assert out.backup_file is None
    assert methods(sim) == ["GET"]
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert os.listdir(tmp_path) == []


def test_absent_big_photo_is_not_downloaded_for_presence(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    sim.set_photo("Contacts", RECORD, BIG)
    out = Outcome("Contacts", RECORD)
    service(check_mode=False, backup_dir=None, diff=False).ensure_absent(out)
    # size from Content-Length, no sha256: the body was not read
    assert out.before.to_dict() == {"present": True, "size": len(BIG)}
    assert out.changed is True
    assert sim.photo("Contacts", RECORD) is None


def test_absent_big_photo_is_hashed_when_asked(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    sim.set_photo("Contacts", RECORD, BIG)
    out = Outcome("Contacts", RECORD)
    service(check_mode=True, backup_dir=None, diff=True).ensure_absent(out)
    assert out.before.to_dict() == {"present": True, "size": len(BIG), "sha256": sha(BIG)}


def test_absent_backs_up_before_deleting(service: t.Callable[..., PhotoService], sim: BiginSimulator, tmp_path: t.Any) -> None:
    sim.set_photo("Contacts", RECORD, BIG)
    out = Outcome("Contacts", RECORD)
    service(check_mode=False, backup_dir=str(tmp_path), diff=False).ensure_absent(out)
    assert out.changed is True
    assert out.backup_file is not None and os.path.dirname(out.backup_file) == str(tmp_path)
    with open(out.backup_file, "rb") as handle:
        assert handle.read() == BIG
    assert out.before.to_dict() == {"present": True, "size": len(BIG), "sha256": sha(BIG)}
    assert sim.photo("Contacts", RECORD) is None


def test_failed_backup_sends_no_delete(service: t.Callable[..., PhotoService], sim: BiginSimulator, tmp_path: t.Any) -> None:
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BackupError) as info:
        service(check_mode=False, backup_dir=str(tmp_path / "gone"), diff=False).ensure_absent(out)
    assert info.value.code == "BACKUP_FAILED"
    assert str(info.value).startswith("backup of Contacts/%s to %s failed (" % (RECORD, tmp_path / "gone"))
    assert str(info.value).endswith("); the photo was left in place")
    assert out.changed is False
    assert methods(sim) == ["GET"]
    assert sim.photo("Contacts", RECORD) == PNG_RED


def test_backup_directory_is_synced_before_the_delete(service: t.Callable[..., PhotoService], sim: BiginSimulator, tmp_path: t.Any,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    synced = []  # (directory synced, methods sent by then)
    real_fsync = os.fsync

    def fsync(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            synced.append((os.readlink("/proc/self/fd/%d" % fd), methods(sim)))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    out = Outcome("Contacts", RECORD)
    service(check_mode=False, backup_dir=str(tmp_path), diff=False).ensure_absent(out)
    assert out.changed is True and methods(sim) == ["GET", "DELETE"]
    assert synced == [(str(tmp_path), ["GET"])]


def test_delete_race_no_such_photo_is_not_changed(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    sim.inject_error("INVALID_DATA_NO_PHOTO", method="DELETE")  # someone else deleted it after our GET
    out = Outcome("Contacts", RECORD)
    service(check_mode=False, backup_dir=None, diff=False).ensure_absent(out)
    assert out.changed is False
    assert out.after.to_dict() == {"present": False}
    assert methods(sim) == ["GET", "DELETE"]


def test_delete_whose_answer_was_lost_is_changed(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    sim.inject_drop(method="DELETE", when="after")  # deleted, then the connection broke
    out = Outcome("Contacts", RECORD)
    service(check_mode=False, backup_dir=None, diff=False).ensure_absent(out)
    assert out.changed is True
    assert [(entry["method"], entry["status"]) for entry in sim.api_requests()] == [
        ("GET", 200), ("DELETE", None), ("DELETE", 400)]  # None: applied, answer dropped
    assert sim.photo("Contacts", RECORD) is None


def test_delete_on_an_unknown_record_raises(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    out = Outcome("Contacts", "999")
    with pytest.raises(BiginAPIError) as info:
        service(check_mode=False, backup_dir=None, diff=False).ensure_absent(out)
    assert info.value.matches("INVALID_DATA", "the id given seems to be invalid")
    assert out.changed is False


def test_delete_refused_raises_and_is_not_changed(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    sim.set_permission(delete_images=False)
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        service(check_mode=False, backup_dir=None, diff=False).ensure_absent(out)
    assert info.value.code == "NO_PERMISSION"
    assert out.changed is False and out.after is None
    assert sim.photo("Contacts", RECORD) == PNG_RED


# -- PhotoService.ensure_present (and upload) --------------------------------------------------------

def test_present_uploads_to_a_record_without_photo(service: t.Callable[..., PhotoService], sim: BiginSimulator,
                                                   tmp_path: t.Any, image: Image) -> None:
    out = Outcome("Contacts", NO_PHOTO)
    service(force=False, check_mode=False, backup_dir=str(tmp_path)).ensure_present(out, image)
    assert out.changed is True
    assert out.before.to_dict() == {"present": False}
    assert out.after.to_dict() == {"present": True, "size": len(PNG_BLUE), "sha256": sha(PNG_BLUE)}
    assert out.backup_file is None
    assert methods(sim) == ["GET", "POST", "GET"]  # the GET after the POST reads the upload back
    assert sim.photo("Contacts", NO_PHOTO) == PNG_BLUE


def test_present_with_the_same_photo_is_not_changed(service: t.Callable[..., PhotoService], sim: BiginSimulator,
                                                    tmp_path: t.Any) -> None:
    (tmp_path / "red.png").write_bytes(PNG_RED)
    out = Outcome("Contacts", RECORD)
    service(force=True, check_mode=False, backup_dir=None).ensure_present(out, Image(str(tmp_path / "red.png")))
    assert out.changed is False
    assert out.after.to_dict() == out.before.to_dict() == {"present": True, "size": len(PNG_RED),
                                                           "sha256": sha(PNG_RED)}
    assert methods(sim) == ["GET"]


def test_present_with_force_replaces_a_different_photo(service: t.Callable[..., PhotoService], sim: BiginSimulator,
                                                       tmp_path: t.Any, image: Image) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    sim.set_photo("Contacts", RECORD, BIG)
    out = Outcome("Contacts", RECORD)
    service(force=True, check_mode=False, backup_dir=str(backups)).ensure_present(out, image)
    assert out.changed is True
    assert out.before.to_dict() == {"present": True, "size": len(BIG), "sha256": sha(BIG)}
    assert out.after.to_dict() == {"present": True, "size": len(PNG_BLUE), "sha256": sha(PNG_BLUE)}
    assert methods(sim) == ["GET", "POST", "GET"]  # the GET after the POST reads the upload back
    assert sim.photo("Contacts", RECORD) == PNG_BLUE
    with open(out.backup_file or "", "rb") as handle:
        assert handle.read() == BIG


def test_present_without_force_keeps_a_different_photo(service: t.Callable[..., PhotoService], sim: BiginSimulator,
                                                       tmp_path: t.Any, image: Image) -> None:
    sim.set_photo("Contacts", RECORD, BIG)
    out = Outcome("Contacts", RECORD)
    service(force=False, check_mode=False, backup_dir=str(tmp_path)).ensure_present(out, image)
    assert out.changed is False
    assert out.before.to_dict() == out.after.to_dict() == {"present": True, "size": len(BIG)}
    assert methods(sim) == ["GET"]
    assert sim.photo("Contacts", RECORD) == BIG


def test_present_in_check_mode_sends_no_post(service: t.Callable[..., PhotoService], sim: BiginSimulator, tmp_path: t.Any, image: Image) -> None:
    for record in (RECORD, NO_PHOTO):
        out = Outcome("Contacts", record)
        service(force=True, check_mode=True, backup_dir=str(tmp_path)).ensure_present(out, image)
        assert out.changed is True
        assert out.after.to_dict() == image.state.to_dict()
        assert out.backup_file is None
    assert methods(sim) == ["GET", "GET"]
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert sim.photo("Contacts", NO_PHOTO) is None
    assert sorted(os.listdir(tmp_path)) == ["upload.png"]


def test_refused_upload_is_not_changed(service: t.Callable[..., PhotoService], sim: BiginSimulator, tmp_path: t.Any, image: Image) -> None:
    sim.lock_record("Contacts", RECORD)
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        service(force=True, check_mode=False, backup_dir=None).ensure_present(out, image)
    assert info.value.code == "RECORD_LOCKED"
    assert out.changed is False and out.after is None
    assert sim.photo("Contacts", RECORD) == PNG_RED


# -- PhotoService.read_photo -------------------------------------------------------------------------

def test_describe_reads_the_whole_photo(service: t.Callable[..., PhotoService], sim: BiginSimulator) -> None:
    sim.set_photo("Contacts", RECORD, BIG)
    with_photo, without = Outcome("Contacts", RECORD), Outcome("Contacts", NO_PHOTO)
    service().read_photo(with_photo)
    service().read_photo(without)
    assert with_photo.to_info() == {"module": "Contacts", "record_id": RECORD, "present": True, "size": len(BIG),
                                    "sha256": sha(BIG), "content_type": "image/png"}
    assert without.to_info() == {"module": "Contacts", "record_id": NO_PHOTO, "present": False}
    assert methods(sim) == ["GET", "GET"]
