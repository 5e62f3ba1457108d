# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark rows for the photo export (issue 11): a first and a second ``all_records`` export.

    python benchmarks/bench_export.py --records 10000 --photo-pct 5 --latency-ms 50

(also run by bench_photo.py, ``--export-records``). Seeds Products records, a ``--photo-pct``
share with a photo (helpers in _common.py, shared with bench_select.py), and runs the real
``ansible-playbook`` with ``bigin_photo_export all_records=true`` twice into the same ``dest``:

* ``export (empty dest)``: the listing + one photo GET per record with a photo;
* ``export again (nothing changed)``: the listing only (the manifest says every file is current).

Network limit = listing requests x latency (pages are sequential) + photo GETs x latency /
concurrency. ``module_s`` is how long the module process ran; the rest of ``net_s`` is Ansible
start-up left over and moving the result (one entry per record) back to the controller.
Targets (request counts, from the simulator's log): first run 50 listing + 500 GETs, second run
50 listing + 0 GETs. Wall time is reported against the network limit, never asserted.
"""

from __future__ import annotations

import os
import re
import sys
import typing as t

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from benchmarks._common import (  # noqa: E402
    SELECT_CONCURRENCY, SELECT_MODULE, Rows, Runner, cli_parser, count_requests, playbook, seed_products, session, write_results)
from tests.simulator.bigin_simulator import BiginSimulator  # noqa: E402

RECAP = re.compile(r"localhost\s*:\s*ok=\d+\s+changed=(\d+)")
# Bigin lists 200 records a page.
PAGE_SIZE = 200


def run_rows(runner: Runner, sim: BiginSimulator, creds: dict[str, str], records: int, pct: float,
             latency_s: float, startup: float, dest: str) -> tuple[Rows, Rows]:
    """Measure the two export rows with ``runner``; return (rows, targets)."""
    ids = seed_products(sim, records, pct)
    photos = sum(1 for i in ids if sim.photo(SELECT_MODULE, i) is not None)
    task = {"zoho.bigin.bigin_photo_export": {"module": SELECT_MODULE, "all_records": True, "dest": dest,
                                              "concurrency": SELECT_CONCURRENCY}}
    rows: list[dict[str, t.Any]] = []
    for key, label in (("export-first", "export (empty dest)"), ("export-again", "export again (nothing changed)")):
        sim.clear_log()
        print("  running %s over %d records (%d photos) ..." % (label, records, photos), flush=True)
        wall, rc, rss, output = runner.run(key, playbook(sim, creds, task), "export")
        listing, methods = count_requests(sim)
        gets = methods.get("GET", 0)
        limit = listing * latency_s + gets * latency_s / SELECT_CONCURRENCY
        files = sorted(name for name in os.listdir(dest) if not name.startswith("."))
        recap = RECAP.search(output)
        module_s = round(sum(seconds for seconds, _kb in rss), 3)
        rows.append({"key": key, "label": label, "records": records, "photos": photos, "rc": rc,
                     "changed": bool(int(recap.group(1))) if recap else None,
                     "wall_s": round(wall, 3), "net_s": round(wall - startup, 3), "listing_requests": listing,
                     "photo_requests": methods, "token_refreshes": len(sim.token_requests()),
                     "network_limit_s": round(limit, 3), "net_over_limit": round((wall - startup) / limit, 2) if limit else None,
                     "files": len(files), "module_s": module_s,
                     "peak_rss_mb": round(max(kb for _s, kb in rss) / 1024.0, 1) if rss else None})
        print("    %.2f s (net %.2f s, module %.2f s), rc %d, changed %s, %d listing + %s, %d token refreshes, "
              "limit %.2f s, %d files" % (wall, wall - startup, module_s, rc, rows[-1]["changed"], listing, methods,
                                          len(sim.token_requests()), limit, len(files)), flush=True)
    first, again = rows
    pages = -(-records // PAGE_SIZE)
    goals = [
        {"target": "export (empty dest): listing + photo GETs", "value": "%d + %d" % (
            first["listing_requests"], first["photo_requests"].get("GET", 0)), "goal": "%d + %d" % (pages, photos),
         "met": first["listing_requests"] == pages and first["photo_requests"] == {"GET": photos}},
        {"target": "export again: listing + photo requests", "value": "%d + %d" % (
            again["listing_requests"], sum(again["photo_requests"].values())), "goal": "%d + 0" % pages,
         "met": again["listing_requests"] == pages and not again["photo_requests"]},
        {"target": "export again: changed", "value": again["changed"], "goal": "False", "met": again["changed"] is False},
    ]
    for row in rows:
        goals.append({"target": "%s: net / network limit" % row["label"], "value": row["net_over_limit"],
                      "goal": "report", "met": True})
    return rows, goals


def measure_all(records: int, pct: float, latency_ms: float, limit: int, startup: float | None = None,
                verbose: bool = False) -> tuple[float, Rows, Rows]:
    """Start a simulator and measure the rows; returns (start-up s, rows, targets)."""
    with session(latency_ms, limit, startup, verbose, "bigin-bench-export-") as (sim, runner, creds, startup, workdir):
        rows, goals = run_rows(runner, sim, creds, records, pct, latency_ms / 1000.0, startup,
                               os.path.join(workdir, "export"))
    return startup, rows, goals


def failed(rows: Rows) -> list[str]:
    """Labels of the rows whose run failed or left a file count other than the photos seeded."""
    return [r["label"] for r in rows if r["rc"] or r["files"] != r["photos"]]


def main(argv: list[str] | None = None) -> int:
    parser = cli_parser(__doc__)
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    startup, rows, goals = measure_all(args.records, args.photo_pct, args.latency_ms, args.concurrency_limit,
                                       verbose=args.verbose)
    print("\nstart-up %.2f s, load average %.2f %.2f %.2f at the start" % ((startup,) + load))
    write_results("export", args, argv, goals, {"load_average": [round(x, 2) for x in load],
                                                "startup_s": round(startup, 3), "rows": rows})
    return 1 if failed(rows) else 0


if __name__ == "__main__":
    sys.exit(main())
