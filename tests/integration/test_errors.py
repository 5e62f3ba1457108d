# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Errors through the real ansible-playbook: what the user is told, and that nothing else happens.

Every error of the Delete Photo API page gives its documented message and resolution (plain or
wrapped in ``data``); unknown codes and answers that are not JSON give a short, safe message;
one failing record among several fails alone; OAUTH_SCOPE_MISMATCH names the scope the failed
request needed; and bad input is refused before any request, naming the option and the problem.
"""

from __future__ import annotations

import os
import subprocess
import typing as t

import pytest

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, RECORD, REFRESH_TOKEN, SEARCH_SCOPE, assert_no_secrets, png_header
from tests.integration.conftest import C1, C2, PlayResult, info_task, photo_path, photo_task, request_log, secrets_from_env, seed_records
from tests.simulator.bigin_simulator import GIF_MIN, PNG_BLUE, PNG_RED, BiginSimulator


# -- the documented errors of the Delete Photo API ---------------------------------------------------

# Transcribed from the "Possible Errors" section of the Delete Photo API page (the seed):
# key -> (code, HTTP status, message, resolution).
DOCUMENTED = {
    "INVALID_MODULE": (
        "INVALID_MODULE", 400, "The module name given seems to be invalid",
        "You have specified an invalid module name. Specify a valid module API name. "
        "Refer to the possible module names section above."),
    "INVALID_MODULE_UNSUPPORTED": (
        "INVALID_MODULE", 400, "The given module is not supported in API",
        "The modules such as Documents and Projects are not supported in the current API. "
        "(This error will not be shown, once these modules are been supported). Specify a valid module API "
        "name. Refer to the possible module names section above."),
    "INVALID_URL_PATTERN": (
        "INVALID_URL_PATTERN", 404, "Please check if the URL trying to access is a correct one",
        "The request URL specified is incorrect. Specify a valid request URL. Refer to request URL section above."),
    "OAUTH_SCOPE_MISMATCH": (
        "OAUTH_SCOPE_MISMATCH", 401, "Unauthorized",
        "Client does not have ZohoBigin.modules.{module_name}.DELETE scope. Create a new client with valid "
        "scope. Refer to scope section above."),
    "NO_PERMISSION": (
        "NO_PERMISSION", 403, "Permission denied to delete images",
        "The user does not have permission to delete images. Contact your system administrator."),
    "INTERNAL_ERROR": (
        "INTERNAL_ERROR", 500, "Internal Server Error",
        "Unexpected and unhandled exception in Server. Contact support team."),
    "INVALID_REQUEST_METHOD": (
        "INVALID_REQUEST_METHOD", 400, "The http request method type is not a valid one",
        "You have specified an invalid HTTP method to access the API URL. Specify a valid request method. "
        "Refer to endpoints section above."),
    "AUTHORIZATION_FAILED": (
        "AUTHORIZATION_FAILED", 400, "User does not have sufficient privilege to delete images",
        "The user does not have the permission to delete images. Contact your system administrator."),
    "INVALID_DATA": (
        "INVALID_DATA", 400, "the id given seems to be invalid",
        "The record ID specified in the URL is invalid. Refer to Get Records API to get valid record IDs."),
}

SCOPED_TOKEN = "1000.READ-ONLY-contacts.token"
# One record per error case (each case gets its own record, so the log tells them apart).
ERROR_IDS = {
    "INVALID_MODULE": "4000000000001",
    "INVALID_MODULE_UNSUPPORTED": "4000000000002",
    "INVALID_URL_PATTERN": "4000000000003",
    "OAUTH_SCOPE_MISMATCH": "4000000000004",
    "NO_PERMISSION": "4000000000005",
    "INTERNAL_ERROR": "4000000000006",
    "INVALID_REQUEST_METHOD": "4000000000007",
    "INVALID_DATA": "4000000000008",  # never added: unknown to the org
    "RECORD_LOCKED": "4000000000009",
    "AUTHORIZATION_FAILED": "4000000000010",
}


def delete(key: str, **extra: t.Any) -> dict[str, t.Any]:
    """The delete task that meets the error ``key``."""
    return photo_task(key, ERROR_IDS[key], **extra)


def seed_errors(sim: BiginSimulator) -> None:
    """Put the org in the state where each seed error (but AUTHORIZATION_FAILED) is met by one task."""
    sim.add_record("Products", ERROR_IDS["INVALID_MODULE"], photo=PNG_RED)
    sim.disable_module("Products")  # not enabled in this org: "The module name given seems to be invalid"
    sim.add_record("Accounts", ERROR_IDS["INVALID_MODULE_UNSUPPORTED"], photo=PNG_RED)
    sim.mark_unsupported("Accounts")
    sim.add_record("Contacts", ERROR_IDS["INVALID_URL_PATTERN"], photo=PNG_RED)
    sim.add_token(SCOPED_TOKEN, scopes=["ZohoBigin.modules.contacts.READ"])
    sim.add_record("Contacts", ERROR_IDS["OAUTH_SCOPE_MISMATCH"], photo=PNG_RED)
    sim.set_permission(delete_images=False)
    sim.add_record("Contacts", ERROR_IDS["NO_PERMISSION"], photo=PNG_RED)
    sim.add_record("Contacts", ERROR_IDS["INTERNAL_ERROR"], photo=PNG_RED)
    sim.inject_error("INTERNAL_ERROR", path_contains="/%s/" % ERROR_IDS["INTERNAL_ERROR"])
    sim.add_record("Contacts", ERROR_IDS["INVALID_REQUEST_METHOD"], photo=PNG_RED)
    sim.inject_error("INVALID_REQUEST_METHOD", method="DELETE", path_contains="/%s/" % ERROR_IDS["INVALID_REQUEST_METHOD"])
    sim.add_record("Contacts", ERROR_IDS["RECORD_LOCKED"])
    sim.lock_record("Contacts", ERROR_IDS["RECORD_LOCKED"])


def error_tasks(sim: BiginSimulator, src: str) -> list[dict[str, t.Any]]:
    return [
        delete("INVALID_MODULE", module="Products"),
        delete("INVALID_MODULE_UNSUPPORTED", module="Companies"),
        delete("INVALID_URL_PATTERN", api_domain=sim.url + "/crm"),
        delete("OAUTH_SCOPE_MISMATCH", access_token=SCOPED_TOKEN),
        delete("NO_PERMISSION"),
        delete("INTERNAL_ERROR", max_retries=0),
        delete("INVALID_REQUEST_METHOD"),
        delete("INVALID_DATA"),
        photo_task("RECORD_LOCKED", ERROR_IDS["RECORD_LOCKED"], state=None, src=src),
    ]


def assert_documented(task: dict[str, t.Any], key: str) -> None:
    code, status, message, resolution = DOCUMENTED[key]
    assert task["_status"] == "failed", task
    assert task["changed"] is False
    assert "%s (HTTP %d): %s" % (code, status, message) in task["msg"]
    if key == "OAUTH_SCOPE_MISMATCH":
        # The scopes the failed request needed come first, then the documented text.
        # The scopes the request needed come first, then the documented text filled in for the
        # request (a delete of a Contacts photo).
        assert task["error"]["resolution"].startswith("This request needs one of the scopes ZohoBigin.modules.")
        resolution = task["error"]["resolution"].split("Client does not have ")[0] + resolution.replace(
            "ZohoBigin.modules.{module_name}.DELETE", "ZohoBigin.modules.contacts.DELETE")
    assert "Resolution: " + resolution in task["msg"]
    assert task["error"] == {"code": code, "http_status": status, "message": message,
                             "resolution": resolution, "details": {}}
    assert task["records"][0]["error"] == task["error"]


def test_every_documented_error_gives_its_message_wrapped_or_not(
        sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    src = tmp_path / "red.png"
    src.write_bytes(PNG_RED)
    seed_errors(sim)
    plain = play(error_tasks(sim, str(src)))

    by_name = {task["_task"]: task for task in plain.tasks}
    assert len(by_name) == 9
    for key in ("INVALID_MODULE", "INVALID_MODULE_UNSUPPORTED", "INVALID_URL_PATTERN", "OAUTH_SCOPE_MISMATCH",
                "NO_PERMISSION", "INTERNAL_ERROR", "INVALID_REQUEST_METHOD", "INVALID_DATA"):
        assert_documented(by_name[key], key)
    # The two INVALID_MODULE cases are told apart by their message (and resolution).
    assert by_name["INVALID_MODULE"]["msg"] != by_name["INVALID_MODULE_UNSUPPORTED"]["msg"]
    assert "Documents and Projects" in by_name["INVALID_MODULE_UNSUPPORTED"]["msg"]
    assert "Documents and Projects" not in by_name["INVALID_MODULE"]["msg"]

    locked = by_name["RECORD_LOCKED"]
    assert locked["_status"] == "failed" and locked["changed"] is False
    assert "RECORD_LOCKED (HTTP 400): Record is locked" in locked["msg"]
    assert locked["error"]["code"] == "RECORD_LOCKED" and locked["error"]["http_status"] == 400
    assert locked["records"][0]["changed"] is False

    # The simulator answered each case with that error, and nothing was deleted or uploaded.
    log = sim.api_requests()
    for key in DOCUMENTED:
        if key == "AUTHORIZATION_FAILED":
            continue
        code, status = DOCUMENTED[key][:2]
        hits = [e for e in log if "/%s/" % ERROR_IDS[key] in e["path"]]
        assert hits and (hits[-1]["status"], hits[-1]["code"]) == (status, code), (key, hits)
    url_hits = [e for e in log if ERROR_IDS["INVALID_URL_PATTERN"] in e["path"]]
    assert [e["path"] for e in url_hits] == ["/crm/bigin/v2/Contacts/%s/photo" % ERROR_IDS["INVALID_URL_PATTERN"]]
    assert len([e for e in log if ERROR_IDS["INTERNAL_ERROR"] in e["path"]]) == 1  # max_retries 0: no retry
    assert all(e["status"] != 200 for e in log if e["method"] in ("DELETE", "POST"))
    assert sim.photo("Contacts", ERROR_IDS["NO_PERMISSION"]) == PNG_RED
    assert sim.photo("Contacts", ERROR_IDS["OAUTH_SCOPE_MISMATCH"]) == PNG_RED
    assert sim.photo("Contacts", ERROR_IDS["RECORD_LOCKED"]) is None

    # The same errors wrapped as {"data": [{...}]} give the very same results.
    sim.reset()
    sim.add_token(ACCESS_TOKEN)
    sim.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
    sim.wrap_errors = True
    seed_errors(sim)
    wrapped = play(error_tasks(sim, str(src)))
    assert [task["_task"] for task in wrapped.tasks] == [task["_task"] for task in plain.tasks]
    for before, after in zip(plain.tasks, wrapped.tasks):
        assert after["_status"] == "failed"
        assert (after["msg"], after["error"]) == (before["msg"], before["error"]), after["_task"]
    assert sum(1 for e in sim.api_requests() if e["status"] and e["status"] >= 400) == 9


def test_authorization_failed_unknown_answers_and_one_failing_record(sim: BiginSimulator, play: t.Any) -> None:
    denied = ERROR_IDS["AUTHORIZATION_FAILED"]
    sim.add_record("Contacts", denied, photo=PNG_RED)
    sim.deny_record("Contacts", denied)
    many = ["5000000000001", "5000000000002", denied, "5000000000003", "5000000000004"]
    sim.add_record("Contacts", many[0], photo=PNG_RED)
    sim.add_record("Contacts", many[1])
    sim.add_record("Contacts", many[3], photo=PNG_BLUE)
    sim.add_record("Contacts", many[4], photo=PNG_BLUE)
    odd, html, gateway = "6000000000001", "6000000000002", "6000000000003"
    for record_id in (odd, html, gateway):
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    sim.inject_error("MYSTERY_FAILURE", status=400, message="Something odd happened", path_contains=odd)
    page = "<html><body><h1>Proxy refused the request</h1>" + "filler " * 300 + "</body></html>"
    sim.inject_status(400, body=page, path_contains=html)
    sim.inject_status(502, path_contains=gateway)

    result = play([
        photo_task("denied", denied),
        photo_task("many", many, concurrency=2),
        photo_task("unknown code", odd),
        photo_task("not json", html),
        photo_task("bad gateway", gateway, max_retries=0),
    ])
    by_name = {task["_task"]: task for task in result.tasks}

    assert_documented(by_name["denied"], "AUTHORIZATION_FAILED")

    task = by_name["many"]
    assert task["_status"] == "failed"
    assert task["changed"] is True  # two photos were deleted before/while the third failed
    assert [r["record_id"] for r in task["records"]] == many
    assert [r["changed"] for r in task["records"]] == [True, False, False, True, True]
    assert [r.get("error", {}).get("code") for r in task["records"]] == [
        None, None, "AUTHORIZATION_FAILED", None, None]
    assert "1 of 5 records failed" in task["msg"]
    assert "AUTHORIZATION_FAILED (HTTP 400)" in task["msg"] and denied in task["msg"]
    assert task["error"]["code"] == "AUTHORIZATION_FAILED"
    assert [sim.photo("Contacts", i) for i in many] == [None, None, PNG_RED, None, None]

    task = by_name["unknown code"]
    assert task["_status"] == "failed"
    assert "MYSTERY_FAILURE (HTTP 400): Something odd happened" in task["msg"]
    assert task["error"]["code"] == "MYSTERY_FAILURE" and task["error"]["http_status"] == 400
    assert task["error"]["resolution"] is None

    task = by_name["not json"]
    assert task["_status"] == "failed"
    assert "HTTP 400" in task["msg"]
    assert "<html><body><h1>Proxy refused the request</h1>filler" in task["msg"]
    assert "filler " * 60 not in task["msg"]  # a short excerpt, not the whole page
    assert len(task["msg"]) < 600
    assert task["error"]["http_status"] == 400

    task = by_name["bad gateway"]
    assert task["_status"] == "failed"
    assert "HTTP 502" in task["msg"] and "Bad Gateway" in task["msg"]

    for record_id in (odd, html, gateway):
        assert sim.photo("Contacts", record_id) == PNG_RED
        hits = [e for e in sim.api_requests() if record_id in e["path"]]
        assert [e["method"] for e in hits] == ["GET"]  # one request each: no retry, no DELETE
    deletes = sorted(e["path"].split("/")[4] for e in sim.api_requests("DELETE"))
    assert deletes == sorted([denied, denied, many[0], many[3], many[4]])


def test_an_error_body_that_is_not_json_is_excerpted_and_not_retried(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.inject_status(403, method="DELETE", body="<html><body>Request blocked by proxy</body></html>")

    r = play([photo_task("delete", C1, max_retries=2)], verbosity=3, **secrets_from_env(sim))

    task = r.task(0)
    assert task["_status"] == "failed" and task["changed"] is False
    assert "MODULE FAILURE" not in r.output and "Traceback" not in r.output
    assert "HTTP 403" in task["msg"] and "not JSON" in task["msg"]
    assert "Request blocked by proxy" in task["msg"]
    assert task["error"]["http_status"] == 403
    assert sim.photo("Contacts", C1) == PNG_RED
    # A 403 is final: no retry.
    assert request_log(sim) == [("GET", photo_path(C1), 200), ("DELETE", photo_path(C1), 403)]
    assert_no_secrets(r.output)


# -- OAUTH_SCOPE_MISMATCH names the scope the failed request needed -----------------------------------

NARROW_TOKEN = "1000.NARROW-scope-token.77"


@pytest.mark.parametrize("module, scopes, state, needed", [
    ("Contacts", ["ZohoBigin.modules.accounts.ALL"], "absent",
     ["ZohoBigin.modules.contacts.READ", "ZohoBigin.modules.contacts.ALL", "ZohoBigin.modules.ALL"]),
    ("Contacts", ["ZohoBigin.modules.contacts.READ"], "absent",
     ["ZohoBigin.modules.contacts.DELETE", "ZohoBigin.modules.contacts.ALL", "ZohoBigin.modules.ALL"]),
    ("Accounts", ["ZohoBigin.modules.accounts.READ", "ZohoBigin.modules.accounts.DELETE"], "present",
     ["ZohoBigin.modules.accounts.WRITE", "ZohoBigin.modules.accounts.CREATE", "ZohoBigin.modules.accounts.ALL"]),
], ids=["read", "delete", "upload"])
def test_scope_mismatch_names_the_needed_scope(sim: BiginSimulator, play: t.Any, tmp_path: t.Any, module: str,
                                               scopes: list[str], state: str, needed: list[str]) -> None:
    sim.add_token(NARROW_TOKEN, scopes=scopes)
    sim.add_record(module, RECORD, photo=PNG_RED)
    src = tmp_path / "new.png"
    src.write_bytes(PNG_BLUE)
    options = {"src": str(src)} if state == "present" else {}
    result = play([photo_task("narrow", RECORD, state, module="Companies" if module == "Accounts" else module,
                              access_token=NARROW_TOKEN, **options)])

    task = result.task()
    assert task["_status"] == "failed"
    error = task["records"][0]["error"]
    assert error["code"] == "OAUTH_SCOPE_MISMATCH"
    for scope in needed:
        assert scope in error["resolution"] and scope in task["msg"]
    # Only the operation that failed is named, and the documented resolution is filled in for it.
    assert "{" not in task["msg"] and "}" not in task["msg"]
    named, documented = error["resolution"].split("Client does not have ")
    assert documented.endswith("scope. Create a new client with valid scope. Refer to scope section above.")
    prefix = "ZohoBigin.modules.%s." % module.lower()
    for operation in ("READ", "DELETE", "WRITE", "CREATE"):
        assert (prefix + operation in named) == (prefix + operation in needed)
        assert (prefix + operation in documented) == (prefix + operation in needed)
    assert sim.photo(module, RECORD) == PNG_RED
    assert os.path.exists(src)


def test_a_missing_search_scope_is_named(sim: BiginSimulator, play: t.Any) -> None:
    seed_records(sim, 3)
    result = play([photo_task("photo", criteria="(Last_Name:equals:L1)", ignore_errors=False)])
    assert result.rc != 0
    assert SEARCH_SCOPE in result.task()["msg"]
    assert "Client does not have %s and ZohoBigin.modules.contacts.READ scope." % SEARCH_SCOPE \
        in result.task()["error"]["resolution"]
    assert result.task()["error"]["code"] == "OAUTH_SCOPE_MISMATCH"
    assert [e["method"] for e in sim.api_requests()] == ["GET"]


# -- bad input, refused before any request ----------------------------------------------------------


@pytest.fixture
def immutable_dir(tmp_path: t.Any) -> t.Iterator[str]:
    """A directory nobody can write to, root included (root ignores modes, not the immutable flag)."""
    path = tmp_path / "read-only"
    path.mkdir()
    path.chmod(0o500)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    yield str(path)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    path.chmod(0o700)


# With both kinds of credentials the same checks run again: the default leg only (Makefile).
@pytest.mark.parametrize("credentials", ["refresh", pytest.param("both", marks=pytest.mark.default_core_only)])
def test_bad_input_is_refused_before_any_request(sim: BiginSimulator, play: t.Any, tmp_path: t.Any,
                                                 immutable_dir: str, credentials: str) -> None:
    """Each failure names the option (and, where given, says exactly what is wrong); nothing is sent.

    Refresh credentials alone: not even a token request may precede the checks. At -vvv, with the
    credentials in BIGIN_* variables, no secret may show in the output.
    """
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.txt"
    text.write_text("this is not an image\n")
    text_named_png = tmp_path / "notes.png"
    text_named_png.write_bytes(b"just some text, named like an image\n")
    huge = tmp_path / "huge.png"
    with open(huge, "wb") as handle:  # sparse: a PNG, then a hole up to 10 MB + 1 byte
        handle.write(PNG_RED)
        handle.truncate(10 * 1024 * 1024 + 1)
    if os.geteuid() == 0:
        # Root reads any file whatever its mode; this one fails on read() for everybody.
        unreadable = "/proc/self/mem"
    else:
        unreadable = str(tmp_path / "secret.png")
        with open(unreadable, "wb") as handle:
            handle.write(PNG_RED)
        os.chmod(unreadable, 0)
    a_file = tmp_path / "a-file"
    a_file.write_bytes(GIF_MIN)

    # (task, the option the message must name, how the message starts or None); C1 has a photo, C2 none.
    cases: list[tuple[dict[str, t.Any], str, str | None]] = [
        (photo_task("empty id", ""), "record_id", None),
        (photo_task("letters", "30000abc"), "record_id", None),
        (photo_task("path traversal", "../1"), "record_id", None),
        (photo_task("leading space", " 1"), "record_id", None),
        (photo_task("20 digits", "1" * 20), "record_id", None),
        (photo_task("negative", -1), "record_id", None),
        (photo_task("float", 1.5), "record_id", None),
        (photo_task("float in a list", [3.0]), "record_id", None),
        (photo_task("bool", [True]), "record_id", None),
        (photo_task("one bad among good", [C1, "12/34"]), "record_id", None),
        (photo_task("empty list", []), "record_id", None),
        (info_task("info bad id", "../../x"), "record_id", None),
        (photo_task("unknown module", C1, module="Leads"), "module", None),
        (photo_task("concurrency 0", C1, concurrency=0), "concurrency", "concurrency: 0 is out of range; use 1 to 20"),
        (photo_task("concurrency 21", C1, concurrency=21), "concurrency", "concurrency: 21 is out of range; use 1 to 20"),
        (info_task("info concurrency 21", C1, concurrency=21), "concurrency",
         "concurrency: 21 is out of range; use 1 to 20"),
        (photo_task("no src", C1, "present"), "src", None),
        # Looked up on the controller by the action plugin (test_src_lookup.py), which names where it looked.
        (photo_task("src missing", C2, "present", src=str(tmp_path / "nope.png")), "src",
         "src: {0} was not found on the Ansible controller; searched, in order: {0}.".format(tmp_path / "nope.png")),
        # A directory is a restore source: a selected record without a file there fails alone.
        (photo_task("src a directory without the record's file", C2, "present", src=str(tmp_path)), "src",
         "Contacts/%s: no photo file for Contacts/%s in src: looked for %s" % (C2, C2, tmp_path)),
        (photo_task("src unreadable", C2, "present", src=unreadable), "src", "src: %s cannot be read" % unreadable),
        (photo_task("src empty", C2, "present", src=str(empty)), "src", "src: %s is empty" % empty),
        (photo_task("src text", C1, "present", src=str(text)), "src", None),
        (photo_task("src text named like an image", C2, "present", src=str(text_named_png)), "src",
         "src: %s is not a PNG, JPEG, GIF or BMP image" % text_named_png),
        (photo_task("src over 10 MB", C2, "present", src=str(huge)), "src",
         "src: %s is larger than 10 MB (10485761 bytes)" % huge),
        (photo_task("backup_dir a file", C1, backup_dir=str(a_file)), "backup_dir",
         "backup_dir: %s exists and is not a directory" % a_file),
        (photo_task("backup_dir not creatable", C1, backup_dir=str(a_file / "sub")), "backup_dir",
         "backup_dir: %s cannot be created" % (a_file / "sub")),
        (photo_task("backup_dir not writable", C1, backup_dir=immutable_dir), "backup_dir",
         "backup_dir: %s is not writable" % immutable_dir),
        (photo_task("api_domain not a URL", C1, api_domain="zohoapis.example"), "api_domain", None),
        (photo_task("accounts_url not a URL", C1, accounts_url="ftp://accounts"), "accounts_url", None),
    ]

    result = play([task for task, _option, _start in cases], verbosity=3, **secrets_from_env(sim, credentials))

    assert [task["_task"] for task in result.tasks] == [task["name"] for task, _option, _start in cases]
    for task, (_spec, option, start) in zip(result.tasks, cases):
        assert task["_status"] == "failed", task["_task"]
        assert not task.get("changed"), task["_task"]
        assert option in task["msg"], (task["_task"], task["msg"])
        assert start is None or task["msg"].startswith(start), (task["_task"], task["msg"])
        assert "Traceback" not in task.get("module_stderr", "")
    by_name = result.by_name()
    unknown = by_name["unknown module"]["msg"]
    assert "Leads" in unknown and all(valid in unknown for valid in ("Contacts", "Accounts", "Products"))
    assert "12/34" in by_name["one bad among good"]["msg"]
    assert "10 MB" in by_name["src over 10 MB"]["msg"]
    assert "empty" in by_name["src empty"]["msg"]
    # Nothing left the module: not an API request, not even a token request.
    assert sim.requests == []
    assert sim.photo("Contacts", C1) == PNG_RED and sim.photo("Contacts", C2) is None
    assert os.listdir(immutable_dir) == [] and not os.path.exists(a_file / "sub")
    assert_no_secrets(result.output)


@pytest.mark.parametrize("data, expected", [
    (png_header(5000, 2001), "is 5000x2001 pixels (10005000), over the API's upload limit of 10000000 pixels"),
    (png_header(5000, 2001)[:20], "is a corrupt PNG image (truncated header)"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "is a corrupt JPG image"),
], ids=["too-many-pixels", "truncated-png", "truncated-jpeg"])
def test_a_src_the_api_would_refuse_is_refused_before_any_request(sim: BiginSimulator, play: t.Any, tmp_path: t.Any,
                                                                  data: bytes, expected: str) -> None:
    sim.add_record("Contacts", RECORD, photo=PNG_RED)
    src = tmp_path / "src.img"
    src.write_bytes(data)
    result = play([photo_task("upload", RECORD, state=None, src=str(src))], auth="both")

    task = result.task()
    assert task["_status"] == "failed"
    assert task["msg"].startswith("src: %s %s" % (src, expected))
    assert sim.requests == []
    assert sim.photo("Contacts", RECORD) == PNG_RED
