# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bigin_photo state=absent, through the real ansible-playbook against the simulator."""

from __future__ import annotations

import collections
import hashlib
import typing as t

from tests.simulator.bigin_simulator import JPEG_MIN, PNG_BLUE, PNG_RED, BiginSimulator

PHOTO = "zoho.bigin.bigin_photo"
C1, C2, C3, C4 = "3000000038001", "3000000038002", "3000000038003", "3000000038004"


def absent(record_id: t.Any, name: str = "delete", **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "record_id": record_id, "state": "absent"}
    args.update(extra)
    return {"name": name, PHOTO: args}


def api_log(sim: BiginSimulator) -> list[tuple[str, str, int | None]]:
    return [(e["method"], e["path"], e["status"]) for e in sim.api_requests()]


def path(record_id: str, module: str = "Contacts", version: str = "v2") -> str:
    return "/bigin/%s/%s/%s/photo" % (version, module, record_id)


def test_delete_then_repeat_is_ok(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    result = play([absent(C1, "first"), absent(C1, "again")])

    assert result.rc == 0, result.output
    first, again = result.tasks
    assert first["_status"] == "ok" and first["changed"] is True
    record = first["records"][0]
    assert (record["module"], record["record_id"], record["changed"]) == ("Contacts", C1, True)
    assert record["before"]["present"] is True
    assert record["after"] == {"present": False}
    assert "error" not in record and "backup_file" not in record
    assert again["_status"] == "ok" and again["changed"] is False
    assert again["records"][0]["changed"] is False
    assert again["records"][0]["before"] == {"present": False}

    assert sim.photo("Contacts", C1) is None
    # First task: exactly one GET and one DELETE; second task: one GET (204), no DELETE.
    assert api_log(sim) == [("GET", path(C1), 200), ("DELETE", path(C1), 200), ("GET", path(C1), 204)]
    assert sim.token_requests() == []


def test_check_mode_predicts_and_sends_nothing(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2)
    result = play([absent(C1, "with photo"), absent(C2, "without photo"), absent([C1, C2], "both")],
                  check=True)

    assert result.rc == 0, result.output
    with_photo, without, both = result.tasks
    assert with_photo["changed"] is True
    assert with_photo["records"][0]["changed"] is True
    assert with_photo["records"][0]["after"] == {"present": False}
    assert without["changed"] is False
    assert [r["changed"] for r in both["records"]] == [True, False]
    assert both["changed"] is True

    assert sim.photo("Contacts", C1) == PNG_RED
    methods = collections.Counter(e["method"] for e in sim.api_requests())
    assert methods == {"GET": 4}


def test_diff_mode_shows_before_and_after(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=JPEG_MIN)
    sim.add_record("Contacts", C2)
    result = play([absent([C1, C2])], diff=True)

    assert result.rc == 0, result.output
    task = result.task()
    expected_before = {"present": True, "size": len(JPEG_MIN), "sha256": hashlib.sha256(JPEG_MIN).hexdigest()}
    assert task["records"][0]["before"] == expected_before
    diffs = task["diff"]
    # One diff per record read, in input order: C2 had no photo, so its before and after are equal.
    assert len(diffs) == 2
    assert diffs[0]["before"] == expected_before
    assert diffs[0]["after"] == {"present": False}
    assert C1 in diffs[0]["before_header"] and "Contacts" in diffs[0]["before_header"]
    assert diffs[1]["before"] == diffs[1]["after"] == {"present": False}
    assert C2 in diffs[1]["before_header"]
    # The diff is rendered in the output too.
    assert expected_before["sha256"] in result.output
    assert sim.photo("Contacts", C1) is None
    assert [m for m, _p, _s in api_log(sim)].count("DELETE") == 1


def test_several_records_in_one_task(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2)
    sim.add_record("Contacts", C3, photo=PNG_BLUE)
    sim.add_record("Contacts", C4)
    ids: list[t.Any] = [C3, int(C2), C1, C4, C3, C1]  # an int id, and repeats
    task = {"name": "many", PHOTO: {"module": "cOnTaCtS", "record_ids": ids, "state": "absent"}}
    result = play([task])

    assert result.rc == 0, result.output
    records = result.task()["records"]
    # One entry per requested id, repeats included; each id is still worked on once (below).
    assert [r["record_id"] for r in records] == [C3, C2, C1, C4, C3, C1]
    assert [r["changed"] for r in records] == [True, False, True, False, True, True]
    assert all(r["module"] == "Contacts" for r in records)
    assert result.task()["changed"] is True

    assert sim.photo_count("Contacts") == 0
    log = api_log(sim)
    gets = collections.Counter(p for m, p, _s in log if m == "GET")
    deletes = sorted(p for m, p, _s in log if m == "DELETE")
    assert gets == {path(C1): 1, path(C2): 1, path(C3): 1, path(C4): 1}
    assert deletes == sorted([path(C1), path(C3)])


def test_companies_is_accounts_v1_path_and_id_alias(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Accounts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    tasks = [
        {"name": "companies", PHOTO: {"module": "Companies", "id": C1, "state": "absent"}},
        {"name": "v1", PHOTO: {"module": "CONTACTS", "id": [C2], "state": "absent", "api_version": "v1"}},
    ]
    result = play(tasks)

    assert result.rc == 0, result.output
    companies, v1 = result.tasks
    assert companies["changed"] is True
    assert companies["records"][0]["module"] == "Accounts"
    assert v1["changed"] is True
    assert sim.photo("Accounts", C1) is None
    assert sim.photo("Contacts", C2) is None
    assert api_log(sim) == [
        ("GET", path(C1, "Accounts"), 200), ("DELETE", path(C1, "Accounts"), 200),
        ("GET", path(C2, version="v1"), 200), ("DELETE", path(C2, version="v1"), 200),
    ]


def test_photo_gone_between_get_and_delete_is_not_a_change(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    # Someone else deletes the photo after our GET: the DELETE meets "No such photo exists".
    sim.inject_error("INVALID_DATA_NO_PHOTO", method="DELETE")
    result = play([absent(C1)], defaults={"max_retries": 0})

    assert result.rc == 0, result.output
    task = result.task()
    assert task["_status"] == "ok"
    assert task["changed"] is False
    assert task["records"][0]["changed"] is False
    assert task["records"][0]["after"] == {"present": False}
    assert "error" not in task["records"][0]
    log = sim.api_requests()
    assert [(e["method"], e["status"], e["code"]) for e in log] == [
        ("GET", 200, "SUCCESS"), ("DELETE", 400, "INVALID_DATA")]
