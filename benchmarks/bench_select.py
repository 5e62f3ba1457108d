# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark rows for selection (issue 10): all_records vs record_id list mode vs the uri loop.

    python benchmarks/bench_select.py --records 10000 --photo-pct 5 --latency-ms 50

(also run by bench_photo.py, ``--select-records``). Seeds Products records, a
``--photo-pct`` share with a photo, and runs the real ``ansible-playbook``:

* ``all_records``: ``bigin_photo state=absent all_records=true`` (listing + a DELETE per photo);
* ``list by ids``: the same with every id in ``record_id`` (a GET per record + a DELETE per photo);
* ``uri loop``: not run over this many records (hours); estimated from the per-item time of
  bench_photo.py's uri loop row when given (``--uri-per-item``), and labelled an estimate.

Network limit = listing requests x latency (pages are sequential) + other requests x latency /
concurrency. ``module_s`` is how long the module process ran; the rest of ``net_s`` is Ansible
moving the result (one entry per record) back to the controller. Targets: all_records within 1.5x its network limit (net of Ansible's start-up), and
at least 5x faster than list by ids. Timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import os
import re
import shutil
import statistics
import sys
import tempfile
import typing as t

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from benchmarks._common import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, RESULTS_DIR, Runner  # noqa: E402
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator  # noqa: E402

MODULE = "Products"
BASE = 3000000500000
CONCURRENCY = 4
PHOTO_PATH = re.compile(r"^/bigin/v2/%s/[0-9]+/photo$" % MODULE)
LIST_PATH = "/bigin/v2/%s" % MODULE


def seed(sim: BiginSimulator, count: int, pct: float) -> list[str]:
    every = max(int(round(100 / pct)), 1) if pct > 0 else 0
    ids = []
    for i in range(count):
        record_id = str(BASE + i)
        photo = PNG_RED if every and i % every == 0 else None
        if sim.has_record(MODULE, record_id):
            sim.set_photo(MODULE, record_id, photo)
        else:
            sim.add_record(MODULE, record_id, photo=photo, fields={"Product_Name": "P%d" % i})
        ids.append(record_id)
    return ids


def playbook(sim: BiginSimulator, creds: dict[str, str], task: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """One play running ``task`` against ``sim`` with refresh credentials (shared with bench_export.py)."""
    return [{"name": "bench", "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/zoho.bigin.all": dict({"api_domain": sim.url, "accounts_url": sim.url},
                                                              **creds)},
             "tasks": [task]}]


def plays(sim: BiginSimulator, selection: dict[str, t.Any], creds: dict[str, str]) -> list[dict[str, t.Any]]:
    return playbook(sim, creds, {"zoho.bigin.bigin_photo": dict(
        {"module": MODULE, "state": "absent", "concurrency": CONCURRENCY}, **selection)})


def count_requests(sim: BiginSimulator) -> tuple[int, dict[str, int]]:
    """(listing requests, photo requests by method) in the simulator's log since the last clear."""
    api = sim.api_requests()
    listing = sum(1 for e in api if e["path"] == LIST_PATH)
    methods = collections.Counter(e["method"] for e in api if PHOTO_PATH.match(e["path"]))
    return listing, dict(methods)


@contextlib.contextmanager
def session(latency_ms: float, limit: int, startup: float | None, verbose: bool,
            prefix: str) -> t.Iterator[tuple[BiginSimulator, t.Any, dict[str, str], float, str]]:
    """A simulator with the benchmark's credentials and a Runner; yields (sim, runner, creds, start-up s, workdir).

    Start-up is the median of 3 empty plays unless given (bench_photo.py passes its own).
    """
    workdir = tempfile.mkdtemp(prefix=prefix)
    creds = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
    try:
        with BiginSimulator(latency_ms=latency_ms, max_concurrent=limit) as sim:
            sim.add_token(ACCESS_TOKEN, expires_in=24 * 3600)
            sim.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
            runner = Runner(workdir, verbose)
            if startup is None:
                empty = [{"name": "s", "hosts": "localhost", "gather_facts": False, "tasks": []}]
                startup = statistics.median([runner.run("startup", empty, "none")[0] for _i in range(3)])
            yield sim, runner, creds, startup, workdir
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


Rows = t.List[t.Dict[str, t.Any]]


def run_rows(runner: t.Any, sim: BiginSimulator, creds: dict[str, str], records: int, pct: float,
             latency_s: float, startup: float, uri_per_item: float | None) -> tuple[Rows, Rows]:
    """Measure the rows with ``runner`` (bench_photo.Runner); return (rows, targets)."""
    rows: list[dict[str, t.Any]] = []
    for key, label in (("select-all", "all_records absent"), ("select-ids", "list by ids absent")):
        ids = seed(sim, records, pct)
        photos = sum(1 for i in ids if sim.photo(MODULE, i) is not None)
        selection = {"all_records": True} if key == "select-all" else {"record_id": ids}
        sim.clear_log()
        print("  running %s over %d records (%d photos) ..." % (label, records, photos), flush=True)
        wall, rc, rss, _output = runner.run(key, plays(sim, selection, creds), key)
        listing, methods = count_requests(sim)
        other = sum(methods.values())
        limit = listing * latency_s + other * latency_s / CONCURRENCY
        left = sum(1 for i in ids if sim.photo(MODULE, i) is not None)
        rows.append({"key": key, "label": label, "records": records, "photos": photos, "rc": rc,
                     "wall_s": round(wall, 3), "net_s": round(wall - startup, 3), "listing_requests": listing,
                     "photo_requests": dict(methods), "token_refreshes": len(sim.token_requests()),
                     "network_limit_s": round(limit, 3), "photos_left": left,
                     # seconds the module process ran: the rest of net_s is Ansible handling the result
                     "module_s": round(sum(seconds for seconds, _kb in rss), 3)})
        print("    %.2f s (net %.2f s, module %.2f s), rc %d, %d listing + %s, %d token refreshes, limit %.2f s"
              % (wall, wall - startup, rows[-1]["module_s"], rc, listing, dict(methods), len(sim.token_requests()),
                 limit), flush=True)
    if uri_per_item is not None:
        rows.append({"key": "select-uri", "label": "uri loop (estimate)", "records": records,
                     "net_s": round(uri_per_item * records, 1), "estimate": True,
                     "basis": "%.3f s per item from the uri loop row x %d records" % (uri_per_item, records)})
    by_key = {r["key"]: r for r in rows}
    sel, ids_row = by_key["select-all"], by_key["select-ids"]
    goals = [
        {"target": "all_records net / network limit", "value": round(sel["net_s"] / sel["network_limit_s"], 2),
         "goal": "<= 1.5", "met": sel["net_s"] <= 1.5 * sel["network_limit_s"]},
        {"target": "list by ids / all_records (net)", "value": round(ids_row["net_s"] / sel["net_s"], 1),
         "goal": ">= 5", "met": ids_row["net_s"] >= 5 * sel["net_s"]},
    ]
    if "select-uri" in by_key:
        goals.append({"target": "uri loop (estimate) / all_records (net)",
                      "value": round(by_key["select-uri"]["net_s"] / sel["net_s"], 1), "goal": "report", "met": True})
    return rows, goals


def measure_all(records: int, pct: float, latency_ms: float, limit: int, uri_per_item: float | None,
                startup: float | None = None, verbose: bool = False) -> tuple[float, Rows, Rows]:
    """Start a simulator and measure the rows; returns (start-up s, rows, targets)."""
    with session(latency_ms, limit, startup, verbose, "bigin-bench-select-") as (sim, runner, creds, startup, _wd):
        rows, goals = run_rows(runner, sim, creds, records, pct, latency_ms / 1000.0, startup, uri_per_item)
    return startup, rows, goals


def cli_parser(doc: str) -> argparse.ArgumentParser:
    """The options every selection-style benchmark takes (this file's and bench_export.py's)."""
    parser = argparse.ArgumentParser(description=doc.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--records", type=int, default=10000)
    parser.add_argument("--photo-pct", type=float, default=5.0)
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--concurrency-limit", type=int, default=10)
    parser.add_argument("--output", default=RESULTS_DIR)
    return parser


def write_results(name: str, args: argparse.Namespace, argv: list[str] | None, goals: Rows,
                  results: dict[str, t.Any]) -> None:
    """Print the targets and write ``<output>/<name>.json`` with the command and its parameters."""
    for goal in goals:
        print("  [%s] %s: %s (goal %s)" % ("ok" if goal["met"] else "MISSED", goal["target"], goal["value"], goal["goal"]))
    os.makedirs(args.output, exist_ok=True)
    path = os.path.join(args.output, name + ".json")
    command = "python benchmarks/bench_%s.py " % name + " ".join(sys.argv[1:] if argv is None else argv)
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(dict({"command": command, "parameters": vars(args)}, **results, targets=goals), handle, indent=2)
        handle.write("\n")
    print("Wrote %s" % os.path.relpath(path))


def main(argv: list[str] | None = None) -> int:
    parser = cli_parser(__doc__)
    parser.add_argument("--uri-per-item", type=float, default=None, help="seconds per uri loop item (estimate)")
    args = parser.parse_args(argv)
    startup, rows, goals = measure_all(args.records, args.photo_pct, args.latency_ms, args.concurrency_limit,
                                       args.uri_per_item)
    print("\nstart-up %.2f s" % startup)
    write_results("select", args, argv, goals, {"startup_s": round(startup, 3), "rows": rows})
    return 0 if all(r.get("rc", 0) == 0 and not r.get("photos_left") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
