# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the unit tests of the plugins share: a clean environment, the Contacts records, the client stack, module runs.

The credentials and the started simulator (``sim``) come from ``tests/conftest.py``. Test files
import the record ids and helpers below by name; fixtures reach them through pytest.
"""

from __future__ import annotations

import os
import typing as t

import pytest
from ansible.module_utils import basic

from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenCache
from ansible_collections.zoho.bigin.plugins.module_utils._client import HTTPResult, new_session
from ansible_collections.zoho.bigin.plugins.module_utils._connection import assemble_client
from ansible_collections.zoho.bigin.plugins.module_utils._photo import PhotoService
from ansible_collections.zoho.bigin.plugins.module_utils._sources import Image
from ansible_collections.zoho.bigin.plugins.modules import bigin_photo
from tests.conftest import ACCESS_TOKEN, CLIENT_ID, CLIENT_SECRET, RECORD, REFRESH_TOKEN
from tests.simulator.bigin_simulator import PNG_BLUE, PNG_RED, BiginSimulator
from tests.unit.plugins.module_runner import Result, instance, run_main

# Beside RECORD (tests/conftest.py), the Contacts records of the ``contacts`` fixture.
NO_PHOTO = "3000000038010"
OTHER = "3000000038011"
# Records the export and restore tests make files for.
A, B, C = "3000000070001", "3000000070002", "3000000070003"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: t.Any) -> None:
    """No BIGIN_* settings from the caller's shell; the token cache in the test's own directory."""
    for name in list(os.environ):
        if name.startswith("BIGIN_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))


@pytest.fixture
def contacts(sim: BiginSimulator) -> BiginSimulator:
    """``sim`` with three Contacts records: RECORD (a red PNG), NO_PHOTO (no photo), OTHER (a blue PNG)."""
    sim.add_record("Contacts", RECORD, PNG_RED)
    sim.add_record("Contacts", NO_PHOTO, None)
    sim.add_record("Contacts", OTHER, PNG_BLUE)
    return sim


def api_log(sim: BiginSimulator, method: str | None = None) -> list[tuple[str, str, int | None]]:
    """(method, record id, status) of every API request the simulator saw (of one method if given), in order."""
    return [(e["method"], e["path"].split("/")[4], e["status"]) for e in sim.api_requests(method)]


def statuses(sim: BiginSimulator, method: str | None = None) -> list[int | None]:
    """The status of every API request the simulator saw (of one method if given), in order."""
    return [status for _method, _record, status in api_log(sim, method)]


# -- the client stack -------------------------------------------------------------------------

class Wire:
    """A real session, Transport, TokenProvider, BiginClient and PhotoService (Contacts) aimed at a simulator.

    Nothing sleeps, everything is recorded: ``waits`` (what would have been slept), ``warnings``,
    ``minted`` (every token the provider obtained) and ``prepared`` (every URL requests prepared,
    before any byte left).
    """

    def __init__(self, sim: BiginSimulator, access_token: str | None = ACCESS_TOKEN, refresh: bool = True,
                 max_retries: int = 0, timeout: float = 10.0, pool_size: int = 2, api_version: str = "v2",
                 validate_certs: bool = True, ca_path: str | None = None, cache: TokenCache | None = None,
                 trace: bool = False):
        self.sim = sim
        self.waits: list[float] = []
        self.warnings: list[str] = []
        self.minted: list[str] = []
        self.prepared: list[str] = []
        session = new_session(pool_size, validate_certs, ca_path)
        real_send = session.send

        def recording_send(request: t.Any, **kwargs: t.Any) -> t.Any:
            self.prepared.append(request.url)
            return real_send(request, **kwargs)

        session.send = recording_send  # type: ignore[method-assign]
        creds = (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN) if refresh else (None, None, None)
        params = dict(zip(("client_id", "client_secret", "refresh_token"), creds), access_token=access_token,
                      data_center="us", api_domain=sim.url, accounts_url=sim.url, api_version=api_version,
                      timeout=timeout, validate_certs=validate_certs, ca_path=ca_path, max_retries=max_retries,
                      token_cache=False, max_api_calls=None, concurrency=pool_size - 1)
        # The modules' own assembly (_connection.py), with the recording hooks; unchecked, so that tests
        # can send what the option checks would refuse.
        self.client = assemble_client(params, sim.url, sim.url, self.warnings.append, trace=trace,
                                      on_new_token=self.minted.append, session=session, sleep=self.waits.append,
                                      cache=cache)
        self.transport, self.tokens, self.session = self.client.transport, self.client.tokens, session
        self.service = PhotoService(self.client, "Contacts")

    def photo_url(self, record_id: str = RECORD) -> str:
        return self.client.url("Contacts/%s/photo" % record_id)

    def send(self, method: str, record_id: str = RECORD, idempotent: bool | None = None, **kwargs: t.Any) -> HTTPResult:
        """One photo request through the Transport alone (no token refresh); a POST uploads a red PNG."""
        if idempotent is None:
            idempotent = method != "POST"
        if method == "POST":
            kwargs.setdefault("files", {"file": ("a.png", PNG_RED, "image/png")})
        return self.transport.send(method, self.photo_url(record_id), "Contacts/" + record_id, idempotent,
                                   headers={"Authorization": "Zoho-oauthtoken " + ACCESS_TOKEN}, **kwargs)


@pytest.fixture
def wire(contacts: BiginSimulator) -> t.Iterator[t.Callable[..., Wire]]:
    """Make Wires aimed at ``contacts`` (or at ``sim=`` another simulator); their sessions close after the test."""
    made: list[Wire] = []

    def factory(sim: BiginSimulator = contacts, **kwargs: t.Any) -> Wire:
        made.append(Wire(sim, **kwargs))
        return made[-1]

    yield factory
    for each in made:
        each.session.close()


@pytest.fixture
def image(tmp_path: t.Any) -> Image:
    """A blue PNG to upload (tmp_path/upload.png)."""
    path = tmp_path / "upload.png"
    path.write_bytes(PNG_BLUE)
    return Image(str(path))


# -- module runs ------------------------------------------------------------------------------

@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> t.Callable[..., Result]:
    """Run a module's main() in-process (bigin_photo unless told); return its parsed result."""

    def runner(args: dict[str, t.Any], module: t.Any = bigin_photo, check: bool = False, diff: bool = False) -> Result:
        return run_main(module, args, capsys, check, diff)

    return runner


@pytest.fixture
def module_args(contacts: BiginSimulator) -> t.Callable[..., dict[str, t.Any]]:
    """Module arguments aimed at ``contacts``: delete RECORD's photo with the access token; ``None`` drops an option."""

    def build(**extra: t.Any) -> dict[str, t.Any]:
        args: dict[str, t.Any] = {"api_domain": contacts.url, "accounts_url": contacts.url, "access_token": ACCESS_TOKEN,
                                  "module": "Contacts", "record_id": RECORD, "state": "absent"}
        args.update(extra)
        return {key: value for key, value in args.items() if value is not None}

    return build


# -- helpers of the base, connection and runner tests ----------------------------------------------

def photo_module(**extra: t.Any) -> t.Any:
    """bigin_photo's module object for RECORD (state absent, the access token) and ``extra``; no request is sent."""
    args = {"access_token": ACCESS_TOKEN, "module": "Contacts", "record_id": RECORD, "state": "absent"}
    return instance(dict(args, **extra), bigin_photo.BiginPhoto)


def refused(result: Result, sim: BiginSimulator) -> str:
    """The message of a run that failed before sending any request."""
    assert result["failed"] is True
    assert sim.requests == []
    return result["msg"]


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
