# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""bigin_attachment_export through the real ansible-playbook against the simulator.

A first run writes every file, byte for byte; a rerun downloads nothing; a new attachment is the only
download of the next run; the request budget (one list per record and 200 attachments, one GET per
download); prune keeps the file of a deleted attachment in .versions and never touches a foreign file;
a file in the way fails its record only; check mode writes nothing and estimates the real run; a 25 MB
attachment is streamed with the module process's peak memory measured.
"""

from __future__ import annotations

import json
import os
import sys
import typing as t

import pytest

from tests.conftest import file_mode, sha
from tests.integration.conftest import C1, C2, C3, PlayResult
# att_sim: records C1..C3 and a token with both halves of the attachment scope pairs.
from tests.integration.test_attachments import RSS_WRAPPER, att_sim, ok  # noqa: F401  pylint: disable=unused-import
from tests.simulator.bigin_simulator import BiginSimulator

# The collection's own logic (files, manifest, budget), not what ansible-core does with it: one leg.
pytestmark = pytest.mark.default_core_only

EXPORT = "zoho.bigin.bigin_attachment_export"
MANIFEST = ".bigin-attachments.json"
PDF = b"%PDF-1.4 signed contract\n" + bytes(range(256)) * 64
NOTES = b"call back on Monday\n"


def export(name: str, dest: t.Any, record_id: t.Any = None, **args: t.Any) -> dict[str, t.Any]:
    """An export task of Contacts: the records given, or all of them."""
    options: dict[str, t.Any] = {"module": "Contacts", "dest": str(dest)}
    if record_id is None:
        options["all_records"] = True
    else:
        options["record_id"] = record_id
    options.update(args)
    return {"name": name, EXPORT: options, "ignore_errors": True}


def exported(dest: t.Any) -> dict[str, bytes]:
    """The export files in dest (relative path -> bytes): the records' directories, not the manifest or .versions."""
    found = {}
    for entry in sorted(os.listdir(dest)):
        directory = os.path.join(dest, entry)
        if entry.startswith(".") or not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            with open(os.path.join(directory, name), "rb") as handle:
                found[os.path.join(entry, name)] = handle.read()
    return found


def in_bigin(sim: BiginSimulator, *record_ids: str) -> dict[str, bytes]:
    """What an export of these records must hold: every file attachment, under its export name."""
    return {os.path.join("Contacts-" + record_id, "%s-%s" % (att["id"], att["name"])): att["data"]
            for record_id in record_ids for att in sim.attachments("Contacts", record_id) if att["data"] is not None}


def gets(sim: BiginSimulator) -> tuple[list[str], list[str]]:
    """(record ids whose attachment list was read, one per request; attachment ids downloaded), each sorted:
    records are worked on concurrently, in no set order."""
    paths = [e["path"] for e in sim.api_requests("GET")]
    lists = [p.split("/")[4] for p in paths if p.endswith("/Attachments")]
    return sorted(lists), sorted(p.rsplit("/", 1)[1] for p in paths if "/Attachments/" in p)


def inodes(dest: t.Any) -> dict[str, int]:
    return {name: os.stat(os.path.join(dest, name)).st_ino for name in exported(dest)}


# -- first run, rerun, a new attachment, the request budget ---------------------------------------------

def test_incremental_runs_and_the_request_budget(att_sim: BiginSimulator, tmp_path: t.Any,
                                                 play: t.Callable[..., PlayResult]) -> None:
    att_sim.add_attachment("Contacts", C1, "contract.pdf", PDF)
    att_sim.add_attachment("Contacts", C1, "notes.txt", NOTES)
    link = att_sim.add_attachment("Contacts", C1, "Website", link_url="https://example.com/")
    for n in range(201):  # two pages of the list
        att_sim.add_attachment("Contacts", C3, "n%03d.txt" % n, b"note %d\n" % n)
    dest = tmp_path / "attachments"

    first = ok(play([export("first", dest)]), "first")
    assert exported(dest) == in_bigin(att_sim, C1, C3) and len(exported(dest)) == 203
    assert file_mode(str(dest)) == 0o700 and file_mode(str(dest / ("Contacts-" + C1))) == 0o700
    assert not os.path.exists(dest / ("Contacts-" + C2))  # no attachment, no directory
    assert all(file_mode(str(dest / name)) == 0o600 for name in exported(dest)) and file_mode(str(dest / MANIFEST)) == 0o600
    assert sorted(first["written"]) == sorted(str(dest / name) for name in exported(dest))
    assert first["links"] == [{"module": "Contacts", "record_id": C1, "id": link, "file_name": "Website",
                               "link_url": "https://example.com/"}]
    # One page of the record listing, one list per record (two for C3's 201), one GET per file; none for the link.
    lists, downloads = gets(att_sim)
    assert sorted(lists) == sorted([C1, C2, C3, C3]) and len(downloads) == 203 and link not in downloads
    assert first["api_calls"]["by_method"] == {"GET": 1 + 4 + 203, "POST": 0, "DELETE": 0}
    assert first["summary"] == {"selected": 3, "changed": 2, "unchanged": 1, "failed": 0, "skipped": 0, "not_attempted": 0}

    before, manifest_time = inodes(dest), os.stat(dest / MANIFEST).st_mtime_ns
    att_sim.clear_log()
    second = ok(play([export("second", dest)]), "second")
    assert not second["changed"] and second["written"] == [] and second["records"] == []  # report: changes
    assert gets(att_sim)[1] == [] and len(att_sim.api_requests()) == 1 + 4
    assert inodes(dest) == before and os.stat(dest / MANIFEST).st_mtime_ns == manifest_time

    new = att_sim.add_attachment("Contacts", C2, "contract.pdf", PDF + b"v2")
    att_sim.clear_log()
    third = ok(play([export("third", dest)]), "third")
    assert gets(att_sim)[1] == [new] and third["api_calls"]["total"] == 1 + 4 + 1
    assert third["written"] == [str(dest / ("Contacts-" + C2) / (new + "-contract.pdf"))]
    assert [(r["record_id"], r["changed"]) for r in third["records"]] == [(C2, True)]
    assert exported(dest) == in_bigin(att_sim, C1, C2, C3)
    assert {name: ino for name, ino in inodes(dest).items() if name in before} == before


# -- prune, versions, foreign files -------------------------------------------------------------------

def test_prune_keeps_the_last_version_and_never_touches_a_foreign_file(att_sim: BiginSimulator, tmp_path: t.Any,
                                                                       play: t.Callable[..., PlayResult]) -> None:
    gone = att_sim.add_attachment("Contacts", C1, "old.pdf", PDF)
    att_sim.add_attachment("Contacts", C1, "notes.txt", NOTES)
    dest = tmp_path / "attachments"
    ok(play([export("first", dest, [C1])]), "first")
    foreign = {dest / ("Contacts-" + C1) / "my-notes.txt": b"mine", dest / ("Contacts-" + C2) / "1-x.txt": b"not selected"}
    (dest / ("Contacts-" + C2)).mkdir()
    for path, data in foreign.items():
        path.write_bytes(data)
    att_sim.remove_attachment("Contacts", C1, gone)
    path = dest / ("Contacts-" + C1) / (gone + "-old.pdf")
    att_sim.clear_log()

    result = play([export("keep", dest, [C1]), export("prune", dest, [C1, C2], prune=True),
                   export("prune again", dest, [C1, C2], prune=True)])
    keep, pruned, again = ok(result, "keep"), ok(result, "prune"), ok(result, "prune again")
    assert not keep["changed"] and keep["removed"] == []
    assert pruned["changed"] and pruned["removed"] == [str(path)] and not path.exists()
    (version,) = pruned["versions"]
    assert os.path.dirname(version) == str(dest / ".versions" / ("Contacts-" + C1))
    with open(version, "rb") as handle:
        assert handle.read() == PDF
    assert not again["changed"] and again["removed"] == [] and again["versions"] == []
    assert all(path.read_bytes() == data for path, data in foreign.items())
    assert exported(dest) == dict(in_bigin(att_sim, C1), **{os.path.relpath(p, dest): d for p, d in foreign.items()})
    # Nothing was downloaded again, and no request but the lists was sent.
    assert gets(att_sim) == (sorted([C1] + [C1, C2] * 2), [])


def test_a_file_in_the_way_fails_its_record_only(att_sim: BiginSimulator, tmp_path: t.Any,
                                                 play: t.Callable[..., PlayResult]) -> None:
    blocked = att_sim.add_attachment("Contacts", C1, "contract.pdf", PDF)
    att_sim.add_attachment("Contacts", C2, "notes.txt", NOTES)
    dest = tmp_path / "attachments"
    (dest / ("Contacts-" + C1)).mkdir(parents=True, mode=0o700)
    in_the_way = dest / ("Contacts-" + C1) / (blocked + "-contract.pdf")
    in_the_way.write_bytes(b"a draft I keep")

    failed = play([export("export", dest, [C1, C2])]).by_name()["export"]
    assert failed["_status"] == "failed" and "1 of 2 records failed" in failed["msg"]
    first, second = failed["records"]
    assert first["error"]["code"] == "FILE_NOT_WRITTEN_BY_EXPORT"
    assert str(in_the_way) in first["error"]["message"] and "move it away, and the next run writes it" in failed["msg"]
    assert second["changed"] and failed["changed"]  # the other record went on
    assert in_the_way.read_bytes() == b"a draft I keep"
    assert gets(att_sim)[1] == sorted(a["id"] for a in att_sim.attachments("Contacts", C2))  # another size: no download to compare

    os.rename(in_the_way, tmp_path / "draft.pdf")
    done = ok(play([export("after moving it away", dest, [C1, C2])]), "after moving it away")
    assert done["written"] == [str(in_the_way)] and exported(dest) == in_bigin(att_sim, C1, C2)


# -- check mode -------------------------------------------------------------------------------------

def test_check_mode_writes_nothing_and_estimates_the_real_run(att_sim: BiginSimulator, tmp_path: t.Any,
                                                              play: t.Callable[..., PlayResult]) -> None:
    first = att_sim.add_attachment("Contacts", C1, "contract.pdf", PDF)
    att_sim.add_attachment("Contacts", C1, "notes.txt", NOTES)
    att_sim.add_attachment("Contacts", C2, "notes.txt", NOTES)
    dest = tmp_path / "attachments"

    checked = ok(play([export("check", dest)], check=True), "check")
    assert checked["changed"] and not dest.exists()  # not even dest
    assert gets(att_sim)[1] == []  # listed, never downloaded
    att_sim.clear_log()
    real = ok(play([export("real", dest)]), "real")
    assert checked["api_calls_estimate"] == real["api_calls"]["total"] == 1 + 3 + 3
    assert sorted(checked["written"]) == sorted(real["written"]) and len(real["written"]) == 3

    att_sim.remove_attachment("Contacts", C1, first)
    newer = att_sim.add_attachment("Contacts", C2, "later.txt", NOTES + b"later")
    snapshot = {name: (os.stat(dest / name).st_ino, os.stat(dest / name).st_mtime_ns) for name in exported(dest)}
    manifest = (dest / MANIFEST).read_bytes()
    att_sim.clear_log()
    prune_check = ok(play([export("check prune", dest, prune=True)], check=True), "check prune")
    assert prune_check["removed"] == [str(dest / ("Contacts-" + C1) / (first + "-contract.pdf"))]
    assert prune_check["written"] == [str(dest / ("Contacts-" + C2) / (newer + "-later.txt"))]
    assert [os.path.dirname(v) for v in prune_check["versions"]] == [str(dest / ".versions" / ("Contacts-" + C1))]
    assert prune_check["api_calls_estimate"] == 1 + 3 + 1 and gets(att_sim)[1] == []
    assert {name: (os.stat(dest / name).st_ino, os.stat(dest / name).st_mtime_ns) for name in exported(dest)} == snapshot
    assert (dest / MANIFEST).read_bytes() == manifest and not (dest / ".versions").exists()


# -- 25 MB, streamed, bounded memory ---------------------------------------------------------------

def peak_rss_env(tmp_path: t.Any) -> tuple[dict[str, str], t.Any]:
    """``play`` env that runs each module through test_attachments' RSS wrapper, and the file it appends peaks (KiB) to."""
    wrapper = tmp_path / "rss-python"
    wrapper.write_text(RSS_WRAPPER.format(python=sys.executable))
    wrapper.chmod(0o755)
    peaks = tmp_path / "rss.txt"
    return {"ANSIBLE_PYTHON_INTERPRETER": str(wrapper), "ANSIBLE_PIPELINING": "False",
            "ATTACHMENT_RSS_FILE": str(peaks)}, peaks


def test_25_mb_is_streamed_with_bounded_memory(att_sim: BiginSimulator, tmp_path: t.Any,
                                               play: t.Callable[..., PlayResult]) -> None:
    block = os.urandom(1024 * 1024)
    big = b"".join(bytes([i]) + block[1:] for i in range(25))
    att_id = att_sim.add_attachment("Contacts", C1, "video.mp4", big)
    att_sim.add_attachment("Contacts", C2, "notes.txt", NOTES)
    env, peaks = peak_rss_env(tmp_path)
    dest = tmp_path / "attachments"
    result = play([export("baseline", dest, [C2]), export("big", dest, [C1])], env=env)
    big_run = ok(result, "big")
    path = dest / ("Contacts-" + C1) / (att_id + "-video.mp4")
    assert big_run["written"] == [str(path)] and big_run["api_calls"]["total"] == 2
    assert os.path.getsize(path) == len(big) and json.loads((dest / MANIFEST).read_text())["records"][
        "Contacts/" + C1]["files"][att_id + "-video.mp4"]["sha256"] == sha(big) == sha(path.read_bytes())

    baseline, peak = [int(line) // 1024 for line in peaks.read_text().split()]  # KiB -> MiB
    print("peak RSS of the module processes (MiB): baseline %d, 25 MB export %d" % (baseline, peak))
    # A buffered download would hold the 25 MB body (and its copy for the file).
    assert peak - baseline < 15 and peak < 100, (baseline, peak)


# -- documentation ----------------------------------------------------------------------------------

def test_ansible_doc_renders_the_module() -> None:
    from tests.integration.test_docs import CONNECTION_OPTIONS, ansible_doc  # pylint: disable=import-outside-toplevel

    proc = ansible_doc("--json", EXPORT)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)[EXPORT]
    options = doc["doc"]["options"]
    assert CONNECTION_OPTIONS | {"module", "record_id", "criteria", "all_records", "concurrency", "report"} <= set(options)
    assert options["dest"]["required"] and options["prune"]["default"] is False and options["keep_versions"]["default"] == 1
    assert doc["doc"]["version_added"] == "1.3.0" and doc["doc"]["attributes"]["action_group"]["membership"] == ["zoho.bigin.all"]
    assert {"records", "written", "removed", "versions", "links", "summary", "api_calls"} <= set(doc["return"])
