# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.4: with api_domain unset, API requests go where the token endpoint says; an explicit one wins."""

from __future__ import annotations

import json
import os
import typing as t

from tests.integration.conftest import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, assert_no_secrets
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

C1, C2 = "3000000038401", "3000000038402"
ENV = {"BIGIN_CLIENT_ID": CLIENT_ID, "BIGIN_CLIENT_SECRET": CLIENT_SECRET, "BIGIN_REFRESH_TOKEN": REFRESH_TOKEN}


def absent(record_id: str) -> dict[str, t.Any]:
    return {"name": "delete", "zoho.bigin.bigin_photo": {"module": "Contacts", "record_id": record_id,
                                                         "state": "absent"}, "ignore_errors": True}


def test_api_domain_from_the_token_answer(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2, photo=PNG_RED)
    # data_center stays the default (us): without the token answer's api_domain this would go to zohoapis.com.
    result = play([absent(C1)], auth="none", env=ENV, defaults={"accounts_url": sim.url}, verbosity=3)

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert sim.photo("Contacts", C1) is None
    assert [e["method"] for e in sim.api_requests()] == ["GET", "DELETE"]
    assert len(sim.token_requests()) == 1
    warnings = [str(w) for w in task.get("warnings") or []]
    assert any(sim.url in w and "https://www.zohoapis.com" in w for w in warnings), warnings
    assert_no_secrets(result.output)

    # The cached token keeps its domain: the next run sends no token request and reaches the simulator again.
    cache_dir = tmp_path / "cache" / "zoho.bigin"
    files = [n for n in os.listdir(cache_dir) if n.endswith(".json")]
    with open(cache_dir / files[0], encoding="utf-8") as handle:
        assert json.load(handle)["api_domain"] == sim.url
    again = play([absent(C2)], auth="none", env=ENV, defaults={"accounts_url": sim.url})
    assert again.task()["_status"] == "ok" and sim.photo("Contacts", C2) is None, again.output
    assert len(sim.token_requests()) == 1


def test_explicit_api_domain_wins(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.token_api_domain = "http://127.0.0.1:9"  # nothing listens there
    result = play([absent(C1)], auth="none", env=ENV, defaults={"accounts_url": sim.url, "api_domain": sim.url})

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert sim.photo("Contacts", C1) is None
    assert not [w for w in task.get("warnings") or [] if "API domain" in str(w)]
