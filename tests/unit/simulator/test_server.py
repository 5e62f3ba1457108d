# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's HTTP layer (tests/simulator/server.py).

``parse_multipart`` and the request bodies the handler reads (binary, chunked), HTTP/1.1
keep-alive, and the life cycle of the server (``start``/``stop``, the context manager).
"""

from __future__ import annotations

import json
import re
import typing as t

import pytest
import requests

from tests.simulator import bigin_simulator as bs
from tests.simulator.bigin_simulator import GIF_MIN, PNG_RED, BiginSimulator

from .conftest import CONTACT, auth, connection, photo_url


# ---------------------------------------------------------------------------
# parse_multipart and the request body (_Handler._read_body)
# ---------------------------------------------------------------------------
def test_parse_multipart_reads_fields_and_skips_an_unterminated_part() -> None:
    body = (b"preamble\r\n--BND\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nA\r\n"
            b"--BND\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.png\"\r\n"
            b"Content-Type: image/png\r\n\r\n" + PNG_RED + b"\r\n--BND--\r\nepilogue")
    fields = bs.parse_multipart(body, 'multipart/form-data; boundary="BND"')
    assert fields["a"] == (b"A", None, None)
    assert fields["file"] == (PNG_RED, "f.png", "image/png")
    assert bs.parse_multipart(body, "application/json") is None
    assert bs.parse_multipart(body, "multipart/form-data") == {}
    # unterminated final part is ignored
    assert "file" not in bs.parse_multipart(body[: body.index(b"\r\n--BND--")], "multipart/form-data; boundary=BND")


@pytest.mark.usefixtures("sample_records")
def test_post_binary_safe(sim: BiginSimulator) -> None:
    boundary_like = b"\r\n--" + b"x" * 10 + b"\r\n\r\n\n\r\x00\xff"
    data = PNG_RED + boundary_like * 50 + bytes(range(256)) + b"\r\n"
    resp = requests.post(photo_url(sim), headers=auth(), files={"file": ("x.png", data, "image/png")},
                         data={"other": "value"})
    assert resp.status_code == 200, resp.text
    assert sim.photo("Contacts", CONTACT) == data


@pytest.mark.usefixtures("sample_records")
def test_chunked_upload(sim: BiginSimulator) -> None:
    boundary = "chunkyBoundary"
    body = ("--%s\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.gif\"\r\n"
            "Content-Type: image/gif\r\n\r\n" % boundary).encode() + GIF_MIN + ("\r\n--%s--\r\n" % boundary).encode()

    def gen() -> t.Iterator[bytes]:
        for i in range(0, len(body), 7):
            yield body[i:i + 7]

    headers = dict(auth(), **{"Content-Type": "multipart/form-data; boundary=%s" % boundary})
    resp = requests.post(photo_url(sim), headers=headers, data=gen())
    assert resp.status_code == 200, resp.text
    assert sim.api_requests("POST")[-1]["headers"].get("Transfer-Encoding") == "chunked"
    assert sim.photo("Contacts", CONTACT) == GIF_MIN


# ---------------------------------------------------------------------------
# Keep-alive connections
# ---------------------------------------------------------------------------
@pytest.mark.usefixtures("sample_records")
def test_http11_keepalive(sim: BiginSimulator) -> None:
    conn = connection(sim)
    conn.request("GET", "/bigin/v2/Contacts/%s/photo" % CONTACT, headers=auth())
    resp = conn.getresponse()
    assert resp.version == 11 and resp.read() == PNG_RED
    sock = conn.sock
    conn.request("DELETE", "/bigin/v2/Contacts/%s/photo" % CONTACT, headers=auth())
    resp = conn.getresponse()
    assert resp.status == 200 and resp.getheader("Content-Length") == str(len(resp.read()))
    conn.request("DELETE", "/bigin/v2/Contacts/%s/photo" % CONTACT, headers=auth())
    resp = conn.getresponse()
    assert resp.status == 400 and json.loads(resp.read())["message"] == "No such photo exists"
    assert conn.sock is sock  # same connection reused
    conn.close()


# ---------------------------------------------------------------------------
# ServerMixin: start, stop, the context manager
# ---------------------------------------------------------------------------
@pytest.mark.usefixtures("sample_records")
def test_stop_closes_keepalive_connections(sim: BiginSimulator) -> None:
    session = requests.Session()
    assert session.get(photo_url(sim), headers=auth()).status_code == 200
    sim.stop()  # the fixture's own stop afterwards finds nothing left to do
    with pytest.raises(requests.ConnectionError):
        session.get(photo_url(sim), headers=auth(), timeout=2)
    session.close()


def test_context_manager_starts_and_stops_the_server() -> None:
    with BiginSimulator(latency_ms=0) as s:
        assert re.match(r"^http://127\.0\.0\.1:\d+$", s.url)
        assert requests.get(s.url + "/_simulator/health").json() == {"status": "ok"}
        url = s.url
    with pytest.raises(requests.ConnectionError):
        requests.get(url + "/_simulator/health", timeout=2)
