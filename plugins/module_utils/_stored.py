# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Bigin made of an upload: "record, src SHA-256, stored SHA-256", remembered between runs.

Nothing in Bigin's docs says an uploaded image is stored byte for byte. When Bigin keeps a
re-encoded copy, comparing the record's photo with ``src`` would upload again on every run; this
memory lets a rerun with the same ``src`` see that the photo is Bigin's copy of it. It is a cache:
a missing, unreadable or foreign file costs one upload more, never a wrong ``ok`` (an entry matches
only the exact pair of hashes it recorded).

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import json
import os
import threading
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._files import (
    FileTooLarge,
    NotARegularFile,
    loose_permissions,
    read_json,
    write_file_atomically,
)

STATE_FILE = "stored-uploads.json"
MAX_STATE_BYTES = 16 * 1024 * 1024
# The newest entries are kept: about 200 bytes each.
MAX_ENTRIES = 50000


class StoredCopies:
    """The remembered uploads of one API domain, in ``directory`` (the token cache's, 0700) as a 0600 JSON file."""

    def __init__(self, directory: str, api_domain: str, warn: t.Callable[[str], None]):
        self.directory = directory
        self.api_domain = api_domain
        self.warn = warn
        self._lock = threading.Lock()
        self._new: dict[str, list[str]] = {}
        self._entries = self._load()

    def _key(self, label: str) -> str:
        return "%s %s" % (self.api_domain, label)

    def _load(self) -> dict[str, list[str]]:
        try:
            data = read_json(os.path.join(self.directory, STATE_FILE), MAX_STATE_BYTES)
        except (OSError, FileTooLarge, NotARegularFile, ValueError, RecursionError):
            return {}  # none yet, or not one we can trust: at worst one upload more
        entries = data.get("entries") if isinstance(data, dict) else None
        if not isinstance(entries, dict):
            return {}
        return {key: value for key, value in entries.items()
                if isinstance(key, str) and isinstance(value, list) and len(value) == 2
                and all(isinstance(part, str) for part in value)}

    def is_copy_of(self, label: str, src_sha256: str, stored_sha256: str | None) -> bool:
        """Whether the record's photo (``stored_sha256``) is what Bigin made of an upload of ``src_sha256``."""
        if stored_sha256 is None:
            return False
        key = self._key(label)
        with self._lock:
            entry = self._new.get(key) or self._entries.get(key)
        return entry == [src_sha256, stored_sha256]

    def remember(self, label: str, src_sha256: str, stored_sha256: str) -> None:
        with self._lock:
            self._new[self._key(label)] = [src_sha256, stored_sha256]

    def save(self) -> None:
        """Merge this run's entries into the file (re-read first: other forks may have written); warn on failure."""
        with self._lock:
            new = dict(self._new)
        if not new:
            return
        try:
            if not os.path.isdir(self.directory):
                os.makedirs(self.directory, mode=0o700, exist_ok=True)
            if os.path.islink(self.directory) or loose_permissions(self.directory):
                raise OSError("the directory is a link or writable by others")
            entries = self._load()
            for key in new:
                entries.pop(key, None)  # re-inserted last: the newest are kept
            entries.update(new)
            if len(entries) > MAX_ENTRIES:
                entries = dict(list(entries.items())[-MAX_ENTRIES:])
            body = json.dumps({"version": 1, "entries": entries}, sort_keys=False).encode("utf-8")
            write_file_atomically(self.directory, STATE_FILE, body, prefix=".stored-uploads-")
        except OSError as exc:
            self.warn("could not remember what Bigin stored for the uploads in %s (%s): the next run may upload "
                      "them again" % (self.directory, exc.strerror or exc))
