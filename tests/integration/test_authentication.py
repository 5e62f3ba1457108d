# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Credentials through the real ansible-playbook: token refresh and its cache, refresh failures,
environment fallbacks, and no secret in the output at -vvv."""

from __future__ import annotations

import json
import os
import stat
import typing as t

from tests.integration.conftest import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    assert_no_secrets,
)
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator

PHOTO = "zoho.bigin.bigin_photo"
INFO = "zoho.bigin.bigin_photo_info"
C1, C2, C3, C4, C5 = ("3000000038001", "3000000038002", "3000000038003", "3000000038004", "3000000038005")


def delete(record_id: t.Any, name: str = "delete", **extra: t.Any) -> dict[str, t.Any]:
    args = {"module": "Contacts", "record_id": record_id, "state": "absent"}
    args.update(extra)
    return {"name": name, PHOTO: args, "ignore_errors": True}


def cache_dir(tmp_path: t.Any) -> str:
    # The play fixture sets XDG_CACHE_HOME to tmp_path/cache.
    return os.path.join(str(tmp_path), "cache", "zoho.bigin")


def seed(sim: BiginSimulator, *ids: str) -> None:
    for record_id in ids:
        sim.add_record("Contacts", record_id, photo=PNG_RED)


def test_refreshed_token_is_cached_across_tasks_and_runs(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    seed(sim, C1, C2, C3, C4)
    tasks = [
        {"name": "info", INFO: {"module": "Contacts", "record_id": [C1, C2]}},
        delete([C1, C2], "delete two"),
        delete(C3, "delete one"),
    ]
    first = play(tasks, auth="refresh")
    assert first.rc == 0, first.output
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
    assert stat.S_IMODE(os.stat(directory).st_mode) == 0o700
    names = os.listdir(directory)
    data_files = [n for n in names if n.endswith(".json")]
    assert len(data_files) == 1
    for name in names:
        full = os.path.join(directory, name)
        assert stat.S_IMODE(os.stat(full).st_mode) == 0o600, name
        with open(full, "rb") as handle:
            content = handle.read()
        for secret in (REFRESH_TOKEN, CLIENT_SECRET):
            assert secret.encode() not in content and secret not in name
    with open(os.path.join(directory, data_files[0]), encoding="utf-8") as handle:
        cached = json.load(handle)
    assert sim.token_valid(cached["access_token"])

    # A second ansible-playbook run, same cache: no new token while the cached one is valid.
    second = play([delete(C4, "next run")], auth="refresh")
    assert second.rc == 0, second.output
    assert second.task()["changed"] is True
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", C4) is None


def test_expired_access_token_is_refreshed_once_and_retried_once(sim: BiginSimulator, play: t.Any) -> None:
    seed(sim, C1, C2, C3, C4, C5)
    sim.expire_token(ACCESS_TOKEN)
    result = play([
        delete(C1, "first"),
        delete(C2, "second task reuses the cached token"),
        delete([C3, C4, C5], "three at once, no cache", token_cache=False, concurrency=3),
    ], auth="both")

    assert result.rc == 0, result.output
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


def test_refresh_failures_say_which_and_ask_once(sim: BiginSimulator, play: t.Any) -> None:
    revoked = "1000.REVOKED-refresh.token"
    sim.add_client(CLIENT_ID, CLIENT_SECRET, revoked)
    sim.revoke_refresh_token(revoked)
    sim.token_mint_limit = 0  # valid credentials, but no token may be minted now
    seed(sim, C1, C2, C3)
    ids = [C1, C2, C3]
    result = play([
        delete(ids, "invalid client", client_id="1000.NOSUCHCLIENT"),
        delete(ids, "invalid client secret", client_secret="not-the-secret"),
        delete(ids, "revoked refresh token", refresh_token=revoked),
        delete(ids, "token limit"),
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


def test_token_cache_false_writes_no_cache(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    seed(sim, C1, C2)
    result = play([delete(C1, "one"), delete(C2, "two")], auth="refresh", defaults={"token_cache": False})

    assert result.rc == 0, result.output
    assert [task["changed"] for task in result.tasks] == [True, True]
    assert len(sim.token_requests()) == 2  # nothing shared between the tasks
    directory = cache_dir(tmp_path)
    assert not os.path.exists(directory) or os.listdir(directory) == []


def test_environment_fallbacks(sim: BiginSimulator, play: t.Any) -> None:
    seed(sim, C1, C2)
    token_env = {"BIGIN_ACCESS_TOKEN": ACCESS_TOKEN, "BIGIN_API_DOMAIN": sim.url, "BIGIN_API_VERSION": "v1"}
    result = play([delete(C1)], auth="none", env=token_env)
    assert result.rc == 0, result.output
    assert result.task()["changed"] is True
    assert [(e["method"], e["path"]) for e in sim.api_requests()] == [
        ("GET", "/bigin/v1/Contacts/%s/photo" % C1), ("DELETE", "/bigin/v1/Contacts/%s/photo" % C1)]
    assert sim.token_requests() == []

    sim.clear_log()
    refresh_env = {"BIGIN_CLIENT_ID": CLIENT_ID, "BIGIN_CLIENT_SECRET": CLIENT_SECRET,
                   "BIGIN_REFRESH_TOKEN": REFRESH_TOKEN, "BIGIN_ACCOUNTS_URL": sim.url, "BIGIN_API_DOMAIN": sim.url}
    result = play([delete(C2)], auth="none", env=refresh_env)
    assert result.rc == 0, result.output
    assert result.task()["changed"] is True
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", C2) is None
    assert_no_secrets(result.output + json.dumps(result.tasks))


def test_no_secret_in_verbose_output(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    seed(sim, C2, C3)
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
        with_creds(delete(C2, "api error")),
        with_creds(delete(C3, "refresh fails", token_cache=False)),
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
        ("/bigin/v2/Contacts/%s/photo" % C3, 401), ("/oauth/v2/token", 400)]
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
