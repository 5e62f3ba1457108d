# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP transport for the Bigin API: one pooled session, retries, the auth header.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import email.utils
import hashlib
import math
import random
import secrets
import socket
import threading
import time
import traceback
import typing as t
from urllib.parse import urlsplit

from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    BiginAPIError,
    BiginTransportError,
    BudgetReached,
    api_error_from_body,
    excerpt,
    status_object,
)

REQUESTS_IMPORT_ERROR: str | None
try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
    from urllib3.exceptions import ConnectTimeoutError, HTTPError as Urllib3Error, NewConnectionError
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

# data_center -> (accounts_url, api_domain)
DATA_CENTERS: dict[str, tuple[str, str]] = {
    "us": ("https://accounts.zoho.com", "https://www.zohoapis.com"),
    "eu": ("https://accounts.zoho.eu", "https://www.zohoapis.eu"),
    "in": ("https://accounts.zoho.in", "https://www.zohoapis.in"),
    "au": ("https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
    "jp": ("https://accounts.zoho.jp", "https://www.zohoapis.jp"),
    "cn": ("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
    "ca": ("https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
    "sa": ("https://accounts.zoho.sa", "https://www.zohoapis.sa"),
}

RETRY_STATUSES = frozenset((429, 500, 502, 503, 504))
# An upload is not idempotent: it is retried only on answers that say it was not processed.
RETRY_STATUSES_UNSAFE = frozenset((429, 503))
# How much of a body is read when only its kind matters (magic bytes; a WebP header needs 12).
PEEK_BYTES = 32
# Bodies are read up to a cap, so that a huge answer times concurrency cannot exhaust memory: JSON
# pages (200 records of up to 50 fields are well under 1 MB), error answers (only a prefix matters),
# photos (the API takes 10 MB at most; a little more is allowed for the answer's own framing).
MAX_JSON_BODY = 8 * 1024 * 1024
MAX_ERROR_BODY = 64 * 1024
MAX_PHOTO_BODY = 10 * 1024 * 1024 + 64 * 1024
READ_CHUNK = 65536
BACKOFF_BASE = 0.5
BACKOFF_CAP = 30.0
USER_AGENT = "zoho.bigin-ansible-collection"
# Always present in api_calls.by_method, so that the result has one stable shape.
COUNTED_METHODS = ("GET", "POST", "DELETE")

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

WarnFn = t.Callable[[str], None]


def printable_without_spaces(value: str) -> bool:
    """Whether ``value`` is non-empty, printable and without white space: fit for a header or a URL.

    Checked for every secret, URL and token before it is sent: a stray newline would end up in a
    header, and requests quotes headers in its errors.
    """
    return bool(value) and all(char.isprintable() and not char.isspace() for char in value)


class TokenSource(t.Protocol):
    """What the client needs of a token provider (see _auth.TokenProvider)."""

    @property
    def can_refresh(self) -> bool:
        """Whether refresh credentials are at hand."""

    def get(self) -> str:
        """The access token to send now."""

    def invalidate(self, token: str) -> None:
        """The API rejected ``token``."""

    @property
    def api_domain(self) -> str | None:
        """The API domain the token endpoint named for the current token, if any."""


class HTTPResult:
    """A finished HTTP exchange: status, headers and the body bytes that were read."""

    def __init__(self, status: int, headers: t.Mapping[str, str], body: bytes | None,
                 complete: bool, maybe_applied_before: bool):
        self.status = status
        self.headers = headers
        self.body = body
        # False when only the first bytes of the body were read (see read_limit): ``body`` is then a prefix,
        # enough to tell the body's kind. Not derivable from ``body``, which is bytes either way.
        self.complete = complete
        # True when an earlier attempt of this request may have reached the server
        # before its connection broke (its answer was lost).
        self.maybe_applied_before = maybe_applied_before


def _keep_headers(request: t.Any) -> t.Any:
    """The session's auth: leaves the request as it is (see new_session)."""
    return request


if HAS_REQUESTS:
    class _Session(requests.Session):
        """requests' Session, reading the proxy and CA environment once per host instead of on every request.

        requests reads HTTPS_PROXY, NO_PROXY, REQUESTS_CA_BUNDLE and CURL_CA_BUNDLE again for each request
        (measured: an eighth of a 500-page listing's time); a module's environment does not change while it
        runs, so what it found for a scheme and host (and the request's own settings) is kept.
        """

        def __init__(self) -> None:
            super().__init__()
            self._environment: dict[t.Any, dict[str, t.Any]] = {}
            self._environment_lock = threading.Lock()

        def merge_environment_settings(self, url, proxies, stream, verify, cert):  # type: ignore[no-untyped-def]
            key = (urlsplit(url)[:2], tuple(sorted((proxies or {}).items())), stream, verify, cert)
            with self._environment_lock:
                settings = self._environment.get(key)
                if settings is None:
                    settings = self._environment[key] = super().merge_environment_settings(
                        url, proxies, stream, verify, cert)
            return dict(settings, proxies=dict(settings["proxies"]))


def new_session(pool_size: int, validate_certs: bool, ca_path: str | None = None) -> requests.Session:
    """A session whose pool holds a connection per worker thread, and no hidden retries.

    ``ca_path`` (a CA bundle file or directory) replaces the default trust when certificates are validated.
    """
    session = _Session()
    # Never ~/.netrc: requests would put a netrc login in place of the module's own Authorization header.
    session.auth = _keep_headers
    # urllib3 must not retry on its own: retries are decided (and reported) in send().
    adapter = _DeadlineAdapter(pool_connections=2, pool_maxsize=max(pool_size, 1),
                               max_retries=Retry(total=0, read=False, redirect=False, raise_on_status=False))
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.verify = (ca_path or True) if validate_certs else False
    session.headers["User-Agent"] = USER_AGENT
    return session


# -- a deadline for the whole request ------------------------------------------------------------
# requests' timeout bounds each socket read: a server that sends a byte every few seconds keeps a
# request alive for ever. A watchdog shuts the request's socket down when its deadline passes; the
# sockets are made known by the connection classes below, in the thread that sends the request.

_current = threading.local()


class _Deadline:
    """The deadline of one request attempt: at ``seconds`` its sockets are shut down."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> "_Deadline":
        _current.deadline = self
        self._timer.start()
        return self

    def __exit__(self, *exc_info: t.Any) -> None:
        self._timer.cancel()
        _current.deadline = None

    def watch(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            self._sockets.append(sock)
            expired = self.expired
        if expired:
            _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            sockets = list(self._sockets)
        for sock in sockets:
            _shut(sock)


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes a blocked read in the sending thread
    except OSError:
        pass  # already closed


def _watch(sock: socket.socket | None) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)


if HAS_REQUESTS:
    class _WatchedHTTPConnection(HTTPConnection):
        def connect(self) -> None:
            super().connect()
            _watch(self.sock)

    class _WatchedHTTPSConnection(HTTPSConnection):
        def connect(self) -> None:
            super().connect()
            _watch(self.sock)

    class _WatchedHTTPPool(HTTPConnectionPool):
        ConnectionCls = _WatchedHTTPConnection

        def _get_conn(self, timeout: float | None = None) -> t.Any:
            conn = super()._get_conn(timeout)
            _watch(getattr(conn, "sock", None))  # a kept-alive connection: connect() is not called again
            return conn

    class _WatchedHTTPSPool(HTTPSConnectionPool):
        ConnectionCls = _WatchedHTTPSConnection

        def _get_conn(self, timeout: float | None = None) -> t.Any:
            conn = super()._get_conn(timeout)
            _watch(getattr(conn, "sock", None))
            return conn

    class _DeadlineAdapter(HTTPAdapter):
        """An adapter whose pools make their sockets known to the request's deadline."""

        @staticmethod
        def _watched(manager: t.Any) -> t.Any:
            # Only urllib3's own pools are replaced (a SOCKS proxy manager keeps its own: its requests
            # are then bounded between body chunks only).
            if manager.pool_classes_by_scheme.get("http") is HTTPConnectionPool:
                manager.pool_classes_by_scheme = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}
            return manager

        def init_poolmanager(self, *args: t.Any, **kwargs: t.Any) -> None:
            super().init_poolmanager(*args, **kwargs)
            self._watched(self.poolmanager)

        def proxy_manager_for(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
            return self._watched(super().proxy_manager_for(*args, **kwargs))


class _Expired(Exception):
    """The request's deadline passed."""


class _TooLarge(Exception):
    """The answer's body is larger than the cap for its kind."""

    def __init__(self, limit: int):
        super().__init__(limit)
        self.limit = limit


def _never_sent(exc: Exception) -> bool:
    """True when a connection error proves the request never reached the server."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)  # urllib3 MaxRetryError wraps the cause
    return isinstance(reason, (NewConnectionError, ConnectTimeoutError))


def advised_wait(headers: t.Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds the server asks us to wait, from Retry-After or X-RATELIMIT-RESET."""
    now = time.time() if now is None else now
    retry_after = headers.get("Retry-After")
    if retry_after:
        try:
            seconds = float(retry_after)
        except ValueError:
            try:
                seconds = email.utils.parsedate_to_datetime(retry_after).timestamp() - now
            except (TypeError, ValueError, IndexError, OverflowError):
                seconds = math.nan  # neither seconds nor an HTTP date: ignored
        if math.isfinite(seconds):
            return max(seconds, 0.0)
    reset = headers.get("X-RATELIMIT-RESET")
    if reset:
        try:
            value = float(reset)
        except ValueError:
            return None
        if not math.isfinite(value):
            return None
        # Zoho sends the reset instant in epoch milliseconds; accept seconds or a delta too.
        if value > 1e11:
            return max(value / 1000.0 - now, 0.0)
        if value > 1e9:
            return max(value - now, 0.0)
        return max(value, 0.0)
    return None


def backoff(attempt: int) -> float:
    """Exponential backoff with full jitter for retry number ``attempt`` (1-based)."""
    # The exponent is capped: 2.0 ** 1100 overflows a float, and the cap is reached long before.
    return random.uniform(0, min(BACKOFF_CAP, BACKOFF_BASE * (2.0 ** min(max(attempt, 0), 16))))


class Usage:
    """What a run cost: every request attempt sent, counted (and traced when asked); thread-safe."""

    def __init__(self, trace: bool = False, limit: int | None = None):
        self._lock = threading.Lock()
        self.by_method: dict[str, int] = dict.fromkeys(COUNTED_METHODS, 0)
        self.token_refreshes = 0
        # max_api_calls: API requests (token requests apart) beyond it are refused before they are sent.
        self.limit = limit
        self.limit_reached = False
        # Requests a check-mode run did not send but a real run would (see plan()).
        self.planned = 0
        # One entry per attempt, in the order the attempts started; None when not asked for.
        self.trace: list[dict[str, t.Any]] | None = [] if trace else None

    def start(self, method: str, url: str, attempt: int, token_request: bool) -> dict[str, t.Any]:
        """Count one attempt; return its trace entry (to be completed by finish())."""
        # The path only: no host, and no query string, whose values could be secret.
        entry = {"method": method, "path": urlsplit(url).path, "status": None, "attempt": attempt, "ms": None}
        with self._lock:
            if token_request:
                self.token_refreshes += 1
            else:
                if self.limit is not None and sum(self.by_method.values()) >= self.limit:
                    self.limit_reached = True
                    raise BudgetReached(self.limit, method, attempt)
                self.by_method[method] = self.by_method.get(method, 0) + 1
            if self.trace is not None:
                self.trace.append(entry)
        return entry

    def finish(self, entry: dict[str, t.Any], status: int | None, started: float) -> None:
        with self._lock:
            entry["status"] = status
            entry["ms"] = round((time.monotonic() - started) * 1000.0, 1)

    def calls(self) -> dict[str, t.Any]:
        """The ``api_calls`` result: Bigin API requests (total, by method) and token endpoint requests."""
        with self._lock:
            by_method = dict(self.by_method)
            return {"total": sum(by_method.values()), "by_method": by_method, "token_refreshes": self.token_refreshes}

    def trace_entries(self) -> list[dict[str, t.Any]]:
        with self._lock:
            return [dict(entry) for entry in self.trace or []]

    def plan(self, count: int = 1) -> None:
        """Note requests that check mode leaves out but a real run would send (for api_calls_estimate)."""
        with self._lock:
            self.planned += count

    def estimate(self) -> int:
        """``api_calls_estimate``: the API requests sent so far plus those planned."""
        with self._lock:
            return sum(self.by_method.values()) + self.planned


class Transport:
    """Sends requests with the collection's retry policy, reporting each retry as a warning."""

    def __init__(self, session: requests.Session, timeout: float, max_retries: int,
                 warn: WarnFn, sleep: t.Callable[[float], None] = time.sleep, usage: Usage | None = None):
        self.session = session
        self.timeout = timeout
        self.max_retries = max_retries
        self.warn = warn
        self.sleep = sleep
        self.usage = usage if usage is not None else Usage()

    def send(self, method: str, url: str, label: str, idempotent: bool,
             read_limit: int | None = None, token_request: bool = False, max_body: int = MAX_JSON_BODY,
             sink: BodySink | None = None, upload: MultipartFile | None = None, **kwargs: t.Any) -> HTTPResult:
        """Send a request, retrying what is safe to retry; ``timeout`` bounds each whole attempt.

        ``read_limit`` bounds how much of a 2xx body is read: a longer body is read only up to
        its first PEEK_BYTES (enough to tell its kind) and its connection closed, for callers
        that need only the headers and the kind of body. A 2xx body longer than ``max_body`` is
        an error (not retried); of an error answer only the first MAX_ERROR_BODY bytes are read.
        Error answers are returned too; the caller decides what they mean.
        ``token_request`` counts the request as a token refresh rather than an API call.
        ``sink``: a 2xx body goes there in chunks (size cap, SHA-256) instead of into memory; the
        result's ``body`` is then empty. ``upload``: the request body, streamed from its file (see
        MultipartFile); pass ``idempotent=False`` with it.
        """
        if upload is not None:
            kwargs["data"] = upload
            kwargs["headers"] = dict(kwargs.get("headers") or {}, **{"Content-Type": upload.content_type})
        retry_statuses = RETRY_STATUSES if idempotent else RETRY_STATUSES_UNSAFE
        maybe_applied = False
        attempt = 0
        # A CA bundle (ca_path) or no verification is given per request too: with trust_env, requests lets
        # REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE override the session's verify, but never a per-request one.
        verify = getattr(self.session, "verify", None)
        if isinstance(verify, str) or verify is False:
            kwargs.setdefault("verify", verify)
        while True:
            attempt += 1
            entry = self.usage.start(method, url, attempt, token_request)
            if sink is not None:
                sink.reset()  # a retried attempt starts the body again
            started = time.monotonic()
            status = None
            try:
                with _Deadline(self.timeout) as deadline:
                    try:
                        # Redirects are not followed: requests would turn a redirected DELETE into a GET.
                        response = self.session.request(method, url, timeout=self.timeout, stream=True,
                                                        allow_redirects=False, **kwargs)
                        status = response.status_code
                        result = self._read(response, read_limit, maybe_applied, max_body, deadline, sink)
                        if deadline.expired:
                            # A shut socket can also look like the end of the headers or of the body.
                            raise _Expired()
                    except (_TooLarge, _Expired):
                        raise
                    except Exception:
                        if deadline.expired:  # whatever the shut socket made the read raise
                            raise _Expired() from None
                        raise
            except _TooLarge as exc:
                raise BiginTransportError("%s %s failed: the answer is larger than %d bytes, more than an answer "
                                          "of its kind can be; not read" % (method, label, exc.limit)) from None
            except requests.exceptions.SSLError:
                # Not transient: retrying cannot fix a certificate the session does not trust.
                raise BiginTransportError("%s %s failed: TLS certificate verification failed; fix the CA trust "
                                          "(ca_path) or set validate_certs to false" % (method, label)) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout,
                    requests.exceptions.ChunkedEncodingError, _Truncated, _Expired) as exc:
                never_sent = _never_sent(exc)
                if attempt > self.max_retries or not (idempotent or never_sent):
                    raise BiginTransportError(
                        "%s %s failed after %d attempt(s): %s" % (method, label, attempt, _failure_reason(exc))
                    ) from None
                maybe_applied = maybe_applied or not never_sent
                self._pause(method, label, _failure_reason(exc), attempt, backoff(attempt))
                continue
            except (requests.exceptions.RequestException, Urllib3Error, ValueError) as exc:
                # Anything else (bad URL, bad header value, ...) is not transient. Its text may
                # quote the request's headers, so only its type is reported.
                raise BiginTransportError("%s %s failed: the request could not be sent (%s)"
                                          % (method, label, type(exc).__name__)) from None
            finally:
                # A body cut short still had its status; a connection error has none.
                self.usage.finish(entry, status, started)
            if result.status in retry_statuses and attempt <= self.max_retries:
                error = api_error_from_body(result.status, result.body or b"")
                wait = advised_wait(result.headers)
                wait = backoff(attempt) if wait is None else min(wait, BACKOFF_CAP)
                self._pause(method, label, "%s %s" % (result.status, error.code or "HTTP error"), attempt, wait)
                continue
            return result

    def _read(self, response: requests.Response, read_limit: int | None, maybe_applied: bool,
              max_body: int, deadline: _Deadline, sink: BodySink | None = None) -> HTTPResult:
        try:
            declared = response.headers.get("Content-Length")
            length = int(declared) if declared is not None and declared.isdigit() else None
            if sink is not None and 200 <= response.status_code < 300:
                if length is not None and length > sink.limit:
                    raise _TooLarge(sink.limit)
                for chunk in response.iter_content(chunk_size=READ_CHUNK):
                    if deadline.expired:
                        raise _Expired()
                    sink.write(chunk)
                body = b""
            elif read_limit is not None and response.ok and (length is None or length > read_limit):
                # Only the first bytes are wanted (they tell an image from an error page): read a
                # prefix and close the connection rather than drain a body nobody needs.
                body, ended = _read_prefix(response, PEEK_BYTES if length is not None else read_limit + 1, deadline)
                if not ended:
                    return HTTPResult(response.status_code, response.headers, body, False, maybe_applied)
            elif not 200 <= response.status_code < 300:
                body, ended = _read_prefix(response, MAX_ERROR_BODY, deadline)
                if not ended:
                    return HTTPResult(response.status_code, response.headers, body[:MAX_ERROR_BODY], False,
                                      maybe_applied)
            else:
                if length is not None and length > max_body:
                    raise _TooLarge(max_body)
                body, ended = _read_prefix(response, max_body + 1, deadline)
                if not ended or len(body) > max_body:
                    raise _TooLarge(max_body)
            # urllib3 1.x accepts a body shorter than its Content-Length without a word. Content-Length
            # counts the bytes on the wire (raw.tell()): a gzip body is longer once decoded.
            if length is not None and response.raw.tell() != length:
                raise _Truncated()
            return HTTPResult(response.status_code, response.headers, body, True, maybe_applied)
        finally:
            response.close()

    def send_token_request(self, url: str, data: dict[str, str]) -> tuple[int, bytes]:
        """POST a token refresh form; (status, body) for the TokenProvider."""
        # Retried like a read: a lost answer costs one of Zoho's 10 tokens per 10 minutes at worst.
        result = self.send("POST", url, "OAuth token refresh", idempotent=True, token_request=True, data=data)
        return result.status, result.body or b""

    def _pause(self, method: str, label: str, reason: str, attempt: int, wait: float) -> None:
        # The method keeps the warnings of a record's GET and DELETE apart: Ansible shows a repeated
        # warning text only once, which would hide a retry.
        self.warn("%s %s: retrying after %s, attempt %d of %d, in %.1fs"
                  % (method, label, reason, attempt + 1, self.max_retries + 1, wait))
        self.sleep(wait)


def _read_prefix(response: requests.Response, size: int, deadline: _Deadline) -> tuple[bytes, bool]:
    """Up to ``size`` bytes of a streamed body (maybe a few more), and whether the body ended there."""
    chunks: list[bytes] = []
    got = 0
    for chunk in response.iter_content(chunk_size=min(size, READ_CHUNK)):
        if deadline.expired:  # also checked between chunks: a SOCKS proxy's sockets are not watched
            raise _Expired()
        chunks.append(chunk)
        got += len(chunk)
        if got >= size:
            return b"".join(chunks), False
    return b"".join(chunks), True


class _Truncated(Exception):
    """The answer's body was shorter than its Content-Length."""


# -- streamed transfers (attachments reach 100 MB: never held in memory, not even one per worker) --------

# How much of a streamed body is kept in memory, to tell a file from an error page (see BodySink.head).
SINK_HEAD_BYTES = 1024


class BodySink:
    """Where Transport.send streams a 2xx body: an open binary file (or nowhere: hashed only), at most ``limit`` bytes.

    ``size`` and ``sha256`` describe the bytes received by the last attempt; ``head`` holds their first
    SINK_HEAD_BYTES. A file given must be seekable: a retried attempt starts it again (reset()).
    """

    def __init__(self, limit: int, handle: t.BinaryIO | None = None):
        self.limit = limit
        self.handle = handle
        self.size = 0
        self.head = b""
        self._digest = hashlib.sha256()

    def reset(self) -> None:
        self.size = 0
        self.head = b""
        self._digest = hashlib.sha256()
        if self.handle is not None:
            self.handle.seek(0)
            self.handle.truncate()

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _TooLarge(self.limit)
        if len(self.head) < SINK_HEAD_BYTES:
            self.head += chunk[:SINK_HEAD_BYTES - len(self.head)]
        self._digest.update(chunk)
        if self.handle is not None:
            self.handle.write(chunk)

    @property
    def sha256(self) -> str:
        return self._digest.hexdigest()


def _form_quote(value: str) -> str:
    """A form-data parameter value as browsers send it (HTML's multipart encoding): UTF-8, with ``"`` CR LF escaped."""
    return value.replace("\\", "\\\\").replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class MultipartFile:
    """A multipart/form-data body of one file part, read from ``path`` in chunks while it is sent.

    Iterating it yields the whole body (a retried attempt iterates again, reading the file anew);
    its length is known before (requests sends it as Content-Length), so it is never chunked.
    ``size`` is the file's size when the task checked it: a file that has another size when it is
    sent stops the upload (``problem`` says why). ``sha256`` is that of the bytes last sent.
    """

    def __init__(self, path: str, size: int, filename: str, content_type: str = "application/octet-stream",
                 field: str = "file", chunk_size: int = READ_CHUNK):
        self.path = path
        self.size = size
        self.chunk_size = chunk_size
        self.boundary = "zoho-bigin-" + secrets.token_hex(16)
        self.content_type = "multipart/form-data; boundary=" + self.boundary
        self._head = ("--%s\r\nContent-Disposition: form-data; name=\"%s\"; filename=\"%s\"\r\nContent-Type: %s\r\n\r\n"
                      % (self.boundary, _form_quote(field), _form_quote(filename), content_type)).encode("utf-8")
        self._tail = ("\r\n--%s--\r\n" % self.boundary).encode("ascii")
        self.problem: str | None = None
        self.sha256: str | None = None

    def __len__(self) -> int:
        return len(self._head) + self.size + len(self._tail)

    def __iter__(self) -> t.Iterator[bytes]:
        yield self._head
        digest = hashlib.sha256()
        sent = 0
        with open(self.path, "rb") as handle:
            while sent < self.size:
                chunk = handle.read(min(self.chunk_size, self.size - sent))
                if not chunk:
                    break
                sent += len(chunk)
                digest.update(chunk)
                yield chunk
            more = handle.read(1)
        if sent != self.size or more:
            self.problem = "the file changed size while it was sent (%d bytes when checked)" % self.size
            raise OSError(self.problem)
        self.sha256 = digest.hexdigest()
        yield self._tail


def _failure_reason(exc: Exception) -> str:
    """A short description of a transport error (its text never carries headers or bodies)."""
    if isinstance(exc, _Expired):
        return "timeout (the whole request took longer than the timeout)"
    if isinstance(exc, requests.exceptions.Timeout):
        return "timeout (%s)" % type(exc).__name__
    if isinstance(exc, (requests.exceptions.ChunkedEncodingError, _Truncated)) or "IncompleteRead" in str(exc):
        return "connection broken while reading the answer"
    if _never_sent(exc):
        return "could not connect"
    return "connection closed without an answer"


class BiginClient:
    """The Bigin API, authenticated: URLs under /bigin/{version}/, the auth header, token refresh on rejection."""

    def __init__(self, transport: Transport, api_domain: str, api_version: str, tokens: TokenSource,
                 token_domain: bool = False, warn: WarnFn | None = None):
        self.transport = transport
        self.api_domain = api_domain.rstrip("/")
        self.api_version = api_version
        self.base = "%s/bigin/%s" % (self.api_domain, api_version)
        self.tokens = tokens
        # When the user did not choose api_domain, the one the token endpoint names wins (as in Zoho's SDKs).
        self.token_domain = token_domain
        self._warn = warn or (lambda msg: None)
        self._warned: set[str] = set()
        self._warn_lock = threading.Lock()

    def plan(self, count: int = 1) -> None:
        """Check mode: note requests a real run would send (api_calls_estimate)."""
        self.transport.usage.plan(count)

    def url(self, path: str) -> str:
        # Callers build paths from validated parts only (module API names, record ids, fixed words).
        return "%s/%s" % (self._base(), path.lstrip("/"))

    def _base(self) -> str:
        learned = self.tokens.api_domain if self.token_domain else None
        if not learned or learned == self.api_domain:
            return self.base
        with self._warn_lock:
            first = learned not in self._warned
            self._warned.add(learned)
        if first:
            self._warn("The token endpoint names %s as this account's API domain, not %s (from data_center): "
                       "requests go there; set data_center or api_domain to match" % (learned, self.api_domain))
        return "%s/bigin/%s" % (learned, self.api_version)

    def request(self, method: str, path: str, label: str, params: t.Mapping[str, str] | None = None,
                idempotent: bool = True, read_limit: int | None = None, max_body: int = MAX_JSON_BODY,
                **kwargs: t.Any) -> HTTPResult:
        """Send an API request for ``path`` (under /bigin/{version}/); raise BiginAPIError for an error answer.

        ``label`` names the request in messages and warnings. When the API rejects the token (any 401
        but OAUTH_SCOPE_MISMATCH) and refresh credentials are at hand, the token is refreshed once and
        the request sent once more.
        """
        if params:
            kwargs["params"] = params
        refreshed = maybe_applied = False
        while True:
            token = self.tokens.get()
            url = self.url(path)  # after get(): a refresh may name the API domain
            headers = {"Authorization": "Zoho-oauthtoken " + token}
            result = self.transport.send(method, url, label, idempotent, read_limit=read_limit,
                                         max_body=max_body, headers=headers, **kwargs)
            # An attempt before a token refresh may have been applied too.
            maybe_applied = maybe_applied or result.maybe_applied_before
            if 200 <= result.status < 300:
                if method != "GET":
                    check_success(result)
                return result
            if result.status < 400:
                error = BiginAPIError(result.status, None, "the API answered with an unexpected redirect or "
                                      "status (Location: %s)" % excerpt(result.headers.get("Location") or "none"))
            else:
                error = api_error_from_body(result.status, result.body or b"")
            # Zoho answers a bad or expired token with 401 and varying codes (INVALID_TOKEN,
            # AUTHENTICATION_FAILURE, INVALID_OAUTHTOKEN, none at all); only a missing scope
            # is sure not to be cured by a new token.
            if (result.status == 401 and not refreshed and self.tokens.can_refresh
                    and error.code != "OAUTH_SCOPE_MISMATCH"):
                self.tokens.invalidate(token)
                refreshed = True
                continue
            if error.code == "OAUTH_SCOPE_MISMATCH":
                parts = path.lstrip("/").split("/")
                search = parts[1:2] == ["search"]
                error.name_required_scopes(required_scopes(method, parts[0], search),
                                           operation_scope(method, parts[0], search))
            error.maybe_applied_before = maybe_applied
            raise error

    def download(self, path: str, label: str, sink: BodySink, params: t.Mapping[str, str] | None = None) -> HTTPResult:
        """GET ``path`` with its 2xx body streamed into ``sink`` (retried like any read: the sink starts again)."""
        return self.request("GET", path, label, params=params, sink=sink)

    def upload(self, path: str, label: str, body: MultipartFile) -> HTTPResult:
        """POST ``body`` streamed from its file; never resent once it may have landed (idempotent=False)."""
        return self.request("POST", path, label, idempotent=False, upload=body)


# The scope Bigin's search endpoint needs besides the module's read scope.
SEARCH_SCOPE = "ZohoSearch.securesearch.READ"
# The operations of a scope that allow each method (Bigin API reference, "scope" sections).
SCOPE_OPERATIONS = {"GET": ("READ",), "POST": ("WRITE", "CREATE"), "DELETE": ("DELETE",)}


def required_scopes(method: str, module_name: str, search: bool = False) -> str:
    """The OAuth scopes, any one of which allows ``method`` on ``module_name``, in words.

    Search needs SEARCH_SCOPE besides them.
    """
    prefix = "ZohoBigin.modules." + module_name.lower()
    scopes = ["%s.%s" % (prefix, op) for op in SCOPE_OPERATIONS.get(method, ())] + [prefix + ".ALL"]
    text = "one of the scopes %s or ZohoBigin.modules.ALL" % ", ".join(scopes)
    return "the scope %s and %s" % (SEARCH_SCOPE, text) if search else text


def operation_scope(method: str, module_name: str, search: bool = False) -> str:
    """The scope of the request's own operation, as the documented resolution names it.

    ``ZohoBigin.modules.contacts.READ`` for a read, ``.DELETE`` for a delete, ``.CREATE`` or
    ``.WRITE`` for an upload; a search names SEARCH_SCOPE with the module's read scope.
    """
    prefix = "ZohoBigin.modules." + module_name.lower()
    scope = " or ".join("%s.%s" % (prefix, op) for op in SCOPE_OPERATIONS.get(method, ("ALL",)))
    return "%s and %s" % (SEARCH_SCOPE, scope) if search else scope


def check_success(result: HTTPResult) -> None:
    """A 2xx answer to a change must say success: Bigin can answer 200 with an error object."""
    body = result.body or b""
    payload = status_object(body)
    if isinstance(payload, dict) and str(payload.get("status", "")).lower() == "success":
        return
    if isinstance(payload, dict) and payload.get("code"):
        raise api_error_from_body(result.status, body)
    raise BiginAPIError(result.status, None, "the API answered without the expected success status: %s"
                        % (excerpt(body) or "empty body"))
