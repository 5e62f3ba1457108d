# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``make demo``: run examples/demo.yml twice against the local Bigin simulator.

Run with the project venv's python (ansible-playbook is looked up next to
``sys.executable``).  The first run must report changes, the second none.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

from tests.simulator.bigin_simulator import BiginSimulator  # noqa: E402
from tests.simulator.cli import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_CONTACTS, DEMO_REFRESH_TOKEN, seed_demo  # noqa: E402

PLAYBOOK = os.path.join(REPO_ROOT, "examples", "demo.yml")
RECAP_RE = re.compile(r"^localhost\s*:\s*(.*)$", re.MULTILINE)


def find_ansible_playbook() -> str:
    candidate = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    if os.path.exists(candidate):
        return candidate
    found = shutil.which("ansible-playbook")
    if not found:
        sys.exit("demo: ansible-playbook not found next to %s nor on PATH (run `make venv`)" % sys.executable)
    return found


def recap(output: str) -> dict[str, int]:
    """Return the PLAY RECAP counters for localhost, e.g. {"ok": 3, "changed": 1, ...}."""
    matches = RECAP_RE.findall(output)
    if not matches:
        return {}
    return {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", matches[-1])}


def main() -> int:
    playbook_cmd = find_ansible_playbook()
    tmp = tempfile.mkdtemp(prefix="bigin-demo-")
    sim = seed_demo(BiginSimulator()).start()
    failures = []
    try:
        link = os.path.join(tmp, "collections", "ansible_collections", "zoho", "bigin")
        os.makedirs(os.path.dirname(link))
        os.symlink(REPO_ROOT, link)
        os.makedirs(os.path.join(tmp, "cache"))
        env = dict(os.environ)
        env.pop("ANSIBLE_STDOUT_CALLBACK", None)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": os.path.join(tmp, "collections"),
            "BIGIN_API_DOMAIN": sim.url,
            "BIGIN_ACCOUNTS_URL": sim.url,
            "BIGIN_CLIENT_ID": DEMO_CLIENT_ID,
            "BIGIN_CLIENT_SECRET": DEMO_CLIENT_SECRET,
            "BIGIN_REFRESH_TOKEN": DEMO_REFRESH_TOKEN,
            "XDG_CACHE_HOME": os.path.join(tmp, "cache"),
            "ANSIBLE_LOCALHOST_WARNING": "False",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "False",
        })
        print("Bigin simulator at %s; contacts %s" % (sim.url, ", ".join(DEMO_CONTACTS)), flush=True)
        summaries = []
        for run in (1, 2):
            sim.clear_log()
            print("=== run %d: ansible-playbook examples/demo.yml" % run, flush=True)
            proc = subprocess.run(
                [playbook_cmd, PLAYBOOK], cwd=REPO_ROOT, env=env,
                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False,
            )
            print(proc.stdout, flush=True)
            counts = recap(proc.stdout)
            photos_left = sum(1 for rid in DEMO_CONTACTS if sim.photo("Contacts", rid) is not None)
            summary = "run %d: rc=%d ok=%s changed=%s failed=%s; photos left: %d; GET requests: %d; " \
                      "DELETE requests: %d; token requests: %d" % (
                          run, proc.returncode, counts.get("ok", "?"), counts.get("changed", "?"),
                          counts.get("failed", "?"), photos_left, len(sim.api_requests("GET")),
                          len(sim.api_requests("DELETE")), len(sim.token_requests()))
            summaries.append(summary)
            if proc.returncode != 0 or not counts or counts.get("failed", 0) or counts.get("unreachable", 0):
                failures.append("run %d failed" % run)
            elif run == 1 and counts.get("changed", 0) < 1:
                failures.append("run 1 reported no change")
            elif run == 2 and counts.get("changed", 0) != 0:
                failures.append("run 2 was not idempotent (changed=%d)" % counts["changed"])
            if photos_left:
                failures.append("run %d left %d photo(s)" % (run, photos_left))
    finally:
        sim.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print("=== summary")
    for line in summaries:
        print(line)
    if failures:
        print("demo FAILED: " + "; ".join(failures))
        return 1
    print("demo OK: run 1 changed, run 2 idempotent")
    return 0


if __name__ == "__main__":
    sys.exit(main())
