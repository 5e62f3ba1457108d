# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of what an image is by its bytes (module_utils/_image.py), in the order of its source: its type,
PhotoState, and sizes read from hand-built headers; and the 10-megapixel limit that Image
(module_utils/_sources.py) puts on src, on the same headers."""

from __future__ import annotations

import struct
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError
from ansible_collections.zoho.bigin.plugins.module_utils._image import (
    ABSENT,
    IMAGE_EXTS,
    HeaderError,
    PhotoState,
    image_ext,
    image_size,
    image_type,
)
from ansible_collections.zoho.bigin.plugins.module_utils._sources import Image
from tests.conftest import png_header, sha
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_RED


def gif(width: int, height: int) -> bytes:
    return b"GIF89a" + struct.pack("<HH", width, height) + b"\0" * 8


def bmp_info(width: int, height: int) -> bytes:
    dib = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, 0, 0, 0, 0, 0)
    return b"BM" + struct.pack("<IHHI", 0, 0, 0, 54) + dib


def bmp_core(width: int, height: int) -> bytes:
    return b"BM" + struct.pack("<IHHI", 0, 0, 0, 26) + struct.pack("<IHHHH", 12, width, height, 1, 24)


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def jpeg(width: int, height: int, sof: int = 0xC0, before: bytes = b"") -> bytes:
    frame = segment(sof, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    return b"\xff\xd8" + before + frame + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x00\xff\xd9"


def webp_vp8(width: int, height: int) -> bytes:
    frame = b"\x10\x02\x00" + b"\x9d\x01\x2a" + struct.pack("<HH", width, height)
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(frame)) + b"WEBP" + b"VP8 " + struct.pack("<I", len(frame)) + frame


def webp_vp8l(width: int, height: int) -> bytes:
    bits = (width - 1) | ((height - 1) << 14)
    data = b"\x2f" + struct.pack("<I", bits)
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(data)) + b"WEBP" + b"VP8L" + struct.pack("<I", len(data)) + data


def webp_vp8x(width: int, height: int) -> bytes:
    data = b"\0\0\0\0" + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return b"RIFF" + struct.pack("<I", 4 + 8 + len(data)) + b"WEBP" + b"VP8X" + struct.pack("<I", len(data)) + data


APP0 = segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
APP1 = segment(0xE1, b"Exif\x00\x00" + b"\xff\xc0" * 40)  # SOF-looking bytes inside a segment must be skipped
DQT = segment(0xDB, b"\x00" + b"\x01" * 64)
DHT = segment(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")  # C4 is not a frame
DAC = segment(0xCC, b"\x00\x11")  # neither is CC


# -- image_type and image_ext -----------------------------------------------------------------------

def test_image_type() -> None:
    assert image_type(JPEG_MIN) == ("jpg", "image/jpeg")
    assert image_type(b"") is None


def test_image_exts_and_the_extension_of_a_file() -> None:
    # The order is the one messages list them in (a restore's "looked for ...{png,jpg,gif,bmp,webp}").
    assert IMAGE_EXTS == ("png", "jpg", "gif", "bmp", "webp")
    assert [image_ext(data) for data in (PNG_RED, JPEG_MIN, GIF_MIN, BMP_MIN, webp_vp8x(1, 1))] == list(IMAGE_EXTS)
    assert image_ext(b"\0\1unknown") == "bin"


# -- PhotoState -------------------------------------------------------------------------------------

def test_photo_state_dicts() -> None:
    state = PhotoState.of(PNG_RED, "image/png")
    assert state.to_dict() == {"present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED)}
    assert state.to_dict(with_type=True) == {"present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED),
                                             "content_type": "image/png"}
    assert PhotoState(True, 10).to_dict(with_type=True) == {"present": True, "size": 10}
    assert ABSENT.to_dict() == {"present": False}


# -- image_size -------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, size", [
    (png_header(1234, 567), (1234, 567)),
    (gif(640, 480), (640, 480)),
    (bmp_info(300, 200), (300, 200)),
    (bmp_info(300, -200), (300, 200)),  # top-down bitmap
    (bmp_core(31, 17), (31, 17)),
    (jpeg(4000, 2500), (4000, 2500)),
    (jpeg(800, 600, before=APP0 + APP1 + DQT + DHT + DAC), (800, 600)),
    (jpeg(800, 600, sof=0xC2, before=APP0), (800, 600)),  # progressive
    (jpeg(77, 66, sof=0xCF, before=b"\xff\xff" + DQT), (77, 66)),  # fill bytes, SOF15
    (webp_vp8(1024, 768), (1024, 768)),
    (webp_vp8l(5000, 3000), (5000, 3000)),
    (webp_vp8x(16383, 16383), (16383, 16383)),
    (PNG_RED, (1, 1)), (JPEG_MIN, (8, 8)), (GIF_MIN, (1, 1)), (BMP_MIN, (1, 1)),
], ids=["png", "gif", "bmp", "bmp-top-down", "bmp-core", "jpeg", "jpeg-app-segments", "jpeg-progressive",
        "jpeg-fill-sof15", "webp-vp8", "webp-vp8l", "webp-vp8x", "sim-png", "sim-jpeg", "sim-gif", "sim-bmp"])
def test_image_size(data: bytes, size: tuple[int, int]) -> None:
    assert image_size(data) == size


@pytest.mark.parametrize("data", [
    png_header(10, 10)[:20],
    b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IDAT" + b"\0" * 13,
    png_header(0, 10),
    gif(10, 10)[:8],
    bmp_info(10, 10)[:20],
    b"BM" + b"\0" * 12 + struct.pack("<I", 8) + b"\0" * 8,
    b"\xff\xd8" + APP0 + DQT,  # ends before any frame
    b"\xff\xd8" + APP0 + segment(0xDA, b"\0" * 6),  # scan before frame
    b"\xff\xd8" + APP0 + b"\x00\x00garbage",
    b"\xff\xd8" + b"\xff\xe0\x00\x01",  # length below 2
    jpeg(10, 0),
    webp_vp8(10, 10)[:24],
    webp_vp8l(10, 10)[:22],
    webp_vp8x(10, 10)[:26],
    b"RIFF\0\0\0\0WEBPVP9 " + b"\0" * 10,
], ids=["png-short", "png-no-ihdr", "png-zero", "gif-short", "bmp-short", "bmp-unknown-dib", "jpeg-no-sof",
        "jpeg-sos-first", "jpeg-bad-marker", "jpeg-bad-length", "jpeg-dnl", "vp8-short", "vp8l-short",
        "vp8x-short", "webp-unknown"])
def test_corrupt_headers_are_errors(data: bytes) -> None:
    with pytest.raises(HeaderError):
        image_size(data)


# -- Image (_sources.py): the 10-megapixel limit on src ---------------------------------------------

@pytest.mark.parametrize("data, dims", [
    (png_header(4000, 2501), "4000x2501"),
    (jpeg(5000, 2001, before=APP0 + APP1), "5000x2001"),
    (gif(65535, 200), "65535x200"),
    (bmp_info(10000, -1001), "10000x1001"),
])
def test_src_over_ten_megapixels_is_refused(tmp_path: t.Any, data: bytes, dims: str) -> None:
    path = tmp_path / "big"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        Image(str(path))
    text = str(info.value)
    assert text.startswith("src: %s is %s pixels" % (path, dims))
    assert "10000000 pixels (10 megapixels)" in text


def test_src_of_exactly_ten_megapixels_is_fine(tmp_path: t.Any) -> None:
    path = tmp_path / "ok.png"
    path.write_bytes(png_header(4000, 2500))
    assert Image(str(path)).ext == "png"


def test_src_with_a_corrupt_header_is_refused(tmp_path: t.Any) -> None:
    path = tmp_path / "bad.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF")
    with pytest.raises(InputError, match=r"^src: .*bad\.jpg is a corrupt JPG image \(truncated header"):
        Image(str(path))
