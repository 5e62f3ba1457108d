# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Photo export: one file per record in a directory, kept up to date incrementally.

This file is private to the collection: its API may change without notice.

``dest/.bigin-export.json`` remembers, per record, the ``Record_Image`` value
the listing gave and the SHA-256 of the file written.  Request budget per
record: 0 when the listing says there is no photo, or when its ``Record_Image``
and the file's SHA-256 still match the manifest; otherwise one GET.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import BiginClient
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginError
from ansible_collections.zoho.bigin.plugins.module_utils._files import sync_directory
from ansible_collections.zoho.bigin.plugins.module_utils._photo import (
    IMAGE_SIGNATURES,
    Outcome,
    PhotoService,
    PhotoState,
    check_directory,
    image_type,
)
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef

MANIFEST_NAME = ".bigin-export.json"
MANIFEST_VERSION = 1
# Temporary files start with a dot and end in .tmp: never mistaken for a photo or the manifest.
TEMP_PREFIX = ".bigin-export-"
TEMP_SUFFIX = ".tmp"
# WebP too: Bigin may hold one (it cannot be uploaded, so a restore refuses it by name rather than skip it).
IMAGE_EXTS: tuple[str, ...] = tuple(dict.fromkeys([ext for _magic, ext, _type in IMAGE_SIGNATURES] + ["webp"]))
READ_CHUNK = 1024 * 1024


class ExportError(BiginError):
    """A photo was read but could not be written to ``dest``; the file there was left as it was."""

    code = "EXPORT_WRITE_FAILED"


def file_name(module_name: str, record_id: str, ext: str) -> str:
    return "%s-%s.%s" % (module_name, record_id, ext)


def file_state(path: str) -> PhotoState:
    """The file's presence, size and SHA-256 (read in chunks: photos reach 10 MB)."""
    digest = hashlib.sha256()
    size = 0
    try:
        with open(path, "rb") as handle:
            for chunk in iter(lambda: handle.read(READ_CHUNK), b""):
                digest.update(chunk)
                size += len(chunk)
    except FileNotFoundError:
        return PhotoState(False)
    return PhotoState(True, size, digest.hexdigest())


def check_dest(path: str, check_mode: bool) -> None:
    """dest must be (or become) a writable directory; it is created 0700 if missing (not in check mode)."""
    check_directory("dest", path, check_mode)


def write_atomically(directory: str, name: str, data: bytes) -> None:
    """Write ``data`` as ``directory/name`` (0600): temporary file, fsync, rename, so no partial file is ever seen."""
    fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
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


class ExportOutcome(Outcome):
    """One record of an export; ``before``/``after`` describe its file in ``dest`` (for diff mode)."""

    def __init__(self, ref: RecordRef):
        super().__init__(ref.module_name, ref.record_id, ref)
        self.present: bool | None = None
        self.path: str | None = None
        self.written: str | None = None
        self.removed: list[str] = []

    def to_export(self) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {"module": self.module_name, "record_id": self.record_id, "changed": self.changed}
        if self.present is not None:
            result["present"] = self.present
        if self.path is not None and self.after is not None and self.after.present:
            result["path"] = self.path
            result["sha256"] = self.after.sha256
            result["size"] = self.after.size
        if self.error is not None:
            result["error"] = self.error.to_dict()
        return result


class Manifest:
    """``dest/.bigin-export.json``: per record (``Module/record_id``) the Record_Image value, file and SHA-256."""

    def __init__(self, directory: str, warn: t.Callable[[str], None]):
        self.path = os.path.join(directory, MANIFEST_NAME)
        self.records: dict[str, dict[str, t.Any]] = {}
        self.lock = threading.Lock()
        try:
            with open(self.path, encoding="utf-8") as handle:
                content = json.load(handle)
            records = content.get("records") if isinstance(content, dict) else None
            if not isinstance(records, dict):
                raise ValueError("no records")
            self.records = {key: value for key, value in records.items() if isinstance(value, dict)}
        except FileNotFoundError:
            pass
        except (OSError, ValueError) as exc:
            # Only a cache: without it every record costs one GET, and files are still compared by bytes.
            warn("dest: %s is unreadable (%s); every record is read again" % (self.path, type(exc).__name__))
        self.saved = json.dumps(self.records, sort_keys=True)

    def get(self, key: str) -> dict[str, t.Any]:
        with self.lock:
            return dict(self.records.get(key) or {})

    def put(self, key: str, entry: dict[str, t.Any] | None) -> None:
        with self.lock:
            if entry is None:
                self.records.pop(key, None)
            else:
                self.records[key] = entry

    def save(self) -> bool:
        """Write the manifest if it changed; True when written."""
        text = json.dumps(self.records, sort_keys=True)
        if text == self.saved:
            return False
        body = json.dumps({"version": MANIFEST_VERSION, "records": self.records}, sort_keys=True, indent=1)
        write_atomically(os.path.dirname(self.path), MANIFEST_NAME, body.encode("utf-8") + b"\n")
        self.saved = text
        return True


class ExportService:
    """Brings ``dest`` in step with the selected records' photos."""

    def __init__(self, client: BiginClient, dest: str, prune: bool, check_mode: bool,
                 warn: t.Callable[[str], None]):
        self.client = client
        self.dest = dest
        self.prune = prune
        self.check_mode = check_mode
        self.manifest = Manifest(dest, warn)
        self._services: dict[str, PhotoService] = {}
        # dest is read once: a stat per image type per record cost 6 system calls for each of 10,000 records.
        self._names = self._scan(dest)
        self._names_lock = threading.Lock()

    @staticmethod
    def _scan(dest: str) -> set[str] | None:
        """Names of the regular files in dest (empty if it does not exist yet); None if it cannot be listed."""
        try:
            with os.scandir(dest) as entries:
                return {entry.name for entry in entries if entry.is_file()}
        except FileNotFoundError:  # check mode: dest is not created
            return set()
        except OSError:  # e.g. not readable (only writable and searchable): look each name up
            return None

    def _note_file(self, name: str, present: bool) -> None:
        """Keep the listing of dest read at the start in step with a file written (present) or removed."""
        if self._names is not None:
            with self._names_lock:
                if present:
                    self._names.add(name)
                else:
                    self._names.discard(name)

    def photo_service(self, module_name: str) -> PhotoService:
        service = self._services.get(module_name)
        if service is None:
            service = self._services.setdefault(module_name, PhotoService(self.client, module_name))
        return service

    def existing_files(self, module_name: str, record_id: str) -> list[str]:
        """Names of this record's export files in dest (one per image extension at most)."""
        names = [file_name(module_name, record_id, ext) for ext in IMAGE_EXTS]
        if self._names is None:
            return [name for name in names if os.path.isfile(os.path.join(self.dest, name))]
        with self._names_lock:
            return [name for name in names if name in self._names]

    def export(self, out: ExportOutcome) -> None:
        ref = out.ref
        key = out.label
        entry = self.manifest.get(key)
        existing = self.existing_files(ref.module_name, ref.record_id)
        current = entry.get("file") if entry.get("file") in existing else (existing[0] if existing else None)
        before = file_state(os.path.join(self.dest, current)) if current else PhotoState(False)
        out.before = before
        if current:
            out.path = os.path.join(self.dest, current)

        if ref.listed and not ref.photo_marker:
            self._no_photo(out, existing, key)
            return
        if (ref.listed and entry.get("record_image") == ref.photo_marker and current == entry.get("file")
                and before.present and before.sha256 == entry.get("sha256")):
            out.present, out.after = True, before
            return

        state, photo_bytes = self.photo_service(ref.module_name).fetch(ref.record_id, need_bytes=True)
        if not state.present:
            self._no_photo(out, existing, key)
            return
        if photo_bytes is None:  # fetch reads every body when asked for the bytes; never write a guess
            raise ExportError("the photo of %s could not be read in full; %s was left as it was"
                              % (key, out.path or "dest"))
        out.present = True
        ext = (image_type(photo_bytes) or ("bin", ""))[0]
        name = file_name(ref.module_name, ref.record_id, ext)
        path = os.path.join(self.dest, name)
        after = PhotoState.of(photo_bytes)
        same = current == name and before.sha256 == after.sha256
        stale = [other for other in existing if other != name]
        if not same or stale:
            out.changed = True
            if not self.check_mode:
                try:
                    if not same:
                        write_atomically(self.dest, name, photo_bytes)
                        self._note_file(name, True)
                    for other in stale:  # the record's photo changed type: one file per record
                        os.unlink(os.path.join(self.dest, other))
                        self._note_file(other, False)
                except OSError as exc:
                    raise ExportError("writing %s failed (%s); the file there was left as it was"
                                      % (path, exc.strerror or exc)) from None
            out.written = None if same else path
            out.removed = [os.path.join(self.dest, other) for other in stale]
        out.path, out.after = path, after
        marker = ref.photo_marker if ref.listed else (entry.get("record_image") if same else None)
        if not self.check_mode:
            self.manifest.put(key, {"record_image": marker, "file": name, "sha256": after.sha256})

    def _no_photo(self, out: ExportOutcome, existing: list[str], key: str) -> None:
        """The record has no photo: its file stays unless ``prune`` asks for its removal."""
        out.present = False
        if not existing:
            out.after, out.path = PhotoState(False), None
            if not self.check_mode:
                self.manifest.put(key, None)
            return
        if not self.prune:
            out.after = out.before
            return
        out.changed = True
        out.removed = [os.path.join(self.dest, name) for name in existing]
        out.after, out.path = PhotoState(False), None
        if self.check_mode:
            return
        try:
            for path in out.removed:
                os.unlink(path)
                self._note_file(os.path.basename(path), False)
        except OSError as exc:
            raise ExportError("removing %s failed (%s)" % (out.removed[0], exc.strerror or exc)) from None
        self.manifest.put(key, None)

    def save(self) -> bool:
        """Write the manifest (never in check mode); True when it was written."""
        if self.check_mode:
            return False
        try:
            return self.manifest.save()
        except OSError as exc:
            raise ExportError("dest: the manifest %s could not be written (%s); the photos written are listed "
                              "in written, and the next run rereads them" % (self.manifest.path, exc.strerror or exc)) from None
