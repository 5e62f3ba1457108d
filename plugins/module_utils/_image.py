# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What an image is, read from its bytes alone, for every photo feature.

This file is private to the collection: its API may change without notice.

Its type by its magic bytes (the file extension the collection gives it), what is
known of a photo (PhotoState), and its width and height, read from its header by
hand (no image library on the managed host): the upload API refuses images over
10 megapixels, and reading the size first lets a task fail before it sends anything.
"""

from __future__ import annotations

import hashlib
import struct
import typing as t

# (magic bytes, extension, content type)
IMAGE_SIGNATURES: tuple[tuple[bytes, str, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png", "image/png"),
    (b"\xff\xd8\xff", "jpg", "image/jpeg"),
    (b"GIF87a", "gif", "image/gif"),
    (b"GIF89a", "gif", "image/gif"),
    (b"BM", "bmp", "image/bmp"),
)
# WebP too: Bigin may hold one (it cannot be uploaded, so a restore refuses it by name rather than skip it).
IMAGE_EXTS: tuple[str, ...] = tuple(dict.fromkeys([ext for _magic, ext, _type in IMAGE_SIGNATURES] + ["webp"]))
# The extension of a photo file whose bytes are no image this collection knows.
UNKNOWN_EXT = "bin"


def image_type(data: bytes) -> tuple[str, str] | None:
    """(extension, content type) of an image, by its magic bytes."""
    for magic, ext, content_type in IMAGE_SIGNATURES:
        if data.startswith(magic):
            return ext, content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp", "image/webp"
    return None


def image_ext(data: bytes) -> str:
    """The extension of the file that holds ``data``: its image type's, else UNKNOWN_EXT."""
    kind = image_type(data)
    return kind[0] if kind is not None else UNKNOWN_EXT


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


# JPEG start-of-frame markers: C0 to CF, except DHT (C4), JPG (C8) and DAC (CC), which are not frames.
JPEG_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
# Markers that stand alone, without a length: TEM, RST0-7 (SOI is consumed before the walk).
JPEG_STANDALONE = frozenset([0x01] + list(range(0xD0, 0xD8)))


class HeaderError(ValueError):
    """The header is truncated or not what its magic bytes promise."""


def _unpack(fmt: str, data: bytes, offset: int) -> tuple[int, ...]:
    try:
        return struct.unpack_from(fmt, data, offset)
    except struct.error:
        raise HeaderError("truncated header") from None


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) in pixels of a PNG, JPEG, GIF, BMP or WebP image; HeaderError if unreadable."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        width, height = _png(data)
    elif data.startswith(b"\xff\xd8"):
        width, height = _jpeg(data)
    elif data.startswith((b"GIF87a", b"GIF89a")):
        width, height = _unpack("<HH", data, 6)
    elif data.startswith(b"BM"):
        width, height = _bmp(data)
    elif data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        width, height = _webp(data)
    else:
        raise HeaderError("not a PNG, JPEG, GIF, BMP or WebP image")
    if width <= 0 or height <= 0:
        raise HeaderError("the header gives a size of %dx%d pixels" % (width, height))
    return width, height


def _png(data: bytes) -> tuple[int, int]:
    # The IHDR chunk must come first: length 13, type, width, height.
    length, tag = _unpack(">I4s", data, 8)
    if tag != b"IHDR" or length != 13:
        raise HeaderError("the first chunk is not IHDR")
    width, height = _unpack(">II", data, 16)
    return width, height


def _bmp(data: bytes) -> tuple[int, int]:
    (dib_size,) = _unpack("<I", data, 14)
    if dib_size == 12:  # BITMAPCOREHEADER (OS/2 1.x): unsigned 16-bit
        width, height = _unpack("<HH", data, 18)
    elif dib_size >= 16:  # BITMAPINFOHEADER and its successors: signed 32-bit, negative height = top-down
        width, height = _unpack("<ii", data, 18)
        height = abs(height)
    else:
        raise HeaderError("unknown BMP header of %d bytes" % dib_size)
    return width, height


def _jpeg(data: bytes) -> tuple[int, int]:
    pos = 2
    while True:
        if pos >= len(data):
            raise HeaderError("truncated header: no frame (SOF) marker")
        if data[pos] != 0xFF:
            raise HeaderError("corrupt marker at byte %d" % pos)
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        if pos >= len(data):
            raise HeaderError("truncated header: no frame (SOF) marker")
        marker = data[pos]
        pos += 1
        if marker in JPEG_STANDALONE:
            continue
        if marker in (0xD9, 0xDA):  # EOI or SOS before any frame header
            raise HeaderError("no frame (SOF) marker before the image data")
        (length,) = _unpack(">H", data, pos)
        if length < 2:
            raise HeaderError("corrupt segment length at byte %d" % pos)
        if marker in JPEG_SOF:
            if length < 8:
                raise HeaderError("corrupt frame header")
            height, width = _unpack(">HH", data, pos + 3)
            if height == 0:
                raise HeaderError("the height is left to a DNL marker, which is not supported")
            return width, height
        pos += length


def _webp(data: bytes) -> tuple[int, int]:
    (chunk,) = _unpack("4s", data, 12)
    if chunk == b"VP8 ":  # lossy: 3-byte frame tag, start code, 14-bit sizes
        if data[23:26] != b"\x9d\x01\x2a":
            raise HeaderError("corrupt VP8 frame header")
        width, height = _unpack("<HH", data, 26)
        return width & 0x3FFF, height & 0x3FFF
    if chunk == b"VP8L":  # lossless: signature byte, then 14-bit width-1 and height-1
        if data[20:21] != b"\x2f":
            raise HeaderError("corrupt VP8L header")
        (bits,) = _unpack("<I", data, 21)
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":  # extended: flags, then 24-bit canvas width-1 and height-1
        raw = data[24:30]
        if len(raw) < 6:
            raise HeaderError("truncated header")
        return int.from_bytes(raw[:3], "little") + 1, int.from_bytes(raw[3:], "little") + 1
    raise HeaderError("unknown WebP chunk")
