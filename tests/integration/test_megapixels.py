# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.6: a src over 10 megapixels, or with a corrupt header, fails before any request."""

from __future__ import annotations

import struct
import typing as t
import zlib

import pytest

from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

RECORD = "3000000038601"


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + ihdr
            + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr)) + b"\0" * 16)


@pytest.mark.parametrize("data, expected", [
    (png(5000, 2001), "is 5000x2001 pixels (10005000), over the API's upload limit of 10000000 pixels"),
    (png(5000, 2001)[:20], "is a corrupt PNG image (truncated header)"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "is a corrupt JPG image"),
], ids=["too-many-pixels", "truncated-png", "truncated-jpeg"])
def test_src_refused_before_any_request(sim: BiginSimulator, play: t.Any, tmp_path: t.Any, data: bytes,
                                        expected: str) -> None:
    sim.add_record("Contacts", RECORD, photo=PNG_RED)
    src = tmp_path / "src.img"
    src.write_bytes(data)
    result = play([{"name": "upload", "zoho.bigin.bigin_photo": {
        "module": "Contacts", "record_id": RECORD, "src": str(src)}, "ignore_errors": True}], auth="both")

    task = result.task()
    assert task["_status"] == "failed"
    assert task["msg"].startswith("src: %s %s" % (src, expected))
    assert sim.requests == []
    assert sim.photo("Contacts", RECORD) == PNG_RED
