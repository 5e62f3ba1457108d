# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where the photo features read a photo from: a file on the managed host, or a record in Bigin.

This file is private to the collection: its API may change without notice.

``Image`` is a file to upload, read and checked once (bigin_photo's ``src``, and each file
of a restore from a directory).  ``PhotoReader`` reads the photo of a record with one GET:
PhotoService (bigin_photo, bigin_photo_info) extends it with upload, delete and backup, and the
export reads through it alone, so neither feature imports the other.
"""

from __future__ import annotations

import os

from ansible_collections.zoho.bigin.plugins.module_utils._client import MAX_PHOTO_BODY, BiginClient
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginAPIError, InputError, excerpt
from ansible_collections.zoho.bigin.plugins.module_utils._files import FileTooLarge, NotARegularFile, read_regular
from ansible_collections.zoho.bigin.plugins.module_utils._image import ABSENT, HeaderError, PhotoState, image_size, image_type
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef

MAX_PHOTO_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 10000000
# Bodies up to this size are read even when only presence matters: cheaper than a new connection.
SMALL_BODY = 64 * 1024

# The record field that tells whether a record has a photo. The photo features ask listings for it
# (PHOTO_LISTING_FIELDS), so that a listed record without a photo costs no request.
PHOTO_FIELD = "Record_Image"
PHOTO_LISTING_FIELDS = (PHOTO_FIELD,)


def photo_marker(ref: RecordRef) -> str | None:
    """A listed record's Record_Image: any non-empty string says "a photo" (never parsed); else None (no photo, or not listed)."""
    value = ref.fields.get(PHOTO_FIELD)
    return value if isinstance(value, str) and value else None


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


def no_photo_error(exc: BiginAPIError) -> bool:
    """Whether an error answer to a photo GET means "this record has no photo".

    Bigin's docs imply 204; the delete-image page answers a missing photo with 400 INVALID_DATA
    "No such photo exists", and a 404 NOT_FOUND is what other Zoho APIs give for a missing resource.
    Any other 404 (INVALID_URL_PATTERN: a wrong URL) or 400 stays an error.
    """
    return exc.matches("INVALID_DATA", "No such photo exists") or (exc.http_status == 404 and exc.code == "NOT_FOUND")


class PhotoReader:
    """The photo of records of one module, as Bigin holds it: one GET a record.

    A GET reads the image only when its bytes are needed (backup, diff, comparison, export) or it is
    small enough that reading it keeps the pooled connection alive for the next record; of a larger
    one only the first bytes are read, to make sure it is an image.
    """

    def __init__(self, client: BiginClient, module_name: str):
        self.client = client
        self.module_name = module_name

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
