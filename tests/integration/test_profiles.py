# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where Bigin's docs are silent (issue 16): what the collection does under the behaviours no source confirms.

Each test names the simulator profile it needs; the behaviour tests of the other files run under
every profile through the ``profiles`` marker (tests/integration/conftest.py).
"""

from __future__ import annotations

import os
import stat
import typing as t

import pytest

from tests.conftest import sha
from tests.integration.conftest import EXPORT, cache_dir, photo_path, photo_task, request_log, warnings_of, write_file
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator
from tests.simulator.photos import reencode

# The collection's own logic, whatever the ansible-core version: run on the default leg only (Makefile).
pytestmark = pytest.mark.default_core_only

Play = t.Callable[..., t.Any]
REENCODED = pytest.mark.parametrize("profile", [{"upload_storage": "reencoded"}], indirect=True, ids=["reencoded"])
C1, C2 = "3000000077001", "3000000077002"


def upload(name: str, record_id: t.Any, src: str, **args: t.Any) -> dict[str, t.Any]:
    return photo_task(name, record_id, state=None, src=src, **args)


@REENCODED
def test_a_reencoded_upload_is_reported_and_a_rerun_is_ok(sim: BiginSimulator, play: Play, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    src = write_file(tmp_path, "red.png", PNG_RED)
    result = play([upload("upload", C1, src), upload("again", C1, src)])
    assert result.succeeded, result.output
    first, again = result.tasks
    stored = sim.photo("Contacts", C1)
    assert stored == reencode(PNG_RED) != PNG_RED
    assert first["records"][0]["after"] == {"present": True, "size": len(stored), "sha256": sha(stored), "reencoded": True}
    assert any("re-encoded" in w and "Contacts/%s" % C1 in w for w in warnings_of(first))
    assert again["changed"] is False and again["records"][0]["after"]["reencoded"] is True
    assert [m for m, _p, _s in request_log(sim)] == ["GET", "POST", "GET", "GET"]  # the rerun: one GET, no POST
    state = os.path.join(cache_dir(tmp_path), "stored-uploads.json")
    assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
    assert sha(PNG_RED) in open(state, encoding="utf-8").read()


@REENCODED
def test_without_the_state_file_one_upload_more_never_a_wrong_ok(sim: BiginSimulator, play: Play, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    red, blue = write_file(tmp_path, "red.png", PNG_RED), write_file(tmp_path, "blue.png", PNG_BLUE)
    assert play([upload("upload", C1, red)]).succeeded
    os.unlink(os.path.join(cache_dir(tmp_path), "stored-uploads.json"))
    sim.clear_log()
    result = play([upload("no memory", C1, red), upload("remembered again", C1, red), upload("another src", C1, blue)])
    assert result.succeeded, result.output
    assert [task["changed"] for task in result.tasks] == [True, False, True]
    assert sim.photo("Contacts", C1) == reencode(PNG_BLUE)
    assert sum(1 for m, _p, _s in request_log(sim) if m == "POST") == 2


@pytest.mark.parametrize("profile", [{"search_equals": "word"}, {"search_equals": "contains"}], indirect=True,
                         ids=["word", "contains"])
def test_criteria_act_only_on_exact_matches(search_sim: BiginSimulator, play: Play, profile: dict[str, str]) -> None:
    names = {C1: "Smith", C2: "Smithson", "3000000077003": "Anna Smith Jones", "3000000077004": "smith"}
    for record_id, name in names.items():
        search_sim.add_record("Contacts", record_id, photo=PNG_RED, fields={"Last_Name": name})
    result = play([photo_task("absent", criteria="(Last_Name:equals:Smith)", report="all")])
    assert result.succeeded, result.output
    task = result.task()
    by_id = {r["record_id"]: r for r in task["records"]}
    assert {r for r, entry in by_id.items() if entry["changed"]} == {C1, "3000000077004"}
    skipped = {r for r, entry in by_id.items() if entry.get("skipped")}
    assert C2 not in by_id or C2 in skipped  # word: "Smithson" is not even returned
    assert "3000000077003" in skipped
    assert all(by_id[r]["skip_reason"] == "not an exact match of the criteria" for r in skipped)
    assert task["summary"]["skipped"] == len(skipped) and task["summary"]["changed"] == 2
    assert search_sim.photo("Contacts", C2) == PNG_RED and search_sim.photo("Contacts", "3000000077003") == PNG_RED
    deleted = [p for m, p, _s in request_log(search_sim) if m == "DELETE"]
    assert sorted(deleted) == sorted([photo_path(C1), photo_path("3000000077004")])


@pytest.mark.parametrize("profile", [{"marker_on_replace": "same"}], indirect=True, ids=["same-marker"])
def test_export_verify_catches_a_replacement_that_kept_its_marker(sim: BiginSimulator, play: Play,
                                                                  tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2)
    dest = str(tmp_path / "export")
    export = {"module": "Contacts", "all_records": True, "dest": dest}
    assert play([{"name": "first", EXPORT: export}]).succeeded
    marker = sim.record_image("Contacts", C1)
    sim.set_photo("Contacts", C1, PNG_BLUE)  # replaced; under this profile Record_Image stays the same
    assert sim.record_image("Contacts", C1) == marker
    sim.clear_log()
    result = play([{"name": "plain", EXPORT: export}, {"name": "verify", EXPORT: dict(export, verify=True)}])
    assert result.succeeded, result.output
    plain, verify = result.tasks
    assert plain["changed"] is False  # the marker says unchanged: no download
    assert verify["changed"] is True and verify["written"] == [os.path.join(dest, "Contacts-%s.png" % C1)]
    with open(os.path.join(dest, "Contacts-%s.png" % C1), "rb") as handle:
        assert handle.read() == PNG_BLUE
    # plain: the listing; verify: the listing and one GET per listed photo.
    assert [m for m, _p, _s in request_log(sim)] == ["GET", "GET", "GET"]


@pytest.mark.parametrize("profile", [{"no_photo_get": "404"}, {"no_photo_get": "400-no-photo"},
                                     {"no_photo_get": "200-empty"}], indirect=True, ids=["404", "400", "200-empty"])
def test_no_photo_in_any_form_is_no_photo(sim: BiginSimulator, play: Play, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    src = write_file(tmp_path, "red.png", PNG_RED)
    result = play([photo_task("absent", C1, ignore_errors=False),
                   {"name": "info", "zoho.bigin.bigin_photo_info": {"module": "Contacts", "record_id": C1}},
                   {"name": "export", EXPORT: {"module": "Contacts", "record_id": C1, "dest": str(tmp_path / "d")}},
                   upload("present", C1, src)])
    assert result.succeeded, result.output
    absent, info, export, present = result.tasks
    assert absent["changed"] is False and info["records"][0]["present"] is False
    assert export["changed"] is False and export["written"] == []
    assert present["changed"] is True and sim.photo("Contacts", C1) == PNG_RED
    assert not any(m == "DELETE" for m, _p, _s in request_log(sim))


def test_a_404_that_is_not_no_photo_stays_an_error(sim: BiginSimulator, play: Play) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.inject_error("INVALID_URL_PATTERN", method="GET")
    task = play([{"name": "info", "zoho.bigin.bigin_photo_info": {"module": "Contacts", "record_id": C1},
                  "ignore_errors": True}]).task()
    assert task["_status"] == "failed" and task["error"]["code"] == "INVALID_URL_PATTERN"
