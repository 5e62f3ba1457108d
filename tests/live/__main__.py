# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""``python -m tests.live`` (``make test-live``): the live contract suite against a real Bigin organisation.

Reads BIGIN_CLIENT_ID, BIGIN_CLIENT_SECRET, BIGIN_REFRESH_TOKEN and BIGIN_DATA_CENTER (or
BIGIN_ACCOUNTS_URL); BIGIN_API_DOMAIN and BIGIN_CA_PATH when set.  The client needs
ZohoBigin.modules.contacts.ALL and ZohoSearch.securesearch.READ.  Tokens go only to
https on a Zoho domain or to loopback (a local simulator); secrets are never printed.

It creates five Contacts of its own (Last_Name and First_Name carry a run id), works only on
them and deletes them at the end, also after a failure, Ctrl-C or SIGTERM.  Output: one line per
assumption, ``<name>: holds`` or ``<name>: differs: <what was seen>`` (``error: ...`` when a check
could not run, ``skipped: ...`` for the opt-in throttle check); lines starting with ``#`` are notes.

Exit status: 0 every check ran and holds; 1 some assumption differs; 2 the suite could not do its
job (configuration, authentication, creating or deleting its records, a check that could not run);
130 or 143 when interrupted by SIGINT or SIGTERM (after the cleanup).
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import typing as t

import requests

from . import checks
from .api import Api, SetupError
from .config import ConfigError, load


class Interrupted(BaseException):
    """SIGINT or SIGTERM: stop the checks, clean up, exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: t.Any) -> None:
    raise Interrupted(signum)


def main(argv: list[str] | None = None, environ: t.Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.live", description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--check-throttle", action="store_true",
                        help="also check the token endpoint's 'Access Denied' answer (uses up this refresh token's "
                             "10 new tokens per 10 minutes: other users of it are refused meanwhile)")
    args = parser.parse_args(argv)
    report = checks.Report()
    try:
        config = load(os.environ if environ is None else environ)
    except ConfigError as exc:
        print("tests.live: %s" % exc, file=sys.stderr)
        return 2
    api = Api(config)
    failed = False
    previous = {sig: signal.signal(sig, _raise_interrupted) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            answer = api.authenticate()
            report.note("Bigin live contract suite; API %s" % api.api_domain)
            checks.token_fields(report, answer)
            names = checks.Names("x" + secrets.token_hex(4))
            created = api.create_contacts([{"Last_Name": name, "First_Name": names.tag} for name in names.all()])
            report.note("created Contacts %s (run %s)" % (", ".join(created), names.run))
            checks.photo_checks(api, report, created[names.all().index(names.photo)], names.run)
            checks.search_checks(api, report, names, config.search_wait)
            checks.page_token_check(api, report, created)
            checks.throttle_check(api, report, args.check_throttle)
        except (SetupError, requests.RequestException) as exc:
            print("tests.live: %s" % _safe(exc, config, api.token), file=sys.stderr)
            failed = True
        except Interrupted as exc:
            report.note("interrupted by signal %d: cleaning up" % exc.signum)
            _cleanup(api, api.created, report)
            return 128 + exc.signum
        cleanup_ok = _cleanup(api, api.created, report)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if failed or not cleanup_ok or "error" in report.states():
        return 2
    return 1 if "differs" in report.states() else 0


def _cleanup(api: Api, created: list[str], report: checks.Report) -> bool:
    """Delete the run's Contacts, signals held off meanwhile; False (and the ids named) when some are left."""
    if not created:
        return True
    held = {sig: signal.signal(sig, signal.SIG_IGN) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        left = api.delete_records(created)
    finally:
        for sig, handler in held.items():
            signal.signal(sig, handler)
    if left:
        print("tests.live: could not delete the test Contacts %s: delete them by hand" % ", ".join(left), file=sys.stderr)
        return False
    report.note("deleted the %d test Contacts" % len(created))
    return True


def _safe(exc: BaseException, config: t.Any, token: str | None) -> str:
    """An exception's text without the secrets (a URL in a requests error could hold a token)."""
    text = str(exc)
    for secret in (config.client_secret, config.refresh_token, token):
        if not secret:
            continue
        text = text.replace(secret, "***")
    return text


if __name__ == "__main__":
    sys.exit(main())
