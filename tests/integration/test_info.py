# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Reading: bigin_photo_info (the facts of present and absent photos) and bigin_record_info (record
fields), through the real ansible-playbook; both read only.

Their listing selections (criteria, all_records) are in test_select.py.
"""

from __future__ import annotations

import typing as t

import pytest

from tests.conftest import sha
from tests.integration.conftest import C1, C2, C3, C4, INFO, RECORD_INFO, info_task, photo_path, seed_records
from tests.simulator.bigin_simulator import GIF_MIN, JPEG_MIN, PNG_RED, BiginSimulator

A1 = "3000000040001"
UNKNOWN = "3999999999999"
# A photo larger than what is read when only presence matters: its facts still come from all its bytes.
BIG_PNG = PNG_RED + bytes(range(256)) * 1024


# -- bigin_photo_info ----------------------------------------------------------------------------


def facts(module: str, record_id: str, data: bytes | None, content_type: str = "") -> dict[str, t.Any]:
    if data is None:
        return {"module": module, "record_id": record_id, "present": False}
    return {"module": module, "record_id": record_id, "present": True, "size": len(data),
            "sha256": sha(data), "content_type": content_type}


# Under each answer Bigin might give for "no photo" (see tests/integration/conftest.py).
@pytest.mark.profiles("no_photo_get")
def test_photo_info_reports_photo_facts_and_changes_nothing(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2, photo=JPEG_MIN)
    sim.add_record("Contacts", C3)
    sim.add_record("Contacts", C4, photo=BIG_PNG)
    sim.add_record("Accounts", A1, photo=GIF_MIN)
    contacts = {"module": "contacts", "record_id": [C1, C2, C3, C4]}
    result = play([
        {"name": "contacts", INFO: contacts},
        info_task("companies", A1, ignore_errors=False, module="Companies"),
        info_task("unknown", [C1, UNKNOWN]),
        {"name": "check mode", INFO: contacts, "check_mode": True},
    ])

    by_name = result.by_name()
    expected_contacts = [
        facts("Contacts", C1, PNG_RED, "image/png"),
        facts("Contacts", C2, JPEG_MIN, "image/jpeg"),
        facts("Contacts", C3, None),
        facts("Contacts", C4, BIG_PNG, "image/png"),
    ]
    assert by_name["contacts"]["_status"] == "ok"
    assert by_name["contacts"]["records"] == expected_contacts
    assert by_name["companies"]["records"] == [facts("Accounts", A1, GIF_MIN, "image/gif")]

    unknown = by_name["unknown"]
    assert unknown["_status"] == "failed"
    assert "INVALID_DATA (HTTP 400): the id given seems to be invalid" in unknown["msg"]
    assert "Resolution: The record ID specified in the URL is invalid." in unknown["msg"]
    assert unknown["records"][0] == facts("Contacts", C1, PNG_RED, "image/png")
    assert unknown["records"][1]["error"]["code"] == "INVALID_DATA"
    assert unknown["error"]["http_status"] == 400

    assert by_name["check mode"]["_status"] == "ok"
    assert by_name["check mode"]["records"] == expected_contacts
    assert all(task["changed"] is False for task in result.tasks)

    # Read-only: GETs only (one per record and task), nothing changed in the org.
    log = sim.api_requests()
    assert {e["method"] for e in log} == {"GET"}
    assert len(log) == 4 + 1 + 2 + 4
    assert [e["path"] for e in log if A1 in e["path"]] == [photo_path(A1, "Accounts")]
    assert sim.photo("Contacts", C1) == PNG_RED and sim.photo("Accounts", A1) == GIF_MIN
    assert sim.photo_count() == 4


# -- bigin_record_info ---------------------------------------------------------------------------


def test_record_info_gives_fields_lookups_and_unknown_ids(sim: BiginSimulator, play: t.Any) -> None:
    ids, _photos = seed_records(sim, 3, photo_every=2)
    unknown = "3000000999999"
    result = play([{RECORD_INFO: {
        "module": "Contacts", "record_id": [ids[2], unknown, ids[1]], "fields": ["Last_Name", "Account_Name"]}}])
    assert result.succeeded, result.output
    task = result.task()
    assert task["changed"] is False
    assert task["records"] == [
        {"id": ids[2], "found": True, "has_photo": True, "Last_Name": "L2",
         "Account_Name": {"id": "3000000040001", "name": "Zylker"}},
        {"id": unknown, "found": False, "has_photo": None},
        {"id": ids[1], "found": True, "has_photo": False, "Last_Name": "L1",
         "Account_Name": {"id": "3000000040001", "name": "Zylker"}},
    ]
    requests = sim.api_requests()
    # One GET per id (concurrently: any order), no listing.
    assert sorted(e["path"] for e in requests) == sorted("/bigin/v2/Contacts/" + i for i in (ids[2], unknown, ids[1]))
    assert all(e["query"]["fields"] == "id,Record_Image,Last_Name,Account_Name" for e in requests)


def test_record_info_reads_the_default_fields(sim: BiginSimulator, play: t.Any) -> None:
    seed_records(sim, 2, module="Products")
    result = play([{RECORD_INFO: {"module": "Products", "all_records": True}}], check=True)
    assert result.succeeded, result.output
    (entry,) = sim.api_requests()
    assert entry["query"]["fields"] == "id,Record_Image,Product_Name"
    assert [set(r) for r in result.task()["records"]] == [{"id", "found", "has_photo", "Product_Name"}] * 2


@pytest.mark.parametrize("fields,words", [
    (["Last_Name", "1bad"], ["fields", "'1bad'"]),
    (["F%d" % i for i in range(49)], ["fields", "49", "48"]),
    (["Last Name"], ["fields", "Last Name"]),
])
def test_bad_fields_are_refused_before_any_request(sim: BiginSimulator, play: t.Any, fields: list[str], words: list[str]) -> None:
    seed_records(sim, 2)
    result = play([{RECORD_INFO: {"module": "Contacts", "all_records": True, "fields": fields}}])
    assert result.rc != 0
    assert all(word in result.task()["msg"] for word in words), result.task()["msg"]
    assert sim.requests == []
