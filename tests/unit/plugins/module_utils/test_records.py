# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_records.py: input checks, RecordRef, listing/search/get against the simulator."""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenProvider
from ansible_collections.zoho.bigin.plugins.module_utils._client import BiginClient, Transport, new_session
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginAPIError, InputError
from ansible_collections.zoho.bigin.plugins.module_utils._records import (
    RecordRef,
    RecordsService,
    Selection,
    SelectionTooLarge,
    check_criteria,
    check_fields,
)
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

TOKEN = "1000.records-unit.5d1e"
BASE = 3000000300000


@pytest.fixture
def sim() -> t.Iterator[BiginSimulator]:
    with BiginSimulator() as simulator:
        simulator.add_token(TOKEN, scopes=("ZohoBigin.modules.ALL", "ZohoSearch.securesearch.READ"))
        simulator.add_token("no-search", scopes=("ZohoBigin.modules.ALL",))
        yield simulator


def service(sim: BiginSimulator, token: str = TOKEN, module_name: str = "Contacts") -> RecordsService:
    transport = Transport(new_session(2, True), 10.0, 0, lambda msg: None, sleep=lambda s: None)
    tokens = TokenProvider(token, None, None, None, accounts_url=sim.url, post=None, warn=lambda msg: None)
    return RecordsService(BiginClient(transport, sim.url, "v2", tokens), module_name)


def seed(sim: BiginSimulator, count: int) -> list[str]:
    ids = [str(BASE + i) for i in range(count)]
    for i, record_id in enumerate(ids):
        sim.add_record("Contacts", record_id, photo=PNG_RED if i % 3 == 0 else None,
                       fields={"Last_Name": "L%d" % i})
    return ids


def test_record_ref_photo_marker() -> None:
    listed = RecordRef.from_record("Contacts", {"id": "1", "Record_Image": "abc123", "Last_Name": "X"})
    assert (listed.listed, listed.has_photo, listed.photo_marker, listed.fields["Last_Name"]) == (True, True, "abc123", "X")
    for marker in (None, "", 0, {"x": 1}):
        ref = RecordRef.from_record("Contacts", {"id": "2", "Record_Image": marker})
        assert ref.has_photo is False and ref.photo_marker is None
    unlisted = RecordRef("Contacts", "3")
    assert (unlisted.listed, unlisted.has_photo, unlisted.photo_marker, unlisted.fields) == (False, None, None, {})


@pytest.mark.parametrize("params,message", [
    ({}, "give exactly one of record_id, criteria or all_records"),
    ({"record_id": ["1"], "all_records": True}, "record_id and all_records are mutually exclusive"),
    ({"record_id": ["1"], "criteria": "(A:equals:1)", "all_records": True}, "record_id and criteria and all_records"),
    ({"record_id": ["x"]}, "record_id: 'x' is not a record id"),
])
def test_selection_errors(params: dict[str, t.Any], message: str) -> None:
    full = dict({"module": "Contacts", "record_id": None, "criteria": None, "all_records": False}, **params)
    with pytest.raises(InputError, match=message):
        Selection.from_params(full)


def test_selection_optional_and_all_records_false() -> None:
    base = {"module": "companies", "record_id": None, "criteria": None, "all_records": False}
    assert Selection.from_params(base, optional=True) is None
    chosen = Selection.from_params(dict(base, record_id=["7", 8]))
    assert (chosen.module_name, chosen.ids) == ("Accounts", ["7", "8"])  # all_records=false is "not given"


@pytest.mark.parametrize("value", ["", "   ", "((A:equals:1)", "(A:equals:1))", ")(", "(A:equals:1)\x00", 5])
def test_check_criteria_rejects(value: t.Any) -> None:
    with pytest.raises(InputError, match="^criteria: "):
        check_criteria(value)


def test_check_fields() -> None:
    assert check_fields(["Last_Name", "id", "Record_Image", "Last_Name", "$approved"]) == ["Last_Name", "$approved"]
    assert len(check_fields(["F%d" % i for i in range(48)])) == 48
    for bad in (["F%d" % i for i in range(49)], ["1x"], ["a-b"], [""], "Last_Name"):
        with pytest.raises(InputError, match="^fields: "):
            check_fields(bad)


def test_list_all_uses_pages_then_tokens(sim: BiginSimulator) -> None:
    ids = seed(sim, 2205)
    refs = service(sim).list_all(["Last_Name"])
    assert [r.record_id for r in refs] == sorted(ids, reverse=True)
    assert {r.record_id for r in refs if r.has_photo} == {ids[i] for i in range(0, 2205, 3)}
    queries = [e["query"] for e in sim.api_requests()]
    assert [q.get("page") for q in queries] == [str(p) for p in range(1, 11)] + [None, None]
    assert all(q["fields"] == "id,Record_Image,Last_Name" and q["per_page"] == "200" for q in queries)


def test_empty_listing_and_unknown_record(sim: BiginSimulator) -> None:
    assert service(sim).list_all() == []
    assert service(sim).get("3000000999999") is None
    assert service(sim).search("(Last_Name:equals:x)") == []
    assert len(sim.api_requests()) == 3


def test_get_one_record(sim: BiginSimulator) -> None:
    ids = seed(sim, 1)
    ref = service(sim).get(ids[0], ["Last_Name"])
    assert ref is not None and ref.listed and ref.has_photo and ref.fields["Last_Name"] == "L0"


def test_search_limit_and_scope(sim: BiginSimulator) -> None:
    seed(sim, 2001)
    with pytest.raises(SelectionTooLarge, match="more than 2000"):
        service(sim).search("(Last_Name:starts_with:L)")
    assert len(sim.api_requests()) == 10
    with pytest.raises(BiginAPIError, match="ZohoSearch.securesearch.READ") as info:
        service(sim, token="no-search").search("(Last_Name:starts_with:L)")
    assert info.value.code == "OAUTH_SCOPE_MISMATCH"


def test_search_exactly_2000_is_fine(sim: BiginSimulator) -> None:
    seed(sim, 2000)
    assert len(service(sim).search("(Last_Name:starts_with:L)")) == 2000
