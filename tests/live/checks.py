# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The checks of the live suite: one line per assumption, ``holds`` or ``differs: <what was seen>``.

"Holds" means Bigin answered as the simulator's default profile does (tests/simulator/profiles.py);
docs/docsite/rst/assumptions.rst says where each assumption comes from and which switch varies it.
"""

from __future__ import annotations

import hashlib
import struct
import sys
import time
import typing as t
import zlib

import requests

from .api import Api, describe

#: (name, what it checks), in the order the suite runs them; ``token_throttle_status`` is opt-in.
CHECKS = (
    ("token_refresh_fields", "the token answer has access_token, api_domain and expires_in (seconds)"),
    ("record_image_null_without_photo", "Record_Image is null on a record without a photo"),
    ("no_photo_get", "a photo GET of a record without a photo is 204 with an empty body"),
    ("delete_missing_photo", "a photo DELETE of a record without a photo is 400 INVALID_DATA \"No such photo exists\""),
    ("upload_round_trip", "a photo GET after an upload returns the uploaded bytes"),
    ("record_image_set_after_upload", "Record_Image is a non-empty value after an upload"),
    ("record_image_changes_on_replace", "Record_Image changes when a photo replaces another"),
    ("record_image_null_after_delete", "Record_Image is null after the photo is deleted"),
    ("search_equals_exact", "criteria equals matches the whole value only (not a word or a substring of it)"),
    ("search_starts_with", "criteria starts_with matches the values that start with the text"),
    ("search_empty_is_204", "a search without matches is 204 with an empty body"),
    ("search_escaped_criteria", "criteria with Bigin's backslash escapes \\( \\) \\, match the unescaped value"),
    ("page_tokens", "Get Records gives next_page_token with small per_page, and page_token reaches the next pages"),
    ("token_throttle_status", "the token endpoint's \"Access Denied\" (11th token in 10 minutes) is HTTP 400"),
)
CHECK_NAMES = tuple(name for name, dummy in CHECKS)
PER_PAGE = 2
MAX_PAGES = 10


def png(rgb: tuple[int, int, int], text: bytes) -> bytes:
    """A 1x1 PNG of colour ``rgb`` with a ``tEXt`` chunk (so each run uploads its own bytes)."""
    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"tEXt", b"Comment\x00" + text) + chunk(b"IDAT", zlib.compress(b"\x00" + bytes(rgb))) + chunk(b"IEND", b""))


def short_sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:12]


class Report:
    """Prints each result as it comes (a run cut short keeps its lines) and keeps the tally."""

    def __init__(self, out: t.TextIO = sys.stdout):
        self.out = out
        self.results: dict[str, tuple[str, str]] = {}

    def line(self, name: str, state: str, detail: str = "") -> None:
        self.results[name] = (state, detail)
        self.out.write("%s: %s%s\n" % (name, state, ": " + detail if detail else ""))
        self.out.flush()

    def check(self, name: str, holds: bool, seen: str) -> bool:
        self.line(name, "holds" if holds else "differs", "" if holds else seen)
        return holds

    def note(self, text: str) -> None:
        self.out.write("# %s\n" % text)
        self.out.flush()

    def states(self) -> set[str]:
        return {state for state, dummy in self.results.values()}


class Names:
    """The Last_Names of one run's Contacts; every one carries the run id, and First_Name is the run's tag."""

    def __init__(self, run: str):
        self.run = run
        self.tag = "Zbl" + run
        self.exact = "Smith" + run
        self.word = "Anna Smith%s Jones" % run
        self.substring = "Smith%sson" % run
        self.escaped = "Acme (UK), Ltd %s" % run
        self.photo = "Photo %s" % run

    def all(self) -> list[str]:
        return [self.exact, self.word, self.substring, self.escaped, self.photo]


def _names_of(resp: requests.Response, names: Names) -> list[str] | None:
    """The Last_Names of this run's records in a search answer ([] for 204), None when not a search answer."""
    if resp.status_code == 204:
        return []
    try:
        data = resp.json()["data"]
        return sorted(r.get("Last_Name") for r in data if r.get("First_Name") == names.tag or names.run in str(r.get("Last_Name")))
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def token_fields(report: Report, answer: dict[str, t.Any]) -> None:
    problems = []
    if not isinstance(answer.get("api_domain"), str) or not answer["api_domain"].startswith(("https://", "http://")):
        problems.append("api_domain is %s" % ("missing" if "api_domain" not in answer else type(answer["api_domain"]).__name__))
    expires = answer.get("expires_in")
    if not isinstance(expires, int) or isinstance(expires, bool) or not 0 < expires <= 86400:
        problems.append("expires_in is %r (not seconds)" % (expires,) if "expires_in" in answer else "expires_in is missing")
    report.check("token_refresh_fields", not problems, "; ".join(problems) + "; keys: %s" % ", ".join(sorted(answer)))


def photo_checks(api: Api, report: Report, record_id: str, run: str) -> None:
    """The photo and Record_Image checks, on the run's record without a photo."""
    path = "Contacts/%s/photo" % record_id
    rec = api.record(record_id)
    report.check("record_image_null_without_photo", rec is not None and rec.get("Record_Image") is None,
                 "Record_Image is %r" % (None if rec is None else rec.get("Record_Image"),) if rec else "the record was not readable")
    resp = api.call("GET", path)
    report.check("no_photo_get", resp.status_code == 204 and not resp.content, describe(resp))
    resp = api.call("DELETE", path)
    try:
        body = resp.json()
    except ValueError:
        body = {}
    report.check("delete_missing_photo", resp.status_code == 400 and isinstance(body, dict) and body.get("code") == "INVALID_DATA"
                 and body.get("message") == "No such photo exists", describe(resp))

    first, second = png((200, 30, 30), b"live " + run.encode()), png((30, 30, 200), b"live " + run.encode())
    up = api.call("POST", path, files={"file": ("live-%s.png" % run, first, "image/png")})
    if up.status_code != 200:
        for name in ("upload_round_trip", "record_image_set_after_upload", "record_image_changes_on_replace",
                     "record_image_null_after_delete"):
            report.line(name, "error", "the upload failed: %s" % describe(up))
        return
    got = api.call("GET", path)
    report.check("upload_round_trip", got.status_code == 200 and got.content == first,
                 "GET returned %s (sha256 %s) for the %d bytes uploaded (sha256 %s)"
                 % (describe(got), short_sha(got.content), len(first), short_sha(first)))
    marker = (api.record(record_id) or {}).get("Record_Image")
    report.check("record_image_set_after_upload", isinstance(marker, str) and bool(marker), "Record_Image is %r" % (marker,))
    up = api.call("POST", path, files={"file": ("live-%s-2.png" % run, second, "image/png")})
    replaced = (api.record(record_id) or {}).get("Record_Image")
    if up.status_code != 200:
        report.line("record_image_changes_on_replace", "error", "the second upload failed: %s" % describe(up))
    else:
        report.check("record_image_changes_on_replace", replaced is not None and replaced != marker,
                     "Record_Image stayed the same" if replaced == marker else "Record_Image is %r" % (replaced,))
    gone = api.call("DELETE", path)
    after = (api.record(record_id) or {}).get("Record_Image", "unreadable")
    report.check("record_image_null_after_delete", gone.status_code == 200 and after is None,
                 "DELETE: %s; Record_Image is %r" % (describe(gone), after))


def wait_searchable(api: Api, names: Names, wait: float) -> float | None:
    """Seconds until search finds every record of the run (Bigin indexes new records), None if not within ``wait``."""
    started = time.monotonic()
    while True:
        found = _names_of(api.search("(First_Name:equals:%s)" % names.tag), names)
        if found is not None and len(found) == len(names.all()):
            return time.monotonic() - started
        if time.monotonic() - started >= wait:
            return None
        time.sleep(min(2.0, max(0.1, wait / 30)))


def search_checks(api: Api, report: Report, names: Names, wait: float) -> None:
    took = wait_searchable(api, names, wait)
    if took is None:
        for name in ("search_equals_exact", "search_starts_with", "search_empty_is_204", "search_escaped_criteria"):
            report.line(name, "error", "search did not find the run's new records within %g s" % wait)
        return
    report.note("search found the new records after %.1f s" % took)

    def compare(name: str, criteria: str, expected: list[str], explain: t.Callable[[list[str]], str] | None = None) -> None:
        resp = api.search(criteria)
        found = _names_of(resp, names)
        if found is None:
            report.check(name, False, "%s: %s" % (criteria, describe(resp)))
            return
        seen = "%s matched %s" % (criteria, ", ".join(repr(n) for n in found) or "nothing")
        if explain is not None:
            seen += explain(found)
        report.check(name, found == sorted(expected), seen)

    def kind_of_match(found: list[str]) -> str:
        if names.substring in found:
            return " (a substring match)"
        if names.word in found:
            return " (a whole-word match)"
        return ""

    compare("search_equals_exact", "(Last_Name:equals:%s)" % names.exact, [names.exact], kind_of_match)
    compare("search_starts_with", "(Last_Name:starts_with:%s)" % names.exact, [names.exact, names.substring])
    resp = api.search("(Last_Name:equals:Nobody%s)" % names.run)
    report.check("search_empty_is_204", resp.status_code == 204 and not resp.content, describe(resp))
    escaped = names.escaped.replace("(", "\\(").replace(")", "\\)").replace(",", "\\,")
    compare("search_escaped_criteria", "(Last_Name:equals:%s)" % escaped, [names.escaped])


def page_token_check(api: Api, report: Report, ids: list[str]) -> None:
    """Walk Get Records with per_page=2 by page_token; the run's records (the newest, ids descending) must all come."""
    params = {"fields": "id,Last_Name", "per_page": str(PER_PAGE)}
    seen: list[str] = []
    token = None
    problem = ""
    for page in range(1, MAX_PAGES + 1):
        resp = api.call("GET", "Contacts", params=dict(params, page_token=token) if token else params)
        if resp.status_code != 200:
            problem = "page %d: %s" % (page, describe(resp))
            break
        body = resp.json()
        seen.extend(str(r["id"]) for r in body.get("data", []))
        info = body.get("info") or {}
        if set(ids) <= set(seen) and page >= 2:
            break
        token = info.get("next_page_token")
        if not info.get("more_records"):
            problem = "more_records false after page %d" % page
            break
        if not token:
            problem = "page %d: more_records is true but info has no next_page_token (info keys: %s)" % (
                page, ", ".join(sorted(info)))
            break
    if not problem and len(seen) != len(set(seen)):
        problem = "a record came twice"
    if not problem and not set(ids) <= set(seen):
        problem = "%d of the run's %d records seen in %d records listed" % (len(set(ids) & set(seen)), len(ids), len(seen))
    report.check("page_tokens", not problem, problem)


def throttle_check(api: Api, report: Report, enabled: bool) -> None:
    if not enabled:
        report.line("token_throttle_status", "skipped",
                    "opt-in (--check-throttle): it uses up this refresh token's 10 new tokens per 10 minutes")
        return
    for dummy_attempt in range(12):
        resp, obj = api.refresh()
        if obj.get("error") == "Access Denied" or (obj.get("error") and "access_token" not in obj):
            report.check("token_throttle_status", resp.status_code == 400 and obj.get("error") == "Access Denied",
                         "HTTP %d with error %s" % (resp.status_code, obj.get("error")))
            return
    report.check("token_throttle_status", False, "no \"Access Denied\" after 12 more refreshes")
