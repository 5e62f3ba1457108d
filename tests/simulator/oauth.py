# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OAuth for the Bigin simulator: access tokens, clients, scopes and the token endpoint.

``POST /oauth/v2/token`` with ``grant_type=refresh_token`` (form or query); at most
10 new tokens per refresh token in 10 minutes, and at most 15 active tokens per refresh
token (a 16th invalidates the oldest), as Zoho enforces.
"""

from __future__ import annotations

import collections
import re
import secrets
import threading
import time
import typing as t
from urllib.parse import parse_qsl

from .records import MODULES
from .responses import JSON_CTYPE, Response

SCOPE_ALL = "ZohoBigin.modules.ALL"
SCOPE_OPS = {
    "GET": ("ALL", "READ"),
    "DELETE": ("ALL", "DELETE"),
    "POST": ("ALL", "WRITE", "CREATE"),
}
AUTH_RE = re.compile(r"^Zoho-oauthtoken (\S+)$")
TOKEN_PATH = "/oauth/v2/token"

#: Token endpoint error bodies (answered with HTTP 200 unless said otherwise; "Access Denied": the
#: profile's ``token_throttle_status``, 400 by default).
TOKEN_ERRORS: dict[str, tuple[int, dict[str, str]]] = {
    "invalid_client": (200, {"error": "invalid_client"}),
    "invalid_client_secret": (200, {"error": "invalid_client_secret"}),
    "invalid_code": (200, {"error": "invalid_code"}),
    "unsupported_grant_type": (200, {"error": "unsupported_grant_type"}),
    "access_denied": (
        400,
        {
            "error": "Access Denied",
            "error_description": "You have made too many requests continuously. Please try again after some time.",
            "status": "failure",
        },
    ),
}


def scope_list(scopes: str | t.Iterable[str]) -> tuple[str, ...]:
    if isinstance(scopes, str):
        scopes = scopes.replace(" ", ",").split(",")
    return tuple(s.strip() for s in scopes if s and s.strip())


def scope_allows(scopes: t.Iterable[str], module_api_name: str, method: str) -> bool:
    wanted_module = MODULES[module_api_name]
    ops = SCOPE_OPS[method]
    for scope in scopes:
        if scope == SCOPE_ALL:
            return True
        parts = scope.split(".")
        if len(parts) != 4 or parts[0] != "ZohoBigin" or parts[1] != "modules":
            continue
        mod = parts[2].lower()
        if mod == "companies":
            mod = "accounts"
        if mod == wanted_module and parts[3] in ops:
            return True
    return False


class OAuthMixin:
    """Tokens, clients and the token endpoint of the simulator."""

    _lock: threading.RLock
    _json: t.Callable[..., Response]
    url: str
    profile: dict[str, str]

    def _reset_oauth(self) -> None:
        self.token_mint_limit = 10
        self.token_mint_window = 600.0
        # Zoho keeps at most 15 active access tokens per refresh token: a 16th invalidates the oldest.
        self.active_token_limit = 15
        self.tokens_displaced = 0
        self.access_token_lifetime = 3600
        # How an unknown or expired token is answered: a key of ERRORS, or "UNKNOWN_CODE"
        # (401 with a code nobody documents) or "NOT_JSON" (401 with an HTML page).
        self.rejected_token_answer = "INVALID_TOKEN"
        # The api_domain of token answers (None: this simulator's own URL, as Zoho names its API host).
        self.token_api_domain: str | None = None
        self._tokens: dict[str, dict[str, t.Any]] = {}  # token -> {"scopes": tuple, "expires_at": float}
        self._clients: dict[str, str] = {}  # client_id -> secret
        self._refresh: dict[str, dict[str, t.Any]] = {}  # refresh token -> {"client_id", "scopes", "revoked", "mints", "active"}
        self._expiry_triggers: list[list[t.Any]] = []  # [API requests left, tokens] per expire_token_after call
        self.tokens_issued = 0

    def add_token(self, token: str, scopes: str | t.Iterable[str] = (SCOPE_ALL,), expires_in: float = 3600) -> str:
        with self._lock:
            self._tokens[token] = {"scopes": scope_list(scopes), "expires_at": time.monotonic() + expires_in}
        return token

    def add_client(self, client_id: str, client_secret: str, refresh_token: str,
                   scopes: str | t.Iterable[str] = (SCOPE_ALL,)) -> None:
        with self._lock:
            self._clients[client_id] = client_secret
            self._refresh[refresh_token] = {
                "client_id": client_id,
                "scopes": scope_list(scopes),
                "revoked": False,
                "mints": collections.deque(),
                "active": collections.deque(),  # tokens minted from it, oldest first
            }

    def revoke_refresh_token(self, refresh_token: str) -> None:
        with self._lock:
            self._refresh[refresh_token]["revoked"] = True

    def expire_token(self, token: str) -> None:
        with self._lock:
            if token in self._tokens:
                self._tokens[token]["expires_at"] = 0.0

    def expire_all_tokens(self) -> None:
        with self._lock:
            for info in self._tokens.values():
                info["expires_at"] = 0.0

    def token_valid(self, token: str) -> bool:
        with self._lock:
            info = self._tokens.get(token)
            return info is not None and info["expires_at"] > time.monotonic()

    def expire_token_after(self, n_requests: int, token: str | None = None) -> None:
        """``token`` (or every token known now) turns invalid after ``n_requests`` more API requests.

        Every API request counts (whatever token it carries); request number
        ``n_requests + 1`` is the first one to see the token(s) invalid.
        """
        with self._lock:
            tokens = {token} if token is not None else set(self._tokens)
            self._expiry_triggers.append([int(n_requests), tokens])

    def _count_expiry_triggers(self) -> None:
        """Token expiry triggers count every API request (called under the lock)."""
        for trig in list(self._expiry_triggers):
            if trig[0] <= 0:
                for tok in trig[1]:
                    if tok in self._tokens:
                        self._tokens[tok]["expires_at"] = 0.0
                self._expiry_triggers.remove(trig)
            else:
                trig[0] -= 1

    def _bearer(self, headers: t.Any) -> str | None:
        """The access token an API request carries, or None when its Authorization header is malformed."""
        am = AUTH_RE.match(headers.get("Authorization") or "")
        return am.group(1) if am else None

    # -- the token endpoint ------------------------------------------------------------
    def _token_wrong_method(self, request: dict[str, t.Any]) -> Response:
        return Response(405, b'{"error":"invalid_request"}', [("Content-Type", JSON_CTYPE), ("Allow", "POST")],
                        code="invalid_request")

    def _token_refresh(self, request: dict[str, t.Any]) -> Response:
        params = dict(request["query"])
        headers, body, entry = request["headers"], request["body"], request["entry"]
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and ctype in ("", "application/x-www-form-urlencoded"):
            try:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        with self._lock:
            entry["form"] = {k: params[k] for k in ("grant_type", "client_id") if k in params}

            def err(name: str) -> Response:
                status, obj = TOKEN_ERRORS[name]
                if name == "access_denied":  # profile token_throttle_status: 400, or 200 as Zoho is reported to answer
                    status = int(self.profile["token_throttle_status"])
                return self._json(status, obj, code=obj["error"])

            if params.get("grant_type") != "refresh_token":
                return err("unsupported_grant_type")
            client_id = params.get("client_id")
            if client_id not in self._clients:
                return err("invalid_client")
            if params.get("client_secret") != self._clients[client_id]:
                return err("invalid_client_secret")
            rt = self._refresh.get(params.get("refresh_token"))  # type: ignore[arg-type]
            if rt is None or rt["revoked"] or rt["client_id"] != client_id:
                return err("invalid_code")
            now = time.monotonic()
            mints = rt["mints"]
            while mints and mints[0] <= now - self.token_mint_window:
                mints.popleft()
            if len(mints) >= self.token_mint_limit:
                return err("access_denied")
            mints.append(now)
            token = "1000.%s.%s" % (secrets.token_hex(16), secrets.token_hex(16))
            self._tokens[token] = {"scopes": rt["scopes"], "expires_at": now + self.access_token_lifetime}
            self.tokens_issued += 1
            active = rt["active"]
            active.append(token)
            for old in [tok for tok in active if tok not in self._tokens or self._tokens[tok]["expires_at"] <= now]:
                active.remove(old)  # expired ones no longer count
            while len(active) > self.active_token_limit:
                self._tokens.pop(active.popleft(), None)
                self.tokens_displaced += 1
            return self._json(
                200,
                {
                    "access_token": token,
                    "expires_in": self.access_token_lifetime,
                    "api_domain": self.token_api_domain or self.url,
                    "token_type": "Bearer",
                    "scope": " ".join(rt["scopes"]),
                },
                code="SUCCESS",
            )
