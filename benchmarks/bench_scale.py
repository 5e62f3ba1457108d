# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark rows for any size (issue 17): 100,000 records, the listing and the work overlapping, growth per record.

    python benchmarks/bench_scale.py --records 100000 --photo-pct 5

(also run by bench_photo.py, ``--scale-records``). Rows, each through the real ``ansible-playbook``:

Start-up here is a task's: a play with one ``ansible.builtin.ping`` task (median of 5), what Ansible spends on
any module task before the module does anything (an empty play's start-up is reported too, and each row's
ratio to it as ``ratio_play_startup``).

* ``rerun N``: ``bigin_photo state=absent all_records`` over N Contacts whose photos (``--photo-pct``) a
  first run deleted, 0 ms latency: the listing only. Compared with start-up plus the same listing sent and
  parsed outside Ansible with the collection's own client (``listing only``); module peak RSS; the size of
  the task result (the ``minimal`` callback's JSON) with the default ``report``. Run at 1,000, 10,000, 30,000
  and N records for the time per record; each rerun and its baseline are the median of ``RERUNS`` (5) runs.
* ``pipelined``: ``--pipe-records`` records, 5% photos, 50 ms latency, concurrency 4, ``all_records``
  absent, against ``max(pages x latency, deletes x latency / concurrency) + start-up``.
* ``ids``: ``--ids-records`` records by ``record_id`` (a GET each, a DELETE per photo), 50 ms, against
  ``requests x latency / concurrency + start-up``.

Timings are reported as ratios of the same run, never asserted.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
import typing as t

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from benchmarks._common import ACCESS_TOKEN, Rows, Runner, cli_parser, playbook, session, write_results  # noqa: E402
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator  # noqa: E402

MODULE = "Contacts"
BASE = 3000001000000
LATENCY_MS = 50.0
CONCURRENCY = 4
# Each rerun row, its listing-only baseline and a task's start-up are timed this many times; the medians are
# compared (with 3, the 100,000-record ratio moved by 0.08 from one bench run to the next on this machine).
RERUNS = 5


def seed(sim: BiginSimulator, count: int, pct: float) -> list[str]:
    """``count`` Contacts (fresh), every (100 / pct)-th with a photo."""
    every = max(int(round(100 / pct)), 1) if pct > 0 else 0
    extra = count
    while sim.has_record(MODULE, str(BASE + extra)):  # left by a larger row before
        sim.remove_record(MODULE, str(BASE + extra))
        extra += 1
    ids = []
    for i in range(count):
        record_id = str(BASE + i)
        photo = PNG_RED if every and i % every == 0 else None
        if sim.has_record(MODULE, record_id):
            sim.set_photo(MODULE, record_id, photo)
        else:
            sim.add_record(MODULE, record_id, photo=photo, fields={"Last_Name": "L%d" % i})
        ids.append(record_id)
    return ids


def listing_outside_ansible(sim: BiginSimulator, token: str) -> tuple[float, int]:
    """(seconds, records) to send and parse the whole listing with the collection's own client, no Ansible."""
    from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenProvider
    from ansible_collections.zoho.bigin.plugins.module_utils._client import BiginClient, Transport, new_session
    from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordsService
    from ansible_collections.zoho.bigin.plugins.module_utils._sources import PHOTO_LISTING_FIELDS

    transport = Transport(new_session(1, True), 30.0, 0, lambda _msg: None)
    tokens = TokenProvider(token, None, None, None, sim.url, transport.send_token_request, None, lambda _msg: None)
    client = BiginClient(transport, sim.url, "v2", tokens)
    start = time.perf_counter()
    refs = RecordsService(client, MODULE).list_all(PHOTO_LISTING_FIELDS)  # the listing bigin_photo sends
    return time.perf_counter() - start, len(refs)


def absent_all(sim: BiginSimulator, creds: dict[str, str], **extra: t.Any) -> list[dict[str, t.Any]]:
    return playbook(sim, creds, {"zoho.bigin.bigin_photo": dict(
        {"module": MODULE, "state": "absent", "all_records": True, "concurrency": CONCURRENCY}, **extra)})


def result_size(output: str) -> int | None:
    """Bytes of the task result the ``minimal`` callback printed (``host | STATUS => {...}``)."""
    start = output.find("=> {")
    if start < 0:
        return None
    end = output.rfind("}")
    return len(output[start + 3:end + 1].encode("utf-8"))


def task_startup(runner: Runner) -> float:
    """A task's start-up: the median of RERUNS plays of one ansible.builtin.ping task (no request, nothing to import)."""
    ping = [{"name": "s", "hosts": "localhost", "gather_facts": False, "tasks": [{"ansible.builtin.ping": {}}]}]
    return statistics.median([runner.run("task-startup", ping, "none")[0] for _i in range(RERUNS)])


def rerun_row(runner: Runner, sim: BiginSimulator, creds: dict[str, str], records: int, pct: float,
              startup: float, token: str, play_startup: float) -> dict[str, t.Any]:
    seed(sim, records, pct)
    print("  first run over %d records (deletes the photos) ..." % records, flush=True)
    _wall, rc, _rss, _out = runner.run("scale-first-%d" % records, absent_all(sim, creds), "scale")
    runner.env["ANSIBLE_STDOUT_CALLBACK"] = "minimal"
    walls, module_s, rc2, rss, output, requests = [], [], 0, [], "", 0
    try:
        # The median of RERUNS runs (each has nothing to do, so each sends the same listing): one run's
        # time moves by a tenth on this machine, more than the differences the rows are read for.
        for _run in range(RERUNS):
            sim.clear_log()
            wall, rc_run, rss_run, output = runner.run("scale-rerun-%d" % records, absent_all(sim, creds), "scale")
            walls.append(wall)
            module_s.append(sum(seconds for seconds, _kb in rss_run))
            rc2, rss, requests = rc2 or rc_run, rss + rss_run, len(sim.api_requests())
    finally:
        del runner.env["ANSIBLE_STDOUT_CALLBACK"]
    wall = statistics.median(walls)
    timed = [listing_outside_ansible(sim, token) for _run in range(RERUNS)]
    baseline, listed = statistics.median(seconds for seconds, _count in timed), timed[0][1]
    return {"key": "rerun-%d" % records, "records": records, "rc": rc or rc2, "wall_s": round(wall, 3),
            "module_s": round(statistics.median(module_s), 3) if module_s else None,
            "listing_requests": requests, "listing_only_s": round(baseline, 3), "listed": listed,
            "ratio": round(wall / (startup + baseline), 3),
            "ratio_play_startup": round(wall / (play_startup + baseline), 3),
            "per_record_us": round((wall - startup) * 1e6 / records, 1),
            "peak_rss_mb": round(max(kb for _s, kb in rss) / 1024.0, 1) if rss else None,
            "result_bytes": result_size(output)}


def latency_rows(runner: Runner, sim: BiginSimulator, creds: dict[str, str], pipe_records: int, ids_records: int,
                 startup: float, play_startup: float) -> Rows:
    latency = LATENCY_MS / 1000.0
    sim.latency_ms = LATENCY_MS
    rows: Rows = []
    try:
        ids = seed(sim, pipe_records, 5.0)
        photos = sum(1 for i in ids if sim.photo(MODULE, i) is not None)
        sim.clear_log()
        print("  pipelined all_records over %d records (%d photos), %g ms ..." % (pipe_records, photos, LATENCY_MS),
              flush=True)
        wall, rc, _rss, _out = runner.run("scale-pipe", absent_all(sim, creds), "scale")
        pages = sum(1 for e in sim.api_requests() if e["method"] == "GET")
        deletes = sum(1 for e in sim.api_requests() if e["method"] == "DELETE")
        network = max(pages * latency, deletes * latency / CONCURRENCY)
        limit = network + startup
        rows.append({"key": "pipelined", "records": pipe_records, "rc": rc, "wall_s": round(wall, 3), "pages": pages,
                     "deletes": deletes, "limit_s": round(limit, 3), "ratio": round(wall / limit, 3),
                     "ratio_play_startup": round(wall / (network + play_startup), 3),
                     "sequential_limit_s": round(pages * latency + deletes * latency / CONCURRENCY + startup, 3)})
        ids = seed(sim, ids_records, 5.0)[:ids_records]
        sim.clear_log()
        print("  list by ids over %d records, %g ms ..." % (ids_records, LATENCY_MS), flush=True)
        plays = playbook(sim, creds, {"zoho.bigin.bigin_photo": {
            "module": MODULE, "state": "absent", "record_id": ids, "concurrency": CONCURRENCY, "report": "none"}})
        wall, rc, _rss, _out = runner.run("scale-ids", plays, "scale")
        requests = len(sim.api_requests())
        network = requests * latency / CONCURRENCY
        limit = network + startup
        rows.append({"key": "ids", "records": ids_records, "rc": rc, "wall_s": round(wall, 3), "requests": requests,
                     "limit_s": round(limit, 3), "ratio": round(wall / limit, 3),
                     "ratio_play_startup": round(wall / (network + play_startup), 3)})
    finally:
        sim.latency_ms = 0
    return rows


def measure_all(records: int, pct: float, pipe_records: int, ids_records: int, startup: float | None = None,
                verbose: bool = False) -> tuple[float, float, Rows, Rows]:
    """Start a simulator and measure the rows; returns (an empty play's start-up s, a task's, rows, targets)."""
    with session(0, 1000, startup, verbose, "bigin-bench-scale-") as (sim, runner, creds, play_startup, _wd):
        startup = task_startup(runner)
        sizes = sorted({size for size in (1000, 10000, 30000, records) if size <= records})
        # One module run before the timed rows: the first pays for what later runs find ready (the token
        # cache, the file system's caches of the collection), which would weigh on the smallest row alone.
        seed(sim, sizes[0], pct)
        runner.run("scale-warm-up", absent_all(sim, creds), "scale")
        rows = [rerun_row(runner, sim, creds, size, pct, startup, ACCESS_TOKEN, play_startup) for size in sizes]
        rows += latency_rows(runner, sim, creds, pipe_records, ids_records, startup, play_startup)
    by_key = {row["key"]: row for row in rows}
    big = by_key["rerun-%d" % records]
    reruns = [row for row in rows if row["key"].startswith("rerun-")]
    # The cost of each record beyond the smaller row's, in the module process's time (the controller's share
    # does not grow with the records, and moves by a tenth of a second from run to run): the task's fixed cost
    # (Python, imports, the token) cancels out, so a flat column means the time per record does not grow.
    for smaller, larger in zip(reruns, reruns[1:]):
        larger["marginal_us_per_record"] = round((larger["module_s"] - smaller["module_s"]) * 1e6
                                                 / (larger["records"] - smaller["records"]), 1)
    # Judged from the 10,000-record row up: from 1,000 to 10,000 the task adds about 0.1 s, as much as one run's
    # time moves on this machine, so that first step is shown, not judged.
    marginal = [row["marginal_us_per_record"] for row in reruns if row["records"] > 10000] or [1.0]
    goals = [
        {"target": "rerun %d / (a task's start-up + listing only)" % records, "value": big["ratio"], "goal": "<= 1.3",
         "met": big["ratio"] <= 1.3},
        {"target": "rerun %d module peak RSS MB" % records, "value": big["peak_rss_mb"], "goal": "<= 250",
         "met": big["peak_rss_mb"] is not None and big["peak_rss_mb"] <= 250},
        {"target": "rerun %d task result bytes" % records, "value": big["result_bytes"], "goal": "<= 65536",
         "met": big["result_bytes"] is not None and big["result_bytes"] <= 65536},
        {"target": "pipelined all_records / max(pages, deletes/c) limit", "value": by_key["pipelined"]["ratio"],
         "goal": "<= 1.25", "met": by_key["pipelined"]["ratio"] <= 1.25},
        {"target": "list by ids %d / limit" % ids_records, "value": by_key["ids"]["ratio"], "goal": "<= 1.2",
         "met": by_key["ids"]["ratio"] <= 1.2},
        {"target": "marginal time per record, largest / smallest step above 10,000 records", "value": round(max(marginal) / min(marginal), 2),
         "goal": "<= 2 (flat)", "met": max(marginal) <= 2 * min(marginal)},
    ]
    return play_startup, startup, rows, goals


def main(argv: list[str] | None = None) -> int:
    parser = cli_parser(__doc__)
    parser.set_defaults(records=100000)
    parser.add_argument("--pipe-records", type=int, default=10000)
    parser.add_argument("--ids-records", type=int, default=2000)
    args = parser.parse_args(argv)
    play_startup, startup, rows, goals = measure_all(args.records, args.photo_pct, args.pipe_records, args.ids_records)
    print("\nstart-up: a task %.2f s, an empty play %.2f s; load average %s"
          % (startup, play_startup, " ".join("%.2f" % v for v in os.getloadavg())))
    for row in rows:
        print("  %s" % row)
    write_results("scale", args, argv, goals, {"startup_s": round(startup, 3),
                                               "play_startup_s": round(play_startup, 3), "rows": rows,
                                               "load_average": os.getloadavg()})
    return 0 if all(row.get("rc", 0) == 0 for row in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
