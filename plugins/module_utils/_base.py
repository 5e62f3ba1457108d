# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base class of the collection's modules: connection options, input checks, record runs, results.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import concurrent.futures
import gc
import os
import ssl
import threading
import typing as t
from urllib.parse import urlsplit

from ansible.module_utils.basic import AnsibleModule, env_fallback, missing_required_lib

from ansible_collections.zoho.bigin.plugins.module_utils._auth import (
    LOCK_WAIT_MARGIN,
    TokenCache,
    TokenProvider,
    default_cache_dir,
)
from ansible_collections.zoho.bigin.plugins.module_utils._client import (
    DATA_CENTERS,
    HAS_REQUESTS,
    LOOPBACK_HOSTS,
    REQUESTS_IMPORT_ERROR,
    BiginClient,
    Transport,
    Usage,
    new_session,
    printable_without_spaces,
)
from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    PER_RECORD_CODES,
    PER_RECORD_STREAK,
    SYSTEMIC_CODES,
    BiginAPIError,
    BiginAuthError,
    BiginError,
    BudgetReached,
    InputError,
    NotAttempted,
    UnexpectedError,
    excerpt,
)
from ansible_collections.zoho.bigin.plugins.module_utils._records import (
    RecordRef,
    RecordResult,
    RecordsService,
    Selection,
    module_api_name,
)

Result = t.TypeVar("Result", bound=RecordResult)

MAX_CONCURRENCY = 20
# The cyclic garbage collector's first threshold while records are worked on (see _work()).
GC_THRESHOLD = 50000
# timeout bounds each whole request; max_retries bounds the attempts (with backoff up to 30 s each).
MAX_TIMEOUT = 600
MAX_RETRIES = 20


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

# Options that say which records to work on; shared by every module that works on records.
# Kept in step with plugins/doc_fragments/records.py. Exactly one of record_id, criteria and
# all_records=true is checked by Selection (all_records=false counts as not given).
RECORD_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "module": {"type": "str", "required": True},
    "record_id": {"type": "list", "elements": "raw", "aliases": ["id", "record_ids"]},
    "criteria": {"type": "str"},
    "all_records": {"type": "bool", "default": False},
    "concurrency": {"type": "int", "default": 4},
}

# The per-record entries a module returns (kept in step with plugins/doc_fragments/report.py);
# not for bigin_record_info, whose job is to return every record.
REPORT_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "report": {"type": "str", "choices": ["all", "changes", "none"]},
}
SUMMARY_KEYS = ("selected", "changed", "unchanged", "failed", "skipped", "not_attempted")


SECRET_OPTIONS = ("access_token", "client_id", "client_secret", "refresh_token")


def distinct(outcomes: t.Sequence[Result]) -> list[Result]:
    """Each result once, in order: a repeated record shares one result (see BiginModule.process)."""
    return list(dict.fromkeys(outcomes))


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


class _ResultModule(AnsibleModule):
    """An AnsibleModule whose every result, success or failure, tells what the run cost in requests."""

    usage: Usage | None = None

    def _with_usage(self, kwargs: dict[str, t.Any]) -> dict[str, t.Any]:
        # Also reached from AnsibleModule's own argument checks, before any request: zero counts then.
        usage = self.usage if self.usage is not None else Usage()
        kwargs.setdefault("api_calls", usage.calls())
        if getattr(self, "check_mode", False):
            kwargs.setdefault("api_calls_estimate", usage.estimate())
        if getattr(self, "_verbosity", 0) >= 3:
            kwargs.setdefault("api_trace", usage.trace_entries())
        return kwargs

    def exit_json(self, **kwargs: t.Any) -> t.NoReturn:  # type: ignore[override]
        super().exit_json(**self._with_usage(kwargs))

    def fail_json(self, msg: str, **kwargs: t.Any) -> t.NoReturn:  # type: ignore[override]
        super().fail_json(msg, **self._with_usage(kwargs))


class BiginModule:
    """One Ansible module run: declare ``argument_spec`` (and ``module_kwargs``), implement ``run``."""

    argument_spec: dict[str, dict[str, t.Any]] = {}
    module_kwargs: dict[str, t.Any] = {}
    # True for a module that means something with none of record_id, criteria, all_records.
    selection_optional = False
    # False for a module that returns every record whatever the selection (bigin_record_info).
    has_report = True
    # The report of a criteria or all_records selection when the task does not say (record_id: all).
    listed_report = "changes"

    @classmethod
    def full_argument_spec(cls) -> dict[str, dict[str, t.Any]]:
        """The module's options: connection, selection, report (unless ``has_report`` is false) and its own."""
        spec = dict(CONNECTION_ARGUMENT_SPEC)
        spec.update(RECORD_ARGUMENT_SPEC)
        if cls.has_report:
            spec.update(REPORT_ARGUMENT_SPEC)
        spec.update(cls.argument_spec)
        return spec

    def __init__(self) -> None:
        self.module = _ResultModule(
            argument_spec=self.full_argument_spec(),
            supports_check_mode=True,
            required_together=[["client_id", "client_secret", "refresh_token"]],
            required_one_of=[["access_token", "refresh_token"]],
            **self.module_kwargs,
        )
        if not HAS_REQUESTS:
            self.module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
        self.params = self.module.params
        self.selection: Selection | None = None
        self._client: BiginClient | None = None
        # A listing that failed after records were worked on (see process()): the task's error.
        self.listing_error: BiginError | None = None

    @classmethod
    def execute(cls) -> None:
        instance = cls()
        try:
            instance.check_input()
            instance.run()
        except InputError as exc:
            instance.module.fail_json(msg=str(exc))
        except BiginError as exc:
            # Selecting the records failed (listing, search): nothing was changed.
            instance.module.fail_json(msg="%s (nothing was changed)" % exc, error=exc.to_dict())
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # No traceback reaches the user. Its type only: the text of an unforeseen exception may
            # quote a request or a secret. Per-record work has its own catch (_work), so this is
            # reached only outside it (selection, results).
            instance.module.fail_json(msg="unexpected %s in %s; please report it" % (type(exc).__name__, cls.__name__),
                                      error={"code": UnexpectedError.code, "message": type(exc).__name__})

    def run(self) -> None:
        raise NotImplementedError

    # -- what every run needs ---------------------------------------------------

    def check_input(self) -> None:
        """Check the selection, concurrency and connection options; no request is sent."""
        self.selection = Selection.from_params(self.params, optional=self.selection_optional)
        concurrency = self.params["concurrency"]
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise InputError("concurrency: %s is out of range; use 1 to %d" % (concurrency, MAX_CONCURRENCY))
        if self.params["max_api_calls"] is not None and self.params["max_api_calls"] < 1:
            raise InputError("max_api_calls: %s is out of range; use 1 or more API requests"
                             % self.params["max_api_calls"])
        self._client = self.connect()

    @property
    def module_name(self) -> str:
        """The API name of the Bigin module the task works on (validated by check_input)."""
        return self.selection.module_name if self.selection else module_api_name(self.params["module"])

    @property
    def client(self) -> BiginClient:
        if self._client is None:
            self._client = self.connect()
        return self._client

    def selected_pages(self, fields: t.Sequence[str] = ()) -> t.Iterator[list[RecordRef]]:
        """The records the selection options name, a page at a time; ``fields`` are read too when records are listed.

        For record_id no request is sent: one page of unlisted refs in input order (repeats kept). A
        search reads every page before its records come, so a selection too large for it fails before
        anything is changed; all_records reads its next page only when process() asks for it. With no
        selection option (allowed only when ``selection_optional``), no page: the module decides.
        """
        if self.selection is None:
            self.check_input()
        if self.selection is None:
            return iter([])
        return RecordsService(self.client, self.selection.module_name).select_pages(self.selection, fields)

    def connect(self) -> BiginClient:
        """Build the client; no request is sent until the first record is worked on."""
        params = self.params
        for name in SECRET_OPTIONS:
            value = params[name]
            if value is not None and not printable_without_spaces(value):
                raise InputError("%s: must be non-empty, without spaces or control characters" % name)
        accounts_default, api_default = DATA_CENTERS[params["data_center"]]
        api_domain, api_insecure = _url_option(params, "api_domain", api_default)
        accounts_url, accounts_insecure = _url_option(params, "accounts_url", accounts_default)
        if api_insecure or accounts_insecure:
            self.module.warn("api_domain or accounts_url uses plain http: tokens cross the network unencrypted")
        if not 0 < params["timeout"] <= MAX_TIMEOUT:  # also refuses nan
            raise InputError("timeout: %s is out of range; use a number of seconds above 0 and at most %d"
                             % (params["timeout"], MAX_TIMEOUT))
        if not 0 <= params["max_retries"] <= MAX_RETRIES:
            raise InputError("max_retries: %s is out of range; use 0 to %d" % (params["max_retries"], MAX_RETRIES))
        # Ignored (not even checked) when certificates are not validated.
        ca_path = params["ca_path"] if params["validate_certs"] else None
        if ca_path:
            check_ca_path(ca_path)
        # One connection per worker, and one for the listing that goes on beside them (process()).
        session = new_session(params["concurrency"] + 1, params["validate_certs"], ca_path)
        usage = self.module.usage = Usage(trace=self.module._verbosity >= 3, limit=params["max_api_calls"])
        transport = Transport(session, params["timeout"], params["max_retries"], self.module.warn, usage=usage)
        cache = None
        if params["token_cache"] and params["refresh_token"]:
            cache = TokenCache(default_cache_dir(), accounts_url, params["client_id"], params["refresh_token"],
                               lock_wait=params["timeout"] + LOCK_WAIT_MARGIN)
        tokens = TokenProvider(params["access_token"], params["client_id"], params["client_secret"],
                               params["refresh_token"], accounts_url, transport.send_token_request, cache, self.module.warn,
                               on_new_token=self.module.no_log_values.add)
        return BiginClient(transport, api_domain, params["api_version"], tokens,
                           token_domain=params["api_domain"] is None, warn=self.module.warn)

    def process(self, pages: t.Iterable[t.Sequence[RecordRef]], factory: t.Callable[[RecordRef], Result],
                work: t.Callable[[Result], None], settle: t.Callable[[Result], bool] | None = None) -> list[Result]:
        """One result per selected record (a repeated one shares its result), in selection order; see _work().

        ``pages`` may be a listing that reads its next page while the records of the last are worked
        on (selected_pages()). ``settle`` decides, without a request, a record that the listing shows
        needs nothing (True: settled), so it never reaches the thread pool. A listing that fails part
        way stops the reading: the task fails with ``listing_error`` (see finish()).
        """
        positions: list[Result] = []
        by_id: dict[str, Result] = {}

        def unique(page: t.Sequence[RecordRef]) -> list[Result]:
            new = []
            for ref in page:
                out = by_id.get(ref.record_id)
                if out is None:
                    out = by_id[ref.record_id] = factory(ref)
                    new.append(out)
                positions.append(out)  # a repeated record shares one result
            return new

        self._work((unique(page) for page in pages), work, settle)
        return positions

    def _work(self, pages: t.Iterator[list[Result]], work: t.Callable[[Result], None],
              settle: t.Callable[[Result], bool] | None = None) -> None:
        """Work on every record, ``concurrency`` at a time; one record's failure doesn't stop the rest.

        Only an error that cannot depend on the record stops the task early, or PER_RECORD_STREAK
        records in a row (in completion order) failing with the same per-record code while none
        has succeeded, or max_api_calls: the records not yet started are then NOT_ATTEMPTED (but for
        those ``settle`` decides without a request), and no further page is read. At most twice
        ``concurrency`` records wait for a worker, so a listing is read only as fast as its records
        are worked on.
        """
        lock = threading.Lock()
        stop: list[str] = []  # why the records not yet started are left alone
        streak = {"code": None, "count": 0, "succeeded": False}

        def note_outcome(out: Result) -> None:
            # Called under the lock, in completion order.
            exc = out.error
            if exc is None:
                streak["succeeded"] = True
                return
            if isinstance(exc, BudgetReached):
                if not stop:
                    stop.append("max_api_calls reached")
                return
            if exc.code in SYSTEMIC_CODES or isinstance(exc, BiginAuthError) or (
                    isinstance(exc, BiginAPIError) and exc.http_status == 401):
                if not stop:
                    stop.append("an earlier record failed with %s, which every record would meet"
                                % (exc.code or "HTTP 401"))
                return
            if exc.code in PER_RECORD_CODES and exc.code == streak["code"]:
                streak["count"] += 1
            else:
                streak["code"], streak["count"] = (exc.code, 1) if exc.code in PER_RECORD_CODES else (None, 0)
            if streak["count"] >= PER_RECORD_STREAK and not streak["succeeded"] and not stop:
                stop.append("%d records in a row failed with %s and none succeeded; stopped to save API credits"
                            % (streak["count"], exc.code))

        def work_on(out: Result) -> None:
            with lock:
                if stop:
                    out.error = NotAttempted("not attempted: " + stop[0])
                    return
            try:
                if out.ref.bad_id is not None:
                    raise BiginAPIError(200, None, "the API listed a record whose id %s is not a record id "
                                        "(1 to 19 digits); it was left alone" % out.ref.bad_id)
                work(out)
            except BiginError as exc:
                out.error = exc
            except Exception as exc:  # pylint: disable=broad-exception-caught
                # A bug must not hide what was already done to the other records. The text of an
                # unforeseen exception may quote a request, so only its type is reported.
                out.error = UnexpectedError("unexpected %s while working on %s; please report it"
                                            % (type(exc).__name__, out.label))
            with lock:
                note_outcome(out)

        workers = self.params["concurrency"]
        # A listing of 100,000 records makes 200,000 small objects that are never cyclic garbage: with the default
        # threshold the collector would walk them all again and again (measured: a fifth of the run).
        thresholds = gc.get_threshold()
        gc.set_threshold(max(thresholds[0], GC_THRESHOLD), *thresholds[1:])
        pool: concurrent.futures.ThreadPoolExecutor | None = None
        waiting = threading.BoundedSemaphore(2 * workers)
        try:
            for page in pages:  # a listing reads its next page here
                if pool is None and workers > 1 and len(page) > 1:
                    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
                for out in page:
                    skip = self.selection.leaves_alone(out.ref) if self.selection is not None else None
                    if skip is not None:
                        out.skipped = skip  # never worked on: not changed, not failed
                        continue
                    if settle is not None and out.ref.bad_id is None and settle(out):
                        continue
                    if stop:
                        out.error = NotAttempted("not attempted: " + stop[0])
                        continue
                    if pool is None:
                        work_on(out)
                        continue
                    waiting.acquire()
                    pool.submit(work_on, out).add_done_callback(lambda _done: waiting.release())
                if stop:
                    break  # the rest of a listing is not read: it would only cost credits
        except BiginError as exc:
            # Raised by a listing after its first page: no further page; the records handed out finish.
            self.listing_error = exc
        finally:
            if pool is not None:
                pool.shutdown(wait=True)
            gc.set_threshold(*thresholds)

    def summary(self, unique: t.Sequence[Result]) -> dict[str, int]:
        """The ``summary`` result: how many records were selected and what became of them."""
        counts = {key: 0 for key in SUMMARY_KEYS}
        counts["selected"] = len(unique)
        for out in unique:
            if isinstance(out.error, NotAttempted):
                counts["not_attempted"] += 1
            elif out.error is not None:
                counts["failed"] += 1
            elif out.skipped is not None:
                counts["skipped"] += 1
            elif out.changed:
                counts["changed"] += 1
            else:
                counts["unchanged"] += 1
        return counts

    @staticmethod
    def _rendered(out: Result, render: t.Callable[[t.Any], dict[str, t.Any]]) -> dict[str, t.Any]:
        entry = render(out)
        if out.skipped is not None:
            entry.update(skipped=True, skip_reason=out.skipped)
        return entry

    def report_mode(self) -> str:
        """What ``records`` holds: the ``report`` option, by default every record only for record_id (or no selection)."""
        if not self.has_report:
            return "all"
        if self.params.get("report"):
            return self.params["report"]
        return "all" if self.selection is None or self.selection.ids is not None else self.listed_report

    def finish(self, outcomes: t.Sequence[Result], render: t.Callable[[t.Any], dict[str, t.Any]],
               summarize: t.Callable[[list[Result]], dict[str, t.Any]] | None = None,
               task_error: BiginError | None = None) -> None:
        """Exit with ``changed``, ``summary``, ``records`` (as ``report`` says) and the keys ``summarize`` makes; fail if any failed.

        The failure message names the first real error (a NOT_ATTEMPTED record only when nothing else failed).
        ``task_error``: a failure of the task after the records were worked on (their results still count).
        """
        unique = distinct(outcomes)
        summary = self.summary(unique)
        mode = self.report_mode()
        if mode == "all":
            shown: t.Sequence[Result] = outcomes
        elif mode == "changes":
            shown = [out for out in outcomes if out.changed or out.error is not None or out.skipped is not None]
        else:
            shown = []
        result: dict[str, t.Any] = {
            "changed": summary["changed"] > 0 or any(out.changed for out in unique),
            "summary": summary,
            "records": [self._rendered(out, render) for out in shown],
        }
        if summarize is not None:
            result.update(summarize(unique))
        if self.module._diff:
            pairs = [(out.label, out.diff()) for out in unique]
            result["diff"] = [{"before_header": label, "after_header": label, "before": pair[0], "after": pair[1]}
                              for label, pair in pairs if pair is not None]
        failed = [out for out in unique if out.error is not None]
        usage = self.module.usage
        if task_error is None and usage is not None and usage.limit_reached:
            self.module.fail_json(msg="max_api_calls (%d) reached: %d of %d records done (%d changed), %d not attempted; "
                                      "raise max_api_calls or rerun to go on"
                                      % (usage.limit or 0, summary["changed"] + summary["unchanged"] + summary["skipped"],
                                         summary["selected"], summary["changed"], summary["not_attempted"]),
                                  error=BudgetReached(usage.limit or 0).to_dict(), **result)
        task_error = task_error or self.listing_error
        if task_error is not None:
            msg = str(task_error)
            if task_error is self.listing_error:
                msg = ("%s (nothing was changed)" % msg if not result["changed"] else
                       "%s; %d records were worked on before it (%d changed) and the rest left alone: rerun to finish"
                       % (msg, len(unique) - summary["not_attempted"], summary["changed"]))
            self.module.fail_json(msg=msg, error=task_error.to_dict(), **result)
        if not failed:
            self.module.exit_json(**result)
        failed.sort(key=lambda out: isinstance(out.error, NotAttempted))
        first = failed[0]
        msg = "%s: %s" % (first.label, first.error)
        if len(unique) > 1:
            msg = "%d of %d records failed; first: %s" % (len(failed), len(unique), msg)
        self.module.fail_json(msg=msg, error=first.error.to_dict() if first.error else None, **result)
