# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A local, strict simulator of the Zoho Bigin API (photos, records, search, attachments) and the Zoho OAuth token endpoint.

Standard library only.  Used in-process by the integration tests and the
benchmark, and as a standalone process (``make demo``)::

    python tests/simulator/bigin_simulator.py --port 0 --port-file F --demo --lifetime 600

This file assembles :class:`BiginSimulator` from the area files of the package and
re-exports the names tests import:

* :mod:`~tests.simulator.photos`: sample images and ``/bigin/{v}/{Module}/{id}/photo``;
* :mod:`~tests.simulator.records`: records, modules, listing and search;
* :mod:`~tests.simulator.attachments`: record attachments and ``/bigin/{v}/{Module}/{id}/Attachments[/{attachment_id}]``;
* :mod:`~tests.simulator.oauth`: tokens, clients, scopes, ``/oauth/v2/token``;
* :mod:`~tests.simulator.profiles`: behaviour profiles (:data:`PROFILE_SWITCHES`, ``set_profile``, ``profile_params``);
* :mod:`~tests.simulator.faults`: fault injection, chaos mode, request log, counters, ``/_simulator/``;
* :mod:`~tests.simulator.responses`: the error catalogue :data:`ERRORS` and the response builders;
* :mod:`~tests.simulator.server`: HTTP server, handler, TLS, multipart parsing;
* :mod:`~tests.simulator.routes`: the route table and the order of the checks;
* :mod:`~tests.simulator.cli`: the demo seed and the standalone ``main()``.
"""

from __future__ import annotations

import os
import sys
import threading
import typing as t

if __name__ == "__main__" and not __package__:
    # Run as a script: import the package from the repository root (not this directory, whose file names are generic).
    sys.path[0] = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    from tests.simulator.cli import main as _main  # pylint: disable=import-error
    sys.exit(_main())

# pylint: disable=wrong-import-position
from .attachments import ATTACHMENT_SCOPE_ALL, MAX_ATTACHMENT_BYTES, AttachmentsMixin  # noqa: E402
from .cli import DEMO_ACCESS_TOKEN, DEMO_ACCOUNT, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_CONTACTS, DEMO_REFRESH_TOKEN, main, seed_demo  # noqa: E402
from .faults import FaultsMixin  # noqa: E402
from .oauth import SCOPE_ALL, TOKEN_ERRORS, OAuthMixin  # noqa: E402
from .photos import BMP_MIN, GIF_MIN, JPEG_MIN, MAX_PHOTO_BYTES, PNG_1x1, PNG_BLUE, PNG_GREEN, PNG_RED, PhotosMixin, image_type  # noqa: E402
from .profiles import DEFAULT_PROFILE, PROFILE_SWITCHES, ProfilesMixin, check_profile, profile_params  # noqa: E402
from .records import RecordsMixin  # noqa: E402
from .responses import ERRORS, SEED_ERROR_KEYS, ResponsesMixin  # noqa: E402
from .routes import RoutesMixin  # noqa: E402
from .server import ServerMixin, parse_multipart  # noqa: E402

__all__ = [
    "BiginSimulator",
    "PROFILE_SWITCHES",
    "DEFAULT_PROFILE",
    "profile_params",
    "ERRORS",
    "SEED_ERROR_KEYS",
    "TOKEN_ERRORS",
    "SCOPE_ALL",
    "ATTACHMENT_SCOPE_ALL",
    "MAX_ATTACHMENT_BYTES",
    "PNG_1x1",
    "PNG_RED",
    "PNG_BLUE",
    "PNG_GREEN",
    "JPEG_MIN",
    "GIF_MIN",
    "BMP_MIN",
    "MAX_PHOTO_BYTES",
    "image_type",
    "parse_multipart",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_REFRESH_TOKEN",
    "DEMO_ACCESS_TOKEN",
    "DEMO_CONTACTS",
    "DEMO_ACCOUNT",
    "seed_demo",
    "main",
]


class BiginSimulator(ServerMixin, RoutesMixin, OAuthMixin, RecordsMixin, PhotosMixin, AttachmentsMixin, FaultsMixin,
                     ProfilesMixin, ResponsesMixin):
    """In-process Zoho Bigin API + OAuth token endpoint simulator."""

    def __init__(self, latency_ms: float = 0, max_concurrent: int | None = None, host: str = "127.0.0.1", port: int = 0,
                 tls_certfile: str | None = None, tls_keyfile: str | None = None,
                 profile: t.Mapping[str, str] | None = None) -> None:
        """With ``tls_certfile`` (PEM; and ``tls_keyfile`` unless the key is in it), serve HTTPS.

        ``profile``: switches of :data:`~tests.simulator.profiles.PROFILE_SWITCHES` (the others keep
        their default), e.g. ``{"no_photo_get": "404"}``; :meth:`set_profile` changes them later.
        """
        self._lock = threading.RLock()
        self._init_profile = check_profile(profile)
        self._init_latency_ms = latency_ms
        self._init_max_concurrent = max_concurrent
        self._init_server(host, port, tls_certfile, tls_keyfile)
        self._reset_state()

    def _reset_state(self) -> None:
        with self._lock:
            self.latency_ms = self._init_latency_ms
            self.max_concurrent = self._init_max_concurrent
            self.wrap_errors = False
            self.rate_limit_limit = 100  # X-RATELIMIT-LIMIT for injected 429s
            self._reset_profile()
            self._reset_oauth()
            self._reset_records()
            self._reset_photos()
            self._reset_attachments()
            self._reset_faults()

    def reset(self) -> None:
        """Forget records, tokens, clients, faults, settings and the log (keeps the port); the profile of the constructor again."""
        self._reset_state()
