# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A playbook run the way AWX and Automation Platform run it: through ansible-runner.

The private data dir holds the playbook (``project/``), an inventory and ``env/envvars`` with
the ``BIGIN_*`` variables, as an AWX custom credential injects them. The run must delete the
photo with one token refresh and leave no secret anywhere under the runner's ``artifacts/``
(stdout, job events, the facts cache, the command line, ...), except the environment that
ansible-runner itself records, verbatim, in ``artifacts/<ident>/command``.
"""

from __future__ import annotations

import glob
import json
import os
import sys
import typing as t

import ansible_runner
import yaml

from tests.conftest import collections_path
from tests.integration.conftest import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, SECRETS
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

RECORD_ID = "3000000038009"
BIN_DIR = os.path.dirname(sys.executable)


def private_data_dir(root: str, sim: BiginSimulator, cache_home: str) -> str:
    """Lay out an ansible-runner private data dir for one photo deletion against ``sim``."""
    for sub in ("project", "inventory", "env"):
        os.makedirs(os.path.join(root, sub))
    playbook = [{
        "name": "AWX-style photo clean-up",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [
            {"name": "delete the photo", "register": "deleted",
             "zoho.bigin.bigin_photo": {"module": "Contacts", "record_id": RECORD_ID, "state": "absent"}},
            # The result goes through the runner's facts cache too (artifacts/<ident>/fact_cache).
            {"name": "keep the result as a cacheable fact",
             "ansible.builtin.set_fact": {"photo_result": "{{ deleted }}", "cacheable": True}},
        ],
    }]
    with open(os.path.join(root, "project", "site.yml"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(playbook, handle, sort_keys=False)
    with open(os.path.join(root, "inventory", "hosts"), "w", encoding="utf-8") as handle:
        handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)
    envvars = {
        # What the custom credential's injector sets.
        "BIGIN_CLIENT_ID": CLIENT_ID,
        "BIGIN_CLIENT_SECRET": CLIENT_SECRET,
        "BIGIN_REFRESH_TOKEN": REFRESH_TOKEN,
        "BIGIN_API_DOMAIN": sim.url,
        "BIGIN_ACCOUNTS_URL": sim.url,
        # This venv's ansible and this checkout's collection; caches inside the test's tmp dir.
        "PATH": BIN_DIR + os.pathsep + os.environ.get("PATH", ""),
        "ANSIBLE_COLLECTIONS_PATH": collections_path(),
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_LOCAL_TEMP": os.path.join(cache_home, "ansible-tmp"),
        "XDG_CACHE_HOME": cache_home,
    }
    with open(os.path.join(root, "env", "envvars"), "w", encoding="utf-8") as handle:
        yaml.safe_dump(envvars, handle)
    return root


def minted_tokens(cache_home: str) -> list[str]:
    """Access tokens in the module's token cache (the 0600 files): secrets too."""
    tokens = []
    for path in glob.glob(os.path.join(cache_home, "zoho.bigin", "*.json")):
        with open(path, encoding="utf-8") as handle:
            tokens.append(json.load(handle)["access_token"])
    return tokens


def test_ansible_runner_with_credentials_in_envvars(sim: BiginSimulator, tmp_path: t.Any, monkeypatch: t.Any) -> None:
    for name in [k for k in os.environ if k.startswith(("BIGIN_", "ANSIBLE_"))]:
        monkeypatch.delenv(name)  # only env/envvars may configure the run
    sim.add_record("Contacts", RECORD_ID, photo=PNG_RED)
    cache_home = str(tmp_path / "cache")
    root = private_data_dir(str(tmp_path / "runner"), sim, cache_home)

    result = ansible_runner.run(private_data_dir=root, playbook="site.yml", ident="job1", quiet=True)

    stdout = result.stdout.read()
    assert result.status == "successful" and result.rc == 0, stdout
    # The photo is gone, with one GET and one DELETE and exactly one token refresh.
    assert sim.photo("Contacts", RECORD_ID) is None
    assert [(e["method"], e["status"]) for e in sim.api_requests()] == [("GET", 200), ("DELETE", 200)]
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    # The runner saw the task change, through its job events.
    ok_events = [e for e in result.events if e.get("event") == "runner_on_ok"
                 and e["event_data"].get("task") == "delete the photo"]
    assert len(ok_events) == 1 and ok_events[0]["event_data"]["res"]["changed"] is True

    # No secret anywhere under artifacts/: the three given ones and the access token minted
    # by the refresh (read from the token cache, which lives outside the private data dir).
    secrets = list(SECRETS) + minted_tokens(cache_home)
    assert len(secrets) == len(SECRETS) + 1
    artifacts = os.path.join(root, "artifacts")
    files = [os.path.join(d, f) for d, dummy, names in os.walk(artifacts) for f in names]
    assert any(os.sep + "job_events" + os.sep in f for f in files), files
    assert os.path.join(artifacts, "job1", "stdout") in files
    command_file = os.path.join(artifacts, "job1", "command")
    for path in files:
        with open(path, "rb") as handle:
            content = handle.read()
        if path == command_file:
            # ansible-runner's own record of how it started the job, written before the playbook
            # runs: its "env" is env/envvars verbatim (so it holds the injected credentials, as
            # it does under AWX), in a 0600 file. Everything else in it must be secret-free.
            assert os.stat(path).st_mode & 0o777 == 0o600
            record = json.loads(content)
            assert record["env"]["BIGIN_CLIENT_SECRET"] == CLIENT_SECRET
            del record["env"]
            content = json.dumps(record).encode()
        for secret in secrets:
            assert secret.encode() not in content, "a secret is in %s" % os.path.relpath(path, root)
    # The fact cache really holds the module's result (so the check above looked at it).
    fact_files = [f for f in files if os.sep + "fact_cache" + os.sep in f]
    assert len(fact_files) == 1 and fact_files[0].endswith("localhost"), fact_files
    with open(fact_files[0], encoding="utf-8") as handle:
        facts = handle.read()  # the layout differs between ansible-core versions; the content does not
    assert "photo_result" in facts and RECORD_ID in facts and "sha256" in facts, facts
