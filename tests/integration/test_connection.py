# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection: HTTPS with a CA bundle of one's own (ca_path, BIGIN_CA_PATH, validate_certs) and
through a proxy (HTTPS_PROXY, NO_PROXY), against the simulator's TLS mode.

The simulator's certificate is made at test time, self-signed for 127.0.0.1 and localhost: the default
trust store rejects it, as it would a corporate TLS-inspection root that is not installed.
"""

from __future__ import annotations

import select
import socket
import socketserver
import threading
import typing as t

import pytest

from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, assert_no_secrets, wait_for
from tests.integration.conftest import C1, C2, PlayResult, add_photos, photo_task, playbook_runner
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator
from tests.tls import make_certificate

# Proxies, CA bundles and TLS are requests' and the collection's, whatever the ansible-core version: the default
# leg only (Makefile).
pytestmark = pytest.mark.default_core_only

# A failure stops the play: these tests look at its return code.
DELETE_C1 = photo_task("delete", C1, ignore_errors=False)
DELETE_C2 = photo_task("delete", C2, ignore_errors=False)


@pytest.fixture
def certs(tmp_path: t.Any) -> dict[str, str]:
    directory = tmp_path / "certs"
    directory.mkdir()
    cert, key = make_certificate(str(directory), "simulator")
    other = make_certificate(str(directory), "other")[0]
    return {"cert": cert, "key": key, "other": other}


@pytest.fixture
def tls_sim(certs: dict[str, str]) -> t.Iterator[BiginSimulator]:
    """The simulator over HTTPS, with two contacts that have a photo."""
    with BiginSimulator(tls_certfile=certs["cert"], tls_keyfile=certs["key"]) as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        add_photos(simulator, [C1, C2])
        yield simulator


@pytest.fixture
def tls_play(tmp_path: t.Any, tls_sim: BiginSimulator) -> t.Callable[..., PlayResult]:
    """``play`` against ``tls_sim``."""
    return playbook_runner(tmp_path, tls_sim)


def test_untrusted_certificate_fails_clearly(tls_sim: BiginSimulator, tls_play: t.Any) -> None:
    assert tls_sim.url.startswith("https://127.0.0.1:")
    result = tls_play([DELETE_C1])
    assert result.rc != 0
    task = result.task()
    assert task["_status"] == "failed"
    assert "TLS certificate verification failed" in task["msg"] and "ca_path" in task["msg"]
    assert wait_for(lambda: tls_sim.tls_handshake_failures == 1)  # one attempt, not retried
    assert tls_sim.requests == [] and tls_sim.photo("Contacts", C1) == PNG_RED
    assert task["api_calls"]["total"] == 1


def test_ca_path_trusts_the_certificate(tls_sim: BiginSimulator, tls_play: t.Any, certs: dict[str, str]) -> None:
    # Refresh credentials: the accounts server is reached over HTTPS with the same bundle.
    result = tls_play([DELETE_C1], auth="refresh", defaults={"ca_path": certs["cert"]})
    assert result.succeeded, result.output
    assert result.task()["changed"] is True
    assert tls_sim.photo("Contacts", C1) is None
    assert len(tls_sim.token_requests()) == 1 and tls_sim.tls_handshake_failures == 0
    assert result.task()["api_calls"] == {"total": 2, "by_method": {"GET": 1, "POST": 0, "DELETE": 1},
                                          "token_refreshes": 1}
    assert_no_secrets(result.output)


@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_ca_path_from_the_environment_wins_over_other_bundles(tls_sim: BiginSimulator, tls_play: t.Any,
                                                              certs: dict[str, str], variable: str) -> None:
    env = {"REQUESTS_CA_BUNDLE": "", "CURL_CA_BUNDLE": "", variable: certs["other"], "BIGIN_CA_PATH": certs["cert"]}
    result = tls_play([DELETE_C1], env=env)
    assert result.succeeded, result.output
    assert tls_sim.photo("Contacts", C1) is None
    # And the variable was really in force: without ca_path it decides, and rejects the simulator.
    del env["BIGIN_CA_PATH"]
    result = tls_play([DELETE_C2], env=env)
    assert result.rc != 0 and "TLS certificate verification failed" in result.task()["msg"]
    assert tls_sim.photo("Contacts", C2) == PNG_RED


def test_validate_certs_false_ignores_a_bad_ca_path(tls_sim: BiginSimulator, tls_play: t.Any, tmp_path: t.Any) -> None:
    result = tls_play([DELETE_C1], defaults={"validate_certs": False, "ca_path": str(tmp_path / "missing.pem")})
    assert result.succeeded, result.output
    assert tls_sim.photo("Contacts", C1) is None


def test_bad_ca_path_fails_before_any_request(tls_sim: BiginSimulator, tls_play: t.Any, tmp_path: t.Any) -> None:
    missing = str(tmp_path / "missing.pem")
    result = tls_play([DELETE_C1], defaults={"ca_path": missing})
    assert result.rc != 0
    assert result.task()["msg"] == "ca_path: %r does not exist" % missing
    assert tls_sim.requests == [] and tls_sim.tls_handshake_failures == 0


class _ConnectProxy(socketserver.ThreadingTCPServer):
    """A minimal HTTPS proxy (CONNECT only) that records the targets it tunnelled to."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        self.targets: list[str] = []
        super().__init__(("127.0.0.1", 0), _ConnectHandler)


class _ConnectHandler(socketserver.StreamRequestHandler):
    def handle(self) -> None:
        request_line = self.rfile.readline(65537).decode("latin-1")
        while self.rfile.readline(65537) not in (b"\r\n", b"\n", b""):
            pass
        method, target = request_line.split()[:2]
        if method != "CONNECT":
            self.wfile.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            return
        self.server.targets.append(target)  # type: ignore[attr-defined]
        host, port = target.rsplit(":", 1)
        with socket.create_connection((host, int(port)), timeout=10) as upstream:
            self.wfile.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
            self.wfile.flush()
            sockets = [self.connection, upstream]
            while True:
                readable = select.select(sockets, [], [], 10)[0]
                if not readable:
                    return
                for source in readable:
                    data = source.recv(65536)
                    if not data:
                        return
                    (upstream if source is self.connection else self.connection).sendall(data)


@pytest.fixture
def proxy() -> t.Iterator[_ConnectProxy]:
    server = _ConnectProxy()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_https_proxy_and_no_proxy_are_honoured(tls_sim: BiginSimulator, tls_play: t.Any, certs: dict[str, str],
                                               proxy: _ConnectProxy) -> None:
    proxy_url = "http://127.0.0.1:%d" % proxy.server_address[1]
    env = {"HTTPS_PROXY": proxy_url, "https_proxy": proxy_url, "NO_PROXY": "", "no_proxy": ""}
    result = tls_play([DELETE_C1], auth="refresh", defaults={"ca_path": certs["cert"]}, env=env)
    assert result.succeeded, result.output
    assert tls_sim.photo("Contacts", C1) is None
    # The token request and the API requests all went through the tunnel (one per connection).
    assert proxy.targets and set(proxy.targets) == {"127.0.0.1:%d" % tls_sim.port}
    assert len(tls_sim.token_requests()) == 1 and len(tls_sim.api_requests()) == 2

    tunnelled = len(proxy.targets)
    env.update(NO_PROXY="127.0.0.1", no_proxy="127.0.0.1")
    result = tls_play([DELETE_C2], defaults={"ca_path": certs["cert"]}, env=env)
    assert result.succeeded, result.output
    assert tls_sim.photo("Contacts", C2) is None
    assert len(proxy.targets) == tunnelled  # reached directly
