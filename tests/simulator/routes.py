# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The route table of the Bigin simulator and the dispatch of every request.

A request's kind comes from its path: ``/oauth/v2/token`` is "token", ``/_simulator/...``
"control", anything else "api".  Each kind has its pipeline (the request log; faults,
chaos, latency and the concurrency limit), then :data:`ROUTES` picks the handler.

Order of the checks on an API URL: URL pattern (404) -> authentication (401) -> HTTP
method (400) -> module (400) -> OAuth scope (401; a route may ask for a second scope besides the
module's: ``Route.pair_scope``) -> the handler (photos: see :mod:`tests.simulator.photos`;
records and search: :mod:`tests.simulator.records`; attachments: :mod:`tests.simulator.attachments`).
"""

from __future__ import annotations

import re
import threading
import time
import typing as t
from urllib.parse import parse_qsl, urlsplit

from .attachments import ATTACHMENTS_PATH_RE, AttachmentsMixin, attachment_scope_allows
from .faults import CONTROL_PREFIX, FaultsMixin, sanitize_headers
from .oauth import TOKEN_PATH, OAuthMixin, scope_allows
from .photos import PHOTO_PATH_RE, PhotosMixin
from .profiles import ProfilesMixin
from .records import MODULES, RECORDS_PATH_RE, RecordsMixin
from .responses import Response

API_METHODS = ("GET", "POST", "DELETE")


class Route(t.NamedTuple):
    kind: str  # "api" | "token" | "control"
    method: str
    pattern: t.Pattern[str]
    handler: t.Callable[..., Response]  # an unbound method of BiginSimulator
    scope_op: str | None = None  # API routes: the operation the OAuth scope must allow (READ for GET...)
    #: API routes whose scopes come in pairs: (scopes, method) -> whether the token holds the second one too.
    pair_scope: t.Callable[[t.Iterable[str], str], bool] | None = None


def _exact(path: str) -> t.Pattern[str]:
    return re.compile("^%s$" % re.escape(path))


#: (kind, method, path pattern) -> handler.  API handlers get (module, id or rest, request);
#: token and control handlers get (request).  ``request``: method, path, query, headers, body
#: (API: token, the access token's entry; token endpoint: entry, the request log entry).
ROUTES: tuple[Route, ...] = (
    Route("token", "POST", _exact(TOKEN_PATH), OAuthMixin._token_refresh),
    Route("control", "GET", _exact(CONTROL_PREFIX + "health"), FaultsMixin._control_health),
    Route("control", "GET", _exact(CONTROL_PREFIX + "state"), FaultsMixin._control_state),
    Route("control", "GET", _exact(CONTROL_PREFIX + "profile"), ProfilesMixin._control_profile_get),
    Route("control", "POST", _exact(CONTROL_PREFIX + "profile"), ProfilesMixin._control_profile_set),
    Route("api", "GET", PHOTO_PATH_RE, PhotosMixin._photo_get, "GET"),
    Route("api", "POST", PHOTO_PATH_RE, PhotosMixin._photo_upload, "POST"),
    Route("api", "DELETE", PHOTO_PATH_RE, PhotosMixin._photo_delete, "DELETE"),
    # Records: list, one record, search; insert (POST on the module) and delete (?ids= or one record).
    # Any other method: INVALID_REQUEST_METHOD after the scope check.
    Route("api", "GET", RECORDS_PATH_RE, RecordsMixin._records_get, "GET"),
    Route("api", "POST", RECORDS_PATH_RE, RecordsMixin._records_create, "POST"),
    Route("api", "DELETE", RECORDS_PATH_RE, RecordsMixin._records_delete, "DELETE"),
    # Attachments: the module's scope AND ZohoBigin.modules.attachments.{op}.
    Route("api", "GET", ATTACHMENTS_PATH_RE, AttachmentsMixin._attachments_get, "GET", attachment_scope_allows),
    Route("api", "POST", ATTACHMENTS_PATH_RE, AttachmentsMixin._attachment_upload, "POST", attachment_scope_allows),
    Route("api", "DELETE", ATTACHMENTS_PATH_RE, AttachmentsMixin._attachment_delete, "DELETE", attachment_scope_allows),
)


def kind_of(path: str) -> str:
    if path == TOKEN_PATH:
        return "token"
    if path.startswith(CONTROL_PREFIX):
        return "control"
    return "api"


def find_route(kind: str, method: str, path: str) -> tuple[Route | None, list[Route]]:
    """The route of (method, path), and every route of ``kind`` whose pattern matches ``path`` (any method)."""
    on_path = [route for route in ROUTES if route.kind == kind and route.pattern.match(path)]
    return next((route for route in on_path if route.method == method), None), on_path


class RoutesMixin:
    """Request dispatch of the simulator (the HTTP handler calls :meth:`_handle`)."""

    _lock: threading.RLock
    _log: list[dict[str, t.Any]]
    _tokens: dict[str, dict[str, t.Any]]
    _disabled: set[str]
    _unsupported: set[str]
    _chaos: dict[str, t.Any] | None
    _in_flight: int
    max_in_flight: int
    max_concurrent: int | None
    latency_ms: float
    rate_limit_limit: int
    _error: t.Callable[..., Response]
    _json: t.Callable[..., Response]
    _rate_limited: t.Callable[..., Response]
    _rejected_token: t.Callable[[], Response]
    _bearer: t.Callable[[t.Any], t.Optional[str]]
    _token_wrong_method: t.Callable[[dict[str, t.Any]], Response]
    _count_expiry_triggers: t.Callable[[], None]
    _take_fault: t.Callable[..., t.Any]
    _chaos_pick: t.Callable[[str], t.Optional[str]]
    _chaos_fault: t.Callable[..., t.Any]
    _apply_fault: t.Callable[..., Response]

    def _handle(self, method: str, raw_path: str, headers: t.Any, body: bytes) -> Response:
        split = urlsplit(raw_path)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        kind = kind_of(path)
        if kind == "token":
            logged_query = {k: v for k, v in query.items() if k in ("grant_type", "client_id")}
        else:
            logged_query = query
        entry: dict[str, t.Any] = {
            "method": method,
            "path": path,
            "query": logged_query,
            "headers": sanitize_headers(headers),
            "status": None,
            "code": None,
            "started": time.monotonic(),
            "finished": None,
            "kind": kind,
        }
        with self._lock:
            self._log.append(entry)
        request = {"method": method, "path": path, "query": query, "headers": headers, "body": body, "entry": entry}
        try:
            if kind == "api":
                resp = self._handle_api(request)
            elif kind == "token":
                resp = self._handle_token(request)
            else:
                resp = self._handle_control(request)
        except Exception as exc:  # never leave a client hanging
            resp = self._error("INTERNAL_ERROR", details={"exception": type(exc).__name__})
        with self._lock:
            entry["status"] = None if resp.action == "drop" else resp.status
            entry["code"] = resp.code
            if resp.action:
                entry[resp.action if resp.action != "drop" else "dropped"] = True
            if resp.chaos:
                entry["chaos"] = resp.chaos
            entry["finished"] = time.monotonic()
        return resp

    def _handle_api(self, request: dict[str, t.Any]) -> Response:
        method, path, headers = request["method"], request["path"], request["headers"]
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            over = self.max_concurrent is not None and self._in_flight > self.max_concurrent
            limit = self.max_concurrent
            self._count_expiry_triggers()
            fault = None if over else self._take_fault("api", method, path)
            chaos = None if over or fault is not None else self._chaos_pick(method)
            if chaos is not None:
                fault = self._chaos_fault(chaos, headers)
            latency = self.latency_ms
        try:
            if chaos is not None and chaos.startswith("429"):
                retry_after = t.cast(dict, self._chaos)["rng"].choice((0, 1)) if chaos == "429_retry_after" else None
                resp = self._rate_limited(self.rate_limit_limit, retry_after=retry_after, reset_in=0.5)
                resp.chaos = chaos
                return resp
            if chaos is not None and fault is None:  # truncate, expire_token: shape the real answer
                resp = self._process_api(request)
                if chaos == "truncate" and resp.status == 200 and method == "GET":
                    resp.action = "truncate"
                resp.chaos = chaos
                return resp
            if chaos is not None:
                resp = self._apply_fault(fault, lambda: self._process_api(request))
                resp.chaos = chaos
                return resp
            if over:
                return self._rate_limited(limit, reset_in=1.0)
            if latency:
                time.sleep(latency / 1000.0)  # without the lock: concurrency is real
            if fault is not None:
                return self._apply_fault(fault, lambda: self._process_api(request))
            return self._process_api(request)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _process_api(self, request: dict[str, t.Any]) -> Response:
        method = request["method"]
        with self._lock:
            route, on_path = find_route("api", method, request["path"])
            if not on_path:
                return self._error("INVALID_URL_PATTERN")
            match = t.cast(t.Match[str], on_path[0].pattern.match(request["path"]))
            module_name, record_id = match.group(2), match.group(3)
            # authentication
            bearer = self._bearer(request["headers"])
            if bearer is None:
                return self._error("AUTHENTICATION_FAILURE")
            tok = self._tokens.get(bearer)
            if tok is None or tok["expires_at"] <= time.monotonic():
                return self._rejected_token()
            # method
            if method not in API_METHODS:
                return self._error("INVALID_REQUEST_METHOD")
            # module
            if module_name in self._unsupported:
                return self._error("INVALID_MODULE_UNSUPPORTED")
            if module_name not in MODULES or module_name in self._disabled:
                return self._error("INVALID_MODULE")
            # scope (one, or a pair)
            scoped = route or on_path[0]
            scope_op = scoped.scope_op or method
            if not scope_allows(tok["scopes"], module_name, scope_op):
                return self._error("OAUTH_SCOPE_MISMATCH")
            if scoped.pair_scope is not None and not scoped.pair_scope(tok["scopes"], scope_op):
                return self._error("OAUTH_SCOPE_MISMATCH")
            if route is None:
                return self._error("INVALID_REQUEST_METHOD")
            return route.handler(self, module_name, record_id, dict(request, token=tok))

    def _handle_token(self, request: dict[str, t.Any]) -> Response:
        with self._lock:
            fault = self._take_fault("token", request["method"], request["path"])
            latency = self.latency_ms
        if latency:
            time.sleep(latency / 1000.0)
        if fault is not None:
            return self._apply_fault(fault, lambda: self._process_token(request))
        return self._process_token(request)

    def _process_token(self, request: dict[str, t.Any]) -> Response:
        route, dummy_on_path = find_route("token", request["method"], request["path"])
        if route is None:
            return self._token_wrong_method(request)
        return route.handler(self, request)

    def _handle_control(self, request: dict[str, t.Any]) -> Response:
        route, on_path = find_route("control", request["method"], request["path"])
        if route is not None:
            return route.handler(self, request)
        if on_path or not any(r.kind == "control" and r.method == request["method"] for r in ROUTES):
            return self._json(405, {"error": "method not allowed"}, code="control")
        return self._json(404, {"error": "not found"}, code="control")
