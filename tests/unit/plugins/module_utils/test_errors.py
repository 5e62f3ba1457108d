# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the error catalogue and the messages built from API answers (module_utils/_errors.py)."""

from __future__ import annotations

import json
import os
import re

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    CATALOGUE,
    EXCERPT_CHARS,
    OAUTH_ERRORS,
    BiginAPIError,
    BiginAuthError,
    BiginTransportError,
    api_error_from_body,
    excerpt,
    fill_resolution,
    oauth_error_message,
    resolution_for,
    some_of,
)
from ansible_collections.zoho.bigin.plugins.module_utils._client import operation_scope, required_scopes
from tests.conftest import DOCUMENTED_ERRORS_FILE, REPO_ROOT


def seed_errors() -> list[tuple[str, int, str, str]]:
    """(code, HTTP status, message, resolution) of every documented error, in the documented order."""
    with open(DOCUMENTED_ERRORS_FILE, encoding="utf-8") as handle:
        data = json.load(handle)
    rows = []
    for entry in data["errors"]:
        assert sorted(entry) == ["code", "http_status", "message", "resolution"], entry
        assert re.match(r"^[A-Z_]+$", entry["code"]), entry
        assert isinstance(entry["http_status"], int), entry
        assert entry["message"].strip() == entry["message"] and entry["message"], entry
        assert entry["resolution"].strip() == entry["resolution"] and entry["resolution"], entry
        rows.append((entry["code"], entry["http_status"], entry["message"], entry["resolution"]))
    return rows


def test_seed_lists_nine_errors() -> None:
    rows = seed_errors()
    assert len(rows) == 9
    assert [row[0] for row in rows].count("INVALID_MODULE") == 2


def test_every_seed_error_is_in_the_catalogue_verbatim() -> None:
    for row in seed_errors():
        assert row in CATALOGUE, "seed error row missing or altered in CATALOGUE: %r" % (row,)


def test_troubleshooting_guide_lists_every_catalogued_error_with_its_resolution() -> None:
    path = os.path.join(REPO_ROOT, "docs", "docsite", "rst", "troubleshooting.rst")
    with open(path, encoding="utf-8") as handle:
        guide = " ".join(handle.read().split())
    assert not re.search(r"\{[a-z_]+\}", guide)
    for code, status, message, resolution in CATALOGUE:
        # The guide shows the template scope as the user reads it: of the request's module and operation.
        shown = fill_resolution(resolution, "ZohoBigin.modules.<module>.<operation>")
        row = "* - ``%s`` - %d - %s - %s" % (code, status, message, shown)
        assert " ".join(row.split()) in guide, "troubleshooting.rst lacks %r" % ((code, status, message),)
    for error, hint in OAUTH_ERRORS.items():
        assert "``%s`` %s%s." % (error, hint[0].upper(), hint[1:]) in guide, error


def test_catalogue_rows_are_unique_per_code_and_message() -> None:
    keys = [(code, message.lower()) for code, dummy_status, message, dummy_res in CATALOGUE]
    assert len(keys) == len(set(keys))
    for code, status, message, resolution in CATALOGUE:
        assert re.match(r"^[A-Z_]+$", code)
        assert 400 <= status <= 599
        assert message and resolution


@pytest.mark.parametrize("code, status, message", [
    ("INVALID_TOKEN", 401, "invalid oauth token"),
    ("AUTHENTICATION_FAILURE", 401, "Authentication failed"),
    ("TOO_MANY_REQUESTS", 429, "Too many requests"),
    ("RECORD_LOCKED", 400, "Record is locked"),
    ("INVALID_DATA", 400, "No such photo exists"),
])
def test_errors_beyond_the_seed_are_catalogued(code: str, status: int, message: str) -> None:
    assert [row for row in CATALOGUE if row[:3] == (code, status, message)]


# -- resolution_for -----------------------------------------------------------

def test_resolution_tells_the_two_invalid_module_errors_apart() -> None:
    invalid = resolution_for("INVALID_MODULE", "The module name given seems to be invalid")
    unsupported = resolution_for("INVALID_MODULE", "The given module is not supported in API")
    assert invalid is not None and unsupported is not None
    assert invalid != unsupported
    assert invalid.startswith("You have specified an invalid module name.")
    assert unsupported.startswith("The modules such as Documents and Projects are not supported")


def test_resolution_matches_message_case_and_surrounding_space_insensitively() -> None:
    assert resolution_for("INVALID_MODULE", "  the given MODULE is not supported in api ") == \
        resolution_for("INVALID_MODULE", "The given module is not supported in API")


def test_resolution_of_an_ambiguous_code_with_an_unknown_message_is_none() -> None:
    assert resolution_for("INVALID_MODULE", "something else") is None
    assert resolution_for("INVALID_DATA", None) is None


def test_resolution_of_a_single_row_code_ignores_the_message() -> None:
    documented = resolution_for("NO_PERMISSION", "Permission denied to delete images")
    assert documented is not None
    assert resolution_for("NO_PERMISSION", "a reworded message") == documented
    assert resolution_for("NO_PERMISSION", None) == documented


def test_resolution_of_an_unknown_code_is_none() -> None:
    assert resolution_for("SOMETHING_NEW", "Unauthorized") is None
    assert resolution_for(None, None) is None


def test_invalid_data_rows_are_told_apart_by_message() -> None:
    assert resolution_for("INVALID_DATA", "the id given seems to be invalid").startswith("The record ID")
    assert resolution_for("INVALID_DATA", "No such photo exists") == "The record has no photo."


# -- resolutions as the user reads them ------------------------------------------

# (method, path's module, search) of every kind of request the collection sends.
OPERATIONS = [("GET", "Contacts", False), ("DELETE", "Accounts", False), ("POST", "Products", False),
              ("GET", "Contacts", True)]


@pytest.mark.parametrize("method,module_name,search", OPERATIONS, ids=["read", "delete", "upload", "search"])
@pytest.mark.parametrize("row", CATALOGUE, ids=lambda row: "%s-%s" % (row[0], row[2][:20]))
def test_no_message_shows_a_placeholder(row: tuple[str, int, str, str], method: str, module_name: str,
                                        search: bool) -> None:
    error = BiginAPIError(row[1], row[0], row[2])
    assert not re.search(r"[{}]", str(error)), str(error)
    error.name_required_scopes(required_scopes(method, module_name, search), operation_scope(method, module_name, search))
    assert not re.search(r"[{}]", str(error)), str(error)
    assert not re.search(r"[{}]", error.to_dict()["resolution"] or ""), error.to_dict()


@pytest.mark.parametrize("method,module_name,search,scope", [
    ("GET", "Contacts", False, "ZohoBigin.modules.contacts.READ"),
    ("DELETE", "Accounts", False, "ZohoBigin.modules.accounts.DELETE"),
    ("POST", "Products", False, "ZohoBigin.modules.products.WRITE or ZohoBigin.modules.products.CREATE"),
    ("GET", "Contacts", True, "ZohoSearch.securesearch.READ and ZohoBigin.modules.contacts.READ"),
], ids=["read", "delete", "upload", "search"])
def test_scope_mismatch_resolution_names_the_failed_operations_scope(method: str, module_name: str, search: bool,
                                                                     scope: str) -> None:
    error = BiginAPIError(401, "OAUTH_SCOPE_MISMATCH", "Unauthorized")
    error.name_required_scopes(required_scopes(method, module_name, search), operation_scope(method, module_name, search))
    assert "Client does not have %s scope. Create a new client with valid scope." % scope in error.resolution
    assert error.resolution.startswith("This request needs ")
    assert str(error).endswith("Resolution: " + error.resolution)
    other = {"READ", "DELETE", "WRITE", "CREATE"} - {part.rsplit(".", 1)[-1] for part in scope.split(" ")}
    documented = error.resolution.split("Client does not have ")[1]
    assert not [op for op in other if ".%s " % op in documented], documented


def test_an_unknown_request_leaves_a_neutral_scope_phrase() -> None:
    error = BiginAPIError(401, "OAUTH_SCOPE_MISMATCH", "Unauthorized")
    assert "Client does not have the scope this request needs. Create a new client with valid scope." in str(error)
    assert fill_resolution("See {section_name} above.") == "See section name above."
    assert fill_resolution(None) is None


# -- api_error_from_body --------------------------------------------------------

def _body(code: str, message: str, details: object = None) -> dict[str, object]:
    return {"code": code, "details": details if details is not None else {}, "message": message, "status": "error"}


def test_every_seed_error_body_gives_the_documented_message_and_resolution() -> None:
    for code, status, message, documented in seed_errors():
        error = api_error_from_body(status, json.dumps(_body(code, message)).encode())
        # The documentation's template scope is filled in; every other resolution is verbatim.
        resolution = documented.replace("ZohoBigin.modules.{module_name}.DELETE scope", "the scope this request needs")
        assert (error.code, error.http_status, error.message, error.resolution) == (code, status, message, resolution)
        assert str(error) == "%s (HTTP %d): %s. Resolution: %s" % (code, status, message, resolution)


def test_plain_error_body() -> None:
    body = json.dumps(_body("NO_PERMISSION", "Permission denied to delete images", {"id": "1"})).encode()
    error = api_error_from_body(403, body)
    assert isinstance(error, BiginAPIError)
    assert error.code == "NO_PERMISSION"
    assert error.http_status == 403
    assert error.message == "Permission denied to delete images"
    assert error.details == {"id": "1"}
    assert error.to_dict() == {
        "code": "NO_PERMISSION",
        "http_status": 403,
        "message": "Permission denied to delete images",
        "resolution": "The user does not have permission to delete images. Contact your system administrator.",
        "details": {"id": "1"},
    }


def test_data_wrapped_error_body() -> None:
    body = json.dumps({"data": [_body("INVALID_MODULE", "The given module is not supported in API")]}).encode()
    error = api_error_from_body(400, body)
    assert error.code == "INVALID_MODULE"
    assert error.message == "The given module is not supported in API"
    assert error.resolution == resolution_for("INVALID_MODULE", "The given module is not supported in API")


def test_missing_details_become_an_empty_dict() -> None:
    error = api_error_from_body(400, b'{"code": "RECORD_LOCKED", "message": "Record is locked"}')
    assert error.details == {}
    assert error.to_dict()["details"] == {}


def test_non_json_body_gives_status_and_an_excerpt() -> None:
    html = b"<html><head><title>502 Bad Gateway</title></head>\n<body>  <h1>502 Bad Gateway</h1></body></html>"
    error = api_error_from_body(502, html)
    assert error.code is None
    assert error.http_status == 502
    assert error.resolution is None
    text = str(error)
    assert text.startswith("UNKNOWN_ERROR (HTTP 502): the API answered with a body that is not JSON: ")
    assert "<title>502 Bad Gateway</title>" in text
    assert "\n" not in text and "  " not in text
    assert error.to_dict()["code"] is None


def test_long_non_json_body_is_cut_to_a_short_excerpt() -> None:
    error = api_error_from_body(500, b"x" * 5000)
    assert error.message.endswith("x" * EXCERPT_CHARS + "...")
    assert "x" * (EXCERPT_CHARS + 1) not in error.message


def test_non_utf8_body_is_reported_not_raised() -> None:
    error = api_error_from_body(500, b"\xff\xfe\x00garbage")
    assert "not JSON" in error.message
    assert "garbage" in error.message


@pytest.mark.parametrize("body", [b"", b"   \r\n"])
def test_empty_body(body: bytes) -> None:
    error = api_error_from_body(503, body)
    assert str(error) == "UNKNOWN_ERROR (HTTP 503): the API answered with an empty body"
    assert error.code is None


@pytest.mark.parametrize("body", [b'{"status": "error"}', b'{"data": []}', b"[1, 2]", b'"text"'])
def test_json_without_a_code_is_unexpected(body: bytes) -> None:
    error = api_error_from_body(400, body)
    assert error.code is None
    assert error.message == "the API answered with an unexpected body: %s" % body.decode()


def test_unknown_code_keeps_code_and_message_without_resolution() -> None:
    error = api_error_from_body(418, json.dumps(_body("TEAPOT", "I am a teapot")).encode())
    assert error.code == "TEAPOT"
    assert error.resolution is None
    assert str(error) == "TEAPOT (HTTP 418): I am a teapot"
    assert "Resolution" not in str(error)


# -- describe ---------------------------------------------------------------------

def test_describe_format_matches_the_interface() -> None:
    error = BiginAPIError(403, "NO_PERMISSION", "Permission denied to delete images")
    assert error.full_message() == ("NO_PERMISSION (HTTP 403): Permission denied to delete images. "
                                    "Resolution: The user does not have permission to delete images. "
                                    "Contact your system administrator.")
    assert str(error) == error.full_message()


def test_describe_does_not_double_a_final_full_stop() -> None:
    error = BiginAPIError(400, "RECORD_LOCKED", "Record is locked.")
    assert error.full_message().startswith("RECORD_LOCKED (HTTP 400): Record is locked. Resolution: ")
    assert ".." not in error.full_message()


def test_is_matches_code_and_optionally_message() -> None:
    error = BiginAPIError(400, "INVALID_DATA", "No such photo exists ")
    assert error.matches("INVALID_DATA")
    assert error.matches("INVALID_DATA", "no such photo exists")
    assert not error.matches("INVALID_DATA", "the id given seems to be invalid")
    assert not error.matches("NO_PERMISSION")


def test_other_error_classes_have_codes() -> None:
    assert BiginTransportError("x").to_dict() == {"code": "CONNECTION_ERROR", "message": "x"}
    assert BiginAuthError("y").to_dict() == {"code": "TOKEN_REFRESH_FAILED", "message": "y"}


def test_some_of_names_the_first_and_counts_the_rest() -> None:
    assert some_of([]) == ""
    assert some_of(["a", "b"]) == "a, b"
    assert some_of(["a", "b", "c", "d", "e"]) == "a, b, c, d, e"
    assert some_of(["a", "b", "c", "d", "e", "f", "g"]) == "a, b, c, d, e and 2 more"
    assert some_of(["a", "b", "c"], most=1) == "a and 2 more"


def test_excerpt() -> None:
    assert excerpt(b"a\n\tb   c") == "a b c"
    assert excerpt("abcdef", limit=3) == "abc..."


# -- oauth_error_message ------------------------------------------------------------

def test_oauth_invalid_client() -> None:
    text = oauth_error_message("invalid_client")
    assert text.startswith("Token refresh failed: invalid_client: ")
    assert "client_id" in text and "data_center" in text


def test_oauth_invalid_client_secret() -> None:
    assert oauth_error_message("invalid_client_secret") == (
        "Token refresh failed: invalid_client_secret: the client_secret does not match the client_id")


def test_oauth_invalid_code_says_refresh_token_is_invalid_or_revoked() -> None:
    text = oauth_error_message("invalid_code")
    assert "refresh_token" in text and "revoked" in text


def test_oauth_access_denied_is_the_token_generation_limit() -> None:
    text = oauth_error_message(
        "Access Denied", "You have made too many requests continuously. Please try again after some time.")
    assert text == "Token refresh failed: Access Denied: " + OAUTH_ERRORS["access denied"]
    assert "10 access tokens" in text and "token_cache" in text


def test_oauth_unknown_error_named_as_too_many_requests_by_description() -> None:
    text = oauth_error_message("access_denied", "Too many requests from this client")
    assert text.endswith(OAUTH_ERRORS["access denied"])


def test_oauth_unknown_error_keeps_its_description() -> None:
    assert oauth_error_message("server_error", "Something\nbroke") == "Token refresh failed: server_error: Something broke"
    assert oauth_error_message("server_error") == "Token refresh failed: server_error"


def test_every_oauth_error_has_a_distinct_message() -> None:
    messages = {oauth_error_message(error) for error in OAUTH_ERRORS}
    assert len(messages) == len(OAUTH_ERRORS)
