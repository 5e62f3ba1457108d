# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults and observation for the Bigin simulator.

Fault injection (errors, statuses, dropped connections, exact answers), the seeded chaos
mode, the request log (no secrets), the counters, and ``GET /_simulator/health|state``.
"""

from __future__ import annotations

import collections
import json
import random
import threading
import typing as t

from .responses import ERRORS, JSON_CTYPE, Response

CONTROL_PREFIX = "/_simulator/"


class Fault:
    """One injected fault: what to do (``action``) to the next ``count`` matching requests."""

    __slots__ = ("action", "count", "method", "path_contains", "kind", "params", "skip")

    def __init__(self, action: str, count: int, method: str | None, path_contains: str | None, kind: str | None,
                 params: dict[str, t.Any]) -> None:
        if count < 1:
            raise ValueError("count must be >= 1")
        self.action = action
        self.count = count
        self.method = method.upper() if method else None
        self.path_contains = path_contains
        self.kind = kind
        # Matching requests let through before the fault applies (a listing failing on its third page: skip=2).
        self.skip = int(params.pop("skip", 0) or 0)
        self.params = params

    def matches(self, kind: str, method: str, path: str) -> bool:
        if self.kind is not None and self.kind != kind:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path_contains is not None and self.path_contains not in path:
            return False
        return True


def _norm_header_name(name: str) -> str:
    return "-".join(p.capitalize() for p in name.split("-"))


def sanitize_headers(headers: t.Any) -> dict[str, str]:
    """Request headers as logged: secrets masked."""
    out = {}
    for name, value in headers.items():
        key = _norm_header_name(name)
        if key == "Authorization":
            value = "Zoho-oauthtoken ***" if value.startswith("Zoho-oauthtoken") else "***"
        elif key in ("Cookie", "Proxy-Authorization"):
            value = "***"
        out[key] = value
    return out


class FaultsMixin:
    """Fault injection, chaos mode, the request log and the control endpoints of the simulator."""

    _lock: threading.RLock
    _records: dict[tuple[str, str], dict[str, t.Any]]
    _tokens: dict[str, dict[str, t.Any]]
    _truncate: list[list[int]]
    _expiry_triggers: list[list[t.Any]]
    rate_limit_limit: int
    tokens_issued: int
    _error: t.Callable[..., Response]
    _json: t.Callable[..., Response]
    _rate_limited: t.Callable[..., Response]
    _bearer: t.Callable[[t.Any], t.Optional[str]]

    #: Fault kinds of :meth:`enable_chaos`.
    CHAOS_KINDS = ("429", "429_retry_after", "500", "502", "503", "drop_before", "drop_after", "truncate",
                   "expire_token")

    def _reset_faults(self) -> None:
        self._faults: list[Fault] = []
        self._chaos: dict[str, t.Any] | None = None
        self.chaos_counts: collections.Counter[str] = collections.Counter()
        self._log: list[dict[str, t.Any]] = []
        self._in_flight = 0
        self.max_in_flight = 0
        self.tls_handshake_failures = 0

    # -- fault injection ----------------------------------------------------
    def _add_fault(self, action: str, count: int, method: str | None, path_contains: str | None, kind: str | None,
                   **params: t.Any) -> None:
        with self._lock:
            self._faults.append(Fault(action, count, method, path_contains, kind, params))

    def inject_error(self, code: str, count: int = 1, method: str | None = None, status: int | None = None,
                     message: str | None = None, path_contains: str | None = None,
                     details: dict[str, t.Any] | None = None, kind: str | None = "api", skip: int = 0) -> None:
        """Answer the next ``count`` matching requests (after ``skip`` of them) with a catalogue error.

        ``code`` is a key of :data:`ERRORS` (e.g. ``"INVALID_DATA_NO_PHOTO"``) or
        an error code (the first catalogue entry with that code is used).
        """
        if code in ERRORS:
            err_code, err_status, err_message = ERRORS[code]
        else:
            found = [v for v in ERRORS.values() if v[0] == code]
            if found:
                err_code, err_status, err_message = found[0]
            elif status is not None and message is not None:
                err_code, err_status, err_message = code, status, message
            else:
                raise ValueError("unknown error code %r (give status and message)" % (code,))
        self._add_fault(
            "error", count, method, path_contains, kind,
            code=err_code, status=status or err_status, message=message or err_message, details=details or {},
            skip=skip,
        )

    def inject_status(self, status: int, count: int = 1, method: str | None = None, retry_after: t.Any = None,
                      body: str | bytes | None = None, path_contains: str | None = None, kind: str | None = "api") -> None:
        """Answer the next ``count`` matching requests with HTTP ``status`` (429/500/502/503/504...)."""
        self._add_fault("status", count, method, path_contains, kind,
                        status=int(status), retry_after=retry_after, body=body)

    def inject_drop(self, count: int = 1, method: str | None = None, when: str = "before",
                    path_contains: str | None = None, kind: str | None = "api") -> None:
        """Close the connection without answering; ``when="after"`` applies the request first."""
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        self._add_fault("drop", count, method, path_contains, kind, when=when)

    def inject_response(self, status: int, body: str | bytes = b"", headers: t.Any = None, count: int = 1,
                        method: str | None = None, path_contains: str | None = None, kind: str | None = "api") -> None:
        """Answer the next ``count`` matching requests with exactly ``status``, ``body`` and ``headers``.

        For answers no other injection gives: a redirect with a Location header, a 200 whose
        body reports an error, a compressed body.  The request is not applied.  ``headers``
        is a dict or a list of (name, value) pairs; Content-Length (of ``body`` as given) is
        always added by the simulator.
        """
        if isinstance(body, str):
            body = body.encode()
        pairs = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
        self._add_fault("response", count, method, path_contains, kind,
                        status=int(status), body=bytes(body), headers=pairs)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults = []
            self._truncate = []
            self._expiry_triggers = []
            self._chaos = None

    def enable_chaos(self, seed: t.Any, probabilities: dict[str, float], max_faults: int,
                     max_per_kind: dict[str, int] | None = None) -> None:
        """Inject faults at random into API requests: a seeded, bounded chaos mode.

        ``probabilities`` maps kinds of :data:`CHAOS_KINDS` to the chance that one API request
        meets that fault ("truncate" only hits GETs that return a photo; "expire_token" expires
        the token the request carries, before checking it).  At most ``max_faults`` faults in
        all (and ``max_per_kind[kind]`` of a kind), so that a client that retries converges.
        Each faulted request is logged with ``"chaos": kind``; :attr:`chaos_counts` counts them.
        """
        unknown = set(probabilities) - set(self.CHAOS_KINDS)
        if unknown:
            raise ValueError("unknown chaos kinds: %s" % sorted(unknown))
        with self._lock:
            self._chaos = {"rng": random.Random(seed), "p": dict(probabilities), "left": int(max_faults),
                           "per_kind": dict(max_per_kind or {})}
            self.chaos_counts = collections.Counter()

    def _chaos_pick(self, method: str) -> str | None:
        """The random fault for the next API request (called under the lock), or None."""
        chaos = self._chaos
        if chaos is None or chaos["left"] <= 0:
            return None
        draw = chaos["rng"].random()
        for kind in self.CHAOS_KINDS:  # fixed order: the same seed gives the same draws
            chance = chaos["p"].get(kind, 0.0)
            if draw < chance:
                if kind == "truncate" and method != "GET":
                    return None
                cap = chaos["per_kind"].get(kind)
                if cap is not None and self.chaos_counts[kind] >= cap:
                    return None
                chaos["left"] -= 1
                self.chaos_counts[kind] += 1
                return kind
            draw -= chance
        return None

    def _chaos_fault(self, kind: str, headers: t.Any) -> Fault | None:
        """Turn a chaos kind into a one-off fault (called under the lock); None for those handled later."""
        if kind in ("500", "502", "503"):
            return Fault("status", 1, None, None, "api", {"status": int(kind), "retry_after": None, "body": None})
        if kind in ("drop_before", "drop_after"):
            return Fault("drop", 1, None, None, "api", {"when": kind[5:]})
        if kind == "expire_token":
            token = self._bearer(headers)
            if token is not None and token in self._tokens:
                self._tokens[token]["expires_at"] = 0.0
        return None

    def _take_fault(self, kind: str, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.matches(kind, method, path):
                if fault.skip > 0:
                    fault.skip -= 1
                    continue
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    def _apply_fault(self, fault: Fault, process: t.Callable[[], Response]) -> Response:
        """The answer ``fault`` gives; ``process`` applies the request (a drop "after" does)."""
        if fault.action == "drop":
            if fault.params["when"] == "before":
                return Response(0, action="drop")
            resp = process()
            resp.action = "drop"
            return resp
        return self._fault_response(fault)

    def _fault_response(self, fault: Fault) -> Response:
        params = fault.params
        if fault.action == "error":
            return self._error(None, details=params["details"], code=params["code"], status=params["status"], message=params["message"])
        if fault.action == "status":
            status, retry_after, body = params["status"], params["retry_after"], params["body"]
            if body is not None:
                if isinstance(body, str):
                    body = body.encode()
                try:
                    json.loads(body)
                    ctype = JSON_CTYPE
                except ValueError:
                    ctype = "text/html;charset=UTF-8"
                hdrs = [("Content-Type", ctype)]
                if retry_after is not None:
                    hdrs.append(("Retry-After", str(retry_after)))
                return Response(status, body, hdrs, code="HTTP_%d" % status)
            if status == 429:
                return self._rate_limited(self.rate_limit_limit, retry_after=retry_after)
            extra = [("Retry-After", str(retry_after))] if retry_after is not None else []
            if status == 500:
                return self._error("INTERNAL_ERROR", headers=extra)
            reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}.get(status, "Error")
            html = "<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>" % (
                status, reason, status, reason)
            return Response(status, html.encode(), [("Content-Type", "text/html;charset=UTF-8")] + extra,
                            code="HTTP_%d" % status)
        if fault.action == "response":
            return Response(params["status"], params["body"], params["headers"], code="INJECTED_%d" % params["status"])
        raise AssertionError(fault.action)

    # -- observation --------------------------------------------------------
    @property
    def requests(self) -> list[dict[str, t.Any]]:
        with self._lock:
            out = []
            for entry in self._log:
                copy = dict(entry)
                copy["headers"] = dict(entry["headers"])
                copy["query"] = dict(entry["query"])
                out.append(copy)
            return out

    def api_requests(self, method: str | None = None) -> list[dict[str, t.Any]]:
        return [
            e for e in self.requests if e["kind"] == "api" and (method is None or e["method"] == method.upper())
        ]

    def token_requests(self) -> list[dict[str, t.Any]]:
        return [e for e in self.requests if e["kind"] == "token"]

    def clear_log(self) -> None:
        with self._lock:
            self._log = []

    # -- control endpoints (standalone use; no secrets) ----------------------------------
    def _control_health(self, request: dict[str, t.Any]) -> Response:
        return self._json(200, {"status": "ok"}, code="control")

    def _control_state(self, request: dict[str, t.Any]) -> Response:
        with self._lock:
            records = [
                {
                    "module": module_name,
                    "record_id": record_id,
                    "has_photo": rec["photo"] is not None,
                    "photo_size": len(rec["photo"]) if rec["photo"] is not None else 0,
                }
                for (module_name, record_id), rec in sorted(self._records.items())
            ]
            state = {
                "records": records,
                "tokens_issued": self.tokens_issued,
                "max_in_flight": self.max_in_flight,
                "api_requests": sum(1 for e in self._log if e["kind"] == "api"),
            }
        return self._json(200, state, code="control")
