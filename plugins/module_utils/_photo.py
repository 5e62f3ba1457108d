# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a photo operation does, shared by bigin_photo and bigin_photo_info.

This file is private to the collection: its API may change without notice.

Request budget per record chosen by id: absent and info use one GET, plus one
DELETE when there is a photo to delete; present uses one GET, plus one POST when
the photo must change.  A record from a listing (criteria, all_records) carries
its Record_Image: no GET unless the bytes are needed (see PhotoService.current).  A GET reads the image only when its bytes are needed (backup,
diff, comparison) or it is small enough that reading it keeps the pooled
connection alive for the next record; of a larger one only the first bytes
are read, to make sure it is an image.
"""

from __future__ import annotations

import datetime
import hashlib
import os
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import MAX_PHOTO_BODY, BiginClient
from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    BackupError,
    BiginAPIError,
    InputError,
    excerpt,
)
from ansible_collections.zoho.bigin.plugins.module_utils._files import (
    FileTooLarge,
    NotARegularFile,
    loose_permissions,
    read_regular,
    sync_directory,
)
from ansible_collections.zoho.bigin.plugins.module_utils._image import HeaderError, image_size
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef, RecordResult
from ansible_collections.zoho.bigin.plugins.module_utils._stored import StoredCopies

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 10000000
# Bodies up to this size are read even when only presence matters: cheaper than a new connection.
SMALL_BODY = 64 * 1024

# (magic bytes, extension, content type)
IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"BM", "bmp", "image/bmp"),
)


def no_photo_error(exc: BiginAPIError) -> bool:
    """Whether an error answer to a photo GET means "this record has no photo".

    Bigin's docs imply 204; the delete-image page answers a missing photo with 400 INVALID_DATA
    "No such photo exists", and a 404 NOT_FOUND is what other Zoho APIs give for a missing resource.
    Any other 404 (INVALID_URL_PATTERN: a wrong URL) or 400 stays an error.
    """
    return exc.matches("INVALID_DATA", "No such photo exists") or (exc.http_status == 404 and exc.code == "NOT_FOUND")


def image_type(data: bytes) -> tuple[str, str] | None:
    """(extension, content type) of an image, by its magic bytes."""
    for magic, ext, content_type in IMAGE_SIGNATURES:
        if data.startswith(magic):
            return ext, content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


class Image:
    """An image to upload, read and checked once for the whole task.

    ``follow``: whether a symbolic link at ``path`` is followed (a ``src`` the user named: like
    ansible.builtin.copy); the file read must be a regular one either way, never a FIFO or a device.
    """

    def __init__(self, path: str, follow: bool = True, shown: str | None = None):
        self.path = path
        shown = shown or path
        self.filename = os.path.basename(shown)
        try:
            self.data = read_regular(os.path.realpath(path) if follow else path, MAX_PHOTO_BYTES)
        except (FileNotFoundError, NotADirectoryError, NotARegularFile):
            raise InputError("src: %s does not exist or is not a file" % shown) from None
        except FileTooLarge as exc:
            raise InputError("src: %s is larger than 10 MB (%d bytes), the API's upload limit"
                             % (shown, exc.size)) from None
        except OSError as exc:
            raise InputError("src: %s cannot be read (%s)" % (shown, exc.strerror or exc)) from None
        path = shown
        if not self.data:
            raise InputError("src: %s is empty" % path)
        kind = image_type(self.data)
        # A WebP photo can be read and backed up, but the upload API takes only these four.
        if kind is None or kind[0] == "webp":
            raise InputError("src: %s is not a PNG, JPEG, GIF or BMP image" % path)
        self.ext, self.content_type = kind
        try:
            width, height = image_size(self.data)
        except HeaderError as exc:
            raise InputError("src: %s is a corrupt %s image (%s)" % (path, self.ext.upper(), exc)) from None
        if width * height > MAX_PIXELS:
            raise InputError("src: %s is %dx%d pixels (%d), over the API's upload limit of %d pixels (10 megapixels)"
                             % (path, width, height, width * height, MAX_PIXELS))
        self.state = PhotoState.of(self.data)


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
    check_directory("backup_dir", path, check_mode, warn)


class PhotoState:
    """What is known of a record's photo: present, and size/sha256/content type where known."""

    def __init__(self, present: bool, size: int | None = None, sha256: str | None = None,
                 content_type: str | None = None):
        self.present = present
        self.size = size
        self.sha256 = sha256
        self.content_type = content_type
        # True when Bigin holds a different image than the src uploaded (re-encoded): see PhotoService.upload.
        self.reencoded = False

    @classmethod
    def of(cls, data: bytes, content_type: str | None = None) -> "PhotoState":
        return cls(True, len(data), hashlib.sha256(data).hexdigest(), content_type)

    def to_dict(self, with_type: bool = False) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {"present": self.present}
        for key in ("size", "sha256") + (("content_type",) if with_type else ()):
            if getattr(self, key) is not None:
                result[key] = getattr(self, key)
        if self.reencoded:
            result["reencoded"] = True
        return result

    def marked_reencoded(self) -> "PhotoState":
        copy = PhotoState(self.present, self.size, self.sha256, self.content_type)
        copy.reencoded = True
        return copy


ABSENT = PhotoState(False)


class Outcome(RecordResult):
    """The photo result for one record, as returned in ``records``."""

    def __init__(self, module_name: str, record_id: str, ref: RecordRef | None = None):
        super().__init__(module_name, record_id, ref)
        self.before: PhotoState | None = None
        self.after: PhotoState | None = None
        self.backup_file: str | None = None

    @classmethod
    def for_ref(cls, ref: RecordRef) -> "Outcome":
        return cls(ref.module_name, ref.record_id, ref)

    def diff(self) -> tuple[dict[str, t.Any], dict[str, t.Any]] | None:
        if self.before is None or self.after is None:
            return None
        return self.before.to_dict(), self.after.to_dict()

    def to_dict(self) -> dict[str, t.Any]:
        result: dict[str, t.Any] = {"module": self.module_name, "record_id": self.record_id, "changed": self.changed}
        if self.before is not None:
            result["before"] = self.before.to_dict()
        if self.after is not None:
            result["after"] = self.after.to_dict()
        if self.backup_file is not None:
            result["backup_file"] = self.backup_file
        if self.error is not None:
            result["error"] = self.error.to_dict()
        return result

    def to_info(self) -> dict[str, t.Any]:
        """The bigin_photo_info shape: the photo's facts at the top level."""
        result: dict[str, t.Any] = {"module": self.module_name, "record_id": self.record_id}
        if self.before is not None:
            result.update(self.before.to_dict(with_type=True))
        if self.error is not None:
            result["error"] = self.error.to_dict()
        return result


class PhotoService:
    """The photo of records of one module: read, upload, delete, back up.

    ``stored``: the memory of what Bigin made of earlier uploads (see _stored.py); ``warn`` for what a
    user should know of a record that did not fail.
    """

    def __init__(self, client: BiginClient, module_name: str, stored: StoredCopies | None = None,
                 warn: t.Callable[[str], None] | None = None):
        self.client = client
        self.module_name = module_name
        self.stored = stored
        self.warn = warn or (lambda _msg: None)

    def _photo_path_and_label(self, record_id: str) -> tuple[str, str]:
        return "%s/%s/photo" % (self.module_name, record_id), "%s/%s" % (self.module_name, record_id)

    def fetch(self, record_id: str, need_bytes: bool) -> tuple[PhotoState, bytes | None]:
        """Current photo of a record; its bytes when asked for (or when small)."""
        try:
            result = self.client.request("GET", *self._photo_path_and_label(record_id),
                                         read_limit=None if need_bytes else SMALL_BODY, max_body=MAX_PHOTO_BODY)
        except BiginAPIError as exc:
            if no_photo_error(exc):
                return ABSENT, None
            raise
        # 204 is what the status-codes page implies; an empty 200 says the same (see the assumptions page).
        if result.status == 204 or (result.status == 200 and not result.body and result.complete):
            return ABSENT, None
        # Decided by the bytes: Zoho may label a photo image/jpg, application/octet-stream or nothing.
        content_type = (result.headers.get("Content-Type") or "").split(";")[0].strip() or None
        kind = image_type(result.body or b"")
        if result.status != 200 or kind is None:
            # A login page, an empty 200 or a JSON body is not a photo: never back it up or act on it.
            raise BiginAPIError(result.status, None, "the API answered the photo request with something that "
                                "is not an image (Content-Type %s): %s"
                                % (content_type or "none", excerpt(result.body or b"") or "empty body"))
        content_type = content_type or kind[1]
        if result.complete:
            return PhotoState.of(result.body, content_type), result.body
        length = result.headers.get("Content-Length")
        size = int(length) if length and length.isdigit() else None
        return PhotoState(True, size, None, content_type), None

    def delete(self, record_id: str) -> bool:
        """Delete the photo; False when there was none to delete (someone else was faster)."""
        try:
            self.client.request("DELETE", *self._photo_path_and_label(record_id))
        except BiginAPIError as exc:
            if exc.matches("INVALID_DATA", "No such photo exists"):
                # Our own earlier attempt may have deleted it before its answer was lost.
                return exc.maybe_applied_before
            raise
        return True

    def upload(self, record_id: str, image: Image) -> None:
        self.client.request("POST", *self._photo_path_and_label(record_id), idempotent=False,
                            files={"file": (image.filename, image.data, image.content_type)})

    def read_back(self, out: Outcome, image: Image) -> PhotoState:
        """What Bigin holds after an upload (one GET): the proof it landed, and what a rerun compares with.

        Bigin may keep a re-encoded copy: then the pair of hashes is remembered, so that a rerun with
        the same src is ``ok``, and the user is told once per record.
        """
        stored, _data = self.fetch(out.record_id, need_bytes=True)
        if not stored.present:
            raise BiginAPIError(200, None, "the upload was accepted, but reading the photo back found none")
        if stored.sha256 == image.state.sha256:
            return stored
        if self.stored is not None and stored.sha256 is not None:
            self.stored.remember(out.label, image.state.sha256 or "", stored.sha256)
        self.warn("%s: Bigin stores a different image than %s (SHA-256 %s, %s bytes, not %s): it re-encoded the "
                  "upload; a rerun with the same src is ok" % (out.label, image.filename, stored.sha256, stored.size,
                                                               image.state.sha256))
        return stored.marked_reencoded()

    def is_current(self, out: Outcome, image: Image, before: PhotoState) -> bool:
        """Whether the record's photo is ``image``: the same bytes, or Bigin's copy of an earlier upload of it."""
        if before.sha256 == image.state.sha256:
            return True
        return self.stored is not None and self.stored.is_copy_of(out.label, image.state.sha256 or "", before.sha256)

    def backup(self, record_id: str, photo_bytes: bytes, directory: str) -> str:
        """Save a photo about to be removed; the file is complete on disk before this returns."""
        ext = (image_type(photo_bytes) or ("bin", ""))[0]
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        path = os.path.join(directory, "%s-%s-%s.%s" % (self.module_name, record_id, stamp, ext))
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                with os.fdopen(fd, "wb") as handle:
                    handle.write(photo_bytes)
                    handle.flush()
                    os.fsync(handle.fileno())
            except OSError:
                os.unlink(path)  # a partial file must not pass for a backup
                raise
            # The DELETE follows: the backup's name, not only its bytes, must survive a power cut.
            sync_directory(directory)
        except OSError as exc:
            raise BackupError("backup of %s/%s to %s failed (%s); the photo was left in place"
                              % (self.module_name, record_id, directory, exc.strerror or exc)) from None
        return path

    # -- records the listing settles: no request, no thread -----------------------

    @staticmethod
    def settle_absent(out: Outcome) -> bool:
        """A listed record without a photo: nothing to delete."""
        if out.ref.listed and not out.ref.has_photo:
            out.before = out.after = ABSENT
            return True
        return False

    @staticmethod
    def settle_present(out: Outcome, force: bool) -> bool:
        """A listed record with a photo and force false: the photo stays."""
        if out.ref.listed and out.ref.has_photo and not force:
            out.before = out.after = PhotoState(True)
            return True
        return False

    @staticmethod
    def settle_info(out: Outcome) -> bool:
        """A listed record without a photo: nothing to read."""
        if out.ref.listed and not out.ref.has_photo:
            out.before = ABSENT
            return True
        return False

    # -- the three operations -------------------------------------------------

    def current(self, out: Outcome, need_bytes: bool) -> tuple[PhotoState, bytes | None]:
        """The record's photo: from the listing when that says enough, else read with a GET.

        A listed record without a photo costs no request; one with a photo costs a GET
        only when its bytes are needed. An id given by the user is always read.
        """
        ref = out.ref
        if ref.listed and not ref.has_photo:
            return ABSENT, None
        if ref.listed and not need_bytes:
            return PhotoState(True), None
        return self.fetch(out.record_id, need_bytes)

    def ensure_absent(self, out: Outcome, check_mode: bool, backup_dir: str | None, want_hash: bool) -> None:
        before, photo_bytes = self.current(out, need_bytes=bool(backup_dir and not check_mode) or want_hash)
        out.before = before
        if not before.present:
            out.after = ABSENT
            return
        if check_mode:
            out.changed, out.after = True, ABSENT
            # What a real run would add: the DELETE, and the GET for the backup that a listing spared here.
            self.client.plan(2 if backup_dir and photo_bytes is None and not want_hash and out.ref.listed else 1)
            return
        if backup_dir and photo_bytes is not None:
            out.backup_file = self.backup(out.record_id, photo_bytes, backup_dir)
        # False when the listing was stale and the photo already gone: not changed.
        out.changed = self.delete(out.record_id)
        out.after = ABSENT

    def ensure_present(self, out: Outcome, image: Image, force: bool, check_mode: bool,
                       backup_dir: str | None) -> None:
        before, photo_bytes = self.current(out, need_bytes=force)
        out.before = before
        if before.present and (not force or self.is_current(out, image, before)):
            out.after = before if not force or before.sha256 == image.state.sha256 else before.marked_reencoded()
            return
        if check_mode:
            out.changed, out.after = True, image.state
            self.client.plan(2)  # the upload and its read-back
            return
        if before.present and backup_dir and photo_bytes is not None:
            out.backup_file = self.backup(out.record_id, photo_bytes, backup_dir)
        self.upload(out.record_id, image)
        # Only now: a failed backup or upload leaves the record unchanged (as ensure_absent does). The upload
        # landed: changed, and src is what Bigin holds unless the read-back says otherwise (or fails).
        out.changed, out.after = True, image.state
        out.after = self.read_back(out, image)

    def read_photo(self, out: Outcome) -> None:
        """bigin_photo_info: record what the record's photo is (present, size, SHA-256, content type)."""
        out.before, _data = self.current(out, need_bytes=True)
