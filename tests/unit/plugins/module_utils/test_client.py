# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of the HTTP client (module_utils/_client.py): URLs, the pooled transport, token refresh.

Retry timing and Retry-After parsing are tested in test_retry.py.
"""

from __future__ import annotations

import socket
import typing as t

import pytest
import urllib3.util.connection

from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenProvider
from ansible_collections.zoho.bigin.plugins.module_utils._client import (
    DATA_CENTERS,
    PEEK_BYTES,
    USER_AGENT,
    BiginClient,
    HTTPResult,
    Transport,
    advised_wait,
    new_session,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    BiginAPIError,
    BiginAuthError,
    BiginTransportError,
)
from tests.simulator.bigin_simulator import PNG_1x1, PNG_RED, BiginSimulator

ACCESS_TOKEN = "1000.unit-access.0f3e9a"
CLIENT_ID = "1000.UNITCLIENT"
CLIENT_SECRET = "unit-client-secret-77c1"
REFRESH_TOKEN = "1000.unit-refresh.a4b2c9"
SECRETS = (ACCESS_TOKEN, CLIENT_SECRET, REFRESH_TOKEN)
RECORD = "3000000038009"
SMALL = 64 * 1024


@pytest.fixture
def sim() -> t.Iterator[BiginSimulator]:
    with BiginSimulator() as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        simulator.add_record("Contacts", RECORD, PNG_1x1)
        yield simulator


class Harness:
    """A real BiginClient (session, transport, token provider) aimed at the simulator."""

    def __init__(self, sim: BiginSimulator, access_token: str | None = ACCESS_TOKEN, refresh: bool = True,
                 pool_size: int = 4, max_retries: int = 0):
        self.sim = sim
        self.connects: list[tuple[str, int]] = []
        self.warnings: list[str] = []
        self.session = new_session(pool_size, True)
        self.transport = Transport(self.session, 10.0, max_retries, self.warnings.append, sleep=lambda s: None)
        creds = (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN) if refresh else (None, None, None)
        self.tokens = TokenProvider(access_token, *creds, accounts_url=sim.url, post=self.post,
                                    warn=self.warnings.append)
        self.client = BiginClient(self.transport, sim.url, "v2", self.tokens)

    def post(self, url: str, data: dict[str, str]) -> tuple[int, bytes]:
        result = self.transport.send("POST", url, "OAuth token refresh", idempotent=False, data=data)
        return result.status, result.body or b""

    def connections(self) -> int:
        """How many TCP connections the client opened so far (see the ``harness`` fixture)."""
        return len(self.connects)

    def get(self, record_id: str = RECORD, read_limit: int | None = None) -> HTTPResult:
        url = self.client.url("Contacts/%s/photo" % record_id)
        return self.transport.send("GET", url, "Contacts/" + record_id, True, read_limit=read_limit,
                                   headers={"Authorization": "Zoho-oauthtoken " + ACCESS_TOKEN})


@pytest.fixture
def harness(sim: BiginSimulator, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[Harness]:
    """A Harness that counts every TCP connect urllib3 makes (new connections and reconnects alike)."""
    made = Harness(sim)
    real_connect = urllib3.util.connection.create_connection

    def counting_connect(address: tuple[str, int], *args: t.Any, **kwargs: t.Any) -> socket.socket:
        made.connects.append(address)
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", counting_connect)
    yield made
    made.session.close()


def statuses(sim: BiginSimulator) -> list[tuple[str, int | None]]:
    return [(entry["method"], entry["status"]) for entry in sim.api_requests()]


# -- URLs and static tables -----------------------------------------------------------

@pytest.mark.parametrize("domain, version, expected", [
    ("https://www.zohoapis.com", "v2", "https://www.zohoapis.com/bigin/v2/Contacts/3000000038009/photo"),
    ("https://www.zohoapis.eu/", "v1", "https://www.zohoapis.eu/bigin/v1/Contacts/3000000038009/photo"),
    ("http://127.0.0.1:8080//", "v2", "http://127.0.0.1:8080/bigin/v2/Contacts/3000000038009/photo"),
])
def test_photo_url(domain: str, version: str, expected: str) -> None:
    client = BiginClient(t.cast(Transport, None), domain, version, None)
    assert client.url("Contacts/%s/photo" % "3000000038009") == expected


def test_data_centres_match_the_documented_domains() -> None:
    assert DATA_CENTERS == {
        "us": ("https://accounts.zoho.com", "https://www.zohoapis.com"),
        "eu": ("https://accounts.zoho.eu", "https://www.zohoapis.eu"),
        "in": ("https://accounts.zoho.in", "https://www.zohoapis.in"),
        "au": ("https://accounts.zoho.com.au", "https://www.zohoapis.com.au"),
        "jp": ("https://accounts.zoho.jp", "https://www.zohoapis.jp"),
        "cn": ("https://accounts.zoho.com.cn", "https://www.zohoapis.com.cn"),
        "ca": ("https://accounts.zohocloud.ca", "https://www.zohoapis.ca"),
        "sa": ("https://accounts.zoho.sa", "https://www.zohoapis.sa"),
    }


# -- advised_wait (X-RATELIMIT-RESET forms; Retry-After parsing is in test_retry.py) ---

def test_advised_wait_without_headers_is_none() -> None:
    assert advised_wait({}) is None
    assert advised_wait({"X-RATELIMIT-RESET": "soon"}) is None


@pytest.mark.parametrize("reset, expected", [
    ("1700000030000", 30.0),   # epoch milliseconds (what Zoho sends)
    ("1700000012", 12.0),      # epoch seconds
    ("7", 7.0),                # a delta in seconds
    ("1699999990000", 0.0),    # already past
])
def test_advised_wait_from_ratelimit_reset(reset: str, expected: float) -> None:
    assert advised_wait({"X-RATELIMIT-RESET": reset}, now=1700000000.0) == pytest.approx(expected)


def test_retry_after_takes_precedence_over_ratelimit_reset() -> None:
    assert advised_wait({"Retry-After": "2", "X-RATELIMIT-RESET": "1700000060000"}, now=1700000000.0) == 2.0


# -- the session and its connection pool -------------------------------------------------

def test_session_settings() -> None:
    session = new_session(6, False)
    try:
        assert session.verify is False
        assert session.headers["User-Agent"] == USER_AGENT
        adapter = session.get_adapter("https://www.zohoapis.com")
        assert adapter.max_retries.total == 0  # retries are decided by Transport, not hidden in urllib3
        assert adapter._pool_maxsize == 6
    finally:
        session.close()


def test_sequential_requests_reuse_one_connection(harness: Harness, sim: BiginSimulator) -> None:
    sim.add_record("Contacts", "2", None)
    for index in range(12):
        # photo (200), no photo (204) and an error answer (400): all read, so the connection stays usable
        result = harness.get((RECORD, "2", "999")[index % 3], read_limit=SMALL)
        assert result.status == (200, 204, 400)[index % 3]
    assert len(sim.api_requests()) == 12
    assert harness.connections() == 1


def test_small_body_is_read_within_read_limit(harness: Harness) -> None:
    result = harness.get(read_limit=SMALL)
    assert result.status == 200
    assert result.body == PNG_1x1
    assert result.complete is True
    assert result.headers["Content-Type"] == "image/png"


def test_body_of_exactly_read_limit_is_read(harness: Harness) -> None:
    result = harness.get(read_limit=len(PNG_1x1))
    assert result.body == PNG_1x1 and result.complete


def test_big_body_is_left_unread_beyond_read_limit(harness: Harness, sim: BiginSimulator) -> None:
    big = PNG_RED + b"\0" * (200 * 1024)
    sim.set_photo("Contacts", RECORD, big)
    result = harness.get(read_limit=SMALL)
    assert result.status == 200
    # Only a prefix is read (enough for the magic bytes), never the whole body.
    assert result.body is not None and big.startswith(result.body) and PEEK_BYTES <= len(result.body) < SMALL
    assert result.complete is False
    assert result.headers["Content-Length"] == str(len(big))
    # The rest is not drained: its connection is closed, the next request opens a new one.
    assert harness.connections() == 1
    assert harness.get(read_limit=SMALL).body.startswith(PNG_RED[:PEEK_BYTES])
    assert harness.connections() == 2


def test_without_read_limit_a_big_body_is_read_whole(harness: Harness, sim: BiginSimulator) -> None:
    big = PNG_RED + b"\1" * (200 * 1024)
    sim.set_photo("Contacts", RECORD, big)
    for dummy in range(3):
        result = harness.get()
        assert result.body == big and result.complete
    assert harness.connections() == 1


def test_read_limit_does_not_apply_to_error_answers(harness: Harness) -> None:
    result = harness.get("12345", read_limit=1)
    assert result.status == 400
    assert result.complete is True
    assert b"the id given seems to be invalid" in (result.body or b"")


def test_no_photo_answer_is_empty_and_complete(harness: Harness, sim: BiginSimulator) -> None:
    sim.set_photo("Contacts", RECORD, None)
    result = harness.get(read_limit=SMALL)
    assert (result.status, result.body, result.complete) == (204, b"", True)


def test_unreachable_api_is_a_transport_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    session = new_session(1, True)
    try:
        transport = Transport(session, 5.0, 0, lambda msg: None, sleep=lambda s: None)
        with pytest.raises(BiginTransportError) as info:
            transport.send("GET", "http://127.0.0.1:%d/bigin/v2/Contacts/1/photo" % port, "Contacts/1", True)
    finally:
        session.close()
    assert str(info.value) == "GET Contacts/1 failed after 1 attempt(s): could not connect"
    assert info.value.code == "CONNECTION_ERROR"


# -- BiginClient: the auth header and refresh-once ---------------------------------------

def test_request_sends_the_zoho_auth_header(harness: Harness, sim: BiginSimulator) -> None:
    result = harness.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert result.status == 200 and result.body == PNG_1x1
    (entry,) = sim.api_requests()
    assert entry["headers"]["Authorization"] == "Zoho-oauthtoken ***"
    assert entry["path"] == "/bigin/v2/Contacts/%s/photo" % RECORD
    assert sim.token_requests() == []


def test_error_answer_raises_the_api_error(harness: Harness, sim: BiginSimulator) -> None:
    sim.set_permission(delete_images=False)
    with pytest.raises(BiginAPIError) as info:
        harness.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert (info.value.code, info.value.http_status) == ("NO_PERMISSION", 403)
    assert info.value.maybe_applied_before is False
    assert sim.photo("Contacts", RECORD) == PNG_1x1
    assert sim.token_requests() == []


def test_rejected_token_is_refreshed_once_and_the_request_retried_once(sim: BiginSimulator) -> None:
    harness = Harness(sim, access_token="1000.expired.token")
    result = harness.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert result.status == 200
    assert statuses(sim) == [("DELETE", 401), ("DELETE", 200)]
    assert sim.api_requests()[0]["code"] == "INVALID_TOKEN"
    (token_request,) = sim.token_requests()
    assert token_request["method"] == "POST"
    assert token_request["form"] == {"grant_type": "refresh_token", "client_id": CLIENT_ID}
    assert sim.tokens_issued == 1
    assert sim.photo("Contacts", RECORD) is None
    # The new token serves the next requests: no other refresh.
    harness.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    harness.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert len(sim.token_requests()) == 1
    assert harness.tokens.refreshes == 1


def test_token_expiring_mid_run_is_refreshed(sim: BiginSimulator) -> None:
    harness = Harness(sim)
    sim.expire_token_after(2, ACCESS_TOKEN)
    for dummy in range(4):
        assert harness.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD).status == 200
    assert [status for dummy, status in statuses(sim)] == [200, 200, 401, 200, 200]
    assert len(sim.token_requests()) == 1


def test_authentication_failure_is_refreshed_too(sim: BiginSimulator) -> None:
    harness = Harness(sim)
    sim.inject_error("AUTHENTICATION_FAILURE", count=1)
    assert harness.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD).status == 200
    assert statuses(sim) == [("GET", 401), ("GET", 200)]
    assert len(sim.token_requests()) == 1


def test_second_rejection_raises_and_never_loops(sim: BiginSimulator) -> None:
    harness = Harness(sim)
    sim.inject_error("INVALID_TOKEN", count=100)
    with pytest.raises(BiginAPIError) as info:
        harness.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert info.value.code == "INVALID_TOKEN" and info.value.http_status == 401
    assert statuses(sim) == [("DELETE", 401), ("DELETE", 401)]
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", RECORD) == PNG_1x1


def test_rejection_without_refresh_credentials_raises_at_once(sim: BiginSimulator) -> None:
    harness = Harness(sim, access_token="1000.expired.token", refresh=False)
    with pytest.raises(BiginAPIError) as info:
        harness.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert info.value.code == "INVALID_TOKEN"
    assert "refresh_token" in (info.value.resolution or "")
    assert len(sim.api_requests()) == 1
    assert sim.token_requests() == []


def test_scope_mismatch_is_not_a_reason_to_refresh(sim: BiginSimulator) -> None:
    sim.add_token("1000.read-only.token", scopes=("ZohoBigin.modules.contacts.READ",))
    harness = Harness(sim, access_token="1000.read-only.token")
    with pytest.raises(BiginAPIError) as info:
        harness.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    assert (info.value.code, info.value.http_status) == ("OAUTH_SCOPE_MISMATCH", 401)
    assert len(sim.api_requests()) == 1
    assert sim.token_requests() == []


def test_only_refresh_credentials_get_a_token_first(sim: BiginSimulator) -> None:
    harness = Harness(sim, access_token=None)
    assert harness.client.request("GET", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD).status == 200
    assert statuses(sim) == [("GET", 200)]
    assert len(sim.token_requests()) == 1


def test_upload_rejected_for_its_token_is_sent_again_after_refresh(sim: BiginSimulator) -> None:
    harness = Harness(sim, access_token="1000.expired.token")
    files = {"file": ("red.png", PNG_RED, "image/png")}
    assert harness.client.request("POST", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD, idempotent=False, files=files).status == 200
    assert statuses(sim) == [("POST", 401), ("POST", 200)]
    assert sim.photo("Contacts", RECORD) == PNG_RED


def test_failed_refresh_reports_which_failure_without_secrets(sim: BiginSimulator) -> None:
    sim.revoke_refresh_token(REFRESH_TOKEN)
    harness = Harness(sim, access_token="1000.expired.token")
    with pytest.raises(BiginAuthError) as info:
        harness.client.request("DELETE", "Contacts/%s/photo" % RECORD, "Contacts/%s" % RECORD)
    text = str(info.value)
    assert text.startswith("Token refresh failed: invalid_code: ")
    assert "revoked" in text
    for secret in SECRETS + ("1000.expired.token",):
        assert secret not in text
    assert statuses(sim) == [("DELETE", 401)]
    assert len(sim.token_requests()) == 1
    assert sim.photo("Contacts", RECORD) == PNG_1x1
