# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the integration tests share: the real ``ansible-playbook`` runner, task builders and log readers.

A test gives tasks (a list of dicts); ``play`` runs them on localhost with the
collection from this checkout against the simulator (``sim``, from ``tests/conftest.py``),
and returns the per-task results (written by the test-only ``record_results`` callback)
plus the raw output (for secret checks). The credentials come from ``tests/conftest.py``.
"""

from __future__ import annotations

import collections
import json
import os
import subprocess
import sys
import typing as t

import pytest
import yaml

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, SEARCH_SCOPE, collections_path
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.simulator.photos import reencode
from tests.simulator.profiles import profile_params

ANSIBLE_PLAYBOOK = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")

PHOTO = "zoho.bigin.bigin_photo"
INFO = "zoho.bigin.bigin_photo_info"
EXPORT = "zoho.bigin.bigin_photo_export"
RECORD_INFO = "zoho.bigin.bigin_record_info"

# Record ids for tests that need a few; any test may add more of its own.
C1, C2, C3, C4, C5, C6 = ("3000000038001", "3000000038002", "3000000038003", "3000000038004", "3000000038005",
                          "3000000038006")


# -- behaviour profiles (issue 16) ----------------------------------------------------------------
#
# A test (or a whole file, with pytestmark) marked ``@pytest.mark.profiles("no_photo_get", ...)`` runs
# under the default profile and under each other value of the switches it names, one at a time,
# unchanged: what the collection does must not depend on what no Bigin source confirms. The variants
# carry the ``profile_variant`` marker: ``-m "not profile_variant"`` leaves them out (make runs them
# on one ansible-core leg only, see PROFILE_VARIANTS in the Makefile).


def pytest_configure(config: t.Any) -> None:
    config.addinivalue_line("markers", "profiles(*switches): run under each value of these simulator switches")
    config.addinivalue_line("markers", "profile_variant: a run under a non-default simulator profile")
    config.addinivalue_line("markers", "default_core_only: checks the collection's own logic (selection, export, "
                                       "retries, budgets), not what ansible-core does with it: run on one leg")


def pytest_generate_tests(metafunc: t.Any) -> None:
    switches = [name for marker in metafunc.definition.iter_markers("profiles") for name in marker.args]
    if not switches or "sim" not in metafunc.fixturenames:
        return
    params = [param if param.id == "default" else pytest.param(*param.values, id=param.id,
                                                               marks=pytest.mark.profile_variant)
              for param in profile_params(*dict.fromkeys(switches))]
    metafunc.parametrize("profile", params, indirect=True)


def as_stored(profile: dict[str, str], data: bytes) -> bytes:
    """The bytes the simulator holds after an upload of ``data`` under ``profile``."""
    return reencode(data) if profile.get("upload_storage") == "reencoded" else data


@pytest.fixture
def profile(request: t.Any) -> dict[str, str]:
    """The simulator profile of the test (see pytest_generate_tests); the default without a marker."""
    return dict(getattr(request, "param", {}) or {})


@pytest.fixture
def sim(profile: dict[str, str]) -> t.Iterator[BiginSimulator]:
    """As tests/conftest.py's ``sim``, under the test's profile."""
    with BiginSimulator(profile=profile) as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        yield simulator


# -- running playbooks -------------------------------------------------------------------------


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

    @property
    def succeeded(self) -> bool:
        """The play ended well and no task failed, not even one whose failure the play ignored."""
        return self.rc == 0 and all(task.get("_status") != "failed" for task in self.tasks)

    def task(self, index: int = -1) -> dict[str, t.Any]:
        return self.tasks[index]

    def by_name(self) -> dict[str, dict[str, t.Any]]:
        """The task results keyed by task name (the names of one play are distinct)."""
        return {task["_task"]: task for task in self.tasks}


def connection(sim: BiginSimulator, auth: str = "token") -> dict[str, t.Any]:
    """module_defaults for the group: the simulator's URLs and one kind of credentials."""
    params: dict[str, t.Any] = {"api_domain": sim.url, "accounts_url": sim.url}
    if auth in ("token", "both"):
        params["access_token"] = ACCESS_TOKEN
    if auth in ("refresh", "both"):
        params.update(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN)
    return params


def credentials_env(auth: str = "both") -> dict[str, str]:
    """The BIGIN_* variables that hold one kind of credentials (``auth`` as for ``connection``)."""
    env: dict[str, str] = {}
    if auth in ("token", "both"):
        env["BIGIN_ACCESS_TOKEN"] = ACCESS_TOKEN
    if auth in ("refresh", "both"):
        env.update(BIGIN_CLIENT_ID=CLIENT_ID, BIGIN_CLIENT_SECRET=CLIENT_SECRET, BIGIN_REFRESH_TOKEN=REFRESH_TOKEN)
    return env


def secrets_from_env(sim: BiginSimulator, auth: str = "both") -> dict[str, t.Any]:
    """``play`` keywords that hand the credentials over in BIGIN_* variables, as a scheduled run would.

    At -vvv ansible-core prints the playbook lines around a failed task ("Origin:"),
    so a secret written literally into the playbook would show up there whatever
    the module does; these runs keep the playbook free of secrets, so that any
    secret found in the output came from the module.
    """
    return {"auth": "none", "env": credentials_env(auth), "defaults": {"api_domain": sim.url, "accounts_url": sim.url}}


def _environment(tmp_path: t.Any, results_file: str) -> dict[str, str]:
    """This process's environment without BIGIN_*/ANSIBLE_*, set up for this checkout and the results callback."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("BIGIN_", "ANSIBLE_"))}
    environment.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_DIR,
        "ANSIBLE_CALLBACKS_ENABLED": "record_results",
        "RECORD_RESULTS_FILE": results_file,
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1",
        # The token cache lives in the test's tmp_path, so tests never share tokens.
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
    })
    return environment


def playbook_runner(tmp_path: t.Any, sim: BiginSimulator) -> t.Callable[..., PlayResult]:
    """What the ``play`` fixture returns, for a given simulator (a test with another simulator makes its own)."""

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
        environment = _environment(tmp_path, str(results_file))
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


@pytest.fixture
def play(tmp_path: t.Any, sim: BiginSimulator) -> t.Callable[..., PlayResult]:
    """Run tasks with the real ansible-playbook against ``sim``.

    ``play(tasks, auth="token"|"refresh"|"both"|"none", check=False, diff=False,
    verbosity=0, env=None, defaults=None)``; tasks is a list of task dicts.
    """
    return playbook_runner(tmp_path, sim)


def run_on_hosts(tmp_path: t.Any, sim: BiginSimulator, hosts: dict[str, str], tasks: list[dict[str, t.Any]],
                 forks: int) -> PlayResult:
    """ansible-playbook on several local hosts (each with its own ``rid``), refresh credentials only."""
    inventory = tmp_path / "hosts.yml"
    inventory.write_text(yaml.safe_dump({"all": {"hosts": {
        name: {"ansible_connection": "local", "ansible_python_interpreter": sys.executable, "rid": rid}
        for name, rid in hosts.items()}}}))
    playbook = tmp_path / "forks.yml"
    playbook.write_text(yaml.safe_dump([{
        "name": "forks", "hosts": "all", "gather_facts": False,
        "module_defaults": {"group/zoho.bigin.all": connection(sim, "refresh")},
        "tasks": tasks,
    }], sort_keys=False))
    results = str(tmp_path / "forks-results.jsonl")
    proc = subprocess.run([ANSIBLE_PLAYBOOK, "-i", str(inventory), "-f", str(forks), str(playbook)],
                          env=_environment(tmp_path, results), capture_output=True, text=True, timeout=300, check=False)
    return PlayResult(proc, results)


def run_playbook(tmp_path: t.Any, playbook: t.Any, inventory: t.Any, cwd: t.Any, check: bool = False,
                 diff: bool = False, env: dict[str, str] | None = None) -> PlayResult:
    """ansible-playbook on a playbook file of the test's making, started in ``cwd`` (the playbook's or another).

    ``inventory`` is what ``-i`` gets (a file, or ``"localhost,"``); the environment is that of ``play``.
    """
    results = str(tmp_path / "playbook-results.jsonl")
    if os.path.exists(results):
        os.unlink(results)
    environment = _environment(tmp_path, results)
    environment.update(env or {})
    command = [ANSIBLE_PLAYBOOK, "-i", str(inventory), str(playbook)]
    if check:
        command.append("--check")
    if diff:
        command.append("--diff")
    proc = subprocess.run(command, env=environment, cwd=str(cwd), capture_output=True, text=True, timeout=300,
                          check=False)
    return PlayResult(proc, results)


# -- tasks ---------------------------------------------------------------------------------------


def photo_task(name: str, record_id: t.Any = None, state: str | None = "absent", ignore_errors: bool = True,
               **options: t.Any) -> dict[str, t.Any]:
    """A bigin_photo task on Contacts (options may name another module); ``state=None`` leaves the module's default.

    Its failure does not stop the play unless ``ignore_errors=False`` (for tests that check the return code).
    """
    args: dict[str, t.Any] = {"module": "Contacts"}
    if record_id is not None:
        args["record_id"] = record_id
    if state is not None:
        args["state"] = state
    args.update(options)
    task: dict[str, t.Any] = {"name": name, PHOTO: args}
    if ignore_errors:
        task["ignore_errors"] = True
    return task


def info_task(name: str, record_id: t.Any, ignore_errors: bool = True, **options: t.Any) -> dict[str, t.Any]:
    """A bigin_photo_info task on Contacts (options may name another module); ``ignore_errors`` as for photo_task."""
    task = {"name": name, INFO: dict({"module": "Contacts", "record_id": record_id}, **options)}
    if ignore_errors:
        task["ignore_errors"] = True
    return task


# -- the simulator's state and log -----------------------------------------------------------


def add_photos(sim: BiginSimulator, ids: t.Iterable[str], photo: bytes | None = PNG_RED, module: str = "Contacts") -> None:
    """Add a record for each id, each with ``photo`` (None: without one)."""
    for record_id in ids:
        sim.add_record(module, record_id, photo=photo)


def seed_records(sim: BiginSimulator, count: int, photo_every: int = 10, module: str = "Contacts",
                 old_every: int = 2, base: int = 3000000200000) -> tuple[list[str], set[str]]:
    """Records with fields; every ``photo_every``-th has PNG_RED. Returns (ids, ids with a photo)."""
    ids, photos = [], set()
    for i in range(count):
        record_id = str(base + i)
        has = photo_every > 0 and i % photo_every == 0
        domain = "old.example" if i % old_every == 0 else "new.example"
        sim.add_record(module, record_id, photo=PNG_RED if has else None, fields={
            "First_Name": "F%d" % i, "Last_Name": "L%d" % i, "Email": "p%d@%s" % (i, domain),
            "Account_Name": {"id": "3000000040001", "name": "Zylker"},
            "Account_Name_Text": "Zylker", "Product_Name": "P%d" % i,
        })
        ids.append(record_id)
        if has:
            photos.add(record_id)
    return ids, photos


@pytest.fixture
def search_sim(sim: BiginSimulator) -> BiginSimulator:
    """The simulator, its access token also holding the search scope (criteria needs it)."""
    sim.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", SEARCH_SCOPE))
    return sim


def photo_path(record_id: str, module: str = "Contacts", version: str = "v2") -> str:
    return "/bigin/%s/%s/%s/photo" % (version, module, record_id)


def request_log(sim: BiginSimulator, kind: str = "api") -> list[tuple[str, str, int | None]]:
    """The request log as (method, path, status); status None for a dropped connection."""
    return [(e["method"], e["path"], e["status"]) for e in sim.requests if e["kind"] == kind]


def methods(sim: BiginSimulator) -> collections.Counter:
    """How many API requests of each method the simulator saw."""
    return collections.Counter(e["method"] for e in sim.api_requests())


def warnings_of(task: dict[str, t.Any]) -> list[str]:
    return [str(w) for w in task.get("warnings") or []]


def write_file(tmp_path: t.Any, name: str, data: bytes) -> str:
    """Write ``data`` to ``tmp_path/name``; return the path as a string."""
    target = tmp_path / name
    target.write_bytes(data)
    return str(target)


def cache_dir(tmp_path: t.Any) -> str:
    """The module's token cache directory under ``play`` (which sets XDG_CACHE_HOME to tmp_path/cache)."""
    return os.path.join(str(tmp_path), "cache", "zoho.bigin")
