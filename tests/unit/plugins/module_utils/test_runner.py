# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the per-record runner and the results (module_utils/_runner.py), in the order of its source.

Through bigin_photo's (or bigin_photo_info's) main() in-process, against a simulator on 127.0.0.1.
"""

from __future__ import annotations

import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils import _base
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Outcome, PhotoService
from tests.conftest import RECORD
from tests.simulator.bigin_simulator import PNG_BLUE, BiginSimulator
from tests.unit.plugins.conftest import NO_PHOTO, OTHER, api_log
from tests.unit.plugins.module_runner import Result


# -- the runner: an unforeseen exception in one record ----------------------------------------------

@pytest.mark.parametrize("concurrency", [1, 3])
def test_unexpected_exception_in_one_record_keeps_the_others(sim: BiginSimulator, run: t.Callable[..., Result],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             concurrency: int,
                                                             module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    original = PhotoService.ensure_absent

    def flaky(self: PhotoService, out: Outcome, *args: t.Any) -> None:
        if out.record_id == OTHER:
            raise RuntimeError("bug while quoting password=hunter2")
        original(self, out, *args)

    monkeypatch.setattr(PhotoService, "ensure_absent", flaky)
    # The failing record comes first: with concurrency 1 the others are worked on after it.
    result = run(module_args(record_id=[OTHER, RECORD, NO_PHOTO], concurrency=concurrency))
    assert result.rc == 1
    records = result["records"]
    assert [(r["record_id"], r["changed"]) for r in records] == [(OTHER, False), (RECORD, True), (NO_PHOTO, False)]
    assert records[0]["error"]["code"] == "UNEXPECTED_ERROR"
    assert "RuntimeError" in records[0]["error"]["message"] and "Contacts/" + OTHER in records[0]["error"]["message"]
    assert "error" not in records[1] and "error" not in records[2]
    assert records[1]["before"]["present"] is True and records[1]["after"] == {"present": False}
    assert result["changed"] is True
    assert result["msg"].startswith("1 of 3 records failed; first: Contacts/%s: unexpected RuntimeError" % OTHER)
    assert "hunter2" not in result.output
    # The simulator agrees: the other records were worked on.
    assert sim.photo("Contacts", RECORD) is None and sim.photo("Contacts", OTHER) == PNG_BLUE
    assert sorted(api_log(sim)) == sorted([("GET", RECORD, 200), ("DELETE", RECORD, 200), ("GET", NO_PHOTO, 204)])


# -- finish: the failure names the first error -------------------------------------------------------

def test_api_error_fails_with_code_status_message_and_resolution(run: t.Callable[..., Result],
                                                                 sim: BiginSimulator,
                                                                 module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    sim.set_permission(delete_images=False)
    result = run(module_args(record_id=[NO_PHOTO, RECORD]))
    assert result.rc == 1 and result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == (
        "1 of 2 records failed; first: Contacts/%s: NO_PERMISSION (HTTP 403): Permission denied to delete images. "
        "Resolution: The user does not have permission to delete images. Contact your system administrator."
        % RECORD)
    assert result["error"] == {"code": "NO_PERMISSION", "http_status": 403,
                               "message": "Permission denied to delete images",
                               "resolution": "The user does not have permission to delete images. "
                                             "Contact your system administrator.",
                               "details": {}}
    assert "error" not in result["records"][0]
    assert result["records"][1]["error"]["code"] == "NO_PERMISSION"


# -- what a hostile server or a bug cannot do (issue 15) ---------------------------------------------

def test_a_listed_bad_id_fails_that_record_only(run: t.Callable[..., Result], sim: BiginSimulator,
                                                module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    body = ('{"data": [{"id": "../../x", "Record_Image": "m"}, {"id": "%s", "Record_Image": "m"}],'
            ' "info": {"more_records": false}}' % RECORD)
    sim.inject_response(200, body, headers={"Content-Type": "application/json"}, path_contains="/Contacts")
    result = run(module_args(record_id=None, all_records=True))
    assert result.rc == 1 and result["changed"] is True
    bad, good = result["records"]
    assert "'../../x' is not a record id" in bad["error"]["message"] and bad["changed"] is False
    assert good["record_id"] == RECORD and good["changed"] is True
    # The bad id went into no URL: the listing, then RECORD's DELETE (and nothing else).
    assert [(e["method"], e["path"]) for e in sim.api_requests()] == [
        ("GET", "/bigin/v2/Contacts"), ("DELETE", "/bigin/v2/Contacts/%s/photo" % RECORD)]


@pytest.mark.parametrize("exc", [RecursionError("maximum recursion depth exceeded"), KeyError("secret-value")])
def test_no_exception_reaches_the_user_as_a_traceback(run: t.Callable[..., Result], sim: BiginSimulator,
                                                      module_args: t.Callable[..., dict[str, t.Any]],
                                                      monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def broken(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise exc

    monkeypatch.setattr(_base.RecordsService, "select_pages", broken)
    result = run(module_args(record_id=None, all_records=True))
    assert result.rc == 1
    assert result["msg"] == "unexpected %s in BiginPhoto; please report it" % type(exc).__name__
    assert "Traceback" not in result.output and "secret-value" not in result.output
    assert "api_calls" in result
