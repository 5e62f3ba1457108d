# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base class of the collection's modules: connection options, input checks, record runs, results.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import concurrent.futures
import typing as t

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.zoho.bigin.plugins.module_utils._auth import TokenCache, TokenProvider, default_cache_dir
from ansible_collections.zoho.bigin.plugins.module_utils._client import (
    DATA_CENTERS,
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
    BiginClient,
    Transport,
    new_session,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import SYSTEMIC_CODES, BiginAuthError, BiginError
from ansible_collections.zoho.bigin.plugins.module_utils._photo import (
    InputError,
    Outcome,
    PhotoService,
    module_api_name,
    record_ids,
)

MAX_CONCURRENCY = 20


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
    "max_retries": {"type": "int", "default": 5, "fallback": _env("MAX_RETRIES")},
    "token_cache": {"type": "bool", "default": True, "fallback": _env("TOKEN_CACHE")},
}

# Options that say which records to work on; shared by every photo module.
RECORD_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "module": {"type": "str", "required": True},
    "record_id": {"type": "list", "elements": "raw", "required": True, "aliases": ["id", "record_ids"]},
    "concurrency": {"type": "int", "default": 4},
}


class NotAttempted(BiginError):
    """A record left alone because an earlier one met an error that every record would meet."""

    code = "NOT_ATTEMPTED"


def _url_option(params: dict[str, t.Any], name: str, default: str) -> str:
    value = params[name] or default
    if not value.startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise InputError("%s: %r is not an http(s) URL" % (name, value))
    return value.rstrip("/")


class BiginModule:
    """One Ansible module run: declare ``argument_spec`` (and ``module_kwargs``), implement ``run``."""

    argument_spec: dict[str, dict[str, t.Any]] = {}
    module_kwargs: dict[str, t.Any] = {}

    def __init__(self) -> None:
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(RECORD_ARGUMENT_SPEC)
        spec.update(self.argument_spec)
        self.module = AnsibleModule(
            argument_spec=spec,
            supports_check_mode=True,
            required_together=[["client_id", "client_secret", "refresh_token"]],
            required_one_of=[["access_token", "refresh_token"]],
            **self.module_kwargs,
        )
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.params = self.module.params
        self.tokens: TokenProvider | None = None

    @classmethod
    def execute(cls) -> None:
        instance = cls()
        try:
            instance.run()
        except InputError as exc:
            instance.module.fail_json(msg=str(exc))

    def run(self) -> None:
        raise NotImplementedError

    # -- what every run needs ---------------------------------------------------

    def records(self) -> tuple[PhotoService, list[Outcome]]:
        """Validate the record options, connect, and return the service and one outcome per record."""
        module = module_api_name(self.params["module"])
        ids = record_ids(self.params["record_id"])
        concurrency = self.params["concurrency"]
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise InputError("concurrency: %s is out of range; use 1 to %d" % (concurrency, MAX_CONCURRENCY))
        return PhotoService(self.connect(), module), [Outcome(module, record_id) for record_id in ids]

    def connect(self) -> BiginClient:
        """Build the client; no request is sent until the first record is worked on."""
        params = self.params
        accounts_default, api_default = DATA_CENTERS[params["data_center"]]
        api_domain = _url_option(params, "api_domain", api_default)
        accounts_url = _url_option(params, "accounts_url", accounts_default)
        if params["timeout"] <= 0:
            raise InputError("timeout: %s must be a positive number of seconds" % params["timeout"])
        if params["max_retries"] < 0:
            raise InputError("max_retries: %s must be 0 or more" % params["max_retries"])
        session = new_session(params["concurrency"], params["validate_certs"])
        transport = Transport(session, params["timeout"], params["max_retries"], self.module.warn)
        cache = None
        if params["token_cache"] and params["refresh_token"]:
            cache = TokenCache(default_cache_dir(), accounts_url, params["client_id"], params["refresh_token"])

        def post(url: str, data: dict[str, str]) -> tuple[int, bytes]:
            result = transport.send("POST", url, "OAuth token refresh", idempotent=False, data=data)
            return result.status, result.body or b""

        self.tokens = TokenProvider(params["access_token"], params["client_id"], params["client_secret"],
                                    params["refresh_token"], accounts_url, post, cache, self.module.warn)
        return BiginClient(transport, api_domain, params["api_version"], self.tokens)

    def run_records(self, outcomes: list[Outcome], work: t.Callable[[Outcome], None]) -> list[Outcome]:
        """Work on every record, ``concurrency`` at a time; one record's failure doesn't stop the rest."""
        systemic: list[BiginError] = []

        def one(out: Outcome) -> None:
            if systemic:
                out.error = NotAttempted("not attempted: an earlier record failed with %s"
                                         % (systemic[0].code or type(systemic[0]).__name__))
                return
            try:
                work(out)
            except BiginError as exc:
                out.error = exc
                if exc.code in SYSTEMIC_CODES or isinstance(exc, BiginAuthError):
                    systemic.append(exc)

        workers = min(self.params["concurrency"], len(outcomes))
        if workers <= 1:
            for out in outcomes:
                one(out)
        else:
            with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(one, outcomes))
        return outcomes

    def finish(self, outcomes: list[Outcome], render: t.Callable[[Outcome], dict[str, t.Any]],
               **extra: t.Any) -> None:
        """Exit with ``changed`` and ``records``; fail if any record failed, naming the first real error."""
        result: dict[str, t.Any] = dict(
            changed=any(out.changed for out in outcomes),
            records=[render(out) for out in outcomes],
            **extra
        )
        if self.module._diff:
            result["diff"] = [
                {"before_header": out.label, "after_header": out.label,
                 "before": out.before.to_dict(), "after": out.after.to_dict()}
                for out in outcomes if out.changed and out.before is not None and out.after is not None
            ]
        failed = [out for out in outcomes if out.error is not None]
        if not failed:
            self.module.exit_json(**result)
        failed.sort(key=lambda out: isinstance(out.error, NotAttempted))
        first = failed[0]
        msg = "%s: %s" % (first.label, first.error)
        if len(outcomes) > 1:
            msg = "%d of %d records failed; first: %s" % (len(failed), len(outcomes), msg)
        self.module.fail_json(msg=msg, error=first.error.to_dict() if first.error else None, **result)
