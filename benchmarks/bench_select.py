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

import os
import sys
import typing as t

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from benchmarks._common import (  # noqa: E402
    SELECT_CONCURRENCY, SELECT_MODULE, Rows, Runner, cli_parser, count_requests, playbook, seed_products, session, write_results)
from tests.simulator.bigin_simulator import BiginSimulator  # noqa: E402


def plays(sim: BiginSimulator, selection: dict[str, t.Any], creds: dict[str, str]) -> list[dict[str, t.Any]]:
    return playbook(sim, creds, {"zoho.bigin.bigin_photo": dict(
        {"module": SELECT_MODULE, "state": "absent", "concurrency": SELECT_CONCURRENCY}, **selection)})


def run_rows(runner: Runner, sim: BiginSimulator, creds: dict[str, str], records: int, pct: float,
             latency_s: float, startup: float, uri_per_item: float | None) -> tuple[Rows, Rows]:
    """Measure the rows with ``runner``; return (rows, targets)."""
    rows: list[dict[str, t.Any]] = []
    for key, label in (("select-all", "all_records absent"), ("select-ids", "list by ids absent")):
        ids = seed_products(sim, records, pct)
        photos = sum(1 for i in ids if sim.photo(SELECT_MODULE, i) is not None)
        selection = {"all_records": True} if key == "select-all" else {"record_id": ids}
        sim.clear_log()
        print("  running %s over %d records (%d photos) ..." % (label, records, photos), flush=True)
        wall, rc, rss, _output = runner.run(key, plays(sim, selection, creds), key)
        listing, methods = count_requests(sim)
        other = sum(methods.values())
        limit = listing * latency_s + other * latency_s / SELECT_CONCURRENCY
        left = sum(1 for i in ids if sim.photo(SELECT_MODULE, i) is not None)
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
        {"target": "all_records net / network limit",
         "value": round(sel["net_s"] / sel["network_limit_s"], 2) if sel["network_limit_s"] else None,
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
