# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the file helpers (module_utils/_files.py), in the order of its source.

The file-name contract above all: every name a writer makes is read back by the restore's
parser, and every other name is refused.
"""

from __future__ import annotations

import datetime
import os
import re
import stat
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils import _files
from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError
from ansible_collections.zoho.bigin.plugins.module_utils._files import (
    STAMP_FORMAT,
    attachment_backup_name,
    check_backup_dir,
    parse_photo_file_name,
    photo_backup_name,
    photo_file_name,
    utc_stamp,
    version_name,
    write_file_atomically,
)
from ansible_collections.zoho.bigin.plugins.module_utils._image import IMAGE_EXTS
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED
from tests.unit.plugins.conftest import A


def read(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


# -- write_file_atomically ---------------------------------------------------------------------------

def test_write_file_atomically_never_shows_a_partial_file(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    dest = str(tmp_path)
    write_file_atomically(dest, "Contacts-%s.png" % A, PNG_RED)
    target = os.path.join(dest, "Contacts-%s.png" % A)
    assert read(target) == PNG_RED and stat.S_IMODE(os.stat(target).st_mode) == 0o600

    def broken_fsync(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_files.os, "fsync", broken_fsync)
    with pytest.raises(OSError):
        write_file_atomically(dest, "Contacts-%s.png" % A, PNG_BLUE)
    assert read(target) == PNG_RED  # the old file, whole
    assert os.listdir(dest) == ["Contacts-%s.png" % A]  # the temporary file is gone


# -- check_directory, through check_backup_dir (check_dest: test_export.py) ---------------------------

def test_existing_backup_dir_is_accepted(tmp_path: t.Any) -> None:
    check_backup_dir(str(tmp_path), check_mode=False)


def test_missing_backup_dir_is_created_0700(tmp_path: t.Any) -> None:
    path = tmp_path / "a" / "b"
    old = os.umask(0)
    try:
        check_backup_dir(str(path), check_mode=False)
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o700


def test_missing_backup_dir_is_not_created_in_check_mode(tmp_path: t.Any) -> None:
    check_backup_dir(str(tmp_path / "later"), check_mode=True)
    assert not os.path.exists(tmp_path / "later")


def test_backup_dir_that_is_a_file(tmp_path: t.Any) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    for check_mode in (False, True):
        with pytest.raises(InputError, match="^backup_dir: .* exists and is not a directory$"):
            check_backup_dir(str(path), check_mode)


def test_backup_dir_that_cannot_be_created(tmp_path: t.Any) -> None:
    (tmp_path / "file").write_text("x")
    with pytest.raises(InputError, match="^backup_dir: .*/file/sub cannot be created \\(Not a directory\\)$"):
        check_backup_dir(str(tmp_path / "file" / "sub"), check_mode=False)


def test_backup_dir_that_is_not_writable(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "ro"
    path.mkdir()
    os.chmod(path, 0o500)
    if os.geteuid() == 0:  # root may write anywhere: answer os.access as for a user
        real_access = os.access
        monkeypatch.setattr(os, "access", lambda p, m: False if str(p) == str(path) else real_access(p, m))
    with pytest.raises(InputError, match="^backup_dir: .*/ro is not writable$"):
        check_backup_dir(str(path), check_mode=False)


@pytest.mark.parametrize("mode", [0o770, 0o777, 0o702])
def test_backup_dir_others_can_write_is_used_with_a_warning(tmp_path: t.Any, mode: int) -> None:
    path = tmp_path / "shared"
    path.mkdir()
    os.chmod(path, mode)
    warnings: list[str] = []
    check_backup_dir(str(path), check_mode=False, warn=warnings.append)
    assert warnings == ["backup_dir: %s is writable by its group or by others, who could replace or plant files "
                        "in it; make it writable by its owner only (chmod go-w)" % path]
    os.chmod(path, 0o755)
    warnings.clear()
    check_backup_dir(str(path), check_mode=False, warn=warnings.append)
    assert warnings == []


def test_backup_dir_made_by_another_fork_meanwhile_is_no_error(tmp_path: t.Any,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "new"
    real_makedirs = os.makedirs

    def racing_makedirs(name: t.Any, mode: int = 0o777, exist_ok: bool = False) -> None:
        real_makedirs(name, mode)  # the other fork wins the race
        real_makedirs(name, mode, exist_ok=exist_ok)

    monkeypatch.setattr(_files.os, "makedirs", racing_makedirs)
    check_backup_dir(str(path), check_mode=False)
    assert path.is_dir()


# -- file names: what the writers make ---------------------------------------------------------------

def test_utc_stamp_is_now_in_utc_and_fixed_width() -> None:
    start = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    stamp = utc_stamp()
    end = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    assert re.match(r"\A[0-9]{8}T[0-9]{12}Z\Z", stamp), stamp  # fixed width: names sort by time
    assert start <= datetime.datetime.strptime(stamp, STAMP_FORMAT) <= end


def test_the_names_of_each_kind() -> None:
    stamp = "20261203T104500123456Z"
    assert photo_file_name("Contacts", "1", "png") == "Contacts-1.png"
    assert photo_backup_name("Contacts", "1", "png", stamp) == "Contacts-1-20261203T104500123456Z.png"
    assert version_name("Contacts-1.png", stamp) == "Contacts-1.20261203T104500123456Z.png"
    assert attachment_backup_name("Contacts", "1", "2", "report.pdf") == "Contacts-1-2-report.pdf"


@pytest.mark.parametrize("name, expected", [
    ("report.pdf", "Contacts-1-2-report.pdf"),
    ("../../etc/passwd", "Contacts-1-2-_.._etc_passwd"),
    (".hidden", "Contacts-1-2-hidden"),
    ("...", "Contacts-1-2-attachment"),
    ("a\\b\x00c", "Contacts-1-2-a_b_c"),
])
def test_attachment_backup_name_is_safe(name: str, expected: str) -> None:
    assert attachment_backup_name("Contacts", "1", "2", name) == expected


# -- file names: what the restore reads back ---------------------------------------------------------

STAMPS = ("20250101T000000000000Z", "20261231T235959999999Z")
RECORD_IDS = ("1", "3000000038009", "9" * 19)


@pytest.mark.parametrize("module_name", ["Contacts", "Accounts", "Products"])
@pytest.mark.parametrize("ext", IMAGE_EXTS)
def test_every_photo_name_written_is_read_back(module_name: str, ext: str) -> None:
    for record_id in RECORD_IDS:
        assert parse_photo_file_name(photo_file_name(module_name, record_id, ext), module_name) == (record_id, None, ext)
        for stamp in STAMPS + (utc_stamp(),):
            backup = photo_backup_name(module_name, record_id, ext, stamp)
            assert parse_photo_file_name(backup, module_name) == (record_id, stamp, ext)


@pytest.mark.parametrize("name", [
    "Accounts-1.png",  # another module's
    "contacts-1.png",
    "Contacts-1.txt",
    "Contacts-1.bin",  # a backup of bytes of no known image type: nothing to upload
    "Contacts-1.PNG",
    "Contacts-1.jpeg",
    "Contacts-1",
    "Contacts-.png",
    "Contacts-x.png",
    "Contacts-%s.png" % ("1" * 20),  # no record id has 20 digits
    "Contacts-1-yesterday.png",
    "Contacts-1-20260101T00000000000Z.png",  # a digit short
    "Contacts-1-20260101T000000000000.png",  # no Z
    "Contacts-1-20260101t000000000000Z.png",
    "Contacts-1-20260101T000000000000Z-2.png",
    "Contacts-1.png.tmp",
    "Contacts-1.png\n",
    " Contacts-1.png",
    "xContacts-1.png",
    ".bigin-export-abc.tmp",
    ".bigin-abc.tmp",
])
def test_foreign_names_are_refused(name: str) -> None:
    assert parse_photo_file_name(name, "Contacts") is None


@pytest.mark.parametrize("ext", IMAGE_EXTS)
def test_versions_and_attachment_backups_are_not_read_as_photo_files(ext: str) -> None:
    # A restore reads export files and photo backups only: never a version or an attachment's backup.
    for stamp in STAMPS:
        assert parse_photo_file_name(version_name(photo_file_name("Contacts", "1", ext), stamp), "Contacts") is None
        assert parse_photo_file_name(photo_backup_name("Contacts", "1", ext, stamp) + ".tmp", "Contacts") is None
    assert parse_photo_file_name(attachment_backup_name("Contacts", "1", "2", "photo." + ext), "Contacts") is None
    assert parse_photo_file_name(attachment_backup_name("Contacts", "1", "2", STAMPS[0] + "." + ext), "Contacts") is None


# -- check_keep_versions -------------------------------------------------------------------------------

def test_check_keep_versions_takes_0_to_100() -> None:
    assert [_files.check_keep_versions(value) for value in (0, 1, 100)] == [0, 1, 100]
    for value in (-1, 101):
        with pytest.raises(InputError, match=r"^keep_versions: %d is out of range; use 0 to 100$" % value):
            _files.check_keep_versions(value)
