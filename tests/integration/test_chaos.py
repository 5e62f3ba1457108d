# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Issue 9.8: a seeded chaos run converges, and the simulator's state and log prove it did no harm.

300 Contacts, half with (distinct) photos; ``state: absent`` with ``backup_dir``; the simulator
injects at random 429s (with and without Retry-After), 500/502/503, connections dropped before
and after the request is applied, truncated photo bodies and token expiry.  The same task runs
until it reports ``changed: false`` without failure (at most 4 runs).
"""

from __future__ import annotations

import collections
import hashlib
import os
import typing as t

from tests.integration.conftest import SECRETS
from tests.integration.test_faults import secrets_from_env
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

SEED = 20261129
PROBABILITIES = {"429": 0.02, "429_retry_after": 0.02, "500": 0.02, "502": 0.015, "503": 0.015,
                 "drop_before": 0.015, "drop_after": 0.02, "truncate": 0.03, "expire_token": 0.01}
MAX_FAULTS = 60
# Each expiry costs a token refresh, and Zoho mints only 10 per refresh token in 10 minutes.
MAX_PER_KIND = {"expire_token": 3}
IDS = ["3000000050%03d" % n for n in range(300)]


def test_seeded_chaos_run_converges(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    why = "chaos seed %d" % SEED
    photos = {}
    for index, record_id in enumerate(IDS):
        # Distinct photos: a PNG followed by bytes of its own (still a PNG by its magic bytes).
        photo = PNG_RED + ("record %s" % record_id).encode() if index % 2 == 0 else None
        sim.add_record("Contacts", record_id, photo=photo)
        if photo is not None:
            photos[record_id] = photo
    sim.enable_chaos(SEED, PROBABILITIES, MAX_FAULTS, MAX_PER_KIND)
    backups = tmp_path / "backups"
    task = {"name": "chaos", "zoho.bigin.bigin_photo": {
        "module": "Contacts", "record_id": IDS, "state": "absent", "backup_dir": str(backups),
        "concurrency": 8, "max_retries": 6}, "ignore_errors": True}

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
            digest = hashlib.sha256(handle.read()).hexdigest()
        assert digest == hashlib.sha256(photos[record_id]).hexdigest(), why
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
