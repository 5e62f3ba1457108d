# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The execution environment examples: the ansible-builder definition and the ansible-navigator settings.

``examples/execution-environment.yml`` must name the artifact of this checkout's version,
``ansible-builder create`` must turn it into a complete build context (no container
engine needed), and the installed collection's ``meta/execution-environment.yml`` must
give ansible-builder its Python dependency. ``examples/ansible-navigator.yml`` must run
the image that definition's header builds and pass in the credential variables the
modules read. Everything happens in tmp_path; nothing is pulled or built.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import typing as t

import pytest
import yaml

from tests.conftest import REPO_ROOT

BIN_DIR = os.path.dirname(sys.executable)
DEFINITION = os.path.join(REPO_ROOT, "examples", "execution-environment.yml")
NAVIGATOR = os.path.join(REPO_ROOT, "examples", "ansible-navigator.yml")
CONNECTION_FRAGMENT = os.path.join(REPO_ROOT, "plugins", "doc_fragments", "connection.py")
# The variables that hold credentials and the data centre (README: Running at scale).
CREDENTIAL_VARIABLES = {"BIGIN_CLIENT_ID", "BIGIN_CLIENT_SECRET", "BIGIN_REFRESH_TOKEN", "BIGIN_DATA_CENTER"}


def _load(path: str) -> t.Any:
    with open(path, encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _version() -> str:
    return str(_load(os.path.join(REPO_ROOT, "galaxy.yml"))["version"])


def _run(command: list[str], cwd: str, tmp_path: t.Any) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ANSIBLE_", "BIGIN_"))}
    env.update({"PATH": BIN_DIR + os.pathsep + env.get("PATH", ""), "ANSIBLE_NOCOLOR": "1",
                "ANSIBLE_LOCAL_TEMP": str(tmp_path / "ansible-tmp"),
                "ANSIBLE_GALAXY_CACHE_DIR": str(tmp_path / "galaxy-cache"), "HOME": str(tmp_path)})
    proc = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, "%s failed (rc=%d)\n%s\n%s" % (
        " ".join(command), proc.returncode, proc.stdout, proc.stderr)
    return proc


def _tool(name: str) -> str:
    path = os.path.join(BIN_DIR, name)
    # Run once, by "make ee", in .venv (tests/requirements-dev.txt has the tools): missing is a failure.
    assert os.path.exists(path), "%s is not installed in this venv (tests/requirements-dev.txt has it)" % name
    return path


@pytest.fixture(scope="module")
def artifact(tmp_path_factory: t.Any) -> str:
    """This checkout built with ansible-galaxy, as "make build" does."""
    out = tmp_path_factory.mktemp("artifact")
    _run([os.path.join(BIN_DIR, "ansible-galaxy"), "collection", "build", "--output-path", str(out), REPO_ROOT],
         REPO_ROOT, out)
    path = os.path.join(str(out), "zoho-bigin-%s.tar.gz" % _version())
    assert os.path.isfile(path)
    return path


def _sha(path: str) -> str:
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def test_definition_names_this_version_of_the_collection() -> None:
    definition = _load(DEFINITION)
    assert definition["version"] == 3
    name = "zoho-bigin-%s.tar.gz" % _version()
    assert definition["dependencies"]["galaxy"]["collections"] == [{"name": name, "type": "file"}]
    assert definition["additional_build_files"] == [{"src": name, "dest": "."}]
    assert definition["dependencies"]["ansible_core"]["package_pip"].startswith("ansible-core>=2.18")


def test_navigator_settings_run_the_image_the_definition_builds() -> None:
    settings = _load(NAVIGATOR)["ansible-navigator"]
    ee = settings["execution-environment"]
    with open(DEFINITION, encoding="utf-8") as handle:
        tags = re.findall(r"ansible-builder build .*-t (\S+)", handle.read())
    assert tags and ee["image"] == tags[0]
    assert ee["enabled"] is True and ee["pull"]["policy"] == "missing"
    passed = set(ee["environment-variables"]["pass"])
    assert passed == CREDENTIAL_VARIABLES
    with open(CONNECTION_FRAGMENT, encoding="utf-8") as handle:
        fragment = handle.read()
    for variable in passed:  # each is one the modules really read
        assert "E(%s)" % variable in fragment, variable
    assert "set" not in ee["environment-variables"], "secrets are passed from the environment, never written here"
    assert settings["playbook-artifact"]["enable"] is False


def test_ansible_builder_create_writes_a_complete_build_context(artifact: str, tmp_path: t.Any) -> None:
    builder = _tool("ansible-builder")
    shutil.copy(DEFINITION, str(tmp_path / "execution-environment.yml"))
    shutil.copy(artifact, str(tmp_path))
    _run([builder, "create", "-f", "execution-environment.yml", "-c", "context"], str(tmp_path), tmp_path)

    context = tmp_path / "context"
    containerfiles = [context / name for name in ("Containerfile", "Dockerfile") if (context / name).exists()]
    assert len(containerfiles) == 1, sorted(os.listdir(str(context)))
    text = containerfiles[0].read_text()
    assert _load(DEFINITION)["images"]["base_image"]["name"] in text
    built = context / "_build"
    name = os.path.basename(artifact)
    assert _sha(str(built / name)) == _sha(artifact)
    assert _load(str(built / "requirements.yml")) == {"collections": [{"name": name, "type": "file"}]}
    for script in ("assemble", "introspect.py", "install-from-bindep"):
        assert (built / "scripts" / script).is_file(), script


def test_ansible_builder_finds_the_dependencies_of_the_installed_collection(artifact: str, tmp_path: t.Any) -> None:
    """meta/execution-environment.yml leads ansible-builder to requirements.txt (requests) and bindep.txt."""
    builder = _tool("ansible-builder")
    collections = tmp_path / "collections"
    _run([os.path.join(BIN_DIR, "ansible-galaxy"), "collection", "install", "-p", str(collections), artifact],
         str(tmp_path), tmp_path)
    proc = _run([builder, "introspect", "--sanitize", str(collections)], str(tmp_path), tmp_path)
    found = yaml.safe_load(proc.stdout)
    assert any(line.startswith("requests") and "zoho.bigin" in line for line in found["python"]), proc.stdout
    with open(os.path.join(REPO_ROOT, "bindep.txt"), encoding="utf-8") as handle:
        bindep = [line.split("#")[0].strip() for line in handle if line.split("#")[0].strip()]
    assert [line.split("#")[0].strip() for line in found["system"]] == bindep, proc.stdout
