# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records and search for the Bigin simulator: Get Records, Get Record, Search Records.

Standard library only.  Shapes follow Bigin's v2 docs and recorded real traffic
(``info`` block keys, ids as strings, lookups as ``{"id", "name"}``, 204 with an
empty body for no records); where Bigin's behaviour is undocumented, Zoho CRM's
(v2+, which Bigin's API follows).

* ``GET /bigin/{v}/{Module}?fields=...&per_page=&page=|page_token=`` — ``fields``
  required (at most 50); ``page`` reaches the first 2,000 records; beyond,
  ``page_token`` (opaque, 24 h, bound to module/fields/per_page) without ``page``.
* ``GET /bigin/{v}/{Module}/{id}[?fields=...]`` — 204 for an unknown id.
* ``GET /bigin/{v}/{Module}/search?criteria=...`` — ``equals``, ``not_equal``,
  ``starts_with``, ``ends_with``, ``in``; ``and``/``or`` in parentheses; at most
  2,000 records; needs ``ZohoSearch.securesearch.READ`` besides the module's READ.
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import time
import typing as t

#: API name -> scope module name.
MODULES = {"Contacts": "contacts", "Accounts": "accounts", "Products": "products"}
DEFAULT_UNSUPPORTED = ("Documents", "Projects")
RECORDS_PATH_RE = re.compile(r"^/bigin/(v1|v2)/([A-Za-z_]+)(?:/([0-9]+|search))?$")
SEARCH_SCOPES = ("ZohoSearch.securesearch.READ", "ZohoSearch.securesearch.ALL")
MAX_FIELDS = 50
MAX_PER_PAGE = 200
DISCRETE_LIMIT = 2000
PAGE_TOKEN_LIFETIME = 24 * 3600.0
OPERATORS = ("equals", "not_equal", "starts_with", "ends_with", "in")
#: Not filterable in search (Bigin says so of Record_Image).
UNSEARCHABLE = ("Record_Image",)

#: key -> (code, HTTP status, message); merged into the simulator's ERRORS table.
RECORD_ERRORS: dict[str, tuple[str, int, str]] = {
    "REQUIRED_PARAM_MISSING_FIELDS": ("REQUIRED_PARAM_MISSING", 400, "One of the expected parameter is missing"),
    "LIMIT_EXCEEDED_FIELDS": ("LIMIT_EXCEEDED", 400, "the given fields exceeds the maximum limit of 50"),
    "INVALID_DATA_PARAM": ("INVALID_DATA", 400, "invalid data"),
    "DISCRETE_PAGINATION_LIMIT_EXCEEDED": (
        "DISCRETE_PAGINATION_LIMIT_EXCEEDED", 400,
        "cannot fetch more than 2000 records. Please use the page_token param to fetch more records"),
    "AMBIGUITY_DURING_PROCESSING": (
        "AMBIGUITY_DURING_PROCESSING", 400, "Either page or page_token should be given, but not both"),
    "EXPIRED_VALUE": ("EXPIRED_VALUE", 400, "page_token expired"),
    "TOKEN_BOUND_DATA_MISMATCH": (
        "TOKEN_BOUND_DATA_MISMATCH", 400, "the page_token is bound to other parameters than the ones given"),
    "INVALID_QUERY": ("INVALID_QUERY", 400, "invalid query formed"),
    # Insert and delete records (codes of Zoho CRM's insert/delete records pages, which Bigin's follow).
    "INVALID_DATA_BODY": ("INVALID_DATA", 400, "the input is not a valid JSON object with a data array"),
    "REQUIRED_PARAM_MISSING_DATA": ("REQUIRED_PARAM_MISSING", 400, "One of the expected parameter is missing"),
    "LIMIT_EXCEEDED_RECORDS": ("LIMIT_EXCEEDED", 400, "A maximum of 100 records can be handled per API call"),
}

#: Mandatory field of a new record, per module (Bigin's layouts: Last_Name, Account_Name, Product_Name).
MANDATORY_FIELDS = {"Contacts": "Last_Name", "Accounts": "Account_Name", "Products": "Product_Name"}
MAX_RECORDS_PER_CALL = 100
#: The user the simulator's records are created and modified by.
API_USER = {"name": "Bigin Simulator", "id": "3000000000001"}
FIRST_NEW_ID = 3000000900000


def match(path: str) -> tuple[str, str, str | None] | None:
    """(version, module, rest) of a records URL, or None. Photo URLs (…/photo) never match."""
    found = RECORDS_PATH_RE.match(path)
    return (found.group(1), found.group(2), found.group(3)) if found else None


def image_marker() -> str:
    """A new opaque Record_Image value (Zoho uses long hex ids); changes on each upload."""
    return secrets.token_hex(48)


def put_photo(rec: dict[str, t.Any], photo: bytes | None, keep_marker: bool = False) -> None:
    """Set a record's photo; Record_Image follows it: a new opaque value on each upload, null after delete.

    ``keep_marker`` (profile ``marker_on_replace=same``): a photo that replaces another keeps its Record_Image.
    """
    keep = keep_marker and photo is not None and rec.get("photo") is not None and rec.get("image_id") is not None
    rec["photo"] = bytes(photo) if photo is not None else None
    if not keep:
        rec["image_id"] = image_marker() if photo is not None else None


class QueryError(ValueError):
    pass


# -- criteria ----------------------------------------------------------------------------

Node = t.Tuple[str, t.Any]


def parse_criteria(text: str) -> Node:
    """Parse ``(F:op:v)``, ``((A)and(B))``, ``(A)or(B)`` into a tree; QueryError when malformed."""
    node, pos = _parse_seq(text, 0)
    if pos != len(text):
        raise QueryError("trailing text at %d" % pos)
    return node


def _parse_seq(text: str, pos: int) -> tuple[Node, int]:
    items = []
    joiner = None
    while True:
        node, pos = _parse_group(text, pos)
        items.append(node)
        rest = text[pos:]
        word = "and" if rest.lower().startswith("and(") else "or" if rest.lower().startswith("or(") else None
        if word is None:
            break
        if joiner not in (None, word):
            raise QueryError("and/or mixed without parentheses")
        joiner = word
        pos += len(word)
    return (items[0] if len(items) == 1 else (joiner or "and", items)), pos


def _parse_group(text: str, pos: int) -> tuple[Node, int]:
    if pos >= len(text) or text[pos] != "(":
        raise QueryError("expected ( at %d" % pos)
    if text.startswith("(", pos + 1):
        node, pos = _parse_seq(text, pos + 1)
        if pos >= len(text) or text[pos] != ")":
            raise QueryError("expected ) at %d" % pos)
        return node, pos + 1
    end = pos + 1
    while end < len(text) and not (text[end] == ")" and text[end - 1] != "\\"):
        end += 1
    if end >= len(text):
        raise QueryError("unclosed condition")
    parts = text[pos + 1:end].split(":", 2)
    if len(parts) != 3 or not re.match(r"^[A-Za-z$][A-Za-z0-9_]*$", parts[0]) or parts[1] not in OPERATORS:
        raise QueryError("bad condition %r" % text[pos + 1:end])
    if parts[0] in UNSEARCHABLE:
        raise QueryError("field not searchable")
    # The value stays escaped here: ``in`` splits it on unescaped commas before unescaping.
    return ("cond", (parts[0], parts[1], parts[2])), end + 1


def unescape(value: str) -> str:
    """Bigin's backslash escapes: ``\\(``, ``\\)``, ``\\,`` (any escaped character stands for itself)."""
    return re.sub(r"\\(.)", r"\1", value)


def split_values(value: str) -> list[str]:
    """The values of an ``in`` condition: split on unescaped commas, then unescaped and stripped."""
    return [unescape(part).strip() for part in re.split(r"(?<!\\),", value)]


def _text(value: t.Any) -> list[str]:
    """What a field value compares as: a lookup by its name or its id."""
    if isinstance(value, dict):
        return [str(value.get("name", "")), str(value.get("id", ""))]
    return ["" if value is None else str(value)]


def equals_matches(wanted: str, text: str, mode: str = "exact") -> bool:
    """Whether ``equals`` with ``wanted`` matches ``text`` (both lower case) under profile ``search_equals=mode``.

    ``exact``: the whole value; ``word``: ``wanted`` as a whole-word sequence inside ``text``
    ("smith" in "anna smith jones", not in "smithson"); ``contains``: a substring.
    """
    if mode == "word":
        return re.search(r"(?<!\w)%s(?!\w)" % re.escape(wanted), text) is not None if wanted else text == ""
    if mode == "contains":
        return wanted in text
    return wanted == text


def evaluate(node: Node, record: dict[str, t.Any], equals: str = "exact") -> bool:
    """Whether ``record`` matches the criteria tree; ``equals``: the profile's ``search_equals`` (not_equal stays exact)."""
    kind, body = node
    if kind == "and":
        return all(evaluate(n, record, equals) for n in body)
    if kind == "or":
        return any(evaluate(n, record, equals) for n in body)
    field, op, value = body
    texts = [x.lower() for x in _text(record.get(field))]
    if op == "in":
        return any(x in [v.lower() for v in split_values(value)] for x in texts)
    wanted = unescape(value).lower()
    if op == "equals":
        return any(equals_matches(wanted, x, equals) for x in texts)
    if op == "not_equal":
        return wanted not in texts
    if op == "starts_with":
        return any(x.startswith(wanted) for x in texts)
    if op == "ends_with":
        return any(x.endswith(wanted) for x in texts)
    raise AssertionError(op)


# -- the handlers -----------------------------------------------------------------------


def _fields_and_per_page(sim: t.Any, query: dict[str, str], fields_required: bool) -> tuple[list[str] | None, int, t.Any]:
    """The ``fields`` and ``per_page`` parameters, checked as listing and search both check them."""
    fields, err = _fields_param(sim, query, required=fields_required)
    if err:
        return None, 0, err
    per_page, err = _int_param(sim, query, "per_page", MAX_PER_PAGE, 1, MAX_PER_PAGE)
    return fields, per_page, err


def _page_start(sim: t.Any, query: dict[str, str], per_page: int) -> tuple[int, int, t.Any]:
    """``page`` (1 by default) and its first offset; past the discrete limit, its documented error."""
    page, err = _int_param(sim, query, "page", 1, 1, None)
    if err:
        return 0, 0, err
    if page * per_page > DISCRETE_LIMIT:
        return 0, 0, sim._error("DISCRETE_PAGINATION_LIMIT_EXCEEDED", details={"limit": DISCRETE_LIMIT})
    return page, (page - 1) * per_page, None


def _view(module_name: str, record_id: str, rec: dict[str, t.Any], fields: list[str] | None) -> dict[str, t.Any]:
    full = dict(rec.get("fields") or {})
    full["Record_Image"] = rec.get("image_id")
    full["id"] = record_id
    if fields is None:
        return full
    out = {name: full.get(name) for name in fields if name != "id"}
    out["id"] = record_id
    return out


class RecordTable(dict):  # type: ignore[type-arg]
    """The records, (module, id) -> record; ``version`` changes whenever a record is added or removed."""

    version = 0

    def __setitem__(self, key: t.Any, value: t.Any) -> None:
        self.version += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: t.Any) -> None:
        self.version += 1
        super().__delitem__(key)

    def pop(self, *args: t.Any) -> t.Any:
        self.version += 1
        return super().pop(*args)

    def clear(self) -> None:
        self.version += 1
        super().clear()


def _sorted(sim: t.Any, module_name: str) -> list[tuple[str, dict[str, t.Any]]]:
    # Like real Bigin: sort_by id, sort_order desc. Kept until a record is added or removed: listing
    # 100,000 records page by page must not sort them 500 times (the benchmarks time the collection).
    cache = sim._sorted_cache
    version = getattr(sim._records, "version", None)
    cached = cache.get(module_name)
    if version is not None and cached is not None and cached[0] == version:
        return cached[1]
    items = [(rid, rec) for (mod, rid), rec in sim._records.items() if mod == module_name]
    items.sort(key=lambda item: int(item[0]) if item[0].isdigit() else 0, reverse=True)
    cache[module_name] = (version, items)
    return items


def _fields_param(sim: t.Any, query: dict[str, str], required: bool) -> tuple[list[str] | None, t.Any]:
    raw = query.get("fields")
    if raw is None or not raw.strip():
        if required:
            return None, sim._error("REQUIRED_PARAM_MISSING_FIELDS", details={"param_name": "fields"})
        return None, None
    names = [name.strip() for name in raw.split(",") if name.strip()]
    if len(names) > MAX_FIELDS:
        return None, sim._error("LIMIT_EXCEEDED_FIELDS", details={"limit": MAX_FIELDS, "param_name": "fields"})
    return names, None


def _int_param(sim: t.Any, query: dict[str, str], name: str, default: int, low: int,
               high: int | None) -> tuple[int | None, t.Any]:
    raw = query.get(name)
    if raw is None:
        return default, None
    if not raw.isdigit() or int(raw) < low or (high is not None and int(raw) > high):
        return None, sim._error("INVALID_DATA_PARAM", details={"param_name": name})
    return int(raw), None


def handle(sim: t.Any, method: str, module_name: str, rest: str | None, query: dict[str, str], token: dict) -> t.Any:
    """Answer a records request (authentication and module already checked by the caller; lock held)."""
    if method != "GET":
        return sim._error("INVALID_REQUEST_METHOD")
    if rest == "search":
        if not any(scope in token["scopes"] for scope in SEARCH_SCOPES):
            return sim._error("OAUTH_SCOPE_MISMATCH")
        return _search(sim, module_name, query)
    if rest is not None:
        fields, err = _fields_param(sim, query, required=False)
        if err:
            return err
        rec = sim._records.get((module_name, rest))
        if rec is None:
            return sim._empty()
        return sim._json(200, {"data": [_view(module_name, rest, rec, fields)]}, code="SUCCESS")
    return _list(sim, module_name, query)


def _list(sim: t.Any, module_name: str, query: dict[str, str]) -> t.Any:
    fields, per_page, err = _fields_and_per_page(sim, query, fields_required=True)
    if err:
        return err
    if "page" in query and "page_token" in query:
        return sim._error("AMBIGUITY_DURING_PROCESSING", details={"param_names": ["page", "page_token"]})
    binding = (module_name, tuple(fields), per_page)
    if "page_token" in query:
        state = sim._page_tokens.get(query["page_token"])
        if state is None:
            return sim._error("INVALID_DATA_PARAM", details={"param_name": "page_token"})
        if state["expires_at"] <= time.monotonic():
            return sim._error("EXPIRED_VALUE", details={"param_name": "page_token"})
        if state["binding"] != binding:
            return sim._error("TOKEN_BOUND_DATA_MISMATCH", details={"param_name": "page_token"})
        start, page = state["offset"], None
    else:
        page, start, err = _page_start(sim, query, per_page)
        if err:
            return err
    items = _sorted(sim, module_name)
    chunk = items[start:start + per_page]
    if not chunk:
        return sim._empty()
    more = start + per_page < len(items)
    next_token = None
    if more:
        next_token = secrets.token_hex(40)
        sim._page_tokens[next_token] = {"binding": binding, "offset": start + per_page,
                                        "expires_at": time.monotonic() + PAGE_TOKEN_LIFETIME}
    info = {
        "per_page": per_page,
        "next_page_token": next_token,
        "count": len(chunk),
        "sort_by": "id",
        "page": page if page is not None else start // per_page + 1,
        "previous_page_token": None,
        "page_token_expiry": None if next_token is None else _expiry_text(),
        "sort_order": "desc",
        "more_records": more,
    }
    data = [_view(module_name, rid, rec, fields) for rid, rec in chunk]
    return sim._json(200, {"data": data, "info": info}, code="SUCCESS")


def _now_text() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())


def _record_error(code: str, message: str, details: dict[str, t.Any]) -> dict[str, t.Any]:
    return {"code": code, "details": details, "message": message, "status": "error"}


def _data_answer(sim: t.Any, results: list[dict[str, t.Any]], ok_status: int) -> t.Any:
    """``{"data": [...]}`` with one result per record: ``ok_status`` if any succeeded, else 400."""
    succeeded = sum(1 for item in results if item["status"] == "success")
    status = ok_status if succeeded else 400
    return sim._json(status, {"data": results}, code="SUCCESS" if succeeded == len(results) else results[0]["code"])


def create(sim: t.Any, module_name: str, body: bytes) -> t.Any:
    """POST /bigin/{v}/{Module} with ``{"data": [{field: value}, ...]}``: 201, one result per record (lock held).

    A record without its module's mandatory field gets a per-record ``MANDATORY_NOT_FOUND``;
    when none is added the answer is 400.  Lookups are stored as given (``{"id": ...}``).
    """
    try:
        payload = json.loads(body.decode("utf-8")) if body else None
    except (UnicodeDecodeError, ValueError):
        return sim._error("INVALID_DATA_BODY")
    if not isinstance(payload, dict) or "data" not in payload:
        return sim._error("REQUIRED_PARAM_MISSING_DATA", details={"param_name": "data"})
    items = payload["data"]
    if not isinstance(items, list) or not items or not all(isinstance(item, dict) for item in items):
        return sim._error("INVALID_DATA_BODY", details={"param_name": "data"})
    if len(items) > MAX_RECORDS_PER_CALL:
        return sim._error("LIMIT_EXCEEDED_RECORDS", details={"limit": MAX_RECORDS_PER_CALL})
    mandatory = MANDATORY_FIELDS.get(module_name)
    results = []
    for item in items:
        if mandatory and not str(item.get(mandatory) or "").strip():
            results.append(_record_error("MANDATORY_NOT_FOUND", "required field not found",
                                         {"api_name": mandatory, "json_path": "$.data[%d].%s" % (len(results), mandatory)}))
            continue
        record_id = sim._new_record_id()
        fields = {k: v for k, v in item.items() if k not in ("id", "Record_Image")}
        now = _now_text()
        fields.update(Created_Time=now, Modified_Time=now, Created_By=dict(API_USER), Modified_By=dict(API_USER))
        sim._records[(module_name, record_id)] = {"photo": None, "image_id": None, "fields": fields}
        results.append({"code": "SUCCESS", "details": {"Modified_Time": now, "Modified_By": dict(API_USER),
                                                       "Created_Time": now, "id": record_id,
                                                       "Created_By": dict(API_USER)},
                        "message": "record added", "status": "success"})
    return _data_answer(sim, results, 201)


def delete(sim: t.Any, module_name: str, rest: str | None, query: dict[str, str]) -> t.Any:
    """DELETE /bigin/{v}/{Module}?ids=1,2 or /bigin/{v}/{Module}/{id}: 200, one result per id (lock held).

    An unknown id gets a per-record ``INVALID_DATA``; when nothing is deleted the answer is 400.
    The record's photo goes with it.
    """
    if rest == "search":
        return sim._error("INVALID_REQUEST_METHOD")
    if rest is not None:
        ids = [rest]
    else:
        raw = query.get("ids")
        if raw is None or not raw.strip():
            return sim._error("REQUIRED_PARAM_MISSING_DATA", details={"param_name": "ids"})
        ids = [part.strip() for part in raw.split(",") if part.strip()]
        if len(ids) > MAX_RECORDS_PER_CALL:
            return sim._error("LIMIT_EXCEEDED_RECORDS", details={"limit": MAX_RECORDS_PER_CALL})
    results = []
    for record_id in ids:
        if sim._records.pop((module_name, record_id), None) is None:
            results.append(_record_error("INVALID_DATA", "the id given seems to be invalid", {"id": record_id}))
        else:
            results.append({"code": "SUCCESS", "details": {"id": record_id}, "message": "record deleted",
                            "status": "success"})
    return _data_answer(sim, results, 200)


def _expiry_text() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(time.time() + PAGE_TOKEN_LIFETIME))


def _search(sim: t.Any, module_name: str, query: dict[str, str]) -> t.Any:
    criteria = query.get("criteria")
    if not criteria:
        return sim._error("REQUIRED_PARAM_MISSING_FIELDS", details={"param_name": "criteria"})
    try:
        tree = parse_criteria(criteria)
    except QueryError:
        return sim._error("INVALID_QUERY", details={"reason": "invalid criteria"})
    fields, per_page, err = _fields_and_per_page(sim, query, fields_required=False)
    if err:
        return err
    page, start, err = _page_start(sim, query, per_page)
    if err:
        return err
    equals = sim.profile["search_equals"]
    matches = [(rid, rec) for rid, rec in _sorted(sim, module_name)
               if evaluate(tree, _view(module_name, rid, rec, None), equals)]
    chunk = matches[start:start + per_page]
    if not chunk:
        return sim._empty()
    info = {"per_page": per_page, "count": len(chunk), "page": page, "more_records": start + per_page < len(matches)}
    data = [_view(module_name, rid, rec, fields) for rid, rec in chunk]
    return sim._json(200, {"data": data, "info": info}, code="SUCCESS")


# -- the simulator's records state --------------------------------------------------------


class RecordsMixin:
    """Records, modules and the records/search API of the simulator."""

    _lock: threading.RLock
    _error: t.Callable[..., t.Any]

    def _reset_records(self) -> None:
        self._records: dict[tuple[str, str], dict[str, t.Any]] = RecordTable()  # (module, id) -> {"photo", "image_id", "fields"}
        self._sorted_cache: dict[str, t.Any] = {}  # module -> (RecordTable.version, records newest first)
        self._page_tokens: dict[str, dict[str, t.Any]] = {}  # listing page token -> {"binding", "offset", "expires_at"}
        self._disabled: set[str] = set()
        self._unsupported: set[str] = set(DEFAULT_UNSUPPORTED)
        self._last_new_id = FIRST_NEW_ID - 1
        # Records the user may not change (DELETE: AUTHORIZATION_FAILED) and locked ones (POST, DELETE:
        # RECORD_LOCKED): the record's state, which its photo and its attachments both meet.
        self._denied: set[tuple[str, str]] = set()
        self._locked: set[tuple[str, str]] = set()

    def add_record(self, module_name: str, record_id: t.Any, photo: bytes | None = None,
                   fields: dict[str, t.Any] | None = None) -> None:
        """A record; ``fields`` (API name -> value, lookups as {"id", "name"}) is what Get Records returns."""
        with self._lock:
            rec: dict[str, t.Any] = {"photo": None, "image_id": None, "fields": dict(fields or {})}
            self._records[(module_name, str(record_id))] = rec
            put_photo(rec, photo)

    def record_image(self, module_name: str, record_id: t.Any) -> str | None:
        """The record's Record_Image value (None: no photo)."""
        with self._lock:
            return self._records[(module_name, str(record_id))]["image_id"]

    def deny_record(self, module_name: str, record_id: t.Any) -> None:
        self._mark(self._denied, module_name, record_id, True)

    def allow_record(self, module_name: str, record_id: t.Any) -> None:
        self._mark(self._denied, module_name, record_id, False)

    def lock_record(self, module_name: str, record_id: t.Any) -> None:
        self._mark(self._locked, module_name, record_id, True)

    def unlock_record(self, module_name: str, record_id: t.Any) -> None:
        self._mark(self._locked, module_name, record_id, False)

    def _mark(self, marked: set[tuple[str, str]], module_name: str, record_id: t.Any, on: bool) -> None:
        with self._lock:
            if on:
                marked.add((module_name, str(record_id)))
            else:
                marked.discard((module_name, str(record_id)))

    def _record_refusal(self, method: str, key: tuple[str, str]) -> str | None:
        """The error code that answers a change to a denied or locked record (None: allowed); lock held."""
        if method == "DELETE" and key in self._denied:
            return "AUTHORIZATION_FAILED"
        if method in ("DELETE", "POST") and key in self._locked:
            return "RECORD_LOCKED"
        return None

    def expire_page_tokens(self) -> None:
        with self._lock:
            for state in self._page_tokens.values():
                state["expires_at"] = 0.0

    def remove_record(self, module_name: str, record_id: t.Any) -> None:
        with self._lock:
            self._records.pop((module_name, str(record_id)), None)

    def has_record(self, module_name: str, record_id: t.Any) -> bool:
        with self._lock:
            return (module_name, str(record_id)) in self._records

    def disable_module(self, name: str) -> None:
        with self._lock:
            self._disabled.add(name)

    def enable_module(self, name: str) -> None:
        with self._lock:
            self._disabled.discard(name)

    def mark_unsupported(self, name: str) -> None:
        with self._lock:
            self._unsupported.add(name)

    def _records_get(self, module_name: str, rest: str | None, request: dict[str, t.Any]) -> t.Any:
        """GET /bigin/{v}/{Module}[/{id}|/search] (routes.py calls it with the lock held)."""
        return handle(self, request["method"], module_name, rest, request["query"], request["token"])

    def _records_create(self, module_name: str, rest: str | None, request: dict[str, t.Any]) -> t.Any:
        """POST /bigin/{v}/{Module} (routes.py calls it with the lock held); POST to one record or search: 400."""
        if rest is not None:
            return self._error("INVALID_REQUEST_METHOD")
        return create(self, module_name, request["body"])

    def _records_delete(self, module_name: str, rest: str | None, request: dict[str, t.Any]) -> t.Any:
        """DELETE /bigin/{v}/{Module}?ids=... or /bigin/{v}/{Module}/{id} (routes.py calls it with the lock held)."""
        return delete(self, module_name, rest, request["query"])

    def _new_record_id(self) -> str:
        """A record id no record has (increasing, so new records list first: id desc)."""
        taken = [int(rid) for (dummy_module, rid) in self._records if rid.isdigit()]
        self._last_new_id = max(taken + [self._last_new_id]) + 1  # never reused, not even after a delete
        return str(self._last_new_id)
