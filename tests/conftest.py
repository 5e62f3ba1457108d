# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every test level shares: the import path, the test credentials and a started simulator.

ansible-test already runs from ``.../ansible_collections/zoho/bigin``; a checkout
elsewhere gets a symlink farm under ``build/collections`` (git-ignored), which is
also what the integration tests point ``ANSIBLE_COLLECTIONS_PATH`` at.

The credentials are the only ones the simulator knows; tests that check no secret
leaks look for each of ``SECRETS`` in what they captured.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import sys
import time
import typing as t
import zlib

import pytest

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS_DIR = os.path.join(REPO_ROOT, "build", "collections")


def _in_collection_tree() -> bool:
    parts = REPO_ROOT.split(os.sep)
    return parts[-3:-2] == ["ansible_collections"] and parts[-2:] == ["zoho", "bigin"]


def collections_path() -> str:
    """Return a directory holding ``ansible_collections/zoho/bigin`` for this checkout."""
    if _in_collection_tree():
        return os.path.dirname(os.path.dirname(os.path.dirname(REPO_ROOT)))
    link = os.path.join(COLLECTIONS_DIR, "ansible_collections", "zoho", "bigin")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        try:
            os.symlink(REPO_ROOT, link)
        except FileExistsError:  # another xdist worker made it first
            pass
    return COLLECTIONS_DIR


_path = collections_path()
if _path not in sys.path:
    sys.path.insert(0, _path)
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

# Imported after the path is set: the simulator is a package of this checkout.
from tests.simulator.bigin_simulator import BiginSimulator  # noqa: E402  pylint: disable=wrong-import-position
from tests.simulator.records import SEARCH_SCOPES  # noqa: E402  pylint: disable=wrong-import-position

ACCESS_TOKEN = "1000.ACCESS-9c1f0e7d4b2a.secret"
CLIENT_ID = "1000.CLIENTID7Q2"
CLIENT_SECRET = "CLIENT-SECRET-5e8d1c2b7a"
REFRESH_TOKEN = "1000.REFRESH-3b9f6a1d2c.secret"
SECRETS = (ACCESS_TOKEN, CLIENT_SECRET, REFRESH_TOKEN)
RECORD = "3000000038009"
# The search scope the selection tests grant or withhold.
SEARCH_SCOPE = SEARCH_SCOPES[0]
# What a task that sent no request reports as api_calls.
NO_API_CALLS = {"total": 0, "by_method": {"GET": 0, "POST": 0, "DELETE": 0}, "token_refreshes": 0}
# The "Possible Errors" list of the Delete Photo API reference, kept as data in the repository.
DOCUMENTED_ERRORS_FILE = os.path.join(REPO_ROOT, "tests", "fixtures", "delete-photo-errors.json")


@pytest.fixture
def sim() -> t.Iterator[BiginSimulator]:
    """A started simulator with one all-scope access token and one OAuth client, no records; stops after the test."""
    with BiginSimulator() as simulator:
        simulator.add_token(ACCESS_TOKEN)
        simulator.add_client(CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN)
        yield simulator


def assert_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, "a secret leaked into the output"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_mode(path: str) -> int:
    """Permission bits of the path itself (a symlink is not followed)."""
    return stat.S_IMODE(os.lstat(path).st_mode)


def png_header(width: int, height: int) -> bytes:
    """The start of a PNG of that size: enough for a size check, not a picture."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\0" * 16


def wait_for(condition: t.Callable[[], bool], limit: float = 10.0) -> bool:
    """Poll until condition() holds or limit seconds pass; the final answer of condition()."""
    deadline = time.monotonic() + limit
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)
    return condition()
