# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's records area (tests/simulator/records.py): listing, one record, search, insert, delete.

``Record_Image`` (``record_image``), the ``fields`` parameter, pages and page tokens,
``criteria`` of the search and the scopes of reading.  Every test runs on ``scoped_tokens``
and seeds its own records.
"""

from __future__ import annotations

import typing as t

import pytest
import requests

from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

from .conftest import NO_SEARCH_TOKEN, READ_ONLY_TOKEN, SEARCH_TOKEN, auth

BASE_ID = 3000000100000

pytestmark = pytest.mark.usefixtures("scoped_tokens")


def get(sim: BiginSimulator, path: str, token: str = SEARCH_TOKEN, **params: t.Any) -> requests.Response:
    """GET ``/bigin/v2/{path}`` with ``params``, as ``token``."""
    return requests.get(sim.url + "/bigin/v2/" + path, params=params, headers=auth(token), timeout=10)


def seed(sim: BiginSimulator, count: int, module: str = "Contacts") -> list[str]:
    """Add ``count`` records (every fourth with a photo) named Name0..., half of them with an "old" e-mail."""
    ids = []
    for i in range(count):
        record_id = str(BASE_ID + i)
        sim.add_record(module, record_id, photo=PNG_RED if i % 4 == 0 else None,
                       fields={"Last_Name": "Name%d" % i, "Email": "p%d@%s.example" % (i, "old" if i % 2 else "new"),
                               "Account_Name": {"id": "3000000040001", "name": "Zylker"}})
        ids.append(record_id)
    return ids


# ---------------------------------------------------------------------------
# Listing a module (_list) and Record_Image (record_image)
# ---------------------------------------------------------------------------
def test_list_shape_sort_and_record_image(sim: BiginSimulator) -> None:
    ids = seed(sim, 5)
    answer = get(sim, "Contacts", fields="id,Record_Image,Last_Name,Account_Name")
    assert answer.status_code == 200
    body = answer.json()
    assert [r["id"] for r in body["data"]] == sorted(ids, reverse=True)  # id desc, like Bigin
    assert set(body["data"][0]) == {"id", "Record_Image", "Last_Name", "Account_Name"}
    assert body["data"][-1]["Account_Name"] == {"id": "3000000040001", "name": "Zylker"}
    assert body["info"] == {"per_page": 200, "next_page_token": None, "count": 5, "sort_by": "id", "page": 1,
                            "previous_page_token": None, "page_token_expiry": None, "sort_order": "desc",
                            "more_records": False}
    marker = {r["id"]: r["Record_Image"] for r in body["data"]}
    assert isinstance(marker[ids[0]], str) and len(marker[ids[0]]) >= 32 and marker[ids[1]] is None


def test_record_image_changes_on_upload_and_clears_on_delete(sim: BiginSimulator) -> None:
    (record_id,) = seed(sim, 1)
    first = sim.record_image("Contacts", record_id)
    url = "%s/bigin/v2/Contacts/%s/photo" % (sim.url, record_id)
    headers = auth(SEARCH_TOKEN)
    assert requests.post(url, files={"file": ("a.png", PNG_RED, "image/png")}, headers=headers, timeout=10).ok
    second = sim.record_image("Contacts", record_id)
    assert second and second != first  # same bytes, new upload: a new value
    assert get(sim, "Contacts/" + record_id).json()["data"][0]["Record_Image"] == second
    assert requests.delete(url, headers=headers, timeout=10).ok
    assert sim.record_image("Contacts", record_id) is None
    sim.set_photo("Contacts", record_id, PNG_BLUE)
    assert sim.record_image("Contacts", record_id)


def test_fields_required_and_limited(sim: BiginSimulator) -> None:
    seed(sim, 1)
    missing = get(sim, "Contacts")
    assert missing.status_code == 400
    assert missing.json()["code"] == "REQUIRED_PARAM_MISSING" and missing.json()["details"]["param_name"] == "fields"
    too_many = get(sim, "Contacts", fields=",".join("F%d" % i for i in range(51)))
    assert too_many.status_code == 400 and too_many.json()["code"] == "LIMIT_EXCEEDED"
    assert get(sim, "Contacts", fields=",".join("F%d" % i for i in range(50))).status_code == 200


def test_no_records_is_204_empty(sim: BiginSimulator) -> None:
    answer = get(sim, "Products", fields="id")
    assert answer.status_code == 204 and answer.content == b""


# ---------------------------------------------------------------------------
# Pages and page tokens (_list, expire_page_tokens)
# ---------------------------------------------------------------------------
def test_pages_then_page_tokens(sim: BiginSimulator) -> None:
    ids = seed(sim, 2450)
    seen: list[str] = []
    for page in range(1, 11):
        body = get(sim, "Contacts", fields="id", per_page=200, page=page).json()
        assert body["info"]["page"] == page and body["info"]["more_records"] is True
        seen += [r["id"] for r in body["data"]]
    over = get(sim, "Contacts", fields="id", per_page=200, page=11)
    assert over.status_code == 400 and over.json()["code"] == "DISCRETE_PAGINATION_LIMIT_EXCEEDED"
    token = body["info"]["next_page_token"]
    both = get(sim, "Contacts", fields="id", per_page=200, page=10, page_token=token)
    assert both.status_code == 400 and both.json()["code"] == "AMBIGUITY_DURING_PROCESSING"
    mismatch = get(sim, "Contacts", fields="id,Email", per_page=200, page_token=token)
    assert mismatch.status_code == 400 and mismatch.json()["code"] == "TOKEN_BOUND_DATA_MISMATCH"
    while token:
        body = get(sim, "Contacts", fields="id", per_page=200, page_token=token).json()
        seen += [r["id"] for r in body["data"]]
        token = body["info"]["next_page_token"]
        assert body["info"]["more_records"] is (token is not None)
    assert seen == sorted(ids, reverse=True)


def test_expired_page_token(sim: BiginSimulator) -> None:
    seed(sim, 3)
    token = get(sim, "Contacts", fields="id", per_page=1).json()["info"]["next_page_token"]
    sim.expire_page_tokens()
    answer = get(sim, "Contacts", fields="id", per_page=1, page_token=token)
    assert answer.status_code == 400 and answer.json()["code"] == "EXPIRED_VALUE"


# ---------------------------------------------------------------------------
# One record (handle)
# ---------------------------------------------------------------------------
def test_one_record_and_unknown_id(sim: BiginSimulator) -> None:
    ids = seed(sim, 2)
    body = get(sim, "Contacts/" + ids[1], fields="Last_Name").json()
    assert "info" not in body and body["data"] == [{"Last_Name": "Name1", "id": ids[1]}]
    unknown = get(sim, "Contacts/3000000999999", fields="id")
    assert unknown.status_code == 204 and unknown.content == b""


# ---------------------------------------------------------------------------
# Search (_search, parse_criteria, evaluate)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("criteria,expected", [
    ("(Last_Name:equals:name3)", [3]),
    ("(Last_Name:not_equal:Name3)", [5, 4, 2, 1, 0]),
    ("(Last_Name:starts_with:Name)", [5, 4, 3, 2, 1, 0]),
    ("(Last_Name:in:Name1,Name4)", [4, 1]),
    ("((Email:ends_with:old.example)and(Last_Name:not_equal:Name1))", [5, 3]),
    ("((Last_Name:equals:Name0)or(Last_Name:equals:Name2))", [2, 0]),
    ("(Account_Name:equals:Zylker)", [5, 4, 3, 2, 1, 0]),
])
def test_search_operators(sim: BiginSimulator, criteria: str, expected: list[int]) -> None:
    ids = seed(sim, 6)
    body = get(sim, "Contacts/search", criteria=criteria).json()
    assert [r["id"] for r in body["data"]] == [ids[i] for i in expected]
    assert body["info"] == {"per_page": 200, "count": len(expected), "page": 1, "more_records": False}
    assert "Email" in body["data"][0]  # every field without fields=


@pytest.mark.parametrize("criteria", ["Last_Name:equals:x", "(Last_Name:like:x)", "((A:equals:1)and(B:equals:2)",
                                      "(Record_Image:equals:x)", "((A:equals:1)and(B:equals:2)or(C:equals:3))"])
def test_search_invalid_query(sim: BiginSimulator, criteria: str) -> None:
    seed(sim, 1)
    answer = get(sim, "Contacts/search", criteria=criteria)
    assert answer.status_code == 400 and answer.json()["code"] == "INVALID_QUERY"


def test_search_no_match_scope_and_limit(sim: BiginSimulator) -> None:
    seed(sim, 2100)
    assert get(sim, "Contacts/search", criteria="(Last_Name:equals:nobody)").status_code == 204
    denied = get(sim, "Contacts/search", token=NO_SEARCH_TOKEN, criteria="(Last_Name:equals:Name1)")
    assert denied.status_code == 401 and denied.json()["code"] == "OAUTH_SCOPE_MISMATCH"
    page10 = get(sim, "Contacts/search", criteria="(Last_Name:starts_with:Name)", page=10).json()
    assert page10["info"]["more_records"] is True and "next_page_token" not in page10["info"]
    over = get(sim, "Contacts/search", criteria="(Last_Name:starts_with:Name)", page=11)
    assert over.status_code == 400


# ---------------------------------------------------------------------------
# Scopes of reading
# ---------------------------------------------------------------------------
def test_read_scope(sim: BiginSimulator) -> None:
    seed(sim, 1)
    seed(sim, 1, module="Accounts")
    assert get(sim, "Contacts", token=READ_ONLY_TOKEN, fields="id").status_code == 200
    denied = get(sim, "Accounts", token=READ_ONLY_TOKEN, fields="id")
    assert denied.status_code == 401 and denied.json()["code"] == "OAUTH_SCOPE_MISMATCH"


# ---------------------------------------------------------------------------
# Insert and delete records (create, delete)
# ---------------------------------------------------------------------------
CREATE_TOKEN = "create-only"  # creates Contacts, reads nothing
DELETE_TOKEN = "delete-only"


def write(sim: BiginSimulator, method: str, path: str, token: str = SEARCH_TOKEN, **kwargs: t.Any) -> requests.Response:
    return requests.request(method, sim.url + "/bigin/v2/" + path, headers=auth(token), timeout=10, **kwargs)


def test_create_records(sim: BiginSimulator) -> None:
    seed(sim, 1)
    answer = write(sim, "POST", "Contacts", json={"data": [
        {"Last_Name": "New One", "First_Name": "A", "Account_Name": {"id": "3000000040001"}},
        {"Last_Name": "New Two"}]})
    assert answer.status_code == 201, answer.text
    results = answer.json()["data"]
    assert [(r["code"], r["message"], r["status"]) for r in results] == [("SUCCESS", "record added", "success")] * 2
    new_ids = [r["details"]["id"] for r in results]
    assert len(set(new_ids)) == 2 and all(i.isdigit() and int(i) > BASE_ID for i in new_ids)
    assert set(results[0]["details"]) == {"id", "Created_Time", "Modified_Time", "Created_By", "Modified_By"}
    listed = get(sim, "Contacts", fields="Last_Name,First_Name,Record_Image").json()["data"]
    assert [r["id"] for r in listed][:2] == sorted(new_ids, reverse=True)  # newest first (id desc)
    one = get(sim, "Contacts/" + new_ids[0], fields="Last_Name,Account_Name,Record_Image").json()["data"][0]
    assert one == {"Last_Name": "New One", "Account_Name": {"id": "3000000040001"}, "Record_Image": None, "id": new_ids[0]}
    found = get(sim, "Contacts/search", criteria="(Last_Name:equals:New Two)").json()["data"]
    assert [r["id"] for r in found] == [new_ids[1]]


def test_create_refuses_bad_input(sim: BiginSimulator) -> None:
    partial = write(sim, "POST", "Contacts", json={"data": [{"First_Name": "no last name"}, {"Last_Name": "ok"}]})
    assert partial.status_code == 201
    first, second = partial.json()["data"]
    assert first["code"] == "MANDATORY_NOT_FOUND" and first["details"]["api_name"] == "Last_Name"
    assert second["code"] == "SUCCESS"
    none = write(sim, "POST", "Accounts", json={"data": [{"Last_Name": "not a company name"}]})
    assert none.status_code == 400 and none.json()["data"][0]["details"]["api_name"] == "Account_Name"
    assert write(sim, "POST", "Contacts", data=b"{not json").json()["code"] == "INVALID_DATA"
    missing = write(sim, "POST", "Contacts", json={"records": []})
    assert missing.status_code == 400 and missing.json()["details"] == {"param_name": "data"}
    over = write(sim, "POST", "Contacts", json={"data": [{"Last_Name": str(i)} for i in range(101)]})
    assert over.status_code == 400 and over.json()["code"] == "LIMIT_EXCEEDED"
    assert write(sim, "POST", "Contacts/3000000100000", json={"data": [{"Last_Name": "x"}]}).json()["code"] == \
        "INVALID_REQUEST_METHOD"


def test_delete_records(sim: BiginSimulator) -> None:
    ids = seed(sim, 4)  # ids[0] has a photo
    answer = write(sim, "DELETE", "Contacts", params={"ids": "%s,%s,3000000999999" % (ids[0], ids[1])})
    assert answer.status_code == 200
    assert answer.json()["data"] == [
        {"code": "SUCCESS", "details": {"id": ids[0]}, "message": "record deleted", "status": "success"},
        {"code": "SUCCESS", "details": {"id": ids[1]}, "message": "record deleted", "status": "success"},
        {"code": "INVALID_DATA", "details": {"id": "3000000999999"}, "message": "the id given seems to be invalid",
         "status": "error"},
    ]
    assert not sim.has_record("Contacts", ids[0]) and sim.photo_count("Contacts") == 0
    single = write(sim, "DELETE", "Contacts/" + ids[2])
    assert single.status_code == 200 and single.json()["data"][0]["details"] == {"id": ids[2]}
    again = write(sim, "DELETE", "Contacts/" + ids[2])
    assert again.status_code == 400 and again.json()["data"][0]["code"] == "INVALID_DATA"
    assert write(sim, "DELETE", "Contacts").json()["details"] == {"param_name": "ids"}
    assert [r["id"] for r in get(sim, "Contacts", fields="id").json()["data"]] == [ids[3]]
    # a deleted id is never given again
    new_id = write(sim, "POST", "Contacts", json={"data": [{"Last_Name": "n"}]}).json()["data"][0]["details"]["id"]
    write(sim, "DELETE", "Contacts/" + new_id)
    assert write(sim, "POST", "Contacts", json={"data": [{"Last_Name": "n"}]}).json()["data"][0]["details"]["id"] != new_id


def test_create_and_delete_scopes(sim: BiginSimulator) -> None:
    sim.add_token(CREATE_TOKEN, scopes=("ZohoBigin.modules.contacts.CREATE",))
    sim.add_token(DELETE_TOKEN, scopes=("ZohoBigin.modules.contacts.DELETE",))
    created = write(sim, "POST", "Contacts", token=CREATE_TOKEN, json={"data": [{"Last_Name": "x"}]})
    assert created.status_code == 201
    record_id = created.json()["data"][0]["details"]["id"]
    assert write(sim, "POST", "Accounts", token=CREATE_TOKEN, json={"data": [{"Account_Name": "x"}]}).json()["code"] == \
        "OAUTH_SCOPE_MISMATCH"
    assert write(sim, "DELETE", "Contacts/" + record_id, token=CREATE_TOKEN).json()["code"] == "OAUTH_SCOPE_MISMATCH"
    assert write(sim, "DELETE", "Contacts", token=READ_ONLY_TOKEN, params={"ids": record_id}).status_code == 401
    assert write(sim, "DELETE", "Contacts", token=DELETE_TOKEN, params={"ids": record_id}).status_code == 200


# ---------------------------------------------------------------------------
# Denied and locked records (deny_record, lock_record, _record_refusal): what photo and attachment changes meet
# ---------------------------------------------------------------------------
def refusals(sim: BiginSimulator, record_id: str) -> list[str | None]:
    """The refusal of a GET, a POST and a DELETE on a part of the Contacts record (None: allowed)."""
    with sim._lock:
        return [sim._record_refusal(method, ("Contacts", record_id)) for method in ("GET", "POST", "DELETE")]


def test_record_refusal_of_denied_and_locked_records(sim: BiginSimulator) -> None:
    record_id = seed(sim, 1)[0]
    assert refusals(sim, record_id) == [None, None, None]
    sim.deny_record("Contacts", record_id)
    assert refusals(sim, record_id) == [None, None, "AUTHORIZATION_FAILED"]
    sim.lock_record("Contacts", int(record_id))  # an id as a number is the same record
    assert refusals(sim, record_id) == [None, "RECORD_LOCKED", "AUTHORIZATION_FAILED"]
    sim.allow_record("Contacts", record_id)
    assert refusals(sim, record_id) == [None, "RECORD_LOCKED", "RECORD_LOCKED"]
    sim.unlock_record("Contacts", record_id)
    assert refusals(sim, record_id) == [None, None, None]
