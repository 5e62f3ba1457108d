# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Selecting records by criteria or all_records, with every module, through the real ansible-playbook.

What each state does with a listing and what it costs (exact request counts), pagination and
page tokens, the search limit of 2000 matches, empty and stale listings, and the selection
options refused before any request. Listing requests are GETs of /bigin/v2/{Module} or
/bigin/v2/{Module}/search; photo requests are .../photo. Selecting by record_id is what every
other file does; exports by listing are in test_export.py.
"""

from __future__ import annotations

import collections
import math
import os
import re
import typing as t

import pytest

from tests.conftest import assert_no_secrets
from tests.integration.conftest import INFO, PHOTO, photo_task, seed_records
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

# The collection's own logic, whatever the ansible-core version: run on the default leg only (Makefile).
pytestmark = pytest.mark.default_core_only

# The tests that search run under each meaning Bigin might give equals (see tests/integration/conftest.py).
BY_EQUALS = pytest.mark.profiles("search_equals")

PHOTO_PATH = re.compile(r"^/bigin/v2/(\w+)/([0-9]+)/photo$")
Play = t.Callable[..., t.Any]


def split_log(sim: BiginSimulator) -> tuple[list[dict[str, t.Any]], dict[str, collections.Counter[str]]]:
    """(listing/search/get-record requests in order, method -> Counter of photo record ids)."""
    listing, photo = [], collections.defaultdict(collections.Counter)
    for entry in sim.api_requests():
        match = PHOTO_PATH.match(entry["path"])
        if match:
            photo[entry["method"]][match.group(2)] += 1
        else:
            listing.append(entry)
    return listing, photo


def selecting(**options: t.Any) -> dict[str, t.Any]:
    """A bigin_photo task on Contacts with only the given options (state too); a failure stops the play."""
    state = options.pop("state", None)
    return photo_task("photo", state=state, ignore_errors=False, **options)


# -- what each state does with a listing, and what it costs ---------------------------------


def test_all_records_absent_lists_by_page_and_deletes_only_the_photos(sim: BiginSimulator, play: Play) -> None:
    ids, photos = seed_records(sim, 450, photo_every=10)
    result = play([selecting(all_records=True, state="absent", concurrency=8, report="all")])
    assert result.succeeded, result.output
    listing, photo = split_log(sim)
    assert [(e["path"], e["query"].get("page")) for e in listing] == [("/bigin/v2/Contacts", str(p)) for p in (1, 2, 3)]
    assert all(e["query"]["fields"].split(",")[:2] == ["id", "Record_Image"] and e["query"]["per_page"] == "200"
               for e in listing)
    assert dict(photo) == {"DELETE": collections.Counter({i: 1 for i in photos})}  # no GET, no POST
    assert sim.photo_count("Contacts") == 0
    task = result.task()
    assert task["changed"] is True and len(task["records"]) == 450
    assert [r["record_id"] for r in task["records"]] == sorted(ids, reverse=True)  # Bigin's order
    changed = {r["record_id"] for r in task["records"] if r["changed"]}
    assert changed == photos
    assert all(r["before"] == {"present": r["record_id"] in photos} for r in task["records"])
    assert_no_secrets(result.output)


def test_all_records_absent_with_backup_reads_only_photos(sim: BiginSimulator, play: Play, tmp_path: t.Any) -> None:
    ids, photos = seed_records(sim, 60, photo_every=6)
    backup = tmp_path / "backup"
    result = play([selecting(all_records=True, state="absent", backup_dir=str(backup))])
    assert result.succeeded, result.output
    listing, photo = split_log(sim)
    assert len(listing) == 1
    assert photo["GET"] == collections.Counter({i: 1 for i in photos})
    assert photo["DELETE"] == collections.Counter({i: 1 for i in photos})
    files = sorted(os.listdir(str(backup)))
    assert len(files) == len(photos) and all(open(str(backup / f), "rb").read() == PNG_RED for f in files)


@BY_EQUALS
def test_present_force_false_posts_only_to_records_without_photo(search_sim: BiginSimulator, play: Play,
                                                                 tmp_path: t.Any) -> None:
    ids, photos = seed_records(search_sim, 40, photo_every=4, module="Products")
    src = tmp_path / "default.png"
    src.write_bytes(PNG_BLUE)
    result = play([{PHOTO: {"module": "Products", "criteria": "(Product_Name:starts_with:P)",
                            "src": str(src), "force": False}}])
    assert result.succeeded, result.output
    listing, photo = split_log(search_sim)
    assert [e["path"] for e in listing] == ["/bigin/v2/Products/search"]
    assert listing[0]["query"]["criteria"] == "(Product_Name:starts_with:P)"
    # One POST per record without a photo, and the GET that reads each upload back.
    assert dict(photo) == {"POST": collections.Counter({i: 1 for i in ids if i not in photos}),
                           "GET": collections.Counter({i: 1 for i in ids if i not in photos})}
    for record_id in ids:
        assert search_sim.photo("Products", record_id) == (PNG_RED if record_id in photos else PNG_BLUE)


def test_present_force_true_reads_only_records_with_photo(sim: BiginSimulator, play: Play, tmp_path: t.Any) -> None:
    ids, photos = seed_records(sim, 20, photo_every=5)
    same = sorted(photos)[0]
    sim.set_photo("Contacts", same, PNG_BLUE)
    src = tmp_path / "blue.png"
    src.write_bytes(PNG_BLUE)
    result = play([selecting(all_records=True, src=str(src), force=True, report="all")])
    assert result.succeeded, result.output
    listing, photo = split_log(sim)
    assert len(listing) == 1
    # A GET where the listing shows a photo (to compare it), and one after each upload (the read-back).
    assert photo["GET"] == collections.Counter({i: (i in photos) + (i != same) for i in ids})
    assert photo["POST"] == collections.Counter({i: 1 for i in ids if i != same})
    assert {r["record_id"] for r in result.task()["records"] if not r["changed"]} == {same}


def test_photo_info_all_records_reads_only_photos(sim: BiginSimulator, play: Play) -> None:
    ids, photos = seed_records(sim, 30, photo_every=3, module="Accounts")
    result = play([{INFO: {"module": "Companies", "all_records": True}}])
    assert result.succeeded, result.output
    listing, photo = split_log(sim)
    assert [e["path"] for e in listing] == ["/bigin/v2/Accounts"]
    assert dict(photo) == {"GET": collections.Counter({i: 1 for i in photos})}
    records = {r["record_id"]: r for r in result.task()["records"]}
    assert records[sorted(photos)[0]]["sha256"] and records[sorted(photos)[0]]["content_type"] == "image/png"
    assert all(records[i] == {"module": "Accounts", "record_id": i, "present": False}
               for i in ids if i not in photos)


def test_check_mode_with_a_listing_sends_no_photo_request(sim: BiginSimulator, play: Play) -> None:
    ids, photos = seed_records(sim, 25, photo_every=5)
    result = play([selecting(all_records=True, state="absent")], check=True)
    assert result.succeeded, result.output
    _listing, photo = split_log(sim)
    assert "DELETE" not in photo and "POST" not in photo and "GET" not in photo
    assert sim.photo_count("Contacts") == len(photos)
    assert {r["record_id"] for r in result.task()["records"] if r["changed"]} == photos


def test_a_photo_gone_since_the_listing_is_not_a_change(sim: BiginSimulator, play: Play) -> None:
    (record_id,), _photos = seed_records(sim, 1, photo_every=1)
    sim.inject_error("INVALID_DATA_NO_PHOTO", method="DELETE")  # someone removed it after the listing
    result = play([selecting(all_records=True, state="absent")])
    assert result.succeeded, result.output
    assert result.task()["changed"] is False


# -- pagination and limits ------------------------------------------------------------------


def test_2450_records_are_listed_by_page_then_by_page_token(sim: BiginSimulator, play: Play) -> None:
    ids, photos = seed_records(sim, 2450, photo_every=50)
    result = play([selecting(all_records=True, state="absent", concurrency=8)])
    assert result.succeeded, result.output
    listing, photo = split_log(sim)
    assert len(listing) == math.ceil(2450 / 200) == 13
    for number, entry in enumerate(listing[:10], 1):
        assert entry["query"]["page"] == str(number) and "page_token" not in entry["query"]
    for entry in listing[10:]:
        assert "page" not in entry["query"] and entry["query"]["page_token"]
        assert entry["status"] == 200
    assert len({e["query"]["page_token"] for e in listing[10:]}) == 3
    assert dict(photo) == {"DELETE": collections.Counter({i: 1 for i in photos})}
    # The default report of a listing: the changed records, in Bigin's order; the summary counts them all.
    assert [r["record_id"] for r in result.task()["records"]] == sorted(photos, reverse=True)
    assert result.task()["summary"]["selected"] == len(ids) == 2450
    assert sim.photo_count() == 0


def test_search_over_2000_matches_fails_before_any_change(search_sim: BiginSimulator, play: Play) -> None:
    seed_records(search_sim, 2050, photo_every=2, old_every=1)
    before = search_sim.photo_count()
    result = play([selecting(criteria="(Email:ends_with:old.example)", state="absent")])
    assert result.rc != 0
    msg = result.task()["msg"]
    assert "2000" in msg and "criteria" in msg and "all_records" in msg and "nothing was changed" in msg
    listing, photo = split_log(search_sim)
    assert [e["query"]["page"] for e in listing] == [str(p) for p in range(1, 11)]
    assert not photo and search_sim.photo_count() == before


@BY_EQUALS
def test_an_empty_selection_succeeds_and_changes_nothing(search_sim: BiginSimulator, play: Play) -> None:
    seed_records(search_sim, 5)
    result = play([selecting(criteria="(Last_Name:equals:nobody)", state="absent"),
                   {INFO: {"module": "Products", "all_records": True}}])
    assert result.succeeded, result.output
    assert [(t_["changed"], t_["records"]) for t_ in result.tasks] == [(False, []), (False, [])]
    assert len(search_sim.api_requests()) == 2  # one search (204), one listing (204)


# -- each selection option on each module ---------------------------------------------------


SELECTIONS = {
    "record_id": lambda ids: {"record_id": [ids[3], ids[1]]},
    "criteria": lambda ids: {"criteria": "((Last_Name:equals:L1)or(Last_Name:equals:L3))"},
    "all_records": lambda ids: {"all_records": True},
}


@BY_EQUALS
@pytest.mark.parametrize("option", sorted(SELECTIONS))
@pytest.mark.parametrize("module", ["bigin_photo", "bigin_photo_info", "bigin_record_info"])
def test_each_selection_on_each_module(search_sim: BiginSimulator, play: Play, module: str, option: str) -> None:
    ids, photos = seed_records(search_sim, 5, photo_every=2)  # photos on ids[0], ids[2], ids[4]
    options = dict({"module": "Contacts"}, **SELECTIONS[option](ids))
    if module == "bigin_photo":
        options.update(state="absent", report="all")
    result = play([{"zoho.bigin." + module: options}])
    assert result.succeeded, result.output
    expected = {"record_id": [ids[3], ids[1]], "criteria": [ids[3], ids[1]],
                "all_records": sorted(ids, reverse=True)}[option]
    records = result.task()["records"]
    key = "id" if module == "bigin_record_info" else "record_id"
    assert [r[key] for r in records] == expected
    listing, photo = split_log(search_sim)
    if option == "record_id":
        # As before: one request per record (a photo GET, or a record GET for bigin_record_info).
        assert len(search_sim.api_requests()) == 2
    else:
        assert len(listing) == 1 and listing[0]["path"].endswith("/search") is (option == "criteria")
    if module == "bigin_photo":
        assert all(search_sim.photo("Contacts", i) is None for i in expected)
        assert search_sim.photo_count() == len(photos - set(expected))


# -- input errors, before any request ---------------------------------------------------------


@pytest.mark.parametrize("options,words", [
    ({}, ["record_id", "criteria", "all_records"]),
    ({"record_id": "3000000200000", "criteria": "(Last_Name:equals:x)"}, ["record_id and criteria", "exclusive"]),
    ({"criteria": "(Last_Name:equals:x)", "all_records": True}, ["criteria and all_records", "exclusive"]),
    ({"criteria": "((Last_Name:equals:x)"}, ["criteria", "unbalanced"]),
    ({"criteria": "(Last_Name:\nequals:x)"}, ["criteria", "control"]),
    ({"criteria": "  "}, ["criteria", "non-empty"]),
])
@pytest.mark.parametrize("module", ["bigin_photo", "bigin_record_info"])
def test_selection_input_errors_are_refused_before_any_request(search_sim: BiginSimulator, play: Play, module: str,
                                                               options: dict[str, t.Any], words: list[str]) -> None:
    seed_records(search_sim, 2)
    args = dict({"module": "Contacts"}, **options)
    if module == "bigin_photo":
        args["state"] = "absent"
    result = play([{"zoho.bigin." + module: args}])
    assert result.rc != 0
    msg = result.task()["msg"]
    assert all(word in msg for word in words), msg
    assert search_sim.requests == []
