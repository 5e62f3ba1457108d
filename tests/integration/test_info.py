# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bigin_photo_info through the real ansible-playbook: facts of present and absent photos, read-only."""

from __future__ import annotations

import hashlib
import typing as t

from tests.simulator.bigin_simulator import GIF_MIN, JPEG_MIN, PNG_RED, BiginSimulator

INFO = "zoho.bigin.bigin_photo_info"
C1, C2, C3, C4 = "3000000038001", "3000000038002", "3000000038003", "3000000038004"
A1 = "3000000040001"
UNKNOWN = "3999999999999"
# A photo larger than what is read when only presence matters: its facts still come from all its bytes.
BIG_PNG = PNG_RED + bytes(range(256)) * 1024


def facts(module: str, record_id: str, data: bytes | None, content_type: str = "") -> dict[str, t.Any]:
    if data is None:
        return {"module": module, "record_id": record_id, "present": False}
    return {"module": module, "record_id": record_id, "present": True, "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(), "content_type": content_type}


def test_info_reports_photo_facts_read_only(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2, photo=JPEG_MIN)
    sim.add_record("Contacts", C3)
    sim.add_record("Contacts", C4, photo=BIG_PNG)
    sim.add_record("Accounts", A1, photo=GIF_MIN)
    contacts = {"module": "contacts", "record_id": [C1, C2, C3, C4]}
    result = play([
        {"name": "contacts", INFO: contacts},
        {"name": "companies", INFO: {"module": "Companies", "record_id": A1}},
        {"name": "unknown", INFO: {"module": "Contacts", "record_id": [C1, UNKNOWN]}, "ignore_errors": True},
        {"name": "check mode", INFO: contacts, "check_mode": True},
    ])

    by_name = {task["_task"]: task for task in result.tasks}
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
    assert [e["path"] for e in log if A1 in e["path"]] == ["/bigin/v2/Accounts/%s/photo" % A1]
    assert sim.photo("Contacts", C1) == PNG_RED and sim.photo("Accounts", A1) == GIF_MIN
    assert sim.photo_count() == 4
