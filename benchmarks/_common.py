# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the bench scripts share: credentials, paths, the RSS wrapper and the playbook runner.

Every ``bench_*.py`` imports this module and no other bench script, with one
exception, in one direction: ``bench_photo.py``'s ``main()`` (``make bench``, the
aggregate entry point) imports and calls ``measure_all()`` of ``bench_select.py``,
``bench_export.py`` and ``bench_scale.py`` (and ``bench_export.failed()`` to judge
its rows).  Nothing imports ``bench_photo.py``, and this module imports no bench
script.

* credentials and paths: ``ACCESS_TOKEN``, ``CLIENT_ID``, ``CLIENT_SECRET``,
  ``REFRESH_TOKEN`` (the simulator is given them), ``RESULTS_DIR``, ``ANSIBLE_PLAYBOOK``;
* ``RSS_WRAPPER``/``RSS_FILE_ENV`` and ``Runner``: one ``ansible-playbook`` run with
  the module process's peak RSS (how it is measured: bench_photo.py's docstring);
* ``session()`` (a simulator with those credentials, a Runner and the start-up time)
  and ``playbook()`` (one play running one task with refresh credentials);
* the Products records of the selection-style rows (bench_select.py, bench_export.py):
  ``SELECT_MODULE``, ``SELECT_CONCURRENCY``, ``seed_products()``, ``count_requests()``;
* ``cli_parser()`` and ``write_results()``: the options and the ``<name>.json`` of
  bench_select.py, bench_export.py and bench_scale.py.
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
import subprocess
import sys
import tempfile
import time
import typing as t

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from tests.conftest import collections_path  # noqa: E402  (makes the collection importable)
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator  # noqa: E402

RESULTS_DIR = os.path.join(REPO_ROOT, "benchmarks", "results")
ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
ACCESS_TOKEN = "1000.BENCH-ACCESS.secret"
CLIENT_ID = "1000.BENCHCLIENT"
CLIENT_SECRET = "BENCH-CLIENT-SECRET"
REFRESH_TOKEN = "1000.BENCH-REFRESH.secret"

# The interpreter wrapper (see bench_photo.py's docstring).  {python} and {file_env} are filled in.
RSS_WRAPPER = '''#!{python}
import time
_START = time.perf_counter()
import atexit, os, resource, runpy, sys

def _record():
    path = os.environ.get("{file_env}")
    if path:
        with open(path, "a") as handle:
            handle.write("%s %.4f %d\\n" % (os.path.basename(sys.argv[0]), time.perf_counter() - _START,
                                             resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))

if len(sys.argv) < 2:
    sys.exit("rss wrapper: run with the module file as argument (pipelining must be off)")
del sys.argv[0]
sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
atexit.register(_record)
runpy.run_path(sys.argv[0], run_name="__main__")
'''
RSS_FILE_ENV = "ZOHO_BIGIN_BENCH_RSS_FILE"

# The Products records of the selection-style rows (bench_select.py, bench_export.py).
SELECT_MODULE = "Products"
SELECT_BASE = 3000000500000
SELECT_CONCURRENCY = 4
SELECT_PHOTO_PATH = re.compile(r"^/bigin/v2/%s/[0-9]+/photo$" % SELECT_MODULE)
SELECT_LIST_PATH = "/bigin/v2/%s" % SELECT_MODULE

Rows = t.List[t.Dict[str, t.Any]]


def write_yaml(path: str, data: t.Any) -> None:
    # JSON is YAML; no dependency on PyYAML's formatting.
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1)


# ---------------------------------------------------------------------------- runner


class Runner:
    def __init__(self, workdir: str, verbose: bool):
        self.workdir = workdir
        self.verbose = verbose
        self.wrapper = os.path.join(workdir, "python-rss")
        with open(self.wrapper, "w", encoding="utf-8") as handle:
            handle.write(RSS_WRAPPER.format(python=sys.executable, file_env=RSS_FILE_ENV))
        os.chmod(self.wrapper, 0o755)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("BIGIN_", "ANSIBLE_"))}
        self.env.update({
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_PYTHON_INTERPRETER": self.wrapper,
            "ANSIBLE_PIPELINING": "False",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_RETRY_FILES_ENABLED": "false",
            "ANSIBLE_LOCAL_TEMP": os.path.join(workdir, "ansible-local"),
            "ANSIBLE_REMOTE_TMP": os.path.join(workdir, "ansible-remote"),
            "PYTHONUNBUFFERED": "1",
        })

    def run(self, name: str, plays: list[dict[str, t.Any]], cache: str,
            progress_total: int = 0) -> tuple[float, int, list[tuple[float, int]], str]:
        """Run a playbook; return (wall s, rc, (seconds, max RSS kB) of each module process, output)."""
        path = os.path.join(self.workdir, name + ".yml")
        rss_file = os.path.join(self.workdir, name + ".rss")
        if os.path.exists(rss_file):
            os.unlink(rss_file)
        write_yaml(path, plays)
        env = dict(self.env)
        env["XDG_CACHE_HOME"] = os.path.join(self.workdir, "cache-" + cache)
        env[RSS_FILE_ENV] = rss_file
        command = [ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", path]
        lines: list[str] = []
        done = 0
        step = max(progress_total // 10, 1)
        start = time.perf_counter()
        with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True, cwd=self.workdir) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if progress_total and "(item=" in line:
                    done += 1
                    if done % step == 0 or done == progress_total:
                        elapsed = time.perf_counter() - start
                        print("    %s: %d/%d items, %.0fs" % (name, done, progress_total, elapsed), flush=True)
            rc = proc.wait()
        wall = time.perf_counter() - start
        rss: list[tuple[float, int]] = []
        if os.path.exists(rss_file):
            with open(rss_file, encoding="utf-8") as handle:
                rss = [(float(line.split()[-2]), int(line.split()[-1])) for line in handle if line.strip()]
        output = "".join(lines)
        if self.verbose or rc != 0:
            print(output[-4000:])
        return wall, rc, rss, output


# ---------------------------------------------------------------------------- session


@contextlib.contextmanager
def session(latency_ms: float, limit: int, startup: float | None, verbose: bool,
            prefix: str) -> t.Iterator[tuple[BiginSimulator, Runner, dict[str, str], float, str]]:
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


def playbook(sim: BiginSimulator, creds: dict[str, str], task: dict[str, t.Any]) -> list[dict[str, t.Any]]:
    """One play running ``task`` against ``sim`` with refresh credentials (bench_select, bench_export, bench_scale)."""
    return [{"name": "bench", "hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/zoho.bigin.all": dict({"api_domain": sim.url, "accounts_url": sim.url},
                                                              **creds)},
             "tasks": [task]}]


# ---------------------------------------------------------------------------- Products selection


def seed_products(sim: BiginSimulator, count: int, pct: float) -> list[str]:
    """``count`` Products records, every (100 / pct)-th with a photo; return their ids."""
    every = max(int(round(100 / pct)), 1) if pct > 0 else 0
    ids = []
    for i in range(count):
        record_id = str(SELECT_BASE + i)
        photo = PNG_RED if every and i % every == 0 else None
        if sim.has_record(SELECT_MODULE, record_id):
            sim.set_photo(SELECT_MODULE, record_id, photo)
        else:
            sim.add_record(SELECT_MODULE, record_id, photo=photo, fields={"Product_Name": "P%d" % i})
        ids.append(record_id)
    return ids


def count_requests(sim: BiginSimulator) -> tuple[int, dict[str, int]]:
    """(listing requests, photo requests by method) in the simulator's log since the last clear."""
    api = sim.api_requests()
    listing = sum(1 for e in api if e["path"] == SELECT_LIST_PATH)
    methods = collections.Counter(e["method"] for e in api if SELECT_PHOTO_PATH.match(e["path"]))
    return listing, dict(methods)


# ---------------------------------------------------------------------------- command line and results


def cli_parser(doc: str) -> argparse.ArgumentParser:
    """The options every selection-style benchmark takes (bench_select.py's, bench_export.py's, bench_scale.py's)."""
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
