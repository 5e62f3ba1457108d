# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the Zoho Bigin simulator itself (tests/simulator/bigin_simulator.py)."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest
import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from tests.simulator import bigin_simulator as bs  # noqa: E402
from tests.simulator.bigin_simulator import (  # noqa: E402
    BMP_MIN,
    ERRORS,
    GIF_MIN,
    JPEG_MIN,
    PNG_1x1,
    PNG_BLUE,
    PNG_RED,
    SEED_ERROR_KEYS,
    BiginSimulator,
)

# The "Possible Errors" list of the Delete Photo API reference, kept as data in the repository.
SEED_FIXTURE = os.path.join(REPO_ROOT, "tests", "fixtures", "delete-photo-errors.json")

TOKEN = "1000.testtoken.abcdef"
CLIENT_ID = "1000.CLIENTID"
CLIENT_SECRET = "s3cr3t-client-secret"
REFRESH = "1000.refresh.token.value"
CONTACT = "3000000038009"
CONTACT_NO_PHOTO = "3000000038011"
ACCOUNT = "3000000040001"
PRODUCT = "3000000050001"


@pytest.fixture
def sim():
    s = BiginSimulator().start()
    s.add_token(TOKEN)
    s.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH)
    s.add_record("Contacts", CONTACT, photo=PNG_RED)
    s.add_record("Contacts", CONTACT_NO_PHOTO)
    s.add_record("Accounts", ACCOUNT, photo=JPEG_MIN)
    s.add_record("Products", PRODUCT, photo=GIF_MIN)
    yield s
    s.stop()


def auth(token=TOKEN):
    return {"Authorization": "Zoho-oauthtoken %s" % token}


def photo_url(sim, module="Contacts", record_id=CONTACT, version="v2"):
    return "%s/bigin/%s/%s/%s/photo" % (sim.url, version, module, record_id)


def assert_error(resp, key, details=None):
    code, status, message = ERRORS[key]
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {"code": code, "details": details or {}, "message": message, "status": "error"}


def token_form(**over):
    form = {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH,
    }
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}


# ---------------------------------------------------------------------------
# The error table against the documentation
# ---------------------------------------------------------------------------
def documented_errors():
    """(code, HTTP status, message) of every documented error, in the documented order."""
    with open(SEED_FIXTURE, encoding="utf-8") as fh:
        entries = json.load(fh)["errors"]
    return [(e["code"], e["http_status"], e["message"]) for e in entries]


def test_error_table_matches_seed_documentation():
    documented = documented_errors()
    assert len(documented) == 9, documented
    table = set(ERRORS.values())
    for entry in documented:
        assert entry in table, "documented error missing from the simulator table: %r" % (entry,)
    assert sorted(documented) == sorted(ERRORS[k] for k in SEED_ERROR_KEYS)


# ---------------------------------------------------------------------------
# Every documented error is reachable over HTTP
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("module", ["Companies", "Foo", "contacts", "CONTACTS", "Deals"])
def test_invalid_module_name(sim, module):
    assert_error(requests.get(photo_url(sim, module), headers=auth()), "INVALID_MODULE")


@pytest.mark.parametrize("module", ["Documents", "Projects"])
def test_module_not_supported(sim, module):
    assert_error(requests.delete(photo_url(sim, module), headers=auth()), "INVALID_MODULE_UNSUPPORTED")


def test_disabled_and_unsupported_modules_by_setting(sim):
    assert requests.get(photo_url(sim, "Accounts", ACCOUNT), headers=auth()).status_code == 200
    sim.disable_module("Accounts")
    assert_error(requests.get(photo_url(sim, "Accounts", ACCOUNT), headers=auth()), "INVALID_MODULE")
    sim.mark_unsupported("Products")
    assert_error(requests.get(photo_url(sim, "Products", PRODUCT), headers=auth()), "INVALID_MODULE_UNSUPPORTED")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/bigin/v3/Contacts/%s/photo" % CONTACT,
        "/bigin/v2/Contacts/%s/photos" % CONTACT,
        "/wrong/bigin/v2/Contacts/%s/photo" % CONTACT,
        "/bigin/v2/Contacts/photo",
        "/bigin/v2/%s/photo" % CONTACT,
        "/bigin/v2/Contacts/%s/photo/" % CONTACT,
        "/bigin/v2/Contacts/%s/" % CONTACT,
        "/bigin/v2/Contacts/page",
        "/",
    ],
)
def test_invalid_url_pattern(sim, path):
    assert_error(requests.get(sim.url + path, headers=auth()), "INVALID_URL_PATTERN")


def test_query_string_is_not_part_of_the_pattern(sim):
    assert requests.get(photo_url(sim) + "?foo=bar", headers=auth()).status_code == 200


def test_oauth_scope_mismatch(sim):
    sim.add_token("read-only", scopes=("ZohoBigin.modules.contacts.READ",))
    assert requests.get(photo_url(sim), headers=auth("read-only")).status_code == 200
    assert_error(requests.delete(photo_url(sim), headers=auth("read-only")), "OAUTH_SCOPE_MISMATCH")
    assert sim.photo("Contacts", CONTACT) == PNG_RED


def test_no_permission(sim):
    sim.set_permission(delete_images=False)
    assert_error(requests.delete(photo_url(sim), headers=auth()), "NO_PERMISSION")
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    sim.set_permission(delete_images=True)
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200


def test_internal_error_by_injection(sim):
    sim.inject_error("INTERNAL_ERROR")
    assert_error(requests.delete(photo_url(sim), headers=auth()), "INTERNAL_ERROR")
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200


@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_invalid_request_method(sim, method):
    assert_error(requests.request(method, photo_url(sim), headers=auth(), data=b"x"), "INVALID_REQUEST_METHOD")


def test_authorization_failed(sim):
    sim.deny_record("Contacts", CONTACT)
    assert_error(requests.delete(photo_url(sim), headers=auth()), "AUTHORIZATION_FAILED")
    assert sim.photo("Contacts", CONTACT) == PNG_RED


@pytest.mark.parametrize("record_id", ["abc", "12a3", "999999999", "-1", "3000000040001"])
def test_invalid_record_id(sim, record_id):
    # 3000000040001 exists, but in Accounts, not in Contacts
    for method in ("GET", "DELETE"):
        assert_error(requests.request(method, photo_url(sim, "Contacts", record_id), headers=auth()), "INVALID_DATA")


def test_wrapped_errors(sim):
    sim.wrap_errors = True
    resp = requests.get(photo_url(sim, "Contacts", "1"), headers=auth())
    code, status, message = ERRORS["INVALID_DATA"]
    assert resp.status_code == status
    assert resp.json() == {"data": [{"code": code, "details": {}, "message": message, "status": "error"}]}


# ---------------------------------------------------------------------------
# Authentication
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer %s" % TOKEN}, {"Authorization": "Zoho-oauthtoken"},
     {"Authorization": "Zoho-oauthtoken "}, {"Authorization": TOKEN}, {"Authorization": "zoho-oauthtoken %s" % TOKEN}],
)
def test_authentication_failure(sim, headers):
    assert_error(requests.get(photo_url(sim), headers=headers), "AUTHENTICATION_FAILURE")


def test_invalid_token(sim):
    assert_error(requests.get(photo_url(sim), headers=auth("nope")), "INVALID_TOKEN")
    sim.add_token("short", expires_in=0)
    assert_error(requests.get(photo_url(sim), headers=auth("short")), "INVALID_TOKEN")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    sim.expire_token(TOKEN)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")


def test_expire_all_tokens(sim):
    sim.add_token("other")
    sim.expire_all_tokens()
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")
    assert_error(requests.get(photo_url(sim), headers=auth("other")), "INVALID_TOKEN")


def test_auth_is_checked_before_record_existence(sim):
    assert_error(requests.delete(photo_url(sim, "Contacts", "42"), headers=auth("nope")), "INVALID_TOKEN")
    assert_error(requests.delete(photo_url(sim, "Contacts", "42")), "AUTHENTICATION_FAILURE")


# ---------------------------------------------------------------------------
# Scopes
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "scope, method, module, allowed",
    [
        ("ZohoBigin.modules.ALL", "DELETE", "Contacts", True),
        ("ZohoBigin.modules.contacts.ALL", "DELETE", "Contacts", True),
        ("ZohoBigin.modules.Contacts.DELETE", "DELETE", "Contacts", True),
        ("ZohoBigin.modules.contacts.READ", "DELETE", "Contacts", False),
        ("ZohoBigin.modules.contacts.WRITE", "DELETE", "Contacts", False),
        ("ZohoBigin.modules.accounts.DELETE", "DELETE", "Contacts", False),
        ("ZohoBigin.modules.companies.DELETE", "DELETE", "Accounts", True),
        ("ZohoBigin.modules.COMPANIES.ALL", "GET", "Accounts", True),
        ("ZohoBigin.modules.accounts.READ", "GET", "Accounts", True),
        ("ZohoBigin.modules.products.DELETE", "GET", "Products", False),
        ("ZohoBigin.modules.products.READ", "GET", "Products", True),
        ("ZohoBigin.modules.contacts.CREATE", "POST", "Contacts", True),
        ("ZohoBigin.modules.contacts.WRITE", "POST", "Contacts", True),
        ("ZohoBigin.modules.contacts.READ", "POST", "Contacts", False),
        ("ZohoBigin.modules.contacts.DELETE", "POST", "Contacts", False),
        ("ZohoBigin.settings.ALL", "GET", "Contacts", False),
        ("ZohoCRM.modules.ALL", "GET", "Contacts", False),
    ],
)
def test_scopes(sim, scope, method, module, allowed):
    rid = {"Contacts": CONTACT, "Accounts": ACCOUNT, "Products": PRODUCT}[module]
    sim.add_token("scoped", scopes=(scope,))
    kwargs = {"files": {"file": ("p.png", PNG_BLUE, "image/png")}} if method == "POST" else {}
    resp = requests.request(method, photo_url(sim, module, rid), headers=auth("scoped"), **kwargs)
    if allowed:
        assert resp.status_code == 200, resp.text
    else:
        assert_error(resp, "OAUTH_SCOPE_MISMATCH")


# ---------------------------------------------------------------------------
# GET
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "data, ctype, ext",
    [(PNG_RED, "image/png", "png"), (PNG_1x1, "image/png", "png"), (JPEG_MIN, "image/jpeg", "jpg"),
     (GIF_MIN, "image/gif", "gif"), (BMP_MIN, "image/bmp", "bmp")],
)
def test_get_photo(sim, data, ctype, ext):
    sim.add_record("Contacts", "123", photo=data)
    resp = requests.get(photo_url(sim, "Contacts", "123", version="v1"), headers=auth())
    assert resp.status_code == 200
    assert resp.content == data
    assert resp.headers["Content-Type"] == ctype
    assert resp.headers["Content-Length"] == str(len(data))
    assert resp.headers["Content-Disposition"] == 'attachment; filename="123.%s"' % ext


def test_get_no_photo_is_204(sim):
    resp = requests.get(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth())
    assert resp.status_code == 204
    assert resp.content == b""
    assert resp.headers["Content-Length"] == "0"


def test_sample_images_are_distinct_and_typed():
    images = [PNG_1x1, PNG_RED, PNG_BLUE, bs.PNG_GREEN, JPEG_MIN, GIF_MIN, BMP_MIN]
    assert len(set(images)) == len(images)
    assert [bs.image_type(i)[1] for i in images] == ["png"] * 4 + ["jpg", "gif", "bmp"]
    assert bs.image_type(b"hello") is None


# ---------------------------------------------------------------------------
# DELETE
# ---------------------------------------------------------------------------
def test_delete_photo(sim):
    resp = requests.delete(photo_url(sim), headers=auth())
    assert resp.status_code == 200
    assert resp.json() == {"code": "SUCCESS", "details": {}, "message": "Photo deleted", "status": "success"}
    assert sim.photo("Contacts", CONTACT) is None
    assert sim.has_record("Contacts", CONTACT)
    assert sim.photo("Accounts", ACCOUNT) == JPEG_MIN
    assert_error(requests.delete(photo_url(sim), headers=auth()), "INVALID_DATA_NO_PHOTO")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 204


def test_delete_without_photo(sim):
    resp = requests.delete(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth())
    assert_error(resp, "INVALID_DATA_NO_PHOTO")
    assert resp.json()["message"] == "No such photo exists"


def test_locked_record(sim):
    sim.lock_record("Contacts", CONTACT)
    assert_error(requests.delete(photo_url(sim), headers=auth()), "RECORD_LOCKED")
    assert_error(requests.post(photo_url(sim), headers=auth(), files={"file": ("a.png", PNG_BLUE)}), "RECORD_LOCKED")
    assert requests.get(photo_url(sim), headers=auth()).content == PNG_RED
    assert sim.photo("Contacts", CONTACT) == PNG_RED


# ---------------------------------------------------------------------------
# POST
# ---------------------------------------------------------------------------
def test_post_stores_and_replaces(sim):
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


def test_post_binary_safe(sim):
    boundary_like = b"\r\n--" + b"x" * 10 + b"\r\n\r\n\n\r\x00\xff"
    data = PNG_RED + boundary_like * 50 + bytes(range(256)) + b"\r\n"
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", data, "image/png")},
                         data={"other": "value"})
    assert resp.status_code == 200, resp.text
    assert sim.photo("Contacts", CONTACT) == data


def test_post_missing_file_field(sim):
    resp = requests.post(photo_url(sim), headers=auth(), files={"photo": ("x.png", PNG_BLUE, "image/png")})
    assert_error(resp, "REQUIRED_PARAM_MISSING", details={"param": "file"})
    resp = requests.post(photo_url(sim), headers=dict(auth(), **{"Content-Type": "image/png"}), data=PNG_BLUE)
    assert_error(resp, "REQUIRED_PARAM_MISSING", details={"param": "file"})
    resp = requests.post(photo_url(sim), headers=auth())
    assert_error(resp, "REQUIRED_PARAM_MISSING", details={"param": "file"})
    assert sim.photo("Contacts", CONTACT) == PNG_RED


def test_post_not_an_image(sim):
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", b"not an image", "image/png")})
    assert_error(resp, "INVALID_DATA_IMAGE_FORMAT")
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", b"", "image/png")})
    assert_error(resp, "INVALID_DATA_IMAGE_FORMAT")
    assert sim.photo("Contacts", CONTACT) == PNG_RED


def test_post_size_limit(sim):
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


def test_parse_multipart_unit():
    body = (b"preamble\r\n--BND\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n"
            b"--BND\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.png\"\r\n"
            b"Content-Type: image/png\r\n\r\n" + PNG_RED + b"\r\n--BND--\r\nepilogue")
    fields = bs.parse_multipart(body, 'multipart/form-data; boundary="BND"')
    assert fields["a"] == (b"A", None, None)
    assert fields["file"] == (PNG_RED, "f.png", "image/png")
    assert bs.parse_multipart(body, "application/json") is None
    assert bs.parse_multipart(body, "multipart/form-data") == {}
    # unterminated final part is ignored
    assert "file" not in bs.parse_multipart(body[: body.index(b"\r\n--BND--")], "multipart/form-data; boundary=BND")


# ---------------------------------------------------------------------------
# OAuth token endpoint
# ---------------------------------------------------------------------------
def test_token_success_and_use(sim):
    resp = requests.post(sim.url + "/oauth/v2/token", data=token_form())
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"access_token", "expires_in", "api_domain", "token_type", "scope"}
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer" and body["api_domain"] == sim.url
    assert body["access_token"] != TOKEN
    assert sim.tokens_issued == 1
    assert requests.get(photo_url(sim), headers=auth(body["access_token"])).status_code == 200
    second = requests.post(sim.url + "/oauth/v2/token", data=token_form()).json()["access_token"]
    assert second != body["access_token"]
    assert sim.tokens_issued == 2


def test_token_params_in_query(sim):
    resp = requests.post(sim.url + "/oauth/v2/token", params=token_form())
    assert resp.status_code == 200 and "access_token" in resp.json()


def test_minted_token_gets_registered_scopes(sim):
    sim.add_client("c2", "sec2", "rt2", scopes=("ZohoBigin.modules.contacts.READ",))
    body = requests.post(sim.url + "/oauth/v2/token",
                         data=token_form(client_id="c2", client_secret="sec2", refresh_token="rt2")).json()
    assert body["scope"] == "ZohoBigin.modules.contacts.READ"
    tok = body["access_token"]
    assert requests.get(photo_url(sim), headers=auth(tok)).status_code == 200
    assert_error(requests.delete(photo_url(sim), headers=auth(tok)), "OAUTH_SCOPE_MISMATCH")


@pytest.mark.parametrize(
    "over, error",
    [
        ({"client_id": "unknown"}, "invalid_client"),
        ({"client_id": None}, "invalid_client"),
        ({"client_secret": "wrong"}, "invalid_client_secret"),
        ({"refresh_token": "unknown"}, "invalid_code"),
        ({"refresh_token": None}, "invalid_code"),
        ({"grant_type": "authorization_code"}, "unsupported_grant_type"),
        ({"grant_type": None}, "unsupported_grant_type"),
    ],
)
def test_token_errors(sim, over, error):
    resp = requests.post(sim.url + "/oauth/v2/token", data=token_form(**over))
    assert resp.status_code == 200
    assert resp.json() == {"error": error}
    assert sim.tokens_issued == 0


def test_token_revoked_and_foreign_refresh_token(sim):
    sim.add_client("c2", "sec2", "rt2")
    resp = requests.post(sim.url + "/oauth/v2/token", data=token_form(refresh_token="rt2"))
    assert resp.json() == {"error": "invalid_code"}
    sim.revoke_refresh_token(REFRESH)
    resp = requests.post(sim.url + "/oauth/v2/token", data=token_form())
    assert resp.status_code == 200 and resp.json() == {"error": "invalid_code"}
    assert sim.tokens_issued == 0


def test_token_mint_limit(sim):
    for attempt in range(10):
        assert "access_token" in requests.post(sim.url + "/oauth/v2/token", data=token_form()).json()
    resp = requests.post(sim.url + "/oauth/v2/token", data=token_form())
    assert resp.status_code == 400
    assert resp.json() == {
        "error": "Access Denied",
        "error_description": "You have made too many requests continuously. Please try again after some time.",
        "status": "failure",
    }
    assert sim.tokens_issued == 10
    # another refresh token has its own budget
    sim.add_client(CLIENT_ID, CLIENT_SECRET, "rt-other")
    assert "access_token" in requests.post(sim.url + "/oauth/v2/token",
                                           data=token_form(refresh_token="rt-other")).json()


def test_token_mint_window_slides(sim):
    sim.token_mint_window = 0.3
    for attempt in range(10):
        requests.post(sim.url + "/oauth/v2/token", data=token_form())
    assert requests.post(sim.url + "/oauth/v2/token", data=token_form()).status_code == 400
    time.sleep(0.35)
    assert "access_token" in requests.post(sim.url + "/oauth/v2/token", data=token_form()).json()


# ---------------------------------------------------------------------------
# Fault injection
# ---------------------------------------------------------------------------
def test_inject_429_headers(sim):
    sim.inject_status(429, count=2, retry_after=7)
    before_ms = int(time.time() * 1000)
    for attempt in range(2):
        resp = requests.get(photo_url(sim), headers=auth())
        assert resp.status_code == 429
        assert resp.json() == {"code": "TOO_MANY_REQUESTS", "details": {}, "message": "Too many requests",
                               "status": "error"}
        assert resp.headers["X-RATELIMIT-REMAINING"] == "0"
        assert int(resp.headers["X-RATELIMIT-LIMIT"]) > 0
        reset = int(resp.headers["X-RATELIMIT-RESET"])
        assert before_ms + 6000 <= reset <= int(time.time() * 1000) + 7000
        assert resp.headers["Retry-After"] == "7"
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200


def test_inject_429_without_retry_after(sim):
    sim.inject_status(429)
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.status_code == 429 and "Retry-After" not in resp.headers
    assert int(resp.headers["X-RATELIMIT-RESET"]) > time.time() * 1000


def test_inject_status_method_filter_and_bodies(sim):
    sim.inject_status(502, method="DELETE")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    resp = requests.delete(photo_url(sim), headers=auth())
    assert resp.status_code == 502 and resp.headers["Content-Type"].startswith("text/html")
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    sim.inject_status(503, body=b"<html>Bad Gateway</html>")
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.status_code == 503 and resp.content == b"<html>Bad Gateway</html>"
    sim.inject_status(500)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INTERNAL_ERROR")
    sim.inject_status(504, path_contains="/Accounts/")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert requests.get(photo_url(sim, "Accounts", ACCOUNT), headers=auth()).status_code == 504


def test_inject_error_by_code_with_overrides(sim):
    sim.inject_error("NO_PERMISSION", count=2, method="GET")
    assert_error(requests.get(photo_url(sim), headers=auth()), "NO_PERMISSION")
    assert_error(requests.get(photo_url(sim), headers=auth()), "NO_PERMISSION")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    sim.inject_error("INVALID_REQUEST_METHOD", status=405, message="custom")
    resp = requests.delete(photo_url(sim), headers=auth())
    assert resp.status_code == 405
    assert resp.json() == {"code": "INVALID_REQUEST_METHOD", "details": {}, "message": "custom", "status": "error"}
    with pytest.raises(ValueError):
        sim.inject_error("NOT_A_CODE")


def test_inject_token_endpoint_fault(sim):
    sim.inject_status(503, kind="token")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert requests.post(sim.url + "/oauth/v2/token", data=token_form()).status_code == 503
    assert requests.post(sim.url + "/oauth/v2/token", data=token_form()).status_code == 200


def test_inject_response_exact_status_body_and_headers(sim):
    location = photo_url(sim)
    sim.inject_response(302, headers={"Location": location}, method="DELETE", count=2)
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200  # method filter
    for _attempt in range(2):
        resp = requests.delete(photo_url(sim), headers=auth(), allow_redirects=False)
        assert resp.status_code == 302 and resp.headers["Location"] == location
        assert resp.content == b"" and resp.headers["Content-Length"] == "0"
    assert sim.photo("Contacts", CONTACT) == PNG_RED  # not applied
    assert [e["status"] for e in sim.api_requests("DELETE")] == [302, 302]
    locked = '{"data":[{"code":"RECORD_LOCKED","status":"error","message":"Record is locked","details":{}}]}'
    sim.inject_response(200, body=locked, headers=[("Content-Type", "application/json")], method="POST")
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("a.png", PNG_BLUE, "image/png")})
    assert resp.status_code == 200 and resp.text == locked
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    # Content-Length is that of the body as given (here compressed).
    packed = gzip.compress(b'{"status": "success"}')
    sim.inject_response(200, body=packed, headers={"Content-Encoding": "gzip"})
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.json() == {"status": "success"} and resp.headers["Content-Length"] == str(len(packed))
    sim.inject_response(500, body="oops", kind="token")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200  # kind filter
    resp = requests.post(sim.url + "/oauth/v2/token", data=token_form())
    assert resp.status_code == 500 and resp.text == "oops"
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200  # faults used up
    assert sim.photo("Contacts", CONTACT) is None


def test_drop_before_does_not_apply(sim):
    sim.inject_drop(method="DELETE", when="before")
    with pytest.raises(requests.ConnectionError):
        requests.delete(photo_url(sim), headers=auth())
    assert sim.photo("Contacts", CONTACT) == PNG_RED
    entry = sim.api_requests("DELETE")[-1]
    assert entry["status"] is None and entry["dropped"] is True
    assert requests.delete(photo_url(sim), headers=auth()).status_code == 200


def test_drop_after_applies(sim):
    sim.inject_drop(method="DELETE", when="after")
    with pytest.raises(requests.ConnectionError):
        requests.delete(photo_url(sim), headers=auth())
    assert sim.photo("Contacts", CONTACT) is None
    assert_error(requests.delete(photo_url(sim), headers=auth()), "INVALID_DATA_NO_PHOTO")


def test_drop_on_keepalive_connection(sim):
    with requests.Session() as session:
        assert session.get(photo_url(sim), headers=auth()).status_code == 200
        sim.inject_drop()
        with pytest.raises(requests.ConnectionError):
            session.get(photo_url(sim), headers=auth())
        assert session.get(photo_url(sim), headers=auth()).status_code == 200


def test_truncated_image(sim):
    data = PNG_RED * 20
    sim.add_record("Contacts", "77", photo=data)
    sim.inject_truncated_image()
    host, port = sim.url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
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


def test_truncation_not_consumed_by_204(sim):
    sim.inject_truncated_image()
    assert requests.get(photo_url(sim, "Contacts", CONTACT_NO_PHOTO), headers=auth()).status_code == 204
    with pytest.raises(requests.exceptions.RequestException):
        requests.get(photo_url(sim), headers=auth())


def _parallel(n, fn):
    results = [None] * n
    barrier = threading.Barrier(n)

    def run(i):
        barrier.wait()
        results[i] = fn()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    return results


def test_latency_is_concurrent(sim):
    sim.latency_ms = 300
    statuses = _parallel(5, lambda: requests.get(photo_url(sim), headers=auth()).status_code)
    assert statuses == [200] * 5
    assert sim.max_in_flight == 5
    # The latency sleeps overlapped: every request started before the first one finished.
    entries = sim.api_requests()
    assert max(e["started"] for e in entries) < min(e["finished"] for e in entries)


def test_concurrency_limit(sim):
    sim.latency_ms = 400
    sim.max_concurrent = 2
    responses = _parallel(4, lambda: requests.get(photo_url(sim), headers=auth()))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 429, 429]
    limited = [r for r in responses if r.status_code == 429]
    for r in limited:
        assert r.json()["code"] == "TOO_MANY_REQUESTS"
        assert r.headers["X-RATELIMIT-LIMIT"] == "2"
        assert r.headers["X-RATELIMIT-REMAINING"] == "0"
        assert int(r.headers["X-RATELIMIT-RESET"]) > time.time() * 1000 - 1000
    # both admitted requests plus at least one rejected arrival were in flight at once
    assert sim.max_in_flight >= 3


def test_expire_token_after(sim):
    sim.expire_token_after(2)
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")
    fresh = requests.post(sim.url + "/oauth/v2/token", data=token_form()).json()["access_token"]
    assert requests.get(photo_url(sim), headers=auth(fresh)).status_code == 200


def test_expire_specific_token_after(sim):
    sim.add_token("other")
    sim.expire_token_after(0, token="other")
    assert_error(requests.get(photo_url(sim), headers=auth("other")), "INVALID_TOKEN")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200


# ---------------------------------------------------------------------------
# Request log
# ---------------------------------------------------------------------------
def test_request_log_has_no_secrets(sim):
    requests.get(photo_url(sim), headers=auth())
    requests.post(sim.url + "/oauth/v2/token", data=token_form())
    minted = requests.post(sim.url + "/oauth/v2/token", params=token_form()).json()["access_token"]
    requests.delete(photo_url(sim), headers=auth(minted))
    requests.get(photo_url(sim), headers={"Authorization": "Bearer " + TOKEN})
    log = sim.requests
    assert [e["kind"] for e in log] == ["api", "token", "token", "api", "api"]
    dump = json.dumps(log)
    for secret in (TOKEN, minted, CLIENT_SECRET, REFRESH):
        assert secret not in dump
    assert log[0]["headers"]["Authorization"] == "Zoho-oauthtoken ***"
    assert log[3]["headers"]["Authorization"] == "Zoho-oauthtoken ***"
    assert log[4]["headers"]["Authorization"] == "***"
    for entry in sim.token_requests():
        assert entry["form"] == {"grant_type": "refresh_token", "client_id": CLIENT_ID}
        assert set(entry["query"]) <= {"grant_type", "client_id"}
    assert log[2]["query"] == {"grant_type": "refresh_token", "client_id": CLIENT_ID}


def test_request_log_fields(sim):
    requests.get(photo_url(sim) + "?a=1", headers=auth())
    requests.delete(photo_url(sim), headers=auth())
    requests.put(photo_url(sim), headers=auth())
    entries = sim.api_requests()
    assert [(e["method"], e["status"]) for e in entries] == [("GET", 200), ("DELETE", 200), ("PUT", 400)]
    assert entries[0]["path"] == "/bigin/v2/Contacts/%s/photo" % CONTACT
    assert entries[0]["query"] == {"a": "1"}
    assert entries[2]["code"] == "INVALID_REQUEST_METHOD"
    assert [e["method"] for e in sim.api_requests("delete")] == ["DELETE"]
    for e in entries:
        assert e["started"] <= e["finished"]
    assert entries[0]["finished"] <= entries[1]["started"]
    sim.clear_log()
    assert sim.requests == []


def test_reset_keeps_port(sim):
    url = sim.url
    requests.get(photo_url(sim), headers=auth())
    sim.inject_status(503)
    sim.reset()
    assert sim.url == url
    assert sim.requests == [] and sim.tokens_issued == 0 and sim.max_in_flight == 0
    assert not sim.has_record("Contacts", CONTACT)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")
    sim.add_token(TOKEN)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_DATA")


# ---------------------------------------------------------------------------
# HTTP behaviour, lifecycle, standalone
# ---------------------------------------------------------------------------
def test_http11_keepalive(sim):
    host, port = sim.url.split("//")[1].split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    conn.request("GET", "/bigin/v2/Contacts/%s/photo" % CONTACT, headers=auth())
    resp = conn.getresponse()
    assert resp.version == 11 and resp.read() == PNG_RED
    sock = conn.sock
    conn.request("DELETE", "/bigin/v2/Contacts/%s/photo" % CONTACT, headers=auth())
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Content-Length") == str(len(resp.read()))
    conn.request("DELETE", "/bigin/v2/Contacts/%s/photo" % CONTACT, headers=auth())
    resp = conn.getresponse()
    assert resp.status == 400 and json.loads(resp.read())["message"] == "No such photo exists"
    assert conn.sock is sock  # same connection reused
    conn.close()


def test_stop_closes_keepalive_connections():
    s = BiginSimulator().start()
    s.add_token(TOKEN)
    s.add_record("Contacts", CONTACT, photo=PNG_RED)
    session = requests.Session()
    assert session.get(photo_url(s), headers=auth()).status_code == 200
    s.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(photo_url(s), headers=auth(), timeout=2)
    session.close()


def test_context_manager():
    with BiginSimulator(latency_ms=0) as s:
        assert re.match(r"^http://127\.0\.0\.1:\d+$", s.url)
        assert requests.get(s.url + "/_simulator/health").json() == {"status": "ok"}
        url = s.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_simulator/health", timeout=2)


def test_standalone_process(tmp_path):
    port_file = tmp_path / "port"
    script = os.path.join(REPO_ROOT, "tests", "simulator", "bigin_simulator.py")
    proc = subprocess.Popen(
        [sys.executable, script, "--port", "0", "--port-file", str(port_file), "--demo", "--lifetime", "30",
         "--latency-ms", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while not port_file.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert port_file.exists(), "simulator did not write its port file"
        url = "http://127.0.0.1:%d" % int(port_file.read_text())
        resp = requests.get(url + "/bigin/v2/Contacts/3000000038009/photo", headers=auth("demo-token"))
        assert resp.status_code == 200 and bs.image_type(resp.content)
        assert requests.get(url + "/bigin/v2/Contacts/3000000038011/photo",
                            headers=auth("demo-token")).status_code == 204
        assert requests.get(url + "/bigin/v2/Accounts/3000000040001/photo",
                            headers=auth("demo-token")).status_code == 200
        body = requests.post(url + "/oauth/v2/token", data={
            "grant_type": "refresh_token", "client_id": "demo-client", "client_secret": "demo-secret",
            "refresh_token": "demo-refresh"}).json()
        assert body["api_domain"] == url
        state = requests.get(url + "/_simulator/state").json()
        assert len(state["records"]) == 4 and state["tokens_issued"] == 1
        assert "demo-token" not in json.dumps(state)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=10)
        assert proc.returncode == 0
        for secret in (b"demo-secret", b"demo-token", b"demo-refresh"):
            assert secret not in out + err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_standalone_lifetime(tmp_path):
    script = os.path.join(REPO_ROOT, "tests", "simulator", "bigin_simulator.py")
    # The timeout fails the test if the simulator does not stop by itself.
    proc = subprocess.run([sys.executable, script, "--lifetime", "0.3"], capture_output=True, timeout=20, check=False)
    assert proc.returncode == 0


def test_chunked_upload(sim):
    boundary = "chunkyBoundary"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.gif\"\r\n"
            "Content-Type: image/gif\r\n\r\n" % boundary).encode() + GIF_MIN + ("\r\n--%s--\r\n" % boundary).encode()

    def gen():
        for i in range(0, len(body), 7):
            yield body[i:i + 7]

    headers = dict(auth(), **{"Content-Type": "multipart/form-data; boundary=%s" % boundary})
    resp = requests.post(photo_url(sim), headers=headers, data=gen())
    assert resp.status_code == 200, resp.text
    assert sim.api_requests("POST")[-1]["headers"].get("Transfer-Encoding") == "chunked"
    assert sim.photo("Contacts", CONTACT) == GIF_MIN


def test_head_is_not_a_valid_method(sim):
    resp = requests.head(photo_url(sim), headers=auth())
    assert resp.status_code == 400 and resp.content == b""
    assert sim.api_requests("HEAD")[-1]["code"] == "INVALID_REQUEST_METHOD"


@pytest.mark.parametrize("ctype", ["application/octet-stream", "image/jpg", None])
def test_photo_content_type_per_record(sim, ctype):
    sim.set_content_type("Contacts", CONTACT, ctype)
    resp = requests.get(photo_url(sim), headers=auth())
    assert resp.status_code == 200 and resp.content == sim.photo("Contacts", CONTACT)
    assert resp.headers.get("Content-Type") == ctype


def test_sixteenth_active_token_invalidates_the_oldest(sim):
    sim.token_mint_limit = 100
    tokens = []
    for dummy in range(17):
        resp = requests.post(sim.url + "/oauth/v2/token", data=token_form())
        tokens.append(resp.json()["access_token"])
    assert [sim.token_valid(tok) for tok in tokens] == [False, False] + [True] * 15
    assert sim.tokens_displaced == 2
    resp = requests.get(photo_url(sim), headers={"Authorization": "Zoho-oauthtoken " + tokens[0]})
    assert resp.status_code == 401 and resp.json()["code"] == "INVALID_TOKEN"


def test_chaos_mode_is_seeded_and_bounded(sim):
    def run(seed):
        sim.reset()
        sim.add_token(TOKEN)
        sim.add_record("Contacts", CONTACT, photo=PNG_RED)
        sim.enable_chaos(seed, {"500": 0.2, "429": 0.2, "503": 0.1}, max_faults=5, max_per_kind={"503": 1})
        statuses = []
        for dummy in range(40):
            statuses.append(requests.get(photo_url(sim), headers=auth()).status_code)
        return statuses, dict(sim.chaos_counts)

    first, counts = run(7)
    assert run(7) == (first, counts)  # same seed, same faults
    assert sum(counts.values()) == 5 and counts.get("503", 0) <= 1
    assert first.count(200) == 35 and set(first) <= {200, 429, 500, 503}
    assert [e["chaos"] for e in sim.requests if "chaos" in e] != []
    with pytest.raises(ValueError):
        sim.enable_chaos(1, {"nonsense": 0.5}, 1)
