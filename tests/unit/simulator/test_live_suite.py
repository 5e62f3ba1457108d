# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live contract suite (tests/live/) run against the simulator, as a subprocess, under every profile.

The default profile must make every line hold; each switched behaviour must make exactly its
line(s) differ.  Also: what the suite needs (its configuration errors), that it touches only its
own records and deletes them (also on SIGTERM), and that no secret reaches its output.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import typing as t

import pytest
import requests

from tests.conftest import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, REPO_ROOT, assert_no_secrets, wait_for
from tests.live.checks import CHECK_NAMES
from tests.live.config import ConfigError, host_allowed, load
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.simulator.profiles import profile_variants

LIVE_SCOPES = ("ZohoBigin.modules.contacts.ALL", "ZohoSearch.securesearch.READ")
FOREIGN = "3000000038001"  # a Contact the suite did not create: it must stay as it is

#: switch=value -> the lines that must say "differs" (every other line holds).
DIFFERS = {
    "upload_storage=reencoded": {"upload_round_trip"},
    "search_equals=word": {"search_equals_exact"},
    "search_equals=contains": {"search_equals_exact"},
    "no_photo_get=200-empty": {"no_photo_get"},
    "no_photo_get=404": {"no_photo_get"},
    "no_photo_get=400-no-photo": {"no_photo_get"},
    "marker_on_replace=same": {"record_image_changes_on_replace"},
    "token_throttle_status=200": {"token_throttle_status"},
}


@contextlib.contextmanager
def live_sim(profile: dict[str, str] | None = None, **kwargs: t.Any) -> t.Iterator[BiginSimulator]:
    """A simulator with the suite's client (its scopes only) and one Contact of someone else's."""
    with BiginSimulator(profile=profile, **kwargs) as sim:
        sim.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, scopes=LIVE_SCOPES)
        sim.add_record("Contacts", FOREIGN, photo=PNG_RED, fields={"Last_Name": "Smith", "First_Name": "Anna"})
        yield sim


def live_env(sim: BiginSimulator, **over: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BIGIN_")}
    env.update(BIGIN_CLIENT_ID=CLIENT_ID, BIGIN_CLIENT_SECRET=CLIENT_SECRET, BIGIN_REFRESH_TOKEN=REFRESH_TOKEN,
               BIGIN_DATA_CENTER="us", BIGIN_ACCOUNTS_URL=sim.url, BIGIN_LIVE_SEARCH_WAIT="2")
    for key, value in over.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_live(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tests.live", *args], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=60, check=False)


def lines_of(stdout: str) -> dict[str, str]:
    """``name -> state`` of each result line (notes, starting with #, left out)."""
    out = {}
    for line in stdout.splitlines():
        if line and not line.startswith("#"):
            name, rest = line.split(": ", 1)
            out[name] = rest.split(":", 1)[0]
    return out


def assert_untouched_and_clean(sim: BiginSimulator) -> None:
    """Only the foreign Contact is left, with its photo and fields."""
    state = requests.get(sim.url + "/_simulator/state", timeout=10).json()
    assert [r["record_id"] for r in state["records"]] == [FOREIGN]
    assert sim.photo("Contacts", FOREIGN) == PNG_RED


@pytest.mark.parametrize("ident, profile", profile_variants(), ids=[ident for ident, dummy in profile_variants()])
def test_live_suite_under_each_profile(ident: str, profile: dict[str, str]) -> None:
    with live_sim(profile) as sim:
        proc = run_live(live_env(sim), "--check-throttle")
        states = lines_of(proc.stdout)
        assert list(states) == list(CHECK_NAMES), proc.stdout + proc.stderr
        differs = {name for name, state in states.items() if state != "holds"}
        assert differs == DIFFERS.get(ident, set()), proc.stdout + proc.stderr
        assert set(states.values()) <= {"holds", "differs"}
        assert proc.returncode == (1 if differs else 0), proc.stderr
        assert "# deleted the 5 test Contacts" in proc.stdout
        assert_untouched_and_clean(sim)
        assert_no_secrets(proc.stdout + proc.stderr)
        assert CLIENT_SECRET not in proc.stdout + proc.stderr and REFRESH_TOKEN not in proc.stdout + proc.stderr


def test_every_switch_value_is_named_by_a_line() -> None:
    assert set(DIFFERS) == {ident for ident, dummy in profile_variants()} - {"default"}
    assert set().union(*DIFFERS.values()) <= set(CHECK_NAMES)


def test_throttle_check_is_opt_in() -> None:
    with live_sim() as sim:
        proc = run_live(live_env(sim))
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "token_throttle_status: skipped: opt-in (--check-throttle)" in proc.stdout
        assert sim.tokens_issued == 1


def test_missing_settings_name_what_to_set_and_the_scopes() -> None:
    with live_sim() as sim:
        proc = run_live(live_env(sim, BIGIN_REFRESH_TOKEN=None, BIGIN_DATA_CENTER=None, BIGIN_ACCOUNTS_URL=None))
        assert proc.returncode == 2 and proc.stdout == ""
        assert "missing: BIGIN_REFRESH_TOKEN, BIGIN_DATA_CENTER (or BIGIN_ACCOUNTS_URL)" in proc.stderr
        assert "ZohoBigin.modules.contacts.ALL" in proc.stderr and "ZohoSearch.securesearch.READ" in proc.stderr
        assert sim.requests == []


@pytest.mark.parametrize("name, url", [
    ("BIGIN_ACCOUNTS_URL", "https://accounts.example.com"),
    ("BIGIN_API_DOMAIN", "https://www.zohoapis.com.evil.example"),
    ("BIGIN_API_DOMAIN", "http://www.zohoapis.com"),
])
def test_tokens_go_to_zoho_or_loopback_only(name: str, url: str) -> None:
    with live_sim() as sim:
        proc = run_live(live_env(sim, **{name: url}))
        assert proc.returncode == 2 and "%s=%s is refused" % (name, url) in proc.stderr
        assert sim.requests == []


def test_host_rules() -> None:
    for url in ("https://accounts.zoho.com", "https://www.zohoapis.com.au", "https://accounts.zohocloud.ca",
                "http://127.0.0.1:8080", "https://localhost"):
        assert host_allowed(url), url
    for url in ("http://accounts.zoho.com", "https://zoho.com.example", "https://user@www.zohoapis.com", "ftp://127.0.0.1",
                "https://www.zohoapis.com?x=1", "https://notzoho.com"):
        assert not host_allowed(url), url
    with pytest.raises(ConfigError, match="BIGIN_DATA_CENTER=mars"):
        load({"BIGIN_CLIENT_ID": "a", "BIGIN_CLIENT_SECRET": "b", "BIGIN_REFRESH_TOKEN": "c", "BIGIN_DATA_CENTER": "mars"})
    config = load({"BIGIN_CLIENT_ID": "a", "BIGIN_CLIENT_SECRET": "b", "BIGIN_REFRESH_TOKEN": "c", "BIGIN_DATA_CENTER": "eu"})
    assert (config.accounts_url, config.default_api_domain, config.api_domain) == (
        "https://accounts.zoho.eu", "https://www.zohoapis.eu", None)


def test_refused_refresh_is_a_setup_error() -> None:
    with live_sim() as sim:
        proc = run_live(live_env(sim, BIGIN_CLIENT_SECRET="wrong-secret"))
        assert proc.returncode == 2
        assert "the token refresh failed: HTTP 200, error invalid_client_secret" in proc.stderr
        assert "wrong-secret" not in proc.stdout + proc.stderr
        assert sim.api_requests() == []


def test_missing_scope_fails_setup_and_leaves_nothing() -> None:
    with live_sim() as sim:
        sim.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, scopes=("ZohoBigin.modules.contacts.READ",))
        proc = run_live(live_env(sim))
        assert proc.returncode == 2
        assert "creating the test Contacts failed: HTTP 401 OAUTH_SCOPE_MISMATCH" in proc.stderr
        assert_untouched_and_clean(sim)


def test_sigterm_cleans_up() -> None:
    with live_sim(latency_ms=150) as sim:  # slow enough to be caught between the checks
        proc = subprocess.Popen([sys.executable, "-m", "tests.live"], cwd=REPO_ROOT, env=live_env(sim),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_for(lambda: sim.api_requests("GET") != [], limit=20), "the suite never got to its checks"
            created = [e for e in sim.api_requests("POST") if e["path"] == "/bigin/v2/Contacts"]
            assert len(created) == 1 and sim.has_record("Contacts", "3000000900000")
            proc.send_signal(signal.SIGTERM)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        assert proc.returncode == 128 + signal.SIGTERM, out + err
        assert "# interrupted by signal %d: cleaning up" % signal.SIGTERM in out
        assert "# deleted the 5 test Contacts" in out
        assert_untouched_and_clean(sim)
