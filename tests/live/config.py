# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The live suite's settings, from the environment the collection's modules read; tokens go to Zoho or loopback only."""

from __future__ import annotations

import typing as t
from urllib.parse import urlsplit

# Imported for its effect: it puts this checkout's collection on sys.path.
import tests.conftest  # pylint: disable=unused-import
# data_center -> (accounts URL, API domain), and the loopback names: the collection's own tables.
from ansible_collections.zoho.bigin.plugins.module_utils._client import DATA_CENTERS, LOOPBACK_HOSTS  # noqa: E402

#: The domains of Zoho's accounts servers and API hosts: tokens go to these (https) or to loopback only.
ZOHO_DOMAINS = ("zoho.com", "zoho.eu", "zoho.in", "zoho.com.au", "zoho.jp", "zoho.com.cn", "zohocloud.ca", "zoho.sa",
                "zohoapis.com", "zohoapis.eu", "zohoapis.in", "zohoapis.com.au", "zohoapis.jp", "zohoapis.com.cn",
                "zohoapis.ca", "zohoapis.sa")
REQUIRED = ("BIGIN_CLIENT_ID", "BIGIN_CLIENT_SECRET", "BIGIN_REFRESH_TOKEN")
#: What the client behind the refresh token must be granted.
SCOPES = ("ZohoBigin.modules.contacts.ALL", "ZohoSearch.securesearch.READ")
DEFAULT_SEARCH_WAIT = 60.0


class ConfigError(Exception):
    """The environment does not say how to reach Bigin, or names a host tokens must not go to."""


class Config(t.NamedTuple):
    client_id: str
    client_secret: str
    refresh_token: str
    accounts_url: str
    api_domain: str | None  # None: the token answer's api_domain (if allowed), else the data centre's
    default_api_domain: str
    ca_path: str | None
    search_wait: float


def host_allowed(url: str) -> bool:
    """https on a Zoho domain, or http(s) on loopback; no user info, query or fragment."""
    try:
        parts = urlsplit(url)
        parts.port  # pylint: disable=pointless-statement  # ValueError for a bad port
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or "@" in parts.netloc or parts.query or parts.fragment:
        return False
    if host in LOOPBACK_HOSTS:
        return parts.scheme in ("http", "https")
    return parts.scheme == "https" and any(host == d or host.endswith("." + d) for d in ZOHO_DOMAINS)


def usage() -> str:
    return ("Set %s, and BIGIN_DATA_CENTER (one of %s) or BIGIN_ACCOUNTS_URL; optional: BIGIN_API_DOMAIN, BIGIN_CA_PATH, "
            "BIGIN_LIVE_SEARCH_WAIT (seconds, default %d). The client needs the scopes %s. The suite creates a few "
            "Contacts of its own, works only on them and deletes them at the end."
            % (", ".join(REQUIRED), ", ".join(DATA_CENTERS), DEFAULT_SEARCH_WAIT, ",".join(SCOPES)))


def load(environ: t.Mapping[str, str]) -> Config:
    """The settings of ``environ``; ConfigError (with what to set) when something is missing or refused."""
    missing = [name for name in REQUIRED if not environ.get(name)]
    data_center = (environ.get("BIGIN_DATA_CENTER") or "").strip().lower()
    accounts_url = (environ.get("BIGIN_ACCOUNTS_URL") or "").strip().rstrip("/")
    if not data_center and not accounts_url:
        missing.append("BIGIN_DATA_CENTER (or BIGIN_ACCOUNTS_URL)")
    if missing:
        raise ConfigError("missing: %s. %s" % (", ".join(missing), usage()))
    if data_center and data_center not in DATA_CENTERS:
        raise ConfigError("BIGIN_DATA_CENTER=%s is not one of %s" % (data_center, ", ".join(DATA_CENTERS)))
    default_accounts, default_api = DATA_CENTERS[data_center or "us"]
    accounts_url = accounts_url or default_accounts
    api_domain = (environ.get("BIGIN_API_DOMAIN") or "").strip().rstrip("/") or None
    for name, url in (("BIGIN_ACCOUNTS_URL", accounts_url), ("BIGIN_API_DOMAIN", api_domain)):
        if url is not None and not host_allowed(url):
            raise ConfigError("%s=%s is refused: tokens go only to https on a Zoho domain (%s) or to loopback"
                              % (name, url, ", ".join(ZOHO_DOMAINS)))
    if urlsplit(accounts_url).hostname in LOOPBACK_HOSTS and not data_center:
        default_api = accounts_url  # a local simulator serves both
    try:
        search_wait = float(environ.get("BIGIN_LIVE_SEARCH_WAIT") or DEFAULT_SEARCH_WAIT)
    except ValueError:
        raise ConfigError("BIGIN_LIVE_SEARCH_WAIT must be a number of seconds") from None
    return Config(environ["BIGIN_CLIENT_ID"], environ["BIGIN_CLIENT_SECRET"], environ["BIGIN_REFRESH_TOKEN"], accounts_url,
                  api_domain, default_api, environ.get("BIGIN_CA_PATH") or None, search_wait)
