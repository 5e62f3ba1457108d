# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore from a directory: which file holds each record's photo (bigin_photo with ``src`` a directory).

This file is private to the collection: its API may change without notice.

A record's file is ``{Module}-{record_id}.{ext}`` (written by bigin_photo_export)
or else the newest ``{Module}-{record_id}-{UTC timestamp}.{ext}`` (written by
``backup_dir``); both names are made and read in _files.py.
"""

from __future__ import annotations

import os
import stat
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginError, InputError
from ansible_collections.zoho.bigin.plugins.module_utils._files import parse_photo_file_name, photo_backup_name, photo_file_name
from ansible_collections.zoho.bigin.plugins.module_utils._image import IMAGE_EXTS
from ansible_collections.zoho.bigin.plugins.module_utils._sources import Image


class NoSourceFile(BiginError):
    """A selected record has no file in the ``src`` directory."""

    code = "NO_SOURCE_FILE"


class SourceFileError(BiginError):
    """A record's file changed between the check before any request and its upload."""

    code = "INVALID_SOURCE_FILE"


def check_source(path: str) -> None:
    """Every check a single ``src`` gets (type, 10 MB, header, 10 megapixels); the bytes are not kept.

    One file at a time, so memory stays bounded however many files the directory holds.
    """
    Image(path)


class SourceDir:
    """The photo files of one Bigin module in a directory, found with one listing.

    Only regular files are read.  A symbolic link is followed only when it leads to a regular file
    inside the directory: a link out of it (in a directory another user can write, to any image the
    task's user may read) or a FIFO or device under a photo's name fails its record, unread.
    """

    def __init__(self, directory: str, module_name: str):
        self.directory = directory
        self.module_name = module_name
        self.exports: dict[str, list[str]] = {}
        self.backups: dict[str, list[tuple[str, str]]] = {}
        # record id -> why one of its files is not read; such a record fails rather than use another file.
        self.refused: dict[str, str] = {}
        # name -> the regular file inside the directory that a link of that name leads to.
        self._targets: dict[str, str] = {}
        try:
            names = sorted(os.listdir(directory))
        except OSError as exc:
            raise InputError("src: %s cannot be read (%s)" % (directory, exc.strerror or exc)) from None
        real_dir = os.path.realpath(directory)
        for name in names:
            parsed = parse_photo_file_name(name, module_name)
            if parsed is None:
                continue
            record_id, stamp, _ext = parsed
            problem = self._problem(os.path.join(directory, name), real_dir, name)
            if problem == "":
                continue  # a directory under a photo's name: not a file at all
            if problem is not None:
                why = "src: %s %s; it was not read" % (os.path.join(directory, name), problem)
                self.refused.setdefault(record_id, why)
            elif stamp is None:
                self.exports.setdefault(record_id, []).append(name)
            else:
                self.backups.setdefault(record_id, []).append((stamp, name))

    def _problem(self, path: str, real_dir: str, name: str) -> str | None:
        """None for a file to read; else why not ("" for a directory, skipped silently)."""
        try:
            info = os.lstat(path)
        except OSError as exc:
            return "cannot be read (%s)" % (exc.strerror or exc)
        if stat.S_ISDIR(info.st_mode):
            return ""
        if stat.S_ISREG(info.st_mode):
            return None
        if not stat.S_ISLNK(info.st_mode):
            return "is not a regular file"
        target = os.path.realpath(path)
        if os.path.commonpath([real_dir, target]) != real_dir:
            return "is a symbolic link that leads out of the directory (to %s)" % target
        try:
            target_info = os.stat(target)
        except OSError as exc:
            return "is a symbolic link to %s, which cannot be read (%s)" % (target, exc.strerror or exc)
        if not stat.S_ISREG(target_info.st_mode):
            return "is a symbolic link to %s, which is not a regular file" % target
        self._targets[name] = target
        return None

    def record_ids(self) -> list[str]:
        """The records that have a file here, by id (the selection when no selection option is given)."""
        return sorted(set(self.exports) | set(self.backups) | set(self.refused),
                      key=lambda record_id: (len(record_id), record_id))

    def path_for(self, record_id: str) -> str | None:
        if record_id in self.refused:
            raise SourceFileError(self.refused[record_id])
        exports = self.exports.get(record_id)
        if exports:
            if len(exports) > 1:
                raise InputError("src: %s holds %s for %s/%s; keep one"
                                 % (self.directory, " and ".join(exports), self.module_name, record_id))
            return os.path.join(self.directory, exports[0])
        backups = self.backups.get(record_id)
        if backups:
            return os.path.join(self.directory, max(backups)[1])
        return None

    def check(self, record_ids: t.Iterable[str]) -> None:
        """Check the file of every record that has one, before any request is sent.

        A refused file is left to its record's own error, so the other records are restored.
        """
        for record_id in dict.fromkeys(record_ids):
            if record_id in self.refused:
                continue
            path = self.path_for(record_id)
            if path is not None:
                self._image(path)

    def _image(self, path: str) -> Image:
        # Read without following any link: a link was resolved, inside the directory, when it was listed.
        return Image(self._targets.get(os.path.basename(path), path), follow=False, shown=path)

    def image(self, record_id: str) -> Image:
        """The record's photo, read now (one at a time, so memory stays bounded)."""
        path = self.path_for(record_id)
        if path is None:
            export = photo_file_name(self.module_name, record_id, "{%s}" % ",".join(IMAGE_EXTS))
            backup = photo_backup_name(self.module_name, record_id, "{ext}", "{UTC timestamp}")
            raise NoSourceFile("no photo file for %s/%s in src: looked for %s and %s" % (
                self.module_name, record_id, os.path.join(self.directory, export), os.path.join(self.directory, backup)))
        try:
            return self._image(path)
        except InputError as exc:
            raise SourceFileError("%s (it changed after the check before any request)" % exc) from None
