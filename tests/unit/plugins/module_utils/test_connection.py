# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the connection options and the client they build (module_utils/_connection.py), in the order of its source.

Through bigin_photo's main() in-process, or its instance (argument parsing only); requests go only
to a started simulator on 127.0.0.1 (data centre tests build URLs, never call them).
"""

from __future__ import annotations

import os
import typing as t

import pytest
from ansible.module_utils import basic
from ansible.module_utils.basic import env_fallback

from ansible_collections.zoho.bigin.plugins.module_utils import _auth, _client, _connection
from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenProvider
from ansible_collections.zoho.bigin.plugins.module_utils._base import MAX_CONCURRENCY
from ansible_collections.zoho.bigin.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC
from ansible_collections.zoho.bigin.plugins.module_utils._client import DATA_CENTERS
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo
from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, NO_API_CALLS, RECORD, REFRESH_TOKEN, assert_no_secrets
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.tls import make_certificate
from tests.unit.plugins.conftest import OTHER, photo_module, refused
from tests.unit.plugins.module_runner import Result, instance

try:  # ansible-core 2.19+
    from ansible.module_utils import _internal as core_internal
except ImportError:
    core_internal = None


# -- CONNECTION_ARGUMENT_SPEC: choices and BIGIN_* environment fallbacks -----------------------------

def test_unknown_data_center_is_rejected(run: t.Callable[..., Result]) -> None:
    result = run({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent",
                  "data_center": "uk"})
    assert result["failed"] is True
    assert "data_center" in result["msg"] and "uk" in result["msg"]
    for name in DATA_CENTERS:
        assert name in result["msg"]


def test_every_connection_option_has_its_bigin_env_fallback() -> None:
    for name, spec in CONNECTION_ARGUMENT_SPEC.items():
        assert spec.get("fallback") == (env_fallback, ["BIGIN_" + name.upper()]), name


@pytest.mark.parametrize("variable, value, option, expected", [
    ("BIGIN_ACCESS_TOKEN", ACCESS_TOKEN, "access_token", ACCESS_TOKEN),
    ("BIGIN_CLIENT_ID", CLIENT_ID, "client_id", CLIENT_ID),
    ("BIGIN_CLIENT_SECRET", CLIENT_SECRET, "client_secret", CLIENT_SECRET),
    ("BIGIN_REFRESH_TOKEN", REFRESH_TOKEN, "refresh_token", REFRESH_TOKEN),
    ("BIGIN_DATA_CENTER", "jp", "data_center", "jp"),
    ("BIGIN_API_DOMAIN", "https://api.example.test", "api_domain", "https://api.example.test"),
    ("BIGIN_ACCOUNTS_URL", "https://accounts.example.test", "accounts_url", "https://accounts.example.test"),
    ("BIGIN_API_VERSION", "v1", "api_version", "v1"),
    ("BIGIN_TIMEOUT", "7.5", "timeout", 7.5),
    ("BIGIN_VALIDATE_CERTS", "false", "validate_certs", False),
    ("BIGIN_MAX_RETRIES", "2", "max_retries", 2),
    ("BIGIN_TOKEN_CACHE", "no", "token_cache", False),
])
def test_env_fallback(monkeypatch: pytest.MonkeyPatch, variable: str, value: str, option: str,
                      expected: t.Any) -> None:
    monkeypatch.setenv(variable, value)
    args = {"module": "Contacts", "record_id": RECORD, "state": "absent", "access_token": "from-args",
            "client_id": "id", "client_secret": "s", "refresh_token": "r"}
    args.pop(option, None)
    module = instance(args, bigin_photo.BiginPhoto)
    assert module.params[option] == expected


def test_explicit_option_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIGIN_DATA_CENTER", "jp")
    monkeypatch.setenv("BIGIN_API_DOMAIN", "https://env.example.test")
    module = photo_module(data_center="ca", api_domain="https://arg.example.test")
    assert module.params["data_center"] == "ca"
    assert module.connect().base == "https://arg.example.test/bigin/v2"


@pytest.mark.usefixtures("contacts")
def test_connection_from_the_environment_alone(run: t.Callable[..., Result], sim: BiginSimulator,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIGIN_API_DOMAIN", sim.url)
    monkeypatch.setenv("BIGIN_ACCOUNTS_URL", sim.url)
    monkeypatch.setenv("BIGIN_CLIENT_ID", CLIENT_ID)
    monkeypatch.setenv("BIGIN_CLIENT_SECRET", CLIENT_SECRET)
    monkeypatch.setenv("BIGIN_REFRESH_TOKEN", REFRESH_TOKEN)
    monkeypatch.setenv("BIGIN_API_VERSION", "v1")
    result = run({"module": "contacts", "record_id": RECORD, "state": "absent"})
    assert result.rc == 0 and result["changed"] is True
    assert [(entry["method"], entry["path"]) for entry in sim.api_requests()] == [
        ("GET", "/bigin/v1/Contacts/%s/photo" % RECORD), ("DELETE", "/bigin/v1/Contacts/%s/photo" % RECORD)]
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", RECORD) is None
    assert_no_secrets(result.output)


# -- check_ca_path -----------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["missing", "empty file", "not pem", "unreadable directory"])
def test_bad_ca_path_fails_before_any_request(run: t.Any, sim: BiginSimulator, tmp_path: t.Any,
                                              monkeypatch: pytest.MonkeyPatch, case: str,
                                              module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    path = tmp_path / "ca"
    expected = {"missing": "does not exist", "empty file": "holds no PEM certificate",
                "not pem": "holds no PEM certificate", "unreadable directory": "is not readable"}[case]
    if case == "empty file":
        path.write_bytes(b"")
    elif case == "not pem":
        path.write_text("not a certificate\n")
    elif case == "unreadable directory":
        path.mkdir()
        path.chmod(0)
        # root reads any directory whatever its mode: answer as the kernel would for anyone else.
        real_access = _connection.os.access
        monkeypatch.setattr(_connection.os, "access", lambda p, mode: False if str(p) == str(path) else real_access(p, mode))
    result = run(module_args(ca_path=str(path)))
    assert result.rc == 1
    assert result["msg"].startswith("ca_path: ") and expected in result["msg"] and str(path) in result["msg"]
    assert result["api_calls"] == NO_API_CALLS
    assert sim.requests == []


def test_ca_path_from_the_environment(run: t.Any, sim: BiginSimulator, tmp_path: t.Any,
                                      monkeypatch: pytest.MonkeyPatch,
                                      module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    monkeypatch.setenv("BIGIN_CA_PATH", str(tmp_path / "nowhere.pem"))
    result = run(module_args())
    assert result.rc == 1 and "ca_path: " in result["msg"] and sim.requests == []


def test_bad_ca_path_is_ignored_without_certificate_validation(run: t.Any, sim: BiginSimulator,
                                                               tmp_path: t.Any,
                                                               module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(ca_path=str(tmp_path / "nowhere.pem"), validate_certs=False))
    assert result.rc == 0 and result["changed"] is True


def test_good_ca_path_file_and_directory_are_accepted(run: t.Any, sim: BiginSimulator, tmp_path: t.Any,
                                                      module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    cert = make_certificate(str(tmp_path))[0]
    assert run(module_args(ca_path=cert)).rc == 0
    assert run(module_args(ca_path=str(tmp_path), record_id=OTHER)).rc == 0


# -- connect: the client the options describe --------------------------------------------------------

def test_defaults() -> None:
    module = photo_module()
    params = module.params
    assert params["data_center"] == "us"
    assert params["api_version"] == "v2"
    assert params["max_retries"] == 5
    assert params["timeout"] == 30
    assert params["validate_certs"] is True
    assert params["token_cache"] is True
    assert params["concurrency"] == 4
    assert params["force"] is True
    assert params["api_domain"] is None and params["accounts_url"] is None
    client = module.connect()
    assert client.base == "https://www.zohoapis.com/bigin/v2"
    assert client.url("Contacts/%s/photo" % RECORD) == "https://www.zohoapis.com/bigin/v2/Contacts/%s/photo" % RECORD
    assert client.tokens._token_url == "https://accounts.zoho.com/oauth/v2/token"
    assert client.transport.timeout == 30
    assert client.transport.max_retries == 5
    assert client.transport.session.verify is True


@pytest.mark.parametrize("data_center", sorted(DATA_CENTERS))
def test_data_center_sets_both_urls(data_center: str) -> None:
    accounts, api = DATA_CENTERS[data_center]
    module = photo_module(data_center=data_center, api_version="v1")
    client = module.connect()
    assert client.url("Accounts/%s/photo" % "1") == api + "/bigin/v1/Accounts/1/photo"
    assert client.tokens._token_url == accounts + "/oauth/v2/token"


def test_api_domain_and_accounts_url_override_the_data_center() -> None:
    module = photo_module(data_center="eu", api_domain="https://bigin.example.test/", accounts_url="http://127.0.0.1:9/")
    client = module.connect()
    assert client.base == "https://bigin.example.test/bigin/v2"
    assert client.tokens._token_url == "http://127.0.0.1:9/oauth/v2/token"


@pytest.mark.parametrize("option, value, expected", [
    ("api_domain", "ftp://www.zohoapis.com",
     "api_domain: 'ftp://www.zohoapis.com' is not an http(s) URL with a host name"),
    ("accounts_url", "accounts.zoho.com", "accounts_url: 'accounts.zoho.com' is not an http(s) URL with a host name"),
    ("api_domain", "https://a b", "api_domain: 'https://a b' contains spaces or control characters"),
    ("api_domain", "http://host:abc", "api_domain: 'http://host:abc' is not a valid URL"),
    ("api_domain", "http://[::1", "api_domain: 'http://[::1' is not a valid URL"),
    ("api_domain", "https://www.zohoapis.com#x",
     "api_domain: 'https://www.zohoapis.com#x' must not carry a query or a fragment"),
    ("api_domain", "https://www.zohoapis.com?a=1",
     "api_domain: 'https://www.zohoapis.com?a=1' must not carry a query or a fragment"),
    ("accounts_url", "https://user:hunter2@evil.example", "accounts_url: must not carry credentials (user@host)"),
    ("access_token", "tok\n", "access_token: must be non-empty, without spaces or control characters"),
    ("access_token", " tok", "access_token: must be non-empty, without spaces or control characters"),
    ("access_token", "", "access_token: must be non-empty, without spaces or control characters"),
    ("timeout", 0, "timeout: 0.0 is out of range; use a number of seconds above 0 and at most 600"),
    ("timeout", "inf", "timeout: inf is out of range; use a number of seconds above 0 and at most 600"),
    ("timeout", "nan", "timeout: nan is out of range; use a number of seconds above 0 and at most 600"),
    ("timeout", 1e300, "timeout: 1e+300 is out of range; use a number of seconds above 0 and at most 600"),
    ("timeout", 600.5, "timeout: 600.5 is out of range; use a number of seconds above 0 and at most 600"),
    ("max_retries", -1, "max_retries: -1 is out of range; use 0 to 20"),
    ("max_retries", 100000, "max_retries: 100000 is out of range; use 0 to 20"),
    ("concurrency", 0, "concurrency: 0 is out of range; use 1 to %d" % MAX_CONCURRENCY),
    ("concurrency", MAX_CONCURRENCY + 1, "concurrency: %d is out of range; use 1 to %d"
     % (MAX_CONCURRENCY + 1, MAX_CONCURRENCY)),
])
def test_bad_connection_values_fail_before_any_request(run: t.Callable[..., Result], sim: BiginSimulator,
                                                       option: str, value: t.Any, expected: str,
                                                       module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    assert refused(run(module_args(**{option: value})), sim) == expected


def test_token_cache_spares_the_token_endpoint_across_runs(run: t.Callable[..., Result], sim: BiginSimulator,
                                                           tmp_path: t.Any,
                                                           module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    refresh_only = dict(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        refresh_token=REFRESH_TOKEN)
    for dummy in range(3):
        assert run(module_args(**refresh_only)).rc == 0
    assert len(sim.token_requests()) == 1
    cache_dir = tmp_path / "xdg-cache" / "zoho.bigin"
    cached = [name for name in os.listdir(cache_dir) if name.endswith(".json")]
    assert len(cached) == 1
    content = (cache_dir / cached[0]).read_text()
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, CLIENT_ID):
        assert secret not in content and secret not in cached[0]


@pytest.mark.skipif(_auth.fcntl is None, reason="no flock on this platform")
def test_a_held_cache_lock_is_waited_for_timeout_and_margin_then_skipped(
        run: t.Callable[..., Result], sim: BiginSimulator, tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch,
        module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    monkeypatch.setattr(_connection, "LOCK_WAIT_MARGIN", 0.25)
    # A test that imported controller code (plugin_docs) makes 2.19+ display warnings instead of returning them.
    if core_internal is not None:
        monkeypatch.setattr(core_internal, "is_controller", False, raising=False)
    held = _auth.TokenCache(str(tmp_path / "xdg-cache" / "zoho.bigin"), sim.url, CLIENT_ID, REFRESH_TOKEN,
                            lock_wait=0)
    with held.locked():  # another fork, stuck on a slow token request
        result = run(module_args(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                                 refresh_token=REFRESH_TOKEN, timeout=0.25))
    assert result.rc == 0 and result["changed"] is True, result
    assert len(sim.token_requests()) == 1
    # ansible-core 2.19+ gives warnings as objects: their text is what must be seen.
    assert len(result["warnings"]) == 1
    assert ("Token cache not used (its lock was held by another process for more than 0.5 seconds)"
            in result.output)


def test_token_cache_off_refreshes_every_run(run: t.Callable[..., Result], sim: BiginSimulator,
                                             tmp_path: t.Any, module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    refresh_only = dict(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        refresh_token=REFRESH_TOKEN, token_cache=False)
    for dummy in range(2):
        assert run(module_args(**refresh_only)).rc == 0
    assert len(sim.token_requests()) == 2
    assert not os.path.exists(tmp_path / "xdg-cache" / "zoho.bigin")


def test_refresh_failure_names_the_cause_without_secrets(run: t.Callable[..., Result], sim: BiginSimulator,
                                                         module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(access_token="1000.stale", client_id=CLIENT_ID, client_secret="wrong-secret-123",
                             refresh_token=REFRESH_TOKEN))
    assert result["failed"] is True
    assert result["msg"].startswith("Contacts/%s: Token refresh failed: invalid_client_secret: " % RECORD)
    assert result["error"]["code"] == "TOKEN_REFRESH_FAILED"
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert_no_secrets(result.output)
    assert "wrong-secret-123" not in result.output


def test_minted_and_cached_tokens_join_the_module_no_log_values(sim: BiginSimulator, run: t.Callable[..., Result],
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    minted: list[str] = []
    masked: list[set[str]] = []
    refresh = TokenProvider._refresh  # pylint: disable=protected-access
    finish = bigin_photo.BiginPhoto.finish

    def spy_refresh(self: TokenProvider) -> tuple[str, float]:
        token, expires_at = refresh(self)
        minted.append(token)
        return token, expires_at

    def spy_finish(self: t.Any, *args: t.Any) -> None:
        masked.append(set(self.module.no_log_values))
        finish(self, *args)

    monkeypatch.setattr(_auth.TokenProvider, "_refresh", spy_refresh)
    monkeypatch.setattr(bigin_photo.BiginPhoto, "finish", spy_finish)
    args = module_args(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                       refresh_token=REFRESH_TOKEN)
    first = run(args)
    assert first.rc == 0 and first["changed"] is True
    (token,) = minted
    assert sim.token_valid(token)
    assert token in masked[0]
    assert basic.remove_values("Authorization: Zoho-oauthtoken " + token, masked[0]) == \
        "Authorization: Zoho-oauthtoken ********"
    # A second run takes the token from the cache: it is a secret of that run too.
    second = run(dict(args, record_id=[OTHER]))
    assert second.rc == 0 and minted == [token] and len(sim.token_requests()) == 1
    assert token in masked[1]
    assert token not in first.output and token not in second.output


def test_token_refresh_is_retried_after_a_500(sim: BiginSimulator, run: t.Callable[..., Result],
                                              module_warnings: list[str],
                                              module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    sim.inject_status(500, retry_after=0, kind="token")
    result = run(module_args(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             refresh_token=REFRESH_TOKEN, token_cache=False, max_retries=1))
    assert result.rc == 0 and result["changed"] is True
    assert [e["status"] for e in sim.token_requests()] == [500, 200] and sim.tokens_issued == 1
    assert sim.photo("Contacts", RECORD) is None
    retries = [w for w in module_warnings if w.startswith("POST OAuth token refresh: retrying")]
    assert retries == ["POST OAuth token refresh: retrying after 500 INTERNAL_ERROR, attempt 2 of 2, in 0.0s"]


def test_lost_token_answer_costs_one_token(sim: BiginSimulator, run: t.Callable[..., Result],
                                           monkeypatch: pytest.MonkeyPatch, module_warnings: list[str],
                                           module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    monkeypatch.setattr(_client, "backoff", lambda attempt: 0.0)  # the backoff itself is not tested here
    sim.inject_drop(kind="token", when="after")  # minted, then the answer is lost
    result = run(module_args(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             refresh_token=REFRESH_TOKEN, token_cache=False, max_retries=1))
    assert result.rc == 0 and result["changed"] is True
    assert [e["status"] for e in sim.token_requests()] == [None, 200] and sim.tokens_issued == 2
    assert any(w.startswith("POST OAuth token refresh: retrying after connection closed without an answer")
               for w in module_warnings)
