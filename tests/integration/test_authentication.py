# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Authentication through the real ansible-playbook: access tokens, refresh credentials and the token cache.

A refreshed token and its cache (shared by tasks, runs and forks; a cache file that cannot be
trusted is replaced); a rejected token (every way Zoho rejects one) leads to one refresh and one
retry, a missing scope to none; refresh failures say which and ask once; Zoho's token limits with
many forks; the API domain the token endpoint names; credentials from BIGIN_* variables and from
an AWX credential (ansible-runner); and no secret in the output, even at -vvv.
"""

from __future__ import annotations

import collections
import glob
import json
import os
import stat
import sys
import time
import typing as t

import ansible_runner
import pytest
import yaml

from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenCache
from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, RECORD, REFRESH_TOKEN, SECRETS, assert_no_secrets, collections_path, file_mode
from tests.integration.conftest import (
    C1,
    C2,
    C3,
    C4,
    C5,
    INFO,
    PHOTO,
    PlayResult,
    add_photos,
    cache_dir,
    credentials_env,
    photo_path,
    photo_task,
    request_log,
    run_on_hosts,
    secrets_from_env,
    warnings_of,
)
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator


def token_cache(tmp_path: t.Any, sim: BiginSimulator) -> TokenCache:
    """The cache file the module will use for the refresh credentials against ``sim``."""
    return TokenCache(cache_dir(tmp_path), sim.url, CLIENT_ID, REFRESH_TOKEN)


# -- a refreshed token and its cache -------------------------------------------------------------


def test_refreshed_token_is_cached_across_tasks_and_runs(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    add_photos(sim, [C1, C2, C3, C4])
    tasks = [
        {"name": "info", INFO: {"module": "Contacts", "record_id": [C1, C2]}},
        photo_task("delete two", [C1, C2]),
        photo_task("delete one", C3),
    ]
    first = play(tasks, auth="refresh")
    assert first.succeeded, first.output
    assert [task["changed"] for task in first.tasks] == [False, True, True]
    assert len(sim.token_requests()) == 1
    assert sim.tokens_issued == 1
    token_request = sim.token_requests()[0]
    assert token_request["method"] == "POST" and token_request["status"] == 200
    assert token_request["form"] == {"grant_type": "refresh_token", "client_id": CLIENT_ID}
    assert token_request["query"] == {}  # credentials go in the form body, never in the URL (logged by proxies)
    assert all(e["status"] in (200, 204) for e in sim.api_requests())  # the refreshed token was accepted

    # The cache: a 0700 directory, 0600 files, holding the access token but no long-lived secret.
    directory = cache_dir(tmp_path)
    assert file_mode(directory) == 0o700
    names = os.listdir(directory)
    data_files = [n for n in names if n.endswith(".json")]
    assert len(data_files) == 1
    for name in names:
        full = os.path.join(directory, name)
        assert file_mode(full) == 0o600, name
        with open(full, "rb") as handle:
            content = handle.read()
        for secret in (REFRESH_TOKEN, CLIENT_SECRET):
            assert secret.encode() not in content and secret not in name
    with open(os.path.join(directory, data_files[0]), encoding="utf-8") as handle:
        cached = json.load(handle)
    assert sim.token_valid(cached["access_token"])

    # A second ansible-playbook run, same cache: no new token while the cached one is valid.
    second = play([photo_task("next run", C4)], auth="refresh")
    assert second.succeeded, second.output
    assert second.task()["changed"] is True
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", C4) is None


def test_token_cache_false_writes_no_cache(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    add_photos(sim, [C1, C2])
    result = play([photo_task("one", C1), photo_task("two", C2)], auth="refresh", defaults={"token_cache": False})

    assert result.succeeded, result.output
    assert [task["changed"] for task in result.tasks] == [True, True]
    assert len(sim.token_requests()) == 2  # nothing shared between the tasks
    directory = cache_dir(tmp_path)
    assert not os.path.exists(directory) or os.listdir(directory) == []


CACHED_TOKEN = "1000.cached-token.0f3e"


@pytest.mark.parametrize("flaw", ["corrupt", "group_readable", "world_readable", "foreign_owned", "symlink"])
def test_untrusted_token_cache_is_ignored_and_replaced(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                                       tmp_path: t.Any, flaw: str) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    # The cached token works at the API: a module that trusted the file would not refresh.
    sim.add_token(CACHED_TOKEN)
    os.makedirs(cache_dir(tmp_path), mode=0o700)
    cache = token_cache(tmp_path, sim)
    content = json.dumps({"access_token": CACHED_TOKEN, "expires_at": time.time() + 3600})
    target = cache.path
    if flaw == "symlink":
        target = str(tmp_path / "elsewhere.json")
        os.symlink(target, cache.path)
    with open(target, "w", encoding="utf-8") as handle:
        handle.write(content[:-7] if flaw == "corrupt" else content)
    os.chmod(target, {"group_readable": 0o640, "world_readable": 0o604}.get(flaw, 0o600))
    if flaw == "foreign_owned":
        os.chown(target, 1, 1)

    r = play([photo_task("delete", C1, max_retries=1)], auth="refresh")

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert sim.photo("Contacts", C1) is None
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    # Replaced: a regular file of ours, 0600, holding the token just minted.
    info = os.lstat(cache.path)
    assert stat.S_ISREG(info.st_mode) and info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) == 0o600
    with open(cache.path, encoding="utf-8") as handle:
        fresh = json.load(handle)["access_token"]
    assert fresh != CACHED_TOKEN and sim.token_valid(fresh)
    if flaw == "symlink":
        with open(target, encoding="utf-8") as handle:
            assert handle.read() == content  # the file the link pointed at is untouched


def test_trusted_token_cache_is_used(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                     tmp_path: t.Any) -> None:
    """The control for the test above: the same file, sound, saves the refresh."""
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_token(CACHED_TOKEN)
    os.makedirs(cache_dir(tmp_path), mode=0o700)
    cache = token_cache(tmp_path, sim)
    with open(cache.path, "w", encoding="utf-8") as handle:
        json.dump({"access_token": CACHED_TOKEN, "expires_at": time.time() + 3600}, handle)
    os.chmod(cache.path, 0o600)

    r = play([photo_task("delete", C1, max_retries=1)], auth="refresh")

    assert r.task(0)["_status"] == "ok" and r.task(0)["changed"] is True
    assert sim.photo("Contacts", C1) is None
    assert sim.token_requests() == [] and sim.tokens_issued == 0


def test_concurrent_forks_refresh_once(sim: BiginSimulator, tmp_path: t.Any) -> None:
    """Five hosts, five forks, refresh credentials only: one token request, a sound cache file."""
    hosts = {"localhost%d" % n: str(3000000038100 + n) for n in range(1, 6)}
    add_photos(sim, hosts.values())
    # Slow answers keep the forks' token requests overlapping, as in a real run.
    sim.latency_ms = 300

    r = run_on_hosts(tmp_path, sim, hosts, [photo_task("delete", "{{ rid }}", max_retries=1)], forks=5)

    assert r.succeeded, r.output
    assert sorted(task["_status"] for task in r.tasks) == ["ok"] * 5
    assert all(task["changed"] for task in r.tasks)
    assert sim.photo_count() == 0
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    assert len(sim.api_requests("DELETE")) == 5
    directory = cache_dir(tmp_path)
    names = sorted(os.listdir(directory))
    assert [n for n in names if n.endswith(".json")] == [os.path.basename(token_cache(tmp_path, sim).path)]
    assert not [n for n in names if n.startswith(".tmp")]
    for name in names:
        assert_no_secrets(name)
        assert CLIENT_ID not in name
    with open(token_cache(tmp_path, sim).path, encoding="utf-8") as handle:
        assert sim.token_valid(json.load(handle)["access_token"])
    assert_no_secrets(r.output)


# -- a rejected token: one refresh, one retry -------------------------------------------------------


def test_expired_access_token_is_refreshed_once_and_retried_once(sim: BiginSimulator, play: t.Any) -> None:
    add_photos(sim, [C1, C2, C3, C4, C5])
    sim.expire_token(ACCESS_TOKEN)
    result = play([
        photo_task("first", C1),
        photo_task("second task reuses the cached token", C2),
        photo_task("three at once, no cache", [C3, C4, C5], token_cache=False, concurrency=3),
    ], auth="both")

    assert result.succeeded, result.output
    assert [task["_status"] for task in result.tasks] == ["ok", "ok", "ok"]
    assert all(task["changed"] for task in result.tasks)
    assert sim.photo_count("Contacts") == 0

    log = [(e["kind"], e["method"], e["path"].rsplit("/", 2)[-2] if e["kind"] == "api" else "", e["status"])
           for e in sim.requests]
    # Task 1: rejected, one refresh, the same request once more, then the delete.
    assert log[:4] == [("api", "GET", C1, 401), ("token", "POST", "", 200),
                       ("api", "GET", C1, 200), ("api", "DELETE", C1, 200)]
    # Task 2: the given token is tried first, then the cached refreshed one (no new refresh).
    assert log[4:7] == [("api", "GET", C2, 401), ("api", "GET", C2, 200), ("api", "DELETE", C2, 200)]
    # Task 3: without the cache, one refresh for the whole task even with three records at once.
    rest = log[7:]
    assert [entry for entry in rest if entry[0] == "token"] == [("token", "POST", "", 200)]
    assert sorted(entry[2] for entry in rest if entry[1] == "DELETE") == [C3, C4, C5]
    assert len(sim.token_requests()) == 2
    assert all(e["code"] == "INVALID_TOKEN" for e in sim.api_requests() if e["status"] == 401)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_token_expiring_mid_run_refreshes_once(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                               concurrency: int) -> None:
    ids = [str(3000000038200 + n) for n in range(3 if concurrency == 1 else 12)]
    add_photos(sim, ids)
    # The given access token dies after two API requests (sequentially: the first record's GET and DELETE).
    sim.expire_token_after(2, token=ACCESS_TOKEN)

    r = play([photo_task("delete", ids, concurrency=concurrency, max_retries=1)], auth="both")

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert all(rec["changed"] for rec in task["records"]) and len(task["records"]) == len(ids)
    assert sim.photo_count() == 0
    # One refresh, however many threads met the dead token at once.
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    statuses = [status for _method, _path, status in request_log(sim)]
    rejected = statuses.count(401)
    assert all(e["code"] == "INVALID_TOKEN" for e in sim.api_requests() if e["status"] == 401)
    assert len(statuses) == 2 * len(ids) + rejected
    if concurrency == 1:
        assert statuses == [200, 200, 401, 200, 200, 200, 200]
    else:
        assert 1 <= rejected <= concurrency
    assert_no_secrets(r.output)


REJECTED_IDS = ["3000000038301", "3000000038302", "3000000038303"]
ANSWERS = ["INVALID_TOKEN", "AUTHENTICATION_FAILURE", "INVALID_OAUTHTOKEN", "UNKNOWN_CODE", "NOT_JSON"]


def expire_with_answer(sim: BiginSimulator, answer: str) -> None:
    """Three contacts with a photo; the given access token is expired, and rejected with ``answer``."""
    add_photos(sim, REJECTED_IDS)
    sim.rejected_token_answer = answer
    sim.expire_token(ACCESS_TOKEN)


@pytest.mark.parametrize("answer", ANSWERS)
def test_any_rejection_is_refreshed_once(sim: BiginSimulator, play: t.Any, answer: str) -> None:
    expire_with_answer(sim, answer)
    result = play([photo_task("delete", REJECTED_IDS, concurrency=1)], auth="both")

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert sim.photo_count() == 0
    log = [(e["kind"], e["method"], e["status"]) for e in sim.requests]
    assert log[:3] == [("api", "GET", 401), ("token", "POST", 200), ("api", "GET", 200)]
    assert len(sim.token_requests()) == 1
    assert [e["status"] for e in sim.api_requests()].count(401) == 1


@pytest.mark.parametrize("answer", ["AUTHENTICATION_FAILURE", "NOT_JSON"])
def test_rejection_without_refresh_credentials_stops_the_task(sim: BiginSimulator, play: t.Any,
                                                              answer: str) -> None:
    expire_with_answer(sim, answer)
    result = play([photo_task("delete", REJECTED_IDS, concurrency=1)], auth="token")

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    codes = [r["error"]["code"] for r in task["records"]]
    assert codes[1:] == ["NOT_ATTEMPTED", "NOT_ATTEMPTED"]
    assert codes[0] == (None if answer == "NOT_JSON" else answer)
    assert len(sim.api_requests()) == 1 and sim.token_requests() == []


def test_a_token_still_rejected_after_refresh_is_not_refreshed_again(sim: BiginSimulator, play: t.Any) -> None:
    expire_with_answer(sim, "INVALID_OAUTHTOKEN")
    sim.access_token_lifetime = 0  # every minted token is born expired
    result = play([photo_task("delete", REJECTED_IDS, concurrency=1)], auth="both")

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    assert [r["error"]["code"] for r in task["records"]] == ["INVALID_OAUTHTOKEN", "NOT_ATTEMPTED", "NOT_ATTEMPTED"]
    # One refresh, one retry, then the task stops: no loop.
    assert [(e["kind"], e["status"]) for e in sim.requests] == [("api", 401), ("token", 200), ("api", 401)]


@pytest.mark.parametrize("auth", ["token", "both"])
def test_a_scope_mismatch_is_not_refreshed_and_stops_the_task_at_once(sim: BiginSimulator, play: t.Any, auth: str) -> None:
    """A missing scope fails every record alike: no refresh (even with refresh credentials), no other record tried."""
    add_photos(sim, [C1, C2, C3, C4, C5])
    sim.inject_error("OAUTH_SCOPE_MISMATCH", method="GET")
    result = play([photo_task("delete", [C1, C2, C3, C4, C5], concurrency=1)], auth=auth)

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    assert [r["error"]["code"] for r in task["records"]] == ["OAUTH_SCOPE_MISMATCH"] + ["NOT_ATTEMPTED"] * 4
    assert "OAUTH_SCOPE_MISMATCH" in task["records"][1]["error"]["message"]
    assert sim.token_requests() == [] and len(sim.api_requests()) == 1


# -- a refresh that fails ---------------------------------------------------------------------------


def test_refresh_failures_say_which_and_ask_once(sim: BiginSimulator, play: t.Any) -> None:
    revoked = "1000.REVOKED-refresh.token"
    sim.add_client(CLIENT_ID, CLIENT_SECRET, revoked)
    sim.revoke_refresh_token(revoked)
    sim.token_mint_limit = 0  # valid credentials, but no token may be minted now
    add_photos(sim, [C1, C2, C3])
    ids = [C1, C2, C3]
    result = play([
        photo_task("invalid client", ids, client_id="1000.NOSUCHCLIENT"),
        photo_task("invalid client secret", ids, client_secret="not-the-secret"),
        photo_task("revoked refresh token", ids, refresh_token=revoked),
        photo_task("token limit", ids),
    ], auth="refresh")

    by_name = {task["_task"]: task for task in result.tasks}
    expected = {
        "invalid client": ("invalid_client", "client_id is not known"),
        "invalid client secret": ("invalid_client_secret", "client_secret does not match"),
        "revoked refresh token": ("invalid_code", "revoked"),
        "token limit": ("Access Denied", "token-generation limit"),
    }
    messages = []
    for name, (error, hint) in expected.items():
        task = by_name[name]
        assert task["_status"] == "failed" and task["changed"] is False
        assert "Token refresh failed" in task["msg"], task["msg"]
        assert error in task["msg"] and hint in task["msg"], task["msg"]
        assert task["error"]["code"] == "TOKEN_REFRESH_FAILED"
        assert len(task["records"]) == 3 and all("error" in r for r in task["records"])
        messages.append(task["msg"])
        assert_no_secrets(task["msg"])
    assert len(set(messages)) == 4

    # One token request per task (not one per record), and no API request without a token.
    tokens = sim.token_requests()
    assert [(e["form"]["client_id"], e["code"]) for e in tokens] == [
        ("1000.NOSUCHCLIENT", "invalid_client"), (CLIENT_ID, "invalid_client_secret"),
        (CLIENT_ID, "invalid_code"), (CLIENT_ID, "Access Denied")]
    assert sim.api_requests() == []
    assert sim.photo_count("Contacts") == 3


def test_invalid_refresh_token_fails_once(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    ids = [str(3000000039000 + i) for i in range(6)]
    add_photos(sim, ids)
    sim.revoke_refresh_token(REFRESH_TOKEN)

    r = play([photo_task("delete", ids, concurrency=3, max_retries=2)], verbosity=3, **secrets_from_env(sim, "refresh"))

    task = r.task(0)
    assert task["_status"] == "failed" and task["changed"] is False
    assert "Token refresh failed: invalid_code" in task["msg"]
    assert "refresh_token is invalid, expired or revoked" in task["msg"]
    assert task["error"]["code"] == "TOKEN_REFRESH_FAILED"
    assert all("error" in rec for rec in task["records"])
    # No retry storm: one token request for the whole multi-record task, and no API request at all.
    assert len(sim.token_requests()) == 1
    assert sim.api_requests() == []
    assert sim.photo_count() == len(ids)
    assert_no_secrets(r.output)


# -- Zoho's token limits (10 new per 10 minutes, 15 active), many forks and no token cache ----------
# Every task must end (no refresh loop), and fail only where the limits force it.

FORK_HOSTS = {"host%02d" % n: str(3000000038700 + n) for n in range(1, 21)}


def delete_on_twenty_forks(sim: BiginSimulator, tmp_path: t.Any) -> tuple[t.Any, dict[str, dict[str, t.Any]]]:
    add_photos(sim, FORK_HOSTS.values())
    task = photo_task("delete", "{{ rid }}", token_cache=False, max_retries=1)
    result = run_on_hosts(tmp_path, sim, FORK_HOSTS, [task], forks=20)
    by_record = {task["records"][0]["record_id"]: task for task in result.tasks}
    assert sorted(by_record) == sorted(FORK_HOSTS.values()), result.output  # every task ended and reported
    return result, by_record


def check_outcomes_match_simulator(sim: BiginSimulator, by_record: dict[str, dict[str, t.Any]]) -> list[str]:
    """Every ok task deleted its photo and nothing else did; returns the records that failed."""
    failed = []
    for record_id, task in by_record.items():
        if task["_status"] == "ok":
            assert task["changed"] is True and sim.photo("Contacts", record_id) is None
        else:
            assert task["changed"] is False and sim.photo("Contacts", record_id) == PNG_RED
            failed.append(record_id)
    deletes = collections.Counter(e["path"] for e in sim.api_requests("DELETE") if e["status"] == 200)
    assert sorted(deletes) == sorted(photo_path(r) for r in by_record if r not in failed)
    return failed


# Zoho's token limits, met by many forks: the token cache's own logic (default leg only, see the Makefile).
@pytest.mark.default_core_only
def test_ten_new_tokens_per_ten_minutes(sim: BiginSimulator, tmp_path: t.Any) -> None:
    sim.latency_ms = 50
    _result, by_record = delete_on_twenty_forks(sim, tmp_path)

    failed = check_outcomes_match_simulator(sim, by_record)
    tokens = sim.token_requests()
    # One token request per fork, never repeated after the limit's refusal.
    assert len(tokens) == 20
    assert sorted(e["status"] for e in tokens) == [200] * 10 + [400] * 10
    # Exactly the forks the limit refused failed, each saying why.
    assert len(failed) == 10
    for record_id in failed:
        assert "token-generation limit" in by_record[record_id]["msg"]
    assert len(sim.api_requests()) == 20  # GET + DELETE for the ten forks with a token, nothing for the rest


@pytest.mark.default_core_only
def test_fifteen_active_tokens(sim: BiginSimulator, tmp_path: t.Any) -> None:
    sim.token_mint_limit = 100  # only the 15-active limit applies
    sim.latency_ms = 100
    _result, by_record = delete_on_twenty_forks(sim, tmp_path)

    failed = check_outcomes_match_simulator(sim, by_record)
    tokens = sim.token_requests()
    assert all(e["status"] == 200 for e in tokens)
    # A rejection leads to one refresh, or (for a refreshed token) to the record's failure: bounded, no
    # loop; at most one refresh per request (GET, DELETE) of each fork.
    assert 20 <= len(tokens) <= 60
    assert len(tokens) - 20 == sum(1 for e in sim.api_requests() if e["status"] == 401) - len(failed)
    assert sim.tokens_displaced == max(len(tokens) - 15, 0)
    # A fork fails only when its refreshed token too was displaced by another fork's refresh.
    assert len(failed) <= sim.tokens_displaced - (len(tokens) - 20)
    for record_id in failed:
        assert by_record[record_id]["records"][0]["error"]["code"] == "INVALID_TOKEN"


# -- the API domain the token endpoint names ----------------------------------------------------------

REFRESH_ENV = credentials_env("refresh")


def test_api_domain_from_the_token_answer(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2, photo=PNG_RED)
    # data_center stays the default (us): without the token answer's api_domain this would go to zohoapis.com.
    result = play([photo_task("delete", C1)], auth="none", env=REFRESH_ENV, defaults={"accounts_url": sim.url},
                  verbosity=3)

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert sim.photo("Contacts", C1) is None
    assert [e["method"] for e in sim.api_requests()] == ["GET", "DELETE"]
    assert len(sim.token_requests()) == 1
    assert any(sim.url in w and "https://www.zohoapis.com" in w for w in warnings_of(task)), warnings_of(task)
    assert_no_secrets(result.output)

    # The cached token keeps its domain: the next run sends no token request and reaches the simulator again.
    directory = cache_dir(tmp_path)
    files = [n for n in os.listdir(directory) if n.endswith(".json")]
    with open(os.path.join(directory, files[0]), encoding="utf-8") as handle:
        assert json.load(handle)["api_domain"] == sim.url
    again = play([photo_task("delete", C2)], auth="none", env=REFRESH_ENV, defaults={"accounts_url": sim.url})
    assert again.task()["_status"] == "ok" and sim.photo("Contacts", C2) is None, again.output
    assert len(sim.token_requests()) == 1


def test_explicit_api_domain_wins(sim: BiginSimulator, play: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.token_api_domain = "http://127.0.0.1:9"  # nothing listens there
    result = play([photo_task("delete", C1)], auth="none", env=REFRESH_ENV,
                  defaults={"accounts_url": sim.url, "api_domain": sim.url})

    task = result.task()
    assert task["_status"] == "ok" and task["changed"] is True, result.output
    assert sim.photo("Contacts", C1) is None
    assert not [w for w in warnings_of(task) if "API domain" in w]


# -- credentials from BIGIN_* variables, and from an AWX credential ----------------------------------


def test_credentials_and_urls_from_bigin_variables(sim: BiginSimulator, play: t.Any) -> None:
    add_photos(sim, [C1, C2])
    token_env = {"BIGIN_ACCESS_TOKEN": ACCESS_TOKEN, "BIGIN_API_DOMAIN": sim.url, "BIGIN_API_VERSION": "v1"}
    result = play([photo_task("delete", C1)], auth="none", env=token_env)
    assert result.succeeded, result.output
    assert result.task()["changed"] is True
    assert [(e["method"], e["path"]) for e in sim.api_requests()] == [
        ("GET", photo_path(C1, version="v1")), ("DELETE", photo_path(C1, version="v1"))]
    assert sim.token_requests() == []

    sim.clear_log()
    refresh_env = dict(credentials_env("refresh"), BIGIN_ACCOUNTS_URL=sim.url, BIGIN_API_DOMAIN=sim.url)
    result = play([photo_task("delete", C2)], auth="none", env=refresh_env)
    assert result.succeeded, result.output
    assert result.task()["changed"] is True
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", C2) is None
    assert_no_secrets(result.output + json.dumps(result.tasks))


BIN_DIR = os.path.dirname(sys.executable)


def private_data_dir(root: str, sim: BiginSimulator, cache_home: str) -> str:
    """Lay out an ansible-runner private data dir for one photo deletion against ``sim``."""
    for sub in ("project", "inventory", "env"):
        os.makedirs(os.path.join(root, sub))
    playbook = [{
        "name": "AWX-style photo clean-up",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            {"name": "delete the photo", "register": "deleted",
             "zoho.bigin.bigin_photo": {"module": "Contacts", "record_id": RECORD, "state": "absent"}},
            # The result goes through the runner's facts cache too (artifacts/<ident>/fact_cache).
            {"name": "keep the result as a cacheable fact",
             "ansible.builtin.set_fact": {"photo_result": "{{ deleted }}", "cacheable": True}},
        ],
    }]
    with open(os.path.join(root, "project", "site.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(playbook, handle, sort_keys=False)
    with open(os.path.join(root, "inventory", "hosts"), "w", encoding="utf-8") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    envvars = {
        # What the custom credential's injector sets.
        "BIGIN_CLIENT_ID": CLIENT_ID,
        "BIGIN_CLIENT_SECRET": CLIENT_SECRET,
        "BIGIN_REFRESH_TOKEN": REFRESH_TOKEN,
        "BIGIN_API_DOMAIN": sim.url,
        "BIGIN_ACCOUNTS_URL": sim.url,
        # This venv's ansible and this checkout's collection; caches inside the test's tmp dir.
        "PATH": BIN_DIR + os.pathsep + os.environ.get("PATH", ""),
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_LOCAL_TEMP": os.path.join(cache_home, "ansible-tmp"),
        "XDG_CACHE_HOME": cache_home,
    }
    with open(os.path.join(root, "env", "envvars"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(envvars, handle)
    return root


def minted_tokens(cache_home: str) -> list[str]:
    """Access tokens in the module's token cache (the 0600 files): secrets too."""
    tokens = []
    for path in glob.glob(os.path.join(cache_home, "zoho.bigin", "*.json")):
        with open(path, encoding="utf-8") as handle:
            tokens.append(json.load(handle)["access_token"])
    return tokens


def test_an_awx_style_run_leaves_no_secret_in_the_runner_artifacts(sim: BiginSimulator, tmp_path: t.Any, monkeypatch: t.Any) -> None:
    for name in [k for k in os.environ if k.startswith(("BIGIN_", "ANSIBLE_"))]:
        monkeypatch.delenv(name)  # only env/envvars may configure the run
    sim.add_record("Contacts", RECORD, photo=PNG_RED)
    cache_home = str(tmp_path / "cache")
    root = private_data_dir(str(tmp_path / "runner"), sim, cache_home)

    result = ansible_runner.run(private_data_dir=root, playbook="site.yml", ident="job1", quiet=True)

    stdout = result.stdout.read()
    assert result.status == "successful" and result.rc == 0, stdout
    # The photo is gone, with one GET and one DELETE and exactly one token refresh.
    assert sim.photo("Contacts", RECORD) is None
    assert [(e["method"], e["status"]) for e in sim.api_requests()] == [("GET", 200), ("DELETE", 200)]
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    # The runner saw the task change, through its job events.
    ok_events = [e for e in result.events if e.get("event") == "runner_on_ok"
                 and e["event_data"].get("task") == "delete the photo"]
    assert len(ok_events) == 1 and ok_events[0]["event_data"]["res"]["changed"] is True

    # No secret anywhere under artifacts/: the three given ones and the access token minted
    # by the refresh (read from the token cache, which lives outside the private data dir).
    secrets = list(SECRETS) + minted_tokens(cache_home)
    assert len(secrets) == len(SECRETS) + 1
    artifacts = os.path.join(root, "artifacts")
    files = [os.path.join(d, f) for d, dummy, names in os.walk(artifacts) for f in names]
    assert any(os.sep + "job_events" + os.sep in f for f in files), files
    assert os.path.join(artifacts, "job1", "stdout") in files
    command_file = os.path.join(artifacts, "job1", "command")
    for path in files:
        with open(path, "rb") as handle:
            content = handle.read()
        if path == command_file:
            # ansible-runner's own record of how it started the job, written before the playbook
            # runs: its "env" is env/envvars verbatim (so it holds the injected credentials, as
            # it does under AWX), in a 0600 file. Everything else in it must be secret-free.
            assert os.stat(path).st_mode & 0o777 == 0o600
            record = json.loads(content)
            assert record["env"]["BIGIN_CLIENT_SECRET"] == CLIENT_SECRET
            del record["env"]
            content = json.dumps(record).encode()
        for secret in secrets:
            assert secret.encode() not in content, "a secret is in %s" % os.path.relpath(path, root)
    # The fact cache really holds the module's result (so the check above looked at it).
    fact_files = [f for f in files if os.sep + "fact_cache" + os.sep in f]
    assert len(fact_files) == 1 and fact_files[0].endswith("localhost"), fact_files
    with open(fact_files[0], encoding="utf-8") as handle:
        facts = handle.read()  # the layout differs between ansible-core versions; the content does not
    assert "photo_result" in facts and RECORD in facts and "sha256" in facts, facts


# -- no secret in the output ------------------------------------------------------------------------


def test_no_secret_in_verbose_output(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    add_photos(sim, [C2, C3])
    sim.expire_token(ACCESS_TOKEN)  # every task goes through a token refresh (or the cached refresh)
    sim.set_permission(delete_images=False)
    sim.token_mint_limit = 1
    src = tmp_path / "blue.png"
    src.write_bytes(PNG_BLUE)
    # Module arguments (so no_log masking is what protects them), templated from variables as a real
    # playbook would (vault, vars files): ansible-core itself quotes playbook source lines around a
    # failed task, so secrets written literally into the playbook would be shown by ansible-core.
    secret_env = {"ZB_T_ACCESS": ACCESS_TOKEN, "ZB_T_ID": CLIENT_ID, "ZB_T_SECRET": CLIENT_SECRET,
                  "ZB_T_REFRESH": REFRESH_TOKEN}
    creds = {"access_token": "{{ lookup('env', 'ZB_T_ACCESS') }}", "client_id": "{{ lookup('env', 'ZB_T_ID') }}",
             "client_secret": "{{ lookup('env', 'ZB_T_SECRET') }}",
             "refresh_token": "{{ lookup('env', 'ZB_T_REFRESH') }}"}

    def with_creds(task: dict[str, t.Any]) -> dict[str, t.Any]:
        task[PHOTO].update(creds)
        return task

    result = play([
        with_creds({"name": "success", PHOTO: {"module": "Contacts", "record_id": C1, "src": str(src)}}),
        with_creds(photo_task("api error", C2)),
        with_creds(photo_task("refresh fails", C3, token_cache=False)),
    ], auth="none", defaults={"api_domain": sim.url, "accounts_url": sim.url}, env=secret_env, verbosity=3)

    success, api_error, refresh_fails = result.tasks
    assert success["_status"] == "ok" and success["changed"] is True
    assert api_error["_status"] == "failed" and api_error["error"]["code"] == "NO_PERMISSION"
    assert refresh_fails["_status"] == "failed" and "token-generation limit" in refresh_fails["msg"]
    assert sim.photo("Contacts", C1) == PNG_BLUE
    assert len(sim.token_requests()) == 2

    assert "ESTABLISH LOCAL CONNECTION" in result.output  # really -vvv
    # -vvv turns the request trace on, in failed results too; it is checked for secrets with the rest.
    assert all(task["api_trace"] for task in result.tasks) and '"api_trace"' in result.output
    assert [(e["path"], e["status"]) for e in refresh_fails["api_trace"]] == [
        (photo_path(C3), 401), ("/oauth/v2/token", 400)]
    # The secrets reached the module only as module arguments (no BIGIN_* variable is set), as the
    # successful upload proves; ansible-core 2.21 no longer echoes module_args, masked or not.
    assert "NO_PERMISSION (HTTP 403)" in result.output and "Token refresh failed" in result.output
    assert_no_secrets(result.output)
    assert_no_secrets(json.dumps(result.tasks))
    # Nor the access token the refresh minted.
    directory = cache_dir(tmp_path)
    [name] = [n for n in os.listdir(directory) if n.endswith(".json")]
    with open(os.path.join(directory, name), encoding="utf-8") as handle:
        minted = json.load(handle)["access_token"]
    assert minted not in result.output and minted not in json.dumps(result.tasks)
