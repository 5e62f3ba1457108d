# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an attachment operation does, shared by bigin_attachment and bigin_attachment_info.

This file is private to the collection: its API may change without notice.

Request budget per record: one GET per page of the record's attachment list (200 a page, so
one for most records), plus one request per download, upload or delete.  ``present`` downloads
(to hash, never to keep) only the attachments of the same name and of the same size as ``src``,
and stops at the first of them with its SHA-256; ``absent`` downloads only to back up
(``backup_dir``).  Bodies are streamed: a file is never held in memory, whatever its size.
"""

from __future__ import annotations

import errno
import json
import mimetypes
import os
import re
import tempfile
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import SCOPE_OPERATIONS, BiginClient, BodySink, MultipartFile
from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    BackupError,
    BiginAPIError,
    BiginTransportError,
    InputError,
    api_error_from_body,
    excerpt,
)
from ansible_collections.zoho.bigin.plugins.module_utils._files import (
    FileTooLarge,
    NotARegularFile,
    attachment_backup_name,
    hash_regular,
    open_regular,
    sync_directory,
)
from ansible_collections.zoho.bigin.plugins.module_utils._records import MAX_PAGE, PER_PAGE, RecordRef, RecordResult, read_pages

# The largest file an upload may carry (docs/docsite/rst/assumptions.rst, "Attachments": Zoho CRM's v2 upload
# page says 100 MB; the Bigin pages name none). A download is refused beyond it too: no answer of that kind is larger.
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
# What the list asks for: Bigin requires ``fields`` on it (as on Get Records).
LIST_FIELDS = "id,File_Name,Size,Created_Time,Created_By,$type,$link_url"
ATTACHMENT_ID_PATTERN = re.compile(r"\A[0-9]{1,19}\Z")
LINK_TYPE = "Link URL"
MAX_NAME_CHARS = 255
# The scope pairs (Bigin's v2 attachment pages): the module's scope and one of these, per method.
ATTACHMENT_SCOPE_PREFIX = "ZohoBigin.modules.attachments."
ATTACHMENT_SCOPE_OPERATIONS = {"GET": ("READ",), "POST": ("WRITE", "CREATE"), "DELETE": ("DELETE",)}


def name_scope_pair(exc: BiginAPIError, method: str, module_name: str) -> None:
    """A scope mismatch of an attachment request names both halves of the pair it needs."""
    module_prefix = "ZohoBigin.modules." + module_name.lower()
    module_ops = SCOPE_OPERATIONS.get(method, ())
    module_scopes = ["%s.%s" % (module_prefix, op) for op in module_ops] + [module_prefix + ".ALL", "ZohoBigin.modules.ALL"]
    own = [ATTACHMENT_SCOPE_PREFIX + op for op in ATTACHMENT_SCOPE_OPERATIONS.get(method, ())] + [ATTACHMENT_SCOPE_PREFIX + "ALL"]
    words = "one of the scopes %s, and one of the scopes %s" % (", ".join(module_scopes), ", ".join(own))
    missing = "%s.%s and %s" % (module_prefix, module_ops[0] if module_ops else "ALL", own[0])
    exc.name_required_scopes(words, missing)


def check_name(value: t.Any, option: str = "name", upload: bool = True) -> str:
    """An attachment's file name as the user gave it: non-empty, no control characters (and for an upload no / or \\)."""
    if not isinstance(value, str) or not value.strip():
        raise InputError("%s: give a non-empty file name" % option)
    if len(value) > MAX_NAME_CHARS:
        raise InputError("%s: %s is longer than %d characters" % (option, excerpt(value, quote=True), MAX_NAME_CHARS))
    if re.search(r"[\x00-\x1f\x7f]", value) or (upload and re.search(r"[/\\]", value)):
        separator = " or a path separator (/ or \\)" if upload else ""
        raise InputError("%s: %s contains a control character%s" % (option, excerpt(value, quote=True), separator))
    return value


class Source:
    """The file to upload (``src``), checked and hashed once for the whole task, before any request."""

    def __init__(self, path: str, name: str | None = None, shown: str | None = None):
        shown = shown or path
        real = os.path.realpath(path)  # a src the user named: a symbolic link is followed, as copy does
        try:
            fd = open_regular(real)
            try:
                size = os.fstat(fd).st_size
            finally:
                os.close(fd)
            if size > MAX_ATTACHMENT_BYTES:
                raise FileTooLarge(size, MAX_ATTACHMENT_BYTES)
            self.size, self.sha256 = hash_regular(real)
        except (FileNotFoundError, NotADirectoryError, NotARegularFile):
            raise InputError("src: %s does not exist or is not a file" % shown) from None
        except FileTooLarge as exc:
            raise InputError("src: %s is larger than 100 MB (%d bytes), the API's upload limit" % (shown, exc.size)) from None
        except OSError as exc:
            raise InputError("src: %s cannot be read (%s)" % (shown, exc.strerror or exc)) from None
        if self.size > MAX_ATTACHMENT_BYTES:  # it grew while it was hashed
            raise InputError("src: %s is larger than 100 MB (%d bytes), the API's upload limit" % (shown, self.size))
        self.path = real
        self.name = check_name(name if name is not None else os.path.basename(shown), "name" if name is not None else "src")
        self.content_type = mimetypes.guess_type(self.name)[0] or "application/octet-stream"

    def entry(self, attachment_id: str | None = None) -> "Attachment":
        return Attachment(attachment_id, self.name, self.size, sha256=self.sha256)


class Attachment:
    """One attachment of a record, as the list gave it; ``sha256`` once it was downloaded (or uploaded)."""

    def __init__(self, attachment_id: str | None, file_name: str, size: int | None, created_time: str | None = None,
                 created_by: dict[str, t.Any] | None = None, kind: str | None = None, link_url: str | None = None,
                 sha256: str | None = None):
        self.id = attachment_id
        self.file_name = file_name
        self.size = size
        self.created_time = created_time
        self.created_by = created_by
        self.type = kind
        self.link_url = link_url
        self.sha256 = sha256

    @property
    def is_link(self) -> bool:
        return self.type == LINK_TYPE

    @classmethod
    def from_api(cls, item: dict[str, t.Any], label: str) -> "Attachment":
        raw_id = item.get("id")
        attachment_id = str(raw_id) if isinstance(raw_id, (int, str)) and not isinstance(raw_id, bool) else ""
        if not ATTACHMENT_ID_PATTERN.match(attachment_id):
            raise BiginAPIError(200, None, "the API listed an attachment of %s whose id %s is not an id (1 to 19 digits)"
                                % (label, excerpt(raw_id, 60, quote=True)))
        size_text = item.get("Size")
        size = int(size_text) if isinstance(size_text, (int, str)) and str(size_text).isdigit() else None
        name = item.get("File_Name")
        by = item.get("Created_By")
        link = item.get("$link_url")
        return cls(attachment_id, name if isinstance(name, str) else "", size,
                   item.get("Created_Time") if isinstance(item.get("Created_Time"), str) else None,
                   {key: by.get(key) for key in ("name", "id", "email") if key in by} if isinstance(by, dict) else None,
                   item.get("$type") if isinstance(item.get("$type"), str) else None,
                   link if isinstance(link, str) and link else None)

    def to_dict(self) -> dict[str, t.Any]:
        """The short form, in ``before`` and ``after``: id, file_name, size, and sha256 / link_url where known."""
        result: dict[str, t.Any] = {"id": self.id, "file_name": self.file_name, "size": self.size}
        if self.sha256 is not None:
            result["sha256"] = self.sha256
        if self.link_url is not None:
            result["link_url"] = self.link_url
        return result

    def to_info(self) -> dict[str, t.Any]:
        """The bigin_attachment_info form: every fact the list gives."""
        result = self.to_dict()
        result.update(created_time=self.created_time, created_by=self.created_by, type=self.type)
        return result


class AttachmentOutcome(RecordResult):
    """The attachment result for one record, as returned in ``records``."""

    def __init__(self, module_name: str, record_id: str, ref: RecordRef | None = None):
        super().__init__(module_name, record_id, ref)
        self.before: list[Attachment] | None = None
        self.after: list[Attachment] | None = None
        self.uploaded: list[str] = []
        self.deleted: list[str] = []
        self.backup_files: list[str] = []

    @classmethod
    def for_ref(cls, ref: RecordRef) -> "AttachmentOutcome":
        return cls(ref.module_name, ref.record_id, ref)

    def diff(self) -> tuple[dict[str, t.Any], dict[str, t.Any]] | None:
        if self.before is None or self.after is None:
            return None
        return ({"attachments": [att.to_dict() for att in self.before]},
                {"attachments": [att.to_dict() for att in self.after]})

    def to_dict(self) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {"module": self.module_name, "record_id": self.record_id, "changed": self.changed}
        if self.before is not None:
            result["before"] = [att.to_dict() for att in self.before]
        if self.after is not None:
            result["after"] = [att.to_dict() for att in self.after]
        result.update(uploaded=list(self.uploaded), deleted=list(self.deleted))
        if self.backup_files:
            result["backup_files"] = list(self.backup_files)
        if self.error is not None:
            result["error"] = self.error.to_dict()
        return result

    def to_info(self) -> dict[str, t.Any]:
        """The bigin_attachment_info shape: the record's attachments with every fact."""
        result: dict[str, t.Any] = {"module": self.module_name, "record_id": self.record_id}
        if self.before is not None:
            result["attachments"] = [att.to_info() for att in self.before]
        if self.error is not None:
            result["error"] = self.error.to_dict()
        return result


class AttachmentService:
    """The attachments of records of one module: list, download (streamed), upload (streamed), delete, back up.

    Every option comes once, here: ``state`` (present, absent or info), ``source`` (present), ``name``
    (absent: the file name to delete; present: taken from ``source``), ``force``, ``all_attachments``,
    ``backup_dir``, ``checksum`` (info: hash every file), ``check_mode``.
    """

    def __init__(self, client: BiginClient, module_name: str, state: str = "info", source: Source | None = None,
                 name: str | None = None, force: bool = True, all_attachments: bool = False,
                 backup_dir: str | None = None, checksum: bool = False, check_mode: bool = False):
        self.client = client
        self.module_name = module_name
        self.state = state
        self.source = source
        self.name = source.name if source is not None else name
        self.force = force
        self.all_attachments = all_attachments
        self.backup_dir = backup_dir
        self.checksum = checksum
        self.check_mode = check_mode

    # -- requests ---------------------------------------------------------------------

    def _path(self, record_id: str, attachment_id: str | None = None) -> str:
        path = "%s/%s/Attachments" % (self.module_name, record_id)
        return path if attachment_id is None else "%s/%s" % (path, attachment_id)

    def _call(self, method: str, send: t.Callable[[], t.Any]) -> t.Any:
        try:
            return send()
        except BiginAPIError as exc:
            if exc.code == "OAUTH_SCOPE_MISMATCH":
                name_scope_pair(exc, method, self.module_name)
            raise

    def list(self, record_id: str) -> list[Attachment]:
        """Every attachment of the record, in Bigin's order: one GET per 200 (the records' pagination, read_pages)."""
        label = "%s/%s attachments" % (self.module_name, record_id)
        found: list[Attachment] = []

        def unreachable() -> BiginAPIError:
            return BiginAPIError(200, None, "%s: the API says more remain after %d pages (%d attachments); stopped"
                                 % (label, MAX_PAGE, MAX_PAGE * PER_PAGE))

        def read() -> None:
            for items in read_pages(self.client, self._path(record_id), {"fields": LIST_FIELDS}, label, unreachable,
                                    "attachments"):
                found.extend(Attachment.from_api(item, label) for item in items if isinstance(item, dict))

        self._call("GET", read)
        return found

    def download(self, record_id: str, att: Attachment, handle: t.BinaryIO | None = None) -> BodySink:
        """Stream one attachment into ``handle`` (or only hash it); its size and SHA-256 are set on ``att``."""
        label = "%s/%s attachment %s" % (self.module_name, record_id, att.id)
        if att.is_link:
            raise BiginAPIError(200, None, "%s is a link (%s), not a file: nothing to download" % (label, att.link_url))
        sink = BodySink(MAX_ATTACHMENT_BYTES, handle)
        result = self._call("GET", lambda: self.client.download(self._path(record_id, att.id), label, sink))
        content_type = (result.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if result.status == 204:
            raise BiginAPIError(204, None, "the API answered the download of %s with no content" % label)
        if content_type == "application/json" and not result.headers.get("Content-Disposition"):
            # An error object in a 200 (Bigin does that for changes), not a file: a file comes as an attachment.
            error = api_error_from_body(result.status, sink.head)
            if error.code:
                raise error
        att.size, att.sha256 = sink.size, sink.sha256
        return sink

    def upload(self, record_id: str, source: Source) -> str | None:
        """Upload ``source`` streamed from its file; the new attachment's id (None if the answer names none)."""
        label = "%s/%s attachments" % (self.module_name, record_id)
        body = MultipartFile(source.path, source.size, source.name, source.content_type)
        try:
            result = self._call("POST", lambda: self.client.upload(self._path(record_id), label, body))
        except BiginTransportError:
            if body.problem:
                raise BiginTransportError("POST %s failed: src %s; rerun to upload it" % (label, body.problem)) from None
            raise
        try:
            payload = json.loads((result.body or b"").decode("utf-8"))
            new_id = payload["data"][0]["details"]["id"]
        except (ValueError, KeyError, IndexError, TypeError):
            return None
        return str(new_id) if ATTACHMENT_ID_PATTERN.match(str(new_id)) else None

    def delete(self, record_id: str, attachment_id: str) -> bool:
        """Delete one attachment; False when it was gone already (someone else was faster)."""
        label = "%s/%s attachment %s" % (self.module_name, record_id, attachment_id)
        try:
            self._call("DELETE", lambda: self.client.request("DELETE", self._path(record_id, attachment_id), label))
        except BiginAPIError as exc:
            if exc.code == "INVALID_DATA" and str((exc.details or {}).get("id")) == attachment_id:
                return exc.maybe_applied_before  # our own earlier attempt may have deleted it before its answer was lost
            raise
        return True

    def backup(self, record_id: str, att: Attachment) -> str:
        """Save an attachment about to be deleted: complete on disk (fsync, directory sync) before this returns.

        Streamed to a temporary file in ``backup_dir``, then given its name without ever replacing a
        file: an existing backup of the same attachment (ids are never reused) with the same bytes is
        kept as it is; another file of that name fails the record, which is then left alone.
        """
        directory = t.cast(str, self.backup_dir)
        final = os.path.join(directory, attachment_backup_name(self.module_name, record_id, t.cast(str, att.id), att.file_name))
        fd, temp = tempfile.mkstemp(prefix=".bigin-", suffix=".tmp", dir=directory)  # O_EXCL, 0600
        try:
            try:
                with os.fdopen(fd, "w+b") as handle:
                    sink = self.download(record_id, att, handle)
                    handle.flush()
                    os.fsync(handle.fileno())
                _publish(temp, final, sink.sha256)
            except OSError as exc:
                raise BackupError("backup of %s/%s attachment %s to %s failed (%s); the attachment was left in place"
                                  % (self.module_name, record_id, att.id, directory, exc.strerror or exc)) from None
        finally:
            try:
                os.unlink(temp)
            except OSError:
                pass
        sync_directory(directory)  # the DELETE follows: the backup's name must survive a power cut too
        return final

    # -- the operations -----------------------------------------------------------------

    def work(self, out: AttachmentOutcome) -> None:
        """What the task's state asks of one record."""
        if self.state == "present":
            self.ensure_present(out)
        elif self.state == "absent":
            self.ensure_absent(out)
        else:
            self.read_info(out)

    def ensure_present(self, out: AttachmentOutcome) -> None:
        source = t.cast(Source, self.source)
        before = self.list(out.record_id)
        out.before, out.after = before, list(before)
        same = [att for att in before if att.file_name == source.name and not att.is_link]
        if same and not self.force:
            return  # force false: one of that name is kept, whatever its content
        for att in same:
            if att.size is not None and att.size != source.size:
                continue  # another size: another content, no download needed
            self.download(out.record_id, att)
            if att.sha256 == source.sha256:
                return
        out.changed = True
        if self.check_mode:
            self.client.plan(1)
            out.after = before + [source.entry()]
            return
        new_id = self.upload(out.record_id, source)
        if new_id is not None:
            out.uploaded.append(new_id)
        out.after = before + [source.entry(new_id)]

    def ensure_absent(self, out: AttachmentOutcome) -> None:
        before = self.list(out.record_id)
        out.before, out.after = before, list(before)
        targets = list(before) if self.all_attachments else [att for att in before if att.file_name == self.name]
        if not targets:
            return
        if self.check_mode:
            out.changed = True
            backups = sum(1 for att in targets if self.backup_dir and not att.is_link)
            self.client.plan(len(targets) + backups)
            out.deleted = [t.cast(str, att.id) for att in targets]
            out.after = [att for att in before if att not in targets]
            return
        for att in targets:
            if self.backup_dir and not att.is_link:
                out.backup_files.append(self.backup(out.record_id, att))
            # False when it was gone already: the state is reached, but not by this task.
            if self.delete(out.record_id, t.cast(str, att.id)):
                out.changed = True
                out.deleted.append(t.cast(str, att.id))
            out.after = [each for each in out.after if each is not att]

    def read_info(self, out: AttachmentOutcome) -> None:
        out.before = self.list(out.record_id)
        if self.checksum:
            for att in out.before:
                if not att.is_link:
                    self.download(out.record_id, att)


def _publish(temp: str, final: str, sha256: str) -> None:
    """Give the complete file ``temp`` the name ``final`` without replacing a file there (a hard link, or an O_EXCL copy).

    A file already there is accepted only when it holds the same bytes (the backup of an earlier run).
    """
    try:
        try:
            os.link(temp, final)
        except OSError as exc:
            if isinstance(exc, FileExistsError) or exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP,
                                                                     errno.EXDEV, errno.EMLINK):
                raise
            _copy_exclusive(temp, final)  # a file system without hard links
        return
    except FileExistsError:
        pass
    try:
        _size, existing = hash_regular(final)
    except OSError:
        raise FileExistsError(errno.EEXIST, "%s exists and is not a regular file that can be read; not replaced" % final) from None
    if existing != sha256:
        raise FileExistsError(errno.EEXIST, "%s exists with other content; not replaced" % final)


def _copy_exclusive(temp: str, final: str) -> None:
    fd = os.open(final, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as target, open(temp, "rb") as handle:
            for chunk in iter(lambda: handle.read(1024 * 1024), b""):
                target.write(chunk)
            target.flush()
            os.fsync(target.fileno())
    except BaseException:
        os.unlink(final)  # a partial file must not pass for a backup
        raise
