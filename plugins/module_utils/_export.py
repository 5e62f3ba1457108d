# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Photo export: one file per record in a directory, kept up to date incrementally.

This file is private to the collection: its API may change without notice.

``dest/.bigin-export.json`` remembers, per record, the ``Record_Image`` value
the listing gave and the SHA-256 of the file written.  Request budget per
record: 0 when the listing says there is no photo, or when its ``Record_Image``
and the file's SHA-256 still match the manifest; otherwise one GET.

A mirror with history: only a file the manifest records with its SHA-256 is
replaced or removed, and then its previous version moves to ``dest/.versions/``
(the newest ``keep_versions`` per record are kept).  Any other file with an
export name is left alone: one warning names them, and a record whose file
name is taken by such a file fails (unless the file holds the same photo).

Photos are read through PhotoReader (_sources.py), the GET that bigin_photo's PhotoService extends:
the export does not import the photo feature.  File names: _files.py.
"""

from __future__ import annotations

import json
import os
import threading
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import MAX_PHOTO_BODY, BiginClient
from ansible_collections.zoho.bigin.plugins.module_utils._errors import ExportError, ForeignFile, some_of
from ansible_collections.zoho.bigin.plugins.module_utils._files import (
    NotARegularFile,
    check_directory,
    hash_regular,
    photo_file_name,
    read_json,
    read_regular,
    sync_directory,
    utc_stamp,
    version_name,
    write_file_atomically,
)
from ansible_collections.zoho.bigin.plugins.module_utils._image import IMAGE_EXTS, PhotoState, image_ext
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef, RecordResult
from ansible_collections.zoho.bigin.plugins.module_utils._sources import PhotoReader, photo_marker

MANIFEST_NAME = ".bigin-export.json"
MANIFEST_VERSION = 1
# Temporary files start with a dot (and end in .tmp, write_file_atomically's suffix): never mistaken for a photo or the manifest.
TEMP_PREFIX = ".bigin-export-"
# Previous versions of the files the export replaced or removed, newest keep_versions per record.
VERSIONS_DIR = ".versions"
# 100,000 records take about 15 MB of manifest; a larger file is not one this collection wrote.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024


def file_state(path: str) -> PhotoState:
    """The file's presence, size and SHA-256 (read in chunks: photos reach 10 MB).

    Of the file itself: a symbolic link, a FIFO or a device is present, with no size or SHA-256
    (never the target's, and never read).
    """
    try:
        size, sha256 = hash_regular(path)
    except FileNotFoundError:
        return PhotoState(False)
    except NotARegularFile:
        return PhotoState(True)
    return PhotoState(True, size, sha256)


def check_dest(path: str, check_mode: bool, warn: t.Callable[[str], None] | None = None) -> None:
    """dest must be (or become) a writable directory; it is created 0700 if missing (not in check mode)."""
    check_directory("dest", path, check_mode, warn)


class ExportOutcome(RecordResult):
    """One record of an export; ``before``/``after`` describe its file in ``dest`` (for diff mode)."""

    def __init__(self, ref: RecordRef):
        super().__init__(ref.module_name, ref.record_id, ref)
        self.before: PhotoState | None = None
        self.after: PhotoState | None = None
        self.present: bool | None = None
        self.path: str | None = None
        self.written: str | None = None
        self.removed: list[str] = []
        # The previous version kept in dest/.versions when the file was replaced or removed.
        self.versions: list[str] = []

    def diff(self) -> tuple[dict[str, t.Any], dict[str, t.Any]] | None:
        if self.before is None or self.after is None:
            return None
        return self.before.to_dict(), self.after.to_dict()

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
            # Not followed if a link, never opened if a FIFO (it would hang), never read past a bound.
            content = read_json(self.path, MAX_MANIFEST_BYTES)
            records = content.get("records") if isinstance(content, dict) else None
            if not isinstance(records, dict):
                raise ValueError("no records")
            self.records = {key: value for key, value in records.items() if isinstance(value, dict)}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, RecursionError) as exc:
            # Without it every record costs one GET, and no file in dest counts as written by the export.
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
            warn("dest: %s is unreadable (%s); every record is read again, and files in dest are "
                 "replaced or removed only once they are recorded again" % (self.path, reason))
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
        write_file_atomically(os.path.dirname(self.path), MANIFEST_NAME, body.encode("utf-8") + b"\n", TEMP_PREFIX)
        self.saved = text
        return True


class ExportService:
    """Brings ``dest`` in step with the selected records' photos, touching only the files it wrote."""

    def __init__(self, client: BiginClient, dest: str, prune: bool, check_mode: bool,
                 warn: t.Callable[[str], None], keep_versions: int = 1, verify: bool = False):
        self.client = client
        # Download even a photo whose marker is unchanged (a replacement may keep Record_Image).
        self.verify = verify
        self.dest = dest
        self.prune = prune
        self.check_mode = check_mode
        self.keep_versions = keep_versions
        self.warn = warn
        self.manifest = Manifest(dest, warn)
        self._readers: dict[str, PhotoReader] = {}
        # dest is read once: a stat per image type per record cost 6 system calls for each of 10,000 records.
        self._names = self._scan(dest)
        self._names_lock = threading.Lock()
        # Files with export names that the export did not write (or that changed since): left alone.
        self._left_alone: set[str] = set()
        self._versions_ready = False

    @staticmethod
    def _scan(dest: str) -> set[str] | None:
        """Names in dest that are not directories (empty if dest does not exist yet); None if it cannot be listed.

        Links, FIFOs and devices are listed too: a name taken by any of them is not free to write.
        """
        try:
            with os.scandir(dest) as entries:
                return {entry.name for entry in entries if not entry.is_dir(follow_symlinks=False)}
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

    def photo_reader(self, module_name: str) -> PhotoReader:
        reader = self._readers.get(module_name)
        if reader is None:
            reader = self._readers.setdefault(module_name, PhotoReader(self.client, module_name))
        return reader

    def existing_files(self, module_name: str, record_id: str) -> list[str]:
        """Names of this record's export files in dest (one per image extension at most)."""
        names = [photo_file_name(module_name, record_id, ext) for ext in IMAGE_EXTS]
        if self._names is None:
            return [name for name in names
                    if os.path.lexists(os.path.join(self.dest, name)) and not os.path.isdir(os.path.join(self.dest, name))]
        with self._names_lock:
            return [name for name in names if name in self._names]

    def export(self, out: ExportOutcome) -> None:
        ref = out.ref
        key = out.label
        entry = self.manifest.get(key)
        existing = self.existing_files(ref.module_name, ref.record_id)
        own: str | None = None
        before = PhotoState(False)
        if entry.get("file") in existing:
            before = file_state(os.path.join(self.dest, entry["file"]))
            if before.sha256 is not None and before.sha256 == entry.get("sha256"):
                own = entry["file"]
        foreign = [name for name in existing if name != own]
        # The record's file as the user sees it (for diff and path), the export's or not.
        shown = own or (foreign[0] if foreign else None)
        if shown is not None and shown != entry.get("file"):
            before = file_state(os.path.join(self.dest, shown))
        out.before = before
        if shown is not None:
            out.path = os.path.join(self.dest, shown)

        if ref.listed and not photo_marker(ref):
            self._no_photo(out, own, foreign, entry, key)
            return
        if ref.listed and own is not None and entry.get("record_image") == photo_marker(ref) and not self.verify:
            out.present, out.after = True, before
            return

        state, photo_bytes = self.photo_reader(ref.module_name).fetch(ref.record_id, need_bytes=True)
        if not state.present:
            self._no_photo(out, own, foreign, entry, key)
            return
        if photo_bytes is None:  # fetch reads every body when asked for the bytes; never write a guess
            raise ExportError("the photo of %s could not be read in full; %s was left as it was"
                              % (key, out.path or "dest"))
        out.present = True
        name = photo_file_name(ref.module_name, ref.record_id, image_ext(photo_bytes))
        path = os.path.join(self.dest, name)
        after = PhotoState.of(photo_bytes)
        adopted = False
        if name in foreign:
            if file_state(path).sha256 != after.sha256:
                raise ForeignFile("%s is not a file this export wrote (its manifest does not record it with this "
                                  "SHA-256); it was left alone and the photo of %s was not written: move it away, "
                                  "and the next run writes the photo" % (path, key))
            adopted = True  # the same photo: recorded as the export's from now on, nothing to write
            foreign.remove(name)
        self._leave_alone(foreign)
        same = adopted or (own == name and before.sha256 == after.sha256)
        replaced = own if own is not None and not same else None
        if replaced is not None:
            out.changed = True
            versions = list(entry.get("versions") or [])
            if self.check_mode:
                out.versions = self._would_keep(replaced)
            else:
                try:
                    versions, moved = self._keep(replaced, entry.get("sha256"), versions, link=replaced == name)
                    write_file_atomically(self.dest, name, photo_bytes, TEMP_PREFIX)
                    self._note_file(name, True)
                    if replaced != name:  # the photo changed type: one file per record
                        if not moved:
                            os.unlink(os.path.join(self.dest, replaced))
                        self._note_file(replaced, False)
                        sync_directory(self.dest)
                except OSError as exc:
                    raise ExportError("writing %s failed (%s); the file there was left as it was"
                                      % (path, exc.strerror or exc)) from None
                out.versions = self._newest(versions)
            entry["versions"] = versions
            out.removed = [os.path.join(self.dest, replaced)] if replaced != name else []
        elif not same:  # no file of the export's yet
            out.changed = True
            if not self.check_mode:
                try:
                    write_file_atomically(self.dest, name, photo_bytes, TEMP_PREFIX)
                    self._note_file(name, True)
                except OSError as exc:
                    raise ExportError("writing %s failed (%s); the file there was left as it was"
                                      % (path, exc.strerror or exc)) from None
        out.written = None if same else path
        out.path, out.after = path, after
        marker = photo_marker(ref) if ref.listed else (entry.get("record_image") if same else None)
        if not self.check_mode:
            self.manifest.put(key, self._entry(marker, name, after.sha256, entry.get("versions")))

    def _no_photo(self, out: ExportOutcome, own: str | None, foreign: list[str], entry: dict[str, t.Any],
                  key: str) -> None:
        """The record has no photo: the export's file stays unless ``prune`` asks for its removal."""
        out.present = False
        if self.prune:
            self._leave_alone(foreign)
        if own is None or not self.prune:
            out.after = out.before
            if own is None and not self.check_mode:
                # Nothing of the export's is left for this record but its history.
                self.manifest.put(key, self._entry(None, None, None, entry.get("versions")))
            return
        out.changed = True
        out.removed = [os.path.join(self.dest, own)]
        out.after, out.path = PhotoState(False), (os.path.join(self.dest, foreign[0]) if foreign else None)
        if self.check_mode:
            out.versions = self._would_keep(own)
            return
        try:
            versions, moved = self._keep(own, entry.get("sha256"), list(entry.get("versions") or []), link=False)
            if not moved:
                os.unlink(os.path.join(self.dest, own))
            self._note_file(own, False)
            sync_directory(self.dest)
        except OSError as exc:
            raise ExportError("removing %s failed (%s)" % (out.removed[0], exc.strerror or exc)) from None
        out.versions = self._newest(versions)
        self.manifest.put(key, self._entry(None, None, None, versions))

    @staticmethod
    def _entry(marker: t.Any, name: str | None, sha256: str | None,
               versions: list[dict[str, t.Any]] | None) -> dict[str, t.Any] | None:
        if name is None and not versions:
            return None
        entry: dict[str, t.Any] = {"record_image": marker, "file": name, "sha256": sha256}
        if versions:
            entry["versions"] = versions
        return entry

    def _leave_alone(self, names: list[str]) -> None:
        if names:
            with self._names_lock:
                self._left_alone.update(os.path.join(self.dest, name) for name in names)

    # -- history ---------------------------------------------------------------------------------

    def _versions_dir(self) -> str:
        directory = os.path.join(self.dest, VERSIONS_DIR)
        if not self._versions_ready:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            if os.path.islink(directory) or not os.path.isdir(directory):
                raise NotARegularFile(0, "%s is not a directory the export made" % directory)
            self._versions_ready = True
        return directory

    def _keep(self, name: str, sha256: str | None, versions: list[dict[str, t.Any]],
              link: bool) -> tuple[list[dict[str, t.Any]], bool]:
        """Keep the export's file ``name`` as its newest version, before it is replaced (``link``) or removed.

        Returns the record's versions, the oldest beyond ``keep_versions`` deleted (only while their bytes
        are still the ones recorded), and whether ``name`` was moved out of dest.
        """
        if not self.keep_versions:
            return versions, False
        directory = self._versions_dir()
        kept = version_name(name, utc_stamp())
        source = os.path.join(self.dest, name)
        if link:
            try:
                os.link(source, os.path.join(directory, kept))
            except OSError:  # a file system without hard links: a copy, complete on disk before the write
                write_file_atomically(directory, kept, read_regular(source, MAX_PHOTO_BODY), TEMP_PREFIX)
        else:
            os.rename(source, os.path.join(directory, kept))
        sync_directory(directory)
        versions = versions + [{"file": os.path.join(VERSIONS_DIR, kept), "sha256": sha256}]
        while len(versions) > self.keep_versions:
            oldest = versions.pop(0)
            old_name = str(oldest.get("file"))
            old_path = os.path.join(self.dest, old_name)
            # A version that changed since, or a name outside .versions (a hand-edited manifest), stays.
            if os.path.dirname(old_name) == VERSIONS_DIR and file_state(old_path).sha256 == oldest.get("sha256"):
                os.unlink(old_path)
        return versions, not link

    def _would_keep(self, name: str) -> list[str]:
        """Check mode: where ``name``'s version would go."""
        return [os.path.join(self.dest, VERSIONS_DIR, version_name(name, utc_stamp()))] if self.keep_versions else []

    def _newest(self, versions: list[dict[str, t.Any]]) -> list[str]:
        return [os.path.join(self.dest, str(versions[-1]["file"]))] if self.keep_versions and versions else []

    def warn_left_alone(self) -> None:
        """One warning for every file with an export name that the export left alone."""
        if not self._left_alone:
            return
        self.warn("dest: %d file(s) with export names were not written by this export (its manifest does not "
                  "record them with their SHA-256) and were left alone: %s"
                  % (len(self._left_alone), some_of(sorted(self._left_alone))))

    def save(self) -> bool:
        """Write the manifest (never in check mode); True when it was written."""
        if self.check_mode:
            return False
        try:
            return self.manifest.save()
        except OSError as exc:
            raise ExportError("dest: the manifest %s could not be written (%s); the photos written are listed "
                              "in written, and the next run rereads them" % (self.manifest.path, exc.strerror or exc)) from None
