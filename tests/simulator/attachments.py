# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record attachments for the Bigin simulator: attachment state and the attachment API.

* ``GET /bigin/{v}/{Module}/{record_id}/Attachments?fields=...&page=&per_page=`` — the list,
  newest first; ``fields`` required; 204 with an empty body when there is none (on that page);
* ``POST /bigin/{v}/{Module}/{record_id}/Attachments`` — multipart/form-data with ``file`` (a
  file) or ``attachmentUrl`` (a link, optional ``title``), not both;
* ``GET /bigin/{v}/{Module}/{record_id}/Attachments/{attachment_id}`` — the file's bytes;
* ``DELETE /bigin/{v}/{Module}/{record_id}/Attachments/{attachment_id}``.

Scopes come in pairs (:func:`attachment_scope_allows`): the module's scope, checked as for
every API URL, and ``ZohoBigin.modules.attachments.{ALL|READ|CREATE|WRITE|DELETE}``.
``ZohoBigin.modules.ALL`` is only the module half.

After the checks common to every API URL (see :mod:`tests.simulator.routes`): record id syntax
and existence (400 ``INVALID_DATA``) -> record lock (400 ``RECORD_LOCKED``, POST and DELETE) ->
the attachment id (400 ``INVALID_DATA`` with ``details.id``) -> the operation.  Shapes follow
Zoho CRM's attachment pages, which Bigin's v2 pages mirror (docs/docsite/rst/assumptions.rst,
section "Attachments", has the sources and the guesses).
"""

from __future__ import annotations

import mimetypes
import re
import secrets
import threading
import time
import typing as t
from urllib.parse import quote

from .records import API_USER, MAX_PER_PAGE, _fields_param, _int_param

if t.TYPE_CHECKING:  # responses.py imports this module for ATTACHMENT_ERRORS: the handlers import it when they run
    from .responses import Response

ATTACHMENTS_PATH_RE = re.compile(r"^/bigin/(v1|v2)/([^/]+)/([^/]+)/Attachments(?:/([^/]+))?$")
#: The largest file an upload may carry (Zoho CRM's v2 upload page: "Maximum allowed file size: 100 MB");
#: ``sim.max_attachment_bytes`` changes it per simulator.
MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024
ATTACHMENT_SCOPE_PREFIX = "ZohoBigin.modules.attachments."
ATTACHMENT_SCOPE_ALL = ATTACHMENT_SCOPE_PREFIX + "ALL"
#: Operations of the attachments half of the scope pair, per HTTP method (Bigin's v2 attachment pages).
ATTACHMENT_SCOPE_OPS = {
    "GET": ("ALL", "READ"),
    "POST": ("ALL", "WRITE", "CREATE"),
    "DELETE": ("ALL", "DELETE"),
}
#: The user the simulator's uploads are made by (the records' API user, with an email).
UPLOADER = dict(API_USER, email="simulator@example.com")
FIRST_ATTACHMENT_ID = 3000000970001

#: key -> (code, HTTP status, message); merged into the simulator's ERRORS table.
ATTACHMENT_ERRORS: dict[str, tuple[str, int, str]] = {
    "INVALID_DATA_ATTACHMENT_ID": ("INVALID_DATA", 400, "the id given seems to be invalid"),
    "INVALID_DATA_ATTACHMENT_SIZE": ("INVALID_DATA", 400, "the file size exceeds the maximum allowed size"),
    "INVALID_DATA_LINK_DOWNLOAD": ("INVALID_DATA", 400, "the attachment is a link and has no file to download"),
    "INVALID_DATA_FILE_AND_LINK": ("INVALID_DATA", 400, "either a file or an attachment link can be given, not both"),
    "REQUIRED_PARAM_MISSING_ATTACHMENT": ("REQUIRED_PARAM_MISSING", 400, "One of the expected parameter is missing"),
}


def attachment_scope_allows(scopes: t.Iterable[str], method: str) -> bool:
    """Whether ``scopes`` hold the attachments half of the pair for ``method`` (``ZohoBigin.modules.ALL`` does not)."""
    ops = ATTACHMENT_SCOPE_OPS.get(method, ())
    for scope in scopes:
        parts = scope.split(".")
        if len(parts) == 4 and parts[0] == "ZohoBigin" and parts[1] == "modules" and parts[2].lower() == "attachments" \
                and parts[3] in ops:
            return True
    return False


def _now_text() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def content_type_of(name: str) -> str:
    """The Content-Type a download of ``name`` is answered with (by its extension; octet-stream otherwise)."""
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def content_disposition(name: str) -> str:
    """``attachment; filename="..."`` (plus RFC 5987 ``filename*`` when the name is not plain ASCII)."""
    plain = name.replace("\\", "_").replace('"', "_")
    if plain.isascii() and plain.isprintable():
        return 'attachment; filename="%s"' % plain
    fallback = "".join(ch if ch.isascii() and ch.isprintable() else "_" for ch in plain)
    return "attachment; filename=\"%s\"; filename*=UTF-8''%s" % (fallback, quote(name, safe=""))


class AttachmentsMixin:
    """Attachment state and the attachment API handlers of the simulator."""

    _lock: threading.RLock
    _records: dict[tuple[str, str], dict[str, t.Any]]
    _record_refusal: t.Callable[[str, tuple[str, str]], t.Optional[str]]
    _error: t.Callable[..., Response]
    _json: t.Callable[..., Response]
    _empty: t.Callable[[], Response]

    def _reset_attachments(self) -> None:
        # The attachments live in their record (rec["attachments"]: id -> attachment), so they go with it.
        self.max_attachment_bytes = MAX_ATTACHMENT_BYTES
        self._last_attachment_id = FIRST_ATTACHMENT_ID - 1

    # -- attachment state (tests) ---------------------------------------------------------
    def _store(self, rec: dict[str, t.Any]) -> dict[str, dict[str, t.Any]]:
        return rec.setdefault("attachments", {})

    def _new_attachment(self, module_name: str, record_id: str, rec: dict[str, t.Any], name: str,
                        data: bytes | None, link_url: str | None, created_by: t.Mapping[str, str] | None) -> str:
        self._last_attachment_id += 1
        attachment_id = str(self._last_attachment_id)
        now = _now_text()
        user = dict(created_by) if created_by is not None else dict(UPLOADER)
        self._store(rec)[attachment_id] = {
            "id": attachment_id,
            "name": name,
            "data": data,  # the one copy the simulator keeps (None for a link)
            "link_url": link_url,
            "file_id": None if link_url is not None else secrets.token_hex(32),
            "created_by": user,
            "created_time": now,
            "modified_time": now,
            "module": module_name,
            "record_id": record_id,
        }
        return attachment_id

    def add_attachment(self, module_name: str, record_id: t.Any, name: str, data: bytes | None = None,
                       created_by: t.Mapping[str, str] | None = None, link_url: str | None = None) -> str:
        """Attach a file (``data``) or, with ``link_url`` and no data, a link to a record, as if done in Bigin; its id.

        ``created_by``: ``{"name", "id", "email"}`` (default :data:`UPLOADER`). KeyError when the record is unknown.
        """
        if (data is None) == (link_url is None):
            raise ValueError("give either data or link_url")
        with self._lock:
            rec = self._records[(module_name, str(record_id))]
            return self._new_attachment(module_name, str(record_id), rec, name,
                                        bytes(data) if data is not None else None, link_url, created_by)

    def attachments(self, module_name: str, record_id: t.Any) -> list[dict[str, t.Any]]:
        """The record's attachments, oldest first: ``id``, ``name``, ``data`` (None for a link), ``size``,
        ``link_url``, ``created_by``, ``created_time``; ``[]`` for an unknown record."""
        with self._lock:
            rec = self._records.get((module_name, str(record_id)))
            if rec is None:
                return []
            return [
                {"id": att["id"], "name": att["name"], "data": att["data"],
                 "size": len(att["data"]) if att["data"] is not None else 0, "link_url": att["link_url"],
                 "created_by": dict(att["created_by"]), "created_time": att["created_time"]}
                for att in self._store(rec).values()
            ]

    def attachment(self, module_name: str, record_id: t.Any, attachment_id: t.Any) -> bytes | None:
        """The bytes of one attachment (None: unknown record or attachment, or a link)."""
        with self._lock:
            rec = self._records.get((module_name, str(record_id)))
            att = None if rec is None else self._store(rec).get(str(attachment_id))
            return None if att is None else att["data"]

    def remove_attachment(self, module_name: str, record_id: t.Any, attachment_id: t.Any) -> None:
        """Delete an attachment as if someone did in Bigin (nothing if unknown)."""
        with self._lock:
            rec = self._records.get((module_name, str(record_id)))
            if rec is not None:
                self._store(rec).pop(str(attachment_id), None)

    def attachment_count(self, module_name: str | None = None) -> int:
        with self._lock:
            return sum(len(rec.get("attachments") or ()) for (mod, dummy_id), rec in self._records.items()
                       if module_name in (None, mod))

    # -- the API (routes.py calls these with the lock held) --------------------------------
    def _attachment_target(self, method: str, module_name: str, record_id: str,
                           request: dict[str, t.Any]) -> tuple[dict[str, t.Any] | None, str | None, Response | None]:
        """(record, attachment id or None, None), or (None, None, the error that answers the request)."""
        key = (module_name, record_id)
        if not record_id.isdigit() or not record_id.isascii() or key not in self._records:
            return None, None, self._error("INVALID_DATA")
        refusal = self._record_refusal(method, key)
        if refusal is not None:
            return None, None, self._error(refusal)
        match = t.cast(t.Match[str], ATTACHMENTS_PATH_RE.match(request["path"]))
        return self._records[key], match.group(4), None

    def _attachment_view(self, att: dict[str, t.Any], module_name: str, rec: dict[str, t.Any]) -> dict[str, t.Any]:
        fields = rec.get("fields") or {}
        parent_name = next((str(fields[k]) for k in ("Full_Name", "Last_Name", "Account_Name", "Product_Name")
                            if fields.get(k)), None)
        link = att["link_url"] is not None
        return {
            "Owner": dict(att["created_by"]),
            "Modified_By": dict(att["created_by"]),
            "Created_By": dict(att["created_by"]),
            "File_Name": att["name"],
            "Created_Time": att["created_time"],
            "Modified_Time": att["modified_time"],
            "Size": "0" if link else str(len(att["data"])),
            "Parent_Id": {"name": parent_name, "id": att["record_id"]},
            "$editable": True,
            "$file_id": att["file_id"],
            "$type": "Link URL" if link else "Attachment",
            "$se_module": module_name,
            "$link_url": att["link_url"],
            "$state": "save",
            "id": att["id"],
        }

    def _attachments_get(self, module_name: str, record_id: str, request: dict[str, t.Any]) -> Response:
        rec, attachment_id, err = self._attachment_target("GET", module_name, record_id, request)
        if rec is None:
            return t.cast("Response", err)
        if attachment_id is not None:
            return self._attachment_download(rec, attachment_id)
        query = request["query"]
        fields, err = _fields_param(self, query, required=True)
        if err:
            return t.cast("Response", err)
        per_page, err = _int_param(self, query, "per_page", MAX_PER_PAGE, 1, MAX_PER_PAGE)
        if err:
            return t.cast("Response", err)
        page, err = _int_param(self, query, "page", 1, 1, None)
        if err:
            return t.cast("Response", err)
        items = sorted(self._store(rec).values(), key=lambda att: int(att["id"]), reverse=True)  # newest first
        start = (t.cast(int, page) - 1) * t.cast(int, per_page)
        chunk = items[start:start + t.cast(int, per_page)]
        if not chunk:
            return self._empty()
        data = []
        for att in chunk:
            full = self._attachment_view(att, module_name, rec)
            view = {name: full.get(name) for name in t.cast(list, fields) if name != "id"}
            view["id"] = att["id"]
            data.append(view)
        info = {"per_page": per_page, "count": len(chunk), "page": page,
                "more_records": start + t.cast(int, per_page) < len(items)}
        return self._json(200, {"data": data, "info": info}, code="SUCCESS")

    def _attachment_download(self, rec: dict[str, t.Any], attachment_id: str) -> Response:
        att = self._store(rec).get(attachment_id)
        if att is None:
            return self._error("INVALID_DATA_ATTACHMENT_ID", details={"id": attachment_id})
        if att["data"] is None:
            return self._error("INVALID_DATA_LINK_DOWNLOAD", details={"id": attachment_id})
        from .responses import Response  # pylint: disable=import-outside-toplevel  # see the imports

        # The stored bytes object itself: no copy per download.
        hdrs = [("Content-Type", content_type_of(att["name"])), ("Content-Disposition", content_disposition(att["name"]))]
        return Response(200, att["data"], hdrs, code="SUCCESS")

    def _attachment_delete(self, module_name: str, record_id: str, request: dict[str, t.Any]) -> Response:
        rec, attachment_id, err = self._attachment_target("DELETE", module_name, record_id, request)
        if rec is None:
            return t.cast("Response", err)
        if attachment_id is None:  # DELETE on the list URL
            return self._error("INVALID_REQUEST_METHOD")
        if self._store(rec).pop(attachment_id, None) is None:
            return self._error("INVALID_DATA_ATTACHMENT_ID", details={"id": attachment_id})
        return self._json(200, {"data": [{"code": "SUCCESS", "details": {"id": attachment_id}, "message": "record deleted",
                                          "status": "success"}]}, code="SUCCESS")

    def _attachment_upload(self, module_name: str, record_id: str, request: dict[str, t.Any]) -> Response:
        rec, attachment_id, err = self._attachment_target("POST", module_name, record_id, request)
        if rec is None:
            return t.cast("Response", err)
        if attachment_id is not None:  # POST on one attachment
            return self._error("INVALID_REQUEST_METHOD")
        from .server import parse_multipart  # pylint: disable=import-outside-toplevel  # see the imports

        fields = parse_multipart(request["body"], request["headers"].get("Content-Type")) or {}
        entry = request["entry"]
        has_file, has_link = "file" in fields, "attachmentUrl" in fields
        if has_file and has_link:
            return self._error("INVALID_DATA_FILE_AND_LINK")
        if not has_file and not has_link:
            return self._error("REQUIRED_PARAM_MISSING_ATTACHMENT", details={"param": "file"})
        if has_link:
            url = fields["attachmentUrl"][0].decode("utf-8", "replace").strip()
            title = fields["title"][0].decode("utf-8", "replace").strip() if "title" in fields else ""
            entry["link_url"] = url
            if not re.match(r"^https?://[^\s/]+", url):
                return self._error("INVALID_DATA_PARAM", details={"param_name": "attachmentUrl"})
            new_id = self._new_attachment(module_name, record_id, rec, title or url, None, url, None)
        else:
            content, filename = fields["file"][0], fields["file"][1]
            entry["filename"] = filename  # logged: tests check the name the client sent
            entry["size"] = len(content)
            if len(content) > self.max_attachment_bytes:
                return self._error("INVALID_DATA_ATTACHMENT_SIZE", details={"maximum_size": self.max_attachment_bytes})
            if not filename:
                return self._error("REQUIRED_PARAM_MISSING_ATTACHMENT", details={"param": "file"})
            new_id = self._new_attachment(module_name, record_id, rec, filename, content, None, None)
        att = self._store(rec)[new_id]
        details = {"Modified_Time": att["modified_time"], "Modified_By": dict(att["created_by"]),
                   "Created_Time": att["created_time"], "id": new_id, "Created_By": dict(att["created_by"])}
        return self._json(200, {"data": [{"code": "SUCCESS", "details": details, "message": "attachment uploaded successfully",
                                          "status": "success"}]}, code="SUCCESS")
