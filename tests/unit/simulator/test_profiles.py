# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's behaviour profiles (tests/simulator/profiles.py and the switches in the area files).

The table and its helpers, then each switch at each value over HTTP: the constructor argument,
``set_profile``, ``/_simulator/profile`` and ``reset``.  The CLI flags are tested in test_cli.
"""

from __future__ import annotations

import contextlib
import struct
import typing as t
import zlib

import pytest
import requests

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, sha
from tests.simulator.bigin_simulator import BMP_MIN, GIF_MIN, JPEG_MIN, PNG_1x1, PNG_BLUE, PNG_RED, BiginSimulator, image_type
from tests.simulator.photos import REENCODED_NOTE, reencode
from tests.simulator.profiles import DEFAULT_PROFILE, NOT_FOUND_BODY, PROFILE_SWITCHES, check_profile, profile_params, profile_variants

from .conftest import CONTACT, CONTACT_NO_PHOTO, SEARCH_TOKEN, assert_error, auth, photo_url, refresh


@contextlib.contextmanager
def profiled(profile: dict[str, str]) -> t.Iterator[BiginSimulator]:
    """A started simulator of that profile with the test tokens, client, CONTACT (PNG_RED) and CONTACT_NO_PHOTO."""
    with BiginSimulator(profile=profile) as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_token(SEARCH_TOKEN, scopes=("ZohoBigin.modules.ALL", "ZohoSearch.securesearch.READ"))
        simulator.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        simulator.add_record("Contacts", CONTACT, photo=PNG_RED)
        simulator.add_record("Contacts", CONTACT_NO_PHOTO)
        yield simulator


def upload(sim: BiginSimulator, data: bytes, record_id: str = CONTACT, name: str = "a.png") -> requests.Response:
    return requests.post(photo_url(sim, record_id=record_id), files={"file": (name, data)}, headers=auth(), timeout=10)


# ---------------------------------------------------------------------------
# The table and its helpers
# ---------------------------------------------------------------------------
def test_table_defaults_are_the_first_values() -> None:
    assert set(PROFILE_SWITCHES) == {"upload_storage", "search_equals", "no_photo_get", "marker_on_replace",
                                     "token_throttle_status"}
    assert DEFAULT_PROFILE == {"upload_storage": "exact", "search_equals": "exact", "no_photo_get": "204",
                               "marker_on_replace": "new", "token_throttle_status": "400"}
    for values in PROFILE_SWITCHES.values():
        assert len(values) == len(set(values)) >= 2


def test_check_profile_fills_defaults_and_refuses_unknowns() -> None:
    assert check_profile(None) == DEFAULT_PROFILE
    assert check_profile({"no_photo_get": "404"}) == dict(DEFAULT_PROFILE, no_photo_get="404")
    assert check_profile({"token_throttle_status": 200})["token_throttle_status"] == "200"
    with pytest.raises(ValueError, match="unknown profile switch 'nope'"):
        check_profile({"nope": "x"})
    with pytest.raises(ValueError, match="no_photo_get: '500' is not one of 204, 200-empty, 404, 400-no-photo"):
        check_profile({"no_photo_get": "500"})


def test_profile_params_one_switch_changed_at_a_time() -> None:
    params = profile_params("no_photo_get", "marker_on_replace")
    assert [p.id for p in params] == ["default", "no_photo_get=200-empty", "no_photo_get=404", "no_photo_get=400-no-photo",
                                      "marker_on_replace=same"]
    assert [p.values for p in params] == [({},), ({"no_photo_get": "200-empty"},), ({"no_photo_get": "404"},),
                                          ({"no_photo_get": "400-no-photo"},), ({"marker_on_replace": "same"},)]
    every = profile_variants()
    assert len(every) == 1 + sum(len(v) - 1 for v in PROFILE_SWITCHES.values())
    with pytest.raises(ValueError):
        profile_params("nope")


def test_set_profile_control_endpoint_and_reset() -> None:
    with BiginSimulator(profile={"upload_storage": "reencoded"}) as sim:
        assert sim.profile == dict(DEFAULT_PROFILE, upload_storage="reencoded")
        assert sim.set_profile(no_photo_get="404")["no_photo_get"] == "404"
        assert sim.profile["upload_storage"] == "reencoded"  # untouched switches keep their value
        answer = requests.get(sim.url + "/_simulator/profile", timeout=10).json()
        assert answer["profile"]["no_photo_get"] == "404" and answer["switches"]["search_equals"] == ["exact", "word", "contains"]
        resp = requests.post(sim.url + "/_simulator/profile", json={"search_equals": "word"}, timeout=10)
        assert resp.status_code == 200 and resp.json()["profile"]["search_equals"] == "word"
        assert sim.profile["search_equals"] == "word"
        resp = requests.post(sim.url + "/_simulator/profile", json={"search_equals": "fuzzy"}, timeout=10)
        assert resp.status_code == 400 and "not one of" in resp.json()["error"]
        assert requests.post(sim.url + "/_simulator/profile", data=b"[1]", timeout=10).status_code == 400
        sim.reset()
        assert sim.profile == dict(DEFAULT_PROFILE, upload_storage="reencoded")
    with pytest.raises(ValueError):
        BiginSimulator(profile={"marker_on_replace": "sometimes"})


# ---------------------------------------------------------------------------
# upload_storage
# ---------------------------------------------------------------------------
def png_chunks(data: bytes) -> list[bytes]:
    """The chunk types of a PNG, each CRC checked; the image data must decompress."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    pos, tags, idat = 8, [], b""
    while pos < len(data):
        (length,) = struct.unpack_from(">I", data, pos)
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        assert struct.unpack_from(">I", data, pos + 8 + length)[0] == zlib.crc32(tag + body)
        tags.append(tag)
        idat += body if tag == b"IDAT" else b""
        pos += 12 + length
    zlib.decompress(idat)
    return tags


def jpeg_markers(data: bytes) -> list[int]:
    """The markers of a JPEG up to SOS, each segment length inside the file; it ends with EOI."""
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    pos, markers = 2, []
    while data[pos + 1] != 0xDA:
        assert data[pos] == 0xFF
        markers.append(data[pos + 1])
        (length,) = struct.unpack_from(">H", data, pos + 2)
        pos += 2 + length
        assert pos < len(data)
    return markers


@pytest.mark.parametrize("image", [PNG_RED, PNG_1x1, JPEG_MIN, GIF_MIN, BMP_MIN], ids=["png", "png-rgba", "jpeg", "gif", "bmp"])
def test_reencode_gives_another_valid_image_of_the_same_type(image: bytes) -> None:
    stored = reencode(image)
    assert stored != image and REENCODED_NOTE in stored
    assert image_type(stored) == image_type(image)
    if image.startswith(b"\x89PNG"):
        assert png_chunks(stored) == [b"IHDR", b"IDAT", b"tEXt", b"IEND"]
    elif image.startswith(b"\xff\xd8"):
        assert jpeg_markers(stored) == [0xFE] + jpeg_markers(image)
    elif image.startswith(b"GIF"):
        assert stored.endswith(b"\x00\x3b") and stored[:-1].startswith(image[:-1])
    else:
        assert struct.unpack_from("<I", stored, 2)[0] == len(stored) and stored[14:].startswith(image[14:])


@pytest.mark.parametrize("storage", PROFILE_SWITCHES["upload_storage"])
def test_upload_storage(storage: str) -> None:
    with profiled({"upload_storage": storage}) as sim:
        assert upload(sim, PNG_BLUE).status_code == 200
        served = requests.get(photo_url(sim), headers=auth(), timeout=10).content
        assert served == sim.photo("Contacts", CONTACT)
        if storage == "exact":
            assert sha(served) == sha(PNG_BLUE)
        else:
            assert served == reencode(PNG_BLUE) and sha(served) != sha(PNG_BLUE)


# ---------------------------------------------------------------------------
# search_equals
# ---------------------------------------------------------------------------
NAMES = ("Smith", "anna smith jones", "Smith Ltd", "Smithson", "Goldsmith", "Acme (UK), Ltd")


@pytest.mark.parametrize("mode, value, expected", [
    ("exact", "Smith", ["Smith"]),
    ("exact", "smith", ["Smith"]),
    ("word", "Smith", ["Smith", "anna smith jones", "Smith Ltd"]),
    ("word", "Smith Jones", ["anna smith jones"]),
    ("contains", "smith", ["Smith", "anna smith jones", "Smith Ltd", "Smithson", "Goldsmith"]),
    ("exact", r"Acme \(UK\)\, Ltd", ["Acme (UK), Ltd"]),
    ("word", r"\(UK\)", ["Acme (UK), Ltd"]),
])
def test_search_equals(mode: str, value: str, expected: list[str]) -> None:
    with profiled({"search_equals": mode}) as sim:
        for i, name in enumerate(NAMES):
            sim.add_record("Contacts", str(3000000300000 + i), fields={"Last_Name": name})
        resp = requests.get(sim.url + "/bigin/v2/Contacts/search", headers=auth(SEARCH_TOKEN), timeout=10,
                            params={"criteria": "(Last_Name:equals:%s)" % value, "fields": "Last_Name"})
        assert resp.status_code == 200, resp.text
        assert sorted(r["Last_Name"] for r in resp.json()["data"]) == sorted(expected)


@pytest.mark.parametrize("mode", PROFILE_SWITCHES["search_equals"])
def test_other_operators_do_not_follow_search_equals(mode: str) -> None:
    with profiled({"search_equals": mode}) as sim:
        for i, name in enumerate(NAMES):
            sim.add_record("Contacts", str(3000000300000 + i), fields={"Last_Name": name})
        # not_equal: the five other names and the two records of profiled() without a Last_Name
        criteria = {r"(Last_Name:not_equal:Smith)": 7, r"(Last_Name:in:Smith,Acme \(UK\)\, Ltd)": 2,
                    "(Last_Name:starts_with:smith)": 3}
        for text, count in criteria.items():
            resp = requests.get(sim.url + "/bigin/v2/Contacts/search", params={"criteria": text}, headers=auth(SEARCH_TOKEN),
                                timeout=10)
            assert resp.json()["info"]["count"] == count, text


# ---------------------------------------------------------------------------
# no_photo_get
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("answer", PROFILE_SWITCHES["no_photo_get"])
def test_no_photo_get(answer: str) -> None:
    with profiled({"no_photo_get": answer}) as sim:
        resp = requests.get(photo_url(sim, record_id=CONTACT_NO_PHOTO), headers=auth(), timeout=10)
        if answer == "204":
            assert resp.status_code == 204 and resp.content == b""
        elif answer == "200-empty":
            assert resp.status_code == 200 and resp.content == b"" and "Content-Type" not in resp.headers
        elif answer == "404":
            assert resp.status_code == 404 and resp.json() == NOT_FOUND_BODY
        else:
            assert_error(resp, "INVALID_DATA_NO_PHOTO")
        # a record with a photo and an unknown record are answered as before
        assert requests.get(photo_url(sim), headers=auth(), timeout=10).content == PNG_RED
        assert_error(requests.get(photo_url(sim, record_id="3000000000404"), headers=auth(), timeout=10), "INVALID_DATA")


# ---------------------------------------------------------------------------
# marker_on_replace
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("marker", PROFILE_SWITCHES["marker_on_replace"])
def test_marker_on_replace(marker: str) -> None:
    with profiled({"marker_on_replace": marker}) as sim:
        first = sim.record_image("Contacts", CONTACT)
        assert upload(sim, PNG_BLUE).status_code == 200
        replaced = sim.record_image("Contacts", CONTACT)
        assert (replaced == first) is (marker == "same")
        sim.set_photo("Contacts", CONTACT, PNG_RED)  # someone else replaces it: the same rule
        assert (sim.record_image("Contacts", CONTACT) == replaced) is (marker == "same")
        sim.set_photo("Contacts", CONTACT, PNG_BLUE, keep_marker=False)  # a test may override the profile
        assert sim.record_image("Contacts", CONTACT) != replaced
        assert requests.delete(photo_url(sim), headers=auth(), timeout=10).ok
        assert sim.record_image("Contacts", CONTACT) is None
        assert upload(sim, PNG_RED).status_code == 200  # a photo where there was none: a marker
        assert sim.record_image("Contacts", CONTACT) is not None
        assert upload(sim, PNG_RED, record_id=CONTACT_NO_PHOTO).status_code == 200
        assert sim.record_image("Contacts", CONTACT_NO_PHOTO) is not None


# ---------------------------------------------------------------------------
# token_throttle_status
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("status", PROFILE_SWITCHES["token_throttle_status"])
def test_token_throttle_status(status: str) -> None:
    with profiled({"token_throttle_status": status}) as sim:
        for _attempt in range(10):
            assert refresh(sim).status_code == 200
        resp = refresh(sim)
        assert resp.status_code == int(status)
        assert resp.json()["error"] == "Access Denied" and "access_token" not in resp.json()
        assert refresh(sim, client_secret="wrong").status_code == 200  # other token errors: 200 as before
