# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Restore from a directory: which file holds each record's photo (bigin_photo with ``src`` a directory).

This file is private to the collection: its API may change without notice.

A record's file is ``{Module}-{record_id}.{ext}`` (written by bigin_photo_export)
or else the newest ``{Module}-{record_id}-{UTC timestamp}.{ext}`` (written by
``backup_dir``, see PhotoService.backup).
"""

from __future__ import annotations

import os
import re
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginError, InputError
from ansible_collections.zoho.bigin.plugins.module_utils._export import IMAGE_EXTS
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Image

# PhotoService.backup names its files with strftime("%Y%m%dT%H%M%S%fZ"): fixed width, so they sort by time.
BACKUP_STAMP = r"[0-9]{8}T[0-9]{12}Z"


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
    """The photo files of one Bigin module in a directory, found with one listing."""

    def __init__(self, directory: str, module_name: str):
        self.directory = directory
        self.module_name = module_name
        pattern = re.compile(r"\A%s-([0-9]{1,19})(?:-(%s))?\.(%s)\Z"
                             % (re.escape(module_name), BACKUP_STAMP, "|".join(IMAGE_EXTS)))
        self.exports: dict[str, list[str]] = {}
        self.backups: dict[str, list[tuple[str, str]]] = {}
        try:
            names = sorted(os.listdir(directory))
        except OSError as exc:
            raise InputError("src: %s cannot be read (%s)" % (directory, exc.strerror or exc)) from None
        for name in names:
            match = pattern.match(name)
            if match is None or not os.path.isfile(os.path.join(directory, name)):
                continue
            record_id, stamp = match.group(1), match.group(2)
            if stamp is None:
                self.exports.setdefault(record_id, []).append(name)
            else:
                self.backups.setdefault(record_id, []).append((stamp, name))

    def record_ids(self) -> list[str]:
        """The records that have a file here, by id (the selection when no selection option is given)."""
        return sorted(set(self.exports) | set(self.backups), key=lambda record_id: (len(record_id), record_id))

    def path_for(self, record_id: str) -> str | None:
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
        """Check the file of every record that has one, before any request is sent."""
        for record_id in dict.fromkeys(record_ids):
            path = self.path_for(record_id)
            if path is not None:
                check_source(path)

    def image(self, record_id: str) -> Image:
        """The record's photo, read now (one at a time, so memory stays bounded)."""
        path = self.path_for(record_id)
        if path is None:
            looked_for = os.path.join(self.directory, "%s-%s" % (self.module_name, record_id))
            raise NoSourceFile("no photo file for %s/%s in src: looked for %s.{%s} and %s-{UTC timestamp}.{ext}"
                               % (self.module_name, record_id, looked_for, ",".join(IMAGE_EXTS), looked_for))
        try:
            return Image(path)
        except InputError as exc:
            raise SourceFileError("%s (it changed after the check before any request)" % exc) from None
