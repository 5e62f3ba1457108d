# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local, strict simulator of the Zoho Bigin photo API and the Zoho OAuth token endpoint.

Standard library only.  Used in-process by the integration tests and the
benchmark, and as a standalone process (``make demo``)::

    python tests/simulator/bigin_simulator.py --port 0 --port-file F --demo --lifetime 600

What is simulated
-----------------
* ``GET|POST|DELETE /bigin/{v1|v2}/{Module}/{record_id}/photo`` with
  ``Authorization: Zoho-oauthtoken <token>``; modules ``Contacts``, ``Accounts``
  and ``Products`` (API names, case-sensitive).
* ``POST /oauth/v2/token`` with ``grant_type=refresh_token`` (form or query);
  at most 10 new tokens per refresh token in 10 minutes, and at most 15 active
  tokens per refresh token (a 16th invalidates the oldest), as Zoho enforces.
* ``GET /_simulator/health`` and ``GET /_simulator/state`` (no secrets), for
  standalone use; these are logged with kind ``"control"``.

Every error answer comes from the single table :data:`ERRORS`; the entries of
the "Possible Errors" section of the Delete Photo API page are transcribed
verbatim (see :data:`SEED_ERROR_KEYS`).

Order of the checks on a photo URL: URL pattern (404) -> authentication (401)
-> HTTP method (400) -> module (400) -> OAuth scope (401) -> user permission
to delete images (403, DELETE only) -> record id syntax and existence (400)
-> record privilege (400, DELETE only) -> record lock (400, DELETE and POST)
-> the operation itself.
"""

from __future__ import annotations

import argparse
import collections
import email.message
import email.parser
import email.policy
import json
import os
import random
import re
import secrets
import signal
import socket
import ssl
import struct
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

if __package__:
    from . import records as records_api
else:  # run as a script: its directory is on sys.path
    import records as records_api  # pylint: disable=import-error

__all__ = [
    "BiginSimulator",
    "ERRORS",
    "SEED_ERROR_KEYS",
    "PNG_1x1",
    "PNG_RED",
    "PNG_BLUE",
    "PNG_GREEN",
    "JPEG_MIN",
    "GIF_MIN",
    "BMP_MIN",
    "MAX_PHOTO_BYTES",
    "image_type",
]

# ---------------------------------------------------------------------------
# The error catalogue: key -> (code, HTTP status, message).  ONE table.
# ---------------------------------------------------------------------------
ERRORS = {
    # --- transcribed from the "Possible Errors" section of the API page ---
    "INVALID_MODULE": ("INVALID_MODULE", 400, "The module name given seems to be invalid"),
    "INVALID_MODULE_UNSUPPORTED": ("INVALID_MODULE", 400, "The given module is not supported in API"),
    "INVALID_URL_PATTERN": ("INVALID_URL_PATTERN", 404, "Please check if the URL trying to access is a correct one"),
    "OAUTH_SCOPE_MISMATCH": ("OAUTH_SCOPE_MISMATCH", 401, "Unauthorized"),
    "NO_PERMISSION": ("NO_PERMISSION", 403, "Permission denied to delete images"),
    "INTERNAL_ERROR": ("INTERNAL_ERROR", 500, "Internal Server Error"),
    "INVALID_REQUEST_METHOD": ("INVALID_REQUEST_METHOD", 400, "The http request method type is not a valid one"),
    "AUTHORIZATION_FAILED": ("AUTHORIZATION_FAILED", 400, "User does not have sufficient privilege to delete images"),
    "INVALID_DATA": ("INVALID_DATA", 400, "the id given seems to be invalid"),
    # --- additional errors (general Zoho API behaviour / simulator choices) ---
    "AUTHENTICATION_FAILURE": ("AUTHENTICATION_FAILURE", 401, "Authentication failed"),
    "INVALID_TOKEN": ("INVALID_TOKEN", 401, "invalid oauth token"),
    "INVALID_OAUTHTOKEN": ("INVALID_OAUTHTOKEN", 401, "invalid oauth token"),
    "RECORD_LOCKED": ("RECORD_LOCKED", 400, "Record is locked"),
    "REQUIRED_PARAM_MISSING": ("REQUIRED_PARAM_MISSING", 400, "One of the expected parameter is missing"),
    "INVALID_DATA_IMAGE_FORMAT": ("INVALID_DATA", 400, "Invalid image format"),
    "INVALID_DATA_IMAGE_SIZE": ("INVALID_DATA", 400, "The image size exceeds the maximum allowed size of 10 MB"),
    "INVALID_DATA_NO_PHOTO": ("INVALID_DATA", 400, "No such photo exists"),
    "TOO_MANY_REQUESTS": ("TOO_MANY_REQUESTS", 429, "Too many requests"),
}
ERRORS.update(records_api.RECORD_ERRORS)

#: Keys of :data:`ERRORS` that are documented on the Delete Photo API page.
SEED_ERROR_KEYS = (
    "INVALID_MODULE",
    "INVALID_MODULE_UNSUPPORTED",
    "INVALID_URL_PATTERN",
    "OAUTH_SCOPE_MISMATCH",
    "NO_PERMISSION",
    "INTERNAL_ERROR",
    "INVALID_REQUEST_METHOD",
    "AUTHORIZATION_FAILED",
    "INVALID_DATA",
)

#: Token endpoint error bodies (answered with HTTP 200 unless said otherwise).
TOKEN_ERRORS = {
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

MAX_PHOTO_BYTES = 10 * 1024 * 1024

#: API name -> scope module name.
MODULES = {"Contacts": "contacts", "Accounts": "accounts", "Products": "products"}
DEFAULT_UNSUPPORTED = ("Documents", "Projects")
SCOPE_ALL = "ZohoBigin.modules.ALL"
SCOPE_OPS = {
    "GET": ("ALL", "READ"),
    "DELETE": ("ALL", "DELETE"),
    "POST": ("ALL", "WRITE", "CREATE"),
}
API_METHODS = ("GET", "POST", "DELETE")

PHOTO_PATH_RE = re.compile(r"^/bigin/(v1|v2)/([^/]+)/([^/]+)/photo$")
AUTH_RE = re.compile(r"^Zoho-oauthtoken (\S+)$")
TOKEN_PATH = "/oauth/v2/token"
CONTROL_PREFIX = "/_simulator/"
JSON_CTYPE = "application/json;charset=UTF-8"


# ---------------------------------------------------------------------------
# Sample images (all valid files, built with the standard library).
# ---------------------------------------------------------------------------
def _png_chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def _png(pixel, color_type=2):
    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, color_type, 0, 0, 0)
    idat = zlib.compress(b"\x00" + bytes(pixel))
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def _jpeg_min():
    """An 8x8 flat grey baseline JPEG (single-code Huffman tables)."""
    out = b"\xff\xd8"  # SOI
    out += b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    out += b"\xff\xdb" + struct.pack(">H", 67) + b"\x00" + b"\x01" * 64  # DQT
    out += b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 8, 8, 1) + b"\x01\x11\x00"  # SOF0
    counts = b"\x01" + b"\x00" * 15
    out += b"\xff\xc4" + struct.pack(">H", 20) + b"\x00" + counts + b"\x00"  # DHT DC0
    out += b"\xff\xc4" + struct.pack(">H", 20) + b"\x10" + counts + b"\x00"  # DHT AC0
    out += b"\xff\xda" + struct.pack(">HB", 8, 1) + b"\x01\x00\x00\x3f\x00"  # SOS
    out += b"\x3f"  # DC diff 0 ("0"), EOB ("0"), padded with ones
    out += b"\xff\xd9"  # EOI
    return out


def _bmp_min():
    pixels = b"\x00\x00\xff\x00"  # one red pixel (BGR) + row padding
    dib = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    size = 14 + len(dib) + len(pixels)
    return b"BM" + struct.pack("<IHHI", size, 0, 0, 14 + len(dib)) + dib + pixels


PNG_1x1 = _png((0, 0, 0, 0), color_type=6)  # transparent
PNG_RED = _png((255, 0, 0))
PNG_GREEN = _png((0, 255, 0))
PNG_BLUE = _png((0, 0, 255))
JPEG_MIN = _jpeg_min()
GIF_MIN = bytes.fromhex(
    "47494638396101000100800000000000ffffff21f90401000000002c00000000010001000002024401003b"
)
BMP_MIN = _bmp_min()


def image_type(data):
    """Return (content type, extension) by magic bytes, or None when not an image."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", "jpg"
    if data.startswith(b"GIF87a") or data.startswith(b"GIF89a"):
        return "image/gif", "gif"
    if data.startswith(b"BM"):
        return "image/bmp", "bmp"
    return None


# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------
class _Response:
    __slots__ = ("status", "body", "headers", "action", "code", "chaos")

    def __init__(self, status, body=b"", headers=None, action=None, code=None):
        self.status = status
        self.body = body
        self.headers = list(headers or [])
        self.action = action  # None | "drop" | "truncate"
        self.code = code
        self.chaos = None  # the random fault that shaped this answer, if any


class _Fault:
    __slots__ = ("action", "count", "method", "path_contains", "kind", "params")

    def __init__(self, action, count, method, path_contains, kind, params):
        if count < 1:
            raise ValueError("count must be >= 1")
        self.action = action
        self.count = count
        self.method = method.upper() if method else None
        self.path_contains = path_contains
        self.kind = kind
        self.params = params

    def matches(self, kind, method, path):
        if self.kind is not None and self.kind != kind:
            return False
        if self.method is not None and self.method != method:
            return False
        if self.path_contains is not None and self.path_contains not in path:
            return False
        return True


def _norm_header_name(name):
    return "-".join(p.capitalize() for p in name.split("-"))


def _sanitize_headers(headers):
    out = {}
    for name, value in headers.items():
        key = _norm_header_name(name)
        if key == "Authorization":
            value = "Zoho-oauthtoken ***" if value.startswith("Zoho-oauthtoken") else "***"
        elif key in ("Cookie", "Proxy-Authorization"):
            value = "***"
        out[key] = value
    return out


def _scope_list(scopes):
    if isinstance(scopes, str):
        scopes = scopes.replace(" ", ",").split(",")
    return tuple(s.strip() for s in scopes if s and s.strip())


def _scope_allows(scopes, module_api_name, method):
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


def parse_multipart(body, content_type):
    """Parse a multipart/form-data body (binary safe).

    Returns ``{field name: (content bytes, filename or None, part content type or None)}``
    (first occurrence wins), or ``None`` when the body is not multipart/form-data.
    """
    msg = email.message.Message()
    msg["Content-Type"] = content_type or ""
    if msg.get_content_type() != "multipart/form-data":
        return None
    boundary = msg.get_param("boundary")
    if not boundary or not isinstance(boundary, str):
        return {}
    delim = b"--" + boundary.encode("latin-1")
    fields = {}
    pos = body.find(delim)
    if pos < 0 or (pos > 0 and body[pos - 2:pos] != b"\r\n"):
        return fields
    pos += len(delim)
    header_parser = email.parser.BytesHeaderParser(policy=email.policy.HTTP)
    while pos < len(body):
        if body[pos:pos + 2] == b"--":
            break  # close delimiter
        eol = body.find(b"\r\n", pos)
        if eol < 0 or body[pos:eol].strip(b" \t"):
            break  # garbage after the delimiter
        start = eol + 2
        nxt = body.find(b"\r\n" + delim, start)
        if nxt < 0:
            break  # unterminated part: ignored
        part = body[start:nxt]
        if part.startswith(b"\r\n"):
            raw_headers, content = b"", part[2:]
        else:
            sep = part.find(b"\r\n\r\n")
            if sep < 0:
                raw_headers, content = part, b""
            else:
                raw_headers, content = part[:sep], part[sep + 4:]
        headers = header_parser.parsebytes(raw_headers + b"\r\n\r\n")
        disp = headers.get("Content-Disposition")
        if disp is not None:
            name = disp.params.get("name")
            if name is not None and name not in fields:
                fields[name] = (content, disp.params.get("filename"), headers.get_content_type() if headers.get("Content-Type") else None)
        pos = nxt + 2 + len(delim)
    return fields


# ---------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------
class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, handler, sim):
        self.sim = sim
        self.active = set()
        self.active_lock = threading.Lock()
        super().__init__(addr, handler)

    def finish_request(self, request, client_address):
        with self.active_lock:
            self.active.add(request)
        wrapped = None
        try:
            if self.sim._tls is not None:
                # The handshake runs here, in the connection's own thread, not in the accept loop.
                wrapped = self.sim._tls.wrap_socket(request, server_side=True, do_handshake_on_connect=False)
                with self.active_lock:  # the plain socket is detached now: stop() must shut the TLS one
                    self.active.discard(request)
                    self.active.add(wrapped)
                try:
                    wrapped.settimeout(10)
                    wrapped.do_handshake()
                except (ssl.SSLError, OSError):
                    with self.sim._lock:
                        self.sim.tls_handshake_failures += 1
                    return
                request = wrapped
            super().finish_request(request, client_address)
        finally:
            with self.active_lock:
                self.active.discard(request)
                self.active.discard(wrapped)
            if wrapped is not None:
                wrapped.close()

    def handle_error(self, request, client_address):  # quiet
        pass

    def close_active(self):
        with self.active_lock:
            socks = list(self.active)
        for sock in socks:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _BadRequest(Exception):
    pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "BiginSimulator/1.0"
    timeout = 120
    # TCP_NODELAY: headers and body are written separately; with Nagle's algorithm the body
    # waits for the client's delayed ACK (~40 ms per response on Linux), which real APIs don't add.
    disable_nagle_algorithm = True

    def version_string(self):
        return self.server_version

    def log_message(self, format, *args):  # quiet
        pass

    def _read_body(self):
        te = (self.headers.get("Transfer-Encoding") or "").lower()
        if "chunked" in te:
            chunks = []
            while True:
                line = self.rfile.readline(65537)
                if not line:
                    raise _BadRequest("truncated chunked body")
                try:
                    size = int(line.split(b";", 1)[0].strip(), 16)
                except ValueError:
                    raise _BadRequest("bad chunk size") from None
                if size == 0:
                    while True:  # trailers
                        trailer = self.rfile.readline(65537)
                        if trailer in (b"\r\n", b"\n", b""):
                            break
                    break
                data = self.rfile.read(size)
                if len(data) != size:
                    raise _BadRequest("truncated chunk")
                chunks.append(data)
                self.rfile.readline(65537)
            return b"".join(chunks)
        length = self.headers.get("Content-Length")
        if length is None:
            return b""
        try:
            n = int(length)
        except ValueError:
            raise _BadRequest("bad Content-Length") from None
        if n < 0:
            raise _BadRequest("bad Content-Length")
        data = self.rfile.read(n)
        if len(data) != n:
            raise _BadRequest("truncated body")
        return data

    def _dispatch(self):
        try:
            body = self._read_body()
        except _BadRequest:
            self.close_connection = True
            self._send(_Response(400, b'{"error":"bad_request"}', [("Content-Type", JSON_CTYPE)]))
            return
        resp = self.server.sim._handle(self.command, self.path, self.headers, body)
        self._send(resp)

    def _send(self, resp):
        if resp.action == "drop":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.send_response(resp.status)
        for name, value in resp.headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(resp.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.command == "HEAD":
            return
        if resp.action == "truncate":
            self.wfile.write(resp.body[: len(resp.body) // 2])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.wfile.write(resp.body)

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_OPTIONS = _dispatch


# ---------------------------------------------------------------------------
# The simulator
# ---------------------------------------------------------------------------
class BiginSimulator:
    """In-process Zoho Bigin photo API + OAuth token endpoint simulator."""

    def __init__(self, latency_ms=0, max_concurrent=None, host="127.0.0.1", port=0,
                 tls_certfile=None, tls_keyfile=None):
        """With ``tls_certfile`` (PEM; and ``tls_keyfile`` unless the key is in it), serve HTTPS."""
        self._lock = threading.RLock()
        self._tls = None
        if tls_certfile:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(tls_certfile, tls_keyfile)
        self._init_latency_ms = latency_ms
        self._init_max_concurrent = max_concurrent
        self._host = host
        self._port = port
        self._server = None
        self._thread = None
        self._reset_state()

    # -- lifecycle ---------------------------------------------------------
    def _reset_state(self):
        with self._lock:
            self.latency_ms = self._init_latency_ms
            self.max_concurrent = self._init_max_concurrent
            self.wrap_errors = False
            self.rate_limit_limit = 100  # X-RATELIMIT-LIMIT for injected 429s
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
            self.token_api_domain = None
            self._records = {}  # (module, id) -> {"photo": bytes|None, "image_id": str|None, "fields": dict}
            self._page_tokens = {}  # listing page token -> {"binding", "offset", "expires_at"}
            self._tokens = {}  # token -> {"scopes": tuple, "expires_at": float}
            self._clients = {}  # client_id -> secret
            self._refresh = {}  # refresh token -> {"client_id", "scopes", "revoked", "mints": deque}
            self._delete_images = True
            self._denied = set()
            self._content_types = {}  # (module, id) -> Content-Type of the photo (None: no header)
            self._locked = set()
            self._disabled = set()
            self._unsupported = set(DEFAULT_UNSUPPORTED)
            self._faults = []
            self._truncate = []
            self._expiry_triggers = []
            self._chaos = None
            self.chaos_counts = collections.Counter()
            self._log = []
            self._in_flight = 0
            self.max_in_flight = 0
            self.tokens_issued = 0
            self.tls_handshake_failures = 0

    def start(self):
        if self._server is not None:
            return self
        self._server = _Server((self._host, self._port), _Handler, self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="bigin-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self):
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.close_active()
        server.server_close()
        thread.join(5)
        deadline = time.monotonic() + 2
        while server.active and time.monotonic() < deadline:
            server.close_active()
            time.sleep(0.01)
        self._server = None
        self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def port(self):
        return self._port

    @property
    def url(self):
        if self._server is None and not self._port:
            raise RuntimeError("simulator not started")
        return "%s://%s:%d" % ("https" if self._tls is not None else "http", self._host, self._port)

    def reset(self):
        """Forget records, tokens, clients, faults, settings and the log (keeps the port)."""
        self._reset_state()

    # -- tokens and clients -------------------------------------------------
    def add_token(self, token, scopes=(SCOPE_ALL,), expires_in=3600):
        with self._lock:
            self._tokens[token] = {"scopes": _scope_list(scopes), "expires_at": time.monotonic() + expires_in}
        return token

    def add_client(self, client_id, client_secret, refresh_token, scopes=(SCOPE_ALL,)):
        with self._lock:
            self._clients[client_id] = client_secret
            self._refresh[refresh_token] = {
                "client_id": client_id,
                "scopes": _scope_list(scopes),
                "revoked": False,
                "mints": collections.deque(),
                "active": collections.deque(),  # tokens minted from it, oldest first
            }

    def revoke_refresh_token(self, refresh_token):
        with self._lock:
            self._refresh[refresh_token]["revoked"] = True

    def expire_token(self, token):
        with self._lock:
            if token in self._tokens:
                self._tokens[token]["expires_at"] = 0.0

    def expire_all_tokens(self):
        with self._lock:
            for info in self._tokens.values():
                info["expires_at"] = 0.0

    def token_valid(self, token):
        with self._lock:
            info = self._tokens.get(token)
            return info is not None and info["expires_at"] > time.monotonic()

    def expire_token_after(self, n_requests, token=None):
        """``token`` (or every token known now) turns invalid after ``n_requests`` more API requests.

        Every API request counts (whatever token it carries); request number
        ``n_requests + 1`` is the first one to see the token(s) invalid.
        """
        with self._lock:
            tokens = {token} if token is not None else set(self._tokens)
            self._expiry_triggers.append([int(n_requests), tokens])

    # -- records ----------------------------------------------------------------
    def add_record(self, module, record_id, photo=None, fields=None):
        """A record; ``fields`` (API name -> value, lookups as {"id", "name"}) is what Get Records returns."""
        with self._lock:
            rec = {"photo": None, "image_id": None, "fields": dict(fields or {})}
            self._records[(module, str(record_id))] = rec
            self._put_photo(rec, photo)

    @staticmethod
    def _put_photo(rec, photo):
        # Record_Image follows the photo: a new opaque value on each upload, null after delete.
        rec["photo"] = bytes(photo) if photo is not None else None
        rec["image_id"] = records_api.image_marker() if photo is not None else None

    def record_image(self, module, record_id):
        """The record's Record_Image value (None: no photo)."""
        with self._lock:
            return self._records[(module, str(record_id))]["image_id"]

    def expire_page_tokens(self):
        with self._lock:
            for state in self._page_tokens.values():
                state["expires_at"] = 0.0

    def remove_record(self, module, record_id):
        with self._lock:
            self._records.pop((module, str(record_id)), None)

    def set_content_type(self, module, record_id, content_type):
        """Serve this record's photo with ``content_type`` (None: no Content-Type header at all).

        The real API is not consistent about it: ``image/jpg``, ``application/octet-stream``
        and a missing header are all seen in Zoho traffic.  By default the type follows the bytes.
        """
        with self._lock:
            self._content_types[(module, str(record_id))] = content_type

    def set_photo(self, module, record_id, photo):
        with self._lock:
            self._put_photo(self._records[(module, str(record_id))], photo)

    def photo(self, module, record_id):
        with self._lock:
            rec = self._records.get((module, str(record_id)))
            return None if rec is None else rec["photo"]

    def has_record(self, module, record_id):
        with self._lock:
            return (module, str(record_id)) in self._records

    def photo_count(self, module=None):
        with self._lock:
            return sum(
                1 for (mod, dummy_rid), rec in self._records.items() if rec["photo"] is not None and module in (None, mod)
            )

    # -- permissions / org settings -----------------------------------------
    def set_permission(self, delete_images=True):
        with self._lock:
            self._delete_images = bool(delete_images)

    def deny_record(self, module, record_id):
        with self._lock:
            self._denied.add((module, str(record_id)))

    def allow_record(self, module, record_id):
        with self._lock:
            self._denied.discard((module, str(record_id)))

    def lock_record(self, module, record_id):
        with self._lock:
            self._locked.add((module, str(record_id)))

    def unlock_record(self, module, record_id):
        with self._lock:
            self._locked.discard((module, str(record_id)))

    def disable_module(self, name):
        with self._lock:
            self._disabled.add(name)

    def enable_module(self, name):
        with self._lock:
            self._disabled.discard(name)

    def mark_unsupported(self, name):
        with self._lock:
            self._unsupported.add(name)

    # -- fault injection ----------------------------------------------------
    def _add_fault(self, action, count, method, path_contains, kind, **params):
        with self._lock:
            self._faults.append(_Fault(action, count, method, path_contains, kind, params))

    def inject_error(self, code, count=1, method=None, status=None, message=None, path_contains=None,
                     details=None, kind="api"):
        """Answer the next ``count`` matching requests with a catalogue error.

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
        )

    def inject_status(self, status, count=1, method=None, retry_after=None, body=None, path_contains=None,
                      kind="api"):
        """Answer the next ``count`` matching requests with HTTP ``status`` (429/500/502/503/504...)."""
        self._add_fault("status", count, method, path_contains, kind,
                        status=int(status), retry_after=retry_after, body=body)

    def inject_drop(self, count=1, method=None, when="before", path_contains=None, kind="api"):
        """Close the connection without answering; ``when="after"`` applies the request first."""
        if when not in ("before", "after"):
            raise ValueError("when must be 'before' or 'after'")
        self._add_fault("drop", count, method, path_contains, kind, when=when)

    def inject_response(self, status, body=b"", headers=None, count=1, method=None, path_contains=None,
                        kind="api"):
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

    def inject_truncated_image(self, count=1):
        """The next ``count`` GETs that return a photo send only half of it, then close."""
        if count < 1:
            raise ValueError("count must be >= 1")
        with self._lock:
            self._truncate.append([count])

    def clear_faults(self):
        with self._lock:
            self._faults = []
            self._truncate = []
            self._expiry_triggers = []
            self._chaos = None

    #: Fault kinds of :meth:`enable_chaos`.
    CHAOS_KINDS = ("429", "429_retry_after", "500", "502", "503", "drop_before", "drop_after", "truncate",
                   "expire_token")

    def enable_chaos(self, seed, probabilities, max_faults, max_per_kind=None):
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

    def _chaos_pick(self, method):
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

    def _chaos_fault(self, kind, headers):
        """Turn a chaos kind into a one-off fault (called under the lock); None for those handled later."""
        if kind in ("500", "502", "503"):
            return _Fault("status", 1, None, None, "api", {"status": int(kind), "retry_after": None, "body": None})
        if kind in ("drop_before", "drop_after"):
            return _Fault("drop", 1, None, None, "api", {"when": kind[5:]})
        if kind == "expire_token":
            am = AUTH_RE.match(headers.get("Authorization") or "")
            if am and am.group(1) in self._tokens:
                self._tokens[am.group(1)]["expires_at"] = 0.0
        return None

    def _take_fault(self, kind, method, path):
        for fault in self._faults:
            if fault.matches(kind, method, path):
                fault.count -= 1
                if fault.count <= 0:
                    self._faults.remove(fault)
                return fault
        return None

    # -- observation --------------------------------------------------------
    @property
    def requests(self):
        with self._lock:
            out = []
            for entry in self._log:
                copy = dict(entry)
                copy["headers"] = dict(entry["headers"])
                copy["query"] = dict(entry["query"])
                out.append(copy)
            return out

    def api_requests(self, method=None):
        return [
            e for e in self.requests if e["kind"] == "api" and (method is None or e["method"] == method.upper())
        ]

    def token_requests(self):
        return [e for e in self.requests if e["kind"] == "token"]

    def clear_log(self):
        with self._lock:
            self._log = []

    # -- request handling -----------------------------------------------------
    def _handle(self, method, raw_path, headers, body):
        split = urlsplit(raw_path)
        path = split.path
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if path == TOKEN_PATH:
            kind = "token"
            logged_query = {k: v for k, v in query.items() if k in ("grant_type", "client_id")}
        elif path.startswith(CONTROL_PREFIX):
            kind = "control"
            logged_query = query
        else:
            kind = "api"
            logged_query = query
        entry = {
            "method": method,
            "path": path,
            "query": logged_query,
            "headers": _sanitize_headers(headers),
            "status": None,
            "code": None,
            "started": time.monotonic(),
            "finished": None,
            "kind": kind,
        }
        with self._lock:
            self._log.append(entry)
        try:
            if kind == "api":
                resp = self._handle_api(method, path, headers, body, query)
            elif kind == "token":
                resp = self._handle_token(method, path, query, headers, body, entry)
            else:
                resp = self._handle_control(method, path)
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

    def _error(self, key, details=None, code=None, status=None, message=None, headers=None):
        err_code, err_status, err_message = ERRORS[key] if key is not None else (None, None, None)
        obj = {
            "code": code or err_code,
            "details": details if details is not None else {},
            "message": message or err_message,
            "status": "error",
        }
        payload = {"data": [obj]} if self.wrap_errors else obj
        hdrs = [("Content-Type", JSON_CTYPE)] + list(headers or [])
        return _Response(status or err_status, json.dumps(payload).encode(), hdrs, code=obj["code"])

    def _rejected_token(self):
        answer = self.rejected_token_answer
        if answer == "UNKNOWN_CODE":
            return self._error(None, code="OAUTH_TOKEN_INVALID", status=401, message="token rejected")
        if answer == "NOT_JSON":
            html = b"<html><head><title>401 Unauthorized</title></head><body>Unauthorized</body></html>"
            return _Response(401, html, [("Content-Type", "text/html;charset=UTF-8")], code="HTTP_401")
        return self._error(answer)

    @staticmethod
    def _empty():
        return _Response(204, b"", code="NO_CONTENT")

    @staticmethod
    def _json(status, obj, code=None):
        return _Response(status, json.dumps(obj).encode(), [("Content-Type", JSON_CTYPE)], code=code)

    def _rate_limited(self, limit, retry_after=None, reset_in=60.0):
        if retry_after is not None:
            reset_in = float(retry_after)
        reset_ms = int((time.time() + reset_in) * 1000)
        headers = [
            ("X-RATELIMIT-LIMIT", str(limit)),
            ("X-RATELIMIT-REMAINING", "0"),
            ("X-RATELIMIT-RESET", str(reset_ms)),
        ]
        if retry_after is not None:
            headers.append(("Retry-After", str(retry_after)))
        return self._error("TOO_MANY_REQUESTS", headers=headers)

    def _fault_response(self, fault):
        p = fault.params
        if fault.action == "error":
            return self._error(None, details=p["details"], code=p["code"], status=p["status"], message=p["message"])
        if fault.action == "status":
            status, retry_after, body = p["status"], p["retry_after"], p["body"]
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
                return _Response(status, body, hdrs, code="HTTP_%d" % status)
            if status == 429:
                return self._rate_limited(self.rate_limit_limit, retry_after=retry_after)
            extra = [("Retry-After", str(retry_after))] if retry_after is not None else []
            if status == 500:
                return self._error("INTERNAL_ERROR", headers=extra)
            reason = {502: "Bad Gateway", 503: "Service Unavailable", 504: "Gateway Timeout"}.get(status, "Error")
            html = "<html><head><title>%d %s</title></head><body><h1>%d %s</h1></body></html>" % (
                status, reason, status, reason)
            return _Response(status, html.encode(), [("Content-Type", "text/html;charset=UTF-8")] + extra,
                             code="HTTP_%d" % status)
        if fault.action == "response":
            return _Response(p["status"], p["body"], p["headers"], code="INJECTED_%d" % p["status"])
        raise AssertionError(fault.action)

    def _handle_api(self, method, path, headers, body, query=None):
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            over = self.max_concurrent is not None and self._in_flight > self.max_concurrent
            limit = self.max_concurrent
            # token expiry triggers count every API request
            for trig in list(self._expiry_triggers):
                if trig[0] <= 0:
                    for tok in trig[1]:
                        if tok in self._tokens:
                            self._tokens[tok]["expires_at"] = 0.0
                    self._expiry_triggers.remove(trig)
                else:
                    trig[0] -= 1
            fault = None if over else self._take_fault("api", method, path)
            chaos = None if over or fault is not None else self._chaos_pick(method)
            if chaos is not None:
                fault = self._chaos_fault(chaos, headers)
            latency = self.latency_ms
        try:
            if chaos is not None and chaos.startswith("429"):
                retry_after = self._chaos["rng"].choice((0, 1)) if chaos == "429_retry_after" else None
                resp = self._rate_limited(self.rate_limit_limit, retry_after=retry_after, reset_in=0.5)
                resp.chaos = chaos
                return resp
            if chaos is not None and fault is None:  # truncate, expire_token: shape the real answer
                resp = self._process_api(method, path, headers, body, query)
                if chaos == "truncate" and resp.status == 200 and method == "GET":
                    resp.action = "truncate"
                resp.chaos = chaos
                return resp
            if chaos is not None:
                resp = self._chaos_apply(fault, method, path, headers, body, query)
                resp.chaos = chaos
                return resp
            if over:
                return self._rate_limited(limit, reset_in=1.0)
            if latency:
                time.sleep(latency / 1000.0)  # without the lock: concurrency is real
            if fault is not None:
                if fault.action == "drop":
                    if fault.params["when"] == "before":
                        return _Response(0, action="drop")
                    resp = self._process_api(method, path, headers, body, query)
                    resp.action = "drop"
                    return resp
                return self._fault_response(fault)
            return self._process_api(method, path, headers, body, query)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _chaos_apply(self, fault, method, path, headers, body, query=None):
        if fault.action == "drop":
            if fault.params["when"] == "before":
                return _Response(0, action="drop")
            resp = self._process_api(method, path, headers, body, query)
            resp.action = "drop"
            return resp
        return self._fault_response(fault)

    def _process_api(self, method, path, headers, body, query=None):
        with self._lock:
            m = PHOTO_PATH_RE.match(path)
            route = None if m else records_api.match(path)
            if not m and not route:
                return self._error("INVALID_URL_PATTERN")
            module, record_id = (m.group(2), m.group(3)) if m else (route[1], route[2])
            # authentication
            am = AUTH_RE.match(headers.get("Authorization") or "")
            if not am:
                return self._error("AUTHENTICATION_FAILURE")
            tok = self._tokens.get(am.group(1))
            if tok is None or tok["expires_at"] <= time.monotonic():
                return self._rejected_token()
            # method
            if method not in API_METHODS:
                return self._error("INVALID_REQUEST_METHOD")
            # module
            if module in self._unsupported:
                return self._error("INVALID_MODULE_UNSUPPORTED")
            if module not in MODULES or module in self._disabled:
                return self._error("INVALID_MODULE")
            # scope
            if not _scope_allows(tok["scopes"], module, method if m else "GET"):
                return self._error("OAUTH_SCOPE_MISMATCH")
            if route:
                return records_api.handle(self, method, module, record_id, query or {}, tok)
            if method == "DELETE" and not self._delete_images:
                return self._error("NO_PERMISSION")
            # record
            key = (module, record_id)
            if not record_id.isdigit() or not record_id.isascii() or key not in self._records:
                return self._error("INVALID_DATA")
            rec = self._records[key]
            if method == "DELETE" and key in self._denied:
                return self._error("AUTHORIZATION_FAILED")
            if method in ("DELETE", "POST") and key in self._locked:
                return self._error("RECORD_LOCKED")

            if method == "GET":
                photo = rec["photo"]
                if photo is None:
                    return _Response(204, b"", code="NO_CONTENT")
                ctype, ext = image_type(photo) or ("application/octet-stream", "bin")
                ctype = self._content_types.get(key, ctype)
                hdrs = [("Content-Disposition", 'attachment; filename="%s.%s"' % (record_id, ext))]
                if ctype is not None:
                    hdrs.insert(0, ("Content-Type", ctype))
                resp = _Response(200, photo, hdrs, code="SUCCESS")
                if self._truncate:
                    self._truncate[0][0] -= 1
                    if self._truncate[0][0] <= 0:
                        self._truncate.pop(0)
                    resp.action = "truncate"
                return resp

            if method == "DELETE":
                if rec["photo"] is None:
                    return self._error("INVALID_DATA_NO_PHOTO")
                self._put_photo(rec, None)
                return self._json(
                    200, {"code": "SUCCESS", "details": {}, "message": "Photo deleted", "status": "success"},
                    code="SUCCESS")

            # POST
            fields = parse_multipart(body, headers.get("Content-Type"))
            if not fields or "file" not in fields:
                return self._error("REQUIRED_PARAM_MISSING", details={"param": "file"})
            content = fields["file"][0]
            if len(content) > MAX_PHOTO_BYTES:
                return self._error("INVALID_DATA_IMAGE_SIZE")
            if image_type(content) is None:
                return self._error("INVALID_DATA_IMAGE_FORMAT")
            self._put_photo(rec, content)
            return self._json(
                200, {"code": "SUCCESS", "details": {}, "message": "photo uploaded successfully", "status": "success"},
                code="SUCCESS")

    def _handle_token(self, method, path, query, headers, body, entry):
        with self._lock:
            fault = self._take_fault("token", method, path)
            latency = self.latency_ms
        if latency:
            time.sleep(latency / 1000.0)
        if fault is not None:
            if fault.action == "drop":
                if fault.params["when"] == "before":
                    return _Response(0, action="drop")
                resp = self._process_token(method, query, headers, body, entry)
                resp.action = "drop"
                return resp
            return self._fault_response(fault)
        return self._process_token(method, query, headers, body, entry)

    def _process_token(self, method, query, headers, body, entry):
        if method != "POST":
            return _Response(405, b'{"error":"invalid_request"}', [("Content-Type", JSON_CTYPE), ("Allow", "POST")],
                             code="invalid_request")
        params = dict(query)
        ctype = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body and ctype in ("", "application/x-www-form-urlencoded"):
            try:
                params.update(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
            except UnicodeDecodeError:
                pass
        with self._lock:
            entry["form"] = {k: params[k] for k in ("grant_type", "client_id") if k in params}

            def err(name):
                status, obj = TOKEN_ERRORS[name]
                return self._json(status, obj, code=obj["error"])

            if params.get("grant_type") != "refresh_token":
                return err("unsupported_grant_type")
            client_id = params.get("client_id")
            if client_id not in self._clients:
                return err("invalid_client")
            if params.get("client_secret") != self._clients[client_id]:
                return err("invalid_client_secret")
            rt = self._refresh.get(params.get("refresh_token"))
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
            for old in [t for t in active if t not in self._tokens or self._tokens[t]["expires_at"] <= now]:
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

    def _handle_control(self, method, path):
        if method != "GET":
            return self._json(405, {"error": "method not allowed"}, code="control")
        if path == CONTROL_PREFIX + "health":
            return self._json(200, {"status": "ok"}, code="control")
        if path == CONTROL_PREFIX + "state":
            with self._lock:
                records = [
                    {
                        "module": mod,
                        "record_id": rid,
                        "has_photo": rec["photo"] is not None,
                        "photo_size": len(rec["photo"]) if rec["photo"] is not None else 0,
                    }
                    for (mod, rid), rec in sorted(self._records.items())
                ]
                state = {
                    "records": records,
                    "tokens_issued": self.tokens_issued,
                    "max_in_flight": self.max_in_flight,
                    "api_requests": sum(1 for e in self._log if e["kind"] == "api"),
                }
            return self._json(200, state, code="control")
        return self._json(404, {"error": "not found"}, code="control")


# ---------------------------------------------------------------------------
# Demo seed and standalone entry point
# ---------------------------------------------------------------------------
DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"
DEMO_REFRESH_TOKEN = "demo-refresh"
DEMO_ACCESS_TOKEN = "demo-token"
DEMO_CONTACTS = ("3000000038009", "3000000038010", "3000000038011")
DEMO_ACCOUNT = "3000000040001"


def seed_demo(sim):
    """Seed the demo client, token and records into ``sim``."""
    sim.add_client(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_REFRESH_TOKEN)
    sim.add_token(DEMO_ACCESS_TOKEN)
    sim.add_record("Contacts", DEMO_CONTACTS[0], photo=PNG_RED)
    sim.add_record("Contacts", DEMO_CONTACTS[1], photo=JPEG_MIN)
    sim.add_record("Contacts", DEMO_CONTACTS[2])
    sim.add_record("Accounts", DEMO_ACCOUNT, photo=PNG_BLUE)
    return sim


def main(argv=None):
    parser = argparse.ArgumentParser(description="Zoho Bigin photo API simulator")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--demo", action="store_true", help="seed demo client, token and records")
    parser.add_argument("--lifetime", type=float, default=None, help="exit after this many seconds")
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--max-concurrent", type=int, default=None)
    args = parser.parse_args(argv)

    sim = BiginSimulator(latency_ms=args.latency_ms, max_concurrent=args.max_concurrent, port=args.port)
    if args.demo:
        seed_demo(sim)
    sim.start()
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as fh:
            fh.write("%d\n" % sim.port)
        os.replace(tmp, args.port_file)
    stop = threading.Event()

    def _on_signal(signum, frame):
        stop.set()

    signal.signal(signal.SIGTERM, _on_signal)
    signal.signal(signal.SIGINT, _on_signal)
    print("Bigin simulator listening on %s" % sim.url, flush=True)
    try:
        stop.wait(args.lifetime)
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
