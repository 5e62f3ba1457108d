# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Files, for every feature that reads or writes them: safe reads, atomic writes, directory options, file names.

This file is private to the collection: its API may change without notice.

The names of the files the collection writes are made and read here only, so that a
writer and the restore that reads its files back cannot drift apart:

* an export file: ``{Module}-{record_id}.{ext}`` (bigin_photo_export, in ``dest``);
* a photo backup: ``{Module}-{record_id}-{UTC stamp}.{ext}`` (bigin_photo, in ``backup_dir``);
* a version of an export file: ``{stem}.{UTC stamp}.{ext}`` (in ``dest/.versions``);
* an attachment backup: ``{Module}-{record_id}-{attachment_id}-{file name made safe}`` (bigin_attachment);
* an exported attachment: ``{Module}-{record_id}/{attachment_id}-{file name made safe}`` and its versions
  ``{stem}.{UTC stamp}{ext}`` (bigin_attachment_export, in ``dest`` and ``dest/.versions``).

A restore (bigin_photo with ``src`` a directory) reads the first two back (parse_photo_file_name).
"""

from __future__ import annotations

import datetime
import errno
import functools
import hashlib
import json
import os
import re
import stat
import tempfile
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError
from ansible_collections.zoho.bigin.plugins.module_utils._image import IMAGE_EXTS


def sync_directory(directory: str) -> None:
    """fsync ``directory``, so that a file just created or renamed in it survives a power cut.

    The file's own fsync keeps its bytes; only the directory's keeps its name.  A file system
    that cannot sync a directory (some network ones) is accepted as it is.
    """
    try:
        dir_fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


# Never follow a last-component link, never block on a FIFO or a device while opening it.
READ_FLAGS = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
READ_CHUNK = 1024 * 1024


class NotARegularFile(OSError):
    """The path is a symbolic link, a FIFO, a device or a directory: nothing this collection reads."""


class FileTooLarge(OSError):
    """The file is larger than what a file of its kind can be; ``size`` is what fstat said."""

    def __init__(self, size: int, limit: int):
        super().__init__(errno.EFBIG, "larger than %d bytes (%d bytes)" % (limit, size))
        self.size = size


def open_regular(path: str) -> int:
    """A read-only descriptor of the regular file ``path`` itself (a symbolic link there is refused)."""
    try:
        fd = os.open(path, READ_FLAGS)
    except OSError as exc:
        # Linux says ELOOP; some BSDs say EMLINK or EFTYPE for O_NOFOLLOW on a link.
        if exc.errno == errno.ELOOP or (exc.errno != errno.ENOENT and os.path.islink(path)):
            raise NotARegularFile(errno.ELOOP, "a symbolic link, not followed") from None
        raise
    try:
        mode = os.fstat(fd).st_mode
    except OSError:
        os.close(fd)
        raise
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotARegularFile(errno.EINVAL, "not a regular file")
    return fd


def read_json(path: str, limit: int) -> t.Any:
    """A state file's JSON (a manifest, the stored uploads): read as read_regular() reads, then parsed.

    Raises what read_regular() raises, ValueError when it is not UTF-8 JSON, RecursionError when it nests too deep.
    """
    return json.loads(read_regular(path, limit).decode("utf-8"))


def read_regular(path: str, limit: int) -> bytes:
    """The whole content of the regular file ``path``, at most ``limit`` bytes (else FileTooLarge)."""
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        if size > limit:
            raise FileTooLarge(size, limit)
        # The file may grow after fstat: one byte more than the limit tells.
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise FileTooLarge(len(data), limit)
    return data


def hash_regular(path: str) -> tuple[int, str]:
    """(size, SHA-256 hex) of the regular file ``path``, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    fd = open_regular(path)
    with os.fdopen(fd, "rb") as handle:
        for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def loose_permissions(path: str) -> bool:
    """Whether the existing ``path`` is writable by its group or by others (they could swap files in it)."""
    try:
        return bool(os.stat(path).st_mode & (stat.S_IWGRP | stat.S_IWOTH))
    except OSError:
        return False


def write_file_atomically(directory: str, name: str, data: bytes, prefix: str = ".bigin-", suffix: str = ".tmp") -> None:
    """Write ``data`` as ``directory/name`` (0600): temporary file, fsync, rename, so no partial file is ever seen.

    The temporary file is named ``prefix...suffix`` in ``directory`` (a caller that scans the directory
    can tell it apart) and removed when anything fails.
    """
    fd, temp = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temp, 0o600)
        os.replace(temp, os.path.join(directory, name))
    except BaseException:
        try:
            os.unlink(temp)
        except OSError:
            pass
        raise
    sync_directory(directory)  # the rename itself survives a crash only once the directory is synced


# The previous versions an export keeps per file (keep_versions of bigin_photo_export and bigin_attachment_export).
MAX_KEEP_VERSIONS = 100


def check_keep_versions(value: int) -> int:
    """keep_versions of an export, in range, else InputError; before any request."""
    if not 0 <= value <= MAX_KEEP_VERSIONS:
        raise InputError("keep_versions: %d is out of range; use 0 to %d" % (value, MAX_KEEP_VERSIONS))
    return value


def check_directory(option_name: str, path: str, check_mode: bool,
                    warn: t.Callable[[str], None] | None = None) -> None:
    """A directory option must name (or become) a writable directory; it is created 0700 if missing.

    Created race-free: a fork that creates it first is no error.  A directory others may write to is
    used with a warning: they could swap or plant files in it.
    """
    if not os.path.isdir(path):
        if os.path.lexists(path):
            raise InputError("%s: %s exists and is not a directory" % (option_name, path))
        if check_mode:
            return
        try:
            os.makedirs(path, mode=0o700, exist_ok=True)
        except OSError as exc:
            raise InputError("%s: %s cannot be created (%s)" % (option_name, path, exc.strerror or exc)) from None
        if not os.path.isdir(path):
            raise InputError("%s: %s exists and is not a directory" % (option_name, path))
    if not os.access(path, os.W_OK | os.X_OK):
        raise InputError("%s: %s is not writable" % (option_name, path))
    if warn is not None and loose_permissions(path):
        warn("%s: %s is writable by its group or by others, who could replace or plant files in it; "
             "make it writable by its owner only (chmod go-w)" % (option_name, path))


def check_backup_dir(path: str, check_mode: bool, warn: t.Callable[[str], None] | None = None) -> None:
    """The ``backup_dir`` option of bigin_photo and bigin_attachment (see check_directory)."""
    check_directory("backup_dir", path, check_mode, warn)


# -- file names ----------------------------------------------------------------------------------

# Fixed width, so that names holding a stamp sort by time.
STAMP_FORMAT = "%Y%m%dT%H%M%S%fZ"
STAMP_PATTERN = r"[0-9]{8}T[0-9]{12}Z"
# Of an attachment backup's name, the part taken from the attachment's name (the file system takes 255 bytes).
MAX_BACKUP_NAME_BYTES = 180
_UNSAFE_NAME_CHARS = re.compile(r"[\x00-\x1f\x7f/\\]")


def utc_stamp() -> str:
    """Now, in UTC, as the names of backups and versions hold it: ``20261203T104500123456Z``."""
    return datetime.datetime.now(datetime.timezone.utc).strftime(STAMP_FORMAT)


def photo_file_name(module_name: str, record_id: str, ext: str) -> str:
    """An export file: ``Contacts-1.png``."""
    return "%s-%s.%s" % (module_name, record_id, ext)


def photo_backup_name(module_name: str, record_id: str, ext: str, stamp: str) -> str:
    """A photo backup: ``Contacts-1-20261203T104500123456Z.png``."""
    return "%s-%s-%s.%s" % (module_name, record_id, stamp, ext)


def version_name(name: str, stamp: str) -> str:
    """A version of the export file ``name``: ``Contacts-1.png`` -> ``Contacts-1.20261203T104500123456Z.png``."""
    stem, dot, ext = name.rpartition(".")
    return "%s.%s%s%s" % (stem, stamp, dot, ext)


def attachment_backup_name(module_name: str, record_id: str, attachment_id: str, file_name: str) -> str:
    """``{Module}-{record_id}-{attachment_id}-{file_name}``, the name made safe: no path separator, control character or leading dot."""
    safe = _UNSAFE_NAME_CHARS.sub("_", file_name).lstrip(".").strip()
    safe = safe.encode("utf-8")[:MAX_BACKUP_NAME_BYTES].decode("utf-8", "ignore") or "attachment"
    return "%s-%s-%s-%s" % (module_name, record_id, attachment_id, safe)


@functools.lru_cache(maxsize=None)  # compiled once per module: a restore matches every name in its directory
def _photo_name_pattern(module_name: str) -> re.Pattern[str]:
    return re.compile(r"\A%s-([0-9]{1,19})(?:-(%s))?\.(%s)\Z" % (re.escape(module_name), STAMP_PATTERN, "|".join(IMAGE_EXTS)))


def parse_photo_file_name(name: str, module_name: str) -> tuple[str, str | None, str] | None:
    """(record_id, stamp, ext) of an export file (stamp None) or a photo backup of ``module_name``; else None.

    Only image extensions count: a ``.bin`` backup (bytes of no known image type) is no photo to restore.
    """
    match = _photo_name_pattern(module_name).match(name)
    if match is None:
        return None
    return match.group(1), match.group(2), match.group(3)


# -- exported attachments: dest/{Module}-{record_id}/{attachment_id}-{name}, versions with ".{stamp}" inserted --

# A version's name is its file's name with ".{stamp}" inserted: both stay within the 255 bytes file systems take.
MAX_NAME_BYTES = 255 - len(".20261203T020000123456Z")
# A longer "extension" is part of the name when a name is shortened.
MAX_EXT_BYTES = 16
# Path separators, C0 and C1 control characters, and lone surrogates (JSON allows them; no file system name does).
_UNSAFE_EXPORT_CHARS = re.compile(r"[/\\\x00-\x1f\x7f-\x9f\ud800-\udfff]")


def _split_extension(name: str) -> tuple[str, str]:
    """(stem, extension); a long "extension" is part of the stem."""
    stem, ext = os.path.splitext(name)
    return (stem, ext) if len(ext.encode("utf-8")) <= MAX_EXT_BYTES else (name, "")


def _shorten(name: str, limit: int) -> str:
    """``name`` within ``limit`` UTF-8 bytes, cut at a character boundary, its extension kept when short."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, ext = _split_extension(name)
    room = limit - len(ext.encode("utf-8"))
    return stem.encode("utf-8")[:room].decode("utf-8", "ignore") + ext


def attachment_directory_name(module_name: str, record_id: str) -> str:
    """The directory of a record's exported attachments: ``Contacts-1``."""
    return "%s-%s" % (module_name, record_id)


def attachment_export_name(attachment_id: str, file_name: str) -> str:
    """``{attachment_id}-{file_name}``, the name made safe: no path separator, control character or leading dot."""
    safe = _UNSAFE_EXPORT_CHARS.sub("_", file_name)
    dots = len(safe) - len(safe.lstrip("."))
    safe = "_" * dots + safe[dots:]
    return _shorten("%s-%s" % (attachment_id, safe or "attachment"), MAX_NAME_BYTES)


def attachment_version_name(name: str, stamp: str) -> str:
    """A version of an exported attachment: ``1-report.pdf`` -> ``1-report.20261203T020000123456Z.pdf``."""
    stem, ext = _split_extension(name)
    return "%s.%s%s" % (stem, stamp, ext)


def plain_attachment_name(value: t.Any) -> bool:
    """A name read from the manifest that can only mean a file in its own directory."""
    return (isinstance(value, str) and 0 < len(value.encode("utf-8", "surrogatepass")) <= 255
            and not value.startswith(".") and _UNSAFE_EXPORT_CHARS.search(value) is None)
