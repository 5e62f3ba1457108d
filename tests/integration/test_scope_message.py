# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.5: OAUTH_SCOPE_MISMATCH names the scope the failed request needed."""

from __future__ import annotations

import os
import typing as t

import pytest

from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

RECORD = "3000000038501"
TOKEN = "1000.NARROW-scope-token.77"


@pytest.mark.parametrize("module, scopes, state, needed", [
    ("Contacts", ["ZohoBigin.modules.accounts.ALL"], "absent",
     ["ZohoBigin.modules.contacts.READ", "ZohoBigin.modules.contacts.ALL", "ZohoBigin.modules.ALL"]),
    ("Contacts", ["ZohoBigin.modules.contacts.READ"], "absent",
     ["ZohoBigin.modules.contacts.DELETE", "ZohoBigin.modules.contacts.ALL", "ZohoBigin.modules.ALL"]),
    ("Accounts", ["ZohoBigin.modules.accounts.READ", "ZohoBigin.modules.accounts.DELETE"], "present",
     ["ZohoBigin.modules.accounts.WRITE", "ZohoBigin.modules.accounts.CREATE", "ZohoBigin.modules.accounts.ALL"]),
], ids=["read", "delete", "upload"])
def test_scope_mismatch_names_the_needed_scope(sim: BiginSimulator, play: t.Any, tmp_path: t.Any, module: str,
                                               scopes: list[str], state: str, needed: list[str]) -> None:
    sim.add_token(TOKEN, scopes=scopes)
    sim.add_record(module, RECORD, photo=PNG_RED)
    src = tmp_path / "new.png"
    src.write_bytes(PNG_BLUE)
    args = {"module": "Companies" if module == "Accounts" else module, "record_id": RECORD, "state": state,
            "access_token": TOKEN}
    if state == "present":
        args["src"] = str(src)
    result = play([{"name": "narrow", "zoho.bigin.bigin_photo": args, "ignore_errors": True}])

    task = result.task()
    assert task["_status"] == "failed"
    error = task["records"][0]["error"]
    assert error["code"] == "OAUTH_SCOPE_MISMATCH"
    for scope in needed:
        assert scope in error["resolution"] and scope in task["msg"]
    # Only the operation that failed is named, and the documentation's text is kept.
    assert "Client does not have ZohoBigin.modules.{module_name}.DELETE scope" in error["resolution"]
    named = error["resolution"].split("The API reference says")[0]
    prefix = "ZohoBigin.modules.%s." % module.lower()
    for operation in ("READ", "DELETE", "WRITE", "CREATE"):
        assert (prefix + operation in named) == (prefix + operation in needed)
    assert sim.photo(module, RECORD) == PNG_RED
    assert os.path.exists(src)
