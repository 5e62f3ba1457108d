# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the attachment export (module_utils/_attachment_export.py) and of its module, in-process.

The service runs through a real AttachmentService and BiginClient against a started simulator, whose
attachments and request log are what the assertions read, beside the files in dest.
"""

from __future__ import annotations

import errno
import json
import os
import re
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils import _attachment_export
from ansible_collections.zoho.bigin.plugins.module_utils._attachment_export import (
    MANIFEST_NAME,
    VERSIONS_DIR,
    AttachmentExportOutcome,
    AttachmentExportService,
)
from ansible_collections.zoho.bigin.plugins.module_utils._attachments import AttachmentService
from ansible_collections.zoho.bigin.plugins.module_utils._files import MAX_NAME_BYTES, attachment_export_name, attachment_version_name, utc_stamp
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginError
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef
from ansible_collections.zoho.bigin.plugins.modules import bigin_attachment_export
from tests.conftest import ACCESS_TOKEN, RECORD, file_mode, sha
from tests.simulator.bigin_simulator import ATTACHMENT_SCOPE_ALL, BiginSimulator
from tests.unit.plugins.conftest import NO_PHOTO, OTHER, Wire

PDF = b"%PDF-1.4 contract\n" + bytes(range(256)) * 16
NOTES = b"call back on Monday\n"
SHEET = b"a,b\n1,2\n"


@pytest.fixture
def att_sim(contacts: BiginSimulator) -> BiginSimulator:
    """``contacts`` with a token that holds the attachments scope too."""
    contacts.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", ATTACHMENT_SCOPE_ALL))
    return contacts


class Run:
    """One export task over records of Contacts, as the module runs it: every record, each failure its own."""

    def __init__(self, wire: t.Callable[..., Wire], dest: str, **options: t.Any):
        self.wire = wire()
        self.warnings: list[str] = []
        self.service = AttachmentExportService(AttachmentService(self.wire.client, "Contacts", state="info"), dest,
                                               warn=self.warnings.append, plan=self.wire.client.plan, **options)

    def __call__(self, *record_ids: str) -> list[AttachmentExportOutcome]:
        outcomes = [AttachmentExportOutcome(RecordRef("Contacts", record_id)) for record_id in record_ids]
        for out in outcomes:
            try:
                self.service.export(out)
            except BiginError as exc:
                out.error = exc
        error = self.service.close()
        if error is not None:
            raise error
        return outcomes


def export(wire: t.Callable[..., Wire], dest: str, *record_ids: str, **options: t.Any) -> list[AttachmentExportOutcome]:
    return Run(wire, dest, **options)(*record_ids)


def downloads(sim: BiginSimulator) -> list[str]:
    """The attachment ids downloaded, in order."""
    return [e["path"].rsplit("/", 1)[1] for e in sim.api_requests("GET") if not e["path"].endswith("/Attachments")]


def lists(sim: BiginSimulator) -> list[str]:
    """The record ids whose attachment list was read, in order."""
    return [e["path"].split("/")[4] for e in sim.api_requests("GET") if e["path"].endswith("/Attachments")]


def tree(dest: str) -> dict[str, bytes]:
    """Every file under dest (relative path -> bytes), the manifest and .versions included."""
    found = {}
    for root, _dirs, names in os.walk(dest):
        for name in names:
            path = os.path.join(root, name)
            with open(path, "rb") as handle:
                found[os.path.relpath(path, dest)] = handle.read()
    return found


def manifest(dest: str) -> dict[str, t.Any]:
    with open(os.path.join(dest, MANIFEST_NAME), encoding="utf-8") as handle:
        return json.load(handle)["records"]


def folder(record_id: str = RECORD) -> str:
    return "Contacts-" + record_id


# -- names ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, expected", [
    ("report.pdf", "7-report.pdf"),
    ("../../etc/passwd", "7-___.._etc_passwd"),
    (".env", "7-_env"),
    ("...", "7-___"),
    ("", "7-attachment"),
    ("a\\b\x00c\x85d\ud800e", "7-a_b_c_d_e"),
])
def test_export_file_name_is_safe(name: str, expected: str) -> None:
    assert attachment_export_name("7", name) == expected


def test_a_long_name_is_shortened_at_a_character_keeping_its_extension() -> None:
    name = attachment_export_name("3000000970001", "é" * 300 + ".pdf")
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES and name.endswith("é.pdf")
    assert name.startswith("3000000970001-é")
    long_ext = attachment_export_name("1", "a." + "x" * 300)  # not an extension: cut like the rest
    assert len(long_ext.encode("utf-8")) <= MAX_NAME_BYTES and long_ext.startswith("1-a.xxx")
    kept = attachment_version_name(name, utc_stamp())
    assert len(kept.encode("utf-8")) <= 255 and kept.endswith(".pdf") and re.search(r"\.\d{8}T\d{12}Z\.pdf$", kept)


# -- the first run, the next ones ------------------------------------------------------------------

def test_first_run_writes_every_file_and_the_next_downloads_nothing(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                                    tmp_path: t.Any) -> None:
    pdf = att_sim.add_attachment("Contacts", RECORD, "../contract.pdf", PDF)
    notes = att_sim.add_attachment("Contacts", RECORD, "notes.txt", NOTES)
    link = att_sim.add_attachment("Contacts", RECORD, "Website", link_url="https://example.com/")
    sheet = att_sim.add_attachment("Contacts", OTHER, "sheet.csv", SHEET)
    dest = str(tmp_path)
    first = export(wire, dest, RECORD, NO_PHOTO, OTHER)

    expected = {os.path.join(folder(), pdf + "-___contract.pdf"): PDF, os.path.join(folder(), notes + "-notes.txt"): NOTES,
                os.path.join(folder(OTHER), sheet + "-sheet.csv"): SHEET}
    files = tree(dest)
    assert {name: data for name, data in files.items() if name != MANIFEST_NAME} == expected
    assert all(file_mode(os.path.join(dest, name)) == 0o600 for name in files)
    assert file_mode(os.path.join(dest, folder())) == 0o700 and not os.path.exists(os.path.join(dest, folder(NO_PHOTO)))
    assert [out.changed for out in first] == [True, False, True] and all(out.error is None for out in first)
    assert sorted(first[0].written) == sorted(os.path.join(dest, name) for name in expected if folder() in name)
    assert first[0].links == [{"module": "Contacts", "record_id": RECORD, "id": link, "file_name": "Website",
                               "link_url": "https://example.com/"}]
    # One list per record, one download per file; the link is never downloaded.
    assert lists(att_sim) == [RECORD, NO_PHOTO, OTHER] and sorted(downloads(att_sim)) == sorted([pdf, notes, sheet])
    recorded = manifest(dest)["Contacts/" + RECORD]["files"]
    assert recorded[notes + "-notes.txt"] == {"id": notes, "size": len(NOTES), "sha256": sha(NOTES)}
    assert set(manifest(dest)) == {"Contacts/" + RECORD, "Contacts/" + OTHER}
    assert file_mode(os.path.join(dest, MANIFEST_NAME)) == 0o600

    before = {name: os.stat(os.path.join(dest, name)).st_ino for name in files}
    manifest_time = os.stat(os.path.join(dest, MANIFEST_NAME)).st_mtime_ns
    att_sim.clear_log()
    again = export(wire, dest, RECORD, NO_PHOTO, OTHER)
    assert not any(out.changed or out.written for out in again)
    assert downloads(att_sim) == [] and len(att_sim.api_requests()) == 3
    assert {name: os.stat(os.path.join(dest, name)).st_ino for name in tree(dest)} == before
    assert os.stat(os.path.join(dest, MANIFEST_NAME)).st_mtime_ns == manifest_time  # not rewritten
    assert again[0].diff() == ({"files": {pdf + "-___contract.pdf": {"size": len(PDF), "sha256": sha(PDF)},
                                          notes + "-notes.txt": {"size": len(NOTES), "sha256": sha(NOTES)}}},) * 2

    new = att_sim.add_attachment("Contacts", RECORD, "notes.txt", NOTES + b"v2")  # the same name: a new id
    att_sim.clear_log()
    third = export(wire, dest, RECORD)
    assert downloads(att_sim) == [new] and third[0].written == [os.path.join(dest, folder(), new + "-notes.txt")]
    assert tree(dest)[os.path.join(folder(), notes + "-notes.txt")] == NOTES


def test_a_file_deleted_from_dest_is_downloaded_again(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                      tmp_path: t.Any) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    export(wire, str(tmp_path), RECORD)
    path = tmp_path / folder() / (att + "-a.pdf")
    path.unlink()
    att_sim.clear_log()
    (out,) = export(wire, str(tmp_path), RECORD)
    assert out.changed and out.written == [str(path)] and path.read_bytes() == PDF and downloads(att_sim) == [att]


# -- files the export did not write ------------------------------------------------------------------

def test_a_foreign_file_fails_its_record_only_and_is_never_touched(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                                   tmp_path: t.Any) -> None:
    other_size = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    same_size = att_sim.add_attachment("Contacts", RECORD, "b.txt", NOTES)
    same_bytes = att_sim.add_attachment("Contacts", RECORD, "c.csv", SHEET)
    fine = att_sim.add_attachment("Contacts", RECORD, "d.txt", NOTES)
    elsewhere = att_sim.add_attachment("Contacts", OTHER, "e.txt", NOTES)
    directory = tmp_path / folder()
    directory.mkdir()
    placed = {other_size + "-a.pdf": b"mine", same_size + "-b.txt": NOTES.upper(), same_bytes + "-c.csv": SHEET,
              "my-notes.txt": b"not an export name"}
    for name, data in placed.items():
        (directory / name).write_bytes(data)
    out, other = export(wire, str(tmp_path), RECORD, OTHER)

    assert out.error is not None and out.error.code == "FILE_NOT_WRITTEN_BY_EXPORT"
    message = str(out.error)
    assert str(directory / (other_size + "-a.pdf")) in message and str(directory / (same_size + "-b.txt")) in message
    assert "move them away, and the next run writes them" in message and same_bytes not in message
    assert other.error is None and other.changed  # the other records go on
    for name, data in placed.items():
        assert (directory / name).read_bytes() == data
    # The record's other attachment is written all the same; the file of the same bytes is the export's now.
    assert (directory / (fine + "-d.txt")).read_bytes() == NOTES and out.written == [str(directory / (fine + "-d.txt"))]
    assert set(manifest(str(tmp_path))["Contacts/" + RECORD]["files"]) == {fine + "-d.txt", same_bytes + "-c.csv"}
    # Another size is known from the list: no download to compare it; the same size (or bytes) costs one.
    assert other_size not in downloads(att_sim)
    assert sorted(downloads(att_sim)) == sorted([same_size, same_bytes, fine, elsewhere])
    assert not [name for name in os.listdir(directory) if name.endswith(".tmp")]


def test_a_changed_export_file_is_no_longer_the_exports(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                        tmp_path: t.Any) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    gone = att_sim.add_attachment("Contacts", RECORD, "b.txt", SHEET)
    export(wire, str(tmp_path), RECORD)
    path, gone_path = tmp_path / folder() / (att + "-a.txt"), tmp_path / folder() / (gone + "-b.txt")
    path.write_bytes(NOTES.upper())  # edited by hand, the size kept: only the SHA-256 tells
    gone_path.write_bytes(SHEET.upper())
    att_sim.remove_attachment("Contacts", RECORD, gone)
    run = Run(wire, str(tmp_path), prune=True)
    (out,) = run(RECORD)
    assert out.error is not None and out.error.code == "FILE_NOT_WRITTEN_BY_EXPORT" and str(path) in str(out.error)
    assert not out.removed and path.read_bytes() == NOTES.upper() and gone_path.read_bytes() == SHEET.upper()
    (warning,) = [w for w in run.warnings if "prune left them alone" in w]
    assert str(gone_path) in warning and str(path) not in warning
    assert "Contacts/" + RECORD not in manifest(str(tmp_path))  # neither counts as the export's any more


@pytest.mark.parametrize("kind", ["file", "link"])
def test_a_record_directory_taken_by_another_kind_of_file(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                          tmp_path: t.Any, kind: str) -> None:
    att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    dest = tmp_path / "dest"
    dest.mkdir()
    if kind == "file":
        (dest / folder()).write_bytes(b"x")
    else:
        (dest / folder()).symlink_to(elsewhere)
    for check_mode in (True, False):
        (out,) = export(wire, str(dest), RECORD, check_mode=check_mode)
        assert out.error is not None and out.error.code == "FILE_NOT_WRITTEN_BY_EXPORT"
        assert str(dest / folder()) in str(out.error) and "move it away" in str(out.error)
    assert os.listdir(elsewhere) == [] and downloads(att_sim) == []


class PlantsAFile:
    """The attachment service, but a file appears under the final name while each download runs (another writer)."""

    def __init__(self, service: AttachmentService, directory: str):
        self.service = service
        self.directory = directory

    def list(self, record_id: str) -> list[t.Any]:
        return self.service.list(record_id)

    def download(self, record_id: str, att: t.Any, handle: t.Any = None) -> t.Any:
        sink = self.service.download(record_id, att, handle)
        with open(os.path.join(self.directory, attachment_export_name(att.id, att.file_name)), "wb") as planted:
            planted.write(b"planted")
        return sink


@pytest.mark.parametrize("hard_links", [True, False])
def test_a_name_taken_during_the_download_is_never_replaced(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                            tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch,
                                                            hard_links: bool) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    directory = tmp_path / folder()
    if not hard_links:
        def no_link(_source: str, _target: str) -> None:
            raise OSError(errno.EPERM, "Operation not permitted")
        monkeypatch.setattr(os, "link", no_link)
    racing = PlantsAFile(AttachmentService(wire().client, "Contacts", state="info"), str(directory))
    out = AttachmentExportOutcome(RecordRef("Contacts", RECORD))
    with pytest.raises(BiginError) as info:
        AttachmentExportService(racing, str(tmp_path)).export(out)
    assert info.value.code == "FILE_NOT_WRITTEN_BY_EXPORT" and out.written == []
    assert os.listdir(directory) == [att + "-a.txt"] and (directory / (att + "-a.txt")).read_bytes() == b"planted"


def test_without_hard_links_a_file_is_renamed_into_place(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                         tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)

    def no_link(_source: str, _target: str) -> None:
        raise OSError(errno.EXDEV, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_link)
    (out,) = export(wire, str(tmp_path), RECORD)
    assert out.error is None and os.listdir(tmp_path / folder()) == [att + "-a.txt"]
    assert (tmp_path / folder() / (att + "-a.txt")).read_bytes() == NOTES


def test_a_directory_swapped_for_a_link_after_the_check_is_refused(tmp_path: t.Any) -> None:
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "record").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(OSError, match="not a directory this export made"):
        AttachmentExportService._make_directory(str(tmp_path / "record"))  # pylint: disable=protected-access


def test_the_directory_made_first_by_another_run_is_used(att_sim: BiginSimulator, tmp_path: t.Any,
                                                         wire: t.Callable[..., Wire]) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    (tmp_path / folder()).mkdir(mode=0o700)
    (out,) = export(wire, str(tmp_path), RECORD)
    assert out.error is None and (tmp_path / folder() / (att + "-a.txt")).read_bytes() == NOTES


# -- prune and versions ---------------------------------------------------------------------------

def test_prune_moves_the_file_of_a_deleted_attachment_to_versions(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                                  tmp_path: t.Any) -> None:
    gone = att_sim.add_attachment("Contacts", RECORD, "old.pdf", PDF)
    kept = att_sim.add_attachment("Contacts", RECORD, "notes.txt", NOTES)
    dest = str(tmp_path)
    export(wire, dest, RECORD)
    att_sim.remove_attachment("Contacts", RECORD, gone)
    path = os.path.join(dest, folder(), gone + "-old.pdf")

    (kept_out,) = export(wire, dest, RECORD)  # prune false: kept, and still recorded
    assert not kept_out.changed and os.path.exists(path)
    assert gone + "-old.pdf" in manifest(dest)["Contacts/" + RECORD]["files"]

    (checked,) = export(wire, dest, RECORD, prune=True, check_mode=True)
    assert checked.changed and checked.removed == [path] and os.path.exists(path)
    assert [os.path.dirname(v) for v in checked.versions] == [os.path.join(dest, VERSIONS_DIR, folder())]
    assert not os.path.exists(os.path.join(dest, VERSIONS_DIR))

    att_sim.clear_log()
    (out,) = export(wire, dest, RECORD, prune=True)
    assert out.changed and out.removed == [path] and not os.path.exists(path) and downloads(att_sim) == []
    (version,) = out.versions
    assert os.path.dirname(version) == os.path.join(dest, VERSIONS_DIR, folder()) and open(version, "rb").read() == PDF
    assert file_mode(os.path.join(dest, VERSIONS_DIR)) == 0o700 and file_mode(os.path.dirname(version)) == 0o700
    entry = manifest(dest)["Contacts/" + RECORD]
    assert set(entry["files"]) == {kept + "-notes.txt"}
    assert entry["versions"] == [{"file": os.path.basename(version), "of": gone + "-old.pdf", "sha256": sha(PDF)}]
    assert out.diff()[0]["files"].keys() - out.diff()[1]["files"].keys() == {gone + "-old.pdf"}


def test_keep_versions_keeps_the_newest_per_file_and_zero_deletes(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                                  tmp_path: t.Any) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    dest = str(tmp_path)
    name = att + "-a.txt"
    listing = json.dumps({"data": [{"id": att, "File_Name": "a.txt", "Size": str(len(NOTES)), "$type": "Attachment"}],
                          "info": {"more_records": False}})
    versions = []
    for round_number in range(3):
        if round_number:  # the attachment is listed (and served) again, as if back in Bigin
            att_sim.inject_response(200, listing, headers={"Content-Type": "application/json"}, method="GET",
                                    path_contains="/Attachments")
            att_sim.inject_response(200, NOTES, headers={"Content-Type": "text/plain",
                                                         "Content-Disposition": 'attachment; filename="a.txt"'},
                                    method="GET", path_contains="/Attachments/" + att)
        export(wire, dest, RECORD)
        att_sim.remove_attachment("Contacts", RECORD, att)
        (out,) = export(wire, dest, RECORD, prune=True, keep_versions=1)
        versions += out.versions
        if round_number == 0:
            with open(versions[0], "ab") as handle:  # a version edited since: never deleted
                handle.write(b"my note")
    # Three versions of one file made, the newest kept; the older ones deleted, but for the one edited since.
    history = os.path.join(dest, VERSIONS_DIR, folder())
    assert sorted(os.listdir(history)) == sorted(os.path.basename(v) for v in (versions[0], versions[2]))
    assert open(versions[2], "rb").read() == NOTES and open(versions[0], "rb").read() == NOTES + b"my note"
    assert [v["file"] for v in manifest(dest)["Contacts/" + RECORD]["versions"]] == [os.path.basename(versions[2])]

    other = att_sim.add_attachment("Contacts", OTHER, "b.txt", SHEET)
    export(wire, dest, OTHER)
    att_sim.remove_attachment("Contacts", OTHER, other)
    (deleted,) = export(wire, dest, OTHER, prune=True, keep_versions=0)
    assert deleted.removed and deleted.versions == [] and not os.path.exists(os.path.join(dest, VERSIONS_DIR, folder(OTHER)))
    assert "Contacts/" + OTHER not in manifest(dest) and not os.listdir(os.path.join(dest, folder(OTHER)))
    assert name not in os.listdir(os.path.join(dest, folder()))


# -- check mode ---------------------------------------------------------------------------------

def test_check_mode_writes_nothing_and_plans_the_downloads(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                           tmp_path: t.Any) -> None:
    att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    att_sim.add_attachment("Contacts", RECORD, "b.txt", NOTES)
    att_sim.add_attachment("Contacts", RECORD, "site", link_url="https://example.com/")
    dest = str(tmp_path / "not-yet")
    run = Run(wire, dest, check_mode=True)
    (out,) = run(RECORD)
    assert out.changed and len(out.written) == 2 and not os.path.exists(dest)
    assert downloads(att_sim) == [] and run.wire.transport.usage.estimate() == 1 + 2
    assert sorted(out.after.values(), key=lambda facts: facts["size"]) == [{"size": len(NOTES)}, {"size": len(PDF)}]


# -- the manifest -----------------------------------------------------------------------------------

def test_a_corrupt_manifest_is_taken_as_empty_and_the_same_files_adopted(wire: t.Callable[..., Wire],
                                                                         att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    dest = str(tmp_path)
    export(wire, dest, RECORD)
    path = os.path.join(dest, folder(), att + "-a.txt")
    inode = os.stat(path).st_ino
    with open(os.path.join(dest, MANIFEST_NAME), "wb") as handle:
        handle.write(b"\xff{not json")
    run = Run(wire, dest)
    (out,) = run(RECORD)
    assert [w for w in run.warnings if "is unreadable (not UTF-8)" in w and "no file in dest counts" in w]
    # Downloaded once to compare, the same bytes: recorded again, not rewritten.
    assert out.error is None and not out.changed and os.stat(path).st_ino == inode
    assert manifest(dest)["Contacts/" + RECORD]["files"][att + "-a.txt"]["sha256"] == sha(NOTES)


def test_a_manifest_is_read_up_to_its_bound(wire: t.Callable[..., Wire], att_sim: BiginSimulator, tmp_path: t.Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    export(wire, str(tmp_path), RECORD)  # no attachment: nothing to record
    (tmp_path / MANIFEST_NAME).write_text(json.dumps({"version": 1, "records": {}}) + " " * 100)
    monkeypatch.setattr(_attachment_export, "MAX_MANIFEST_BYTES", 50)
    run = Run(wire, str(tmp_path))
    run(RECORD)
    assert [w for w in run.warnings if "larger than 50 bytes" in w]


def test_manifest_names_outside_their_directory_are_ignored(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                            tmp_path: t.Any) -> None:
    dest = tmp_path / "dest"
    (dest / folder()).mkdir(parents=True)
    victim = tmp_path / "victim.txt"
    victim.write_bytes(NOTES)
    (dest / MANIFEST_NAME).write_text(json.dumps({"version": 1, "records": {"Contacts/" + RECORD: {
        "files": {"../../victim.txt": {"id": "1", "size": len(NOTES), "sha256": sha(NOTES)},
                  ".hidden": {"id": "2", "size": len(NOTES), "sha256": sha(NOTES)}},
        "versions": [{"file": "../../victim.txt", "of": "x", "sha256": sha(NOTES)}]}}}))
    (out,) = export(wire, str(dest), RECORD, prune=True, keep_versions=0)
    assert out.error is None and not out.changed and out.removed == [] and victim.read_bytes() == NOTES
    assert out.before == {}


def test_a_manifest_that_cannot_be_written_is_an_error_after_the_files(wire: t.Callable[..., Wire],
                                                                       att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    (tmp_path / MANIFEST_NAME).mkdir()
    run = Run(wire, str(tmp_path))
    with pytest.raises(BiginError) as info:
        run(RECORD)
    assert info.value.code == "EXPORT_WRITE_FAILED" and "could not be written" in str(info.value)
    assert (tmp_path / folder() / (att + "-a.txt")).read_bytes() == NOTES


# -- interrupted, and what the list says ---------------------------------------------------------------

def test_an_interrupted_download_leaves_nothing_and_the_next_run_completes(wire: t.Callable[..., Wire],
                                                                           att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    first = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    second = att_sim.add_attachment("Contacts", RECORD, "b.txt", NOTES)
    att_sim.inject_drop(method="GET", path_contains="/Attachments/" + second)
    (out,) = export(wire, str(tmp_path), RECORD)
    assert out.error is not None and out.error.code == "CONNECTION_ERROR"
    directory = tmp_path / folder()
    # The newest is listed (and downloaded) first: its drop stopped the record; no temporary file is left.
    assert out.written == [] and os.listdir(directory) == [] and "Contacts/" + RECORD not in tree(str(tmp_path))
    att_sim.clear_log()
    (done,) = export(wire, str(tmp_path), RECORD)
    assert done.error is None and (directory / (second + "-b.txt")).read_bytes() == NOTES
    assert (directory / (first + "-a.pdf")).read_bytes() == PDF
    assert downloads(att_sim) == [second, first]


def test_a_listed_size_other_than_the_file_is_warned_about(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                           tmp_path: t.Any) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    export(wire, str(tmp_path), RECORD)
    listing = {"data": [{"id": att, "File_Name": "a.txt", "Size": "999", "$type": "Attachment"}], "info": {"more_records": False}}
    att_sim.inject_response(200, json.dumps(listing), headers={"Content-Type": "application/json"}, method="GET",
                            path_contains="/Attachments")
    att_sim.clear_log()
    run = Run(wire, str(tmp_path))
    (out,) = run(RECORD)
    assert not out.changed and downloads(att_sim) == []
    (warning,) = [w for w in run.warnings if "another size than Bigin lists" in w]
    assert str(tmp_path / folder() / (att + "-a.txt")) in warning


# -- the module, in-process ---------------------------------------------------------------------

def test_module_input_errors_come_before_any_request(run: t.Callable[..., t.Any], att_sim: BiginSimulator,
                                                     tmp_path: t.Any) -> None:
    base = {"api_domain": att_sim.url, "accounts_url": att_sim.url, "access_token": ACCESS_TOKEN, "module": "Contacts",
            "record_id": RECORD, "dest": str(tmp_path / "dest")}
    (tmp_path / "file").write_bytes(b"x")
    for extra, message in ((dict(keep_versions=101), "^keep_versions: 101 is out of range; use 0 to 100"),
                           (dict(keep_versions=-1), "^keep_versions: -1 is out of range"),
                           (dict(dest=str(tmp_path / "file")), "^dest: .*file exists and is not a directory"),
                           (dict(record_id=None), "record_id, criteria or all_records")):
        result = run({k: v for k, v in dict(base, **extra).items() if v is not None}, module=bigin_attachment_export)
        assert result.rc == 1 and re.search(message, result["msg"]), result["msg"]
        assert result["api_calls"]["total"] == 0
    assert att_sim.api_requests() == [] and not os.path.exists(tmp_path / "dest")


def test_module_result_shape(run: t.Callable[..., t.Any], att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    att = att_sim.add_attachment("Contacts", RECORD, "a.txt", NOTES)
    link = att_sim.add_attachment("Contacts", OTHER, "site", link_url="https://example.com/")
    dest = tmp_path / "dest"
    args = {"api_domain": att_sim.url, "accounts_url": att_sim.url, "access_token": ACCESS_TOKEN, "module": "Contacts",
            "record_id": [RECORD, OTHER, RECORD], "dest": str(dest)}
    result = run(args, module=bigin_attachment_export, diff=True)
    path = str(dest / folder() / (att + "-a.txt"))
    assert result.rc == 0 and result["changed"] and file_mode(str(dest)) == 0o700
    assert result["written"] == [path] and result["removed"] == [] and result["versions"] == []
    assert result["links"] == [{"module": "Contacts", "record_id": OTHER, "id": link, "file_name": "site",
                                "link_url": "https://example.com/"}]
    assert result["records"][0] == {"module": "Contacts", "record_id": RECORD, "changed": True, "written": [path],
                                    "removed": []}
    assert len(result["records"]) == 3 and result["summary"]["selected"] == 2
    assert result["diff"][0]["after"] == {"files": {att + "-a.txt": {"size": len(NOTES), "sha256": sha(NOTES)}}}
    assert result["api_calls"]["by_method"] == {"GET": 3, "POST": 0, "DELETE": 0}
    checked = run(args, module=bigin_attachment_export, check=True)
    assert checked.rc == 0 and not checked["changed"] and checked["api_calls_estimate"] == 2
