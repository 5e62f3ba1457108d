# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The built collection artifact: contents, installability, and a real run from the install.

Builds ``zoho-bigin-<version>.tar.gz`` from this checkout with
``ansible-galaxy collection build``, checks that development leftovers stay
out of it, installs it with ``ansible-galaxy collection install`` into an empty
collections path and runs ``zoho.bigin.bigin_photo`` from that install (and
only from there) against the simulator.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
import typing as t

import pytest
import yaml

from tests.conftest import ACCESS_TOKEN, RECORD, REPO_ROOT
from tests.integration.conftest import ANSIBLE_PLAYBOOK
from tests.simulator.bigin_simulator import PNG_1x1, BiginSimulator

BIN_DIR = os.path.dirname(sys.executable)
ANSIBLE_GALAXY = os.path.join(BIN_DIR, "ansible-galaxy")

# Paths (relative to the collection root) that must never be shipped.
EXCLUDED_PREFIXES = (".venv", "build/", "build", "tests/output", ".pytest_cache", ".hypothesis", ".git/", ".ci/", ".github/")
# Paths that must be shipped.
REQUIRED_FILES = (
    "MANIFEST.json",
    "FILES.json",
    "README.md",
    "meta/runtime.yml",
    "meta/execution-environment.yml",
    "requirements.txt",
    "bindep.txt",
    "plugins/modules/bigin_photo.py",
    "plugins/action/bigin_photo.py",
    "plugins/plugin_utils/_src.py",  # the action plugins' src lookup
    "SECURITY.md",
    "plugins/modules/bigin_photo_info.py",
    # Galaxy renders the guides from these.
    "docs/docsite/extra-docs.yml",
    "docs/docsite/links.yml",
    "docs/docsite/rst/troubleshooting.rst",
)


def _galaxy_version() -> str:
    with open(os.path.join(REPO_ROOT, "galaxy.yml"), encoding="utf-8") as handle:
        return str(yaml.safe_load(handle)["version"])


def _env(tmp_path: t.Any, collections_dir: str) -> dict[str, str]:
    """An environment that sees only the temporary collections path."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "BIGIN_"))}
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections_dir,
        "ANSIBLE_COLLECTIONS_SCAN_SYS_PATH": "false",
        "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
        "ANSIBLE_LOCALHOST_WARNING": "false",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "false",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_GALAXY_CACHE_DIR": str(tmp_path / "galaxy-cache"),
        "XDG_CACHE_HOME": str(tmp_path / "xdg-cache"),
        "PATH": BIN_DIR + os.pathsep + os.environ.get("PATH", ""),
    })
    return env


def _run(command: list[str], env: dict[str, str], cwd: str | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 0, "%s failed (rc=%d)\nstdout:\n%s\nstderr:\n%s" % (
        " ".join(command), proc.returncode, proc.stdout, proc.stderr)
    return proc


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: t.Any) -> str:
    """Build the collection from this checkout into a temporary directory; return the tarball path."""
    out_dir = tmp_path_factory.mktemp("artifact")
    tmp = tmp_path_factory.mktemp("artifact-env")
    # Make sure the paths that must be left out exist, so the check below means something.
    probes = []
    for rel in ("tests/output", "build"):
        path = os.path.join(REPO_ROOT, rel)
        if not os.path.isdir(path):
            os.makedirs(path, exist_ok=True)
            probes.append(path)
    probe_file = os.path.join(REPO_ROOT, "tests", "output", ".artifact-test-probe")
    with open(probe_file, "w", encoding="utf-8") as handle:
        handle.write("must not be packaged\n")
    try:
        _run([ANSIBLE_GALAXY, "collection", "build", "--force", "--output-path", str(out_dir), REPO_ROOT],
             _env(tmp, str(tmp / "collections")))
    finally:
        os.unlink(probe_file)
        for path in reversed(probes):
            try:
                os.rmdir(path)
            except OSError:
                pass
    tarball = os.path.join(str(out_dir), "zoho-bigin-%s.tar.gz" % _galaxy_version())
    assert os.path.isfile(tarball), os.listdir(str(out_dir))
    return tarball


def test_artifact_contents(artifact: str) -> None:
    with tarfile.open(artifact) as tar:
        names = [name[2:] if name.startswith("./") else name for name in tar.getnames()]
        manifest = json.load(tar.extractfile("MANIFEST.json"))  # type: ignore[arg-type]
    leaked = sorted(n for n in names if n.startswith(EXCLUDED_PREFIXES) or "/__pycache__" in "/" + n)
    assert not leaked, "development files in the artifact: %s" % leaked[:20]
    missing = [f for f in REQUIRED_FILES if f not in names]
    assert not missing, "missing from the artifact: %s" % missing
    info = manifest["collection_info"]
    assert (info["namespace"], info["name"], info["version"]) == ("zoho", "bigin", _galaxy_version())


def test_installed_artifact_runs_against_simulator(artifact: str, sim: BiginSimulator, tmp_path: t.Any) -> None:
    collections_dir = str(tmp_path / "collections")
    env = _env(tmp_path, collections_dir)
    _run([ANSIBLE_GALAXY, "collection", "install", "--offline", "-p", collections_dir, artifact], env)
    installed = os.path.join(collections_dir, "ansible_collections", "zoho", "bigin")
    assert os.path.isfile(os.path.join(installed, "plugins", "modules", "bigin_photo.py"))

    sim.add_record("Contacts", RECORD, photo=PNG_1x1)
    playbook = [{
        "name": "remove a photo with the installed collection",
        "hosts": "localhost",
        "gather_facts": False,
        "tasks": [{
            "name": "Remove the contact's photo",
            "zoho.bigin.bigin_photo": {
                "module": "Contacts",
                "record_id": RECORD,
                "state": "absent",
                "access_token": ACCESS_TOKEN,
                "api_domain": sim.url,
            },
            "register": "removed",
        }, {
            "name": "Check the result",
            "ansible.builtin.assert": {"that": ["removed is changed"]},
        }],
    }]
    path = tmp_path / "playbook.yml"
    path.write_text(yaml.safe_dump(playbook, sort_keys=False))
    proc = _run([ANSIBLE_PLAYBOOK, "-i", "localhost,", "-c", "local", str(path)], env, cwd=str(tmp_path))

    assert sim.photo("Contacts", RECORD) is None, proc.stdout
    deletes = sim.api_requests("DELETE")
    assert len(deletes) == 1, deletes
