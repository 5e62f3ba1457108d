# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests of the simulator's dispatch (tests/simulator/routes.py).

The checks of an API URL in their order (URL pattern, authentication, method, module),
and what ``_handle_api`` adds to every API call: latency and the concurrency limit.
Every test runs on ``sample_records``.
"""

from __future__ import annotations

import threading
import time
import typing as t

import pytest
import requests

from tests.simulator.bigin_simulator import BiginSimulator

from .conftest import ACCOUNT, CONTACT, PRODUCT, assert_error, auth, photo_url

pytestmark = pytest.mark.usefixtures("sample_records")


# ---------------------------------------------------------------------------
# RoutesMixin._process_api: URL pattern, then authentication
# ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path",
    [
        "/bigin/v3/Contacts/%s/photo" % CONTACT,
        "/bigin/v2/Contacts/%s/photos" % CONTACT,
        "/wrong/bigin/v2/Contacts/%s/photo" % CONTACT,
        "/bigin/v2/Contacts/photo",
        "/bigin/v2/%s/photo" % CONTACT,
        "/bigin/v2/Contacts/%s/photo/" % CONTACT,
        "/bigin/v2/Contacts/%s/" % CONTACT,
        "/bigin/v2/Contacts/page",
        "/",
    ],
)
def test_invalid_url_pattern(sim: BiginSimulator, path: str) -> None:
    assert_error(requests.get(sim.url + path, headers=auth()), "INVALID_URL_PATTERN")


def test_query_string_is_not_part_of_the_pattern(sim: BiginSimulator) -> None:
    assert requests.get(photo_url(sim) + "?foo=bar", headers=auth()).status_code == 200


def test_auth_is_checked_before_record_existence(sim: BiginSimulator) -> None:
    assert_error(requests.delete(photo_url(sim, "Contacts", "42"), headers=auth("nope")), "INVALID_TOKEN")
    assert_error(requests.delete(photo_url(sim, "Contacts", "42")), "AUTHENTICATION_FAILURE")


# ---------------------------------------------------------------------------
# RoutesMixin._process_api: HTTP method
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("method", ["PUT", "PATCH"])
def test_invalid_request_method(sim: BiginSimulator, method: str) -> None:
    assert_error(requests.request(method, photo_url(sim), headers=auth(), data=b"x"), "INVALID_REQUEST_METHOD")


def test_head_is_not_a_valid_method(sim: BiginSimulator) -> None:
    resp = requests.head(photo_url(sim), headers=auth())
    assert resp.status_code == 400 and resp.content == b""
    assert sim.api_requests("HEAD")[-1]["code"] == "INVALID_REQUEST_METHOD"


# ---------------------------------------------------------------------------
# RoutesMixin._process_api: module (and the settings disable_module, mark_unsupported)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("module", ["Companies", "Foo", "contacts", "CONTACTS", "Deals"])
def test_invalid_module_name(sim: BiginSimulator, module: str) -> None:
    assert_error(requests.get(photo_url(sim, module), headers=auth()), "INVALID_MODULE")


@pytest.mark.parametrize("module", ["Documents", "Projects"])
def test_module_not_supported(sim: BiginSimulator, module: str) -> None:
    assert_error(requests.delete(photo_url(sim, module), headers=auth()), "INVALID_MODULE_UNSUPPORTED")


def test_disabled_and_unsupported_modules_by_setting(sim: BiginSimulator) -> None:
    assert requests.get(photo_url(sim, "Accounts", ACCOUNT), headers=auth()).status_code == 200
    sim.disable_module("Accounts")
    assert_error(requests.get(photo_url(sim, "Accounts", ACCOUNT), headers=auth()), "INVALID_MODULE")
    sim.mark_unsupported("Products")
    assert_error(requests.get(photo_url(sim, "Products", PRODUCT), headers=auth()), "INVALID_MODULE_UNSUPPORTED")
    assert requests.get(photo_url(sim), headers=auth()).status_code == 200


# ---------------------------------------------------------------------------
# RoutesMixin._handle_api: latency and the concurrency limit
# ---------------------------------------------------------------------------
def _parallel(n: int, fn: t.Callable[[], t.Any]) -> list[t.Any]:
    """``fn()`` in ``n`` threads released together; their results in thread order."""
    results: list[t.Any] = [None] * n
    barrier = threading.Barrier(n)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = fn()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    return results


def test_latency_is_concurrent(sim: BiginSimulator) -> None:
    sim.latency_ms = 300
    statuses = _parallel(5, lambda: requests.get(photo_url(sim), headers=auth()).status_code)
    assert statuses == [200] * 5
    assert sim.max_in_flight == 5
    # The latency sleeps overlapped: every request started before the first one finished.
    entries = sim.api_requests()
    assert max(e["started"] for e in entries) < min(e["finished"] for e in entries)


def test_concurrency_limit(sim: BiginSimulator) -> None:
    sim.latency_ms = 400
    sim.max_concurrent = 2
    responses = _parallel(4, lambda: requests.get(photo_url(sim), headers=auth()))
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [200, 200, 429, 429]
    limited = [r for r in responses if r.status_code == 429]
    for r in limited:
        assert r.json()["code"] == "TOO_MANY_REQUESTS"
        assert r.headers["X-RATELIMIT-LIMIT"] == "2"
        assert r.headers["X-RATELIMIT-REMAINING"] == "0"
        assert int(r.headers["X-RATELIMIT-RESET"]) > time.time() * 1000 - 1000
    # both admitted requests plus at least one rejected arrival were in flight at once
    assert sim.max_in_flight >= 3
