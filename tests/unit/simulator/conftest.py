# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What several simulator test files share: sample records, tokens of other scopes and request helpers.

The started simulator (``sim``) and the credentials come from ``tests/conftest.py``;
the test files import the helpers below with ``from .conftest import ...``.
"""

from __future__ import annotations

import http.client
import typing as t

import pytest
import requests

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, RECORD, REFRESH_TOKEN, SEARCH_SCOPE
from tests.simulator.bigin_simulator import ERRORS, GIF_MIN, JPEG_MIN, PNG_RED, BiginSimulator

CONTACT = RECORD  # has PNG_RED in ``sample_records``
CONTACT_NO_PHOTO = "3000000038011"
ACCOUNT = "3000000040001"  # has JPEG_MIN
PRODUCT = "3000000050001"  # has GIF_MIN

# Tokens of ``scoped_tokens``, beside the all-modules ACCESS_TOKEN of ``sim``.
SEARCH_TOKEN = "1000.search.token"  # all modules and search
READ_ONLY_TOKEN = "read-only"  # reads Contacts only
NO_SEARCH_TOKEN = "no-search"  # reads Contacts and Accounts, no search


@pytest.fixture
def sample_records(sim: BiginSimulator) -> BiginSimulator:
    """``sim`` with a contact with a photo, one without, an account and a product (both with a photo)."""
    sim.add_record("Contacts", CONTACT, photo=PNG_RED)
    sim.add_record("Contacts", CONTACT_NO_PHOTO)
    sim.add_record("Accounts", ACCOUNT, photo=JPEG_MIN)
    sim.add_record("Products", PRODUCT, photo=GIF_MIN)
    return sim


@pytest.fixture
def scoped_tokens(sim: BiginSimulator) -> BiginSimulator:
    """``sim`` that also knows SEARCH_TOKEN, READ_ONLY_TOKEN and NO_SEARCH_TOKEN."""
    sim.add_token(SEARCH_TOKEN, scopes=("ZohoBigin.modules.ALL", SEARCH_SCOPE))
    sim.add_token(READ_ONLY_TOKEN, scopes=("ZohoBigin.modules.contacts.READ",))
    sim.add_token(NO_SEARCH_TOKEN, scopes=("ZohoBigin.modules.contacts.READ", "ZohoBigin.modules.accounts.READ"))
    return sim


def auth(token: str = ACCESS_TOKEN) -> dict[str, str]:
    return {"Authorization": "Zoho-oauthtoken %s" % token}


def connection(sim: BiginSimulator) -> http.client.HTTPConnection:
    """A raw HTTP/1.1 connection to ``sim``, for what requests hides (keep-alive, short bodies)."""
    return http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)


def photo_url(sim: BiginSimulator, module: str = "Contacts", record_id: str = CONTACT, version: str = "v2") -> str:
    return "%s/bigin/%s/%s/%s/photo" % (sim.url, version, module, record_id)


def assert_error(resp: requests.Response, key: str, details: dict[str, t.Any] | None = None) -> None:
    """``resp`` is the error ``key`` of the simulator's table (``ERRORS``), status, code and message."""
    code, status, message = ERRORS[key]
    assert resp.status_code == status, resp.text
    assert resp.headers["Content-Type"].startswith("application/json")
    assert resp.json() == {"code": code, "details": details or {}, "message": message, "status": "error"}


def token_form(**over: str | None) -> dict[str, str]:
    """The refresh form of ``sim``'s client; ``over`` replaces fields, None leaves one out."""
    form: dict[str, str | None] = {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }
    form.update(over)
    return {k: v for k, v in form.items() if v is not None}


def refresh(sim: BiginSimulator, **over: str | None) -> requests.Response:
    """POST the refresh form (``token_form(**over)``) to the token endpoint."""
    return requests.post(sim.url + "/oauth/v2/token", data=token_form(**over), timeout=10)
