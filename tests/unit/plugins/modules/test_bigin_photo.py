# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Module-level unit tests of zoho.bigin.bigin_photo (and the options it shares with bigin_photo_info).

The module's ``main()`` runs in-process under patched module arguments; requests go
only to a started simulator on 127.0.0.1 (data centre tests build URLs, never call them).
"""

from __future__ import annotations

import importlib
import os
import typing as t

import pytest
import yaml
from ansible.module_utils.basic import env_fallback, missing_required_lib

from ansible_collections.zoho.bigin.plugins.module_utils import _base
from ansible_collections.zoho.bigin.plugins.module_utils._base import (
    CONNECTION_ARGUMENT_SPEC,
    MAX_CONCURRENCY,
    RECORD_ARGUMENT_SPEC,
)
from ansible_collections.zoho.bigin.plugins.module_utils._client import DATA_CENTERS
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo, bigin_photo_info
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator
from tests.unit.plugins.module_runner import Result, patch_module_args, run_main

try:
    # Not importable where ansible-test runs module tests (module_utils only): see merged_docs().
    from ansible.utils.plugin_docs import get_docstring
except ImportError:
    get_docstring = None


ACCESS_TOKEN = "1000.module-unit-access.44c0"
CLIENT_ID = "1000.MODULEUNIT"
CLIENT_SECRET = "module-unit-secret-9d3f"
REFRESH_TOKEN = "1000.module-unit-refresh.b81e"
SECRETS = (ACCESS_TOKEN, CLIENT_SECRET, REFRESH_TOKEN)
RECORD = "3000000038009"
SECRET_OPTIONS = {"access_token", "client_secret", "refresh_token"}

# Checked against the table in test_client.py.
DOMAINS = DATA_CENTERS


@pytest.fixture
def sim() -> t.Iterator[BiginSimulator]:
    with BiginSimulator() as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        simulator.add_record("Contacts", RECORD, PNG_RED)
        simulator.add_record("Contacts", "2", None)
        yield simulator


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> t.Callable[..., Result]:
    """Run a module's main() with the given arguments; return its parsed result."""

    def runner(args: dict[str, t.Any], module: t.Any = bigin_photo, check: bool = False,
               diff: bool = False) -> Result:
        return run_main(module, args, capsys, check, diff)

    return runner


def instance(args: dict[str, t.Any], cls: t.Any = bigin_photo.BiginPhoto) -> t.Any:
    """Build a module instance (argument parsing only: no request is sent)."""
    with patch_module_args(dict(args)):
        return cls()


def sim_args(sim: BiginSimulator, **extra: t.Any) -> dict[str, t.Any]:
    args: dict[str, t.Any] = {"api_domain": sim.url, "accounts_url": sim.url, "access_token": ACCESS_TOKEN,
                              "module": "Contacts", "record_id": RECORD, "state": "absent"}
    args.update(extra)
    return {key: value for key, value in args.items() if value is not None}


def assert_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text


# -- defaults and data centres -------------------------------------------------------------

def test_defaults() -> None:
    module = instance({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent"})
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


def test_state_defaults_to_present() -> None:
    module = instance({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "src": "/x.png"})
    assert module.params["state"] == "present"


@pytest.mark.parametrize("data_center", sorted(DOMAINS))
def test_data_center_sets_both_urls(data_center: str) -> None:
    accounts, api = DOMAINS[data_center]
    module = instance({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent",
                       "data_center": data_center, "api_version": "v1"})
    client = module.connect()
    assert client.url("Accounts/%s/photo" % "1") == api + "/bigin/v1/Accounts/1/photo"
    assert client.tokens._token_url == accounts + "/oauth/v2/token"


def test_api_domain_and_accounts_url_override_the_data_center() -> None:
    module = instance({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent",
                       "data_center": "eu", "api_domain": "https://bigin.example.test/",
                       "accounts_url": "http://127.0.0.1:9/"})
    client = module.connect()
    assert client.base == "https://bigin.example.test/bigin/v2"
    assert client.tokens._token_url == "http://127.0.0.1:9/oauth/v2/token"


def test_unknown_data_center_is_rejected(run: t.Callable[..., Result]) -> None:
    result = run({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent",
                  "data_center": "uk"})
    assert result["failed"] is True
    assert "data_center" in result["msg"] and "uk" in result["msg"]
    for name in DOMAINS:
        assert name in result["msg"]


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
    ("timeout", 0, "timeout: 0.0 must be a positive number of seconds"),
    ("max_retries", -1, "max_retries: -1 must be 0 or more"),
    ("concurrency", 0, "concurrency: 0 is out of range; use 1 to %d" % MAX_CONCURRENCY),
    ("concurrency", MAX_CONCURRENCY + 1, "concurrency: %d is out of range; use 1 to %d"
     % (MAX_CONCURRENCY + 1, MAX_CONCURRENCY)),
])
def test_bad_connection_values_fail_before_any_request(run: t.Callable[..., Result], sim: BiginSimulator,
                                                       option: str, value: t.Any, expected: str) -> None:
    result = run(sim_args(sim, **{option: value}))
    assert result["failed"] is True
    assert result["msg"] == expected
    assert sim.requests == []


# -- environment fallbacks ---------------------------------------------------------------------

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
    module = instance(args)
    assert module.params[option] == expected


def test_explicit_option_beats_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BIGIN_DATA_CENTER", "jp")
    monkeypatch.setenv("BIGIN_API_DOMAIN", "https://env.example.test")
    module = instance({"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent",
                       "data_center": "ca", "api_domain": "https://arg.example.test"})
    assert module.params["data_center"] == "ca"
    assert module.connect().base == "https://arg.example.test/bigin/v2"


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


# -- option relationships -----------------------------------------------------------------

def test_refresh_credentials_are_required_together(run: t.Callable[..., Result], sim: BiginSimulator) -> None:
    result = run(sim_args(sim, client_id=CLIENT_ID))
    assert result["failed"] is True
    assert result["msg"] == "parameters are required together: client_id, client_secret, refresh_token"
    assert sim.requests == []


def test_access_token_or_refresh_token_is_required(run: t.Callable[..., Result], sim: BiginSimulator) -> None:
    result = run(sim_args(sim, access_token=None))
    assert result["failed"] is True
    assert result["msg"] == "one of the following is required: access_token, refresh_token"
    assert sim.requests == []


def test_src_is_required_with_present(run: t.Callable[..., Result], sim: BiginSimulator) -> None:
    result = run(sim_args(sim, state="present"))
    assert result["failed"] is True
    assert result["msg"] == "state is present but all of the following are missing: src"
    assert sim.requests == []


@pytest.mark.parametrize("extra, expected", [
    ({"module": "Deals"}, "module: 'Deals' is not a supported module; use one of Contacts, Accounts "
                          "(or Companies), Products"),
    ({"record_id": "../1"}, "record_id: '../1' is not a record id (1 to 19 digits)"),
    ({"record_id": [RECORD, "12 34"]}, "record_id: '12 34' is not a record id (1 to 19 digits)"),
    ({"record_id": "1" * 20}, "record_id: '%s' is not a record id (1 to 19 digits)" % ("1" * 20)),
])
def test_bad_records_fail_before_any_request(run: t.Callable[..., Result], sim: BiginSimulator,
                                             extra: dict[str, t.Any], expected: str) -> None:
    result = run(sim_args(sim, **extra))
    assert result["failed"] is True
    assert result["msg"] == expected
    assert sim.requests == []


def test_record_id_aliases(run: t.Callable[..., Result], sim: BiginSimulator) -> None:
    args = sim_args(sim)
    del args["record_id"]
    result = run(dict(args, record_ids=[RECORD, "2", RECORD]))
    # One entry per requested id; the repeated id was worked on once (one GET, one DELETE).
    assert [(entry["record_id"], entry["changed"]) for entry in result["records"]] == [
        (RECORD, True), ("2", False), (RECORD, True)]
    assert [(entry["method"], entry["path"].split("/")[4]) for entry in sim.api_requests()].count(
        ("DELETE", RECORD)) == 1
    assert len(sim.api_requests("GET")) == 2
    sim.set_photo("Contacts", "2", PNG_RED)
    result = run(dict(args, id=2))
    assert result["records"][0]["record_id"] == "2" and result["changed"] is True


def test_missing_requests_fails_with_missing_required_lib(run: t.Callable[..., Result], sim: BiginSimulator,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_base, "HAS_REQUESTS", False)
    result = run(sim_args(sim))
    assert result["failed"] is True
    assert result["msg"] == missing_required_lib("requests")
    assert "requests" in result["msg"]
    assert sim.requests == []


# -- runs against the simulator ----------------------------------------------------------------

def test_result_shape_in_input_order(run: t.Callable[..., Result], sim: BiginSimulator) -> None:
    result = run(sim_args(sim, module="contacts", record_id=["2", RECORD]))
    assert result.rc == 0
    assert result["changed"] is True
    assert result["records"] == [
        {"module": "Contacts", "record_id": "2", "changed": False,
         "before": {"present": False}, "after": {"present": False}},
        {"module": "Contacts", "record_id": RECORD, "changed": True,
         "before": {"present": True, "size": len(PNG_RED), "sha256": result["records"][1]["before"]["sha256"]},
         "after": {"present": False}},
    ]


def test_check_mode_with_diff_sends_no_delete(run: t.Callable[..., Result], sim: BiginSimulator) -> None:
    result = run(sim_args(sim, record_id=[RECORD, "2"]), check=True, diff=True)
    assert result.rc == 0 and result["changed"] is True
    assert [entry["method"] for entry in sim.api_requests()] == ["GET", "GET"]
    assert sim.photo("Contacts", RECORD) == PNG_RED
    diff, unchanged = result["diff"]  # one per record read, in input order
    assert diff["before_header"] == diff["after_header"] == "Contacts/%s" % RECORD
    assert diff["before"]["present"] is True and "sha256" in diff["before"]
    assert diff["after"] == {"present": False}
    assert unchanged["before_header"] == "Contacts/2"
    assert unchanged["before"] == unchanged["after"] == {"present": False}


def test_upload_then_repeat_is_idempotent(run: t.Callable[..., Result], sim: BiginSimulator, tmp_path: t.Any) -> None:
    src = tmp_path / "blue.png"
    src.write_bytes(PNG_BLUE)
    first = run(sim_args(sim, state="present", src=str(src), module="Companies", record_id="5"))
    assert first["failed"] is True  # no such Accounts record yet: the API's answer is reported
    assert first["error"]["code"] == "INVALID_DATA"
    assert first["records"][0]["module"] == "Accounts"
    sim.add_record("Accounts", "5", None)
    second = run(sim_args(sim, state="present", src=str(src), module="Companies", record_id="5"))
    third = run(sim_args(sim, state="present", src=str(src), module="Companies", record_id="5"))
    assert (second.rc, second["changed"], third.rc, third["changed"]) == (0, True, 0, False)
    assert sim.photo("Accounts", "5") == PNG_BLUE
    assert [entry["method"] for entry in sim.api_requests()] == ["GET", "GET", "POST", "GET"]


def test_api_error_fails_with_code_status_message_and_resolution(run: t.Callable[..., Result],
                                                                 sim: BiginSimulator) -> None:
    sim.set_permission(delete_images=False)
    result = run(sim_args(sim, record_id=["2", RECORD]))
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


def test_token_cache_spares_the_token_endpoint_across_runs(run: t.Callable[..., Result], sim: BiginSimulator,
                                                           tmp_path: t.Any) -> None:
    refresh_only = dict(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        refresh_token=REFRESH_TOKEN)
    for dummy in range(3):
        assert run(sim_args(sim, **refresh_only)).rc == 0
    assert len(sim.token_requests()) == 1
    cache_dir = tmp_path / "xdg-cache" / "zoho.bigin"
    cached = [name for name in os.listdir(cache_dir) if name.endswith(".json")]
    assert len(cached) == 1
    content = (cache_dir / cached[0]).read_text()
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, CLIENT_ID):
        assert secret not in content and secret not in cached[0]


def test_token_cache_off_refreshes_every_run(run: t.Callable[..., Result], sim: BiginSimulator,
                                             tmp_path: t.Any) -> None:
    refresh_only = dict(access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                        refresh_token=REFRESH_TOKEN, token_cache=False)
    for dummy in range(2):
        assert run(sim_args(sim, **refresh_only)).rc == 0
    assert len(sim.token_requests()) == 2
    assert not os.path.exists(tmp_path / "xdg-cache" / "zoho.bigin")


def test_refresh_failure_names_the_cause_without_secrets(run: t.Callable[..., Result], sim: BiginSimulator) -> None:
    result = run(sim_args(sim, access_token="1000.stale", client_id=CLIENT_ID, client_secret="wrong-secret-123",
                          refresh_token=REFRESH_TOKEN))
    assert result["failed"] is True
    assert result["msg"].startswith("Contacts/%s: Token refresh failed: invalid_client_secret: " % RECORD)
    assert result["error"]["code"] == "TOKEN_REFRESH_FAILED"
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert_no_secrets(result.output)
    assert "wrong-secret-123" not in result.output


# -- documentation and argument spec cannot drift ----------------------------------------------------

class _FragmentLoader:
    """Resolves ``zoho.bigin.<fragment>`` to this collection's doc fragment classes, as ansible-doc does."""

    def get(self, name: str) -> t.Any:
        namespace, collection, fragment = (name.split(".") + ["", "", ""])[:3]
        if (namespace, collection) != ("zoho", "bigin") or not fragment or name.count(".") != 2:
            return None
        fragment_class = importlib.import_module(
            "ansible_collections.zoho.bigin.plugins.doc_fragments." + fragment).ModuleDocFragment
        fragment_class.ansible_name = name
        return fragment_class


def _merged_by_hand(module: t.Any) -> dict[str, t.Any]:
    """DOCUMENTATION with its fragments merged, read straight from the fragment files."""
    doc = yaml.safe_load(module.DOCUMENTATION)
    for slug in doc.pop("extends_documentation_fragment", []):
        parts = slug.split(".")
        assert parts[:2] == ["zoho", "bigin"] and len(parts) in (3, 4), slug
        fragment = importlib.import_module(
            "ansible_collections.zoho.bigin.plugins.doc_fragments." + parts[2]).ModuleDocFragment
        data = yaml.safe_load(getattr(fragment, parts[3].upper() if len(parts) == 4 else "DOCUMENTATION"))
        for key in ("options", "attributes"):
            for name, value in (data.pop(key, None) or {}).items():
                assert name not in doc.setdefault(key, {}), "%s: %s %s defined twice" % (slug, key, name)
                doc[key][name] = value
        for key, value in data.items():
            if isinstance(value, list):
                doc.setdefault(key, []).extend(value)
            else:
                doc.setdefault(key, value)
    return doc


def merged_docs(module: t.Any) -> list[dict[str, t.Any]]:
    """The module's documentation merged by hand and, where ansible's controller code is at hand, by ansible."""
    docs = [_merged_by_hand(module)]
    if get_docstring is not None:
        path = os.path.abspath(module.__file__)
        docs.append(get_docstring(path, _FragmentLoader(), collection_name="zoho.bigin", is_module=True)[0])
    return docs


def full_spec(cls: t.Any) -> dict[str, dict[str, t.Any]]:
    spec = dict(CONNECTION_ARGUMENT_SPEC)
    spec.update(RECORD_ARGUMENT_SPEC)
    spec.update(cls.argument_spec)
    return spec


@pytest.mark.parametrize("module, cls", [(bigin_photo, bigin_photo.BiginPhoto),
                                         (bigin_photo_info, bigin_photo_info.BiginPhotoInfo)])
def test_documented_options_match_the_argument_spec(module: t.Any, cls: t.Any) -> None:
    spec = full_spec(cls)
    for merged in merged_docs(module):
        options = merged["options"]
        assert sorted(options) == sorted(spec)
        for name, arg in spec.items():
            doc = options[name]
            assert doc.get("type", "str") == arg.get("type", "str"), name
            assert doc.get("default") == arg.get("default"), name
            assert sorted(doc.get("choices") or []) == sorted(arg.get("choices") or []), name
            assert bool(doc.get("required")) == bool(arg.get("required")), name
            assert sorted(doc.get("aliases") or []) == sorted(arg.get("aliases") or []), name
            assert doc.get("elements") == arg.get("elements"), name
            fallback = arg.get("fallback")
            if fallback:
                variable = fallback[1][0]
                assert "E(%s)" % variable in " ".join(doc["description"]), name


def test_secrets_are_no_log_and_nothing_else_is() -> None:
    spec = full_spec(bigin_photo.BiginPhoto)
    assert {name for name, arg in spec.items() if arg.get("no_log")} == SECRET_OPTIONS


@pytest.mark.parametrize("module, check_mode, diff_mode", [(bigin_photo, "full", "full"),
                                                           (bigin_photo_info, "full", "N/A")])
def test_documented_attributes(module: t.Any, check_mode: str, diff_mode: str) -> None:
    for doc in merged_docs(module):
        attributes = doc["attributes"]
        assert sorted(attributes) == ["action_group", "check_mode", "diff_mode"]
        assert attributes["check_mode"]["support"] == check_mode
        assert attributes["diff_mode"]["support"] == diff_mode
        assert attributes["action_group"]["membership"] == ["zoho.bigin.all"]
        assert "requests" in doc["requirements"]
