# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of what every module shares (module_utils/_base.py), in the order of its source.

The shared options and BiginModule run through bigin_photo's (or bigin_photo_info's) main()
in-process, or build its instance (argument parsing only); requests go only to a started
simulator on 127.0.0.1 (data centre tests build URLs, never call them).
"""

from __future__ import annotations

import os
import typing as t

import pytest
from ansible.module_utils import basic
from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.zoho.bigin.plugins.module_utils import _auth, _base, _client
from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenProvider
from ansible_collections.zoho.bigin.plugins.module_utils._base import CONNECTION_ARGUMENT_SPEC, MAX_CONCURRENCY
from ansible_collections.zoho.bigin.plugins.module_utils._client import DATA_CENTERS
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Outcome, PhotoService
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo, bigin_photo_info
from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, NO_API_CALLS, RECORD, REFRESH_TOKEN, assert_no_secrets
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator
from tests.tls import make_certificate
from tests.unit.plugins.conftest import NO_PHOTO, OTHER, api_log
from tests.unit.plugins.module_runner import Result, instance

try:  # ansible-core 2.19+
    from ansible.module_utils import _internal as core_internal
except ImportError:
    core_internal = None


def photo_module(**extra: t.Any) -> t.Any:
    """bigin_photo's module object for RECORD (state absent, the access token) and ``extra``; no request is sent."""
    args = {"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent"}
    return instance(dict(args, **extra), bigin_photo.BiginPhoto)


def refused(result: Result, sim: BiginSimulator) -> str:
    """The message of a run that failed before sending any request."""
    assert result["failed"] is True
    assert sim.requests == []
    return result["msg"]


@pytest.fixture
def module_warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every warning the module issues (recorded at AnsibleModule.warn: where the warning then goes
    depends on whether a controller-side ansible import ran earlier in this process)."""
    issued: list[str] = []
    warn = basic.AnsibleModule.warn

    def recording(self: basic.AnsibleModule, warning: str, *args: t.Any, **kwargs: t.Any) -> None:
        issued.append(warning)
        warn(self, warning, *args, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "warn", recording)
    return issued


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


# -- RECORD_ARGUMENT_SPEC ----------------------------------------------------------------------------

def test_record_id_aliases(run: t.Callable[..., Result], sim: BiginSimulator,
                           module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    args = module_args()
    del args["record_id"]
    result = run(dict(args, record_ids=[RECORD, NO_PHOTO, RECORD]))
    # One entry per requested id; the repeated id was worked on once (one GET, one DELETE).
    assert [(entry["record_id"], entry["changed"]) for entry in result["records"]] == [
        (RECORD, True), (NO_PHOTO, False), (RECORD, True)]
    assert [(entry["method"], entry["path"].split("/")[4]) for entry in sim.api_requests()].count(
        ("DELETE", RECORD)) == 1
    assert len(sim.api_requests("GET")) == 2
    sim.set_photo("Contacts", NO_PHOTO, PNG_RED)
    result = run(dict(args, id=int(NO_PHOTO)))
    assert result["records"][0]["record_id"] == NO_PHOTO and result["changed"] is True


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
        real_access = _base.os.access
        monkeypatch.setattr(_base.os, "access", lambda p, mode: False if str(p) == str(path) else real_access(p, mode))
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


# -- _ResultModule: every result, success or failure, carries api_calls ------------------------------

def test_success_carries_api_calls_and_no_trace(run: t.Any, sim: BiginSimulator,
                                                module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args())
    assert result.rc == 0 and result["changed"] is True
    assert result["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}
    assert "api_trace" not in result


def test_trace_at_verbosity_3(run: t.Any, sim: BiginSimulator, module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    info_args = {k: v for k, v in module_args().items() if k != "state"}
    result = run(dict(info_args, _ansible_verbosity=3), module=bigin_photo_info)
    assert result.rc == 0
    assert result["api_calls"]["by_method"]["GET"] == 1
    assert [(e["method"], e["path"], e["status"], e["attempt"]) for e in result["api_trace"]] == [
        ("GET", "/bigin/v2/Contacts/%s/photo" % RECORD, 200, 1)]


def test_api_failure_carries_api_calls(run: t.Any, sim: BiginSimulator,
                                       module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    sim.set_permission(delete_images=False)
    result = run(module_args())
    assert result.rc == 1 and result["error"]["code"] == "NO_PERMISSION"
    assert result["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1}, "token_refreshes": 0}


@pytest.mark.parametrize("bad", [{"concurrency": 0}, {"timeout": -1}, {"record_id": "abc"}])
def test_bad_input_fails_with_zero_counts(run: t.Any, sim: BiginSimulator, bad: dict[str, t.Any],
                                          module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(**bad))
    assert result.rc == 1 and result["api_calls"] == NO_API_CALLS
    assert sim.requests == []


def test_ansible_argument_errors_carry_zero_counts_too(run: t.Any, sim: BiginSimulator,
                                                       module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    result = run(module_args(state="gone"))
    assert result.rc == 1 and "state" in result["msg"] and result["api_calls"] == NO_API_CALLS


# -- BiginModule(): options required together, and requests ------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ({"client_id": CLIENT_ID}, "parameters are required together: client_id, client_secret, refresh_token"),
    ({"access_token": None}, "one of the following is required: access_token, refresh_token"),
], ids=["refresh-credentials-together", "access-token-or-refresh-token"])
def test_required_credentials_fail_before_any_request(run: t.Callable[..., Result], sim: BiginSimulator,
                                                      module_args: t.Callable[..., dict[str, t.Any]],
                                                      extra: dict[str, t.Any], expected: str) -> None:
    assert refused(run(module_args(**extra)), sim) == expected


def test_missing_requests_fails_with_missing_required_lib(run: t.Callable[..., Result], sim: BiginSimulator,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    monkeypatch.setattr(_base, "HAS_REQUESTS", False)
    msg = refused(run(module_args()), sim)
    assert msg == missing_required_lib("requests")
    assert "requests" in msg


# -- check_input: bad records fail before any request ------------------------------------------------

@pytest.mark.parametrize("extra, expected", [
    ({"module": "Deals"}, "module: 'Deals' is not a supported module; use one of Contacts, Accounts "
                          "(or Companies), Products"),
    ({"record_id": "../1"}, "record_id: '../1' is not a record id (1 to 19 digits)"),
    ({"record_id": [RECORD, "12 34"]}, "record_id: '12 34' is not a record id (1 to 19 digits)"),
    ({"record_id": "1" * 20}, "record_id: '%s' is not a record id (1 to 19 digits)" % ("1" * 20)),
])
def test_bad_records_fail_before_any_request(run: t.Callable[..., Result], sim: BiginSimulator,
                                             extra: dict[str, t.Any], expected: str,
                                             module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    assert refused(run(module_args(**extra)), sim) == expected


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
    monkeypatch.setattr(_base, "LOCK_WAIT_MARGIN", 0.25)
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


# -- the runner: an unforeseen exception in one record ----------------------------------------------

@pytest.mark.parametrize("concurrency", [1, 3])
def test_unexpected_exception_in_one_record_keeps_the_others(sim: BiginSimulator, run: t.Callable[..., Result],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             concurrency: int,
                                                             module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    original = PhotoService.ensure_absent

    def flaky(self: PhotoService, out: Outcome, *args: t.Any) -> None:
        if out.record_id == OTHER:
            raise RuntimeError("bug while quoting password=hunter2")
        original(self, out, *args)

    monkeypatch.setattr(PhotoService, "ensure_absent", flaky)
    # The failing record comes first: with concurrency 1 the others are worked on after it.
    result = run(module_args(record_id=[OTHER, RECORD, NO_PHOTO], concurrency=concurrency))
    assert result.rc == 1
    records = result["records"]
    assert [(r["record_id"], r["changed"]) for r in records] == [(OTHER, False), (RECORD, True), (NO_PHOTO, False)]
    assert records[0]["error"]["code"] == "UNEXPECTED_ERROR"
    assert "RuntimeError" in records[0]["error"]["message"] and "Contacts/" + OTHER in records[0]["error"]["message"]
    assert "error" not in records[1] and "error" not in records[2]
    assert records[1]["before"]["present"] is True and records[1]["after"] == {"present": False}
    assert result["changed"] is True
    assert result["msg"].startswith("1 of 3 records failed; first: Contacts/%s: unexpected RuntimeError" % OTHER)
    assert "hunter2" not in result.output
    # The simulator agrees: the other records were worked on.
    assert sim.photo("Contacts", RECORD) is None and sim.photo("Contacts", OTHER) == PNG_BLUE
    assert sorted(api_log(sim)) == sorted([("GET", RECORD, 200), ("DELETE", RECORD, 200), ("GET", NO_PHOTO, 204)])


# -- finish: the failure names the first error -------------------------------------------------------

def test_api_error_fails_with_code_status_message_and_resolution(run: t.Callable[..., Result],
                                                                 sim: BiginSimulator,
                                                                 module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    sim.set_permission(delete_images=False)
    result = run(module_args(record_id=[NO_PHOTO, RECORD]))
    assert result.rc == 1 and result["failed"] is True
    assert result["changed"] is False
    assert result["msg"] == (
        "1 of 2 records failed; first: Contacts/%s: NO_PERMISSION (HTTP 403): Permission denied to delete images. "
        "Resolution: The user does not have permission to delete images. Contact your system administrator."
        % RECORD)
    assert result["error"] == {"code": "NO_PERMISSION", "http_status": 403,
                               "message": "Permission denied to delete images",
                               "resolution": "The user does not have permission to delete images. "
                                             "Contact your system administrator.",
                               "details": {}}
    assert "error" not in result["records"][0]
    assert result["records"][1]["error"]["code"] == "NO_PERMISSION"


# -- what a hostile server or a bug cannot do (issue 15) ---------------------------------------------

def test_a_listed_bad_id_fails_that_record_only(run: t.Callable[..., Result], sim: BiginSimulator,
                                                module_args: t.Callable[..., dict[str, t.Any]]) -> None:
    body = ('{"data": [{"id": "../../x", "Record_Image": "m"}, {"id": "%s", "Record_Image": "m"}],'
            ' "info": {"more_records": false}}' % RECORD)
    sim.inject_response(200, body, headers={"Content-Type": "application/json"}, path_contains="/Contacts")
    result = run(module_args(record_id=None, all_records=True))
    assert result.rc == 1 and result["changed"] is True
    bad, good = result["records"]
    assert "'../../x' is not a record id" in bad["error"]["message"] and bad["changed"] is False
    assert good["record_id"] == RECORD and good["changed"] is True
    # The bad id went into no URL: the listing, then RECORD's DELETE (and nothing else).
    assert [(e["method"], e["path"]) for e in sim.api_requests()] == [
        ("GET", "/bigin/v2/Contacts"), ("DELETE", "/bigin/v2/Contacts/%s/photo" % RECORD)]


@pytest.mark.parametrize("exc", [RecursionError("maximum recursion depth exceeded"), KeyError("secret-value")])
def test_no_exception_reaches_the_user_as_a_traceback(run: t.Callable[..., Result], sim: BiginSimulator,
                                                      module_args: t.Callable[..., dict[str, t.Any]],
                                                      monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    def broken(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise exc

    monkeypatch.setattr(_base.RecordsService, "select_pages", broken)
    result = run(module_args(record_id=None, all_records=True))
    assert result.rc == 1
    assert result["msg"] == "unexpected %s in BiginPhoto; please report it" % type(exc).__name__
    assert "Traceback" not in result.output and "secret-value" not in result.output
    assert "api_calls" in result
