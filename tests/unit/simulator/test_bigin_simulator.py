# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of what tests/simulator/bigin_simulator.py adds to the area mixins: ``BiginSimulator.reset``."""

from __future__ import annotations

import pytest
import requests

from tests.conftest import ACCESS_TOKEN
from tests.simulator.bigin_simulator import BiginSimulator

from .conftest import CONTACT, assert_error, auth, photo_url


@pytest.mark.usefixtures("sample_records")
def test_reset_keeps_port(sim: BiginSimulator) -> None:
    url = sim.url
    requests.get(photo_url(sim), headers=auth())
    sim.inject_status(503)
    sim.reset()
    assert sim.url == url
    assert sim.requests == [] and sim.tokens_issued == 0 and sim.max_in_flight == 0
    assert not sim.has_record("Contacts", CONTACT)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")
    sim.add_token(ACCESS_TOKEN)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_DATA")
