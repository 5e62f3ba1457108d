# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HTTP plumbing for the Bigin simulator: server, handler, TLS, body and multipart parsing, lifecycle."""

from __future__ import annotations

import email.message
import email.parser
import email.policy
import socket
import ssl
import threading
import time
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .responses import JSON_CTYPE, Response


def parse_multipart(body: bytes, content_type: str | None) -> dict[str, tuple[bytes, str | None, str | None]] | None:
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
    fields: dict[str, tuple[bytes, str | None, str | None]] = {}
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
        # Sliced straight from ``body``: one copy of a part's content (attachments reach 25 MB and more).
        if body.startswith(b"\r\n", start, nxt):
            raw_headers, content = b"", body[start + 2:nxt]
        else:
            sep = body.find(b"\r\n\r\n", start, nxt)
            if sep < 0:
                raw_headers, content = body[start:nxt], b""
            else:
                raw_headers, content = body[start:sep], body[sep + 4:nxt]
        headers = header_parser.parsebytes(raw_headers + b"\r\n\r\n")
        disp = headers.get("Content-Disposition")
        if disp is not None:
            name = disp.params.get("name")
            if name is not None and name not in fields:
                fields[name] = (content, disp.params.get("filename"), headers.get_content_type() if headers.get("Content-Type") else None)
        pos = nxt + 2 + len(delim)
    return fields


class _Server(ThreadingHTTPServer):
    """Threads per connection; TLS handshakes in those threads; stop() can shut every open connection."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr: tuple[str, int], handler: type[BaseHTTPRequestHandler], sim: t.Any) -> None:
        self.sim = sim
        self.active: set[socket.socket] = set()
        self.active_lock = threading.Lock()
        super().__init__(addr, handler)

    def finish_request(self, request: t.Any, client_address: t.Any) -> None:
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

    def handle_error(self, request: t.Any, client_address: t.Any) -> None:  # quiet
        pass

    def close_active(self) -> None:
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

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: t.Any) -> None:  # quiet  # pylint: disable=redefined-builtin
        pass

    def _read_body(self) -> bytes:
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
            content_length = int(length)
        except ValueError:
            raise _BadRequest("bad Content-Length") from None
        if content_length < 0:
            raise _BadRequest("bad Content-Length")
        data = self.rfile.read(content_length)
        if len(data) != content_length:
            raise _BadRequest("truncated body")
        return data

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest:
            self.close_connection = True
            self._send(Response(400, b'{"error":"bad_request"}', [("Content-Type", JSON_CTYPE)]))
            return
        resp = self.server.sim._handle(self.command, self.path, self.headers, body)
        self._send(resp)

    def _send(self, resp: Response) -> None:
        if resp.action == "drop":
            self._hang_up()
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
            self._hang_up()
            return
        self.wfile.write(resp.body)

    def _hang_up(self) -> None:
        """Close the connection now (a dropped or truncated answer)."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    do_GET = do_POST = do_DELETE = do_PUT = do_PATCH = do_HEAD = do_OPTIONS = _dispatch


class ServerMixin:
    """Start, stop and address of the simulator (HTTP, or HTTPS with a certificate)."""

    _handle: t.Callable[[str, str, t.Any, bytes], Response]

    def _init_server(self, host: str, port: int, tls_certfile: str | None, tls_keyfile: str | None) -> None:
        self._tls: ssl.SSLContext | None = None
        if tls_certfile:
            self._tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self._tls.load_cert_chain(tls_certfile, tls_keyfile)
        self._host = host
        self._port = port
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> t.Any:
        if self._server is not None:
            return self
        self._server = _Server((self._host, self._port), _Handler, self)
        self._port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="bigin-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None or thread is None:
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

    def __enter__(self) -> t.Any:
        return self.start()

    def __exit__(self, *exc: t.Any) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        if self._server is None and not self._port:
            raise RuntimeError("simulator not started")
        return "%s://%s:%d" % ("https" if self._tls is not None else "http", self._host, self._port)
