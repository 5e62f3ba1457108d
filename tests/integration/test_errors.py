# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""API errors through the real ansible-playbook: every error of the Delete Photo API page gives its
documented message and resolution; unknown and non-JSON answers; one failing record among several."""

from __future__ import annotations

import typing as t

from tests.integration.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

PHOTO = "zoho.bigin.bigin_photo"

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
IDS = {
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


def delete(key: str, module: str = "Contacts", **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": module, "record_id": IDS[key], "state": "absent"}
    args.update(extra)
    return {"name": key, PHOTO: args, "ignore_errors": True}


def seed_errors(sim: BiginSimulator) -> None:
    """Put the org in the state where each seed error (but AUTHORIZATION_FAILED) is met by one task."""
    sim.add_record("Products", IDS["INVALID_MODULE"], photo=PNG_RED)
    sim.disable_module("Products")  # not enabled in this org: "The module name given seems to be invalid"
    sim.add_record("Accounts", IDS["INVALID_MODULE_UNSUPPORTED"], photo=PNG_RED)
    sim.mark_unsupported("Accounts")
    sim.add_record("Contacts", IDS["INVALID_URL_PATTERN"], photo=PNG_RED)
    sim.add_token(SCOPED_TOKEN, scopes=["ZohoBigin.modules.contacts.READ"])
    sim.add_record("Contacts", IDS["OAUTH_SCOPE_MISMATCH"], photo=PNG_RED)
    sim.set_permission(delete_images=False)
    sim.add_record("Contacts", IDS["NO_PERMISSION"], photo=PNG_RED)
    sim.add_record("Contacts", IDS["INTERNAL_ERROR"], photo=PNG_RED)
    sim.inject_error("INTERNAL_ERROR", path_contains="/%s/" % IDS["INTERNAL_ERROR"])
    sim.add_record("Contacts", IDS["INVALID_REQUEST_METHOD"], photo=PNG_RED)
    sim.inject_error("INVALID_REQUEST_METHOD", method="DELETE", path_contains="/%s/" % IDS["INVALID_REQUEST_METHOD"])
    sim.add_record("Contacts", IDS["RECORD_LOCKED"])
    sim.lock_record("Contacts", IDS["RECORD_LOCKED"])


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
        {"name": "RECORD_LOCKED", PHOTO: {"module": "Contacts", "record_id": IDS["RECORD_LOCKED"], "src": src},
         "ignore_errors": True},
    ]


def assert_documented(task: dict[str, t.Any], key: str) -> None:
    code, status, message, resolution = DOCUMENTED[key]
    assert task["_status"] == "failed", task
    assert task["changed"] is False
    assert "%s (HTTP %d): %s" % (code, status, message) in task["msg"]
    if key == "OAUTH_SCOPE_MISMATCH":
        # The scopes the failed request needed come first (issue 9.5), then the documented text.
        assert task["error"]["resolution"].startswith("This request needs one of the scopes ZohoBigin.modules.")
        resolution = task["error"]["resolution"].split("The API reference says: ")[0] + "The API reference says: " + \
            resolution
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
        hits = [e for e in log if "/%s/" % IDS[key] in e["path"]]
        assert hits and (hits[-1]["status"], hits[-1]["code"]) == (status, code), (key, hits)
    url_hits = [e for e in log if IDS["INVALID_URL_PATTERN"] in e["path"]]
    assert [e["path"] for e in url_hits] == ["/crm/bigin/v2/Contacts/%s/photo" % IDS["INVALID_URL_PATTERN"]]
    assert len([e for e in log if IDS["INTERNAL_ERROR"] in e["path"]]) == 1  # max_retries 0: no retry
    assert all(e["status"] != 200 for e in log if e["method"] in ("DELETE", "POST"))
    assert sim.photo("Contacts", IDS["NO_PERMISSION"]) == PNG_RED
    assert sim.photo("Contacts", IDS["OAUTH_SCOPE_MISMATCH"]) == PNG_RED
    assert sim.photo("Contacts", IDS["RECORD_LOCKED"]) is None

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
    denied = IDS["AUTHORIZATION_FAILED"]
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

    def one(name: str, record_id: t.Any, **extra: t.Any) -> dict[str, t.Any]:
        args = {"module": "Contacts", "record_id": record_id, "state": "absent"}
        args.update(extra)
        return {"name": name, PHOTO: args, "ignore_errors": True}

    result = play([
        one("denied", denied),
        one("many", many, concurrency=2),
        one("unknown code", odd),
        one("not json", html),
        one("bad gateway", gateway, max_retries=0),
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
