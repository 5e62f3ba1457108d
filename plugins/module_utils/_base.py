# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The base class of the collection's modules: the argument specs they compose, and one straight lifecycle.

``execute()`` parses the options, checks them, connects once and runs the module; the connection
options and the client stack are _connection.py's, the per-record runner and the results
_runner.py's.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import typing as t

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.zoho.bigin.plugins.module_utils._client import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, BiginClient, Usage
from ansible_collections.zoho.bigin.plugins.module_utils._connection import CONNECTION_ARGUMENT_SPEC, build_client
from ansible_collections.zoho.bigin.plugins.module_utils._errors import BiginError, InputError, UnexpectedError
from ansible_collections.zoho.bigin.plugins.module_utils._records import (
    RecordRef,
    RecordsService,
    Selection,
    module_api_name,
)
from ansible_collections.zoho.bigin.plugins.module_utils._runner import RecordRunner

MAX_CONCURRENCY = 20
NO_SELECTION = "give exactly one of record_id, criteria or all_records=true to say which records"

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

# The options of the modules that mirror records' files into a directory (bigin_photo_export,
# bigin_attachment_export; kept in step with their DOCUMENTATION); keep_versions: _files.check_keep_versions.
EXPORT_ARGUMENT_SPEC: dict[str, dict[str, t.Any]] = {
    "dest": {"type": "path", "required": True},
    "prune": {"type": "bool", "default": False},
    "keep_versions": {"type": "int", "default": 1},
}

SPECS: dict[str, dict[str, dict[str, t.Any]]] = {
    "connection": CONNECTION_ARGUMENT_SPEC,
    "selection": RECORD_ARGUMENT_SPEC,
    "report": REPORT_ARGUMENT_SPEC,
    "export": EXPORT_ARGUMENT_SPEC,
}


def get_spec(*names: str) -> dict[str, dict[str, t.Any]]:
    """The union of the named argument specs (``connection``, ``selection``, ``report``, ``export``), in that order."""
    spec: dict[str, dict[str, t.Any]] = {}
    for name in names:
        spec.update(SPECS[name])
    return spec


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


class BiginModule(RecordRunner):
    """One Ansible module run: declare ``argument_spec`` (and ``module_kwargs``), implement ``run``.

    ``spec_parts`` names the shared specs the module takes (get_spec()); a module without ``report``
    returns every record whatever the selection (bigin_record_info).
    """

    spec_parts: tuple[str, ...] = ("connection", "selection", "report")
    argument_spec: dict[str, dict[str, t.Any]] = {}
    module_kwargs: dict[str, t.Any] = {}

    @classmethod
    def full_argument_spec(cls) -> dict[str, dict[str, t.Any]]:
        """The module's options: the shared specs it names, then its own."""
        spec = get_spec(*cls.spec_parts)
        spec.update(cls.argument_spec)
        return spec

    def __init__(self) -> None:
        self.has_report = "report" in self.spec_parts
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
        # Set once, by execute(), before run().
        self.client: BiginClient = t.cast(BiginClient, None)
        self.listing_error = None

    @classmethod
    def execute(cls) -> None:
        """Parse, check, connect once, run: the whole life of a module run."""
        instance = cls()
        try:
            instance.check_input()
            instance.client = instance.connect()
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

    def check_input(self) -> None:
        """Check the selection, concurrency and budget options; no request is sent."""
        self.selection = Selection.from_params(self.params, optional=True)
        if self.selection is None:
            self.without_selection()
        concurrency = self.params["concurrency"]
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise InputError("concurrency: %s is out of range; use 1 to %d" % (concurrency, MAX_CONCURRENCY))
        if self.params["max_api_calls"] is not None and self.params["max_api_calls"] < 1:
            raise InputError("max_api_calls: %s is out of range; use 1 or more API requests"
                             % self.params["max_api_calls"])

    def without_selection(self) -> None:
        """None of record_id, criteria, all_records=true was given: an error, unless the module names its records itself."""
        raise InputError(NO_SELECTION)

    def connect(self) -> BiginClient:
        """Check the connection options and build the client (_connection.py); no request is sent."""
        client = build_client(self.params, self.module.warn, trace=self.module._verbosity >= 3,
                              on_new_token=self.module.no_log_values.add)
        self.module.usage = client.transport.usage
        return client

    @property
    def module_name(self) -> str:
        """The API name of the Bigin module the task works on (validated by check_input)."""
        return self.selection.module_name if self.selection else module_api_name(self.params["module"])

    def selected_pages(self, fields: t.Sequence[str] = ()) -> t.Iterator[list[RecordRef]]:
        """The records the selection options name, a page at a time; ``fields`` are read too when records are listed.

        For record_id no request is sent: one page of unlisted refs in input order (repeats kept). A
        search reads every page before its records come, so a selection too large for it fails before
        anything is changed; all_records reads its next page only when process() asks for it. With no
        selection option (a module whose without_selection() allows it), no page: the module decides.
        """
        if self.selection is None:
            return iter([])
        return RecordsService(self.client, self.selection.module_name).select_pages(self.selection, fields)
