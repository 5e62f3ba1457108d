# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.4: the API domain named by the token endpoint: validated, remembered, cached, used only by default."""

from __future__ import annotations

import json
import os
import stat
import time
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenCache, TokenProvider, api_domain_of
from ansible_collections.zoho.bigin.plugins.module_utils._client import BiginClient, Transport

ACCOUNTS_URL = "https://accounts.zoho.com"
CREDS = ("1000.CLIENT42", "client-secret-8f2a61", "1000.refresh-token.93be07")


@pytest.mark.parametrize("value, expected", [
    ("https://www.zohoapis.eu", "https://www.zohoapis.eu"),
    ("https://www.zohoapis.eu/", "https://www.zohoapis.eu"),
    ("https://www.zohoapis.eu:443", "https://www.zohoapis.eu:443"),
    ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
    ("http://localhost", "http://localhost"),
    ("http://www.zohoapis.eu", None),  # plain http off loopback
    ("ftp://www.zohoapis.eu", None),
    ("www.zohoapis.eu", None),
    ("https://", None),
    ("https://user:pw@www.zohoapis.eu", None),
    ("https://www.zohoapis.eu/bigin/v2", None),
    ("https://www.zohoapis.eu?x=1", None),
    ("https://www.zohoapis.eu#f", None),
    ("https://www.zoho apis.eu", None),
    ("https://www.zohoapis.eu:99999", None),
    ("", None),
    (None, None),
    (42, None),
])
def test_api_domain_of(value: t.Any, expected: str | None) -> None:
    assert api_domain_of(value) == expected


def post_answer(answer: dict[str, t.Any]) -> t.Callable[[str, dict[str, str]], tuple[int, bytes]]:
    def post(url: str, data: dict[str, str]) -> tuple[int, bytes]:
        return 200, json.dumps(answer).encode()
    return post


def test_provider_learns_a_valid_domain_and_ignores_a_bad_one_with_a_warning() -> None:
    warnings: list[str] = []
    good = TokenProvider(None, *CREDS, accounts_url=ACCOUNTS_URL, warn=warnings.append,
                         post=post_answer({"access_token": "t1", "api_domain": "https://www.zohoapis.eu"}))
    assert good.get() == "t1" and good.api_domain == "https://www.zohoapis.eu" and warnings == []
    bad = TokenProvider(None, *CREDS, accounts_url=ACCOUNTS_URL, warn=warnings.append,
                        post=post_answer({"access_token": "t2", "api_domain": "http://evil.example"}))
    assert bad.get() == "t2" and bad.api_domain is None
    assert len(warnings) == 1 and "not an https URL" in warnings[0] and "evil" not in warnings[0]
    none = TokenProvider(None, *CREDS, accounts_url=ACCOUNTS_URL, post=post_answer({"access_token": "t3"}))
    assert none.get() == "t3" and none.api_domain is None


def test_cache_keeps_the_domain_with_the_token(tmp_path: t.Any) -> None:
    cache = TokenCache(str(tmp_path / "c"), ACCOUNTS_URL, CREDS[0], CREDS[2])
    first = TokenProvider(None, *CREDS, accounts_url=ACCOUNTS_URL, cache=cache,
                          post=post_answer({"access_token": "t1", "api_domain": "https://www.zohoapis.in"}))
    assert first.get() == "t1"
    assert stat.S_IMODE(os.stat(cache.path).st_mode) == 0o600

    def no_post(url: str, data: dict[str, str]) -> tuple[int, bytes]:
        raise AssertionError("the cached token must be used")

    second = TokenProvider(None, *CREDS, accounts_url=ACCOUNTS_URL, cache=TokenCache(
        str(tmp_path / "c"), ACCOUNTS_URL, CREDS[0], CREDS[2]), post=no_post)
    assert second.get() == "t1" and second.api_domain == "https://www.zohoapis.in"


def test_old_cache_file_without_domain_stays_valid(tmp_path: t.Any) -> None:
    cache = TokenCache(str(tmp_path / "c"), ACCOUNTS_URL, CREDS[0], CREDS[2])
    os.makedirs(cache.directory, mode=0o700)
    fd = os.open(cache.path, os.O_WRONLY | os.O_CREAT, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump({"access_token": "old", "expires_at": time.time() + 3600}, handle)
    assert cache.read_entry(time.time()) == ("old", None)
    assert cache.read(time.time()) == "old"


class Tokens:
    def __init__(self, api_domain: str | None):
        self.api_domain = api_domain
        self.can_refresh = True

    def get(self) -> str:
        return "tok"

    def invalidate(self, token: str) -> None:
        pass


@pytest.mark.parametrize("token_domain, learned, expected", [
    (True, "https://www.zohoapis.eu", "https://www.zohoapis.eu/bigin/v2/Contacts/1/photo"),
    (True, None, "https://www.zohoapis.com/bigin/v2/Contacts/1/photo"),
    (False, "https://www.zohoapis.eu", "https://www.zohoapis.com/bigin/v2/Contacts/1/photo"),  # explicit wins
])
def test_client_goes_where_the_token_endpoint_says_unless_told(token_domain: bool, learned: str | None,
                                                               expected: str) -> None:
    warnings: list[str] = []
    transport = Transport(t.cast(t.Any, None), 1.0, 0, warnings.append)
    client = BiginClient(transport, "https://www.zohoapis.com", "v2", t.cast(t.Any, Tokens(learned)),
                         token_domain=token_domain, warn=warnings.append)
    assert client.photo_url("Contacts", "1") == expected
    assert client.photo_url("Contacts", "1") == expected
    if token_domain and learned:
        assert len(warnings) == 1 and learned in warnings[0] and "https://www.zohoapis.com" in warnings[0]
    else:
        assert warnings == []
