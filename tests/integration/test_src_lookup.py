# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where ``src`` is found: the bigin_photo action plugin, through the real ansible-playbook.

Each test lays out a small project in tmp_path (a playbook, a role ``brand`` with
``files/logo.png``, the playbook's own ``files/``) and starts ansible-playbook in
another directory, ``elsewhere/``, as a user would from a checkout root or a CI job.
The role's and the playbook's ``logo.png`` differ, so the uploaded bytes tell which
one was found. "Remote" hosts use the test-only connection ``remote_like``
(connection_plugins/remote_like.py): this machine, reached as a remote host is, so the
file goes through put_file into the host's ``ansible_remote_tmp``.
"""

from __future__ import annotations

import json
import os
import sys
import typing as t

import pytest
import yaml

from tests.conftest import NO_API_CALLS, sha, wait_for
from tests.integration.conftest import C1, C2, PHOTO, connection, photo_path, run_playbook
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_GREEN, PNG_RED, BiginSimulator

CONNECTION_PLUGINS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "connection_plugins")


class Project:
    """A playbook directory with the role ``brand``, run from ``elsewhere``."""

    def __init__(self, tmp_path: t.Any, sim: BiginSimulator):
        self.tmp_path = tmp_path
        self.sim = sim
        self.root = tmp_path / "project"
        self.role = self.root / "roles" / "brand"
        (self.role / "files").mkdir(parents=True)
        (self.role / "tasks").mkdir()
        (self.root / "files").mkdir()
        (self.role / "files" / "logo.png").write_bytes(PNG_RED)
        (self.root / "files" / "logo.png").write_bytes(PNG_BLUE)
        self.elsewhere = tmp_path / "elsewhere"
        self.elsewhere.mkdir()
        self.remote_tmp = tmp_path / "remote-tmp"
        self.transfers = tmp_path / "transfers.jsonl"

    def role_tasks(self, tasks: list[dict[str, t.Any]]) -> None:
        (self.role / "tasks" / "main.yml").write_text(yaml.safe_dump(tasks, sort_keys=False))

    def run(self, tasks: list[dict[str, t.Any]] | None = None, roles: list[str] | None = None, hosts: str = "localhost",
            check: bool = False, diff: bool = False, defaults: dict[str, t.Any] | None = None) -> t.Any:
        """Write site.yml (module_defaults: the simulator's connection, plus ``defaults``) and run it from elsewhere/."""
        module_defaults: dict[str, t.Any] = {"group/zoho.bigin.all": connection(self.sim)}
        module_defaults.update(defaults or {})
        play: dict[str, t.Any] = {"name": "src lookup", "hosts": hosts, "gather_facts": False,
                                  "module_defaults": module_defaults}
        if roles:
            play["roles"] = roles
        if tasks:
            play["tasks"] = tasks
        playbook = self.root / "site.yml"
        playbook.write_text(yaml.safe_dump([play], sort_keys=False))
        inventory = self.tmp_path / "hosts.yml"
        inventory.write_text(yaml.safe_dump({"all": {"hosts": {
            "localhost": {"ansible_connection": "local", "ansible_python_interpreter": sys.executable},
            # This machine as a remote host: its own remote tmp, files sent with put_file.
            "target": {"ansible_connection": "remote_like", "ansible_python_interpreter": sys.executable,
                       "ansible_remote_tmp": str(self.remote_tmp)},
        }}}))
        env = {"ANSIBLE_CONNECTION_PLUGINS": CONNECTION_PLUGINS, "REMOTE_LIKE_LOG": str(self.transfers)}
        return run_playbook(self.tmp_path, playbook, inventory, self.elsewhere, check=check, diff=diff, env=env)

    def sent(self, name: str) -> list[dict[str, str]]:
        """The put_file transfers of files called ``name`` to the remote_like host."""
        if not self.transfers.exists():
            return []
        lines = [json.loads(line) for line in self.transfers.read_text().splitlines() if line.strip()]
        return [entry for entry in lines if os.path.basename(entry["out"]) == name]


@pytest.fixture
def project(tmp_path: t.Any, sim: BiginSimulator) -> Project:
    return Project(tmp_path, sim)


def upload(name: str, record_id: str, **args: t.Any) -> dict[str, t.Any]:
    return {"name": name, PHOTO: dict({"module": "Contacts", "record_id": record_id}, **args)}


def uploaded_file(sim: BiginSimulator, record_id: str = C1) -> tuple[bytes | None, str | None]:
    """The record's photo now, and the file name the (only) upload sent."""
    (post,) = sim.api_requests("POST")
    return sim.photo("Contacts", record_id), post.get("filename")


def test_role_files_are_found_from_any_working_directory(sim: BiginSimulator, project: Project) -> None:
    """The issue's task: a role with files/logo.png and src: logo.png, ansible-playbook started elsewhere."""
    sim.add_record("Contacts", C1)
    project.role_tasks([upload("logo", C1, src="logo.png")])
    result = project.run(roles=["brand"])

    assert result.succeeded, result.output
    assert result.task()["changed"] is True
    # The role's file (red), not the playbook's files/logo.png (blue) nor anything in the working directory.
    assert sim.photo("Contacts", C1) == PNG_RED
    assert uploaded_file(sim) == (PNG_RED, "logo.png")
    assert os.listdir(project.elsewhere) == []


def test_playbook_relative_paths_from_another_working_directory(sim: BiginSimulator, project: Project) -> None:
    """files/<name> and <name> (the README's two spellings) find the playbook's files/; other paths its directory."""
    sim.add_record("Contacts", C1)
    sim.add_record("Contacts", C2)
    sim.add_record("Contacts", "3000000038007")
    (project.root / "images").mkdir()
    (project.root / "images" / "green.png").write_bytes(PNG_GREEN)
    result = project.run(tasks=[
        upload("files/ spelled out", C1, src="files/logo.png"),
        upload("bare name", C2, src="logo.png"),
        upload("relative to the playbook", "3000000038007", src="images/green.png"),
    ])

    assert result.succeeded, result.output
    assert sim.photo("Contacts", C1) == PNG_BLUE
    assert sim.photo("Contacts", C2) == PNG_BLUE
    assert sim.photo("Contacts", "3000000038007") == PNG_GREEN


def test_absolute_path_is_used_as_given(sim: BiginSimulator, project: Project, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", C1)
    outside = tmp_path / "outside" / "logo.png"  # same name as the role's and the playbook's files
    outside.parent.mkdir()
    outside.write_bytes(PNG_GREEN)
    project.role_tasks([upload("absolute", C1, src=str(outside))])
    result = project.run(roles=["brand"])

    assert result.succeeded, result.output
    assert sim.photo("Contacts", C1) == PNG_GREEN


def test_not_found_names_every_place_searched_and_sends_nothing(sim: BiginSimulator, project: Project) -> None:
    sim.add_record("Contacts", C1)
    project.role_tasks([dict(upload("missing", C1, src="missing.png"), ignore_errors=True)])
    result = project.run(roles=["brand"], tasks=[dict(upload("missing in the play", C1, src="nope/missing.png"),
                                                      ignore_errors=True)])

    assert [task["_status"] for task in result.tasks] == ["failed", "failed"], result.output
    in_role, in_play = result.tasks
    message = in_role["msg"]
    assert message.startswith("src: missing.png was not found on the Ansible controller; searched, in order: ")
    role, root = str(project.role), str(project.root)
    searched = message.split("searched, in order: ", 1)[1].split(". For a path", 1)[0].split(", ")
    # The role's files/ first, the playbook's files/ and directory last; ansible-core's order in between.
    assert searched[0] == os.path.join(role, "files", "missing.png")
    assert searched[-2:] == [os.path.join(root, "files", "missing.png"), os.path.join(root, "missing.png")]
    assert os.path.join(role, "tasks", "missing.png") in searched
    assert "remote_src: true" in message
    assert in_play["msg"].startswith("src: nope/missing.png was not found")
    assert os.path.join(root, "files", "nope", "missing.png") in in_play["msg"]
    for task in result.tasks:
        assert task["changed"] is False and task["api_calls"] == NO_API_CALLS
        assert "Traceback" not in json.dumps(task)
    assert sim.requests == []


def test_remote_host_receives_the_file_and_the_copy_is_removed(sim: BiginSimulator, project: Project) -> None:
    sim.add_record("Contacts", C1)
    project.remote_tmp.mkdir()
    project.role_tasks([upload("logo", C1, src="logo.png")])
    result = project.run(roles=["brand"], hosts="target")

    assert result.succeeded, result.output
    assert sim.photo("Contacts", C1) == PNG_RED
    assert uploaded_file(sim) == (PNG_RED, "logo.png")
    (sent,) = project.sent("logo.png")
    assert sent["in"] == str(project.role / "files" / "logo.png")
    # Into a fresh directory under the host's remote tmp, which is gone after the task.
    assert os.path.dirname(os.path.dirname(sent["out"])) == str(project.remote_tmp)
    assert os.listdir(project.remote_tmp) == []


def test_check_mode_on_a_remote_host_sends_no_post(sim: BiginSimulator, project: Project) -> None:
    sim.add_record("Contacts", C1, photo=PNG_BLUE)
    project.remote_tmp.mkdir()
    project.role_tasks([upload("logo", C1, src="logo.png")])
    result = project.run(roles=["brand"], hosts="target", check=True, diff=True)

    assert result.succeeded, result.output
    task = result.task()
    assert task["changed"] is True
    record = task["records"][0]
    assert record["before"]["sha256"] == sha(PNG_BLUE) and record["after"]["sha256"] == sha(PNG_RED)
    assert task["diff"][0]["after"]["sha256"] == sha(PNG_RED)
    assert [entry["method"] for entry in sim.api_requests()] == ["GET"]
    assert sim.photo("Contacts", C1) == PNG_BLUE
    assert len(project.sent("logo.png")) == 1 and os.listdir(project.remote_tmp) == []


def test_a_controller_directory_is_not_copied_to_a_remote_host(sim: BiginSimulator, project: Project,
                                                               tmp_path: t.Any) -> None:
    """Restoring on another host needs remote_src: true; the controller's directory is refused, not sent."""
    sim.add_record("Contacts", C1)
    backups = tmp_path / "backups"
    backups.mkdir()
    (backups / ("Contacts-%s.png" % C1)).write_bytes(PNG_GREEN)
    project.remote_tmp.mkdir()
    result = project.run(hosts="target", tasks=[
        dict(upload("controller directory", C1, src=str(backups)), ignore_errors=True),
        upload("directory on the target", C1, src=str(backups), remote_src=True),
    ])

    refused, restored = result.tasks
    assert refused["_status"] == "failed"
    assert refused["msg"].startswith("src: %s is a directory on the Ansible controller" % backups)
    assert "remote_src: true" in refused["msg"] and refused["api_calls"] == NO_API_CALLS
    assert project.sent("Contacts-%s.png" % C1) == []
    # remote_src: the module reads the directory where it runs (this machine), nothing is sent.
    assert restored["_status"] == "ok" and restored["changed"] is True, result.output
    assert sim.photo("Contacts", C1) == PNG_GREEN
    assert [(e["method"], e["path"]) for e in sim.api_requests()] == [
        ("GET", photo_path(C1)), ("POST", photo_path(C1)), ("GET", photo_path(C1))]  # the last reads it back


def test_a_controller_directory_restores_on_the_controller(sim: BiginSimulator, project: Project) -> None:
    """A directory src is looked up like a file (here the playbook's files/backups) and used in place."""
    sim.add_record("Contacts", C1)
    (project.root / "files" / "backups").mkdir()
    (project.root / "files" / "backups" / ("Contacts-%s.png" % C1)).write_bytes(PNG_GREEN)
    result = project.run(tasks=[{"name": "restore", PHOTO: {"module": "Contacts", "src": "backups"}}])

    assert result.succeeded, result.output
    assert result.task()["records"][0]["record_id"] == C1
    assert sim.photo("Contacts", C1) == PNG_GREEN


def test_remote_src_true_takes_the_path_as_it_is(sim: BiginSimulator, project: Project) -> None:
    """No lookup with remote_src: the module gets logo.png and finds nothing in its working directory."""
    sim.add_record("Contacts", C1)
    project.role_tasks([dict(upload("remote", C1, src="logo.png", remote_src=True), ignore_errors=True)])
    result = project.run(roles=["brand"])

    task = result.task()
    assert task["_status"] == "failed"
    assert task["msg"].startswith("src: logo.png does not exist or is not a file")
    assert sim.requests == []


def test_module_defaults_apply_to_the_action(sim: BiginSimulator, project: Project) -> None:
    """The group's connection options and a module's own defaults (src here) reach the action and the module."""
    sim.add_record("Contacts", C1, photo=PNG_BLUE)
    sim.add_record("Contacts", C2)
    project.role_tasks([
        {"name": "src from module_defaults", PHOTO: {"module": "Contacts", "record_id": C1}},
        {"name": "src from module_defaults, force false",
         PHOTO: {"module": "Contacts", "record_id": C2, "force": False}},
    ])
    result = project.run(roles=["brand"], defaults={PHOTO: {"src": "logo.png"}})

    assert result.succeeded, result.output
    replaced, added = result.tasks
    assert replaced["changed"] is True and added["changed"] is True
    assert sim.photo("Contacts", C1) == PNG_RED and sim.photo("Contacts", C2) == PNG_RED


def test_state_absent_does_not_look_src_up(sim: BiginSimulator, project: Project) -> None:
    """src is ignored with state=absent (as documented): a src found nowhere does not fail the task."""
    sim.add_record("Contacts", C1, photo=PNG_BLUE)
    result = project.run(tasks=[upload("delete", C1, state="absent", src="not-there.png")])

    assert result.succeeded, result.output
    assert sim.photo("Contacts", C1) is None


@pytest.mark.parametrize("hosts", ["localhost", "target"])
def test_async_task_finds_and_uploads_src(sim: BiginSimulator, project: Project, hosts: str) -> None:
    """With async the module runs in the background; a file sent to a remote host stays until the job ends."""
    sim.add_record("Contacts", C1)
    project.remote_tmp.mkdir()
    project.role_tasks([dict(upload("logo", C1, src="logo.png"), **{"async": 60, "poll": 1})])
    result = project.run(roles=["brand"], hosts=hosts)

    assert result.succeeded, result.output
    assert sim.photo("Contacts", C1) == PNG_RED
    if hosts == "target":
        assert len(project.sent("logo.png")) == 1
        # async_wrapper removes its directory, the file with it, once the job has written its result.
        assert wait_for(lambda: os.listdir(project.remote_tmp) == [], 10), os.listdir(project.remote_tmp)
