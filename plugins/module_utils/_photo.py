# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a photo operation does, shared by bigin_photo and bigin_photo_info.

This file is private to the collection: its API may change without notice.

Request budget per record chosen by id: absent and info use one GET, plus one
DELETE when there is a photo to delete; present uses one GET, plus one POST when
the photo must change.  A record from a listing (criteria, all_records) carries
its Record_Image (the modules ask the listing for PHOTO_LISTING_FIELDS; photo_marker reads
it, both in _sources.py): no GET unless the bytes are needed (see PhotoService.current).
Every option comes once, to PhotoService's constructor; ``work`` and ``settle`` go to the runner.
How much of a photo a GET reads: PhotoReader (_sources.py), which PhotoService extends.
"""

from __future__ import annotations

import os
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import BiginClient
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BackupError, BiginAPIError
from ansible_collections.zoho.bigin.plugins.module_utils._files import photo_backup_name, sync_directory, utc_stamp
from ansible_collections.zoho.bigin.plugins.module_utils._image import ABSENT, PhotoState, image_ext
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef, RecordResult
from ansible_collections.zoho.bigin.plugins.module_utils._sources import Image, PhotoReader, photo_marker
from ansible_collections.zoho.bigin.plugins.module_utils._stored import StoredCopies


class Outcome(RecordResult):
    """The photo result for one record, as returned in ``records``."""

    __slots__ = ("before", "after", "backup_file")

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


class PhotoService(PhotoReader):
    """The photo of records of one module: read, upload, delete, back up.

    Every option comes once, here: ``state`` (present, absent or info), ``image`` (present: the
    image for a record id, one ``src`` for all or a file per record of a directory), ``force``,
    ``backup_dir``, ``diff`` (absent: hash the photo to delete, for the diff), ``check_mode``;
    ``stored``: the memory of what Bigin made of earlier uploads (see _stored.py); ``warn`` for what
    a user should know of a record that did not fail.
    """

    def __init__(self, client: BiginClient, module_name: str, state: str = "info",
                 image: t.Callable[[str], Image] | None = None, force: bool = True, backup_dir: str | None = None,
                 diff: bool = False, check_mode: bool = False, stored: StoredCopies | None = None,
                 warn: t.Callable[[str], None] | None = None):
        super().__init__(client, module_name)
        self.state = state
        self.image = image
        self.force = force
        self.backup_dir = backup_dir
        self.diff = diff
        self.check_mode = check_mode
        self.stored = stored
        self.warn = warn or (lambda _msg: None)
        # Whether the listing alone settles a record for the state: chosen once, as it runs for every listed record.
        self.settle: t.Callable[[Outcome], bool] = {
            "present": self.settle_present, "absent": self.settle_absent}.get(state, self.settle_info)

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
        path = os.path.join(directory, photo_backup_name(self.module_name, record_id, image_ext(photo_bytes), utc_stamp()))
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
        if out.ref.listed and photo_marker(out.ref) is None:
            out.before = out.after = ABSENT
            return True
        return False

    def settle_present(self, out: Outcome) -> bool:
        """A listed record with a photo and force false: the photo stays."""
        if out.ref.listed and not self.force and photo_marker(out.ref) is not None:
            out.before = out.after = PhotoState(True)
            return True
        return False

    @staticmethod
    def settle_info(out: Outcome) -> bool:
        """A listed record without a photo: nothing to read."""
        if out.ref.listed and photo_marker(out.ref) is None:
            out.before = ABSENT
            return True
        return False

    # -- the three operations -------------------------------------------------

    def work(self, out: Outcome) -> None:
        """What the task's state asks of one record."""
        if self.state == "present":
            self.ensure_present(out, t.cast(t.Callable[[str], Image], self.image)(out.record_id))
        elif self.state == "absent":
            self.ensure_absent(out)
        else:
            self.read_photo(out)

    def current(self, out: Outcome, need_bytes: bool) -> tuple[PhotoState, bytes | None]:
        """The record's photo: from the listing when that says enough, else read with a GET.

        A listed record without a photo costs no request; one with a photo costs a GET
        only when its bytes are needed. An id given by the user is always read.
        """
        ref = out.ref
        if ref.listed and photo_marker(ref) is None:
            return ABSENT, None
        if ref.listed and not need_bytes:
            return PhotoState(True), None
        return self.fetch(out.record_id, need_bytes)

    def ensure_absent(self, out: Outcome) -> None:
        check_mode, backup_dir = self.check_mode, self.backup_dir
        before, photo_bytes = self.current(out, need_bytes=bool(backup_dir and not check_mode) or self.diff)
        out.before = before
        if not before.present:
            out.after = ABSENT
            return
        if check_mode:
            out.changed, out.after = True, ABSENT
            # What a real run would add: the DELETE, and the GET for the backup that a listing spared here.
            self.client.plan(2 if backup_dir and photo_bytes is None and not self.diff and out.ref.listed else 1)
            return
        if backup_dir and photo_bytes is not None:
            out.backup_file = self.backup(out.record_id, photo_bytes, backup_dir)
        # False when the listing was stale and the photo already gone: not changed.
        out.changed = self.delete(out.record_id)
        out.after = ABSENT

    def ensure_present(self, out: Outcome, image: Image) -> None:
        force = self.force
        before, photo_bytes = self.current(out, need_bytes=force)
        out.before = before
        if before.present and (not force or self.is_current(out, image, before)):
            out.after = before if not force or before.sha256 == image.state.sha256 else before.marked_reencoded()
            return
        if self.check_mode:
            out.changed, out.after = True, image.state
            self.client.plan(2)  # the upload and its read-back
            return
        if before.present and self.backup_dir and photo_bytes is not None:
            out.backup_file = self.backup(out.record_id, photo_bytes, self.backup_dir)
        self.upload(out.record_id, image)
        # Only now: a failed backup or upload leaves the record unchanged (as ensure_absent does). The upload
        # landed: changed, and src is what Bigin holds unless the read-back says otherwise (or fails).
        out.changed, out.after = True, image.state
        out.after = self.read_back(out, image)

    def read_photo(self, out: Outcome) -> None:
        """bigin_photo_info: record what the record's photo is (present, size, SHA-256, content type)."""
        out.before, _data = self.current(out, need_bytes=True)
