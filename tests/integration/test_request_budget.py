# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Request frugality of list mode (issue 4): exact request counts per record, never times.

Bigin counts API credits per call, so a regression that sends one request too
many per record must fail the tests.  Counts come from the simulator's request
log, per record URL and method; the token endpoint's hits count refreshes.
"""

from __future__ import annotations

import collections
import re
import typing as t

from tests.integration.conftest import assert_no_secrets
from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

PHOTO_PATH = re.compile(r"^/bigin/v2/Contacts/([0-9]+)/photo$")
RECORDS = 30


def seed(sim: BiginSimulator, base: int, count: int = RECORDS, every: int = 2) -> tuple[list[str], set[str]]:
    """Seed Contacts; every ``every``-th one gets PNG_RED.  Return (all ids, ids with a photo)."""
    ids = [str(base + i) for i in range(count)]
    photos = set()
    for index, record_id in enumerate(ids):
        has_photo = index % every == 0
        sim.add_record("Contacts", record_id, photo=PNG_RED if has_photo else None)
        if has_photo:
            photos.add(record_id)
    return ids, photos


def counts(sim: BiginSimulator) -> dict[str, collections.Counter[str]]:
    """API requests of the log: method -> Counter of record ids (every API request must be a photo URL)."""
    out: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    for entry in sim.api_requests():
        match = PHOTO_PATH.match(entry["path"])
        assert match, "unexpected API request %s %s" % (entry["method"], entry["path"])
        out[entry["method"]][match.group(1)] += 1
    return out


def exactly_once(counter: collections.Counter[str], ids: t.Iterable[str]) -> None:
    assert dict(counter) == {record_id: 1 for record_id in ids}


def absent_task(ids: list[str], concurrency: int) -> dict[str, t.Any]:
    return {"name": "absent", "zoho.bigin.bigin_photo": {
        "module": "Contacts", "record_id": ids, "state": "absent", "concurrency": concurrency}}


def test_absent_list_mode_counts_and_token_cache(sim: BiginSimulator, play: t.Callable[..., t.Any]) -> None:
    """1 GET per record + 1 DELETE per photo, one token refresh; the rerun: 1 GET each, no refresh."""
    ids, photos = seed(sim, 3000000070000)

    first = play([absent_task(ids, 8)], auth="refresh")
    assert first.rc == 0, first.output
    assert_no_secrets(first.output)
    by_method = counts(sim)
    exactly_once(by_method["GET"], ids)
    exactly_once(by_method["DELETE"], photos)
    assert set(by_method) == {"GET", "DELETE"}  # no POST, nothing else
    assert len(sim.token_requests()) == 1
    assert sim.tokens_issued == 1
    assert sim.photo_count("Contacts") == 0
    result = first.task()
    assert sorted(r["record_id"] for r in result["records"] if r["changed"]) == sorted(photos)

    sim.clear_log()
    # Same tmp_path, so the same XDG_CACHE_HOME: the cached token is still valid.
    second = play([absent_task(ids, 8)], auth="refresh")
    assert second.rc == 0, second.output
    by_method = counts(sim)
    exactly_once(by_method["GET"], ids)
    assert set(by_method) == {"GET"}
    assert sim.token_requests() == []
    assert sim.tokens_issued == 1
    assert second.task()["changed"] is False


def test_present_unchanged_and_info_counts(sim: BiginSimulator, play: t.Callable[..., t.Any],
                                           tmp_path: t.Any) -> None:
    """present with the photo already there: 1 GET, no POST; info: 1 GET per record (with or without photo)."""
    same_ids = seed(sim, 3000000071000, every=1)[0]  # all have PNG_RED
    mixed_ids, mixed_photos = seed(sim, 3000000072000)
    src = tmp_path / "red.png"
    src.write_bytes(PNG_RED)

    present = play([{"name": "present", "zoho.bigin.bigin_photo": {
        "module": "Contacts", "record_id": same_ids, "src": str(src), "concurrency": 8}}])
    assert present.rc == 0, present.output
    by_method = counts(sim)
    exactly_once(by_method["GET"], same_ids)
    assert set(by_method) == {"GET"}  # no POST (nothing to change), no DELETE
    assert present.task()["changed"] is False
    assert all(sim.photo("Contacts", record_id) == PNG_RED for record_id in same_ids)

    sim.clear_log()
    info = play([{"name": "info", "zoho.bigin.bigin_photo_info": {
        "module": "Contacts", "record_id": mixed_ids, "concurrency": 8}}])
    assert info.rc == 0, info.output
    by_method = counts(sim)
    exactly_once(by_method["GET"], mixed_ids)
    assert set(by_method) == {"GET"}
    records = {r["record_id"]: r for r in info.task()["records"]}
    assert {i for i, r in records.items() if r["present"]} == mixed_photos
    assert sim.token_requests() == []
