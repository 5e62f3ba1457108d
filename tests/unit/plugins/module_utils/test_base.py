# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the module lifecycle and the shared specs (module_utils/_base.py), in the order of its source.

The shared options and BiginModule run through bigin_photo's (or bigin_photo_info's) main()
in-process, or build its instance (argument parsing only); requests go only to a started
simulator on 127.0.0.1.
"""

from __future__ import annotations

import typing as t

import pytest
from ansible.module_utils.basic import missing_required_lib

from ansible_collections.zoho.bigin.plugins.module_utils import _base
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo, bigin_photo_info, bigin_record_info
from tests.conftest import CLIENT_ID, NO_API_CALLS, RECORD
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.unit.plugins.conftest import NO_PHOTO, refused
from tests.unit.plugins.module_runner import Result


# -- get_spec: the shared specs a module composes -----------------------------------------------------

def test_get_spec_is_the_union_of_the_named_parts_and_record_info_has_no_report() -> None:
    assert _base.get_spec("connection", "selection") == dict(_base.CONNECTION_ARGUMENT_SPEC, **_base.RECORD_ARGUMENT_SPEC)
    assert "report" in _base.get_spec("report") and "report" not in bigin_record_info.BiginRecordInfo.full_argument_spec()
    assert set(bigin_photo.BiginPhoto.full_argument_spec()) == (set(_base.get_spec("connection", "selection", "report"))
                                                                | set(bigin_photo.BiginPhoto.argument_spec))


# -- RECORD_ARGUMENT_SPEC ----------------------------------------------------------------------------

def test_record_id_aliases(run: t.Callable[..., Result], sim: BiginSimulator,
                           module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    args = module_args()
    del args["record_id"]
    result = run(dict(args, record_ids=[RECORD, NO_PHOTO, RECORD]))
    # One entry per requested id; the repeated id was worked on once (one GET, one DELETE).
    assert [(entry["record_id"], entry["changed"]) for entry in result["records"]] == [
        (RECORD, True), (NO_PHOTO, False), (RECORD, True)]
    assert [(entry["method"], entry["path"].split("/")[4]) for entry in sim.api_requests()].count(
        ("DELETE", RECORD)) == 1
    assert len(sim.api_requests("GET")) == 2
    sim.set_photo("Contacts", NO_PHOTO, PNG_RED)
    result = run(dict(args, id=int(NO_PHOTO)))
    assert result["records"][0]["record_id"] == NO_PHOTO and result["changed"] is True


# -- _ResultModule: every result, success or failure, carries api_calls ------------------------------

def test_success_carries_api_calls_and_no_trace(run: t.Any, sim: BiginSimulator,
                                                module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args())
    assert result.rc == 0 and result["changed"] is True
    assert result["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}
    assert "api_trace" not in result


def test_trace_at_verbosity_3(run: t.Any, sim: BiginSimulator, module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    info_args = {k: v for k, v in module_args().items() if k != "state"}
    result = run(dict(info_args, _ansible_verbosity=3), module=bigin_photo_info)
    assert result.rc == 0
    assert result["api_calls"]["by_method"]["GET"] == 1
    assert [(e["method"], e["path"], e["status"], e["attempt"]) for e in result["api_trace"]] == [
        ("GET", "/bigin/v2/Contacts/%s/photo" % RECORD, 200, 1)]


def test_api_failure_carries_api_calls(run: t.Any, sim: BiginSimulator,
                                       module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    sim.set_permission(delete_images=False)
    result = run(module_args())
    assert result.rc == 1 and result["error"]["code"] == "NO_PERMISSION"
    assert result["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}


@pytest.mark.parametrize("bad", [{"concurrency": 0}, {"timeout": -1}, {"record_id": "abc"}])
def test_bad_input_fails_with_zero_counts(run: t.Any, sim: BiginSimulator, bad: dict[str, t.Any],
                                          module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(**bad))
    assert result.rc == 1 and result["api_calls"] == NO_API_CALLS
    assert sim.requests == []


def test_ansible_argument_errors_carry_zero_counts_too(run: t.Any, sim: BiginSimulator,
                                                       module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(state="gone"))
    assert result.rc == 1 and "state" in result["msg"] and result["api_calls"] == NO_API_CALLS


# -- BiginModule(): options required together, and requests ------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ({"client_id": CLIENT_ID}, "parameters are required together: client_id, client_secret, refresh_token"),
    ({"access_token": None}, "one of the following is required: access_token, refresh_token"),
], ids=["refresh-credentials-together", "access-token-or-refresh-token"])
def test_required_credentials_fail_before_any_request(run: t.Callable[..., Result], sim: BiginSimulator,
                                                      module_args: t.Callable[..., dict[str, t.Any]],
                                                      extra: dict[str, t.Any], expected: str) -> None:
    assert refused(run(module_args(**extra)), sim) == expected


def test_missing_requests_fails_with_missing_required_lib(run: t.Callable[..., Result], sim: BiginSimulator,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    monkeypatch.setattr(_base, "HAS_REQUESTS", False)
    msg = refused(run(module_args()), sim)
    assert msg == missing_required_lib("requests")
    assert "requests" in msg


# -- check_input: bad records fail before any request ------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ({"module": "Deals"}, "module: 'Deals' is not a supported module; use one of Contacts, Accounts "
                          "(or Companies), Products"),
    ({"record_id": "../1"}, "record_id: '../1' is not a record id (1 to 19 digits)"),
    ({"record_id": [RECORD, "12 34"]}, "record_id: '12 34' is not a record id (1 to 19 digits)"),
    ({"record_id": "1" * 20}, "record_id: '%s' is not a record id (1 to 19 digits)" % ("1" * 20)),
])
def test_bad_records_fail_before_any_request(run: t.Callable[..., Result], sim: BiginSimulator,
                                             extra: dict[str, t.Any], expected: str,
                                             module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    assert refused(run(module_args(**extra)), sim) == expected


# -- execute: parse, check, connect once, run --------------------------------------------------------

def test_execute_connects_once_and_record_ids_are_selected_without_a_request(
        run: t.Callable[..., Result], sim: BiginSimulator, monkeypatch: pytest.MonkeyPatch,
        module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    built: list[t.Any] = []
    real_build = _base.build_client
    pages_seen: list[int] = []
    real_selected = _base.BiginModule.selected_pages

    def counting_build(*args: t.Any, **kwargs: t.Any) -> t.Any:
        built.append(real_build(*args, **kwargs))
        return built[-1]

    def selected(self: t.Any, fields: t.Any = ()) -> t.Any:
        pages = list(real_selected(self, fields))
        pages_seen.append(len(sim.api_requests()))  # nothing sent to select record ids
        return iter(pages)

    monkeypatch.setattr(_base, "build_client", counting_build)
    monkeypatch.setattr(_base.BiginModule, "selected_pages", selected)
    result = run(module_args(record_id=[RECORD, NO_PHOTO]))
    assert result.rc == 0, result
    assert len(built) == 1 and pages_seen == [0]
    # The one client's counts are the result's: a second connect() would have replaced them.
    assert result["api_calls"]["total"] == built[0].transport.usage.calls()["total"] == 3
