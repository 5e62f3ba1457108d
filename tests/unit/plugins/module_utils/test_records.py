# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of module_utils/_records.py, in the order of its source: RecordRef, the input checks
(with a property test: no request leaves for a path other than the validated one), Selection,
and listing, search and get against the simulator.
"""

from __future__ import annotations

import json
import re
import typing as t
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from ansible_collections.zoho.bigin.plugins.module_utils import _records
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginAPIError, InputError
from ansible_collections.zoho.bigin.plugins.module_utils._records import (
    MAX_PAGE,
    RecordRef,
    RecordsService,
    Selection,
    SelectionTooLarge,
    check_criteria,
    check_fields,
    module_api_name,
    record_ids,
)
from ansible_collections.zoho.bigin.plugins.module_utils._sources import photo_marker
from tests.conftest import ACCESS_TOKEN, SEARCH_SCOPE
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.unit.plugins.conftest import Wire

BASE = 3000000300000


# -- RecordRef ---------------------------------------------------------------------------------------

def test_record_ref_keeps_the_listed_record_and_knows_nothing_of_photos() -> None:
    listed = RecordRef.from_record("Contacts", {"id": "1", "Record_Image": "abc123", "Last_Name": "X"})
    assert (listed.listed, listed.fields["Last_Name"], listed.fields["Record_Image"]) == (True, "X", "abc123")
    assert not hasattr(listed, "photo_marker") and not hasattr(listed, "has_photo")
    assert repr(listed) == "RecordRef(Contacts/1, listed=True)"
    unlisted = RecordRef("Contacts", "3")
    assert (unlisted.listed, unlisted.fields) == (False, {})


# -- module_api_name ---------------------------------------------------------------------------------

@pytest.mark.parametrize("value, expected", [
    ("Contacts", "Contacts"), ("contacts", "Contacts"), ("CONTACTS", "Contacts"),
    ("Accounts", "Accounts"), ("accounts", "Accounts"),
    ("Companies", "Accounts"), ("companies", "Accounts"), ("COMPANIES", "Accounts"),
    ("Products", "Products"), ("pRoDuCtS", "Products"),
])
def test_module_api_name(value: str, expected: str) -> None:
    assert module_api_name(value) == expected


@pytest.mark.parametrize("value", ["Deals", "Documents", "Contact", " Contacts", "", "Contacts/1", None, 1, ["Contacts"]])
def test_module_api_name_rejects_others_naming_the_option_and_the_valid_values(value: t.Any) -> None:
    with pytest.raises(InputError) as info:
        module_api_name(value)
    text = str(info.value)
    assert text.startswith("module: %r is not a supported module" % (value,))
    for name in ("Contacts", "Accounts", "Companies", "Products"):
        assert name in text


# -- record_ids --------------------------------------------------------------------------------------

@pytest.mark.parametrize("values, expected", [
    (["3000000038009"], ["3000000038009"]),
    ([3000000038009], ["3000000038009"]),
    (["1"], ["1"]),
    ([0], ["0"]),
    (["9" * 19], ["9" * 19]),
    ([9223372036854775807], ["9223372036854775807"]),
    (["007"], ["007"]),
    (["3", 1, "2", 3, "1", "3"], ["3", "1", "2", "3", "1", "3"]),  # repeats are merged later, per outcome
])
def test_record_ids_accepted(values: list[t.Any], expected: list[str]) -> None:
    assert record_ids(values) == expected


@pytest.mark.parametrize("value", [
    "", "abc", "12a", "1 2", " 12", "12 ", "12\n", "../1", "..", "1/photo", "1%2F", "1" * 20, "-1", -1,
    "+1", "1.0", "\u0661\u0662",  # Arabic-Indic digits: digits to Python, not to the API
    True, False, 1.0, 1.5, None, {"id": "1"}, ["1"],
])
def test_record_ids_rejected(value: t.Any) -> None:
    with pytest.raises(InputError) as info:
        record_ids(["1", value])
    assert str(info.value).startswith("record_id: ")
    assert "1 to 19 digits" in str(info.value)


@pytest.mark.parametrize("values", [[], None, "1", 1, "123", 123, {"id": "1"}])
def test_record_ids_need_a_non_empty_list(values: t.Any) -> None:
    with pytest.raises(InputError, match="^record_id: give one record id or a list of them$"):
        record_ids(values)


def test_record_id_error_shows_a_long_value_shortened() -> None:
    with pytest.raises(InputError) as info:
        record_ids(["x" * 500])
    assert "x" * 40 + "..." in str(info.value)
    assert "x" * 41 not in str(info.value)


# -- module_api_name and record_ids: no request leaves for a path they did not validate --------------

SAFE_PATH = re.compile(r"\A/bigin/v[12]/(Contacts|Accounts|Products)/[0-9]{1,19}/photo\Z")


ASCII_ID = re.compile(r"\A[0-9]{1,19}\Z")


MODULE_SPELLINGS = ("Contacts", "Accounts", "Companies", "Products", "contacts", "ACCOUNTS", "companies",
                    "pRoDuCtS", "Deals", "Documents", "Projects", "Leads", "Pipelines", "Users")


HOSTILE = (
    "", " ", "0", "1", "42", "3000000038009", "9999999999999999999", "10000000000000000000",
    "-1", "+1", "1.0", "1e5", "0x1f", " 123", "123 ", "123\n", "\n123", "12\x003", "123\t", "１２３", "١٢٣", "²",
    "1/2", "../1", "1/../../oauth/v2/token", "1%2F2", "%2e%2e", "1?x=1", "1#frag", "1;x", "1\\2", "1@evil",
    "http://evil/1", "//evil/1", "1 HTTP/1.1\r\nX: y", "Contacts", "photo", "*",
)


HOSTILE_MODULES = (
    "Contacts/../Deals", "Contacts?x=1", "Contacts#", "Contacts\n", " Contacts", "Contacts ", "contacts\x00",
    "Contacts/1/photo", "../Contacts", "%43ontacts", "Cоntacts",  # the last one has a Cyrillic "о"
    "CONTACTS", "Companıes", "companİes", "", "*", "Contacts\r\nX-Injected: 1",
)


def _any_value(strings: st.SearchStrategy[str]) -> st.SearchStrategy[t.Any]:
    return st.one_of(
        strings,
        st.text(),
        st.text(alphabet="0123456789/.%?#\\ \n\x00-+e", max_size=25),
        st.from_regex(r"\A\d{1,21}\Z"),  # \d also matches non-ASCII digits
        st.integers(),
        st.integers(min_value=0, max_value=10 ** 21),
        st.booleans(),
        st.none(),
        st.floats(allow_nan=False),
    )


def _mostly(good: st.SearchStrategy[t.Any], anything: st.SearchStrategy[t.Any]) -> st.SearchStrategy[t.Any]:
    """Three in four draws from ``good``: enough examples get past validation to send requests."""
    return st.integers(0, 3).flatmap(lambda n: good if n else anything)


def _any_case(word: str) -> st.SearchStrategy[str]:
    return st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda flips: "".join(c.upper() if up else c for c, up in zip(word, flips)))


valid_ids = st.one_of(
    st.from_regex(r"\A[0-9]{1,19}\Z"),
    st.integers(min_value=0, max_value=10 ** 19 - 1),
    st.sampled_from(["0", "0000000000000000000", "9999999999999999999", "3000000038009"]),
)
valid_modules = st.sampled_from(["contacts", "accounts", "companies", "products"]).flatmap(_any_case)
# A valid id with something dangerous (or just anything) before or after it.
affix = st.one_of(st.sampled_from(["\n", "\r\n", " ", "\t", "\x00", "/", "?", "#", ".", "%2F", "/..", "\u0661", "\uff11"]),
                  st.text(min_size=1, max_size=2))
near_miss_ids = st.tuples(st.one_of(st.just(""), affix), st.from_regex(r"\A[0-9]{1,19}\Z"),
                          st.one_of(st.just(""), affix)).map("".join)
record_values = _mostly(valid_ids, st.booleans().flatmap(
    lambda near: near_miss_ids if near else _any_value(st.sampled_from(HOSTILE))))
module_values = _mostly(valid_modules, _any_value(st.sampled_from(MODULE_SPELLINGS + HOSTILE_MODULES)))


@pytest.fixture
def wires(wire: t.Callable[..., Wire]) -> dict[str, Wire]:
    """One Wire a version of the API (the access token alone: no refresh)."""
    return {version: wire(refresh=False, pool_size=1, api_version=version) for version in ("v1", "v2")}


def _expected_ids(values: list[t.Any]) -> list[str] | None:
    """The spec: every value an int or str (not bool) that is 1 to 19 ASCII digits, else rejected; repeats kept."""
    ids: list[str] = []
    for value in values:
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not ASCII_ID.match(str(value)):
            return None
        ids.append(str(value))
    return ids or None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(module=module_values, values=st.lists(record_values, min_size=1, max_size=3),
       version=st.sampled_from(["v1", "v2"]), method=st.sampled_from(["GET", "DELETE"]))
def test_no_request_leaves_for_an_unvalidated_path(wires: dict[str, Wire], module: t.Any, values: list[t.Any],
                                                   version: str, method: str) -> None:
    known_module = isinstance(module, str) and module.lower() in ("contacts", "accounts", "companies", "products")
    try:
        api_name = module_api_name(module)
    except InputError as exc:
        event("module rejected")
        assert not known_module, "a supported module name was rejected"
        assert str(exc).startswith("module: ")
        return
    assert known_module, "module_api_name accepted an unknown module"
    assert api_name in ("Contacts", "Accounts", "Products")
    try:
        ids = record_ids(values)
    except InputError as exc:
        # Rejected before any request, with a message that names the option.
        event("record_id rejected")
        assert _expected_ids(values) is None, "a valid record_id list was rejected"
        assert str(exc).startswith("record_id: ")
        return
    assert ids == _expected_ids(values), "record_ids accepted something that is not 1-19 ASCII digits"

    event("sent")
    wire = wires[version]
    wire.sim.clear_log()
    wire.prepared.clear()
    for record_id in ids:
        try:
            wire.client.request(method, "%s/%s/photo" % (api_name, record_id), record_id)
        except BiginAPIError as exc:
            assert exc.code == "INVALID_DATA"  # the record (or its photo) does not exist; the URL was right
    assert len(wire.prepared) == len(ids)
    for url, record_id in zip(wire.prepared, ids):
        parts = urlsplit(url)
        assert "%s://%s" % (parts.scheme, parts.netloc) == wire.sim.url
        assert parts.path == "/bigin/%s/%s/%s/photo" % (version, api_name, record_id)
        assert SAFE_PATH.match(parts.path) and not parts.query and not parts.fragment
    received = wire.sim.requests
    assert len(received) == len(ids)
    for entry in received:
        assert entry["kind"] == "api" and entry["method"] == method
        assert SAFE_PATH.match(entry["path"]) and entry["query"] == {}


def test_the_oracle_tells_good_from_bad() -> None:
    """The property's own yardstick, on a few values whose verdict is known."""
    assert _expected_ids(["3000000038009", 42, "0"]) == ["3000000038009", "42", "0"]
    assert _expected_ids(["1", "1"]) == ["1", "1"]
    for bad in ("", "１２３", "123\n", "-1", "1/2", True, 1.0, None, 10 ** 19, "12345678901234567890"):
        assert _expected_ids([bad]) is None
    assert SAFE_PATH.match("/bigin/v2/Accounts/1/photo")
    assert not SAFE_PATH.match("/bigin/v2/Accounts/1/photo/")
    assert not SAFE_PATH.match("/bigin/v3/Accounts/1/photo")
    assert not SAFE_PATH.match("/bigin/v2/Deals/1/photo")


@pytest.mark.parametrize("value", HOSTILE + ("3000000038009\n", "\u0661\u0662", "\uff11", "1" * 20))
def test_known_hostile_ids_follow_the_spec(value: str) -> None:
    """The nastiest near misses, every run (the property above meets them only by chance)."""
    if _expected_ids([value]) is None:
        with pytest.raises(InputError, match="^record_id: "):
            record_ids([value])
    else:
        assert record_ids([value]) == [value]


@pytest.mark.parametrize("value", MODULE_SPELLINGS + HOSTILE_MODULES)
def test_known_module_spellings_follow_the_spec(value: str) -> None:
    if value.lower() in ("contacts", "accounts", "companies", "products"):
        assert module_api_name(value) in ("Contacts", "Accounts", "Products")
    else:
        with pytest.raises(InputError, match="^module: "):
            module_api_name(value)


# -- check_criteria and check_fields -----------------------------------------------------------------

@pytest.mark.parametrize("value", ["", "   ", "((A:equals:1)", "(A:equals:1))", ")(", "(A:equals:1)\x00", 5])
def test_check_criteria_rejects(value: t.Any) -> None:
    with pytest.raises(InputError, match="^criteria: "):
        check_criteria(value)


def test_check_fields() -> None:
    # What bigin_record_info asks: id and Record_Image always, so 48 of its own.
    always = ("id", "Record_Image")
    assert check_fields(["Last_Name", "id", "Record_Image", "Last_Name", "$approved"], always=always) == ["Last_Name", "$approved"]
    assert len(check_fields(["F%d" % i for i in range(48)], always=always)) == 48
    for bad in (["F%d" % i for i in range(49)], ["1x"], ["a-b"], [""], "Last_Name"):
        with pytest.raises(InputError, match="^fields: "):
            check_fields(bad, always=always)
    with pytest.raises(InputError, match=r"^fields: 49 fields given; at most 48 \(Bigin takes 50, id and Record_Image are "
                                         r"always asked for\)$"):
        check_fields(["F%d" % i for i in range(49)], always=always)
    # The records layer alone knows only id.
    assert check_fields(["Record_Image", "id"]) == ["Record_Image"] and len(check_fields(["F%d" % i for i in range(49)])) == 49


# -- Selection ---------------------------------------------------------------------------------------

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


# -- RecordsService: listing, search and get ---------------------------------------------------------

@pytest.fixture
def service(sim: BiginSimulator) -> t.Iterator[t.Callable[..., RecordsService]]:
    """Make a RecordsService for Contacts on ``sim``, whose token may search too (unless another is given)."""
    sim.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", SEARCH_SCOPE))
    made: list[Wire] = []

    def make(token: str = ACCESS_TOKEN) -> RecordsService:
        made.append(Wire(sim, access_token=token, refresh=False))
        return RecordsService(made[-1].client, "Contacts")

    yield make
    for each in made:
        each.session.close()


def seed(sim: BiginSimulator, count: int) -> list[str]:
    ids = [str(BASE + i) for i in range(count)]
    for i, record_id in enumerate(ids):
        sim.add_record("Contacts", record_id, photo=PNG_RED if i % 3 == 0 else None,
                       fields={"Last_Name": "L%d" % i})
    return ids


def test_list_all_uses_pages_then_tokens(sim: BiginSimulator, service: t.Callable[..., RecordsService]) -> None:
    ids = seed(sim, 2205)
    refs = service().list_all(["Record_Image", "Last_Name"])
    assert [r.record_id for r in refs] == sorted(ids, reverse=True)
    assert {r.record_id for r in refs if photo_marker(r)} == {ids[i] for i in range(0, 2205, 3)}
    queries = [e["query"] for e in sim.api_requests()]
    assert [q.get("page") for q in queries] == [str(p) for p in range(1, 11)] + [None, None]
    assert all(q["fields"] == "id,Record_Image,Last_Name" and q["per_page"] == "200" for q in queries)


def test_empty_listing_and_unknown_record(sim: BiginSimulator, service: t.Callable[..., RecordsService]) -> None:
    assert service().list_all() == []
    assert service().get("3000000999999") is None
    assert service().search("(Last_Name:equals:x)") == []
    assert len(sim.api_requests()) == 3
    # Without fields from the caller, id alone (and what the criteria name).
    assert [e["query"]["fields"] for e in sim.api_requests()] == ["id", "id", "id,Last_Name"]


def test_get_one_record(sim: BiginSimulator, service: t.Callable[..., RecordsService]) -> None:
    ids = seed(sim, 1)
    ref = service().get(ids[0], ["Record_Image", "Last_Name"])
    assert ref is not None and ref.listed and photo_marker(ref) and ref.fields["Last_Name"] == "L0"


def test_search_limit_and_scope(sim: BiginSimulator, service: t.Callable[..., RecordsService]) -> None:
    seed(sim, 2001)
    with pytest.raises(SelectionTooLarge, match="more than 2000"):
        service().search("(Last_Name:starts_with:L)")
    assert len(sim.api_requests()) == 10
    with pytest.raises(BiginAPIError, match=re.escape(SEARCH_SCOPE)) as info:
        service(token=sim.add_token("1000.no-search.token")).search("(Last_Name:starts_with:L)")
    assert info.value.code == "OAUTH_SCOPE_MISMATCH"


def test_search_exactly_2000_is_fine(sim: BiginSimulator, service: t.Callable[..., RecordsService]) -> None:
    seed(sim, 2000)
    assert len(service().search("(Last_Name:starts_with:L)")) == 2000


def test_search_with_the_criteria_fields_over_bigins_limit_is_refused(
        sim: BiginSimulator, service: t.Callable[..., RecordsService]) -> None:
    fields = ["F%d" % i for i in range(48)]
    assert service().search("(Last_Name:equals:x)", fields) == []  # 50 with id: Bigin takes them
    assert sim.api_requests()[0]["query"]["fields"] == ",".join(["id"] + fields + ["Last_Name"])
    with pytest.raises(InputError, match=re.escape("criteria: with fields, 51 fields would be read; Bigin takes at most 50")):
        service().search("((Last_Name:equals:x)and(First_Name:equals:y))", fields)
    assert len(sim.api_requests()) == 1  # refused before any request


# -- a listing the server cannot keep going, ids it cannot smuggle in (issue 15) ---------------------

def page_body(ids: t.Sequence[str], more: t.Any, token: t.Any = None) -> str:
    info: dict[str, t.Any] = {"more_records": more, "per_page": 200}
    if token is not None:
        info["next_page_token"] = token
    return json.dumps({"data": [{"id": i, "Record_Image": None} for i in ids], "info": info})


@pytest.mark.parametrize("more", ["false", "true", 1, "yes", None])
def test_only_json_true_asks_for_another_page(sim: BiginSimulator, service: t.Callable[..., RecordsService],
                                              more: t.Any) -> None:
    sim.inject_response(200, page_body([str(BASE)], more), headers={"Content-Type": "application/json"},
                        count=1000)
    assert [r.record_id for r in service().list_all()] == [str(BASE)]
    assert len(sim.api_requests()) == 1


def test_a_repeated_page_token_stops_the_listing(sim: BiginSimulator,
                                                 service: t.Callable[..., RecordsService]) -> None:
    sim.inject_response(200, page_body([str(BASE)], True, "tok-A"), headers={"Content-Type": "application/json"},
                        count=1000)
    with pytest.raises(BiginAPIError, match="next_page_token it had given before"):
        service().list_all()
    # Pages 1 to 10, then the first token, then the same token again: stopped there.
    assert len(sim.api_requests()) == MAX_PAGE + 1


def test_a_listing_without_end_stops_at_the_hard_bound(sim: BiginSimulator, service: t.Callable[..., RecordsService],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_records, "MAX_LISTING_PAGES", 14)
    # A fresh token every page: only the bound can stop it.
    for n in range(20):
        sim.inject_response(200, page_body([str(BASE + n)], True, "tok-%d" % n),
                            headers={"Content-Type": "application/json"})
    with pytest.raises(BiginAPIError, match="more records remain after 14 pages"):
        service().list_all()
    assert len(sim.api_requests()) == 14


@pytest.mark.parametrize("bad_id", ["../../x", "12/../34", "", True, 1.5, None, "1" * 20, "12 34"])
def test_a_listed_id_that_is_not_a_record_id_is_never_used(bad_id: t.Any) -> None:
    ref = RecordRef.from_record("Contacts", {"id": bad_id, "Record_Image": "x"})
    assert ref.bad_id is not None
    assert re.fullmatch(r"invalid-id-[0-9a-f]{12}", ref.record_id)  # nothing of the server's text in paths
    assert not ref.listed and photo_marker(ref) is None


def test_deeply_nested_listing_is_an_api_error(sim: BiginSimulator, service: t.Callable[..., RecordsService]) -> None:
    sim.inject_response(200, "[" * 100000, headers={"Content-Type": "application/json"})
    with pytest.raises(BiginAPIError, match="not a list of records"):
        service().list_all()
