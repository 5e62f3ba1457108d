# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark: deleting the photos of many Bigin records, compared with what users run today.

    python benchmarks/bench_photo.py --records 200 --latency-ms 50 --concurrency-limit 10

Starts the in-process simulator with a fixed latency per request and a limit on
concurrent requests, seeds Contacts records (half with a photo; reseeded before
every scenario) and runs the real ``ansible-playbook`` for each scenario:

* ``startup``: an empty play (Ansible's fixed start-up, subtracted as "net");
* ``uri loop``: ``ansible.builtin.uri`` looped over the records (a blind DELETE
  each, accepting the 400 of a missing photo), with a static access token;
* ``module loop``: ``zoho.bigin.bigin_photo`` looped (one record id per task);
* ``list c=N``: ``zoho.bigin.bigin_photo`` with every id in one task;
* ``list c=N again``: the same task again, everything already absent, with the
  token cache of the previous run (must not refresh);
* ``memory``: list mode over ``--memory-records`` records (peak RSS).

Module rows use refresh credentials only, each scenario with a fresh token
cache except the "again" rows, so "token refreshes" counts real refreshes.

Peak RSS of the module process: Ansible runs modules with
``ansible_python_interpreter``; the benchmark points it at a generated wrapper
script (shebang = this Python) that runs the AnsiballZ payload in its own
process with ``runpy`` and, at exit, appends its own
``getrusage(RUSAGE_SELF).ru_maxrss`` to a file.  AnsiballZ runs the module in
that same process, so the figure is the module process's peak, with no extra
process (and no measurable overhead) per task.

Results: a table on stdout, ``benchmarks/results/latest.json`` and a bar chart
``benchmarks/results/latest.png`` (matplotlib, a dev-only dependency).
Timings are never asserted; ``--strict`` exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import collections
import datetime
import json
import os
import platform
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

MODULE = "Contacts"
MAIN_BASE = 3000000100000
MEMORY_BASE = 3000000900000
PHOTO_PATH = re.compile(r"^/bigin/v[12]/[A-Za-z]+/([0-9]+)/photo$")


class Scenario(t.NamedTuple):
    key: str
    label: str
    kind: str  # startup | uri-loop | module-loop | list
    records: int
    concurrency: int  # effective concurrency (requests in flight at most)
    reseed: bool  # seed photos (half of the records) before the run
    cache: str  # token cache name; the same name shares the cache


class Row(t.NamedTuple):
    scenario: Scenario
    wall_s: float
    rc: int
    requests: int
    api_requests: int
    token_refreshes: int
    by_method: dict[str, int]
    max_req_photo_record: int
    max_req_nophoto_record: int
    photo_records: int
    requests_needed: int
    http_429: int
    max_in_flight: int
    peak_rss_kb: int | None
    module_runs: int
    module_s: float
    photos_left: int


# ---------------------------------------------------------------------------- simulator


def record_ids(base: int, count: int) -> list[str]:
    return [str(base + i) for i in range(count)]


def seed(sim: BiginSimulator, ids: list[str], with_photos: bool = True) -> set[str]:
    """Give every other record a photo (the rest none); return the ids that have one."""
    photos = set()
    for index, record_id in enumerate(ids):
        photo = PNG_RED if with_photos and index % 2 == 0 else None
        if sim.has_record(MODULE, record_id):
            sim.set_photo(MODULE, record_id, photo)
        else:
            sim.add_record(MODULE, record_id, photo=photo)
        if photo is not None:
            photos.add(record_id)
    return photos


# ---------------------------------------------------------------------------- playbooks


def playbook(scenario: Scenario, sim: BiginSimulator, ids: list[str]) -> list[dict[str, t.Any]]:
    play: dict[str, t.Any] = {"name": scenario.label, "hosts": "localhost", "gather_facts": False, "tasks": []}
    if scenario.kind == "startup":
        return [play]
    if scenario.kind == "uri-loop":
        play["vars"] = {"ids": ids, "bigin_api": sim.url, "bigin_token": ACCESS_TOKEN}
        play["tasks"] = [{
            "name": "Delete the photo (uri; 400 = no photo)",
            "ansible.builtin.uri": {
                "url": "{{ bigin_api }}/bigin/v2/%s/{{ item }}/photo" % MODULE,
                "method": "DELETE",
                "headers": {"Authorization": "Zoho-oauthtoken {{ bigin_token }}"},
                "status_code": [200, 400],
            },
            "loop": "{{ ids }}",
        }]
        return [play]
    play["vars"] = {"ids": ids}
    play["module_defaults"] = {"group/zoho.bigin.all": {
        "api_domain": sim.url,
        "accounts_url": sim.url,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
    }}
    task: dict[str, t.Any] = {"zoho.bigin.bigin_photo": {"module": MODULE, "state": "absent"}}
    if scenario.kind == "module-loop":
        task["name"] = "Delete the photo (bigin_photo, one id per task)"
        task["zoho.bigin.bigin_photo"]["record_id"] = "{{ item }}"
        task["loop"] = "{{ ids }}"
    else:
        task["name"] = "Delete the photos (bigin_photo, all ids in one task)"
        task["zoho.bigin.bigin_photo"]["record_id"] = "{{ ids }}"
        if scenario.key.startswith("list-default"):
            pass  # the module's default concurrency
        else:
            task["zoho.bigin.bigin_photo"]["concurrency"] = scenario.concurrency
    play["tasks"] = [task]
    return [play]


# ---------------------------------------------------------------------------- measure


def measure(runner: Runner, sim: BiginSimulator, scenario: Scenario, ids: list[str],
            photo_ids: set[str]) -> Row:
    sim.clear_log()
    with sim._lock:  # reset the high-water mark for this scenario
        sim.max_in_flight = 0
    progress = len(ids) if scenario.kind in ("uri-loop", "module-loop") else 0
    wall, rc, rss, _output = runner.run(scenario.key, playbook(scenario, sim, ids), scenario.cache, progress)
    log = sim.requests
    api = [entry for entry in log if entry["kind"] == "api"]
    tokens = [entry for entry in log if entry["kind"] == "token"]
    per_record: collections.Counter[str] = collections.Counter()
    for entry in api:
        match = PHOTO_PATH.match(entry["path"])
        if match:
            per_record[match.group(1)] += 1
    with_photo = [per_record[i] for i in ids if i in photo_ids]
    without_photo = [per_record[i] for i in ids if i not in photo_ids]
    needed = 2 * len(with_photo) + len(without_photo) if scenario.kind != "startup" else 0
    return Row(
        scenario=scenario,
        wall_s=wall,
        rc=rc,
        requests=len(log),
        api_requests=len(api),
        token_refreshes=len(tokens),
        by_method=dict(collections.Counter(entry["method"] for entry in api)),
        max_req_photo_record=max(with_photo, default=0),
        max_req_nophoto_record=max(without_photo, default=0),
        photo_records=len(with_photo),
        requests_needed=needed,
        http_429=sum(1 for entry in log if entry["status"] == 429),
        max_in_flight=sim.max_in_flight,
        peak_rss_kb=max(kb for _s, kb in rss) if rss else None,
        module_runs=len(rss),
        module_s=sum(seconds for seconds, _kb in rss),
        photos_left=sum(1 for i in ids if sim.photo(MODULE, i) is not None),
    )


# ---------------------------------------------------------------------------- report


def machine_info() -> dict[str, t.Any]:
    import ansible.release
    import requests

    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    memory_mb = None
    try:
        with open("/proc/meminfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory_mb = int(line.split()[1]) // 1024
    except OSError:
        pass
    return {
        "nproc": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "cpu": cpu,
        "memory_mb": memory_mb,
        "os": platform.platform(),
        "python": platform.python_version(),
        "ansible_core": ansible.release.__version__,
        "requests": requests.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def row_dict(row: Row, startup: float, latency_s: float) -> dict[str, t.Any]:
    sc = row.scenario
    limit = row.requests_needed * latency_s / sc.concurrency if row.requests_needed else None
    net = row.wall_s - startup if sc.kind != "startup" else None
    return {
        "key": sc.key,
        "label": sc.label,
        "kind": sc.kind,
        "records": sc.records,
        "photo_records": row.photo_records,
        "concurrency": sc.concurrency,
        "rc": row.rc,
        "wall_s": round(row.wall_s, 3),
        "net_s": round(net, 3) if net is not None else None,
        "requests": row.requests,
        "api_requests": row.api_requests,
        "by_method": row.by_method,
        "token_refreshes": row.token_refreshes,
        "requests_per_record": round(row.requests / sc.records, 3) if sc.records else None,
        "max_requests_photo_record": row.max_req_photo_record,
        "max_requests_nophoto_record": row.max_req_nophoto_record,
        "requests_needed": row.requests_needed,
        "limit_s": round(limit, 3) if limit else None,
        "wall_over_limit": round(row.wall_s / limit, 2) if limit else None,
        "net_over_limit": round(net / limit, 2) if limit and net is not None else None,
        "peak_rss_mb": round(row.peak_rss_kb / 1024, 1) if row.peak_rss_kb else None,
        "module_processes": row.module_runs,
        "module_process_s": round(row.module_s, 3),
        "http_429": row.http_429,
        "max_in_flight": row.max_in_flight,
        "photos_left": row.photos_left,
    }


def fmt(value: t.Any, spec: str = "") -> str:
    if value is None:
        return "-"
    return format(value, spec)


def print_table(rows: list[dict[str, t.Any]]) -> str:
    header = ("scenario", "conc", "wall s", "net s", "mod s", "reqs", "refresh", "req/rec", "max p/np",
              "limit s", "wall/lim", "net/lim", "RSS MB", "vs list8")
    list8 = next((r for r in rows if r["key"] == "list-c8"), None)
    lines = []
    widths = (22, 4, 7, 7, 7, 5, 7, 7, 8, 7, 8, 7, 6, 8)
    lines.append("  ".join(h.rjust(w) if i else h.ljust(w) for i, (h, w) in enumerate(zip(header, widths))))
    lines.append("-" * len(lines[0]))
    for r in rows:
        speed = (r["wall_s"] / list8["wall_s"]) if list8 and r["kind"] != "startup" else None
        cells = (
            r["label"], fmt(r["concurrency"] if r["kind"] != "startup" else None), fmt(r["wall_s"], ".2f"),
            fmt(r["net_s"], ".2f"), fmt(r["module_process_s"] or None, ".2f"), fmt(r["requests"]), fmt(r["token_refreshes"]),
            fmt(r["requests_per_record"], ".2f"),
            "%d/%d" % (r["max_requests_photo_record"], r["max_requests_nophoto_record"]) if r["records"] else "-",
            fmt(r["limit_s"], ".2f"), fmt(r["wall_over_limit"], ".2f"), fmt(r["net_over_limit"], ".2f"),
            fmt(r["peak_rss_mb"], ".1f"), fmt(speed, ".1f") if speed else "-",
        )
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(cells, widths))))
    text = "\n".join(lines)
    print(text)
    return text


def targets(rows: dict[str, dict[str, t.Any]], memory_key: str | None) -> list[dict[str, t.Any]]:
    out: list[dict[str, t.Any]] = []

    def add(name: str, value: t.Any, target: str, met: bool) -> None:
        out.append({"target": name, "value": value, "goal": target, "met": bool(met)})

    list8 = rows["list-c8"]
    add("list c=8: (wall - startup) / limit", list8["net_over_limit"], "<= 1.5",
        list8["net_over_limit"] is not None and list8["net_over_limit"] <= 1.5)
    for other in ("uri-loop", "module-loop"):
        if other in rows:
            for key in ("list-default", "list-c8"):
                ratio = round(rows[other]["wall_s"] / rows[key]["wall_s"], 1)
                add("%s wall / %s wall" % (rows[other]["label"], rows[key]["label"]), ratio, ">= 10", ratio >= 10)
    module_rows = [r for r in rows.values() if r["kind"] in ("list", "module-loop")]
    worst_photo = max(r["max_requests_photo_record"] for r in module_rows)
    worst_none = max(r["max_requests_nophoto_record"] for r in module_rows)
    add("bigin_photo: max requests for a record with a photo", worst_photo, "<= 2", worst_photo <= 2)
    add("bigin_photo: max requests for a record without a photo", worst_none, "<= 1", worst_none <= 1)
    for r in module_rows:
        goal = 0 if r["key"].endswith("-again") else 1
        add("%s: token refreshes (fresh cache)" % r["label"] if goal else
            "%s: token refreshes (cache of the run before)" % r["label"],
            r["token_refreshes"], "<= %d" % goal, r["token_refreshes"] <= goal)
    if memory_key:
        rss = rows[memory_key]["peak_rss_mb"]
        add("%s: peak RSS of the module process (MB)" % rows[memory_key]["label"], rss, "< 100",
            rss is not None and rss < 100)
    return out


def chart(rows: list[dict[str, t.Any]], startup: float, params: dict[str, t.Any], path: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    shown = [r for r in rows if r["kind"] != "startup"]
    labels = [r["label"] for r in shown]
    fig, (ax_time, ax_req) = plt.subplots(1, 2, figsize=(13, 0.55 * len(shown) + 2.2),
                                          gridspec_kw={"width_ratios": [3, 1.3]})
    ypos = list(range(len(shown)))[::-1]
    nets = [max(r["net_s"], 0.0) for r in shown]
    ax_time.barh(ypos, [startup] * len(shown), color="#bbbbbb", label="Ansible start-up (empty play)")
    ax_time.barh(ypos, nets, left=[startup] * len(shown), color="#3b75af", label="work (wall - start-up)")
    for y, r in zip(ypos, shown):
        if r["limit_s"]:
            ax_time.plot([startup + r["limit_s"]] * 2, [y - 0.4, y + 0.4], color="#d62728", lw=2)
        ax_time.text(r["wall_s"], y, "  %.1f s" % r["wall_s"], va="center", fontsize=8)
    ax_time.plot([], [], color="#d62728", lw=2, label="start-up + network limit")
    ax_time.set_xscale("log")
    ax_time.set_xlim(0.1, max(r["wall_s"] for r in shown) * 4)
    ax_time.set_yticks(ypos)
    ax_time.set_yticklabels(labels)
    ax_time.set_xlabel("wall seconds (log scale)")
    ax_time.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8, frameon=False)
    ax_time.set_title("%d records (half with photos), %g ms latency, server limit %s concurrent"
                      % (params["records"], params["latency_ms"], params["concurrency_limit"]), fontsize=9)
    per = [r["requests_per_record"] for r in shown]
    ax_req.barh(ypos, per, color="#59a14f")
    for y, r in zip(ypos, shown):
        ax_req.text(r["requests_per_record"], y, "  %.2f (%d refresh)" % (r["requests_per_record"],
                                                                          r["token_refreshes"]),
                    va="center", fontsize=8)
        needed = r["requests_needed"] / r["records"]
        ax_req.plot([needed] * 2, [y - 0.4, y + 0.4], color="#d62728", lw=2)
    ax_req.set_yticks(ypos)
    ax_req.set_yticklabels([])
    ax_req.set_xlim(0, max(per + [2.0]) * 1.6)
    ax_req.set_xlabel("HTTP requests per record (red: minimum needed)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


# ---------------------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--records", type=int, default=200, help="records seeded (half with photos)")
    parser.add_argument("--latency-ms", type=float, default=50.0, help="added latency per request")
    parser.add_argument("--concurrency-limit", type=int, default=10, help="simulator's concurrent request limit")
    parser.add_argument("--memory-records", type=int, default=2000, help="records of the memory row (0: skip)")
    parser.add_argument("--skip-loops", action="store_true", help="skip the uri and module loops (slow)")
    parser.add_argument("--startup-runs", type=int, default=3, help="empty-play runs (median is used)")
    parser.add_argument("--output", default=RESULTS_DIR, help="directory for latest.json and latest.png")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--verbose", action="store_true", help="print ansible-playbook output")
    parser.add_argument("--select-records", type=int, default=10000,
                        help="records of the selection rows (bench_select.py; 0: skip)")
    parser.add_argument("--select-photo-pct", type=float, default=5.0, help="share of them with a photo")
    parser.add_argument("--export-records", type=int, default=10000,
                        help="records of the export rows (bench_export.py, same photo share; 0: skip)")
    parser.add_argument("--scale-records", type=int, default=100000,
                        help="records of the largest scale row (bench_scale.py, 0 ms; 0: skip)")
    args = parser.parse_args(argv)
    if args.records < 2 or args.concurrency_limit < 1:
        parser.error("--records must be >= 2 and --concurrency-limit >= 1")

    latency_s = args.latency_ms / 1000.0
    limit = args.concurrency_limit
    ids = record_ids(MAIN_BASE, args.records)
    memory_ids = record_ids(MEMORY_BASE, args.memory_records)
    scenarios: list[Scenario] = []
    for index in range(max(args.startup_runs, 1)):
        scenarios.append(Scenario("startup-%d" % index, "empty play (start-up)", "startup", 0, 1, False, "none"))
    if not args.skip_loops:
        scenarios.append(Scenario("uri-loop", "uri loop", "uri-loop", args.records, 1, True, "uri"))
        scenarios.append(Scenario("module-loop", "bigin_photo loop", "module-loop", args.records, 1, True, "loop"))
    for key, label, conc in (("list-default", "list c=4 (default)", 4), ("list-c8", "list c=8", 8)):
        eff = min(conc, limit)
        scenarios.append(Scenario(key, label, "list", args.records, eff, True, key))
        scenarios.append(Scenario(key + "-again", label.split(" (", maxsplit=1)[0] + " again", "list", args.records, eff,
                                  False, key))
    memory_key = None
    if args.memory_records:
        memory_key = "memory"
        scenarios.append(Scenario(memory_key, "list c=8, %d rec" % args.memory_records, "list",
                                  args.memory_records, min(8, limit), True, "memory"))

    params = {"records": args.records, "latency_ms": args.latency_ms, "concurrency_limit": limit,
              "memory_records": args.memory_records}
    print("zoho.bigin photo benchmark: %(records)d records (half with photos), %(latency_ms)g ms latency, "
          "simulator limit %(concurrency_limit)d concurrent requests" % params, flush=True)
    workdir = tempfile.mkdtemp(prefix="bigin-bench-")
    raw: list[Row] = []
    try:
        with BiginSimulator(latency_ms=args.latency_ms, max_concurrent=limit) as sim:
            sim.add_token(ACCESS_TOKEN, expires_in=24 * 3600)
            sim.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
            runner = Runner(workdir, args.verbose)
            for scenario in scenarios:
                target_ids = memory_ids if scenario.key == memory_key else ids if scenario.records else []
                if scenario.reseed:
                    seed(sim, target_ids)
                # what the run starts from ("again" rows: what the run before left)
                photo_ids = {i for i in target_ids if sim.photo(MODULE, i) is not None}
                print("  running %s ..." % scenario.label, flush=True)
                row = measure(runner, sim, scenario, target_ids, photo_ids)
                print("    %.2f s, rc %d, %d requests, %d refreshes"
                      % (row.wall_s, row.rc, row.requests, row.token_refreshes), flush=True)
                raw.append(row)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

    startups = [r.wall_s for r in raw if r.scenario.kind == "startup"]
    startup = statistics.median(startups)
    rows = [row_dict(r, startup, latency_s) for r in raw if r.scenario.kind != "startup"]
    startup_row = row_dict(raw[0], startup, latency_s)
    startup_row.update(key="startup", wall_s=round(startup, 3), runs=[round(s, 3) for s in startups])
    rows.insert(0, startup_row)
    failures = [r for r in raw if r.rc != 0 or r.photos_left]
    by_key = {r["key"]: r for r in rows}
    goals = targets(by_key, memory_key)
    # make bench runs every benchmark: the one place a bench script imports another (see _common.py)
    from benchmarks.bench_export import failed as export_failed, measure_all as measure_export
    from benchmarks.bench_scale import measure_all as measure_scale
    from benchmarks.bench_select import measure_all as measure_select

    selection: list[dict[str, t.Any]] = []
    if args.select_records:  # issue 10: all_records vs list by ids vs the uri loop (estimated per item)
        uri = by_key.get("uri-loop")
        _startup, selection, select_goals = measure_select(
            args.select_records, args.select_photo_pct, args.latency_ms, limit,
            uri["net_s"] / uri["records"] if uri else None, startup, args.verbose)
        goals += select_goals
    export: list[dict[str, t.Any]] = []
    if args.export_records:  # issue 11: all_records export, first run and again with nothing changed
        _startup, export, export_goals = measure_export(args.export_records, args.select_photo_pct, args.latency_ms,
                                                        limit, startup, args.verbose)
        goals += export_goals
    scale: list[dict[str, t.Any]] = []
    if args.scale_records:  # issue 17: 100,000 records, the listing and the work overlapping, time per record
        _play_startup, _startup, scale, scale_goals = measure_scale(
            args.scale_records, args.select_photo_pct, args.select_records, 2000, startup, args.verbose)
        goals += scale_goals

    print()
    table = print_table(rows)
    print("\nlimit = requests needed (2 per record with a photo, 1 without) x latency / concurrency; "
          "net = wall - start-up;\nmod s = seconds the module process(es) ran (summed over a loop); "
          "max p/np = most requests sent for one record with / without a photo; "
          "vs list8 = wall / wall of 'list c=8'.")
    for r in rows:
        if r["kind"] in ("uri-loop", "module-loop"):
            print("%s: %.2f s per item (wall - start-up) / records" % (r["label"], r["net_s"] / r["records"]))
    print("\nTargets:")
    for goal in goals:
        print("  [%s] %s: %s (goal %s)" % ("ok" if goal["met"] else "MISSED", goal["target"], goal["value"],
                                           goal["goal"]))
    info = machine_info()
    print("\nMachine: %(nproc)s CPUs (%(cpu)s), %(memory_mb)s MB, %(os)s, Python %(python)s, "
          "ansible-core %(ansible_core)s, %(date)s" % info)

    os.makedirs(args.output, exist_ok=True)
    command = "python benchmarks/bench_photo.py " + " ".join(sys.argv[1:] if argv is None else argv)
    result = {
        "command": command.strip(),
        "parameters": params,
        "machine": info,
        "startup_s": round(startup, 3),
        "rss_measurement": "ansible_python_interpreter wrapper: getrusage(RUSAGE_SELF).ru_maxrss of the "
                           "process that runs the AnsiballZ module, written at exit",
        "rows": rows,
        "targets": goals,
        "selection": selection,
        "export": export,
        "scale": scale,
        "load_average": os.getloadavg(),
        "table": table,
    }
    json_path = os.path.join(args.output, "latest.json")
    with open(json_path + ".tmp", "w", encoding="utf-8") as handle:
        json.dump(result, handle, indent=2)
        handle.write("\n")
    os.replace(json_path + ".tmp", json_path)
    png_path = os.path.join(args.output, "latest.png")
    chart(rows, startup, params, png_path)
    print("\nWrote %s and %s" % (os.path.relpath(json_path), os.path.relpath(png_path)))
    select_failed = [r for r in selection if r.get("rc", 0) or r.get("photos_left")]
    scale_failed = [row for row in scale if row.get("rc")]
    for row in scale_failed:
        print("FAILED: scale row %s (rc %d)" % (row["key"], row["rc"]))
    if failures or select_failed or export_failed(export) or scale_failed:
        for r in failures:
            print("FAILED: %s (rc %d, %d photos left)" % (r.scenario.label, r.rc, r.photos_left))
        for row in select_failed:
            print("FAILED: %s (rc %d, %d photos left)" % (row["label"], row["rc"], row["photos_left"]))
        for label in export_failed(export):
            print("FAILED: %s (rc not 0, or files in dest != photos)" % label)
        return 1
    if args.strict and not all(goal["met"] for goal in goals):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
