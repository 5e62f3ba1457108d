# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's records area (tests/simulator/records.py): listing, one record, search.

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
