# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""File-system helpers every feature that writes files shares.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
import tempfile


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
