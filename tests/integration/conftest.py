# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fixtures for integration tests: a started simulator and a real ``ansible-playbook`` runner.

A test gives tasks (a list of dicts); ``play`` runs them on localhost with the
collection from this checkout, and returns the per-task results (written by the
test-only ``record_results`` callback) plus the raw output (for secret checks).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import typing as t

import pytest
import yaml

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, SECRETS, collections_path  # noqa: F401  (re-exported to the test files)
from tests.simulator.bigin_simulator import BiginSimulator

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")


class PlayResult:
    def __init__(self, proc: subprocess.CompletedProcess, results_file: str):
        self.rc = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.output = proc.stdout + proc.stderr
        self.tasks: list[dict[str, t.Any]] = []
        if os.path.exists(results_file):
            with open(results_file, encoding="utf-8") as handle:
                self.tasks = [json.loads(line) for line in handle if line.strip()]

    def task(self, index: int = -1) -> dict[str, t.Any]:
        return self.tasks[index]


def connection(sim: BiginSimulator, auth: str = "token") -> dict[str, t.Any]:
    """module_defaults for the group: the simulator's URLs and one kind of credentials."""
    params: dict[str, t.Any] = {"api_domain": sim.url, "accounts_url": sim.url}
    if auth in ("token", "both"):
        params["access_token"] = ACCESS_TOKEN
    if auth in ("refresh", "both"):
        params.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN)
    return params


@pytest.fixture
def play(tmp_path: t.Any, sim: BiginSimulator) -> t.Callable[..., PlayResult]:
    """Run tasks with the real ansible-playbook against ``sim``.

    ``play(tasks, auth="token"|"refresh"|"both"|"none", check=False, diff=False,
    verbosity=0, env=None, defaults=None)``; tasks is a list of task dicts.
    The token cache lives in the test's tmp_path, so tests never share tokens.
    """

    def run(tasks: list[dict[str, t.Any]], auth: str = "token", check: bool = False, diff: bool = False,
            verbosity: int = 0, env: dict[str, str] | None = None,
            defaults: dict[str, t.Any] | None = None) -> PlayResult:
        group_defaults = connection(sim, auth) if auth != "none" else {}
        group_defaults.update(defaults or {})
        playbook = [{
            "name": "integration test",
            "hosts": "localhost",
            "gather_facts": False,
            "module_defaults": {"group/zoho.bigin.all": group_defaults},
            "tasks": tasks,
        }]
        path = tmp_path / "playbook.yml"
        results_file = tmp_path / "results.jsonl"
        if results_file.exists():
            results_file.unlink()
        path.write_text(yaml.safe_dump(playbook, sort_keys=False))
        environment = {k: v for k, v in os.environ.items() if not k.startswith(("BIGIN_", "ANSIBLE_"))}
        environment.update({
            "ANSIBLE_COLLECTIONS_PATH": collections_path(),
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_DIR,
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "RECORD_RESULTS_FILE": str(results_file),
            "ANSIBLE_LOCALHOST_WARNING": "false",
            "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_NOCOLOR": "1",
            "XDG_CACHE_HOME": str(tmp_path / "cache"),
            "HOME": os.environ.get("HOME", str(tmp_path)),
        })
        environment.update(env or {})
        command = [ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", str(path)]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        proc = subprocess.run(command, env=environment, capture_output=True, text=True, timeout=300, check=False)
        return PlayResult(proc, str(results_file))

    return run


def assert_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, "a secret leaked into the output"
