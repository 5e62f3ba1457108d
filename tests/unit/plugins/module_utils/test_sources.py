# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of where a photo is read from (module_utils/_sources.py), in the order of its source.

photo_marker on hand-made listed records; Image on files in the test's directory; PhotoReader through a real BiginClient against a started
simulator (its failures, as PhotoService meets them, are in test_photo.py).
"""

from __future__ import annotations

import os
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils import _files
from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError
from ansible_collections.zoho.bigin.plugins.module_utils._image import ABSENT, PhotoState
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef
from ansible_collections.zoho.bigin.plugins.module_utils._sources import (
    MAX_PHOTO_BYTES,
    PHOTO_LISTING_FIELDS,
    SMALL_BODY,
    Image,
    PhotoReader,
    photo_marker,
)
from tests.conftest import RECORD, sha
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_BLUE, PNG_RED, BiginSimulator
from tests.unit.plugins.conftest import NO_PHOTO, Wire


# -- PHOTO_LISTING_FIELDS and photo_marker: what a listed record's Record_Image says -------------------

def test_photo_marker_of_a_listed_record_with_a_photo() -> None:
    assert PHOTO_LISTING_FIELDS == ("Record_Image",)
    listed = RecordRef.from_record("Contacts", {"id": "1", "Record_Image": "abc123", "Last_Name": "X"})
    assert (listed.listed, photo_marker(listed), listed.fields["Last_Name"]) == (True, "abc123", "X")


@pytest.mark.parametrize("record", [{"id": "2", "Record_Image": None}, {"id": "2", "Record_Image": ""},
                                    {"id": "2", "Record_Image": 0}, {"id": "2", "Record_Image": {"x": 1}}, {"id": "2"}],
                         ids=["null", "empty", "number", "object", "field-not-read"])
def test_anything_but_a_non_empty_string_is_no_photo(record: dict[str, t.Any]) -> None:
    assert photo_marker(RecordRef.from_record("Contacts", record)) is None


def test_an_unlisted_record_has_no_marker() -> None:
    unlisted = RecordRef("Contacts", "3")
    assert (unlisted.listed, photo_marker(unlisted), unlisted.fields) == (False, None, {})


# -- Image (its 10-megapixel limit is tested in test_image.py, on hand-built headers) ----------------

@pytest.mark.parametrize("data, ext, content_type", [
    (PNG_RED, "png", "image/png"),
    (JPEG_MIN, "jpg", "image/jpeg"),
    (GIF_MIN, "gif", "image/gif"),
    (b"GIF87a" + GIF_MIN[6:], "gif", "image/gif"),
    (BMP_MIN, "bmp", "image/bmp"),
])
def test_image_by_magic_bytes(tmp_path: t.Any, data: bytes, ext: str, content_type: str) -> None:
    path = tmp_path / "photo.whatever"
    path.write_bytes(data)
    image = Image(str(path))
    assert (image.ext, image.content_type) == (ext, content_type)
    assert image.data == data
    assert image.filename == "photo.whatever"
    assert image.state.to_dict() == {"present": True, "size": len(data), "sha256": sha(data)}


@pytest.mark.parametrize("data", [b"not an image", b"\x89PNG", b"<svg/>", b"RIFF\0\0\0\0WEBPVP8 "])
def test_image_that_is_not_a_supported_image(tmp_path: t.Any, data: bytes) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(data)
    with pytest.raises(InputError, match="^src: .* is not a PNG, JPEG, GIF or BMP image$"):
        Image(str(path))


def test_empty_image(tmp_path: t.Any) -> None:
    path = tmp_path / "empty.png"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="^src: .*empty.png is empty$"):
        Image(str(path))


def test_image_over_10_mb(tmp_path: t.Any) -> None:
    path = tmp_path / "huge.png"
    with open(path, "wb") as handle:
        handle.write(PNG_RED)
        handle.truncate(MAX_PHOTO_BYTES + 1)  # sparse: cheap on disk
    with pytest.raises(InputError) as info:
        Image(str(path))
    assert str(info.value) == "src: %s is larger than 10 MB (%d bytes), the API's upload limit" % (
        path, MAX_PHOTO_BYTES + 1)


def test_image_of_exactly_10_mb_is_accepted(tmp_path: t.Any) -> None:
    path = tmp_path / "limit.png"
    with open(path, "wb") as handle:
        handle.write(PNG_RED)
        handle.truncate(MAX_PHOTO_BYTES)
    assert Image(str(path)).state.size == MAX_PHOTO_BYTES


def test_missing_image(tmp_path: t.Any) -> None:
    with pytest.raises(InputError, match="^src: .*nope.png does not exist or is not a file$"):
        Image(str(tmp_path / "nope.png"))


def test_directory_as_image(tmp_path: t.Any) -> None:
    with pytest.raises(InputError, match="does not exist or is not a file$"):
        Image(str(tmp_path))


def test_unreadable_image(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.png"
    path.write_bytes(PNG_RED)
    os.chmod(path, 0)
    if os.geteuid() == 0:  # root reads any file: make the open fail as it would for a user
        def denied(*args: t.Any, **kwargs: t.Any) -> t.Any:
            raise PermissionError(13, "Permission denied", str(path))

        monkeypatch.setattr(_files.os, "open", denied)
    with pytest.raises(InputError) as info:
        Image(str(path))
    assert str(info.value) == "src: %s cannot be read (Permission denied)" % path


@pytest.mark.parametrize("kind", ["fifo", "link to /dev/zero"])
def test_special_files_are_not_read_as_images(tmp_path: t.Any, kind: str) -> None:
    # A FIFO would block the open, /dev/zero would read for ever: neither is opened for reading.
    path = tmp_path / "logo.png"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(InputError, match="does not exist or is not a file$"):
        Image(str(path))


def test_a_src_link_the_user_named_is_followed_like_copy_does(tmp_path: t.Any) -> None:
    (tmp_path / "logo-v2.png").write_bytes(PNG_RED)
    (tmp_path / "logo.png").symlink_to(tmp_path / "logo-v2.png")
    image = Image(str(tmp_path / "logo.png"))
    assert image.data == PNG_RED and image.filename == "logo.png"
    with pytest.raises(InputError, match="does not exist or is not a file$"):
        Image(str(tmp_path / "logo.png"), follow=False)


# -- PhotoReader -------------------------------------------------------------------------------------

def test_the_reader_alone_reads_a_photo_with_one_get(wire: t.Callable[..., Wire], sim: BiginSimulator) -> None:
    # What the export reads through, without the photo feature's service.
    reader = PhotoReader(wire().client, "Contacts")
    state, data = reader.fetch(RECORD, need_bytes=True)
    assert data == PNG_RED
    assert state.to_dict(with_type=True) == {"present": True, "size": len(PNG_RED), "sha256": sha(PNG_RED),
                                             "content_type": "image/png"}
    assert reader.fetch(NO_PHOTO, need_bytes=True) == (ABSENT, None)
    assert [entry["method"] for entry in sim.api_requests()] == ["GET", "GET"]


def test_the_reader_reads_a_big_photo_only_when_its_bytes_are_needed(wire: t.Callable[..., Wire],
                                                                     sim: BiginSimulator) -> None:
    big = PNG_BLUE + b"\0" * (2 * SMALL_BODY)
    sim.set_photo("Contacts", RECORD, big)
    reader = PhotoReader(wire().client, "Contacts")
    state, data = reader.fetch(RECORD, need_bytes=False)
    assert data is None and state.to_dict() == {"present": True, "size": len(big)}  # from Content-Length, unread
    state, data = reader.fetch(RECORD, need_bytes=True)
    assert data == big and state.to_dict() == PhotoState.of(big).to_dict()
