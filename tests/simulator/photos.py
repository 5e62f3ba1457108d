# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Photos for the Bigin simulator: sample images, photo state and the photo API.

``GET|POST|DELETE /bigin/{v1|v2}/{Module}/{record_id}/photo``.  After the checks common
to every API URL (see :mod:`tests.simulator.routes`): user permission to delete images
(403, DELETE only) -> record id syntax and existence (400) -> record privilege (400,
DELETE only) -> record lock (400, DELETE and POST) -> the operation itself. The record's
privilege and lock are records.py's (``_record_refusal``), met by attachments too.
"""

from __future__ import annotations

import re
import struct
import threading
import typing as t
import zlib

from .profiles import NOT_FOUND_BODY
from .records import put_photo
from .responses import Response
from .server import parse_multipart

MAX_PHOTO_BYTES = 10 * 1024 * 1024
PHOTO_PATH_RE = re.compile(r"^/bigin/(v1|v2)/([^/]+)/([^/]+)/photo$")


# ---------------------------------------------------------------------------
# Sample images (all valid files, built with the standard library).
# ---------------------------------------------------------------------------
def _png_chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def _png(pixel: tuple[int, ...], color_type: int = 2) -> bytes:
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, color_type, 0, 0, 0)
    idat = zlib.compress(b"\x00" + bytes(pixel))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_min() -> bytes:
    """An 8x8 flat grey baseline JPEG (single-code Huffman tables)."""
    out = b"\xff\xd8"  # SOI
    out += b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    out += b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + b"\x01" * 64  # DQT
    out += b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00"  # SOF0
    counts = b"\x01" + b"\x00" * 15
    out += b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + counts + b"\x00"  # DHT DC0
    out += b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + counts + b"\x00"  # DHT AC0
    out += b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"  # SOS
    out += b"\x3f"  # DC diff 0 ("0"), EOB ("0"), padded with ones
    out += b"\xff\xd9"  # EOI
    return out


def _bmp_min() -> bytes:
    pixels = b"\x00\x00\xff\x00"  # one red pixel (BGR) + row padding
    dib = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    size = 14 + len(dib) + len(pixels)
    return b"BM" + struct.pack("<IHHI", size, 0, 0, 14 + len(dib)) + dib + pixels


PNG_1x1 = _png((0, 0, 0, 0), color_type=6)  # transparent
PNG_RED = _png((255, 0, 0))
PNG_GREEN = _png((0, 255, 0))
PNG_BLUE = _png((0, 0, 255))
JPEG_MIN = _jpeg_min()
GIF_MIN = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
BMP_MIN = _bmp_min()


def image_type(data: bytes) -> tuple[str, str] | None:
    """Return (content type, extension) by magic bytes, or None when not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"GIF87a") or data.startswith(b"GIF89a"):
        return "image/gif", "gif"
    if data.startswith(b"BM"):
        return "image/bmp", "bmp"
    return None


#: What ``upload_storage=reencoded`` writes into the stored copy (a comment: the pixels stay the same).
REENCODED_NOTE = b"stored by the Bigin simulator (upload_storage=reencoded)"


def _png_insert_before_iend(data: bytes, chunk: bytes) -> bytes:
    pos = 8
    while pos + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        if data[pos + 4:pos + 8] == b"IEND":
            return data[:pos] + chunk + data[pos:]
        pos += 12 + length
    return data + chunk  # no IEND found: the chunk goes last


def reencode(data: bytes) -> bytes:
    """A different but valid image of the same type as ``data``, as a server that re-encodes might store it.

    PNG: a ``tEXt`` chunk before ``IEND``; JPEG: a ``COM`` segment after SOI; GIF: a comment
    extension before the trailer; BMP: bytes after the pixels (the file size field follows).
    The header fields the collection reads (type, width, height) do not change.
    """
    kind = image_type(data)
    if kind is None:
        return bytes(data)
    ext = kind[1]
    if ext == "png":
        return _png_insert_before_iend(data, _png_chunk(b"tEXt", b"Comment\x00" + REENCODED_NOTE))
    if ext == "jpg":
        return data[:2] + b"\xff\xfe" + struct.pack(">H", len(REENCODED_NOTE) + 2) + REENCODED_NOTE + data[2:]
    if ext == "gif":
        comment = b"\x21\xfe" + bytes([len(REENCODED_NOTE)]) + REENCODED_NOTE + b"\x00"
        if data.endswith(b"\x3b"):
            return data[:-1] + comment + b"\x3b"
        return data + comment
    padded = data + b"\x00" * 4 + REENCODED_NOTE  # bmp
    return padded[:2] + struct.pack("<I", len(padded)) + padded[6:] if len(padded) >= 6 else padded


class PhotosMixin:
    """Photo state, photo permissions and the photo API handlers of the simulator."""

    _lock: threading.RLock
    _records: dict[tuple[str, str], dict[str, t.Any]]
    _error: t.Callable[..., Response]
    _json: t.Callable[..., Response]
    _record_refusal: t.Callable[[str, tuple[str, str]], t.Optional[str]]
    profile: dict[str, str]

    def _reset_photos(self) -> None:
        self._delete_images = True
        self._content_types: dict[tuple[str, str], str | None] = {}  # (module, id) -> Content-Type (None: no header)
        self._truncate: list[list[int]] = []  # [GETs left] per inject_truncated_image call

    # -- photo state ------------------------------------------------------------
    def set_content_type(self, module_name: str, record_id: t.Any, content_type: str | None) -> None:
        """Serve this record's photo with ``content_type`` (None: no Content-Type header at all).

        The real API is not consistent about it: ``image/jpg``, ``application/octet-stream``
        and a missing header are all seen in Zoho traffic.  By default the type follows the bytes.
        """
        with self._lock:
            self._content_types[(module_name, str(record_id))] = content_type

    def set_photo(self, module_name: str, record_id: t.Any, photo: bytes | None, keep_marker: bool | None = None) -> None:
        """Set (or with None, remove) a record's photo as if someone changed it in Bigin: stored as given.

        ``keep_marker`` None follows the profile (``marker_on_replace``); True or False overrides it.
        """
        with self._lock:
            if keep_marker is None:
                keep_marker = self.profile["marker_on_replace"] == "same"
            put_photo(self._records[(module_name, str(record_id))], photo, keep_marker=keep_marker)

    def photo(self, module_name: str, record_id: t.Any) -> bytes | None:
        with self._lock:
            rec = self._records.get((module_name, str(record_id)))
            return None if rec is None else rec["photo"]

    def photo_count(self, module_name: str | None = None) -> int:
        with self._lock:
            return sum(
                1 for (record_module, dummy_id), rec in self._records.items()
                if rec["photo"] is not None and module_name in (None, record_module)
            )

    def inject_truncated_image(self, count: int = 1) -> None:
        """The next ``count`` GETs that return a photo send only half of it, then close."""
        if count < 1:
            raise ValueError("count must be >= 1")
        with self._lock:
            self._truncate.append([count])

    # -- permissions --------------------------------------------------------------
    def set_permission(self, delete_images: bool = True) -> None:
        with self._lock:
            self._delete_images = bool(delete_images)

    # -- the API (routes.py calls these with the lock held) --------------------------
    def _photo_record(self, method: str, module_name: str, record_id: str) -> tuple[dict[str, t.Any] | None, Response | None]:
        """The record a photo request addresses, or the error that answers the request."""
        if method == "DELETE" and not self._delete_images:
            return None, self._error("NO_PERMISSION")
        key = (module_name, record_id)
        if not record_id.isdigit() or not record_id.isascii() or key not in self._records:
            return None, self._error("INVALID_DATA")
        refusal = self._record_refusal(method, key)
        if refusal is not None:
            return None, self._error(refusal)
        return self._records[key], None

    def _photo_get(self, module_name: str, record_id: str, request: dict[str, t.Any]) -> Response:
        rec, err = self._photo_record("GET", module_name, record_id)
        if rec is None:
            return t.cast(Response, err)
        photo = rec["photo"]
        if photo is None:
            return self._no_photo()
        ctype, ext = image_type(photo) or ("application/octet-stream", "bin")
        ctype = self._content_types.get((module_name, record_id), ctype)
        hdrs = [("Content-Disposition", 'attachment; filename="%s.%s"' % (record_id, ext))]
        if ctype is not None:
            hdrs.insert(0, ("Content-Type", ctype))
        resp = Response(200, photo, hdrs, code="SUCCESS")
        if self._truncate:
            self._truncate[0][0] -= 1
            if self._truncate[0][0] <= 0:
                self._truncate.pop(0)
            resp.action = "truncate"
        return resp

    def _no_photo(self) -> Response:
        """The answer to a photo GET of a record without a photo (profile ``no_photo_get``)."""
        answer = self.profile["no_photo_get"]
        if answer == "200-empty":
            return Response(200, b"", code="EMPTY")
        if answer == "404":
            return self._json(404, NOT_FOUND_BODY, code=NOT_FOUND_BODY["code"])
        if answer == "400-no-photo":
            return self._error("INVALID_DATA_NO_PHOTO")
        return Response(204, b"", code="NO_CONTENT")

    def _photo_delete(self, module_name: str, record_id: str, request: dict[str, t.Any]) -> Response:
        rec, err = self._photo_record("DELETE", module_name, record_id)
        if rec is None:
            return t.cast(Response, err)
        if rec["photo"] is None:
            return self._error("INVALID_DATA_NO_PHOTO")
        put_photo(rec, None)
        return self._json(
            200, {"code": "SUCCESS", "details": {}, "message": "Photo deleted", "status": "success"},
            code="SUCCESS")

    def _photo_upload(self, module_name: str, record_id: str, request: dict[str, t.Any]) -> Response:
        rec, err = self._photo_record("POST", module_name, record_id)
        if rec is None:
            return t.cast(Response, err)
        fields = parse_multipart(request["body"], request["headers"].get("Content-Type"))
        if not fields or "file" not in fields:
            return self._error("REQUIRED_PARAM_MISSING", details={"param": "file"})
        content = fields["file"][0]
        request["entry"]["filename"] = fields["file"][1]  # logged: tests check the name the client sent
        if len(content) > MAX_PHOTO_BYTES:
            return self._error("INVALID_DATA_IMAGE_SIZE")
        if image_type(content) is None:
            return self._error("INVALID_DATA_IMAGE_FORMAT")
        if self.profile["upload_storage"] == "reencoded":
            content = reencode(content)
        put_photo(rec, content, keep_marker=self.profile["marker_on_replace"] == "same")
        return self._json(
            200, {"code": "SUCCESS", "details": {}, "message": "photo uploaded successfully", "status": "success"},
            code="SUCCESS")
