# Copyright (c) 2026, zoho.bigin contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The per-record runner and the result builder that every record module shares.

``RecordRunner`` is the part of a module (BiginModule inherits it) that works on the selected
records, ``concurrency`` at a time, one record's failure never stopping the others, and then
builds the task result (``summary``, ``records`` as ``report`` says, ``diff``). It reads what the
lifecycle set up: ``params``, ``selection``, ``module`` (whose ``usage`` counts the requests) and
``has_report``/``listed_report``.

This file is private to the collection: its API may change without notice.
"""

from __future__ import annotations

import concurrent.futures
import gc
import threading
import typing as t

from ansible_collections.zoho.bigin.plugins.module_utils._errors import (
    PER_RECORD_CODES,
    PER_RECORD_STREAK,
    SYSTEMIC_CODES,
    BiginAPIError,
    BiginAuthError,
    BiginError,
    BudgetReached,
    NotAttempted,
    UnexpectedError,
)
from ansible_collections.zoho.bigin.plugins.module_utils._records import RecordRef, RecordResult, Selection

Result = t.TypeVar("Result", bound=RecordResult)

# The cyclic garbage collector's first threshold while records are worked on (see _work()).
GC_THRESHOLD = 50000
SUMMARY_KEYS = ("selected", "changed", "unchanged", "failed", "skipped", "not_attempted")


def distinct(outcomes: t.Sequence[Result]) -> list[Result]:
    """Each result once, in order: a repeated record shares one result (see RecordRunner.process)."""
    return list(dict.fromkeys(outcomes))


class RecordRunner:
    """Work on the selected records (process) and report what became of them (finish)."""

    params: dict[str, t.Any]
    module: t.Any
    selection: Selection | None
    # False for a module that returns every record whatever the selection (bigin_record_info).
    has_report = True
    # The report of a criteria or all_records selection when the task does not say (record_id: all).
    listed_report = "changes"
    # A listing that failed after records were worked on (see process()): the task's error.
    listing_error: BiginError | None = None

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
        # Looked up once: the loop below runs once per listed record (100,000 in a large listing).
        leaves_alone = self.selection.leaves_alone if self.selection is not None and self.selection.parsed else None
        try:
            for page in pages:  # a listing reads its next page here
                if pool is None and workers > 1 and len(page) > 1:
                    pool = concurrent.futures.ThreadPoolExecutor(max_workers=workers)
                for out in page:
                    if leaves_alone is not None:
                        skip = leaves_alone(out.ref)
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
