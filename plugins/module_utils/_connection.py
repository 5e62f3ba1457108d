# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connection options: their argument spec, their checks, and the one place the client stack is built.

Every module takes these options (plugins/doc_fragments/connection.py documents them);
``build_client()`` checks them (``check_connection()``) and wires the session, Transport, token
cache, TokenProvider and BiginClient (``assemble_client()``); no request is sent until the first
record is worked on. The unit tests' ``Wire`` assembles its clients here too, with hooks for what
they record.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import os
import ssl
import typing as t
from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.zoho.bigin.plugins.module_utils._auth import (
    LOCK_WAIT_MARGIN,
    TokenCache,
    TokenProvider,
    default_cache_dir,
)
from ansible_collections.zoho.bigin.plugins.module_utils._client import (
    DATA_CENTERS,
    LOOPBACK_HOSTS,
    BiginClient,
    Transport,
    Usage,
    new_session,
    printable_without_spaces,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import InputError, excerpt

# timeout bounds each whole request; max_retries bounds the attempts (with backoff up to 30 s each).
MAX_TIMEOUT = 600
MAX_RETRIES = 20
# What build_client() makes of the token_cache option unless a caller gives its own cache.
FROM_OPTIONS: t.Any = object()


def _env(name: str) -> tuple[t.Any, list[str]]:
    return (env_fallback, ["BIGIN_" + name])


# Kept in step with plugins/doc_fragments/connection.py.
CONNECTION_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "access_token": {"type": "str", "no_log": True, "fallback": _env("ACCESS_TOKEN")},
    "client_id": {"type": "str", "fallback": _env("CLIENT_ID")},
    "client_secret": {"type": "str", "no_log": True, "fallback": _env("CLIENT_SECRET")},
    "refresh_token": {"type": "str", "no_log": True, "fallback": _env("REFRESH_TOKEN")},
    "data_center": {"type": "str", "default": "us", "choices": sorted(DATA_CENTERS),
                    "fallback": _env("DATA_CENTER")},
    "api_domain": {"type": "str", "fallback": _env("API_DOMAIN")},
    "accounts_url": {"type": "str", "fallback": _env("ACCOUNTS_URL")},
    "api_version": {"type": "str", "default": "v2", "choices": ["v1", "v2"], "fallback": _env("API_VERSION")},
    "timeout": {"type": "float", "default": 30.0, "fallback": _env("TIMEOUT")},
    "validate_certs": {"type": "bool", "default": True, "fallback": _env("VALIDATE_CERTS")},
    "ca_path": {"type": "path", "fallback": _env("CA_PATH")},
    "max_retries": {"type": "int", "default": 5, "fallback": _env("MAX_RETRIES")},
    "token_cache": {"type": "bool", "default": True, "fallback": _env("TOKEN_CACHE")},
    "max_api_calls": {"type": "int", "fallback": _env("MAX_API_CALLS")},
}

SECRET_OPTIONS = ("access_token", "client_id", "client_secret", "refresh_token")


def _url_option(params: dict[str, t.Any], name: str, default: str) -> tuple[str, bool]:
    """The base URL an option gives (validated, no trailing slash), and whether it is plain http off loopback."""
    value = params[name] or default
    problem = None
    try:
        parts = urlsplit(value)
        parts.port  # pylint: disable=pointless-statement  # raises ValueError for a bad port
    except ValueError:
        problem = "is not a valid URL"
    else:
        if parts.scheme not in ("https", "http") or not parts.hostname:
            problem = "is not an http(s) URL with a host name"
        elif "@" in parts.netloc:
            # Not echoed: the part before "@" may be a password.
            raise InputError("%s: must not carry credentials (user@host)" % name)
        elif parts.query or parts.fragment:
            problem = "must not carry a query or a fragment"
        elif not printable_without_spaces(value):
            problem = "contains spaces or control characters"
    if problem:
        raise InputError("%s: %s %s" % (name, excerpt(value, quote=True), problem))
    insecure = parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS
    return value.rstrip("/"), insecure


def check_ca_path(ca_path: str) -> None:
    """A CA bundle (PEM file, or a directory of hashed certificates) that can be used, else InputError."""
    if not os.path.exists(ca_path):
        raise InputError("ca_path: %s does not exist" % excerpt(ca_path, 200, quote=True))
    if os.path.isdir(ca_path):
        if not os.access(ca_path, os.R_OK | os.X_OK):
            raise InputError("ca_path: directory %s is not readable" % excerpt(ca_path, 200, quote=True))
        return
    try:
        with open(ca_path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise InputError("ca_path: %s cannot be read (%s)" % (excerpt(ca_path, 200, quote=True), exc.strerror or type(exc).__name__)) from None
    try:
        ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT).load_verify_locations(cafile=ca_path)
    except (ssl.SSLError, OSError, ValueError):
        raise InputError("ca_path: %s holds no PEM certificate" % excerpt(ca_path, 200, quote=True)) from None


def check_connection(params: t.Mapping[str, t.Any], warn: t.Callable[[str], None]) -> tuple[str, str]:
    """Check the connection options before anything is built; (api_domain, accounts_url), else InputError."""
    for name in SECRET_OPTIONS:
        value = params[name]
        if value is not None and not printable_without_spaces(value):
            raise InputError("%s: must be non-empty, without spaces or control characters" % name)
    accounts_default, api_default = DATA_CENTERS[params["data_center"]]
    api_domain, api_insecure = _url_option(params, "api_domain", api_default)
    accounts_url, accounts_insecure = _url_option(params, "accounts_url", accounts_default)
    if api_insecure or accounts_insecure:
        warn("api_domain or accounts_url uses plain http: tokens cross the network unencrypted")
    if not 0 < params["timeout"] <= MAX_TIMEOUT:  # also refuses nan
        raise InputError("timeout: %s is out of range; use a number of seconds above 0 and at most %d"
                         % (params["timeout"], MAX_TIMEOUT))
    if not 0 <= params["max_retries"] <= MAX_RETRIES:
        raise InputError("max_retries: %s is out of range; use 0 to %d" % (params["max_retries"], MAX_RETRIES))
    # Ignored (not even checked) when certificates are not validated.
    if params["validate_certs"] and params["ca_path"]:
        check_ca_path(params["ca_path"])
    return api_domain, accounts_url


def build_client(params: t.Mapping[str, t.Any], warn: t.Callable[[str], None], trace: bool = False,
                 on_new_token: t.Callable[[str], None] | None = None) -> BiginClient:
    """The client stack the connection options describe, once they passed check_connection(); no request is sent."""
    api_domain, accounts_url = check_connection(params, warn)
    return assemble_client(params, api_domain, accounts_url, warn, trace, on_new_token)


def assemble_client(params: t.Mapping[str, t.Any], api_domain: str, accounts_url: str, warn: t.Callable[[str], None],
                    trace: bool = False, on_new_token: t.Callable[[str], None] | None = None, session: t.Any = None,
                    sleep: t.Callable[[float], None] | None = None, cache: t.Any = FROM_OPTIONS) -> BiginClient:
    """Wire session, Transport, token cache, TokenProvider and BiginClient from checked options.

    ``session``, ``sleep`` and ``cache`` replace what the options would make (the unit tests' Wire);
    the request counts are ``client.transport.usage``.
    """
    ca_path = params["ca_path"] if params["validate_certs"] else None
    if session is None:
        # One connection per worker, and one for the listing that goes on beside them (RecordRunner.process()).
        session = new_session(params["concurrency"] + 1, params["validate_certs"], ca_path)
    usage = Usage(trace=trace, limit=params.get("max_api_calls"))
    transport = Transport(session, params["timeout"], params["max_retries"], warn, usage=usage,
                          **({"sleep": sleep} if sleep is not None else {}))
    if cache is FROM_OPTIONS:
        cache = None
        if params["token_cache"] and params["refresh_token"]:
            cache = TokenCache(default_cache_dir(), accounts_url, params["client_id"], params["refresh_token"],
                               lock_wait=params["timeout"] + LOCK_WAIT_MARGIN)
    tokens = TokenProvider(params["access_token"], params["client_id"], params["client_secret"],
                           params["refresh_token"], accounts_url, transport.send_token_request, cache, warn,
                           on_new_token=on_new_token)
    return BiginClient(transport, api_domain, params["api_version"], tokens,
                       token_domain=params["api_domain"] is None, warn=warn)
