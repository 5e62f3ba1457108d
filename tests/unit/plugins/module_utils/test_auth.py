# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of access tokens (module_utils/_auth.py), in the order of its source: the on-disk TokenCache,
api_domain_of, and TokenProvider (alone and with the cache).

Most tests stand a counting fake in for the token endpoint (FakeAccounts); the ones that need the
whole stack send through a Wire to the simulator.
"""

from __future__ import annotations

import errno
import hashlib
import json
import multiprocessing
import os
import threading
import time
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils import _auth
from ansible_collections.zoho.bigin.plugins.module_utils._auth import (
    CACHE_DIR_NAME,
    DEFAULT_EXPIRES_IN,
    EXPIRY_MARGIN,
    MAX_EXPIRES_IN,
    MIN_EXPIRES_IN,
    TokenCache,
    TokenProvider,
    api_domain_of,
    default_cache_dir,
    token_lifetime,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginAuthError, BiginTransportError
from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, RECORD, REFRESH_TOKEN, SECRETS, file_mode
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.unit.plugins.conftest import Wire

ACCOUNTS_URL = "https://accounts.example.test"


class FakeAccounts:
    """A counting stand-in for the token endpoint: ``post(url, data) -> (status, body)``."""

    def __init__(self, answer: dict[str, t.Any] | None = None, status: int = 200, body: bytes | None = None,
                 delay: float = 0.0):
        self.calls: list[tuple[str, dict[str, str]]] = []
        self.answer = answer
        self.status = status
        self.body = body
        self.delay = delay
        self.lock = threading.Lock()

    def __call__(self, url: str, data: dict[str, str]) -> tuple[int, bytes]:
        with self.lock:
            self.calls.append((url, dict(data)))
            number = len(self.calls)
        if self.delay:
            time.sleep(self.delay)  # widen the window in which a second refresh could start
        if self.body is not None:
            return self.status, self.body
        answer = self.answer or {"access_token": "minted-%d" % number, "expires_in": 3600,
                                 "api_domain": "https://www.zohoapis.com", "token_type": "Bearer"}
        return self.status, json.dumps(answer).encode()


def provider(post: t.Callable[[str, dict[str, str]], tuple[int, bytes]], access_token: str | None = ACCESS_TOKEN,
             refresh: bool = True, cache: TokenCache | None = None,
             warnings: list[str] | None = None) -> TokenProvider:
    creds = (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN) if refresh else (None, None, None)
    return TokenProvider(access_token, *creds, accounts_url=ACCOUNTS_URL + "/", post=post, cache=cache,
                         warn=None if warnings is None else warnings.append)


def new_cache(directory: t.Any, refresh_token: str = REFRESH_TOKEN) -> TokenCache:
    return TokenCache(str(directory), ACCOUNTS_URL, CLIENT_ID, refresh_token)


def write_raw(cache: TokenCache, content: str | bytes, permissions: int = 0o600) -> None:
    os.makedirs(cache.directory, mode=0o700, exist_ok=True)
    data = content.encode() if isinstance(content, str) else content
    with open(cache.path, "wb") as handle:
        handle.write(data)
    os.chmod(cache.path, permissions)


# -- default_cache_dir -------------------------------------------------------------------------------

def test_default_cache_dir(monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_cache_dir() == str(tmp_path / "xdg" / CACHE_DIR_NAME)
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == str(tmp_path / "home" / ".cache" / "zoho.bigin")


# -- TokenCache --------------------------------------------------------------------------------------

def test_cache_file_name_is_a_hash_without_secrets(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path)
    name = os.path.basename(cache.path)
    key = "\0".join((ACCOUNTS_URL, CLIENT_ID, REFRESH_TOKEN))
    assert name == hashlib.sha256(key.encode()).hexdigest() + ".json"
    for part in (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, "accounts"):
        assert part not in cache.path.replace(str(tmp_path), "")
    assert os.path.dirname(cache.path) == str(tmp_path)


def test_cache_key_covers_accounts_url_client_and_refresh_token(tmp_path: t.Any) -> None:
    base = new_cache(tmp_path).path
    assert TokenCache(str(tmp_path), ACCOUNTS_URL + "/", CLIENT_ID, REFRESH_TOKEN).path == base
    assert TokenCache(str(tmp_path), "https://accounts.zoho.eu", CLIENT_ID, REFRESH_TOKEN).path != base
    assert TokenCache(str(tmp_path), ACCOUNTS_URL, "1000.OTHER", REFRESH_TOKEN).path != base
    assert TokenCache(str(tmp_path), ACCOUNTS_URL, CLIENT_ID, "1000.other").path != base


def test_cache_file_and_directory_modes(tmp_path: t.Any) -> None:
    old_umask = os.umask(0)  # the modes must not depend on a permissive umask
    try:
        cache = new_cache(tmp_path / "deep" / "zoho.bigin")
        with cache.locked():
            cache.write("tok", time.time() + 3600)
    finally:
        os.umask(old_umask)
    assert file_mode(cache.directory) == 0o700
    assert file_mode(cache.path) == 0o600
    assert file_mode(cache.lock_path) == 0o600
    assert cache.read(time.time()) == "tok"


def test_read_honours_the_expiry_margin(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path)
    now = 1_800_000_000.0
    cache.write("tok", now + EXPIRY_MARGIN)
    assert cache.read(now) is None
    cache.write("tok", now + EXPIRY_MARGIN + 1)
    assert cache.read(now) == "tok"
    assert cache.read(now + 1) is None


def test_read_of_a_missing_file_is_none(tmp_path: t.Any) -> None:
    assert new_cache(tmp_path / "absent").read(time.time()) is None


@pytest.mark.parametrize("content", [
    "{not json",
    "",
    b"\xff\xfe",
    "[]",
    '"tok"',
    '{"access_token": "tok"}',
    '{"expires_at": 4000000000}',
    '{"access_token": 12, "expires_at": 4000000000}',
    '{"access_token": "", "expires_at": 4000000000}',
    '{"access_token": "tok", "expires_at": "4000000000"}',
    '{"access_token": "tok", "expires_at": null}',
])
def test_read_ignores_corrupt_or_mistyped_files(tmp_path: t.Any, content: str | bytes) -> None:
    cache = new_cache(tmp_path)
    write_raw(cache, content)
    assert cache.read(time.time()) is None


def test_read_accepts_a_valid_file(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path)
    write_raw(cache, json.dumps({"access_token": "tok", "expires_at": time.time() + 3000}))
    assert cache.read(time.time()) == "tok"


@pytest.mark.parametrize("expires_at", ["4000000000", "1e300", "1e999"])
def test_a_cached_expiry_beyond_a_day_is_not_trusted(tmp_path: t.Any, expires_at: str) -> None:
    # 1e999 is JSON for infinity in Python's parser; a token "fresh for ever" is refreshed instead.
    cache = new_cache(tmp_path)
    write_raw(cache, '{"access_token": "tok", "expires_at": %s}' % expires_at)
    assert cache.read(time.time()) is None


def test_a_cache_file_that_is_a_fifo_is_not_read(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path)
    os.makedirs(os.path.dirname(cache.path), exist_ok=True)
    os.mkfifo(cache.path, 0o600)
    assert cache.read(time.time()) is None  # returns at once: no writer, O_NONBLOCK, not a regular file


def test_deeply_nested_cache_file_is_ignored(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path)
    write_raw(cache, "[" * 60000)
    assert cache.read(time.time()) is None


@pytest.mark.parametrize("value, expected", [
    (3600, 3600.0), ("3600", 3600.0), (None, DEFAULT_EXPIRES_IN), ("soon", DEFAULT_EXPIRES_IN),
    (True, DEFAULT_EXPIRES_IN), (float("nan"), DEFAULT_EXPIRES_IN), ("inf", DEFAULT_EXPIRES_IN),
    (1e300, MAX_EXPIRES_IN), (-5, MIN_EXPIRES_IN), (0, MIN_EXPIRES_IN), (10 ** 400, DEFAULT_EXPIRES_IN),
])
def test_expires_in_is_clamped(value: t.Any, expected: float) -> None:
    assert token_lifetime(value) == expected


def test_old_cache_file_without_domain_stays_valid(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path / "c")
    write_raw(cache, json.dumps({"access_token": "old", "expires_at": time.time() + 3600}))
    assert cache.read_entry(time.time()) == ("old", None)
    assert cache.read(time.time()) == "old"


def test_cached_api_domain_off_zoho_is_ignored(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path / "c")
    write_raw(cache, json.dumps({"access_token": "tok", "expires_at": time.time() + 3600,
                                 "api_domain": "https://attacker.example"}))
    assert cache.read_entry(time.time()) == ("tok", None)


def test_read_does_not_follow_a_symlink(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path / "c")
    target = tmp_path / "elsewhere.json"
    target.write_text('{"access_token": "planted", "expires_at": 4000000000}')
    os.chmod(target, 0o600)
    os.makedirs(cache.directory, mode=0o700)
    os.symlink(str(target), cache.path)
    assert cache.read(time.time()) is None


@pytest.mark.parametrize("permissions", [0o640, 0o604, 0o660, 0o666])
def test_read_ignores_a_file_others_can_read_or_write(tmp_path: t.Any, permissions: int) -> None:
    cache = new_cache(tmp_path)
    write_raw(cache, '{"access_token": "tok", "expires_at": 4000000000}', permissions)
    assert cache.read(time.time()) is None


def test_read_ignores_a_foreign_owned_file(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = new_cache(tmp_path)
    write_raw(cache, '{"access_token": "planted", "expires_at": 4000000000}')
    if os.geteuid() == 0:
        os.chown(cache.path, 1, -1)
    else:  # cannot give a file away: pretend to be someone else instead
        real = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    assert cache.read(time.time()) is None


def test_write_replaces_atomically(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path)
    cache.write("old", time.time() + 3600)
    with open(cache.path, encoding="utf-8") as reader:  # a reader that opened the old file
        cache.write("new", time.time() + 3600)
        assert json.load(reader)["access_token"] == "old"
    assert cache.read(time.time()) == "new"
    assert sorted(os.listdir(tmp_path)) == [os.path.basename(cache.path)]


def test_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path: t.Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    cache = new_cache(tmp_path)
    cache.write("old", time.time() + 3600)

    def broken_dump(obj: t.Any, handle: t.Any) -> None:
        handle.write('{"access_token": "ne')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(_auth.json, "dump", broken_dump)
    with pytest.raises(OSError):
        cache.write("new", time.time() + 3600)
    assert cache.read(time.time()) == "old"
    assert sorted(os.listdir(tmp_path)) == [os.path.basename(cache.path)]


def test_discard_only_removes_the_matching_token(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path)
    cache.write("current", time.time() + 3600)
    cache.discard("some-older-token")
    assert cache.read(time.time()) == "current"
    cache.discard("current")
    assert not os.path.exists(cache.path)
    cache.discard("current")  # nothing left to remove: no error


# -- api_domain_of: the API domain the token endpoint names ------------------------------------------

@pytest.mark.parametrize("value, loopback, expected", [
    ("https://www.zohoapis.eu", False, "https://www.zohoapis.eu"),
    ("https://www.zohoapis.eu/", False, "https://www.zohoapis.eu"),
    ("https://www.zohoapis.eu:443", False, "https://www.zohoapis.eu:443"),
    ("https://www.zohoapis.com.au", False, "https://www.zohoapis.com.au"),
    ("https://www.zohoapis.com.cn", True, "https://www.zohoapis.com.cn"),
    ("http://127.0.0.1:8080", True, "http://127.0.0.1:8080"),
    ("https://127.0.0.1:8443", True, "https://127.0.0.1:8443"),
    ("http://localhost", True, "http://localhost"),
    # Only Zoho's API hosts, and loopback only when the accounts server is on loopback too.
    ("http://127.0.0.1:8080", False, None),
    ("https://localhost", False, None),
    ("https://attacker.example", False, None),
    ("https://attacker.example", True, None),
    ("https://www.zohoapis.eu.attacker.example", False, None),
    ("https://zohoapis.eu", False, None),
    ("https://accounts.zoho.eu", False, None),
    ("http://www.zohoapis.eu", False, None),  # plain http
    ("ftp://www.zohoapis.eu", False, None),
    ("www.zohoapis.eu", False, None),
    ("https://", False, None),
    ("https://user:pw@www.zohoapis.eu", False, None),
    ("https://www.zohoapis.eu/bigin/v2", False, None),
    ("https://www.zohoapis.eu?x=1", False, None),
    ("https://www.zohoapis.eu#f", False, None),
    ("https://www.zoho apis.eu", False, None),
    ("https://www.zohoapis.eu:99999", False, None),
    ("", True, None),
    (None, True, None),
    (42, True, None),
])
def test_api_domain_of(value: t.Any, loopback: bool, expected: str | None) -> None:
    assert api_domain_of(value, loopback) == expected


# -- TokenProvider -----------------------------------------------------------------------------------

def test_given_access_token_is_used_first(tmp_path: t.Any) -> None:
    post = FakeAccounts()
    cache = new_cache(tmp_path / "cache")
    tokens = provider(post, cache=cache)
    assert tokens.get() == ACCESS_TOKEN
    assert tokens.get() == ACCESS_TOKEN
    assert post.calls == []
    assert not os.path.exists(cache.path)


def test_refresh_only_after_invalidation_with_the_documented_form() -> None:
    post = FakeAccounts()
    tokens = provider(post)
    assert tokens.get() == ACCESS_TOKEN
    tokens.invalidate(ACCESS_TOKEN)
    assert post.calls == []  # invalidation alone sends nothing
    assert tokens.get() == "minted-1"
    assert post.calls == [(ACCOUNTS_URL + "/oauth/v2/token", {
        "grant_type": "refresh_token",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    })]
    assert tokens.get() == "minted-1"
    assert len(post.calls) == 1


def test_a_stale_rejection_does_not_refresh_again() -> None:
    post = FakeAccounts()
    tokens = provider(post)
    tokens.invalidate(ACCESS_TOKEN)
    assert tokens.get() == "minted-1"
    tokens.invalidate(ACCESS_TOKEN)  # a slower thread reporting the old token's rejection
    assert tokens.get() == "minted-1"
    assert len(post.calls) == 1
    tokens.invalidate("minted-1")
    assert tokens.get() == "minted-2"


def test_without_an_access_token_the_first_get_refreshes() -> None:
    post = FakeAccounts()
    tokens = provider(post, access_token=None)
    assert tokens.get() == "minted-1"
    assert len(post.calls) == 1


@pytest.mark.parametrize("creds", [(None, None, None), (CLIENT_ID, None, REFRESH_TOKEN),
                                   (CLIENT_ID, CLIENT_SECRET, "")])
def test_rejection_without_refresh_credentials(creds: tuple[str | None, ...]) -> None:
    post = FakeAccounts()
    tokens = TokenProvider(ACCESS_TOKEN, *creds, accounts_url=ACCOUNTS_URL, post=post)
    assert tokens.can_refresh is False
    tokens.invalidate(ACCESS_TOKEN)
    with pytest.raises(BiginAuthError) as info:
        tokens.get()
    assert "no refresh credentials" in str(info.value)
    assert post.calls == []


def test_failed_refresh_is_sticky() -> None:
    post = FakeAccounts(answer={"error": "invalid_code"})
    tokens = provider(post, access_token=None)
    with pytest.raises(BiginAuthError) as first:
        tokens.get()
    with pytest.raises(BiginAuthError) as second:
        tokens.get()
    assert second.value is first.value
    assert len(post.calls) == 1
    assert str(first.value).startswith("Token refresh failed: invalid_code: ")
    assert first.value.code == "TOKEN_REFRESH_FAILED"


def test_transport_failure_of_the_refresh_is_sticky_too() -> None:
    calls: list[str] = []

    def post(url: str, data: dict[str, str]) -> tuple[int, bytes]:
        calls.append(url)
        raise BiginTransportError("POST OAuth token refresh failed after 1 attempt(s): could not connect")

    tokens = provider(post, access_token=None)
    for dummy in range(2):
        with pytest.raises(BiginTransportError):
            tokens.get()
    assert len(calls) == 1


@pytest.mark.parametrize("status, body, expected", [
    (200, b'{"error": "invalid_client"}', "Token refresh failed: invalid_client: the client_id is not known"),
    (200, b'{"error": "invalid_client_secret"}', "Token refresh failed: invalid_client_secret: "),
    (400, b'{"error": "Access Denied", "error_description": "You have made too many requests continuously. '
          b'Please try again after some time.", "status": "failure"}',
     "Token refresh failed: Access Denied: the token-generation limit was reached"),
    # Reported for the real accounts server: the same answer with HTTP 200 (token_throttle_status, issue 16).
    (200, b'{"error": "Access Denied", "error_description": "You have made too many requests continuously. '
          b'Please try again after some time.", "status": "failure"}',
     "Token refresh failed: Access Denied: the token-generation limit was reached"),
    (200, b'{"token_type": "Bearer"}', "Token refresh failed: no access_token in the answer (HTTP 200)"),
    (200, b'{"access_token": 12}', "Token refresh failed: no access_token in the answer (HTTP 200)"),
    (502, b"<html><body>Bad Gateway</body></html>",
     "Token refresh failed: the accounts server answered HTTP 502 with a body that is not JSON: "
     "<html><body>Bad Gateway</body></html>"),
    (200, b"[]", "Token refresh failed: the accounts server answered HTTP 200 with a body that is not JSON"),
])
def test_refresh_failure_messages(status: int, body: bytes, expected: str) -> None:
    tokens = provider(FakeAccounts(status=status, body=body), access_token=None)
    with pytest.raises(BiginAuthError) as info:
        tokens.get()
    assert str(info.value).startswith(expected)
    for secret in SECRETS:
        assert secret not in str(info.value)


@pytest.mark.parametrize("status, body", [
    # An accounts server (or a proxy in front of it) that echoes the request back.
    (500, ("bad request: client_secret=%s&refresh_token=%s" % (CLIENT_SECRET, REFRESH_TOKEN)).encode()),
    (500, ("x" * 170 + "client_secret=%s" % CLIENT_SECRET).encode()),  # a secret across the excerpt's end
    (200, json.dumps({"error": "server_error",
                      "error_description": "refresh_token %s, secret %s" % (REFRESH_TOKEN, CLIENT_SECRET)}).encode()),
    (200, json.dumps({"error": "bad refresh_token " + REFRESH_TOKEN}).encode()),
])
def test_refresh_failure_never_shows_the_secrets_it_sent(status: int, body: bytes) -> None:
    tokens = provider(FakeAccounts(status=status, body=body), access_token=None)
    with pytest.raises(BiginAuthError) as info:
        tokens.get()
    text = str(info.value)
    assert text.startswith("Token refresh failed: ")
    for secret in SECRETS:
        assert secret not in text
        assert secret[:12] not in text


@pytest.mark.parametrize("description", [{"reason": "x"}, ["too", "many"], 42])
def test_refresh_failure_with_an_odd_error_description(description: t.Any) -> None:
    body = json.dumps({"error": "server_error", "error_description": description}).encode()
    tokens = provider(FakeAccounts(body=body), access_token=None)
    with pytest.raises(BiginAuthError) as info:
        tokens.get()
    assert str(info.value).startswith("Token refresh failed: server_error")


def test_provider_learns_a_valid_domain_and_ignores_a_bad_one_with_a_warning() -> None:
    warnings: list[str] = []
    good = provider(FakeAccounts(answer={"access_token": "t1", "api_domain": "https://www.zohoapis.eu"}),
                    access_token=None, warnings=warnings)
    assert good.get() == "t1" and good.api_domain == "https://www.zohoapis.eu" and warnings == []
    bad = provider(FakeAccounts(answer={"access_token": "t2", "api_domain": "http://evil.example"}),
                   access_token=None, warnings=warnings)
    assert bad.get() == "t2" and bad.api_domain is None
    assert len(warnings) == 1 and "not the https URL of a Zoho API host" in warnings[0] and "evil" not in warnings[0]
    # https is not enough: tokens go to Zoho's API hosts only.
    elsewhere = provider(FakeAccounts(answer={"access_token": "t4", "api_domain": "https://evil.example"}),
                         access_token=None, warnings=warnings)
    assert elsewhere.get() == "t4" and elsewhere.api_domain is None and len(warnings) == 2
    none = provider(FakeAccounts(answer={"access_token": "t3"}), access_token=None)
    assert none.get() == "t3" and none.api_domain is None


def test_on_new_token_is_told_of_every_minted_token(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(access_token=None)
    first = w.tokens.get()
    assert w.minted == [first]
    w.tokens.invalidate(first)
    second = w.tokens.get()
    assert second != first and w.minted == [first, second]
    assert all(sim.token_valid(token) for token in w.minted) and sim.tokens_issued == 2
    # A token given as an option is not minted here (the module masks it as a no_log option already).
    given = wire(access_token=ACCESS_TOKEN)
    assert given.tokens.get() == ACCESS_TOKEN and given.minted == []


def run_in_threads(worker: t.Callable[[], None], count: int) -> None:
    """Run ``worker`` in ``count`` threads at once and wait for them all."""
    threads = [threading.Thread(target=worker) for dummy in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)


def test_threads_share_one_refresh() -> None:
    post = FakeAccounts(delay=0.05)
    tokens = provider(post, access_token=None)
    barrier = threading.Barrier(8)
    got: list[str] = []

    def worker() -> None:
        barrier.wait()
        got.append(tokens.get())

    run_in_threads(worker, 8)
    assert got == ["minted-1"] * 8
    assert len(post.calls) == 1


def test_threads_rejected_together_share_one_refresh() -> None:
    post = FakeAccounts(delay=0.05)
    tokens = provider(post)
    barrier = threading.Barrier(8)
    got: list[str] = []

    def worker() -> None:
        rejected = tokens.get()  # every thread sent the same token, and every one was rejected
        barrier.wait()
        tokens.invalidate(rejected)
        got.append(tokens.get())

    run_in_threads(worker, 8)
    assert got == ["minted-1"] * 8
    assert len(post.calls) == 1


# -- TokenProvider with the cache --------------------------------------------------------------------

def test_refreshed_token_is_cached_for_the_next_provider(tmp_path: t.Any) -> None:
    post = FakeAccounts()
    assert provider(post, access_token=None, cache=new_cache(tmp_path / "c")).get() == "minted-1"
    assert provider(post, access_token=None, cache=new_cache(tmp_path / "c")).get() == "minted-1"
    assert len(post.calls) == 1


def test_cache_is_per_refresh_token(tmp_path: t.Any) -> None:
    post = FakeAccounts()
    provider(post, access_token=None, cache=new_cache(tmp_path / "c")).get()
    other = TokenProvider(None, CLIENT_ID, CLIENT_SECRET, "1000.another-refresh", ACCOUNTS_URL, post,
                          new_cache(tmp_path / "c", "1000.another-refresh"))
    assert other.get() == "minted-2"
    assert len(post.calls) == 2


def test_rejected_cached_token_is_discarded_and_replaced(tmp_path: t.Any) -> None:
    post = FakeAccounts()
    first = provider(post, access_token=None, cache=new_cache(tmp_path / "c"))
    assert first.get() == "minted-1"
    first.invalidate("minted-1")
    assert new_cache(tmp_path / "c").read(time.time()) is None
    assert first.get() == "minted-2"
    assert provider(post, access_token=None, cache=new_cache(tmp_path / "c")).get() == "minted-2"
    assert len(post.calls) == 2


def test_cached_token_is_written_with_its_expiry(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path / "c")
    before = time.time()
    provider(FakeAccounts(answer={"access_token": "short", "expires_in": 1200}), access_token=None,
             cache=cache).get()
    after = time.time()
    with open(cache.path, encoding="utf-8") as handle:
        stored = json.load(handle)
    assert set(stored) == {"access_token", "expires_at"}
    assert stored["access_token"] == "short"
    assert before + 1200 <= stored["expires_at"] <= after + 1200


@pytest.mark.parametrize("expires_in", [EXPIRY_MARGIN - 10, 0, -3600])
def test_a_short_or_negative_lifetime_does_not_make_every_fork_refresh(tmp_path: t.Any, expires_in: int) -> None:
    # Clamped to MIN_EXPIRES_IN: the token is reused from the cache (were it really expired, the
    # API's 401 would make the next fork refresh once).
    post = FakeAccounts(answer={"access_token": "brief", "expires_in": expires_in})
    assert provider(post, access_token=None, cache=new_cache(tmp_path / "c")).get() == "brief"
    assert provider(post, access_token=None, cache=new_cache(tmp_path / "c")).get() == "brief"
    assert len(post.calls) == 1


def test_cache_keeps_the_domain_with_the_token(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path / "c")
    first = provider(FakeAccounts(answer={"access_token": "t1", "api_domain": "https://www.zohoapis.in"}),
                     access_token=None, cache=cache)
    assert first.get() == "t1"
    assert file_mode(cache.path) == 0o600
    post = FakeAccounts()
    second = provider(post, access_token=None, cache=new_cache(tmp_path / "c"))
    assert second.get() == "t1" and second.api_domain == "https://www.zohoapis.in"
    assert post.calls == []  # the cached token is used


def test_foreign_owned_cache_directory_is_not_used(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    directory = tmp_path / "c"
    directory.mkdir(mode=0o700)
    if os.geteuid() == 0:
        os.chown(directory, 1, 1)
    else:  # cannot give a file away: pretend to be someone else instead
        real = os.geteuid()
        monkeypatch.setattr(os, "geteuid", lambda: real + 1)
    warnings: list[str] = []
    post = FakeAccounts()
    tokens = provider(post, access_token=None, cache=new_cache(directory), warnings=warnings)
    assert tokens.get() == "minted-1"
    assert len(post.calls) == 1
    assert os.listdir(directory) == []
    assert len(warnings) == 1 and warnings[0].startswith("Token cache not used")


def test_symlinked_cache_directory_is_not_used_nor_changed(tmp_path: t.Any) -> None:
    target = tmp_path / "etc"
    target.mkdir()
    os.chmod(target, 0o755)
    link = tmp_path / "c"
    link.symlink_to(target)
    warnings: list[str] = []
    post = FakeAccounts()
    tokens = provider(post, access_token=None, cache=new_cache(link), warnings=warnings)
    assert tokens.get() == "minted-1"
    assert len(post.calls) == 1
    assert os.listdir(target) == [] and file_mode(str(target)) == 0o755
    assert warnings == ["Token cache not used (token cache directory %s is a symbolic link)" % link]


def test_loose_cache_directory_is_tightened(tmp_path: t.Any) -> None:
    directory = tmp_path / "c"
    directory.mkdir()
    os.chmod(directory, 0o755)
    provider(FakeAccounts(), access_token=None, cache=new_cache(directory)).get()
    assert file_mode(str(directory)) == 0o700


def test_untrusted_cache_file_is_replaced_by_a_fresh_token(tmp_path: t.Any) -> None:
    cache = new_cache(tmp_path / "c")
    write_raw(cache, '{"access_token": "planted", "expires_at": 4000000000}', 0o644)
    post = FakeAccounts()
    assert provider(post, access_token=None, cache=cache).get() == "minted-1"
    assert file_mode(cache.path) == 0o600
    assert cache.read(time.time()) == "minted-1"


class FullDiskCache(TokenCache):
    def write(self, token: str, expires_at: float, api_domain: str | None = None) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_token_minted_before_a_failed_cache_write_is_kept(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                          tmp_path: t.Any) -> None:
    cache = FullDiskCache(str(tmp_path / "cache"), sim.url, CLIENT_ID, REFRESH_TOKEN)
    w = wire(access_token=None, cache=cache)
    token = w.tokens.get()
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    assert sim.token_valid(token) and w.minted == [token]
    assert w.warnings == ["Token cache not used (%s)" % OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))]
    # The token is used, and asked for no more.
    _state, body = w.service.fetch(RECORD, need_bytes=True)
    assert body == PNG_RED and w.tokens.get() == token
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1


def _process_worker(directory: str, counter: str, barrier: t.Any, results: t.Any) -> None:
    """One fork of a playbook run: refresh through the shared cache, report the token."""

    def post(url: str, data: dict[str, str]) -> tuple[int, bytes]:
        fd = os.open(counter, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, b"%d\n" % os.getpid())
        finally:
            os.close(fd)
        time.sleep(0.2)
        return 200, json.dumps({"access_token": "minted-by-%d" % os.getpid(), "expires_in": 3600}).encode()

    tokens = TokenProvider(None, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, ACCOUNTS_URL, post,
                           TokenCache(directory, ACCOUNTS_URL, CLIENT_ID, REFRESH_TOKEN))
    barrier.wait()
    results.put(tokens.get())


def test_processes_sharing_a_cache_refresh_once(tmp_path: t.Any) -> None:
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(4)
    results = context.Queue()
    counter = str(tmp_path / "refreshes")
    directory = str(tmp_path / "cache")
    processes = [context.Process(target=_process_worker, args=(directory, counter, barrier, results))
                 for dummy in range(4)]
    for process in processes:
        process.start()
    tokens = [results.get(timeout=30) for dummy in processes]
    for process in processes:
        process.join(30)
        assert process.exitcode == 0
    with open(counter, encoding="utf-8") as handle:
        refreshers = handle.read().split()
    assert len(refreshers) == 1
    assert tokens == ["minted-by-%s" % refreshers[0]] * 4


@pytest.mark.skipif(_auth.fcntl is None, reason="no flock on this platform")
def test_a_lock_held_too_long_is_given_up_with_a_warning(tmp_path: t.Any) -> None:
    """A fork stuck on a slow token request holds the lock; the others wait lock_wait, then go on alone."""
    cache = TokenCache(str(tmp_path / "c"), ACCOUNTS_URL, CLIENT_ID, REFRESH_TOKEN, lock_wait=0.3)
    with cache.locked():
        # flock locks belong to the open file: a second open, as another process's, must wait.
        warnings: list[str] = []
        post = FakeAccounts()
        started = time.monotonic()
        assert provider(post, access_token=None, cache=cache, warnings=warnings).get() == "minted-1"
        waited = time.monotonic() - started
    assert len(post.calls) == 1
    assert waited >= 0.3
    assert warnings == ["Token cache not used (its lock was held by another process for more than 0.3 seconds)"]
    # Nothing was written under a lock it did not hold; the lock file is free again.
    assert not os.path.exists(cache.path)
    with cache.locked():
        pass


@pytest.mark.skipif(not _auth.DIR_FD_CALLS, reason="no dir_fd calls on this platform")
def test_files_follow_the_directory_opened_not_a_link_swapped_in(tmp_path: t.Any) -> None:
    """Once the lock is held, a directory swapped for a link (to /etc, say) gets nothing written through it."""
    directory, moved, elsewhere = tmp_path / "c", tmp_path / "moved", tmp_path / "elsewhere"
    elsewhere.mkdir()
    cache = new_cache(directory)
    with cache.locked():
        os.rename(directory, moved)
        directory.symlink_to(elsewhere)
        cache.write("tok", time.time() + 3600)
        assert cache.read(time.time()) == "tok"
        cache.discard("other")
    assert os.listdir(elsewhere) == []
    assert sorted(os.listdir(moved)) == sorted([os.path.basename(cache.path), os.path.basename(cache.lock_path)])
    assert file_mode(str(moved / os.path.basename(cache.path))) == 0o600
