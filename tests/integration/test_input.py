# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bad input fails before any request: each failure names the option, and the simulator sees nothing
(no API request, no token request)."""

from __future__ import annotations

import typing as t

from tests.simulator.bigin_simulator import PNG_RED, BiginSimulator

PHOTO = "zoho.bigin.bigin_photo"
INFO = "zoho.bigin.bigin_photo_info"
GOOD_ID = "3000000038001"


def case(name: str, action: str = PHOTO, **args: t.Any) -> dict[str, t.Any]:
    params: dict[str, t.Any] = {"module": "Contacts", "record_id": GOOD_ID, "state": "absent"}
    if action == INFO:
        params.pop("state")
    params.update(args)
    return {"name": name, action: params, "ignore_errors": True}


def test_bad_input_is_refused_before_any_request(sim: BiginSimulator, play: t.Any, tmp_path: t.Any) -> None:
    sim.add_record("Contacts", GOOD_ID, photo=PNG_RED)
    text = tmp_path / "notes.txt"
    text.write_text("this is not an image\n")
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.png"
    with open(huge, "wb") as handle:  # sparse: a PNG header, then a hole up to 10 MB + 1 byte
        handle.write(PNG_RED[:16])
        handle.truncate(10 * 1024 * 1024 + 1)
    image = tmp_path / "red.png"
    image.write_bytes(PNG_RED)

    # (task name, option the message must name, task)
    cases: list[tuple[str, str, dict[str, t.Any]]] = [
        ("empty id", "record_id", case("empty id", record_id="")),
        ("letters", "record_id", case("letters", record_id="30000abc")),
        ("path traversal", "record_id", case("path traversal", record_id="../1")),
        ("leading space", "record_id", case("leading space", record_id=" 1")),
        ("20 digits", "record_id", case("20 digits", record_id="1" * 20)),
        ("negative", "record_id", case("negative", record_id=-1)),
        ("float", "record_id", case("float", record_id=1.5)),
        ("float in a list", "record_id", case("float in a list", record_id=[3.0])),
        ("bool", "record_id", case("bool", record_id=[True])),
        ("one bad among good", "record_id", case("one bad among good", record_id=[GOOD_ID, "12/34"])),
        ("empty list", "record_id", case("empty list", record_id=[])),
        ("info bad id", "record_id", case("info bad id", action=INFO, record_id="../../x")),
        ("unknown module", "module", case("unknown module", module="Leads")),
        ("concurrency 0", "concurrency", case("concurrency 0", concurrency=0)),
        ("concurrency 21", "concurrency", case("concurrency 21", concurrency=21)),
        ("missing src", "src", case("missing src", state="present")),
        ("src not an image", "src", case("src not an image", state="present", src=str(text))),
        ("empty src", "src", case("empty src", state="present", src=str(empty))),
        ("src over 10 MB", "src", case("src over 10 MB", state="present", src=str(huge))),
        ("src missing file", "src", case("src missing file", state="present", src=str(tmp_path / "nope.png"))),
        ("api_domain not a URL", "api_domain", case("api_domain not a URL", api_domain="zohoapis.example")),
        ("accounts_url not a URL", "accounts_url", case("accounts_url not a URL", accounts_url="ftp://accounts")),
    ]
    result = play([task for _name, _option, task in cases], auth="refresh")

    by_name = {task["_task"]: task for task in result.tasks}
    assert list(by_name) == [name for name, _option, _task in cases]
    for name, option, _task in cases:
        task = by_name[name]
        assert task["_status"] == "failed", (name, task)
        assert not task.get("changed"), name
        assert option in task["msg"], (name, task["msg"])

    unknown = by_name["unknown module"]["msg"]
    assert "Leads" in unknown and all(valid in unknown for valid in ("Contacts", "Accounts", "Products"))
    assert "10 MB" in by_name["src over 10 MB"]["msg"]
    assert "empty" in by_name["empty src"]["msg"]
    assert "12/34" in by_name["one bad among good"]["msg"]

    assert sim.requests == []  # not one request: neither the API nor the token endpoint
    assert sim.photo("Contacts", GOOD_ID) == PNG_RED
