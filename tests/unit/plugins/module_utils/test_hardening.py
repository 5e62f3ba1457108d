# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the review hardening (commit "Harden the modules after review").

One group per point of that commit that these tests pin down; each test would fail if
the behaviour were reverted.  Requests go to a started simulator on 127.0.0.1 through a
real session, Transport, TokenProvider, BiginClient and PhotoService; only where the
simulator cannot produce a condition (an exception inside requests, a body shorter than
its Content-Length under urllib3 2) is a fake used, and said so.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import typing as t

import pytest
import requests
import urllib3.exceptions
from ansible.module_utils import basic
from requests.structures import CaseInsensitiveDict

from ansible_collections.zoho.bigin.plugins.module_utils import _auth, _client
from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenCache, TokenProvider
from ansible_collections.zoho.bigin.plugins.module_utils._client import (
    BiginClient,
    HTTPResult,
    Transport,
    new_session,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginAPIError, BiginTransportError
from ansible_collections.zoho.bigin.plugins.module_utils._photo import Image, Outcome, PhotoService
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator
from tests.unit.plugins.module_runner import Result, run_main


ACCESS_TOKEN = "1000.hardening-access.5e1d"
CLIENT_ID = "1000.HARDENING"
CLIENT_SECRET = "hardening-client-secret-c07a"
REFRESH_TOKEN = "1000.hardening-refresh.92fb"
RECORD = "3000000038009"
NO_PHOTO = "3000000038010"
OTHER = "3000000038011"
LOCKED_BODY = '{"data":[{"code":"RECORD_LOCKED","status":"error","message":"Record is locked","details":{}}]}'
SUCCESS_BODY = '{"code":"SUCCESS","details":{},"message":"Photo deleted","status":"success"}'
JSON_HEADERS = {"Content-Type": "application/json;charset=UTF-8"}


@pytest.fixture
def sim() -> t.Iterator[BiginSimulator]:
    with BiginSimulator() as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        simulator.add_record("Contacts", RECORD, PNG_RED)
        simulator.add_record("Contacts", NO_PHOTO, None)
        simulator.add_record("Contacts", OTHER, PNG_BLUE)
        yield simulator


class Wire:
    """A real session, Transport, TokenProvider, BiginClient and PhotoService aimed at the simulator."""

    def __init__(self, sim: BiginSimulator, access_token: str | None = ACCESS_TOKEN, refresh: bool = True,
                 max_retries: int = 0, cache: TokenCache | None = None):
        self.sim = sim
        self.warnings: list[str] = []
        self.waits: list[float] = []
        self.minted: list[str] = []
        self.session = new_session(2, True)
        self.transport = Transport(self.session, 10.0, max_retries, self.warnings.append, sleep=self.waits.append)
        creds = (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN) if refresh else (None, None, None)
        self.tokens = TokenProvider(access_token, *creds, accounts_url=sim.url, post=self.post, cache=cache,
                                    warn=self.warnings.append, on_new_token=self.minted.append)
        self.client = BiginClient(self.transport, sim.url, "v2", self.tokens)
        self.service = PhotoService(self.client, "Contacts")

    def post(self, url: str, data: dict[str, str]) -> tuple[int, bytes]:
        # As BiginModule.connect() sends the token request.
        result = self.transport.send("POST", url, "OAuth token refresh", idempotent=True, data=data)
        return result.status, result.body or b""

    def photo_url(self, record_id: str = RECORD) -> str:
        return self.client.url("Contacts/%s/photo" % record_id)


@pytest.fixture
def wire(sim: BiginSimulator) -> t.Iterator[t.Callable[..., Wire]]:
    made: list[Wire] = []

    def factory(**kwargs: t.Any) -> Wire:
        made.append(Wire(sim, **kwargs))
        return made[-1]

    yield factory
    for each in made:
        each.session.close()


def api_log(sim: BiginSimulator) -> list[tuple[str, str, int | None]]:
    """(method, record id, status) of every API request the simulator saw, in order."""
    return [(e["method"], e["path"].split("/")[4], e["status"]) for e in sim.api_requests()]


# -- 1. no redirect is followed; a 3xx answer is an error ---------------------------------------

@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
def test_redirect_answer_to_delete_is_an_error_and_is_not_followed(sim: BiginSimulator,
                                                                   wire: t.Callable[..., Wire],
                                                                   status: int) -> None:
    w = wire(max_retries=2)
    # The Location points at the photo itself: followed as a GET (301/302/303) it would answer 200,
    # followed as a DELETE (307/308) it would delete the photo.
    sim.inject_response(status, headers={"Location": w.photo_url()}, method="DELETE")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        w.service.ensure_absent(out, False, None, False)
    assert info.value.http_status == status and info.value.code is None
    assert "unexpected redirect" in str(info.value) and w.photo_url() in str(info.value)
    assert api_log(sim) == [("GET", RECORD, 200), ("DELETE", RECORD, status)]
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert out.changed is False and out.after is None
    assert w.warnings == []  # not retried either


def test_redirect_answer_to_get_is_an_error(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire()
    sim.inject_response(302, headers={"Location": w.photo_url(OTHER)}, method="GET")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        w.service.describe(out)
    assert info.value.http_status == 302 and w.photo_url(OTHER) in str(info.value)
    assert api_log(sim) == [("GET", RECORD, 302)]
    assert out.before is None


# -- 2. a 2xx answer to DELETE/POST must say success --------------------------------------------

@pytest.fixture
def image(tmp_path: t.Any) -> Image:
    path = tmp_path / "new.png"
    path.write_bytes(PNG_BLUE)
    return Image(str(path))


@pytest.mark.parametrize("body", [LOCKED_BODY, json.dumps(json.loads(LOCKED_BODY)["data"][0])],
                         ids=["wrapped", "bare"])
def test_200_with_an_error_body_to_delete_raises_that_error(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                            body: str) -> None:
    w = wire()
    sim.inject_response(200, body=body, headers=JSON_HEADERS, method="DELETE")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        w.service.ensure_absent(out, False, None, False)
    assert info.value.is_("RECORD_LOCKED", "Record is locked")
    assert info.value.http_status == 200
    assert info.value.resolution and "locked" in info.value.resolution
    assert out.changed is False
    assert [m for m, _r, _s in api_log(sim)] == ["GET", "DELETE"]


def test_200_with_an_error_body_to_post_raises_that_error(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                          image: Image) -> None:
    w = wire()
    sim.inject_response(200, body=LOCKED_BODY, headers=JSON_HEADERS, method="POST")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        w.service.ensure_present(out, image, True, False, None)
    assert info.value.is_("RECORD_LOCKED", "Record is locked") and info.value.http_status == 200
    assert out.changed is False and out.after is None
    assert len(sim.api_requests("POST")) == 1


@pytest.mark.parametrize("method", ["DELETE", "POST"])
@pytest.mark.parametrize("body, shown", [("", "empty body"), ("OK", "OK"), ('{"data": []}', '{"data": []}'),
                                         ('{"status": "error"}', '{"status": "error"}')],
                         ids=["empty", "text", "empty-data", "error-without-code"])
def test_2xx_without_a_success_status_is_a_clear_error(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                       image: Image, method: str, body: str, shown: str) -> None:
    w = wire()
    sim.inject_response(200, body=body, method=method)
    with pytest.raises(BiginAPIError) as info:
        if method == "DELETE":
            w.service.delete(RECORD)
        else:
            w.service.upload(RECORD, image)
    assert info.value.http_status == 200 and info.value.code is None
    assert "without the expected success status: " + shown in str(info.value)


def test_a_proper_success_body_passes(sim: BiginSimulator, wire: t.Callable[..., Wire], image: Image) -> None:
    w = wire()
    out = Outcome("Contacts", RECORD)
    w.service.ensure_absent(out, False, None, False)  # the simulator's own success answer
    assert out.changed is True and sim.photo("Contacts", RECORD) is None
    w.service.upload(RECORD, image)
    assert sim.photo("Contacts", RECORD) == PNG_BLUE
    # The wrapped shape, and a status in another case, are success too.
    sim.inject_response(200, body='{"data":[{"code":"SUCCESS","status":"success","message":"ok","details":{}}]}',
                        headers=JSON_HEADERS, method="DELETE")
    assert w.service.delete(OTHER) is True
    sim.inject_response(200, body='{"status": "SUCCESS"}', headers=JSON_HEADERS, method="POST")
    w.service.upload(OTHER, image)


# -- 3. a GET 200 that is not an image --------------------------------------------------------------

@pytest.mark.parametrize("body, content_type", [
    ("<html><body><form action='/signin'>Sign in</form></body></html>", "text/html"),
    ("", "text/html"),  # the simulator labels a body that is not JSON text/html
    ('{"status": "success"}', "application/json"),
], ids=["login-page", "empty", "json"])
def test_get_200_that_is_not_an_image_is_an_error_and_nothing_is_backed_up(
        sim: BiginSimulator, wire: t.Callable[..., Wire], tmp_path: t.Any, body: str, content_type: str) -> None:
    w = wire()
    backup_dir = tmp_path / "backups"
    backup_dir.mkdir()
    sim.inject_status(200, body=body, method="GET")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError) as info:
        w.service.ensure_absent(out, False, str(backup_dir), True)
    text = str(info.value)
    assert "not an image" in text and "Content-Type %s" % content_type in text
    assert info.value.http_status == 200
    if body:
        assert body[:30] in text
    else:
        assert "empty body" in text
    assert os.listdir(backup_dir) == []
    assert sim.api_requests("DELETE") == []
    assert sim.photo("Contacts", RECORD) == PNG_RED
    assert out.changed is False and out.before is None and out.backup_file is None


def test_get_200_that_is_not_an_image_is_not_replaced(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                      tmp_path: t.Any, image: Image) -> None:
    w = wire()
    sim.inject_status(200, body="<html>maintenance</html>", method="GET")
    out = Outcome("Contacts", RECORD)
    with pytest.raises(BiginAPIError, match="not an image"):
        w.service.ensure_present(out, image, True, False, str(tmp_path))
    assert sim.api_requests("POST") == [] and os.listdir(tmp_path) == ["new.png"]
    assert sim.photo("Contacts", RECORD) == PNG_RED


# -- 4. a body shorter than its Content-Length is retried -----------------------------------------

def test_truncated_image_is_read_again(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(max_retries=1)
    data = PNG_RED * 40
    sim.set_photo("Contacts", RECORD, data)
    sim.inject_truncated_image()
    state, body = w.service.fetch(RECORD, need_bytes=True)
    assert body == data and state.size == len(data)
    assert [m for m, _r, _s in api_log(sim)] == ["GET", "GET"]
    assert len(w.warnings) == 1 and "connection broken while reading the answer" in w.warnings[0]


class FakeRaw:
    """The urllib3 response under a fake: bytes read off the wire so far."""

    def __init__(self, wire_bytes: int):
        self.wire_bytes = wire_bytes

    def tell(self) -> int:
        return self.wire_bytes


class FakeResponse:
    """A requests.Response as urllib3 1.x leaves it after a short read: ``content`` shorter than declared.

    (urllib3 2 raises on a short read by itself, so the simulator cannot show what 1.x does.)
    """

    def __init__(self, content: bytes, declared: int, status: int = 200):
        self.status_code = status
        self.content = content
        self.headers = CaseInsensitiveDict({"Content-Type": "image/png", "Content-Length": str(declared)})
        self.raw = FakeRaw(len(content))
        self.closed = False

    @property
    def ok(self) -> bool:
        return self.status_code < 400

    def iter_content(self, chunk_size: int) -> t.Iterator[bytes]:
        for start in range(0, len(self.content), chunk_size):
            self.raw.wire_bytes = start + chunk_size
            yield self.content[start:start + chunk_size]

    def close(self) -> None:
        self.closed = True


class FakeSession:
    """Hands out the given responses in turn, counting the requests."""

    def __init__(self, *responses: FakeResponse):
        self.responses = list(responses)
        self.calls: list[tuple[str, dict[str, t.Any]]] = []

    def request(self, method: str, url: str, **kwargs: t.Any) -> FakeResponse:
        self.calls.append((method, kwargs))
        return self.responses.pop(0)


def fake_transport(session: FakeSession, max_retries: int) -> tuple[Transport, list[str]]:
    warnings: list[str] = []
    return Transport(t.cast(requests.Session, session), 5.0, max_retries, warnings.append,
                     sleep=lambda s: None), warnings


def test_read_rejects_a_body_shorter_than_its_content_length() -> None:
    transport, _warnings = fake_transport(FakeSession(), 0)
    short = FakeResponse(PNG_RED[:10], len(PNG_RED))
    with pytest.raises(_client._Truncated):  # pylint: disable=protected-access
        transport._read(t.cast(requests.Response, short), None, False)  # pylint: disable=protected-access
    assert short.closed
    whole = FakeResponse(PNG_RED, len(PNG_RED))
    result = transport._read(t.cast(requests.Response, whole), None, False)  # pylint: disable=protected-access
    assert isinstance(result, HTTPResult) and result.body == PNG_RED and result.complete and whole.closed
    # A body read only in part on purpose (read_limit) is not a short one.
    big = PNG_RED + b"\0" * 1024
    partial = FakeResponse(big, len(big))
    result = transport._read(t.cast(requests.Response, partial), 64, False)  # pylint: disable=protected-access
    assert result.body == big[:32] and result.complete is False and partial.closed
    # But one that ends before its first bytes were read is.
    short = FakeResponse(PNG_RED[:10], 10 * 1024 * 1024)
    with pytest.raises(_client._Truncated):  # pylint: disable=protected-access
        transport._read(t.cast(requests.Response, short), 64 * 1024, False)  # pylint: disable=protected-access


def test_short_body_is_retried_like_a_broken_connection() -> None:
    session = FakeSession(FakeResponse(PNG_RED[:10], len(PNG_RED)), FakeResponse(PNG_RED, len(PNG_RED)))
    transport, warnings = fake_transport(session, 1)
    result = transport.send("GET", "http://127.0.0.1:9/bigin/v2/Contacts/1/photo", "Contacts/1", True)
    assert result.body == PNG_RED and result.maybe_applied_before is True
    assert len(session.calls) == 2
    assert len(warnings) == 1
    assert warnings[0].startswith(
        "GET Contacts/1: retrying after connection broken while reading the answer, attempt 2 of 2")
    # Out of retries: a transport error, not a short photo.
    session = FakeSession(FakeResponse(PNG_RED[:10], len(PNG_RED)))
    transport, warnings = fake_transport(session, 0)
    with pytest.raises(BiginTransportError) as info:
        transport.send("GET", "http://127.0.0.1:9/bigin/v2/Contacts/1/photo", "Contacts/1", True)
    assert str(info.value) == "GET Contacts/1 failed after 1 attempt(s): connection broken while reading the answer"


def test_short_answer_to_an_upload_is_not_resent() -> None:
    session = FakeSession(FakeResponse(b'{"status":', 40))
    transport, _warnings = fake_transport(session, 3)
    with pytest.raises(BiginTransportError, match="after 1 attempt"):
        transport.send("POST", "http://127.0.0.1:9/bigin/v2/Contacts/1/photo", "Contacts/1", False)
    assert len(session.calls) == 1


@pytest.mark.parametrize("method", ["DELETE", "POST"])
def test_compressed_answer_is_not_taken_for_a_short_one(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                        image: Image, method: str) -> None:
    """Content-Length counts the bytes on the wire; requests hands out the decoded (longer) body."""
    w = wire(max_retries=2)
    packed = gzip.compress(SUCCESS_BODY.encode())
    sim.inject_response(200, body=packed, headers=dict(JSON_HEADERS, **{"Content-Encoding": "gzip"}),
                        method=method)
    if method == "DELETE":
        assert w.service.delete(RECORD) is True
    else:
        w.service.upload(RECORD, image)
    assert len(sim.api_requests(method)) == 1
    assert w.warnings == []


# -- 5. any other requests/urllib3 error names only its type ---------------------------------------

SECRET = "1000.leaked-in-an-exception.77aa"


@pytest.mark.parametrize("exc", [
    requests.exceptions.InvalidHeader(
        "Invalid leading whitespace, reserved character(s), or return character(s) in header value: "
        "'Zoho-oauthtoken %s\\n'" % SECRET),
    requests.exceptions.InvalidURL("Failed to parse: http://u:%s@127.0.0.1:x/" % SECRET),
    requests.exceptions.TooManyRedirects("Exceeded redirects, Authorization: Zoho-oauthtoken %s" % SECRET),
    urllib3.exceptions.LocationParseError("http://%s@[" % SECRET),
    ValueError("Zoho-oauthtoken %s" % SECRET),
], ids=lambda exc: type(exc).__name__)
def test_other_request_errors_name_their_type_and_not_their_text(
        sim: BiginSimulator, wire: t.Callable[..., Wire], monkeypatch: pytest.MonkeyPatch, exc: Exception) -> None:
    w = wire(max_retries=3)
    calls: list[str] = []

    def boom(method: str, url: str, **kwargs: t.Any) -> requests.Response:
        calls.append(method)
        raise exc

    monkeypatch.setattr(w.session, "request", boom)
    with pytest.raises(BiginTransportError) as info:
        w.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    error = info.value
    assert str(error) == "DELETE Contacts/%s failed: the request could not be sent (%s)" % (
        RECORD, type(exc).__name__)
    assert error.code == "CONNECTION_ERROR"
    assert SECRET not in str(error) and SECRET not in json.dumps(error.to_dict())
    assert error.__cause__ is None and error.__suppress_context__  # no chained traceback quoting it
    assert calls == ["DELETE"] and w.warnings == []  # not transient: not retried


def test_a_header_requests_refuses_is_reported_without_its_value(sim: BiginSimulator,
                                                                 wire: t.Callable[..., Wire]) -> None:
    """The real thing: requests itself refuses a header value with a newline, quoting the value."""
    bad_token = SECRET + "\n"
    with pytest.raises(requests.exceptions.InvalidHeader) as raw:
        requests.Request("GET", sim.url, headers={"Authorization": "Zoho-oauthtoken " + bad_token}).prepare()
    assert SECRET in str(raw.value)  # what would leak
    w = wire(access_token=bad_token, refresh=False)
    with pytest.raises(BiginTransportError) as info:
        w.service.fetch(RECORD, need_bytes=True)
    assert "InvalidHeader" in str(info.value) and SECRET not in str(info.value)
    assert sim.api_requests() == []


# -- 6. an unforeseen exception in one record ---------------------------------------------------------

@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> t.Callable[..., Result]:
    """Run bigin_photo's main() in-process with the given arguments; return its parsed result."""

    def runner(args: dict[str, t.Any], check: bool = False, diff: bool = False) -> Result:
        return run_main(bigin_photo, args, capsys, check, diff)

    return runner


@pytest.fixture
def module_warnings(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every warning the module issues (recorded at AnsibleModule.warn: where the warning then goes
    depends on whether a controller-side ansible import ran earlier in this process)."""
    issued: list[str] = []
    warn = basic.AnsibleModule.warn

    def recording(self: basic.AnsibleModule, warning: str, *args: t.Any, **kwargs: t.Any) -> None:
        issued.append(warning)
        warn(self, warning, *args, **kwargs)

    monkeypatch.setattr(basic.AnsibleModule, "warn", recording)
    return issued


def module_args(sim: BiginSimulator, **extra: t.Any) -> dict[str, t.Any]:
    args: dict[str, t.Any] = {"api_domain": sim.url, "accounts_url": sim.url, "access_token": ACCESS_TOKEN,
                              "module": "Contacts", "record_id": [RECORD], "state": "absent", "max_retries": 0}
    args.update(extra)
    return {key: value for key, value in args.items() if value is not None}


@pytest.mark.parametrize("concurrency", [1, 3])
def test_unexpected_exception_in_one_record_keeps_the_others(sim: BiginSimulator, run: t.Callable[..., Result],
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             concurrency: int) -> None:
    original = PhotoService.ensure_absent

    def flaky(self: PhotoService, out: Outcome, *args: t.Any) -> None:
        if out.record_id == OTHER:
            raise RuntimeError("bug while quoting password=hunter2")
        original(self, out, *args)

    monkeypatch.setattr(PhotoService, "ensure_absent", flaky)
    # The failing record comes first: with concurrency 1 the others are worked on after it.
    result = run(module_args(sim, record_id=[OTHER, RECORD, NO_PHOTO], concurrency=concurrency))
    assert result.rc == 1
    records = result["records"]
    assert [(r["record_id"], r["changed"]) for r in records] == [(OTHER, False), (RECORD, True), (NO_PHOTO, False)]
    assert records[0]["error"]["code"] == "UNEXPECTED_ERROR"
    assert "RuntimeError" in records[0]["error"]["message"] and "Contacts/" + OTHER in records[0]["error"]["message"]
    assert "error" not in records[1] and "error" not in records[2]
    assert records[1]["before"]["present"] is True and records[1]["after"] == {"present": False}
    assert result["changed"] is True
    assert result["msg"].startswith("1 of 3 records failed; first: Contacts/%s: unexpected RuntimeError" % OTHER)
    assert "hunter2" not in result.output
    # The simulator agrees: the other records were worked on.
    assert sim.photo("Contacts", RECORD) is None and sim.photo("Contacts", OTHER) == PNG_BLUE
    assert sorted(api_log(sim)) == sorted([("GET", RECORD, 200), ("DELETE", RECORD, 200), ("GET", NO_PHOTO, 204)])


# -- 7. a token minted before the cache write failed is kept ------------------------------------------

class FullDiskCache(TokenCache):
    def write(self, token: str, expires_at: float, api_domain: str | None = None) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_token_minted_before_a_failed_cache_write_is_kept(sim: BiginSimulator, wire: t.Callable[..., Wire],
                                                          tmp_path: t.Any) -> None:
    cache = FullDiskCache(str(tmp_path / "cache"), sim.url, CLIENT_ID, REFRESH_TOKEN)
    w = wire(access_token=None, cache=cache)
    token = w.tokens.get()
    assert len(sim.token_requests()) == 1 and sim.tokens_issued == 1
    assert sim.token_valid(token) and w.minted == [token]
    assert w.warnings == ["Token cache not used (%s)" % os.strerror(errno.ENOSPC)]
    # The token is used, and asked for no more.
    _state, body = w.service.fetch(RECORD, need_bytes=True)
    assert body == PNG_RED and w.tokens.get() == token
    assert len(sim.token_requests()) == 1 and w.tokens.refreshes == 1


# -- 8. the lost-answer flag survives a token refresh -----------------------------------------------

def test_delete_applied_then_lost_then_token_refreshed_counts_as_changed(sim: BiginSimulator,
                                                                         wire: t.Callable[..., Wire]) -> None:
    w = wire(max_retries=1)
    sim.inject_drop(method="DELETE", when="after")  # applied, then the connection closes
    sim.expire_token_after(1, ACCESS_TOKEN)  # the retry meets INVALID_TOKEN
    assert w.service.delete(RECORD) is True
    assert sim.photo("Contacts", RECORD) is None
    assert [(m, s) for m, _r, s in api_log(sim)] == [("DELETE", None), ("DELETE", 401), ("DELETE", 400)]
    assert sim.api_requests()[1]["code"] == "INVALID_TOKEN"
    assert sim.api_requests()[2]["code"] == "INVALID_DATA"  # "No such photo exists"
    assert len(sim.token_requests()) == 1 and len(w.minted) == 1


def test_no_such_photo_without_a_lost_answer_is_still_unchanged(sim: BiginSimulator,
                                                                wire: t.Callable[..., Wire]) -> None:
    """The counterpart: a refresh alone does not make "No such photo exists" a change."""
    w = wire(max_retries=1)
    sim.expire_token(ACCESS_TOKEN)
    assert w.service.delete(NO_PHOTO) is False
    assert [(m, s) for m, _r, s in api_log(sim)] == [("DELETE", 401), ("DELETE", 400)]


# -- 9. minted tokens are told to the module and join its no_log values ----------------------------

def test_on_new_token_is_told_of_every_minted_token(sim: BiginSimulator, wire: t.Callable[..., Wire]) -> None:
    w = wire(access_token=None)
    first = w.tokens.get()
    assert w.minted == [first]
    w.tokens.invalidate(first)
    second = w.tokens.get()
    assert second != first and w.minted == [first, second]
    assert all(sim.token_valid(token) for token in w.minted) and sim.tokens_issued == 2
    # A token given as an option is not minted here (the module masks it as a no_log option already).
    given = wire(access_token=ACCESS_TOKEN)
    assert given.tokens.get() == ACCESS_TOKEN and given.minted == []


def test_minted_and_cached_tokens_join_the_module_no_log_values(sim: BiginSimulator, run: t.Callable[..., Result],
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    minted: list[str] = []
    masked: list[set[str]] = []
    refresh = TokenProvider._refresh  # pylint: disable=protected-access
    finish = bigin_photo.BiginPhoto.finish

    def spy_refresh(self: TokenProvider) -> tuple[str, float]:
        token, expires_at = refresh(self)
        minted.append(token)
        return token, expires_at

    def spy_finish(self: t.Any, *args: t.Any) -> None:
        masked.append(set(self.module.no_log_values))
        finish(self, *args)

    monkeypatch.setattr(_auth.TokenProvider, "_refresh", spy_refresh)
    monkeypatch.setattr(bigin_photo.BiginPhoto, "finish", spy_finish)
    args = module_args(sim, access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                       refresh_token=REFRESH_TOKEN)
    first = run(args)
    assert first.rc == 0 and first["changed"] is True
    (token,) = minted
    assert sim.token_valid(token)
    assert token in masked[0]
    assert basic.remove_values("Authorization: Zoho-oauthtoken " + token, masked[0]) == \
        "Authorization: Zoho-oauthtoken ********"
    # A second run takes the token from the cache: it is a secret of that run too.
    second = run(dict(args, record_id=[OTHER]))
    assert second.rc == 0 and minted == [token] and len(sim.token_requests()) == 1
    assert token in masked[1]
    assert token not in first.output and token not in second.output


# -- 10. the token request is retried like a read ---------------------------------------------------

def test_token_refresh_is_retried_after_a_500(sim: BiginSimulator, run: t.Callable[..., Result],
                                              module_warnings: list[str]) -> None:
    sim.inject_status(500, retry_after=0, kind="token")
    result = run(module_args(sim, access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             refresh_token=REFRESH_TOKEN, token_cache=False, max_retries=1))
    assert result.rc == 0 and result["changed"] is True
    assert [e["status"] for e in sim.token_requests()] == [500, 200] and sim.tokens_issued == 1
    assert sim.photo("Contacts", RECORD) is None
    retries = [w for w in module_warnings if w.startswith("POST OAuth token refresh: retrying")]
    assert retries == ["POST OAuth token refresh: retrying after 500 INTERNAL_ERROR, attempt 2 of 2, in 0.0s"]


def test_lost_token_answer_costs_one_token(sim: BiginSimulator, run: t.Callable[..., Result],
                                           monkeypatch: pytest.MonkeyPatch, module_warnings: list[str]) -> None:
    monkeypatch.setattr(_client, "backoff", lambda attempt: 0.0)  # the backoff itself is not tested here
    sim.inject_drop(kind="token", when="after")  # minted, then the answer is lost
    result = run(module_args(sim, access_token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET,
                             refresh_token=REFRESH_TOKEN, token_cache=False, max_retries=1))
    assert result.rc == 0 and result["changed"] is True
    assert [e["status"] for e in sim.token_requests()] == [None, 200] and sim.tokens_issued == 2
    assert any(w.startswith("POST OAuth token refresh: retrying after connection closed without an answer")
               for w in module_warnings)
