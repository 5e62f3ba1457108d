# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 3: the fault-injection suite.

Each test runs the real ansible-playbook against the in-process simulator with
one fault injected, and checks three things: what the module reported, what
the simulator now holds (which photos exist), and the request log (how many
requests, in which order, with which answers).  Every failing case also runs
at ``-vvv`` and its whole output is searched for the secrets it was given.
"""

from __future__ import annotations

import json
import os
import re
import stat
import subprocess
import sys
import time
import typing as t

import pytest
import yaml

from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenCache
from tests.conftest import collections_path
from tests.integration.conftest import (
    ACCESS_TOKEN,
    ANSIBLE_PLAYBOOK,
    CALLBACK_DIR,
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    PlayResult,
    assert_no_secrets,
    connection,
)
from tests.simulator.bigin_simulator import GIF_MIN, JPEG_MIN, PNG_BLUE, PNG_GREEN, PNG_RED, BiginSimulator

PHOTO_PATH = "/bigin/v2/Contacts/%s/photo"
R1, R2, R3, R4, R5, R6 = ("3000000038001", "3000000038002", "3000000038003", "3000000038004", "3000000038005",
                          "3000000038006")


def photo_task(name: str, record_id: t.Any, state: str = "absent", **options: t.Any) -> dict[str, t.Any]:
    args: dict[str, t.Any] = {"module": "Contacts", "record_id": record_id, "state": state}
    args.update(options)
    return {"name": name, "zoho.bigin.bigin_photo": args, "ignore_errors": True}


def secrets_from_env(sim: BiginSimulator, auth: str = "both") -> dict[str, t.Any]:
    """``play`` keywords that hand the credentials over in BIGIN_* variables, as a scheduled run would.

    At -vvv ansible-core prints the playbook lines around a failed task ("Origin:"),
    so a secret written literally into the playbook would show up there whatever
    the module does; these runs keep the playbook free of secrets, so that any
    secret found in the output came from the module.
    """
    env: dict[str, str] = {}
    if auth in ("token", "both"):
        env["BIGIN_ACCESS_TOKEN"] = ACCESS_TOKEN
    if auth in ("refresh", "both"):
        env.update(BIGIN_CLIENT_ID=CLIENT_ID, BIGIN_CLIENT_SECRET=CLIENT_SECRET, BIGIN_REFRESH_TOKEN=REFRESH_TOKEN)
    return {"auth": "none", "env": env, "defaults": {"api_domain": sim.url, "accounts_url": sim.url}}


def log(sim: BiginSimulator, kind: str = "api") -> list[tuple[str, str, int | None]]:
    """The request log as (method, path, status); status None for a dropped connection."""
    return [(e["method"], e["path"], e["status"]) for e in sim.requests if e["kind"] == kind]


def warnings_of(task: dict[str, t.Any]) -> list[str]:
    return [str(w) for w in task.get("warnings") or []]


# -- rate limits and server errors --------------------------------------------------


def test_429_then_success(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.inject_status(429, method="GET", retry_after=0)

    r = play([photo_task("delete", R1, max_retries=2)])

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert task["records"][0]["changed"] is True
    assert sim.photo("Contacts", R1) is None
    assert log(sim) == [("GET", PHOTO_PATH % R1, 429), ("GET", PHOTO_PATH % R1, 200),
                        ("DELETE", PHOTO_PATH % R1, 200)]
    assert any("retrying after 429 TOO_MANY_REQUESTS, attempt 2 of 3" in w for w in warnings_of(task)), \
        warnings_of(task)
    assert "retrying after 429 TOO_MANY_REQUESTS" in r.output
    assert_no_secrets(r.output)


def test_429_retry_after_is_honoured(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.inject_status(429, method="DELETE", retry_after=1)

    r = play([photo_task("delete", R1, max_retries=2)])

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert sim.photo("Contacts", R1) is None
    assert log(sim) == [("GET", PHOTO_PATH % R1, 200), ("DELETE", PHOTO_PATH % R1, 429),
                        ("DELETE", PHOTO_PATH % R1, 200)]
    first, second = sim.api_requests("DELETE")
    # The server saw the retry no sooner than the one second it asked for.
    assert second["started"] - first["finished"] >= 1.0
    assert any("attempt 2 of 3, in 1.0s" in w for w in warnings_of(task)), warnings_of(task)


def test_5xx_n_times_then_success(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    for status in (500, 502, 503, 504):
        sim.inject_status(status, method="GET", retry_after=0)

    r = play([photo_task("delete", R1, max_retries=4)])

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert sim.photo("Contacts", R1) is None
    assert log(sim) == [("GET", PHOTO_PATH % R1, s) for s in (500, 502, 503, 504, 200)] + [
        ("DELETE", PHOTO_PATH % R1, 200)]
    warned = warnings_of(task)
    assert len(warned) == 4
    for attempt, reason in enumerate(("500 INTERNAL_ERROR", "502", "503", "504"), start=2):
        assert "retrying after %s" % reason in warned[attempt - 2]
        assert "attempt %d of 5" % attempt in warned[attempt - 2]


def test_retries_exhausted_fail_with_the_last_code(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.add_record("Contacts", R2, photo=PNG_BLUE)
    sim.inject_status(500, count=3, path_contains=R1)
    sim.inject_status(429, count=3, path_contains=R2, retry_after=0)

    r = play([photo_task("server errors", R1, max_retries=2),
              photo_task("rate limited", R2, max_retries=2)], verbosity=3, **secrets_from_env(sim))

    server, limited = r.task(0), r.task(1)
    assert server["_status"] == "failed" and server["changed"] is False
    assert server["error"]["code"] == "INTERNAL_ERROR" and server["error"]["http_status"] == 500
    assert "INTERNAL_ERROR (HTTP 500)" in server["msg"]
    assert limited["_status"] == "failed" and limited["changed"] is False
    assert limited["error"]["code"] == "TOO_MANY_REQUESTS" and limited["error"]["http_status"] == 429
    assert "TOO_MANY_REQUESTS (HTTP 429)" in limited["msg"]
    # Nothing was deleted: the photo could not even be read.
    assert sim.photo("Contacts", R1) == PNG_RED and sim.photo("Contacts", R2) == PNG_BLUE
    assert log(sim) == [("GET", PHOTO_PATH % R1, 500)] * 3 + [("GET", PHOTO_PATH % R2, 429)] * 3
    assert len(warnings_of(server)) == 2 and len(warnings_of(limited)) == 2
    assert_no_secrets(r.output)


# -- lost connections ---------------------------------------------------------------


def test_connection_drop_before_delete_is_retried(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.inject_drop(method="DELETE", when="before")

    r = play([photo_task("delete", R1, max_retries=2)])

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert task["records"][0]["after"] == {"present": False}
    assert sim.photo("Contacts", R1) is None
    assert log(sim) == [("GET", PHOTO_PATH % R1, 200), ("DELETE", PHOTO_PATH % R1, None),
                        ("DELETE", PHOTO_PATH % R1, 200)]
    assert any("retrying after connection closed without an answer, attempt 2 of 3" in w
               for w in warnings_of(task)), warnings_of(task)


def test_connection_drop_after_delete_counts_as_deleted(sim: BiginSimulator,
                                                        play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.inject_drop(method="DELETE", when="after")

    r = play([photo_task("delete", R1, max_retries=2)])

    task = r.task(0)
    # The first DELETE was applied, its answer lost; the retry finds no photo: that is our deletion.
    assert task["_status"] == "ok" and task["changed"] is True
    assert task["records"][0]["changed"] is True and "error" not in task["records"][0]
    assert sim.photo("Contacts", R1) is None
    assert log(sim) == [("GET", PHOTO_PATH % R1, 200), ("DELETE", PHOTO_PATH % R1, None),
                        ("DELETE", PHOTO_PATH % R1, 400)]
    assert sim.api_requests("DELETE")[1]["code"] == "INVALID_DATA"


def test_truncated_image_get_is_retried(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                        tmp_path: t.Any) -> None:
    sim.add_record("Contacts", R1, photo=JPEG_MIN)
    sim.inject_truncated_image(1)
    backups = tmp_path / "backups"

    r = play([photo_task("back up then delete", R1, backup_dir=str(backups), max_retries=2)])

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    backup = task["records"][0]["backup_file"]
    # The backup is the whole photo, not the half the first answer carried.
    with open(backup, "rb") as handle:
        assert handle.read() == JPEG_MIN
    assert sim.photo("Contacts", R1) is None
    assert log(sim) == [("GET", PHOTO_PATH % R1, 200), ("GET", PHOTO_PATH % R1, 200),
                        ("DELETE", PHOTO_PATH % R1, 200)]
    assert sim.api_requests("GET")[0].get("truncate") is True
    assert any("connection broken while reading the answer" in w for w in warnings_of(task)), warnings_of(task)


def test_upload_is_retried_only_when_not_applied(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                                 tmp_path: t.Any) -> None:
    """429 and 503 are retried; a dropped connection or a 500 after the upload was sent is not."""
    image = tmp_path / "green.png"
    image.write_bytes(PNG_GREEN)
    for record_id in (R1, R2, R3, R4, R5):
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    sim.inject_drop(method="POST", when="after", path_contains=R1)
    sim.inject_drop(method="POST", when="before", path_contains=R2)
    sim.inject_status(500, method="POST", path_contains=R3)
    sim.inject_status(429, method="POST", path_contains=R4, retry_after=0)
    sim.inject_status(503, method="POST", path_contains=R5, retry_after=0)

    sim.add_record("Contacts", R6)
    sim.inject_status(500, method="POST", path_contains=R6)

    r = play([photo_task("upload", [R1, R2, R3, R4, R5], state="present", src=str(image),
                         concurrency=1, max_retries=3),
              photo_task("upload that fails", R6, state="present", src=str(image), max_retries=3)],
             verbosity=3, **secrets_from_env(sim))

    task = r.task(0)
    assert task["_status"] == "failed" and task["changed"] is True
    assert task["msg"].startswith("3 of 5 records failed")
    by_id = {rec["record_id"]: rec for rec in task["records"]}
    assert by_id[R1]["error"]["code"] == "CONNECTION_ERROR"
    assert by_id[R2]["error"]["code"] == "CONNECTION_ERROR"
    assert by_id[R3]["error"]["code"] == "INTERNAL_ERROR"
    assert "error" not in by_id[R4] and "error" not in by_id[R5]
    # Never a false changed: uploads the server did not apply are not reported as changes.
    assert by_id[R2]["changed"] is False and by_id[R3]["changed"] is False
    assert by_id[R4]["changed"] is True and by_id[R5]["changed"] is True
    alone = r.task(1)
    assert alone["_status"] == "failed" and alone["changed"] is False
    assert alone["error"]["code"] == "INTERNAL_ERROR" and sim.photo("Contacts", R6) is None
    # The server's state is what it applied: the dropped-after upload landed, the others as answered.
    assert sim.photo("Contacts", R1) == PNG_GREEN
    assert sim.photo("Contacts", R2) == PNG_RED
    assert sim.photo("Contacts", R3) == PNG_RED
    assert sim.photo("Contacts", R4) == PNG_GREEN
    assert sim.photo("Contacts", R5) == PNG_GREEN
    posts = [(path, status) for method, path, status in log(sim) if method == "POST"]
    assert posts == [(PHOTO_PATH % R1, None), (PHOTO_PATH % R2, None), (PHOTO_PATH % R3, 500),
                     (PHOTO_PATH % R4, 429), (PHOTO_PATH % R4, 200),
                     (PHOTO_PATH % R5, 503), (PHOTO_PATH % R5, 200), (PHOTO_PATH % R6, 500)]
    assert len(sim.api_requests("GET")) == 6 and not sim.api_requests("DELETE")
    warned = warnings_of(task)
    assert len(warned) == 2
    assert "Contacts/%s: retrying after 429 TOO_MANY_REQUESTS, attempt 2 of 4" % R4 in warned[0]
    assert "Contacts/%s: retrying after 503" % R5 in warned[1]
    assert_no_secrets(r.output)


def test_non_json_error_body(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.inject_status(403, method="DELETE", body="<html><body>Request blocked by proxy</body></html>")

    r = play([photo_task("delete", R1, max_retries=2)], verbosity=3, **secrets_from_env(sim))

    task = r.task(0)
    assert task["_status"] == "failed" and task["changed"] is False
    assert "MODULE FAILURE" not in r.output and "Traceback" not in r.output
    assert "HTTP 403" in task["msg"] and "not JSON" in task["msg"]
    assert "Request blocked by proxy" in task["msg"]
    assert task["error"]["http_status"] == 403
    assert sim.photo("Contacts", R1) == PNG_RED
    # A 403 is final: no retry.
    assert log(sim) == [("GET", PHOTO_PATH % R1, 200), ("DELETE", PHOTO_PATH % R1, 403)]
    assert_no_secrets(r.output)


# -- tokens -------------------------------------------------------------------------


@pytest.mark.parametrize("concurrency", [1, 4])
def test_token_expiring_mid_run_refreshes_once(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                               concurrency: int) -> None:
    ids = [str(3000000038200 + n) for n in range(3 if concurrency == 1 else 12)]
    for record_id in ids:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    # The given access token dies after two API requests (sequentially: the first record's GET and DELETE).
    sim.expire_token_after(2, token=ACCESS_TOKEN)

    r = play([photo_task("delete", ids, concurrency=concurrency, max_retries=1)], auth="both")

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert all(rec["changed"] for rec in task["records"]) and len(task["records"]) == len(ids)
    assert sim.photo_count() == 0
    # One refresh, however many threads met the dead token at once.
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    statuses = [status for _method, _path, status in log(sim)]
    rejected = statuses.count(401)
    assert all(e["code"] == "INVALID_TOKEN" for e in sim.api_requests() if e["status"] == 401)
    assert len(statuses) == 2 * len(ids) + rejected
    if concurrency == 1:
        assert statuses == [200, 200, 401, 200, 200, 200, 200]
    else:
        assert 1 <= rejected <= concurrency
    assert_no_secrets(r.output)


def test_invalid_refresh_token_fails_once(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    ids = [str(3000000039000 + i) for i in range(6)]
    for record_id in ids:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
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


CACHED_TOKEN = "1000.cached-token.0f3e"


@pytest.mark.parametrize("flaw", ["corrupt", "group_readable", "world_readable", "foreign_owned", "symlink"])
def test_untrusted_token_cache_is_ignored_and_replaced(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                                       tmp_path: t.Any, flaw: str) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    # The cached token works at the API: a module that trusted the file would not refresh.
    sim.add_token(CACHED_TOKEN)
    cache = _cache_for(tmp_path, sim)
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

    r = play([photo_task("delete", R1, max_retries=1)], auth="refresh")

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert sim.photo("Contacts", R1) is None
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
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.add_token(CACHED_TOKEN)
    cache = _cache_for(tmp_path, sim)
    with open(cache.path, "w", encoding="utf-8") as handle:
        json.dump({"access_token": CACHED_TOKEN, "expires_at": time.time() + 3600}, handle)
    os.chmod(cache.path, 0o600)

    r = play([photo_task("delete", R1, max_retries=1)], auth="refresh")

    assert r.task(0)["_status"] == "ok" and r.task(0)["changed"] is True
    assert sim.photo("Contacts", R1) is None
    assert sim.token_requests() == [] and sim.tokens_issued == 0


def _cache_for(tmp_path: t.Any, sim: BiginSimulator) -> TokenCache:
    """The cache file the module will use (the play fixture sets XDG_CACHE_HOME to tmp_path/cache)."""
    directory = tmp_path / "cache" / "zoho.bigin"
    directory.mkdir(parents=True, mode=0o700)
    return TokenCache(str(directory), sim.url, CLIENT_ID, REFRESH_TOKEN)


def test_concurrent_forks_refresh_once(sim: BiginSimulator, tmp_path: t.Any) -> None:
    """Five hosts, five forks, refresh credentials only: one token request, a sound cache file."""
    hosts = {"localhost%d" % n: str(3000000038100 + n) for n in range(1, 6)}
    for record_id in hosts.values():
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    # Slow answers keep the forks' token requests overlapping, as in a real run.
    sim.latency_ms = 300

    r = _run_on_hosts(tmp_path, sim, hosts, [photo_task("delete", "{{ rid }}", max_retries=1)], forks=5)

    assert r.rc == 0, r.output
    assert sorted(task["_status"] for task in r.tasks) == ["ok"] * 5
    assert all(task["changed"] for task in r.tasks)
    assert sim.photo_count() == 0
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    assert len(sim.api_requests("DELETE")) == 5
    directory = tmp_path / "cache" / "zoho.bigin"
    names = sorted(os.listdir(directory))
    assert [n for n in names if n.endswith(".json")] == [os.path.basename(_cache_for_dir(directory, sim).path)]
    assert not [n for n in names if n.startswith(".tmp")]
    for name in names:
        assert_no_secrets(name)
        assert CLIENT_ID not in name
    with open(_cache_for_dir(directory, sim).path, encoding="utf-8") as handle:
        assert sim.token_valid(json.load(handle)["access_token"])
    assert_no_secrets(r.output)


def _cache_for_dir(directory: t.Any, sim: BiginSimulator) -> TokenCache:
    return TokenCache(str(directory), sim.url, CLIENT_ID, REFRESH_TOKEN)


def _run_on_hosts(tmp_path: t.Any, sim: BiginSimulator, hosts: dict[str, str], tasks: list[dict[str, t.Any]],
                  forks: int) -> PlayResult:
    """ansible-playbook on several local hosts (each with its own ``rid``), refresh credentials only."""
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {
        name: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "rid": rid}
        for name, rid in hosts.items()}}}))
    playbook = tmp_path / "forks.yml"
    playbook.write_text(yaml.safe_dump([{
        "name": "forks", "hosts": "all", "gather_facts": False,
        "module_defaults": {"group/zoho.bigin.all": connection(sim, "refresh")},
        "tasks": tasks,
    }], sort_keys=False))
    results = tmp_path / "forks-results.jsonl"
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BIGIN_", "ANSIBLE_"))}
    environment.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_DIR,
        "ANSIBLE_CALLBACKS_ENABLED": "record_results",
        "RECORD_RESULTS_FILE": str(results),
        "ANSIBLE_NOCOLOR": "1",
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    })
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), "-f", str(forks), str(playbook)],
                          env=environment, capture_output=True, text=True, timeout=300, check=False)
    return PlayResult(proc, str(results))


# -- load ---------------------------------------------------------------------------


def test_200_records_at_concurrency_8_against_a_limit_of_5(sim: BiginSimulator,
                                                           play: t.Callable[..., PlayResult]) -> None:
    ids = [str(3000000040000 + i) for i in range(200)]
    for record_id in ids:
        sim.add_record("Contacts", record_id, photo=PNG_RED)
    sim.max_concurrent = 5
    sim.latency_ms = 20

    r = play([photo_task("delete 200", ids, concurrency=8)])

    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True, task.get("msg")
    assert len(task["records"]) == 200 and all(rec["changed"] for rec in task["records"])
    assert sim.photo_count() == 0
    # Real contention: more than 5 requests were in flight, the excess got 429 and was retried.
    assert sim.max_in_flight > 5
    entries = sim.api_requests()
    limited = [e for e in entries if e["status"] == 429]
    assert limited
    assert len([e for e in entries if e["method"] == "DELETE" and e["status"] == 200]) == 200
    assert len([e for e in entries if e["method"] == "GET" and e["status"] == 200]) == 200
    assert len(entries) == 400 + len(limited)
    warned = warnings_of(task)
    assert len(warned) == len(limited)
    assert all(re.search(r": retrying after 429 TOO_MANY_REQUESTS, attempt [2-6] of 6, in ", w) for w in warned), warned
    # Each 429 said X-RATELIMIT-RESET = now + 1 s (no Retry-After); the retry waited for it.
    for hit in limited:
        later = [e for e in entries if e["path"] == hit["path"] and e["method"] == hit["method"]
                 and e["started"] > hit["started"]]
        assert later and later[0]["started"] - hit["finished"] >= 0.9


# -- bad input ------------------------------------------------------------------------


@pytest.fixture
def immutable_dir(tmp_path: t.Any) -> t.Iterator[str]:
    """A directory nobody can write to, root included (root ignores modes, not the immutable flag)."""
    path = tmp_path / "read-only"
    path.mkdir()
    path.chmod(0o500)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i", str(path)], check=True)
    yield str(path)
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    path.chmod(0o700)


def test_bad_input_is_rejected_before_any_request(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                                  tmp_path: t.Any, immutable_dir: str) -> None:
    sim.add_record("Contacts", R1, photo=PNG_RED)
    sim.add_record("Contacts", R2)
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    text = tmp_path / "notes.png"
    text.write_bytes(b"just some text, named like an image\n")
    huge = tmp_path / "huge.png"
    with open(huge, "wb") as handle:
        handle.write(PNG_RED)
        handle.truncate(10 * 1024 * 1024 + 1)
    if os.geteuid() == 0:
        # Root reads any file whatever its mode; this one fails on read() for everybody.
        unreadable = "/proc/self/mem"
    else:
        unreadable = str(tmp_path / "secret.png")
        with open(unreadable, "wb") as handle:
            handle.write(PNG_RED)
        os.chmod(unreadable, 0)
    a_file = tmp_path / "a-file"
    a_file.write_bytes(GIF_MIN)

    cases: list[tuple[dict[str, t.Any], str]] = [
        (photo_task("src missing", R2, "present", src=str(tmp_path / "nope.png")),
         "src: %s does not exist or is not a file" % (tmp_path / "nope.png")),
        # A directory is a restore source (issue 11): a selected record without a file there fails alone.
        (photo_task("src a directory without the record's file", R2, "present", src=str(tmp_path)),
         "Contacts/%s: no photo file for Contacts/%s in src: looked for %s" % (R2, R2, tmp_path)),
        (photo_task("src unreadable", R2, "present", src=unreadable), "src: %s cannot be read" % unreadable),
        (photo_task("src empty", R2, "present", src=str(empty)), "src: %s is empty" % empty),
        (photo_task("src not an image", R2, "present", src=str(text)),
         "src: %s is not a PNG, JPEG, GIF or BMP image" % text),
        (photo_task("src over 10 MB", R2, "present", src=str(huge)),
         "src: %s is larger than 10 MB (10485761 bytes)" % huge),
        (photo_task("backup_dir a file", R1, backup_dir=str(a_file)),
         "backup_dir: %s exists and is not a directory" % a_file),
        (photo_task("backup_dir not creatable", R1, backup_dir=str(a_file / "sub")),
         "backup_dir: %s cannot be created" % (a_file / "sub")),
        (photo_task("backup_dir not writable", R1, backup_dir=immutable_dir),
         "backup_dir: %s is not writable" % immutable_dir),
        (photo_task("concurrency 0", R1, concurrency=0), "concurrency: 0 is out of range; use 1 to 20"),
        (photo_task("concurrency 21", R1, concurrency=21), "concurrency: 21 is out of range; use 1 to 20"),
        ({"name": "info concurrency 21", "ignore_errors": True,
          "zoho.bigin.bigin_photo_info": {"module": "Contacts", "record_id": R1, "concurrency": 21}},
         "concurrency: 21 is out of range; use 1 to 20"),
    ]

    r = play([task for task, _msg in cases], verbosity=3, **secrets_from_env(sim))

    assert [task["_task"] for task in r.tasks] == [task["name"] for task, _msg in cases]
    for task, (_spec, expected) in zip(r.tasks, cases):
        assert task["_status"] == "failed", task["_task"]
        assert task["msg"].startswith(expected), (task["_task"], task["msg"])
        assert "Traceback" not in task.get("module_stderr", "")
    # Nothing left the module: not an API request, not even a token request.
    assert sim.requests == []
    assert sim.photo("Contacts", R1) == PNG_RED and sim.photo("Contacts", R2) is None
    assert os.listdir(immutable_dir) == [] and not os.path.exists(a_file / "sub")
    assert_no_secrets(r.output)
