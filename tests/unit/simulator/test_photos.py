# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's photo area (tests/simulator/photos.py).

The sample images and ``image_type``; GET, DELETE and POST of ``/bigin/{v}/{Module}/{id}/photo``;
the per-record settings (permission, denied and locked records, content type) and the
truncated-image fault.  Every test runs on ``sample_records``.
"""

from __future__ import annotations

import http.client

import pytest
import requests

from tests.simulator import bigin_simulator as bs
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_1x1, PNG_BLUE, PNG_RED, BiginSimulator

from .conftest import ACCOUNT, CONTACT, CONTACT_NO_PHOTO, assert_error, auth, connection, photo_url

pytestmark = pytest.mark.usefixtures("sample_records")


# ---------------------------------------------------------------------------
# The sample images and image_type
# ---------------------------------------------------------------------------
def test_sample_images_are_distinct_and_typed() -> None:
    images = [PNG_1x1, PNG_RED, PNG_BLUE, bs.PNG_GREEN, JPEG_MIN, GIF_MIN, BMP_MIN]
    assert len(set(images)) == len(images)
    assert [bs.image_type(i)[1] for i in images] == ["png"] * 4 + ["jpg", "gif", "bmp"]
    assert bs.image_type(b"hello") is None


# ---------------------------------------------------------------------------
# PhotosMixin._photo_record: the record of a photo URL
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("record_id", ["abc", "12a3", "999999999", "-1", "3000000040001"])
def test_invalid_record_id(sim: BiginSimulator, record_id: str) -> None:
    # 3000000040001 exists, but in Accounts, not in Contacts
    for method in ("GET", "DELETE"):
        assert_error(requests.request(method, photo_url(sim, "Contacts", record_id), headers=auth()), "INVALID_DATA")


# ---------------------------------------------------------------------------
# PhotosMixin._photo_get: GET .../photo
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, ctype, ext",
    [(PNG_RED, "image/png", "png"), (PNG_1x1, "image/png", "png"), (JPEG_MIN, "image/jpeg", "jpg"),
     (GIF_MIN, "image/gif", "gif"), (BMP_MIN, "image/bmp", "bmp")],
)
def test_get_answers_the_photo_with_its_type_length_and_file_name(sim: BiginSimulator, data: bytes, ctype: str, ext: str) -> None:
    sim.add_record("Contacts", "123", photo=data)
    resp = requests.get(photo_url(sim, "Contacts", "123", version="v1"), headers=auth())
    assert resp.status_code == 200
    assert resp.content == data
    assert resp.headers["Content-Type"] == ctype
    assert resp.headers["Content-Length"] == str(len(data))
    assert resp.headers["Content-Disposition"] == 'attachment; filename="123.%s"' % ext


def test_get_no_photo_is_204(sim: BiginSimulator) -> None:
    resp = requests.get(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth())
    assert resp.status_code == 204
    assert resp.content == b""
    assert resp.headers["Content-Length"] == "0"


@pytest.mark.parametrize("ctype", ["application/octet-stream", "image/jpg", None])
def test_photo_content_type_per_record(sim: BiginSimulator, ctype: str | None) -> None:
    sim.set_content_type("Contacts", CONTACT, ctype)
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.status_code == 200 and resp.content == sim.photo("Contacts", CONTACT)
    assert resp.headers.get("Content-Type") == ctype


# ---------------------------------------------------------------------------
# PhotosMixin._photo_delete: DELETE .../photo
# ---------------------------------------------------------------------------
def test_delete_photo(sim: BiginSimulator) -> None:
    resp = requests.delete(photo_url(sim), headers=auth())
    assert resp.status_code == 200
    assert resp.json() == {"code": "SUCCESS", "details": {}, "message": "Photo deleted", "status": "success"}
    assert sim.photo("Contacts", CONTACT) is None
    assert sim.has_record("Contacts", CONTACT)
    assert sim.photo("Accounts", ACCOUNT) == JPEG_MIN
    assert_error(requests.delete(photo_url(sim), headers=auth()), "INVALID_DATA_NO_PHOTO")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 204


def test_delete_without_photo(sim: BiginSimulator) -> None:
    resp = requests.delete(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth())
    assert_error(resp, "INVALID_DATA_NO_PHOTO")
    assert resp.json()["message"] == "No such photo exists"


# ---------------------------------------------------------------------------
# PhotosMixin._photo_upload: POST .../photo
# ---------------------------------------------------------------------------
def test_post_stores_and_replaces(sim: BiginSimulator) -> None:
    resp = requests.post(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth(),
                         files={"file": ("x.png", PNG_BLUE, "image/png")})
    assert resp.status_code == 200
    assert resp.json() == {"code": "SUCCESS", "details": {}, "message": "photo uploaded successfully",
                           "status": "success"}
    assert sim.photo("Contacts", CONTACT_NO_PHOTO) == PNG_BLUE
    resp = requests.post(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth(),
                         files={"file": ("x.jpg", JPEG_MIN, "image/jpeg")})
    assert resp.status_code == 200
    assert sim.photo("Contacts", CONTACT_NO_PHOTO) == JPEG_MIN
    got = requests.get(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth())
    assert got.content == JPEG_MIN and got.headers["Content-Type"] == "image/jpeg"


def test_post_missing_file_field(sim: BiginSimulator) -> None:
    resp = requests.post(photo_url(sim), headers=auth(), files={"photo": ("x.png", PNG_BLUE, "image/png")})
    assert_error(resp, "REQUIRED_PARAM_MISSING", details={"param": "file"})
    resp = requests.post(photo_url(sim), headers=dict(auth(), **{"Content-Type": "image/png"}), data=PNG_BLUE)
    assert_error(resp, "REQUIRED_PARAM_MISSING", details={"param": "file"})
    resp = requests.post(photo_url(sim), headers=auth())
    assert_error(resp, "REQUIRED_PARAM_MISSING", details={"param": "file"})
    assert sim.photo("Contacts", CONTACT) == PNG_RED


def test_post_not_an_image(sim: BiginSimulator) -> None:
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", b"not an image", "image/png")})
    assert_error(resp, "INVALID_DATA_IMAGE_FORMAT")
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", b"", "image/png")})
    assert_error(resp, "INVALID_DATA_IMAGE_FORMAT")
    assert sim.photo("Contacts", CONTACT) == PNG_RED


def test_post_size_limit(sim: BiginSimulator) -> None:
    limit = 10 * 1024 * 1024
    exact = PNG_BLUE + b"\x00" * (limit - len(PNG_BLUE))
    assert len(exact) == limit
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", exact, "image/png")})
    assert resp.status_code == 200, resp.text
    assert sim.photo("Contacts", CONTACT) == exact
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", exact + b"\x00", "image/png")})
    assert_error(resp, "INVALID_DATA_IMAGE_SIZE")
    assert resp.json()["message"] == "The image size exceeds the maximum allowed size of 10 MB"
    assert sim.photo("Contacts", CONTACT) == exact


# ---------------------------------------------------------------------------
# Per-record settings: set_permission, deny_record, lock_record
# ---------------------------------------------------------------------------
def test_no_permission_refuses_delete_until_granted(sim: BiginSimulator) -> None:
    sim.set_permission(delete_images=False)
    assert_error(requests.delete(photo_url(sim), headers=auth()), "NO_PERMISSION")
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    sim.set_permission(delete_images=True)
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200


def test_denied_record_refuses_delete_with_authorization_failed(sim: BiginSimulator) -> None:
    sim.deny_record("Contacts", CONTACT)
    assert_error(requests.delete(photo_url(sim), headers=auth()), "AUTHORIZATION_FAILED")
    assert sim.photo("Contacts", CONTACT) == PNG_RED


def test_locked_record_refuses_delete_and_upload_but_reads(sim: BiginSimulator) -> None:
    sim.lock_record("Contacts", CONTACT)
    assert_error(requests.delete(photo_url(sim), headers=auth()), "RECORD_LOCKED")
    assert_error(requests.post(photo_url(sim), headers=auth(), files={"file": ("a.png", PNG_BLUE)}), "RECORD_LOCKED")
    assert requests.get(photo_url(sim), headers=auth()).content == PNG_RED
    assert sim.photo("Contacts", CONTACT) == PNG_RED


# ---------------------------------------------------------------------------
# PhotosMixin.inject_truncated_image
# ---------------------------------------------------------------------------
def test_truncated_image(sim: BiginSimulator) -> None:
    data = PNG_RED * 20
    sim.add_record("Contacts", "77", photo=data)
    sim.inject_truncated_image()
    conn = connection(sim)
    conn.request("GET", "/bigin/v2/Contacts/77/photo", headers=auth())
    resp = conn.getresponse()
    assert resp.status == 200
    assert resp.getheader("Content-Length") == str(len(data))
    with pytest.raises(http.client.IncompleteRead) as info:
        resp.read()
    assert info.value.partial == data[: len(data) // 2]
    conn.close()
    # consumed: the next GET is whole
    assert requests.get(photo_url(sim, "Contacts", "77"), headers=auth()).content == data


def test_truncation_not_consumed_by_204(sim: BiginSimulator) -> None:
    sim.inject_truncated_image()
    assert requests.get(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth()).status_code == 204
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(photo_url(sim), headers=auth())
