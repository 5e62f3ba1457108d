# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the attachment operations (module_utils/_attachments.py) and the streamed transfers they use (_client.py).

The operations run through a real BiginClient against a started simulator, whose state and
request log are what the assertions read.
"""

from __future__ import annotations

import io
import json
import os
import re
import stat
import typing as t

import pytest

from ansible_collections.zoho.bigin.plugins.module_utils._attachments import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    AttachmentOutcome,
    AttachmentService,
    Source,
    check_name,
)
from ansible_collections.zoho.bigin.plugins.module_utils._client import BodySink, MultipartFile
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BackupError, BiginAPIError, BiginTransportError, InputError
from ansible_collections.zoho.bigin.plugins.module_utils._files import attachment_backup_name
from ansible_collections.zoho.bigin.plugins.modules import bigin_attachment, bigin_attachment_info
from tests.conftest import ACCESS_TOKEN, RECORD, sha
from tests.simulator.bigin_simulator import ATTACHMENT_SCOPE_ALL, BiginSimulator
from tests.unit.plugins.conftest import NO_PHOTO, Wire

PDF = b"%PDF-1.4 contract v1\n" + bytes(range(256)) * 40
PDF2 = b"%PDF-1.4 contract v2\n" + bytes(range(256)) * 40


@pytest.fixture
def att_sim(contacts: BiginSimulator) -> BiginSimulator:
    """``contacts`` with a token that holds the attachments scope too."""
    contacts.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", ATTACHMENT_SCOPE_ALL))
    return contacts


@pytest.fixture
def src(tmp_path: t.Any) -> Source:
    path = tmp_path / "contract.pdf"
    path.write_bytes(PDF)
    return Source(str(path))


def service(wire: t.Callable[..., Wire], **options: t.Any) -> tuple[Wire, AttachmentService]:
    w = wire()
    return w, AttachmentService(w.client, "Contacts", **options)


def log(sim: BiginSimulator) -> list[tuple[str, str]]:
    """(method, path after the record id) of every API request."""
    return [(e["method"], "/".join(e["path"].split("/")[5:])) for e in sim.api_requests()]


# -- streamed transfers (_client.py) ----------------------------------------------------------

def test_body_sink_caps_hashes_and_restarts() -> None:
    handle = io.BytesIO()
    sink = BodySink(10, handle)
    sink.write(b"12345")
    assert (sink.size, sink.sha256, handle.getvalue()) == (5, sha(b"12345"), b"12345")
    sink.reset()
    assert (sink.size, sink.sha256, handle.getvalue()) == (0, sha(b""), b"")
    sink.write(b"1234567890")
    with pytest.raises(Exception, match="10"):
        sink.write(b"x")


def test_multipart_file_is_reread_per_iteration_and_has_its_length(tmp_path: t.Any) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(PDF)
    body = MultipartFile(str(path), len(PDF), 'a"b.pdf', "application/pdf", chunk_size=1000)
    first, second = b"".join(body), b"".join(body)
    assert first == second and len(first) == len(body)
    assert b'filename="a%22b.pdf"' in first and PDF in first
    assert body.sha256 == sha(PDF)
    assert body.content_type.endswith(body.boundary)


def test_multipart_file_that_changed_size_stops(tmp_path: t.Any) -> None:
    path = tmp_path / "f.bin"
    path.write_bytes(PDF)
    body = MultipartFile(str(path), len(PDF) - 1, "f.bin")
    with pytest.raises(OSError):
        b"".join(body)
    assert body.problem and "changed size" in body.problem


def test_download_streams_and_is_retried(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    att_id = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    w = wire(max_retries=2)
    att_sim.inject_status(503, method="GET")
    handle = io.BytesIO(b"stale bytes of an earlier attempt")
    sink = BodySink(MAX_ATTACHMENT_BYTES, handle)
    result = w.client.download("Contacts/%s/Attachments/%s" % (RECORD, att_id), "x", sink)
    assert result.body == b"" and handle.getvalue() == PDF and sink.sha256 == sha(PDF) and sink.size == len(PDF)
    assert [e["status"] for e in att_sim.api_requests()] == [503, 200]


def test_upload_is_not_resent_after_a_lost_answer(wire: t.Callable[..., Wire], att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    path = tmp_path / "f.pdf"
    path.write_bytes(PDF)
    w = wire(max_retries=3)
    att_sim.inject_drop(method="POST", when="after")
    with pytest.raises(BiginTransportError):
        w.client.upload("Contacts/%s/Attachments" % RECORD, "x", MultipartFile(str(path), len(PDF), "f.pdf"))
    assert len(att_sim.api_requests("POST")) == 1 and len(att_sim.attachments("Contacts", RECORD)) == 1


def test_download_over_the_cap_is_refused(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    att_id = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    with pytest.raises(BiginTransportError, match="larger than 100 bytes"):
        wire().client.download("Contacts/%s/Attachments/%s" % (RECORD, att_id), "x", BodySink(100))


# -- input checks ----------------------------------------------------------------------------

def test_source_is_hashed_and_named(src: Source) -> None:
    assert (src.name, src.size, src.sha256, src.content_type) == ("contract.pdf", len(PDF), sha(PDF), "application/pdf")


@pytest.mark.parametrize("make, message", [
    (lambda p: None, "does not exist or is not a file"),
    (os.mkdir, "does not exist or is not a file"),
    (os.mkfifo, "does not exist or is not a file"),
])
def test_source_that_is_not_a_file(tmp_path: t.Any, make: t.Any, message: str) -> None:
    path = str(tmp_path / "x")
    make(path)
    with pytest.raises(InputError, match="^src: .*x " + message):
        Source(path)


def test_source_over_the_upload_limit(tmp_path: t.Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from ansible_collections.zoho.bigin.plugins.module_utils import _attachments
    monkeypatch.setattr(_attachments, "MAX_ATTACHMENT_BYTES", 100)
    path = tmp_path / "big.bin"
    path.write_bytes(b"x" * 101)
    with pytest.raises(InputError, match="^src: .*big.bin is larger than 100 MB \\(101 bytes\\)"):
        Source(str(path))


@pytest.mark.parametrize("value", ["", "  ", "a/b", "a\\b", "a\nb", "x" * 256])
def test_bad_upload_names(value: str) -> None:
    with pytest.raises(InputError, match="^name: "):
        check_name(value)


def test_a_name_to_delete_may_hold_a_slash() -> None:
    assert check_name("a/b", upload=False) == "a/b"


# -- list -----------------------------------------------------------------------------------

def test_list_reads_every_page_once(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    for i in range(201):
        att_sim.add_attachment("Contacts", RECORD, "f%d.txt" % i, b"x" * i)
    att_sim.add_attachment("Contacts", RECORD, "site", link_url="https://example.com/a")
    _w, svc = service(wire)
    found = svc.list(RECORD)
    assert len(found) == 202 and len({att.id for att in found}) == 202
    assert [m for m, _p in log(att_sim)] == ["GET", "GET"]
    link = [att for att in found if att.is_link][0]
    assert (link.link_url, link.size) == ("https://example.com/a", 0)
    by_name = {att.file_name: att for att in found}
    assert by_name["f7.txt"].size == 7 and by_name["f7.txt"].created_by["name"]


def test_list_of_a_record_without_attachments(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    _w, svc = service(wire)
    assert svc.list(RECORD) == []
    assert len(log(att_sim)) == 1


def test_list_stops_where_discrete_pages_end(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    # The records' pagination without page tokens: more than 10 pages is an error of this record, never a loop.
    body = json.dumps({"data": [{"id": "3000000970001", "File_Name": "a.txt", "Size": "1"}],
                       "info": {"more_records": True, "next_page_token": "tok"}})
    att_sim.inject_response(200, body, headers={"Content-Type": "application/json"}, count=20)
    _w, svc = service(wire)
    with pytest.raises(BiginAPIError, match=re.escape(
            "Contacts/%s attachments: the API says more remain after 10 pages (2000 attachments); stopped" % RECORD)):
        svc.list(RECORD)
    assert [e["query"].get("page") for e in att_sim.api_requests()] == [str(page) for page in range(1, 11)]
    assert all("page_token" not in e["query"] for e in att_sim.api_requests())


def test_scope_mismatch_names_both_scopes(wire: t.Callable[..., Wire], contacts: BiginSimulator) -> None:
    _w, svc = service(wire)  # the token has ZohoBigin.modules.ALL only
    with pytest.raises(BiginAPIError) as info:
        svc.list(RECORD)
    text = str(info.value)
    assert info.value.code == "OAUTH_SCOPE_MISMATCH"
    assert "ZohoBigin.modules.contacts.READ" in text and "ZohoBigin.modules.attachments.READ" in text
    assert "ZohoBigin.modules.attachments.ALL" in text


# -- present --------------------------------------------------------------------------------

def test_present_uploads_then_is_idempotent(wire: t.Callable[..., Wire], att_sim: BiginSimulator, src: Source) -> None:
    _w, svc = service(wire, state="present", source=src)
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    stored = att_sim.attachments("Contacts", RECORD)
    assert out.changed and [a["data"] for a in stored] == [PDF] and stored[0]["name"] == "contract.pdf"
    assert out.uploaded == [stored[0]["id"]]
    assert out.to_dict()["after"] == [{"id": stored[0]["id"], "file_name": "contract.pdf", "size": len(PDF), "sha256": sha(PDF)}]
    before = len(att_sim.api_requests())
    again = AttachmentOutcome("Contacts", RECORD)
    svc.work(again)
    assert not again.changed and again.uploaded == []
    # the list, and the download of the one same-named, same-size attachment to hash it
    assert [e["method"] for e in att_sim.api_requests()[before:]] == ["GET", "GET"]
    assert again.before[0].sha256 == sha(PDF)


def test_present_downloads_only_same_name_same_size(wire: t.Callable[..., Wire], att_sim: BiginSimulator, src: Source) -> None:
    att_sim.add_attachment("Contacts", RECORD, "contract.pdf", PDF2 + b"longer")  # another size: not downloaded
    same_size = att_sim.add_attachment("Contacts", RECORD, "contract.pdf", PDF2)  # same size, other content
    att_sim.add_attachment("Contacts", RECORD, "other.pdf", PDF)  # another name: not downloaded
    _w, svc = service(wire, state="present", source=src)
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    assert out.changed
    assert log(att_sim) == [("GET", "Attachments"), ("GET", "Attachments/" + same_size), ("POST", "Attachments")]
    assert len(att_sim.attachments("Contacts", RECORD)) == 4


def test_present_force_false_keeps_one_of_that_name(wire: t.Callable[..., Wire], att_sim: BiginSimulator, src: Source) -> None:
    att_sim.add_attachment("Contacts", RECORD, "contract.pdf", PDF2)
    _w, svc = service(wire, state="present", source=src, force=False)
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    assert not out.changed and log(att_sim) == [("GET", "Attachments")]


def test_present_check_mode_plans_the_upload(wire: t.Callable[..., Wire], att_sim: BiginSimulator, src: Source) -> None:
    w, svc = service(wire, state="present", source=src, check_mode=True)
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    assert out.changed and att_sim.attachments("Contacts", RECORD) == []
    assert w.transport.usage.estimate() == 2 and w.transport.usage.calls()["total"] == 1
    assert out.to_dict()["after"] == [{"id": None, "file_name": "contract.pdf", "size": len(PDF), "sha256": sha(PDF)}]


def test_present_on_a_locked_record_fails_with_the_api_error(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                             src: Source) -> None:
    att_sim.lock_record("Contacts", RECORD)
    _w, svc = service(wire, state="present", source=src)
    with pytest.raises(BiginAPIError) as info:
        svc.work(AttachmentOutcome("Contacts", RECORD))
    assert info.value.code == "RECORD_LOCKED"


# -- absent ---------------------------------------------------------------------------------

def test_absent_deletes_every_one_of_that_name(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    a = att_sim.add_attachment("Contacts", RECORD, "old.pdf", PDF)
    b = att_sim.add_attachment("Contacts", RECORD, "old.pdf", PDF2)
    keep = att_sim.add_attachment("Contacts", RECORD, "keep.pdf", PDF)
    _w, svc = service(wire, state="absent", name="old.pdf")
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    assert out.changed and sorted(out.deleted) == sorted([a, b])
    assert [x["id"] for x in att_sim.attachments("Contacts", RECORD)] == [keep]
    assert [att.id for att in out.after] == [keep]
    assert [m for m, _p in log(att_sim)] == ["GET", "DELETE", "DELETE"]


def test_absent_all_attachments_with_backups(wire: t.Callable[..., Wire], att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    a = att_sim.add_attachment("Contacts", RECORD, "../x.pdf", PDF)
    b = att_sim.add_attachment("Contacts", RECORD, "notes.txt", PDF2)
    link = att_sim.add_attachment("Contacts", RECORD, "site", link_url="https://example.com/")
    backups = tmp_path / "bk"
    backups.mkdir()
    _w, svc = service(wire, state="absent", all_attachments=True, backup_dir=str(backups))
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    assert att_sim.attachments("Contacts", RECORD) == []
    assert sorted(out.deleted) == sorted([a, b, link])
    names = sorted(os.listdir(backups))
    assert names == sorted(["Contacts-%s-%s-_x.pdf" % (RECORD, a), "Contacts-%s-%s-notes.txt" % (RECORD, b)])
    assert (backups / ("Contacts-%s-%s-_x.pdf" % (RECORD, a))).read_bytes() == PDF
    assert stat.S_IMODE(os.stat(out.backup_files[0]).st_mode) == 0o600
    # each backup's download comes before its delete; a link has none
    methods = [m + " " + p for m, p in log(att_sim)]
    for att_id in (a, b):
        assert methods.index("GET Attachments/" + att_id) < methods.index("DELETE Attachments/" + att_id)
    assert "GET Attachments/" + link not in methods


def test_backup_never_replaces_another_file(wire: t.Callable[..., Wire], att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    a = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    (tmp_path / attachment_backup_name("Contacts", RECORD, a, "a.pdf")).write_bytes(b"someone else's")
    _w, svc = service(wire, state="absent", name="a.pdf", backup_dir=str(tmp_path))
    with pytest.raises(BackupError, match="other content"):
        svc.work(AttachmentOutcome("Contacts", RECORD))
    assert len(att_sim.attachments("Contacts", RECORD)) == 1  # left in place
    assert (tmp_path / attachment_backup_name("Contacts", RECORD, a, "a.pdf")).read_bytes() == b"someone else's"
    assert not [n for n in os.listdir(tmp_path) if n.startswith(".bigin-")]  # no temporary file left


def test_backup_of_an_earlier_run_is_kept(wire: t.Callable[..., Wire], att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    a = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    earlier = tmp_path / attachment_backup_name("Contacts", RECORD, a, "a.pdf")
    earlier.write_bytes(PDF)
    _w, svc = service(wire, state="absent", name="a.pdf", backup_dir=str(tmp_path))
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    assert out.changed and out.backup_files == [str(earlier)] and att_sim.attachments("Contacts", RECORD) == []


def test_absent_check_mode_plans_deletes_and_backups(wire: t.Callable[..., Wire], att_sim: BiginSimulator,
                                                     tmp_path: t.Any) -> None:
    att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    att_sim.add_attachment("Contacts", RECORD, "a.pdf", link_url="https://example.com/")
    w, svc = service(wire, state="absent", name="a.pdf", backup_dir=str(tmp_path), check_mode=True)
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    assert out.changed and len(out.deleted) == 2 and out.after == []
    assert len(att_sim.attachments("Contacts", RECORD)) == 2 and os.listdir(tmp_path) == []
    assert w.transport.usage.estimate() == 1 + 2 + 1  # list, two deletes, one backup download


def test_delete_of_one_gone_already_is_not_a_change(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    a = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    _w, svc = service(wire, state="absent", name="a.pdf")
    att_sim.remove_attachment("Contacts", RECORD, a)
    assert svc.delete(RECORD, a) is False


# -- info -----------------------------------------------------------------------------------

def test_info_with_checksums(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    att_sim.add_attachment("Contacts", RECORD, "site", link_url="https://example.com/")
    _w, svc = service(wire, checksum=True)
    out = AttachmentOutcome("Contacts", RECORD)
    svc.work(out)
    info = out.to_info()["attachments"]
    assert {a["file_name"]: a.get("sha256") for a in info} == {"a.pdf": sha(PDF), "site": None}
    assert {a["type"] for a in info} == {"Attachment", "Link URL"}
    assert [m for m, _p in log(att_sim)] == ["GET", "GET"]  # the list and one download (a link has no file)


def test_outcome_diff_and_dict_shapes() -> None:
    out = AttachmentOutcome("Contacts", RECORD)
    assert out.diff() is None
    out.before = [Attachment("1", "a.pdf", 3)]
    out.after = []
    assert out.diff() == ({"attachments": [{"id": "1", "file_name": "a.pdf", "size": 3}]}, {"attachments": []})
    assert out.to_dict()["uploaded"] == [] and "backup_files" not in out.to_dict()


# -- the modules, in-process ------------------------------------------------------------------

def test_module_input_errors_before_any_request(run: t.Callable[..., t.Any], att_sim: BiginSimulator, tmp_path: t.Any) -> None:
    base = {"api_domain": att_sim.url, "accounts_url": att_sim.url, "access_token": ACCESS_TOKEN, "module": "Contacts",
            "record_id": RECORD}
    cases = [
        (dict(state="absent"), "name: required with state=absent"),
        (dict(state="absent", name="a", all_attachments=True), "name and all_attachments are mutually exclusive"),
        (dict(src=str(tmp_path / "missing")), "src: .* does not exist"),
        (dict(src=str(tmp_path), all_attachments=True), "all_attachments: true only goes with state=absent"),
    ]
    for extra, message in cases:
        result = run(dict(base, **extra), module=bigin_attachment)
        assert result.rc == 1 and re.search(message, result["msg"]), result["msg"]
        assert result["api_calls"]["total"] == 0
    assert att_sim.api_requests() == []


def test_info_module_in_process(run: t.Callable[..., t.Any], att_sim: BiginSimulator) -> None:
    att_sim.add_attachment("Contacts", NO_PHOTO, "a.txt", b"hello")
    result = run({"api_domain": att_sim.url, "accounts_url": att_sim.url, "access_token": ACCESS_TOKEN,
                  "module": "Contacts", "record_id": [RECORD, NO_PHOTO], "checksum": True}, module=bigin_attachment_info)
    assert result.rc == 0 and not result["changed"]
    assert [len(r["attachments"]) for r in result["records"]] == [0, 1]
    assert result["records"][1]["attachments"][0]["sha256"] == sha(b"hello")
    assert result["api_calls"]["total"] == 3


def test_the_listing_for_attachments_reads_ids_alone(run: t.Callable[..., t.Any], att_sim: BiginSimulator) -> None:
    result = run({"api_domain": att_sim.url, "accounts_url": att_sim.url, "access_token": ACCESS_TOKEN,
                  "module": "Contacts", "all_records": True}, module=bigin_attachment_info)
    assert result.rc == 0 and len(result["records"]) == 3
    listing = [e for e in att_sim.api_requests() if e["path"] == "/bigin/v2/Contacts"]
    assert [e["query"]["fields"] for e in listing] == ["id"]  # no photo field: the feature reads none


def test_delete_scope_mismatch_names_the_delete_scopes(wire: t.Callable[..., Wire], contacts: BiginSimulator) -> None:
    contacts.add_token(ACCESS_TOKEN, scopes=("ZohoBigin.modules.ALL", "ZohoBigin.modules.attachments.READ"))
    a = contacts.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    _w, svc = service(wire, state="absent", name="a.pdf")
    out = AttachmentOutcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        svc.work(out)
    assert "ZohoBigin.modules.attachments.DELETE" in str(info.value) and "ZohoBigin.modules.contacts.DELETE" in str(info.value)
    assert out.before is not None and [att.id for att in out.before] == [a] and not out.changed
    assert len(contacts.attachments("Contacts", RECORD)) == 1


def test_an_error_object_in_a_200_download_is_an_error(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    a = att_sim.add_attachment("Contacts", RECORD, "a.pdf", PDF)
    att_sim.inject_response(200, b'{"code": "NO_PERMISSION", "details": {}, "message": "permission denied", "status": "error"}',
                            headers={"Content-Type": "application/json"}, method="GET", path_contains="/Attachments/")
    _w, svc = service(wire)
    with pytest.raises(BiginAPIError) as info:
        svc.download(RECORD, Attachment(a, "a.pdf", len(PDF)))
    assert info.value.code == "NO_PERMISSION"


def test_a_json_file_is_a_file(wire: t.Callable[..., Wire], att_sim: BiginSimulator) -> None:
    data = b'{"code": "SUCCESS", "note": "a JSON file someone attached"}'
    a = att_sim.add_attachment("Contacts", RECORD, "data.json", data)  # answered with Content-Disposition: attachment
    _w, svc = service(wire)
    att = Attachment(a, "data.json", len(data))
    svc.download(RECORD, att)
    assert att.sha256 == sha(data)
