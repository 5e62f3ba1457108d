# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's answers (tests/simulator/responses.py).

The error table ``ERRORS`` against the documented "Possible Errors" of the Delete Photo API
(tests/fixtures/delete-photo-errors.json), and ``_error``'s wrapped form.  That each
documented error is reachable over HTTP is tested where it is raised (test_routes,
test_oauth, test_photos, test_faults).
"""

from __future__ import annotations

import json

import requests

from tests.conftest import DOCUMENTED_ERRORS_FILE
from tests.simulator.bigin_simulator import ERRORS, SEED_ERROR_KEYS, BiginSimulator

from .conftest import auth, photo_url


def documented_errors() -> list[tuple[str, int, str]]:
    """(code, HTTP status, message) of every documented error, in the documented order."""
    with open(DOCUMENTED_ERRORS_FILE, encoding="utf-8") as fh:
        entries = json.load(fh)["errors"]
    return [(e["code"], e["http_status"], e["message"]) for e in entries]


# ---------------------------------------------------------------------------
# ERRORS and SEED_ERROR_KEYS
# ---------------------------------------------------------------------------
def test_error_table_matches_seed_documentation() -> None:
    documented = documented_errors()
    assert len(documented) == 9, documented
    table = set(ERRORS.values())
    for entry in documented:
        assert entry in table, "documented error missing from the simulator table: %r" % (entry,)
    assert sorted(documented) == sorted(ERRORS[k] for k in SEED_ERROR_KEYS)


# ---------------------------------------------------------------------------
# ResponsesMixin._error
# ---------------------------------------------------------------------------
def test_wrapped_errors_are_a_one_item_data_list(sim: BiginSimulator) -> None:
    sim.wrap_errors = True
    resp = requests.get(photo_url(sim, "Contacts", "1"), headers=auth())
    code, status, message = ERRORS["INVALID_DATA"]
    assert resp.status_code == status
    assert resp.json() == {"data": [{"code": code, "details": {}, "message": message, "status": "error"}]}
