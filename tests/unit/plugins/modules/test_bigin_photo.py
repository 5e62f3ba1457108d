# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module-level unit tests of zoho.bigin.bigin_photo: its own options, its results, its documentation.

The options every module shares (connection, records, api_calls) are tested in
module_utils/test_base.py. The module's ``main()`` runs in-process under patched module
arguments; requests go only to a started simulator on 127.0.0.1.
"""

from __future__ import annotations

import importlib
import os
import typing as t

import pytest
import yaml

from ansible_collections.zoho.bigin.plugins.modules import bigin_photo, bigin_photo_info
from tests.conftest import ACCESS_TOKEN, RECORD
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator
from tests.unit.plugins.conftest import NO_PHOTO
from tests.unit.plugins.module_runner import Result, instance

try:
    # Not importable where ansible-test runs module tests (module_utils only): see merged_docs().
    from ansible.utils.plugin_docs import get_docstring
except ImportError:
    get_docstring = None

SECRET_OPTIONS = {"access_token", "client_secret", "refresh_token"}


# -- options of its own ------------------------------------------------------------------------------

def test_state_defaults_to_present() -> None:
    module = instance({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "src": "/x.png"}, bigin_photo.BiginPhoto)
    assert module.params["state"] == "present"


def test_src_is_required_with_present(run: t.Callable[..., Result], sim: BiginSimulator,
                                      module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(state="present"))
    assert result["failed"] is True
    assert result["msg"] == "state is present but all of the following are missing: src"
    assert sim.requests == []


# -- runs against the simulator ----------------------------------------------------------------------

def test_result_shape_in_input_order(run: t.Callable[..., Result], sim: BiginSimulator,
                                     module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(module="contacts", record_id=[NO_PHOTO, RECORD]))
    assert result.rc == 0
    assert result["changed"] is True
    assert result["records"] == [
        {"module": "Contacts", "record_id": NO_PHOTO, "changed": False,
         "before": {"present": False}, "after": {"present": False}},
        {"module": "Contacts", "record_id": RECORD, "changed": True,
         "before": {"present": True, "size": len(PNG_RED), "sha256": result["records"][1]["before"]["sha256"]},
         "after": {"present": False}},
    ]


def test_check_mode_with_diff_sends_no_delete(run: t.Callable[..., Result], sim: BiginSimulator,
                                              module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(record_id=[RECORD, NO_PHOTO]), check=True, diff=True)
    assert result.rc == 0 and result["changed"] is True
    assert [entry["method"] for entry in sim.api_requests()] == ["GET", "GET"]
    assert sim.photo("Contacts", RECORD) == PNG_RED
    diff, unchanged = result["diff"]  # one per record read, in input order
    assert diff["before_header"] == diff["after_header"] == "Contacts/%s" % RECORD
    assert diff["before"]["present"] is True and "sha256" in diff["before"]
    assert diff["after"] == {"present": False}
    assert unchanged["before_header"] == "Contacts/%s" % NO_PHOTO
    assert unchanged["before"] == unchanged["after"] == {"present": False}


def test_upload_then_repeat_is_idempotent(run: t.Callable[..., Result], sim: BiginSimulator, tmp_path: t.Any,
                                          module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    src = tmp_path / "blue.png"
    src.write_bytes(PNG_BLUE)
    first = run(module_args(state="present", src=str(src), module="Companies", record_id="5"))
    assert first["failed"] is True  # no such Accounts record yet: the API's answer is reported
    assert first["error"]["code"] == "INVALID_DATA"
    assert first["records"][0]["module"] == "Accounts"
    sim.add_record("Accounts", "5", None)
    second = run(module_args(state="present", src=str(src), module="Companies", record_id="5"))
    third = run(module_args(state="present", src=str(src), module="Companies", record_id="5"))
    assert (second.rc, second["changed"], third.rc, third["changed"]) == (0, True, 0, False)
    assert sim.photo("Accounts", "5") == PNG_BLUE
    # second: GET, POST, and the GET that reads the upload back; third: one GET
    assert [entry["method"] for entry in sim.api_requests()] == ["GET", "GET", "POST", "GET", "GET"]


# -- documentation and argument spec cannot drift (bigin_photo_info shares the check) ----------------

class _FragmentLoader:
    """Resolves ``zoho.bigin.<fragment>`` to this collection's doc fragment classes, as ansible-doc does."""

    def get(self, name: str) -> t.Any:
        namespace, collection, fragment = (name.split(".") + ["", "", ""])[:3]
        if (namespace, collection) != ("zoho", "bigin") or not fragment or name.count(".") != 2:
            return None
        fragment_class = importlib.import_module(
            "ansible_collections.zoho.bigin.plugins.doc_fragments." + fragment).ModuleDocFragment
        fragment_class.ansible_name = name
        return fragment_class


def _merged_by_hand(module: t.Any) -> dict[str, t.Any]:
    """DOCUMENTATION with its fragments merged, read straight from the fragment files."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    # A module may add its own keys (details) to an attribute a fragment defines; its keys win, as in ansible.
    own_attributes = set(doc.get("attributes") or {})
    for slug in doc.pop("extends_documentation_fragment", []):
        parts = slug.split(".")
        assert parts[:2] == ["zoho", "bigin"] and len(parts) in (3, 4), slug
        fragment = importlib.import_module(
            "ansible_collections.zoho.bigin.plugins.doc_fragments." + parts[2]).ModuleDocFragment
        data = yaml.safe_load(getattr(fragment, parts[3].upper() if len(parts) == 4 else "DOCUMENTATION"))
        for key in ("options", "attributes"):
            for name, value in (data.pop(key, None) or {}).items():
                if key == "attributes" and name in own_attributes:
                    own_attributes.discard(name)  # a second fragment defining it is still an error
                    doc[key][name] = dict(value, **doc[key][name])
                    continue
                assert name not in doc.setdefault(key, {}), "%s: %s %s defined twice" % (slug, key, name)
                doc[key][name] = value
        for key, value in data.items():
            if isinstance(value, list):
                doc.setdefault(key, []).extend(value)
            else:
                doc.setdefault(key, value)
    return doc


def merged_docs(module: t.Any) -> list[dict[str, t.Any]]:
    """The module's documentation merged by hand and, where ansible's controller code is at hand, by ansible."""
    docs = [_merged_by_hand(module)]
    if get_docstring is not None:
        path = os.path.abspath(module.__file__)
        docs.append(get_docstring(path, _FragmentLoader(), collection_name="zoho.bigin", is_module=True)[0])
    return docs


def full_spec(cls: t.Any) -> dict[str, dict[str, t.Any]]:
    return cls.full_argument_spec()


@pytest.mark.parametrize("module, cls", [(bigin_photo, bigin_photo.BiginPhoto),
                                         (bigin_photo_info, bigin_photo_info.BiginPhotoInfo)])
def test_documented_options_match_the_argument_spec(module: t.Any, cls: t.Any) -> None:
    spec = full_spec(cls)
    for merged in merged_docs(module):
        options = merged["options"]
        assert sorted(options) == sorted(spec)
        for name, arg in spec.items():
            doc = options[name]
            assert doc.get("type", "str") == arg.get("type", "str"), name
            assert doc.get("default") == arg.get("default"), name
            assert sorted(doc.get("choices") or []) == sorted(arg.get("choices") or []), name
            assert bool(doc.get("required")) == bool(arg.get("required")), name
            assert sorted(doc.get("aliases") or []) == sorted(arg.get("aliases") or []), name
            assert doc.get("elements") == arg.get("elements"), name
            fallback = arg.get("fallback")
            if fallback:
                variable = fallback[1][0]
                assert "E(%s)" % variable in " ".join(doc["description"]), name


def test_secrets_are_no_log_and_nothing_else_is() -> None:
    spec = full_spec(bigin_photo.BiginPhoto)
    assert {name for name, arg in spec.items() if arg.get("no_log")} == SECRET_OPTIONS


@pytest.mark.parametrize("module, check_mode, diff_mode", [(bigin_photo, "full", "full"),
                                                           (bigin_photo_info, "full", "N/A")])
def test_documented_attributes(module: t.Any, check_mode: str, diff_mode: str) -> None:
    for doc in merged_docs(module):
        attributes = doc["attributes"]
        assert sorted(attributes) == ["action_group", "check_mode", "diff_mode"]
        assert attributes["check_mode"]["support"] == check_mode
        assert attributes["diff_mode"]["support"] == diff_mode
        for name in ("check_mode", "diff_mode"):  # the fragment's description and the details, merged
            assert attributes[name]["description"] and attributes[name]["details"], name
        assert attributes["action_group"]["membership"] == ["zoho.bigin.all"]
        assert "requests" in doc["requirements"]
