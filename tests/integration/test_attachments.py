# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bigin_attachment and bigin_attachment_info with the real ansible-playbook against the simulator.

Each state, idempotence (a second run is ok and sends no write), check mode (no write, an
estimate equal to the real run's count), diff, backups before deletes, all_attachments,
force false, scope pairs, the request budget, src found through the action plugin (the
playbook's files/, a role's files/ sent to another host), and a 25 MB file streamed both
ways with the module process's peak memory measured.
"""

from __future__ import annotations

import collections
import json
import os
import sys
import typing as t

import pytest

from tests.conftest import ACCESS_TOKEN, NO_API_CALLS, assert_no_secrets, sha
from tests.integration.conftest import C1, C2, C3, PlayResult
from tests.integration.test_src_lookup import Project
from tests.simulator.bigin_simulator import ATTACHMENT_SCOPE_ALL, BiginSimulator

ATTACHMENT = "zoho.bigin.bigin_attachment"
ATTACHMENT_INFO = "zoho.bigin.bigin_attachment_info"
PDF = b"%PDF-1.4 signed contract\n" + bytes(range(256)) * 64
PDF_OLD = PDF.replace(b"signed", b"draft!")  # the same size, another content
NOTES = b"call back on Monday\n"


@pytest.fixture
def att_sim(sim: BiginSimulator) -> BiginSimulator:
    """The simulator with records C1..C3, its token holding both halves of the attachment scope pairs."""
    sim.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", ATTACHMENT_SCOPE_ALL))
    for record_id in (C1, C2, C3):
        sim.add_record("Contacts", record_id)
    return sim


@pytest.fixture
def files(tmp_path: t.Any) -> t.Any:
    """The playbook's files/ directory (the play fixture writes the playbook to tmp_path)."""
    directory = tmp_path / "files"
    directory.mkdir()
    (directory / "contract.pdf").write_bytes(PDF)
    return directory


def task(title: str, record_id: t.Any = C1, module: str = ATTACHMENT, **args: t.Any) -> dict[str, t.Any]:
    options: dict[str, t.Any] = {"module": "Contacts"}
    if record_id is not None:
        options["record_id"] = record_id
    options.update(args)
    return {"name": title, module: options, "ignore_errors": True}


def writes(sim: BiginSimulator) -> collections.Counter:
    return collections.Counter(e["method"] for e in sim.api_requests() if e["method"] in ("POST", "DELETE"))


def stored(sim: BiginSimulator, record_id: str = C1) -> list[tuple[str, bytes | None]]:
    return [(att["name"], att["data"]) for att in sim.attachments("Contacts", record_id)]


def ok(result: PlayResult, name: str) -> dict[str, t.Any]:
    found = result.by_name()[name]
    assert found["_status"] == "ok", (name, found.get("msg"), result.output[-3000:])
    return found


# -- each state, idempotence, diff, src from the playbook's files/ ---------------------------------------

def test_present_absent_idempotent_with_diff(att_sim: BiginSimulator, files: t.Any, play: t.Callable[..., PlayResult]) -> None:
    att_sim.add_attachment("Contacts", C1, "notes.txt", NOTES)
    result = play([
        task("upload", src="contract.pdf"),  # found in the playbook's files/ by the action plugin
        task("upload again", src="contract.pdf"),
        task("info", module=ATTACHMENT_INFO, checksum=True),
        task("delete", state="absent", name="contract.pdf"),
        task("delete again", state="absent", name="contract.pdf"),
    ], diff=True)
    tasks = {name: ok(result, name) for name in ("upload", "upload again", "info", "delete", "delete again")}

    upload = tasks["upload"]
    assert upload["changed"] and upload["api_calls"]["by_method"] == {"GET": 1, "POST": 1, "DELETE": 0}
    (record,) = upload["records"]
    assert record["uploaded"] and record["after"][-1] == {"id": record["uploaded"][0], "file_name": "contract.pdf",
                                                          "size": len(PDF), "sha256": sha(PDF)}
    (diff,) = upload["diff"]
    assert [a["file_name"] for a in diff["before"]["attachments"]] == ["notes.txt"]
    assert [a["file_name"] for a in diff["after"]["attachments"]] == ["notes.txt", "contract.pdf"]

    again = tasks["upload again"]
    # The list, and one download of the same-named, same-size attachment to compare its SHA-256: no POST.
    assert not again["changed"] and again["api_calls"]["by_method"] == {"GET": 2, "POST": 0, "DELETE": 0}
    assert again["records"][0]["uploaded"] == []

    info = {a["file_name"]: a for a in tasks["info"]["records"][0]["attachments"]}
    assert info["contract.pdf"]["sha256"] == sha(PDF) and info["notes.txt"]["sha256"] == sha(NOTES)
    assert info["contract.pdf"]["size"] == len(PDF) and info["contract.pdf"]["type"] == "Attachment"
    assert info["contract.pdf"]["created_by"]["name"] and info["contract.pdf"]["created_time"]

    assert tasks["delete"]["changed"] and tasks["delete"]["records"][0]["deleted"] == [record["uploaded"][0]]
    assert tasks["delete"]["api_calls"]["by_method"] == {"GET": 1, "POST": 0, "DELETE": 1}
    assert not tasks["delete again"]["changed"]
    assert tasks["delete again"]["api_calls"]["by_method"] == {"GET": 1, "POST": 0, "DELETE": 0}

    assert stored(att_sim) == [("notes.txt", NOTES)]
    assert writes(att_sim) == {"POST": 1, "DELETE": 1}
    (post,) = att_sim.api_requests("POST")
    assert post["filename"] == "contract.pdf" and post["size"] == len(PDF)
    assert_no_secrets(result.output)


# -- check mode ---------------------------------------------------------------------------------

def test_check_mode_writes_nothing_and_estimates_the_real_run(att_sim: BiginSimulator, files: t.Any, tmp_path: t.Any,
                                                              play: t.Callable[..., PlayResult]) -> None:
    att_sim.add_attachment("Contacts", C1, "contract.pdf", PDF_OLD)  # same name, other content: uploaded
    att_sim.add_attachment("Contacts", C2, "contract.pdf", PDF)  # the same content: left alone
    for name in ("a.txt", "b.txt"):
        att_sim.add_attachment("Contacts", C3, name, NOTES)
    att_sim.add_attachment("Contacts", C3, "site", link_url="https://example.com/")
    backups = tmp_path / "backups"
    tasks = [
        task("upload", record_id=[C1, C2], src="contract.pdf"),
        task("clear", record_id=C3, state="absent", all_attachments=True, backup_dir=str(backups)),
    ]
    before = {rid: stored(att_sim, rid) for rid in (C1, C2, C3)}

    checked = play(tasks, check=True)
    upload, clear = ok(checked, "upload"), ok(checked, "clear")
    assert upload["changed"] and clear["changed"]
    assert writes(att_sim) == {} and {rid: stored(att_sim, rid) for rid in (C1, C2, C3)} == before
    assert not backups.exists()  # not even the directory
    assert len(clear["records"][0]["deleted"]) == 3 and clear["records"][0]["after"] == []

    att_sim.clear_log()
    real = play(tasks)
    real_upload, real_clear = ok(real, "upload"), ok(real, "clear")
    assert upload["api_calls_estimate"] == real_upload["api_calls"]["total"] == 2 + 2 + 1  # 2 lists, 2 downloads, 1 POST
    assert clear["api_calls_estimate"] == real_clear["api_calls"]["total"] == 1 + 2 + 3  # list, 2 backups, 3 deletes
    assert [r["changed"] for r in real_upload["records"]] == [True, False]
    assert stored(att_sim, C3) == []


# -- backups before deletes ------------------------------------------------------------------------

def test_backups_are_complete_before_each_delete(att_sim: BiginSimulator, tmp_path: t.Any,
                                                 play: t.Callable[..., PlayResult]) -> None:
    first = att_sim.add_attachment("Contacts", C1, "../../report.pdf", PDF)
    second = att_sim.add_attachment("Contacts", C1, ".env", NOTES)
    keep = att_sim.add_attachment("Contacts", C2, "report.pdf", PDF)
    backups = tmp_path / "backups"
    result = play([task("clear", record_id=C1, state="absent", all_attachments=True, backup_dir=str(backups))])
    clear = ok(result, "clear")

    names = {"Contacts-%s-%s-_.._report.pdf" % (C1, first): PDF, "Contacts-%s-%s-env" % (C1, second): NOTES}
    assert sorted(os.listdir(backups)) == sorted(names)  # no temporary file left, no path outside backup_dir
    for name, data in names.items():
        assert (backups / name).read_bytes() == data
        assert oct(os.stat(backups / name).st_mode & 0o777) == "0o600"
    assert sorted(clear["records"][0]["backup_files"]) == sorted(str(backups / name) for name in names)
    log = ["%s %s" % (e["method"], e["path"].rsplit("/", 1)[-1]) for e in att_sim.api_requests()]
    for att_id in (first, second):
        assert log.index("GET " + att_id) < log.index("DELETE " + att_id)
    assert stored(att_sim) == [] and [a["id"] for a in att_sim.attachments("Contacts", C2)] == [keep]


def test_a_failed_backup_leaves_the_attachment(att_sim: BiginSimulator, tmp_path: t.Any,
                                               play: t.Callable[..., PlayResult]) -> None:
    att_id = att_sim.add_attachment("Contacts", C1, "a.pdf", PDF)
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o700)
    (backups / ("Contacts-%s-%s-a.pdf" % (C1, att_id))).write_bytes(b"not this attachment")
    att_sim.add_attachment("Contacts", C2, "a.pdf", PDF)
    result = play([task("delete", record_id=[C1, C2], state="absent", name="a.pdf", backup_dir=str(backups))])
    failed = result.by_name()["delete"]
    assert failed["_status"] == "failed" and "1 of 2 records failed" in failed["msg"]
    assert failed["records"][0]["error"]["code"] == "BACKUP_FAILED"
    assert "exists with other content" in failed["records"][0]["error"]["message"]
    assert stored(att_sim, C1) == [("a.pdf", PDF)] and stored(att_sim, C2) == []
    assert writes(att_sim) == {"DELETE": 1}


# -- force false, input errors, the upload limit, the request budget ---------------------------------------

def test_force_false_budget_and_input_errors(att_sim: BiginSimulator, files: t.Any, tmp_path: t.Any,
                                             play: t.Callable[..., PlayResult]) -> None:
    att_sim.add_attachment("Contacts", C1, "contract.pdf", PDF_OLD)
    att_sim.add_attachment("Contacts", C2, "contract.pdf", PDF_OLD + b"other size")
    att_sim.add_attachment("Contacts", C2, "unrelated.pdf", PDF)
    huge = tmp_path / "files" / "huge.bin"
    with open(huge, "wb") as handle:  # sparse: 100 MB and one byte, nothing written
        handle.truncate(100 * 1024 * 1024 + 1)
    result = play([
        task("keep", record_id=[C1, C2, C3], src="contract.pdf", force=False),
        task("replace", record_id=[C1, C2, C3], src="contract.pdf", name="contract.pdf"),
        task("too large", src="huge.bin"),
        task("missing", src="nowhere.pdf"),
        task("no name", state="absent"),
        task("remote src", record_id=C3, src=str(files / "contract.pdf"), remote_src=True, name="copy.pdf"),
    ])
    keep = ok(result, "keep")
    # C1 and C2 keep theirs (one list each); C3 has none of that name: list + POST.
    assert [r["changed"] for r in keep["records"]] == [False, False, True]
    assert keep["api_calls"]["by_method"] == {"GET": 3, "POST": 1, "DELETE": 0}

    replace = ok(result, "replace")
    # C1: same size, other content (downloaded, then uploaded); C2: another size (no download); C3: has it now.
    assert [r["changed"] for r in replace["records"]] == [True, True, False]
    assert replace["api_calls"]["by_method"] == {"GET": 3 + 2, "POST": 2, "DELETE": 0}
    assert sorted(data for name, data in stored(att_sim, C1) if name == "contract.pdf") == sorted([PDF_OLD, PDF])

    by_name = result.by_name()
    for name, message in (("too large", "larger than 100 MB (104857601 bytes)"),
                          ("missing", "nowhere.pdf was not found on the Ansible controller; searched"),
                          ("no name", "name: required with state=absent")):
        assert by_name[name]["_status"] == "failed" and message in by_name[name]["msg"], by_name[name]["msg"]
        assert by_name[name]["api_calls"] == NO_API_CALLS
    assert [name for name, _data in stored(att_sim, C3)] == ["contract.pdf", "copy.pdf"]
    assert ok(result, "remote src")["changed"]


def test_request_budget_of_a_listed_selection(att_sim: BiginSimulator, play: t.Callable[..., PlayResult]) -> None:
    for record_id in (C1, C2):
        att_sim.add_attachment("Contacts", record_id, "old.pdf", PDF_OLD)
    result = play([task("purge", record_id=None, all_records=True, state="absent", name="old.pdf")])
    purge = ok(result, "purge")
    # One page of the record list, one attachment list per record, one DELETE per attachment of that name.
    paths = [e["path"].split("/", 3)[3] for e in att_sim.api_requests()]
    assert paths.count("Contacts") == 1
    assert sorted(p for p in paths if p.endswith("/Attachments")) == sorted("Contacts/%s/Attachments" % r for r in (C1, C2, C3))
    assert purge["api_calls"]["by_method"] == {"GET": 1 + 3, "POST": 0, "DELETE": 2}
    assert purge["summary"] == {"selected": 3, "changed": 2, "unchanged": 1, "failed": 0, "skipped": 0, "not_attempted": 0}


# -- scope pairs -----------------------------------------------------------------------------------

def test_a_token_without_the_attachment_scope_fails_naming_both(sim: BiginSimulator, files: t.Any,
                                                                play: t.Callable[..., PlayResult]) -> None:
    for record_id in (C1, C2):
        sim.add_record("Contacts", record_id)  # the token has ZohoBigin.modules.ALL only
    result = play([task("upload", record_id=[C1, C2], src="contract.pdf", concurrency=1),
                   task("info", module=ATTACHMENT_INFO)])
    for name, scope in (("upload", "ZohoBigin.modules.attachments.READ"), ("info", "ZohoBigin.modules.attachments.READ")):
        failed = result.by_name()[name]
        assert failed["_status"] == "failed"
        error = failed["records"][0]["error"]
        assert error["code"] == "OAUTH_SCOPE_MISMATCH"
        assert scope in failed["msg"] and "ZohoBigin.modules.contacts.READ" in failed["msg"]
        assert "ZohoBigin.modules.attachments.ALL" in error["resolution"]
    upload = result.by_name()["upload"]
    assert upload["summary"]["not_attempted"] == 1 and upload["api_calls"]["total"] == 1  # the second record is spared
    assert sim.api_requests("POST") == []


# -- src from a role, sent to another host ------------------------------------------------------------

def test_role_file_is_sent_to_a_remote_host(sim: BiginSimulator, tmp_path: t.Any) -> None:
    sim.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", ATTACHMENT_SCOPE_ALL))
    sim.add_record("Contacts", C1)
    project = Project(tmp_path, sim)
    (project.role / "files" / "terms.txt").write_bytes(NOTES)
    project.remote_tmp.mkdir()
    project.role_tasks([{"name": "attach", ATTACHMENT: {"module": "Contacts", "record_id": C1, "src": "terms.txt"}}])
    result = project.run(roles=["brand"], hosts="target")
    assert result.succeeded, result.output
    assert stored(sim) == [("terms.txt", NOTES)]
    (sent,) = project.sent("terms.txt")
    assert sent["in"] == str(project.role / "files" / "terms.txt")
    assert os.listdir(project.remote_tmp) == []  # the copy is removed after the task


# -- 25 MB, streamed both ways, bounded memory ---------------------------------------------------------

RSS_WRAPPER = '''#!{python}
import atexit, os, resource, runpy, sys

def _record():
    with open(os.environ["ATTACHMENT_RSS_FILE"], "a") as handle:
        handle.write("%d\\n" % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)

del sys.argv[0]
sys.path[0] = os.path.dirname(os.path.abspath(sys.argv[0]))
atexit.register(_record)
runpy.run_path(sys.argv[0], run_name="__main__")
'''
BIG = 25 * 1024 * 1024


def test_25_mb_streamed_with_bounded_memory(att_sim: BiginSimulator, tmp_path: t.Any, files: t.Any,
                                            play: t.Callable[..., PlayResult]) -> None:
    chunk = os.urandom(1024 * 1024)
    big = files / "video.mp4"
    with open(big, "wb") as handle:
        for i in range(25):
            handle.write(bytes([i]) + chunk[1:])
    data = big.read_bytes()
    wrapper = tmp_path / "rss-python"
    wrapper.write_text(RSS_WRAPPER.format(python=sys.executable))
    wrapper.chmod(0o755)
    rss_file = tmp_path / "rss.txt"
    result = play([
        task("baseline", module=ATTACHMENT_INFO, record_id=C2),
        task("upload", src="video.mp4"),
        task("checksum", module=ATTACHMENT_INFO, checksum=True),
    ], env={"ANSIBLE_PYTHON_INTERPRETER": str(wrapper), "ANSIBLE_PIPELINING": "False",
            "ATTACHMENT_RSS_FILE": str(rss_file)})
    upload, checksum = ok(result, "upload"), ok(result, "checksum")
    assert upload["api_calls"]["by_method"] == {"GET": 1, "POST": 1, "DELETE": 0}
    assert checksum["api_calls"]["by_method"] == {"GET": 2, "POST": 0, "DELETE": 0}
    assert checksum["records"][0]["attachments"][0]["sha256"] == sha(data)
    assert stored(att_sim)[0][1] == data

    baseline, upload_peak, checksum_peak = [int(line) // 1024 for line in rss_file.read_text().split()]  # KiB -> MiB
    record = {"baseline_mib": baseline, "upload_peak_mib": upload_peak, "checksum_peak_mib": checksum_peak}
    (tmp_path / "rss.json").write_text(json.dumps(record))
    print("peak RSS of the module processes:", record)
    # A buffered upload holds the file and the multipart body (2 x 25 MB); a buffered download the body (25 MB).
    assert upload_peak - baseline < 15, record
    assert checksum_peak - baseline < 15, record
    assert upload_peak < 100 and checksum_peak < 100, record


# -- documentation ----------------------------------------------------------------------------------

def test_ansible_doc_renders_both_modules_with_the_fragments() -> None:
    from tests.integration.test_docs import CONNECTION_OPTIONS, ansible_doc  # pylint: disable=import-outside-toplevel

    proc = ansible_doc("--json", ATTACHMENT, ATTACHMENT_INFO)
    assert proc.returncode == 0, proc.stderr
    docs = json.loads(proc.stdout)
    for name, own in ((ATTACHMENT, {"src", "name", "state", "force", "all_attachments", "backup_dir", "remote_src", "report"}),
                      (ATTACHMENT_INFO, {"checksum", "report"})):
        doc = docs[name]["doc"]
        assert CONNECTION_OPTIONS | {"module", "record_id", "criteria", "all_records", "concurrency"} | own <= set(doc["options"])
        assert doc["attributes"]["check_mode"]["support"] == "full"
        assert doc["attributes"]["action_group"]["membership"] == ["zoho.bigin.all"]
        assert {"records", "summary", "api_calls"} <= set(docs[name]["return"])
    assert docs[ATTACHMENT]["doc"]["attributes"]["diff_mode"]["support"] == "full"
