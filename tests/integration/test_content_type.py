# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.2: a photo is recognised by its bytes, whatever Content-Type the API gives it."""

from __future__ import annotations

import hashlib
import os
import struct
import typing as t

import pytest

from tests.simulator.bigin_simulator import JPEG_MIN, PNG_RED, BiginSimulator

BIG = 200 * 1024  # over the 64 KiB read when only presence matters
IDS = ["3000000038201", "3000000038202", "3000000038203", "3000000038204"]
CONTENT_TYPES = ["application/octet-stream", "image/jpg", None, "text/plain"]


def webp(payload: bytes) -> bytes:
    chunk = b"VP8L" + struct.pack("<I", 5) + b"\x2f\x00\x00\x00\x00" + b"\0"
    body = b"WEBP" + chunk + payload
    return b"RIFF" + struct.pack("<I", len(body)) + body


def big(image: bytes, fill: int) -> bytes:
    return image + bytes([fill]) * BIG


PHOTOS = [big(JPEG_MIN, 1), big(PNG_RED, 2), webp(b"\3" * BIG), big(JPEG_MIN, 4)]


def absent(record_id: t.Any, **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "record_id": record_id, "state": "absent"}
    args.update(extra)
    return {"name": "delete", "zoho.bigin.bigin_photo": args, "ignore_errors": True}


def seed(sim: BiginSimulator) -> None:
    for record_id, photo, content_type in zip(IDS, PHOTOS, CONTENT_TYPES):
        sim.add_record("Contacts", record_id, photo=photo)
        sim.set_content_type("Contacts", record_id, content_type)


def test_big_photos_with_any_content_type_are_deleted(sim: BiginSimulator, play: t.Any) -> None:
    seed(sim)
    result = play([absent(IDS)])

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert [r["changed"] for r in task["records"]] == [True] * 4
    assert sim.photo_count() == 0
    gets = sim.api_requests("GET")
    assert len(gets) == 4 and len(sim.api_requests("DELETE")) == 4
    # The simulator really served those labels.
    assert sorted(str(e["path"]) for e in gets) == sorted("/bigin/v2/Contacts/%s/photo" % r for r in IDS)


def test_backups_of_photos_with_any_content_type(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    seed(sim)
    backups = tmp_path / "backups"
    result = play([absent(IDS, backup_dir=str(backups))])

    task = result.task()
    assert task["_status"] == "ok", result.output
    for record, photo in zip(task["records"], PHOTOS):
        with open(record["backup_file"], "rb") as handle:
            assert hashlib.sha256(handle.read()).hexdigest() == hashlib.sha256(photo).hexdigest()
    assert [os.path.splitext(r["backup_file"])[1] for r in task["records"]] == [".jpg", ".png", ".webp", ".jpg"]
    assert sim.photo_count() == 0


@pytest.mark.parametrize("body, content_type", [
    (b'{"code": "INTERNAL_ERROR", "status": "error"}' + b" " * BIG, "application/octet-stream"),
    (b"<html><body>Sign in</body></html>" + b" " * BIG, "image/jpeg"),
    (b"", "image/png"),
], ids=["json", "html-labelled-image", "empty"])
def test_a_body_that_is_not_an_image_stops_that_record(sim: BiginSimulator, play: t.Any, tmp_path: t.Any,
                                                       body: bytes, content_type: str) -> None:
    sim.add_record("Contacts", IDS[0], photo=PNG_RED)
    sim.inject_response(200, body=body, headers={"Content-Type": content_type}, method="GET")
    for backup in (None, str(tmp_path / "backups")):
        extra = {"backup_dir": backup} if backup else {}
        result = play([absent(IDS[0], **extra)])
        task = result.task()
        assert task["_status"] == "failed" and task["changed"] is False
        assert "not an image" in task["msg"] and content_type in task["msg"]
        assert sim.photo("Contacts", IDS[0]) == PNG_RED
        assert sim.api_requests("DELETE") == []
        if backup:
            assert os.listdir(backup) == []
        sim.inject_response(200, body=body, headers={"Content-Type": content_type}, method="GET")
