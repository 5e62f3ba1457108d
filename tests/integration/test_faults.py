# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults through the real ansible-playbook: what is retried, what is not, and that nothing false is reported.

Each test injects faults into the simulator and checks three things: what the module
reported, what the simulator now holds (which photos exist), and the request log (how many
requests, in which order, with which answers). Rate limits and server errors are retried (and
give up with the last code); lost connections and cut bodies are retried where that is safe;
200 records against a concurrency limit; a record the user may not touch does not stop the
others, while a denial for everyone stops early; and a seeded chaos run converges and does no
harm. Failing runs go at -vvv with the credentials in BIGIN_* variables, and their whole output
is searched for secrets.
"""

from __future__ import annotations

import collections
import os
import re
import typing as t

import pytest

from tests.conftest import SECRETS, assert_no_secrets, sha
from tests.integration.conftest import (
    C1,
    C2,
    C3,
    C4,
    C5,
    C6,
    PlayResult,
    add_photos,
    photo_path,
    photo_task,
    request_log,
    secrets_from_env,
    warnings_of,
)
from tests.simulator.bigin_simulator import JPEG_MIN, PNG_BLUE, PNG_GREEN, PNG_RED, BiginSimulator

# The collection's own logic, whatever the ansible-core version: run on the default leg only (Makefile).
pytestmark = pytest.mark.default_core_only


def deleted_despite_the_faults(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                               **options: t.Any) -> tuple[PlayResult, dict[str, t.Any]]:
    """Delete C1's photo with the faults the test injected: the task must succeed and the photo be gone."""
    r = play([photo_task("delete", C1, **options)])
    task = r.task(0)
    assert task["_status"] == "ok" and task["changed"] is True
    assert sim.photo("Contacts", C1) is None
    return r, task


# -- rate limits and server errors: retried ------------------------------------------------------


def test_a_429_is_retried_and_then_succeeds(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.inject_status(429, method="GET", retry_after=0)

    r, task = deleted_despite_the_faults(sim, play, max_retries=2)

    assert task["records"][0]["changed"] is True
    assert request_log(sim) == [("GET", photo_path(C1), 429), ("GET", photo_path(C1), 200), ("DELETE", photo_path(C1), 200)]
    assert any("retrying after 429 TOO_MANY_REQUESTS, attempt 2 of 3" in w for w in warnings_of(task)), \
        warnings_of(task)
    assert "retrying after 429 TOO_MANY_REQUESTS" in r.output
    assert_no_secrets(r.output)


def test_the_retry_after_of_a_429_is_honoured(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.inject_status(429, method="DELETE", retry_after=1)

    _r, task = deleted_despite_the_faults(sim, play, max_retries=2)

    assert request_log(sim) == [("GET", photo_path(C1), 200), ("DELETE", photo_path(C1), 429),
                                ("DELETE", photo_path(C1), 200)]
    first, second = sim.api_requests("DELETE")
    # The server saw the retry no sooner than the one second it asked for.
    assert second["started"] - first["finished"] >= 1.0
    assert any("attempt 2 of 3, in 1.0s" in w for w in warnings_of(task)), warnings_of(task)


def test_server_errors_are_retried_until_one_succeeds(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    for status in (500, 502, 503, 504):
        sim.inject_status(status, method="GET", retry_after=0)

    _r, task = deleted_despite_the_faults(sim, play, max_retries=4)

    assert request_log(sim) == [("GET", photo_path(C1), s) for s in (500, 502, 503, 504, 200)] + [
        ("DELETE", photo_path(C1), 200)]
    warned = warnings_of(task)
    assert len(warned) == 4
    for attempt, reason in enumerate(("500 INTERNAL_ERROR", "502", "503", "504"), start=2):
        assert "retrying after %s" % reason in warned[attempt - 2]
        assert "attempt %d of 5" % attempt in warned[attempt - 2]


def test_retries_exhausted_fail_with_the_last_code(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.add_record("Contacts", C2, photo=PNG_BLUE)
    sim.inject_status(500, count=3, path_contains=C1)
    sim.inject_status(429, count=3, path_contains=C2, retry_after=0)

    r = play([photo_task("server errors", C1, max_retries=2),
              photo_task("rate limited", C2, max_retries=2)], verbosity=3, **secrets_from_env(sim))

    server, limited = r.task(0), r.task(1)
    assert server["_status"] == "failed" and server["changed"] is False
    assert server["error"]["code"] == "INTERNAL_ERROR" and server["error"]["http_status"] == 500
    assert "INTERNAL_ERROR (HTTP 500)" in server["msg"]
    assert limited["_status"] == "failed" and limited["changed"] is False
    assert limited["error"]["code"] == "TOO_MANY_REQUESTS" and limited["error"]["http_status"] == 429
    assert "TOO_MANY_REQUESTS (HTTP 429)" in limited["msg"]
    # Nothing was deleted: the photo could not even be read.
    assert sim.photo("Contacts", C1) == PNG_RED and sim.photo("Contacts", C2) == PNG_BLUE
    assert request_log(sim) == [("GET", photo_path(C1), 500)] * 3 + [("GET", photo_path(C2), 429)] * 3
    assert len(warnings_of(server)) == 2 and len(warnings_of(limited)) == 2
    assert_no_secrets(r.output)


# -- lost connections and cut bodies -----------------------------------------------------------------


def test_connection_drop_before_delete_is_retried(sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.inject_drop(method="DELETE", when="before")

    _r, task = deleted_despite_the_faults(sim, play, max_retries=2)

    assert task["records"][0]["after"] == {"present": False}
    assert request_log(sim) == [("GET", photo_path(C1), 200), ("DELETE", photo_path(C1), None),
                                ("DELETE", photo_path(C1), 200)]
    assert any("retrying after connection closed without an answer, attempt 2 of 3" in w
               for w in warnings_of(task)), warnings_of(task)


def test_connection_drop_after_delete_counts_as_deleted(sim: BiginSimulator,
                                                        play: t.Callable[..., PlayResult]) -> None:
    sim.add_record("Contacts", C1, photo=PNG_RED)
    sim.inject_drop(method="DELETE", when="after")

    # The first DELETE is applied, its answer lost; the retry finds no photo: that is our deletion.
    _r, task = deleted_despite_the_faults(sim, play, max_retries=2)

    assert task["records"][0]["changed"] is True and "error" not in task["records"][0]
    assert request_log(sim) == [("GET", photo_path(C1), 200), ("DELETE", photo_path(C1), None),
                                ("DELETE", photo_path(C1), 400)]
    assert sim.api_requests("DELETE")[1]["code"] == "INVALID_DATA"


def test_truncated_image_get_is_retried(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                        tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1, photo=JPEG_MIN)
    sim.inject_truncated_image(1)
    backups = tmp_path / "backups"

    _r, task = deleted_despite_the_faults(sim, play, backup_dir=str(backups), max_retries=2)

    backup = task["records"][0]["backup_file"]
    # The backup is the whole photo, not the half the first answer carried.
    with open(backup, "rb") as handle:
        assert handle.read() == JPEG_MIN
    assert request_log(sim) == [("GET", photo_path(C1), 200), ("GET", photo_path(C1), 200),
                                ("DELETE", photo_path(C1), 200)]
    assert sim.api_requests("GET")[0].get("truncate") is True
    assert any("connection broken while reading the answer" in w for w in warnings_of(task)), warnings_of(task)


def test_upload_is_retried_only_when_not_applied(sim: BiginSimulator, play: t.Callable[..., PlayResult],
                                                 tmp_path: t.Any) -> None:
    """429 and 503 are retried; a dropped connection or a 500 after the upload was sent is not."""
    image = tmp_path / "green.png"
    image.write_bytes(PNG_GREEN)
    add_photos(sim, (C1, C2, C3, C4, C5))
    sim.inject_drop(method="POST", when="after", path_contains=C1)
    sim.inject_drop(method="POST", when="before", path_contains=C2)
    sim.inject_status(500, method="POST", path_contains=C3)
    sim.inject_status(429, method="POST", path_contains=C4, retry_after=0)
    sim.inject_status(503, method="POST", path_contains=C5, retry_after=0)

    sim.add_record("Contacts", C6)
    sim.inject_status(500, method="POST", path_contains=C6)

    r = play([photo_task("upload", [C1, C2, C3, C4, C5], state="present", src=str(image),
                         concurrency=1, max_retries=3),
              photo_task("upload that fails", C6, state="present", src=str(image), max_retries=3)],
             verbosity=3, **secrets_from_env(sim))

    task = r.task(0)
    assert task["_status"] == "failed" and task["changed"] is True
    assert task["msg"].startswith("3 of 5 records failed")
    by_id = {rec["record_id"]: rec for rec in task["records"]}
    assert by_id[C1]["error"]["code"] == "CONNECTION_ERROR"
    assert by_id[C2]["error"]["code"] == "CONNECTION_ERROR"
    assert by_id[C3]["error"]["code"] == "INTERNAL_ERROR"
    assert "error" not in by_id[C4] and "error" not in by_id[C5]
    # Never a false changed: uploads the server did not apply are not reported as changes.
    assert by_id[C2]["changed"] is False and by_id[C3]["changed"] is False
    assert by_id[C4]["changed"] is True and by_id[C5]["changed"] is True
    alone = r.task(1)
    assert alone["_status"] == "failed" and alone["changed"] is False
    assert alone["error"]["code"] == "INTERNAL_ERROR" and sim.photo("Contacts", C6) is None
    # The server's state is what it applied: the dropped-after upload landed, the others as answered.
    assert sim.photo("Contacts", C1) == PNG_GREEN
    assert sim.photo("Contacts", C2) == PNG_RED
    assert sim.photo("Contacts", C3) == PNG_RED
    assert sim.photo("Contacts", C4) == PNG_GREEN
    assert sim.photo("Contacts", C5) == PNG_GREEN
    posts = [(path, status) for method, path, status in request_log(sim) if method == "POST"]
    assert posts == [(photo_path(C1), None), (photo_path(C2), None), (photo_path(C3), 500),
                     (photo_path(C4), 429), (photo_path(C4), 200),
                     (photo_path(C5), 503), (photo_path(C5), 200), (photo_path(C6), 500)]
    # A GET per record, and one reading back each of the two uploads that succeeded (C4, C5).
    assert len(sim.api_requests("GET")) == 6 + 2 and not sim.api_requests("DELETE")
    warned = warnings_of(task)
    assert len(warned) == 2
    assert "Contacts/%s: retrying after 429 TOO_MANY_REQUESTS, attempt 2 of 4" % C4 in warned[0]
    assert "Contacts/%s: retrying after 503" % C5 in warned[1]
    assert_no_secrets(r.output)


# -- load ---------------------------------------------------------------------------------------------


def test_200_records_at_concurrency_8_succeed_against_a_limit_of_5(sim: BiginSimulator,
                                                                   play: t.Callable[..., PlayResult]) -> None:
    ids = [str(3000000040000 + i) for i in range(200)]
    add_photos(sim, ids)
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


# -- liveness: a denied record does not stop the others; a denial for everyone stops early ------------
# (An error that is not the record's, a missing scope, stops the task at once: test_authentication.py.)

DENIAL_IDS = ["30000000381%02d" % n for n in range(1, 6)]


@pytest.mark.parametrize("denial", ["AUTHORIZATION_FAILED", "NO_PERMISSION", "RECORD_LOCKED"])
def test_a_denied_record_does_not_stop_the_others(sim: BiginSimulator, play: t.Any, denial: str) -> None:
    add_photos(sim, DENIAL_IDS)
    if denial == "AUTHORIZATION_FAILED":
        sim.deny_record("Contacts", DENIAL_IDS[1])
    elif denial == "RECORD_LOCKED":
        sim.lock_record("Contacts", DENIAL_IDS[1])
    else:
        sim.inject_error("NO_PERMISSION", method="DELETE", path_contains=DENIAL_IDS[1])
    result = play([photo_task("delete", DENIAL_IDS, concurrency=1)])

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is True
    assert [r["record_id"] for r in task["records"]] == DENIAL_IDS
    assert [r["changed"] for r in task["records"]] == [True, False, True, True, True]
    assert task["records"][1]["error"]["code"] == denial
    assert all("error" not in r for i, r in enumerate(task["records"]) if i != 1)
    assert "1 of 5 records failed" in task["msg"] and denial in task["msg"]
    # The simulator agrees: four photos gone, the denied one kept, a DELETE sent for every record.
    assert [sim.photo("Contacts", r) is None for r in DENIAL_IDS] == [True, False, True, True, True]
    deletes = [(e["path"], e["status"]) for e in sim.api_requests("DELETE")]
    assert [p for p, _status in deletes] == [photo_path(r) for r in DENIAL_IDS]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_denied_everywhere_stops_after_ten(sim: BiginSimulator, play: t.Any, concurrency: int) -> None:
    ids = ["3000000039%03d" % n for n in range(200)]
    add_photos(sim, ids)
    for record_id in ids:
        sim.deny_record("Contacts", record_id)
    result = play([photo_task("delete", ids, concurrency=concurrency)])

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is False
    deletes = sim.api_requests("DELETE")
    assert 10 <= len(deletes) <= 10 + concurrency - 1
    assert all(e["code"] == "AUTHORIZATION_FAILED" for e in deletes)
    codes = [r["error"]["code"] for r in task["records"]]
    assert codes.count("AUTHORIZATION_FAILED") == len(deletes)
    assert codes.count("NOT_ATTEMPTED") == 200 - len(deletes)
    skipped = [r for r in task["records"] if r["error"]["code"] == "NOT_ATTEMPTED"]
    assert "10 records in a row failed with AUTHORIZATION_FAILED" in skipped[0]["error"]["message"]
    # The records not attempted sent nothing at all.
    sent = {e["path"] for e in sim.api_requests()}
    assert all(photo_path(r["record_id"]) not in sent for r in skipped)
    assert sim.photo_count("Contacts") == 200
    assert task["msg"].startswith("200 of 200 records failed; first: ") and "AUTHORIZATION_FAILED" in task["msg"]


def test_one_success_keeps_the_task_going(sim: BiginSimulator, play: t.Any) -> None:
    ids = ["3000000039%03d" % n for n in range(30)]
    add_photos(sim, ids)
    for record_id in ids[1:]:
        sim.deny_record("Contacts", record_id)
    result = play([photo_task("delete", ids, concurrency=1)])

    task = result.task()
    assert task["_status"] == "failed" and task["changed"] is True
    # The first record succeeded, so permission is per record: all 30 were tried.
    assert len(sim.api_requests("DELETE")) == 30
    assert [r["error"]["code"] for r in task["records"][1:]] == ["AUTHORIZATION_FAILED"] * 29


# -- a seeded chaos run -----------------------------------------------------------------------------
# 300 Contacts, half with (distinct) photos; state absent with backup_dir; the simulator injects at
# random 429s (with and without Retry-After), 500/502/503, connections dropped before and after the
# request is applied, truncated photo bodies and token expiry. The same task runs until it reports
# changed false without failure (at most 4 runs).

SEED = 20261129
PROBABILITIES = {"429": 0.02, "429_retry_after": 0.02, "500": 0.02, "502": 0.015, "503": 0.015,
                 "drop_before": 0.015, "drop_after": 0.02, "truncate": 0.03, "expire_token": 0.01}
MAX_FAULTS = 60
# Each expiry costs a token refresh, and Zoho mints only 10 per refresh token in 10 minutes.
MAX_PER_KIND = {"expire_token": 3}
CHAOS_IDS = ["3000000050%03d" % n for n in range(300)]


def test_seeded_chaos_run_converges(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    why = "chaos seed %d" % SEED
    photos = {}
    for index, record_id in enumerate(CHAOS_IDS):
        # Distinct photos: a PNG followed by bytes of its own (still a PNG by its magic bytes).
        photo = PNG_RED + ("record %s" % record_id).encode() if index % 2 == 0 else None
        sim.add_record("Contacts", record_id, photo=photo)
        if photo is not None:
            photos[record_id] = photo
    sim.enable_chaos(SEED, PROBABILITIES, MAX_FAULTS, MAX_PER_KIND)
    backups = tmp_path / "backups"
    task = photo_task("chaos", CHAOS_IDS, backup_dir=str(backups), concurrency=8, max_retries=6)

    runs = []
    for dummy in range(4):
        start = len(sim.requests)
        result = play([task], verbosity=3, **secrets_from_env(sim))
        runs.append((result, sim.requests[start:]))
        outcome = result.task()
        if outcome["_status"] == "ok" and outcome["changed"] is False:
            break
    why += ", %d runs, faults %s" % (len(runs), dict(sim.chaos_counts))
    last = runs[-1][0].task()
    assert last["_status"] == "ok" and last["changed"] is False, why + ": " + last.get("msg", "")
    assert sum(sim.chaos_counts.values()) > 0, why
    assert len(set(sim.chaos_counts)) >= 6, why  # most kinds of fault really happened

    # Every photo is gone.
    assert sim.photo_count() == 0, why
    # Every deleted photo has exactly one backup, byte for byte; nothing else was backed up.
    files = sorted(os.listdir(backups))
    by_record = collections.defaultdict(list)
    for name in files:
        by_record[name.split("-")[1]].append(name)
    assert sorted(by_record) == sorted(photos), why
    for record_id, names in by_record.items():
        assert len(names) == 1, "%s: %s backed up %d times" % (why, record_id, len(names))
        with open(backups / names[0], "rb") as handle:
            digest = sha(handle.read())
        assert digest == sha(photos[record_id]), why
    # No run reported a record changed that the simulator did not change during that run.
    for number, (result, log) in enumerate(runs, 1):
        applied = {e["path"].split("/")[4] for e in log
                   if e["kind"] == "api" and e["method"] == "DELETE" and e["code"] == "SUCCESS"}
        records = result.task()["records"]
        reported = {r["record_id"] for r in records if r["changed"]}
        assert reported <= applied, "%s: run %d reported %s" % (why, number, sorted(reported - applied))
        # And a delete applied in a run is reported as a change, or the record as failed.
        failed = {r["record_id"] for r in records if "error" in r}
        assert applied <= reported | failed, "%s: run %d hid %s" % (why, number, sorted(applied - reported))
        # No secret in any run's output at -vvv.
        for secret in SECRETS:
            assert secret not in result.output, "%s: a secret leaked in run %d" % (why, number)
    # No upload, ever.
    assert not [e for e in sim.requests if e["method"] == "POST" and e["kind"] == "api"], why
