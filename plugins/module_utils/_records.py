# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Records: module names, record ids, criteria, and selecting records by listing, search or id.

This file is private to the collection: its API may change without notice.

The records layer knows no feature: a request asks for ``id`` and the fields its caller names
(each feature declares what it reads of a listed record; the photo's field: _sources.py), and a
RecordRef keeps the record as Bigin returned it, for the feature to read.

Listing uses ``page`` for the first 2,000 records (Bigin's limit for discrete
pages), then ``page_token`` without ``page`` (``read_pages``, the one pagination,
which the attachment list uses too). Search has no page tokens: it reaches 2,000
records at most, and a selection larger than that fails before anything is changed.
"""

from __future__ import annotations

import hashlib
import json
import re
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._client import BiginClient
from ansible_collections.zoho.bigin.plugins.module_utils._criteria import Criteria, parse_criteria
from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    BiginAPIError,
    BiginError,
    InputError,
    excerpt,
)

# Module option value (lower case) -> API name.  The UI calls Accounts "Companies".
MODULE_NAMES: dict[str, str] = {
    "contacts": "Contacts",
    "accounts": "Accounts",
    "companies": "Accounts",
    "products": "Products",
}
RECORD_ID_PATTERN = re.compile(r"\A[0-9]{1,19}\Z")
FIELD_PATTERN = re.compile(r"\A(?:[A-Za-z][A-Za-z0-9_]*|\$[A-Za-z][A-Za-z0-9_]*)\Z")
# Bigin takes 50 fields in one request; id is always asked for, a feature names the others it needs.
BIGIN_MAX_FIELDS = 50
ALWAYS_FIELDS = ("id",)
PER_PAGE = 200
# Discrete pages reach the first 2,000 records; search has nothing beyond.
MAX_PAGE = 10
SEARCH_LIMIT = PER_PAGE * MAX_PAGE
SELECTION_OPTIONS = ("record_id", "criteria", "all_records")
# Page tokens reach Bigin's first 100,000 records; a listing that claims more stops here rather than
# loop on a server's word.
MAX_LISTING_PAGES = 100000 // PER_PAGE


class RecordRef:
    """A selected record: its address, and what a listing told of it.

    ``listed`` is true when the record came from a listing or a search: then ``fields``
    is the record as Bigin returned it, with the fields the feature asked for (the photo
    feature reads ``Record_Image`` there: _sources.photo_marker).
    """

    __slots__ = ("module_name", "record_id", "listed", "fields", "bad_id")

    def __init__(self, module_name: str, record_id: str, listed: bool = False,
                 fields: dict[str, t.Any] | None = None):
        self.module_name = module_name
        self.record_id = record_id
        self.listed = listed
        # The record as Bigin returned it, not copied: parsed for this ref alone (100,000 of them in a listing).
        self.fields = fields if listed and fields is not None else {}
        # Set when the server listed an id that is not a record id: the record is failed, never worked on
        # (the id would go into URLs and file names).
        self.bad_id: str | None = None

    @classmethod
    def from_record(cls, module_name: str, record: dict[str, t.Any]) -> "RecordRef":
        raw_id = record["id"]
        record_id = str(raw_id) if isinstance(raw_id, (int, str)) and not isinstance(raw_id, bool) else ""
        if not RECORD_ID_PATTERN.match(record_id):
            ref = cls(module_name, "invalid-id-" + hashlib.sha256(repr(raw_id).encode("utf-8")).hexdigest()[:12])
            ref.bad_id = excerpt(raw_id, 60, quote=True)
            return ref
        return cls(module_name, record_id, True, record)

    @property
    def label(self) -> str:
        return "%s/%s" % (self.module_name, self.record_id)

    def __repr__(self) -> str:
        return "RecordRef(%s, listed=%s)" % (self.label, self.listed)


class RecordResult:
    """The result for one record, as the runner and the result builder see it.

    Features subclass it (the photo service's Outcome); ``diff()`` gives the
    (before, after) pair of the diff, or None when there is nothing to show.
    Slots, as in a subclass that declares its own: a listing makes one result per record (100,000).
    """

    __slots__ = ("module_name", "record_id", "ref", "changed", "error", "skipped", "__weakref__")

    def __init__(self, module_name: str, record_id: str, ref: RecordRef | None = None):
        self.module_name = module_name
        self.record_id = record_id
        self.ref = ref if ref is not None else RecordRef(module_name, record_id)
        self.changed = False
        self.error: BiginError | None = None
        # Set, with the reason, for a record returned by Bigin that the task leaves alone by design.
        self.skipped: str | None = None

    @property
    def label(self) -> str:
        return "%s/%s" % (self.module_name, self.record_id)

    def diff(self) -> tuple[dict[str, t.Any], dict[str, t.Any]] | None:
        return None


class SelectionTooLarge(InputError):
    """A search matched more records than Bigin lets us reach."""


# -- input checks (before any request) ------------------------------------------


def module_api_name(value: t.Any) -> str:
    name = MODULE_NAMES.get(value.lower()) if isinstance(value, str) else None
    if name is None:
        raise InputError("module: %s is not a supported module; use one of Contacts, Accounts "
                         "(or Companies), Products" % excerpt(value, quote=True))
    return name


def record_ids(values: t.Any) -> list[str]:
    """Validate record ids (1 to 19 digits), as strings, in the order given (repeats kept)."""
    if not isinstance(values, list) or not values:
        raise InputError("record_id: give one record id or a list of them")
    ids: list[str] = []
    for value in values:
        text = str(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
        if text is None or not RECORD_ID_PATTERN.match(text):
            raise InputError("record_id: %s is not a record id (1 to 19 digits)" % excerpt(value, quote=True))
        ids.append(text)
    return ids


def check_criteria(value: t.Any) -> str:
    """A search criteria expression, parsed and checked before any request (see _criteria.py); stripped."""
    return parse_criteria(value).text


def check_fields(values: t.Any, option: str = "fields", always: t.Sequence[str] = ALWAYS_FIELDS) -> list[str]:
    """Field API names, in the order given, without repeats or the ``always`` requested ones (id, and a feature's)."""
    if not isinstance(values, list):
        raise InputError("%s: give a list of field API names" % option)
    names: list[str] = []
    for value in values:
        if not isinstance(value, str) or not FIELD_PATTERN.match(value):
            raise InputError("%s: %s is not a field API name (letters, digits and _, starting with a letter, "
                             "or a $-name)" % (option, excerpt(value, quote=True)))
        if value not in names and value not in always:
            names.append(value)
    if len(names) > BIGIN_MAX_FIELDS - len(always):
        raise InputError("%s: %d fields given; at most %d (Bigin takes %d, %s %s always asked for)"
                         % (option, len(names), BIGIN_MAX_FIELDS - len(always), BIGIN_MAX_FIELDS, " and ".join(always),
                            "is" if len(always) == 1 else "are"))
    return names


class Selection:
    """Which records a task works on: one of record ids, a search, or every record of a module."""

    def __init__(self, module_name: str, ids: list[str] | None = None, criteria: str | None = None,
                 all_records: bool = False):
        self.module_name = module_name
        self.ids = ids
        # The text goes to Bigin as the user wrote it; the parsed form checks each record Bigin returns.
        self.parsed: Criteria | None = parse_criteria(criteria) if criteria is not None else None
        self.criteria = self.parsed.text if self.parsed is not None else None
        self.all_records = all_records

    def leaves_alone(self, ref: RecordRef) -> str | None:
        """Why a record Bigin returned is not one the selection means (None: it is).

        Bigin's search ``equals`` may match words inside a value (Zoho CRM documents "ABC" finding
        "ABC Inc"): each record of a search is checked against the criteria as written.
        """
        if self.parsed is not None and ref.listed and not self.parsed.matches(ref.fields):
            return "not an exact match of the criteria"
        return None

    @classmethod
    def from_params(cls, params: t.Mapping[str, t.Any], optional: bool = False) -> "Selection | None":
        """Check the selection options; None when none is given and ``optional``."""
        module_name = module_api_name(params["module"])
        given = [name for name in SELECTION_OPTIONS
                 if (params.get(name) is True if name == "all_records" else params.get(name) is not None)]
        if len(given) > 1:
            raise InputError("%s are mutually exclusive: give exactly one of record_id, criteria or all_records=true"
                             % " and ".join(given))
        if not given:
            if optional:
                return None
            raise InputError("give exactly one of record_id, criteria or all_records=true to say which records")
        if given[0] == "record_id":
            return cls(module_name, ids=record_ids(params["record_id"]))
        if given[0] == "criteria":
            return cls(module_name, criteria=params["criteria"])
        return cls(module_name, all_records=True)


# -- requests ----------------------------------------------------------------------


def _json_body(result_body: bytes | None, status: int, what: str, kind: str = "records") -> dict[str, t.Any]:
    try:
        payload = json.loads((result_body or b"").decode("utf-8"))
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError; [[[[... nests too deep
        payload = None
    if not isinstance(payload, dict) or not isinstance(payload.get("data"), list):
        raise BiginAPIError(status, None, "the API answered %s with something that is not a list of %s: %s"
                            % (what, kind, excerpt(result_body or b"") or "empty body"))
    return payload


def read_pages(client: BiginClient, path: str, params: dict[str, str], label: str,
               unreachable: t.Callable[[], BiginError] | None = None, kind: str = "records") -> t.Iterator[list[t.Any]]:
    """The ``data`` of every page of a Bigin list: ``page`` 1 to 10, then page tokens.

    The one pagination of the collection (record listings, searches, a record's attachments); it
    knows nothing of what it lists. A list without page tokens (a search, attachments) gives
    ``unreachable``: when more remain than discrete pages reach, it raises what that gives (each
    caller its own error). Only a JSON ``true`` in ``more_records`` asks for another page; a
    repeated page token or more than MAX_LISTING_PAGES pages is an error, so a server cannot keep
    the loop going.
    """
    page, page_token = 1, None
    seen_tokens: set[str] = set()
    for _count in range(MAX_LISTING_PAGES):
        query = dict(params, per_page=str(PER_PAGE))
        if page_token is None:
            query["page"] = str(page)
        else:
            query["page_token"] = page_token  # never with page: Bigin answers AMBIGUITY_DURING_PROCESSING
        result = client.request("GET", path, label, params=query)
        if result.status == 204:  # none (at all, or on this page)
            return
        payload = _json_body(result.body, result.status, label, kind)
        yield payload["data"]
        info = payload.get("info") if isinstance(payload.get("info"), dict) else {}
        if info.get("more_records") is not True:
            return
        if page_token is None and page < MAX_PAGE:
            page += 1
            continue
        if unreachable is not None:
            raise unreachable()
        next_token = info.get("next_page_token")
        if not isinstance(next_token, str) or not next_token:
            raise BiginAPIError(result.status, None, "%s: more %s remain but the API gave no next_page_token"
                                % (label, kind))
        if next_token in seen_tokens:
            raise BiginAPIError(result.status, None, "%s: the API gave a next_page_token it had given before; "
                                "stopped rather than read the same pages again" % label)
        seen_tokens.add(next_token)
        page_token = next_token
    raise BiginAPIError(200, None, "%s: the API says more %s remain after %d pages (%d %s), more than Bigin's page "
                        "tokens reach; stopped" % (label, kind, MAX_LISTING_PAGES, MAX_LISTING_PAGES * PER_PAGE, kind))


class RecordsService:
    """Records of one module: list, search, get."""

    def __init__(self, client: BiginClient, module_name: str):
        self.client = client
        self.module_name = module_name

    @staticmethod
    def _fields(fields: t.Sequence[str]) -> str:
        return ",".join(list(ALWAYS_FIELDS) + [name for name in fields if name not in ALWAYS_FIELDS])

    def _too_large(self) -> SelectionTooLarge:
        return SelectionTooLarge(
            "criteria: the search matches more than %d %s records, more than Bigin's search can reach; "
            "nothing was changed. Use narrower criteria (for example split by name or date), or all_records"
            % (SEARCH_LIMIT, self.module_name))

    def iter_pages(self, fields: t.Sequence[str] = ()) -> t.Iterator[list[RecordRef]]:
        """Every record of the module, in Bigin's order, a page at a time: the next page is read when asked for."""
        for records in read_pages(self.client, self.module_name, {"fields": self._fields(fields)},
                                  "listing %s" % self.module_name):
            yield [RecordRef.from_record(self.module_name, record) for record in records
                   if isinstance(record, dict) and "id" in record]

    def list_all(self, fields: t.Sequence[str] = ()) -> list[RecordRef]:
        """Every record of the module, in Bigin's order."""
        return [ref for page in self.iter_pages(fields) for ref in page]

    def search(self, criteria: str | Criteria, fields: t.Sequence[str] = ()) -> list[RecordRef]:
        """The records matching ``criteria`` (at most 2,000), in Bigin's order; all pages read before returning.

        The fields the criteria name are read too, so that each record can be checked against them.
        """
        parsed = criteria if isinstance(criteria, Criteria) else parse_criteria(criteria)
        refs: list[RecordRef] = []
        wanted = list(fields) + [name for name in parsed.fields if name not in fields]
        read = set(wanted) | set(ALWAYS_FIELDS)
        if len(read) > BIGIN_MAX_FIELDS:
            raise InputError("criteria: with fields, %d fields would be read; Bigin takes at most %d"
                             % (len(read), BIGIN_MAX_FIELDS))
        params = {"criteria": parsed.text, "fields": self._fields(wanted)}
        # A missing ZohoSearch.securesearch.READ is named by the client (see required_scopes).
        for records in read_pages(self.client, self.module_name + "/search", params, "searching %s" % self.module_name,
                                  self._too_large):
            refs.extend(RecordRef.from_record(self.module_name, record) for record in records
                        if isinstance(record, dict) and "id" in record)
        return refs

    def get(self, record_id: str, fields: t.Sequence[str] = ()) -> RecordRef | None:
        """One record, or None when Bigin does not know it (204)."""
        label = "%s/%s" % (self.module_name, record_id)
        result = self.client.request("GET", "%s/%s" % (self.module_name, record_id), label,
                                     params={"fields": self._fields(fields)})
        if result.status == 204:
            return None
        records = [record for record in _json_body(result.body, result.status, label)["data"]
                   if isinstance(record, dict) and str(record.get("id")) == record_id]
        return RecordRef.from_record(self.module_name, records[0]) if records else None

    def select_pages(self, selection: Selection, fields: t.Sequence[str] = ()) -> t.Iterator[list[RecordRef]]:
        """The selected records a page at a time: all_records reads its next page only when asked for; ids
        (no request: unlisted refs, input order, repeats kept) and a search come as one page (a search
        reads every page first: its 2,000-record limit must fail before any change)."""
        if selection.ids is not None:
            return iter([[RecordRef(self.module_name, record_id) for record_id in selection.ids]])
        if selection.parsed is not None:
            return iter([self.search(selection.parsed, fields)])
        return self.iter_pages(fields)
