# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Attachment export: the files attached to the selected records, mirrored in a directory, incrementally.

This file is private to the collection: its API may change without notice.

Layout: ``dest/{Module}-{record_id}/{attachment_id}-{safe file name}`` (directories 0700, files 0600).
``dest/.bigin-attachments.json`` records, per record, each file the export wrote with its size and
SHA-256.  Bigin's attachment ids are taken as immutable (a new upload is a new id: see
docs/docsite/rst/assumptions.rst, "Attachments"), so a recorded file that still has its size and
SHA-256 is current.  Request budget per record: one list request per 200 attachments, plus one GET
per attachment downloaded; nothing for a current file or a link.

Nothing lost: only a file the manifest records with its SHA-256 is ever removed (``prune``), and it
first moves to ``dest/.versions/{Module}-{record_id}/`` (the newest ``keep_versions`` per file are
kept).  A download is streamed into a temporary file beside its final name, synced, then linked
into place, never over a file: a name taken by a file the export did not write fails its record.

The attachments are read through an injected object with ``list(record_id)`` and
``download(record_id, attachment, handle)`` (the attachment service of the module's Bigin module).
"""

from __future__ import annotations

import errno
import json
import os
import stat
import tempfile
import threading
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import BodySink
from ansible_collections.zoho.bigin.plugins.module_utils._errors import ExportError, ForeignFile, some_of
from ansible_collections.zoho.bigin.plugins.module_utils._files import (
    NotARegularFile,
    attachment_directory_name,
    attachment_export_name,
    attachment_version_name,
    hash_regular,
    plain_attachment_name,
    read_json,
    sync_directory,
    utc_stamp,
    write_file_atomically,
)
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef, RecordResult

MANIFEST_NAME = ".bigin-attachments.json"
MANIFEST_VERSION = 1
# About 300 bytes an attachment: 200,000 of them; a larger file is not one this collection wrote.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
# Dot-names ending in .tmp: never an export name (those start with the attachment id) nor the manifest.
TEMP_PREFIX = ".bigin-attachment-"
TEMP_SUFFIX = ".tmp"
VERSIONS_DIR = ".versions"
# A file system without hard links: publish by rename, once the name is seen free.
_NO_HARD_LINKS = (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK, errno.EXDEV)


class AttachmentSource(t.Protocol):
    """What the export needs of the attachment service: the list of a record, and a streamed download."""

    def list(self, record_id: str) -> t.List[t.Any]:
        ...

    def download(self, record_id: str, att: t.Any, handle: t.Optional[t.BinaryIO] = None) -> BodySink:
        ...


def regular_file_facts(path: str, size: int | None = None) -> dict[str, t.Any] | None:
    """``{"size", "sha256"}`` of the regular file ``path`` itself; None when it is missing, not a regular
    file (a link is not followed), unreadable, or not ``size`` bytes long (then it is not even read)."""
    try:
        info = os.lstat(path)
        if not stat.S_ISREG(info.st_mode) or (size is not None and info.st_size != size):
            return None
        found_size, sha256 = hash_regular(path)
    except OSError:
        return None
    return {"size": found_size, "sha256": sha256}


def _directory_kind(directory: str) -> bool | None:
    """True: a directory; False: nothing there yet; None: something else (a file, a link: never followed)."""
    try:
        return True if stat.S_ISDIR(os.lstat(directory).st_mode) else None
    except FileNotFoundError:
        return False


def _directory_taken(directory: str, label: str) -> str:
    return ("%s is not a directory this export made (a file or a link); it was left alone and the attachments of %s "
            "were not written: move it away, and the next run writes them" % (directory, label))


def _taken_message(paths: list[str], check_mode: bool) -> str:
    """Why a record failed: files the export did not write take the names of its attachments."""
    if len(paths) == 1:
        unless = " (unless it holds the same bytes: a real run downloads it once to compare)" if check_mode else ""
        return ("%s was not written by this export (its manifest does not record it with this SHA-256)%s; it was left "
                "alone and its attachment not written: move it away, and the next run writes it" % (paths[0], unless))
    unless = " (unless one holds the same bytes: a real run downloads each once to compare)" if check_mode else ""
    return ("%d files were not written by this export (its manifest does not record them with these SHA-256s)%s: %s; "
            "they were left alone and their attachments not written: move them away, and the next run writes them"
            % (len(paths), unless, ", ".join(paths)))


def _remove_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# -- results ------------------------------------------------------------------------------------


class AttachmentExportOutcome(RecordResult):
    """One record of an export: the files written and removed, the versions kept, the links skipped.

    ``before`` and ``after`` (for diff mode) map the names of the export's files of the record to their
    ``size`` and ``sha256`` (in check mode, a file that would be written has its listed size only).
    """

    def __init__(self, ref: RecordRef):
        super().__init__(ref.module_name, ref.record_id, ref)
        self.written: list[str] = []
        self.removed: list[str] = []
        self.versions: list[str] = []
        self.links: list[dict[str, t.Any]] = []
        self.before: dict[str, dict[str, t.Any]] | None = None
        self.after: dict[str, dict[str, t.Any]] | None = None

    def diff(self) -> tuple[dict[str, t.Any], dict[str, t.Any]] | None:
        if self.before is None or self.after is None:
            return None
        return {"files": self.before}, {"files": self.after}

    def to_export(self) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {"module": self.module_name, "record_id": self.record_id, "changed": self.changed,
                                    "written": list(self.written), "removed": list(self.removed)}
        if self.error is not None:
            result["error"] = self.error.to_dict()
        return result

    @staticmethod
    def totals(outcomes: t.Sequence["AttachmentExportOutcome"]) -> dict[str, list[t.Any]]:
        """The task-level lists: every record's files written and removed, versions kept, links skipped."""
        return {key: [item for out in outcomes for item in getattr(out, key)]
                for key in ("written", "removed", "versions", "links")}


# -- the manifest -------------------------------------------------------------------------------


def _valid_files(value: t.Any) -> dict[str, dict[str, t.Any]]:
    """The ``files`` of a manifest entry that can be trusted: plain names with an id, a size and a SHA-256."""
    if not isinstance(value, dict):
        return {}
    return {name: {"id": str(facts.get("id")), "size": facts["size"], "sha256": facts["sha256"]}
            for name, facts in value.items()
            if plain_attachment_name(name) and isinstance(facts, dict) and isinstance(facts.get("size"), int)
            and isinstance(facts.get("sha256"), str)}


def _valid_versions(value: t.Any) -> list[dict[str, t.Any]]:
    if not isinstance(value, list):
        return []
    return [{"file": kept["file"], "of": kept["of"], "sha256": kept.get("sha256")} for kept in value
            if isinstance(kept, dict) and plain_attachment_name(kept.get("file")) and plain_attachment_name(kept.get("of"))]


class Manifest:
    """``dest/.bigin-attachments.json``: per record (``Module/record_id``), ``files`` (name -> id, size, SHA-256)
    the export wrote in the record's directory, and ``versions`` (file, of, SHA-256) it keeps of removed ones.

    Read once (a regular file, at most MAX_MANIFEST_BYTES); unreadable or corrupt, it is taken as empty with a
    warning: then no file in dest counts as the export's.  Written once, at the end, if it changed.
    """

    def __init__(self, dest: str, warn: t.Callable[[str], None]):
        self.dest = dest
        self.path = os.path.join(dest, MANIFEST_NAME)
        self._lock = threading.Lock()
        self._records = self._load(warn)
        self._saved = json.dumps(self._records, sort_keys=True)

    def _load(self, warn: t.Callable[[str], None]) -> dict[str, dict[str, t.Any]]:
        try:
            content = read_json(self.path, MAX_MANIFEST_BYTES)
            if not isinstance(content, dict) or content.get("version") != MANIFEST_VERSION \
                    or not isinstance(content.get("records"), dict):
                raise ValueError("not a manifest of version %d" % MANIFEST_VERSION)
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc) or type(exc).__name__
            if isinstance(exc, UnicodeDecodeError):
                reason = "not UTF-8"
            warn("dest: %s is unreadable (%s); no file in dest counts as this export's until it is recorded "
                 "again: each file found under an export name is downloaded once to compare, and a record whose "
                 "file differs fails" % (self.path, reason))
            return {}
        records = {}
        for key, entry in content["records"].items():
            if isinstance(entry, dict):
                files, versions = _valid_files(entry.get("files")), _valid_versions(entry.get("versions"))
                if files or versions:
                    records[str(key)] = {"files": files, "versions": versions}
        return records

    def record(self, key: str) -> tuple[dict[str, dict[str, t.Any]], list[dict[str, t.Any]]]:
        """Copies of the record's files and versions, to work on."""
        with self._lock:
            entry = self._records.get(key) or {}
            return ({name: dict(facts) for name, facts in (entry.get("files") or {}).items()},
                    [dict(kept) for kept in entry.get("versions") or []])

    def update(self, key: str, files: dict[str, dict[str, t.Any]], versions: list[dict[str, t.Any]]) -> None:
        with self._lock:
            if files or versions:
                self._records[key] = {"files": files, "versions": versions}
            else:
                self._records.pop(key, None)

    def save(self) -> bool:
        """Write the manifest (0600, atomically, dest synced) if it changed; True when written."""
        with self._lock:
            text = json.dumps(self._records, sort_keys=True)
            if text == self._saved:
                return False
            body = json.dumps({"version": MANIFEST_VERSION, "records": self._records}, sort_keys=True, indent=1)
        write_file_atomically(self.dest, MANIFEST_NAME, body.encode("utf-8") + b"\n", TEMP_PREFIX, TEMP_SUFFIX)
        self._saved = text
        return True


# -- the service --------------------------------------------------------------------------------


class AttachmentExportService:
    """Brings ``dest`` in step with the selected records' attachments, touching only the files it wrote.

    Every option comes once, here: ``attachments`` (an AttachmentSource for the records' Bigin module),
    ``dest`` (checked by the module), ``prune``, ``keep_versions``, ``check_mode``; ``warn`` for what the
    user should know; ``plan`` notes, in check mode, a request a real run would send.
    """

    def __init__(self, attachments: AttachmentSource, dest: str, prune: bool = False, keep_versions: int = 1,
                 check_mode: bool = False, warn: t.Callable[[str], None] | None = None,
                 plan: t.Callable[[int], None] | None = None):
        self.attachments = attachments
        self.dest = dest
        self.prune = prune
        self.keep_versions = keep_versions
        self.check_mode = check_mode
        self.warn = warn or (lambda _msg: None)
        self.plan = plan or (lambda _count: None)
        self.manifest = Manifest(dest, self.warn)
        self._lock = threading.Lock()
        # Recorded files changed since the export wrote them, that prune left alone; files whose listed size
        # is not the size written (it would mean that an attachment id's file changed).
        self._left_alone: set[str] = set()
        self._size_mismatch: set[str] = set()

    # -- one record -------------------------------------------------------------------------

    def export(self, out: AttachmentExportOutcome) -> None:
        """List the record's attachments; download the new ones; with ``prune``, retire the files of the gone ones.

        A name taken by a file the export did not write fails the record, after its other attachments.
        """
        listed = self.attachments.list(out.record_id)
        folder = attachment_directory_name(out.module_name, out.record_id)
        directory = os.path.join(self.dest, folder)
        recorded, versions = self.manifest.record(out.label)
        is_directory = _directory_kind(directory)
        # What stays recorded: the files still of the recorded size and SHA-256 (never read through a link).
        files = self._own_files(directory, recorded) if is_directory else {}
        wanted = {}
        for att in listed:
            if att.is_link:
                out.links.append({"module": out.module_name, "record_id": out.record_id, "id": att.id,
                                  "file_name": att.file_name, "link_url": att.link_url})
            else:
                wanted[attachment_export_name(att.id, att.file_name)] = att
        out.before = {name: _shown(facts) for name, facts in files.items()}
        after = out.after = dict(out.before)
        taken: list[str] = []
        try:
            for name, att in wanted.items():
                path = os.path.join(directory, name)
                if name in files:  # current: ids are immutable
                    if att.size is not None and att.size != files[name]["size"]:
                        with self._lock:
                            self._size_mismatch.add(path)
                    continue
                if is_directory is None:
                    raise ForeignFile(_directory_taken(directory, out.label))
                if is_directory and os.path.lexists(path):
                    facts = self._adopt(out, att, directory, path)
                else:
                    facts = self._fetch(out, att, directory, path)
                    is_directory = True
                if facts is None:
                    taken.append(path)
                    continue
                files[name] = facts  # in check mode, never saved
                after[name] = _shown(facts)
            for name in recorded:
                if name not in wanted:
                    self._gone(out, folder, name, files, versions)
        finally:
            if not self.check_mode:
                self.manifest.update(out.label, files, versions)
        if taken:
            raise ForeignFile(_taken_message(taken, self.check_mode))

    @staticmethod
    def _own_files(directory: str, recorded: dict[str, dict[str, t.Any]]) -> dict[str, dict[str, t.Any]]:
        """The recorded files that still have the recorded size and SHA-256: the export's (a changed one no longer is)."""
        own = {}
        for name, facts in recorded.items():
            found = regular_file_facts(os.path.join(directory, name), facts["size"])
            if found is not None and found["sha256"] == facts["sha256"]:
                own[name] = facts
        return own

    def _gone(self, out: AttachmentExportOutcome, folder: str, name: str, files: dict[str, dict[str, t.Any]],
              versions: list[dict[str, t.Any]]) -> None:
        """A recorded file whose attachment is no longer listed: retired with ``prune``, else kept (and recorded)."""
        path = os.path.join(self.dest, folder, name)
        if name not in files:  # changed or gone since the export wrote it: not the export's to remove
            if self.prune and os.path.lexists(path):
                with self._lock:
                    self._left_alone.add(path)
            return
        if not self.prune:
            return
        if out.after is not None:
            out.after.pop(name, None)
        if self.check_mode:
            out.changed = True
            out.removed.append(path)
            if self.keep_versions:
                out.versions.append(os.path.join(self.dest, VERSIONS_DIR, folder, attachment_version_name(name, utc_stamp())))
            return
        try:
            if self.keep_versions:
                out.versions.append(self._keep(folder, name, files[name]["sha256"], versions))
            else:
                os.unlink(path)
            sync_directory(os.path.dirname(path))
        except OSError as exc:
            raise ExportError("removing %s failed (%s); it was left as it was"
                              % (path, exc.strerror or exc)) from None
        del files[name]
        out.changed = True
        out.removed.append(path)

    # -- writing ----------------------------------------------------------------------------

    def _download(self, record_id: str, att: t.Any, directory: str) -> tuple[str, BodySink]:
        """Stream the attachment into a new temporary file in ``directory`` (0600), synced; its path and the sink."""
        fd, temp = tempfile.mkstemp(prefix=TEMP_PREFIX, suffix=TEMP_SUFFIX, dir=directory)
        try:
            with os.fdopen(fd, "w+b") as handle:  # seekable: a retried download starts it again
                sink = self.attachments.download(record_id, att, handle)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            _remove_quietly(temp)
            raise
        return temp, sink

    def _fetch(self, out: AttachmentExportOutcome, att: t.Any, directory: str, path: str) -> dict[str, t.Any] | None:
        """Download a new attachment to ``path``; its manifest facts, or None when the name was taken meanwhile.

        In check mode nothing is sent or written: the download is planned, the path reported, and the facts
        are the listed size (no SHA-256).
        """
        if self.check_mode:
            self.plan(1)
            out.changed = True
            out.written.append(path)
            return {"id": att.id, "size": att.size, "sha256": None}
        temp = None
        try:
            if self._make_directory(directory):
                sync_directory(self.dest)  # the new directory's name must survive as its files will
            temp, sink = self._download(out.record_id, att, directory)
            if not _publish(temp, path):
                return None
            sync_directory(directory)
        except NotARegularFile:
            raise ForeignFile(_directory_taken(directory, out.label)) from None
        except OSError as exc:
            raise ExportError("writing %s failed (%s); nothing was written under that name"
                              % (path, exc.strerror or exc)) from None
        finally:
            if temp is not None:
                _remove_quietly(temp)
        out.changed = True
        out.written.append(path)
        return {"id": att.id, "size": sink.size, "sha256": sink.sha256}

    def _adopt(self, out: AttachmentExportOutcome, att: t.Any, directory: str, path: str) -> dict[str, t.Any] | None:
        """A file the manifest does not record takes the attachment's name: the export's from now on if it holds
        the same bytes (one download to compare; not in check mode, which cannot know), else None."""
        found = regular_file_facts(path, att.size)
        if found is None or self.check_mode:
            if found is not None:
                self.plan(1)
            return None
        try:
            temp, sink = self._download(out.record_id, att, directory)
        except OSError as exc:
            raise ExportError("downloading %s to compare it with %s failed (%s)"
                              % (att.id, path, exc.strerror or exc)) from None
        _remove_quietly(temp)
        if sink.sha256 != found["sha256"]:
            return None
        return {"id": att.id, "size": sink.size, "sha256": sink.sha256}

    @staticmethod
    def _make_directory(path: str) -> bool:
        """Make ``path`` (0700) if missing; True when made. NotARegularFile when something else than a directory is there."""
        try:
            os.mkdir(path, 0o700)
            made = True
        except FileExistsError:  # a fork or another run may have made it first
            made = False
        if not stat.S_ISDIR(os.lstat(path).st_mode):
            raise NotARegularFile(errno.ENOTDIR, "%s is not a directory this export made" % path)
        return made

    def _keep(self, folder: str, name: str, sha256: str, versions: list[dict[str, t.Any]]) -> str:
        """Move the export's file ``name`` into ``.versions/{folder}/``; drop the oldest beyond ``keep_versions``.

        Returns the version's path. An older version is deleted only while it holds the bytes recorded.
        """
        top = os.path.join(self.dest, VERSIONS_DIR)
        history = os.path.join(top, folder)
        if self._make_directory(top):
            sync_directory(self.dest)
        if self._make_directory(history):
            sync_directory(top)
        kept = attachment_version_name(name, utc_stamp())
        target = os.path.join(history, kept)
        if os.path.lexists(target):
            raise FileExistsError(errno.EEXIST, "%s exists" % target)
        os.rename(os.path.join(self.dest, folder, name), target)
        sync_directory(history)
        versions.append({"file": kept, "of": name, "sha256": sha256})
        same = [each for each in versions if each["of"] == name]
        for oldest in same[:max(0, len(same) - self.keep_versions)]:
            versions.remove(oldest)
            old_path = os.path.join(history, oldest["file"])
            found = regular_file_facts(old_path)
            if found is not None and found["sha256"] == oldest["sha256"]:
                # The file itself is safe in its version: an old version that cannot go only stays on disk.
                _remove_quietly(old_path)
        return target

    # -- the end of the task ------------------------------------------------------------------

    def close(self) -> ExportError | None:
        """The end of the task: one warning per kind of file to look at, then the manifest (not in check mode).

        Returns the error when the manifest cannot be written: the files are on disk all the same, and the
        task reports them (and ``changed``) with the failure.
        """
        for paths, what in (
                (self._left_alone, "were changed since this export wrote them, so prune left them alone (their "
                                   "attachments are no longer in Bigin)"),
                (self._size_mismatch, "have another size than Bigin lists for their attachment; attachment ids are taken "
                                      "as immutable, so they were not downloaded again: delete a file to have the next "
                                      "run download it")):
            if paths:
                self.warn("dest: %d file(s) %s: %s" % (len(paths), what, some_of(sorted(paths))))
        if not self.check_mode:
            try:
                self.manifest.save()
            except OSError as exc:
                return ExportError("dest: the manifest %s could not be written (%s); the files written are "
                                   "listed in written, and the next run downloads them once more to compare"
                                   % (self.manifest.path, exc.strerror or exc))
        return None


def _shown(facts: dict[str, t.Any]) -> dict[str, t.Any]:
    """A file as diff mode shows it: size and SHA-256 (where known: check mode does not download)."""
    return {key: facts[key] for key in ("size", "sha256") if facts.get(key) is not None}


def _publish(temp: str, path: str) -> bool:
    """Give the complete file ``temp`` the name ``path``, never over a file there; False when the name is taken."""
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
        if os.path.lexists(path):
            return False
        os.rename(temp, path)
    return True
