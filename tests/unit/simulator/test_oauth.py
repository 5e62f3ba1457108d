# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's OAuth area (tests/simulator/oauth.py).

Scopes (``scope_allows``), access tokens on API calls (missing, unknown, expired),
and the token endpoint ``/oauth/v2/token`` (``_token_refresh``): minting, its errors and
its limits.  Every test runs on ``sample_records``.
"""

from __future__ import annotations

import time

import pytest
import requests

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

from .conftest import ACCOUNT, CONTACT, PRODUCT, READ_ONLY_TOKEN, assert_error, auth, photo_url, refresh, token_form

pytestmark = pytest.mark.usefixtures("sample_records")


# ---------------------------------------------------------------------------
# scope_allows: which scope allows which operation on which module
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "scope, method, module, allowed",
    [
        ("ZohoBigin.modules.ALL", "DELETE", "Contacts", True),
        ("ZohoBigin.modules.contacts.ALL", "DELETE", "Contacts", True),
        ("ZohoBigin.modules.Contacts.DELETE", "DELETE", "Contacts", True),
        ("ZohoBigin.modules.contacts.READ", "DELETE", "Contacts", False),
        ("ZohoBigin.modules.contacts.WRITE", "DELETE", "Contacts", False),
        ("ZohoBigin.modules.accounts.DELETE", "DELETE", "Contacts", False),
        ("ZohoBigin.modules.companies.DELETE", "DELETE", "Accounts", True),
        ("ZohoBigin.modules.COMPANIES.ALL", "GET", "Accounts", True),
        ("ZohoBigin.modules.accounts.READ", "GET", "Accounts", True),
        ("ZohoBigin.modules.products.DELETE", "GET", "Products", False),
        ("ZohoBigin.modules.products.READ", "GET", "Products", True),
        ("ZohoBigin.modules.contacts.CREATE", "POST", "Contacts", True),
        ("ZohoBigin.modules.contacts.WRITE", "POST", "Contacts", True),
        ("ZohoBigin.modules.contacts.READ", "POST", "Contacts", False),
        ("ZohoBigin.modules.contacts.DELETE", "POST", "Contacts", False),
        ("ZohoBigin.settings.ALL", "GET", "Contacts", False),
        ("ZohoCRM.modules.ALL", "GET", "Contacts", False),
    ],
)
def test_scope_allows_an_operation_on_a_module(sim: BiginSimulator, scope: str, method: str, module: str, allowed: bool) -> None:
    rid = {"Contacts": CONTACT, "Accounts": ACCOUNT, "Products": PRODUCT}[module]
    sim.add_token("scoped", scopes=(scope,))
    kwargs = {"files": {"file": ("p.png", PNG_BLUE, "image/png")}} if method == "POST" else {}
    resp = requests.request(method, photo_url(sim, module, rid), headers=auth("scoped"), **kwargs)
    if allowed:
        assert resp.status_code == 200, resp.text
    else:
        assert_error(resp, "OAUTH_SCOPE_MISMATCH")


@pytest.mark.usefixtures("scoped_tokens")
def test_oauth_scope_mismatch(sim: BiginSimulator) -> None:
    assert requests.get(photo_url(sim), headers=auth(READ_ONLY_TOKEN)).status_code == 200
    assert_error(requests.delete(photo_url(sim), headers=auth(READ_ONLY_TOKEN)), "OAUTH_SCOPE_MISMATCH")
    assert sim.photo("Contacts", CONTACT) == PNG_RED


# ---------------------------------------------------------------------------
# Access tokens on API calls: _bearer, add_token, expire_token(s), expire_token_after
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer %s" % ACCESS_TOKEN}, {"Authorization": "Zoho-oauthtoken"},
     {"Authorization": "Zoho-oauthtoken "}, {"Authorization": ACCESS_TOKEN},
     {"Authorization": "zoho-oauthtoken %s" % ACCESS_TOKEN}],
)
def test_authentication_failure(sim: BiginSimulator, headers: dict[str, str]) -> None:
    assert_error(requests.get(photo_url(sim), headers=headers), "AUTHENTICATION_FAILURE")


def test_unknown_short_lived_and_expired_tokens_are_invalid(sim: BiginSimulator) -> None:
    assert_error(requests.get(photo_url(sim), headers=auth("nope")), "INVALID_TOKEN")
    sim.add_token("short", expires_in=0)
    assert_error(requests.get(photo_url(sim), headers=auth("short")), "INVALID_TOKEN")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    sim.expire_token(ACCESS_TOKEN)
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")


def test_expire_all_tokens(sim: BiginSimulator) -> None:
    sim.add_token("other")
    sim.expire_all_tokens()
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")
    assert_error(requests.get(photo_url(sim), headers=auth("other")), "INVALID_TOKEN")


def test_expire_token_after(sim: BiginSimulator) -> None:
    sim.expire_token_after(2)
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200
    assert_error(requests.get(photo_url(sim), headers=auth()), "INVALID_TOKEN")
    fresh = refresh(sim).json()["access_token"]
    assert requests.get(photo_url(sim), headers=auth(fresh)).status_code == 200


def test_expire_specific_token_after(sim: BiginSimulator) -> None:
    sim.add_token("other")
    sim.expire_token_after(0, token="other")
    assert_error(requests.get(photo_url(sim), headers=auth("other")), "INVALID_TOKEN")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200


# ---------------------------------------------------------------------------
# The token endpoint: OAuthMixin._token_refresh
# ---------------------------------------------------------------------------
def test_token_success_and_use(sim: BiginSimulator) -> None:
    resp = refresh(sim)
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"access_token", "expires_in", "api_domain", "token_type", "scope"}
    assert body["expires_in"] == 3600 and body["token_type"] == "Bearer" and body["api_domain"] == sim.url
    assert body["access_token"] != ACCESS_TOKEN
    assert sim.tokens_issued == 1
    assert requests.get(photo_url(sim), headers=auth(body["access_token"])).status_code == 200
    second = refresh(sim).json()["access_token"]
    assert second != body["access_token"]
    assert sim.tokens_issued == 2


def test_token_params_in_query(sim: BiginSimulator) -> None:
    resp = requests.post(sim.url + "/oauth/v2/token", params=token_form())
    assert resp.status_code == 200 and "access_token" in resp.json()


def test_minted_token_gets_registered_scopes(sim: BiginSimulator) -> None:
    sim.add_client("c2", "sec2", "rt2", scopes=("ZohoBigin.modules.contacts.READ",))
    body = refresh(sim, client_id="c2", client_secret="sec2", refresh_token="rt2").json()
    assert body["scope"] == "ZohoBigin.modules.contacts.READ"
    tok = body["access_token"]
    assert requests.get(photo_url(sim), headers=auth(tok)).status_code == 200
    assert_error(requests.delete(photo_url(sim), headers=auth(tok)), "OAUTH_SCOPE_MISMATCH")


@pytest.mark.parametrize(
    "over, error",
    [
        ({"client_id": "unknown"}, "invalid_client"),
        ({"client_id": None}, "invalid_client"),
        ({"client_secret": "wrong"}, "invalid_client_secret"),
        ({"refresh_token": "unknown"}, "invalid_code"),
        ({"refresh_token": None}, "invalid_code"),
        ({"grant_type": "authorization_code"}, "unsupported_grant_type"),
        ({"grant_type": None}, "unsupported_grant_type"),
    ],
)
def test_token_endpoint_errors_are_named_in_a_200_answer(sim: BiginSimulator, over: dict[str, str | None], error: str) -> None:
    resp = refresh(sim, **over)
    assert resp.status_code == 200
    assert resp.json() == {"error": error}
    assert sim.tokens_issued == 0


def test_token_revoked_and_foreign_refresh_token(sim: BiginSimulator) -> None:
    sim.add_client("c2", "sec2", "rt2")
    resp = refresh(sim, refresh_token="rt2")
    assert resp.json() == {"error": "invalid_code"}
    sim.revoke_refresh_token(REFRESH_TOKEN)
    resp = refresh(sim)
    assert resp.status_code == 200 and resp.json() == {"error": "invalid_code"}
    assert sim.tokens_issued == 0


def test_token_mint_limit(sim: BiginSimulator) -> None:
    for _attempt in range(10):
        assert "access_token" in refresh(sim).json()
    resp = refresh(sim)
    assert resp.status_code == 400
    assert resp.json() == {
        "error": "Access Denied",
        "error_description": "You have made too many requests continuously. Please try again after some time.",
        "status": "failure",
    }
    assert sim.tokens_issued == 10
    # another refresh token has its own budget
    sim.add_client(CLIENT_ID, CLIENT_SECRET, "rt-other")
    assert "access_token" in refresh(sim, refresh_token="rt-other").json()


def test_token_mint_window_slides(sim: BiginSimulator) -> None:
    sim.token_mint_window = 0.3
    for _attempt in range(10):
        refresh(sim)
    assert refresh(sim).status_code == 400
    time.sleep(0.35)
    assert "access_token" in refresh(sim).json()


def test_sixteenth_active_token_invalidates_the_oldest(sim: BiginSimulator) -> None:
    sim.token_mint_limit = 100
    tokens = [refresh(sim).json()["access_token"] for _attempt in range(17)]
    assert [sim.token_valid(tok) for tok in tokens] == [False, False] + [True] * 15
    assert sim.tokens_displaced == 2
    resp = requests.get(photo_url(sim), headers={"Authorization": "Zoho-oauthtoken " + tokens[0]})
    assert resp.status_code == 401 and resp.json()["code"] == "INVALID_TOKEN"
