# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's attachment area (tests/simulator/attachments.py).

List, upload (file or link), download and delete of ``/bigin/{v}/{Module}/{id}/Attachments[/{aid}]``;
paging and 204; the scope pairs; unknown records and attachments; the size limit; the request
log; the Python API and reset().  Every test runs on ``sample_records``.
"""

from __future__ import annotations

import hashlib

import pytest
import requests

from tests.simulator.attachments import UPLOADER, attachment_scope_allows
from tests.simulator.bigin_simulator import ATTACHMENT_SCOPE_ALL, MAX_ATTACHMENT_BYTES, SCOPE_ALL, BiginSimulator

from .conftest import ACCOUNT, CONTACT, CONTACT_NO_PHOTO, PRODUCT, assert_error, auth

pytestmark = pytest.mark.usefixtures("sample_records")

TOKEN = "attach.all"  # ZohoBigin.modules.ALL + ZohoBigin.modules.attachments.ALL
FIELDS = "id,File_Name,Size,Created_Time,Created_By,$type,$link_url,$file_id"


@pytest.fixture(autouse=True)
def attach_token(sim: BiginSimulator) -> BiginSimulator:
    sim.add_token(TOKEN, scopes=(SCOPE_ALL, ATTACHMENT_SCOPE_ALL))
    return sim


def url(sim: BiginSimulator, module: str = "Contacts", record_id: str = CONTACT, attachment_id: str | None = None,
        version: str = "v2") -> str:
    base = "%s/bigin/%s/%s/%s/Attachments" % (sim.url, version, module, record_id)
    return base if attachment_id is None else "%s/%s" % (base, attachment_id)


def listing(sim: BiginSimulator, token: str = TOKEN, fields: str | None = FIELDS, **kw: str) -> requests.Response:
    target = url(sim, kw.pop("module", "Contacts"), kw.pop("record_id", CONTACT))
    params = dict(kw)
    if fields is not None:
        params["fields"] = fields
    return requests.get(target, params=params, headers=auth(token), timeout=30)


def upload(sim: BiginSimulator, name: str, data: bytes, token: str = TOKEN, module: str = "Contacts",
           record_id: str = CONTACT) -> requests.Response:
    return requests.post(url(sim, module, record_id), headers=auth(token), files={"file": (name, data)}, timeout=60)


# ---------------------------------------------------------------------------
# Round trips
# ---------------------------------------------------------------------------
def test_upload_list_download_delete(sim: BiginSimulator) -> None:
    resp = upload(sim, "report.pdf", b"%PDF-1.4 hello")
    assert resp.status_code == 200, resp.text
    body = resp.json()
    assert list(body) == ["data"] and len(body["data"]) == 1
    item = body["data"][0]
    assert (item["code"], item["message"], item["status"]) == ("SUCCESS", "attachment uploaded successfully", "success")
    assert set(item["details"]) == {"Modified_Time", "Modified_By", "Created_Time", "id", "Created_By"}
    aid = item["details"]["id"]
    assert aid.isdigit() and item["details"]["Created_By"] == UPLOADER

    listed = listing(sim)
    assert listed.status_code == 200
    data = listed.json()["data"]
    assert data == [{
        "id": aid, "File_Name": "report.pdf", "Size": "14", "Created_Time": item["details"]["Created_Time"],
        "Created_By": UPLOADER, "$type": "Attachment", "$link_url": None, "$file_id": data[0]["$file_id"],
    }]
    assert isinstance(data[0]["$file_id"], str) and data[0]["$file_id"]
    assert listed.json()["info"] == {"per_page": 200, "count": 1, "page": 1, "more_records": False}

    got = requests.get(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30)
    assert got.status_code == 200 and got.content == b"%PDF-1.4 hello"
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"] == 'attachment; filename="report.pdf"'
    assert sim.attachment("Contacts", CONTACT, aid) == b"%PDF-1.4 hello"

    deleted = requests.delete(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30)
    assert deleted.status_code == 200
    assert deleted.json() == {"data": [{"code": "SUCCESS", "details": {"id": aid}, "message": "record deleted",
                                        "status": "success"}]}
    assert sim.attachments("Contacts", CONTACT) == []
    assert listing(sim).status_code == 204


@pytest.mark.parametrize("module, record_id", [("Accounts", ACCOUNT), ("Products", PRODUCT)])
def test_other_modules_and_v1(sim: BiginSimulator, module: str, record_id: str) -> None:
    aid = upload(sim, "a.txt", b"abc", module=module, record_id=record_id).json()["data"][0]["details"]["id"]
    got = requests.get(url(sim, module, record_id, aid, version="v1"), headers=auth(TOKEN), timeout=30)
    assert got.content == b"abc" and got.headers["Content-Type"].startswith("text/plain")
    assert sim.attachments("Contacts", CONTACT) == []


def test_full_view_without_a_fields_subset(sim: BiginSimulator) -> None:
    sim.add_record("Contacts", "123", fields={"Last_Name": "Smith"})
    aid = sim.add_attachment("Contacts", "123", "notes.bin", b"\x00\x01", created_by={"name": "Ann", "id": "9", "email": "a@x"})
    full = "Owner,Modified_By,Created_By,File_Name,Created_Time,Modified_Time,Size,Parent_Id,$editable,$file_id,$type,$se_module,$link_url,$state"
    item = listing(sim, fields=full, record_id="123").json()["data"][0]
    assert set(item) == set(full.split(",")) | {"id"}
    assert item["Parent_Id"] == {"name": "Smith", "id": "123"}
    assert item["Created_By"] == item["Owner"] == {"name": "Ann", "id": "9", "email": "a@x"}
    assert (item["$se_module"], item["$editable"], item["$state"], item["id"]) == ("Contacts", True, "save", aid)
    got = requests.get(url(sim, "Contacts", "123", aid), headers=auth(TOKEN), timeout=30)
    assert got.headers["Content-Type"] == "application/octet-stream"


def test_non_ascii_file_name(sim: BiginSimulator) -> None:
    aid = upload(sim, "r\u00e9sum\u00e9.txt", b"x").json()["data"][0]["details"]["id"]
    assert sim.attachments("Contacts", CONTACT)[0]["name"] == "r\u00e9sum\u00e9.txt"
    disp = requests.get(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30).headers["Content-Disposition"]
    assert disp == "attachment; filename=\"r_sum_.txt\"; filename*=UTF-8''r%C3%A9sum%C3%A9.txt"


def test_same_name_twice_makes_two_attachments(sim: BiginSimulator) -> None:
    first = upload(sim, "a.txt", b"one").json()["data"][0]["details"]["id"]
    second = upload(sim, "a.txt", b"two").json()["data"][0]["details"]["id"]
    assert first != second
    assert [a["id"] for a in listing(sim).json()["data"]] == [second, first]  # newest first
    assert [(a["name"], a["data"]) for a in sim.attachments("Contacts", CONTACT)] == [("a.txt", b"one"), ("a.txt", b"two")]


# ---------------------------------------------------------------------------
# Listing: fields, paging, 204
# ---------------------------------------------------------------------------
def test_no_attachments_is_204(sim: BiginSimulator) -> None:
    resp = listing(sim, record_id=CONTACT_NO_PHOTO)
    assert resp.status_code == 204 and resp.content == b""


def test_fields_required(sim: BiginSimulator) -> None:
    assert_error(listing(sim, fields=None), "REQUIRED_PARAM_MISSING_FIELDS", details={"param_name": "fields"})


def test_paging(sim: BiginSimulator) -> None:
    ids = [sim.add_attachment("Contacts", CONTACT, "f%d.txt" % i, b"%d" % i) for i in range(5)]
    pages = []
    for page in (1, 2, 3):
        body = listing(sim, fields="File_Name", per_page="2", page=str(page)).json()
        pages.append(([a["id"] for a in body["data"]], body["info"]))
    assert pages[0] == ([ids[4], ids[3]], {"per_page": 2, "count": 2, "page": 1, "more_records": True})
    assert pages[1] == ([ids[2], ids[1]], {"per_page": 2, "count": 2, "page": 2, "more_records": True})
    assert pages[2] == ([ids[0]], {"per_page": 2, "count": 1, "page": 3, "more_records": False})
    assert listing(sim, per_page="2", page="4").status_code == 204
    assert_error(listing(sim, per_page="201"), "INVALID_DATA_PARAM", details={"param_name": "per_page"})
    assert_error(listing(sim, page="0"), "INVALID_DATA_PARAM", details={"param_name": "page"})


# ---------------------------------------------------------------------------
# Links (attachmentUrl)
# ---------------------------------------------------------------------------
def test_link_attachment(sim: BiginSimulator) -> None:
    resp = requests.post(url(sim), headers=auth(TOKEN), files={"attachmentUrl": (None, "https://www.zohocorp.com")},
                         timeout=30)
    assert resp.status_code == 200 and resp.json()["data"][0]["message"] == "attachment uploaded successfully"
    aid = resp.json()["data"][0]["details"]["id"]
    item = listing(sim).json()["data"][0]
    assert (item["$type"], item["$link_url"], item["File_Name"], item["Size"], item["$file_id"]) == \
        ("Link URL", "https://www.zohocorp.com", "https://www.zohocorp.com", "0", None)
    assert sim.attachment("Contacts", CONTACT, aid) is None
    assert sim.attachments("Contacts", CONTACT)[0]["link_url"] == "https://www.zohocorp.com"
    assert_error(requests.get(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30),
                 "INVALID_DATA_LINK_DOWNLOAD", details={"id": aid})
    assert requests.delete(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30).status_code == 200


def test_link_with_title_and_bad_links(sim: BiginSimulator) -> None:
    resp = requests.post(url(sim), headers=auth(TOKEN), timeout=30,
                         files={"attachmentUrl": (None, "https://example.com/x"), "title": (None, "Spec")})
    assert resp.status_code == 200
    assert listing(sim).json()["data"][0]["File_Name"] == "Spec"
    bad = requests.post(url(sim), headers=auth(TOKEN), files={"attachmentUrl": (None, "not a url")}, timeout=30)
    assert_error(bad, "INVALID_DATA_PARAM", details={"param_name": "attachmentUrl"})
    both = requests.post(url(sim), headers=auth(TOKEN), timeout=30,
                         files={"file": ("a.txt", b"a"), "attachmentUrl": (None, "https://example.com")})
    assert_error(both, "INVALID_DATA_FILE_AND_LINK")
    assert len(sim.attachments("Contacts", CONTACT)) == 1


def test_upload_without_file(sim: BiginSimulator) -> None:
    resp = requests.post(url(sim), headers=auth(TOKEN), files={"photo": ("a.txt", b"a")}, timeout=30)
    assert_error(resp, "REQUIRED_PARAM_MISSING_ATTACHMENT", details={"param": "file"})
    resp = requests.post(url(sim), headers=dict(auth(TOKEN), **{"Content-Type": "text/plain"}), data=b"a", timeout=30)
    assert_error(resp, "REQUIRED_PARAM_MISSING_ATTACHMENT", details={"param": "file"})


# ---------------------------------------------------------------------------
# Scope pairs
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("scopes, method, allowed", [
    ((SCOPE_ALL, ATTACHMENT_SCOPE_ALL), "GET", True),
    (("ZohoBigin.modules.contacts.READ", "ZohoBigin.modules.attachments.READ"), "GET", True),
    (("ZohoBigin.modules.contacts.ALL", "ZohoBigin.modules.attachments.READ"), "GET", True),
    (("ZohoBigin.modules.contacts.READ",), "GET", False),  # no attachments half
    ((SCOPE_ALL,), "GET", False),  # modules.ALL is only the module half
    (("ZohoBigin.modules.attachments.ALL",), "GET", False),  # no module half
    (("ZohoBigin.modules.accounts.ALL", "ZohoBigin.modules.attachments.ALL"), "GET", False),  # another module
    (("ZohoBigin.modules.contacts.READ", "ZohoBigin.modules.attachments.CREATE"), "GET", False),
    (("ZohoBigin.modules.contacts.CREATE", "ZohoBigin.modules.attachments.CREATE"), "POST", True),
    (("ZohoBigin.modules.contacts.WRITE", "ZohoBigin.modules.attachments.WRITE"), "POST", True),
    (("ZohoBigin.modules.contacts.READ", "ZohoBigin.modules.attachments.CREATE"), "POST", False),
    (("ZohoBigin.modules.contacts.CREATE", "ZohoBigin.modules.attachments.READ"), "POST", False),
    (("ZohoBigin.modules.contacts.DELETE", "ZohoBigin.modules.attachments.DELETE"), "DELETE", True),
    (("ZohoBigin.modules.contacts.ALL", "ZohoBigin.modules.attachments.READ"), "DELETE", False),
    (("ZohoBigin.modules.contacts.DELETE", "ZohoBigin.modules.attachments.READ"), "DELETE", False),
])
def test_scope_pairs(sim: BiginSimulator, scopes: tuple[str, ...], method: str, allowed: bool) -> None:
    aid = sim.add_attachment("Contacts", CONTACT, "a.txt", b"a")
    sim.add_token("pair", scopes=scopes)
    if method == "GET":
        resp = requests.get(url(sim, attachment_id=aid), headers=auth("pair"), timeout=30)
    elif method == "POST":
        resp = upload(sim, "b.txt", b"b", token="pair")
    else:
        resp = requests.delete(url(sim, attachment_id=aid), headers=auth("pair"), timeout=30)
    if allowed:
        assert resp.status_code == 200, resp.text
    else:
        assert_error(resp, "OAUTH_SCOPE_MISMATCH")
        assert [a["id"] for a in sim.attachments("Contacts", CONTACT)] == [aid]  # nothing changed


def test_listing_needs_both_halves(sim: BiginSimulator) -> None:
    sim.add_token("module-only", scopes=("ZohoBigin.modules.contacts.READ",))
    sim.add_token("attachments-only", scopes=("ZohoBigin.modules.attachments.READ",))
    assert_error(listing(sim, token="module-only"), "OAUTH_SCOPE_MISMATCH")
    assert_error(listing(sim, token="attachments-only"), "OAUTH_SCOPE_MISMATCH")


def test_attachment_scope_allows() -> None:
    assert attachment_scope_allows(["ZohoBigin.modules.Attachments.READ"], "GET")
    assert not attachment_scope_allows(["ZohoBigin.modules.attachments"], "GET")
    assert not attachment_scope_allows(["ZohoBigin.modules.attachments.READ"], "PUT")


def test_other_routes_keep_one_scope(sim: BiginSimulator) -> None:
    # The photo and record routes still need the module's scope only.
    resp = requests.get("%s/bigin/v2/Contacts/%s/photo" % (sim.url, CONTACT), headers=auth(), timeout=30)
    assert resp.status_code == 200


# ---------------------------------------------------------------------------
# Unknown records and attachments, locks, methods
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("record_id", ["abc", "999999999", ACCOUNT])  # ACCOUNT exists, in Accounts
def test_unknown_record(sim: BiginSimulator, record_id: str) -> None:
    assert_error(listing(sim, record_id=record_id), "INVALID_DATA")
    assert_error(upload(sim, "a.txt", b"a", record_id=record_id), "INVALID_DATA")
    for method in ("GET", "DELETE"):
        resp = requests.request(method, url(sim, "Contacts", record_id, "3000000970001"), headers=auth(TOKEN), timeout=30)
        assert_error(resp, "INVALID_DATA")


def test_unknown_attachment(sim: BiginSimulator) -> None:
    other = sim.add_attachment("Accounts", ACCOUNT, "a.txt", b"a")  # exists, on another record
    for aid in ("3000000999999", other, "abc"):
        for method in ("GET", "DELETE"):
            resp = requests.request(method, url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30)
            assert_error(resp, "INVALID_DATA_ATTACHMENT_ID", details={"id": aid})
    assert sim.attachment("Accounts", ACCOUNT, other) == b"a"


def test_deleted_attachment_cannot_be_deleted_again(sim: BiginSimulator) -> None:
    aid = sim.add_attachment("Contacts", CONTACT, "a.txt", b"a")
    assert requests.delete(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30).status_code == 200
    assert_error(requests.delete(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30),
                 "INVALID_DATA_ATTACHMENT_ID", details={"id": aid})


def test_locked_record(sim: BiginSimulator) -> None:
    aid = sim.add_attachment("Contacts", CONTACT, "a.txt", b"a")
    sim.lock_record("Contacts", CONTACT)
    assert_error(upload(sim, "b.txt", b"b"), "RECORD_LOCKED")
    assert_error(requests.delete(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30), "RECORD_LOCKED")
    assert requests.get(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30).content == b"a"
    sim.unlock_record("Contacts", CONTACT)
    assert upload(sim, "b.txt", b"b").status_code == 200


def test_wrong_methods_and_modules(sim: BiginSimulator) -> None:
    aid = sim.add_attachment("Contacts", CONTACT, "a.txt", b"a")
    assert_error(requests.delete(url(sim), headers=auth(TOKEN), timeout=30), "INVALID_REQUEST_METHOD")
    assert_error(requests.post(url(sim, attachment_id=aid), headers=auth(TOKEN), files={"file": ("b", b"b")}, timeout=30),
                 "INVALID_REQUEST_METHOD")
    assert_error(requests.put(url(sim, attachment_id=aid), headers=auth(TOKEN), timeout=30), "INVALID_REQUEST_METHOD")
    assert_error(listing(sim, module="Leads"), "INVALID_MODULE")
    assert requests.get(url(sim, attachment_id=aid), timeout=30).status_code == 401


# ---------------------------------------------------------------------------
# Size limit and large files
# ---------------------------------------------------------------------------
def test_size_limit(sim: BiginSimulator) -> None:
    assert sim.max_attachment_bytes == MAX_ATTACHMENT_BYTES == 100 * 1024 * 1024
    sim.max_attachment_bytes = 1000
    assert upload(sim, "ok.bin", b"x" * 1000).status_code == 200
    resp = upload(sim, "big.bin", b"x" * 1001)
    assert_error(resp, "INVALID_DATA_ATTACHMENT_SIZE", details={"maximum_size": 1000})
    assert [a["name"] for a in sim.attachments("Contacts", CONTACT)] == ["ok.bin"]
    sim.reset()
    assert sim.max_attachment_bytes == MAX_ATTACHMENT_BYTES


def test_25_mb_round_trip(sim: BiginSimulator) -> None:
    data = hashlib.sha256(b"seed").digest() * (25 * 1024 * 1024 // 32)
    resp = upload(sim, "big.bin", data)
    assert resp.status_code == 200, resp.text
    aid = resp.json()["data"][0]["details"]["id"]
    assert listing(sim).json()["data"][0]["Size"] == str(len(data))
    with requests.get(url(sim, attachment_id=aid), headers=auth(TOKEN), stream=True, timeout=60) as got:
        assert got.headers["Content-Length"] == str(len(data))
        digest = hashlib.sha256()
        for chunk in got.iter_content(1 << 20):
            digest.update(chunk)
    assert digest.hexdigest() == hashlib.sha256(data).hexdigest()
    assert sim.attachment("Contacts", CONTACT, aid) is sim.attachment("Contacts", CONTACT, aid)  # one stored copy


# ---------------------------------------------------------------------------
# Request log, Python API, reset
# ---------------------------------------------------------------------------
def test_request_log(sim: BiginSimulator) -> None:
    sim.clear_log()
    upload(sim, "a.txt", b"abc")
    requests.post(url(sim), headers=auth(TOKEN), files={"attachmentUrl": (None, "https://example.com")}, timeout=30)
    listing(sim)
    entries = sim.api_requests()
    assert [(e["method"], e["status"], e["code"]) for e in entries] == [
        ("POST", 200, "SUCCESS"), ("POST", 200, "SUCCESS"), ("GET", 200, "SUCCESS")]
    assert entries[0]["filename"] == "a.txt" and entries[0]["size"] == 3
    assert entries[1]["link_url"] == "https://example.com"
    assert entries[2]["path"] == "/bigin/v2/Contacts/%s/Attachments" % CONTACT
    for entry in entries:
        assert TOKEN not in repr(entry)
        assert entry["headers"]["Authorization"] == "Zoho-oauthtoken ***"


def test_python_api(sim: BiginSimulator) -> None:
    aid = sim.add_attachment("Contacts", CONTACT, "a.txt", b"abc")
    link = sim.add_attachment("Contacts", CONTACT, "Site", link_url="https://example.com")
    got = sim.attachments("Contacts", CONTACT)
    assert [(a["id"], a["name"], a["data"], a["size"], a["link_url"]) for a in got] == [
        (aid, "a.txt", b"abc", 3, None), (link, "Site", None, 0, "https://example.com")]
    assert got[0]["created_by"] == UPLOADER
    assert sim.attachment("Contacts", CONTACT, "nope") is None
    assert sim.attachment("Contacts", "999", aid) is None
    assert sim.attachments("Contacts", "999") == []
    assert sim.attachment_count() == 2 and sim.attachment_count("Accounts") == 0
    sim.remove_attachment("Contacts", CONTACT, link)
    assert sim.attachment_count("Contacts") == 1
    with pytest.raises(ValueError):
        sim.add_attachment("Contacts", CONTACT, "x")
    with pytest.raises(ValueError):
        sim.add_attachment("Contacts", CONTACT, "x", b"x", link_url="https://example.com")
    with pytest.raises(KeyError):
        sim.add_attachment("Contacts", "999", "x", b"x")


def test_attachments_go_with_their_record(sim: BiginSimulator) -> None:
    sim.add_attachment("Contacts", CONTACT, "a.txt", b"abc")
    sim.remove_record("Contacts", CONTACT)
    sim.add_record("Contacts", CONTACT)
    assert sim.attachments("Contacts", CONTACT) == []


def test_reset_clears_attachments(sim: BiginSimulator) -> None:
    first = sim.add_attachment("Contacts", CONTACT, "a.txt", b"abc")
    sim.reset()
    assert sim.attachment_count() == 0
    sim.add_record("Contacts", CONTACT)
    assert sim.attachments("Contacts", CONTACT) == []
    assert sim.add_attachment("Contacts", CONTACT, "a.txt", b"abc") == first  # ids start over
