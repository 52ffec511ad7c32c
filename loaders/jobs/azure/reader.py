"""Reading one vault in a worker thread: its job list window by window and page by page, failed
jobs' details, each page turned into job rows. Nothing here writes to the store: the reader hands
`PageRead` and `WindowRead` events to the sync's single writer, in order, so a window's watermark
is only stored after every page of it was committed.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from loaders.jobs.azure.client import describe_failure, is_credential_failure
from loaders.jobs.azure.pages import Page, read_pages
from loaders.jobs.azure.scopes import VaultTarget, vault_location
from loaders.jobs.azure.window import job_filter, next_watermark, split_window
from loaders.jobs.guidance import Resolver
from loaders.jobs.importers import rest
from loaders.jobs.importers.base import Parsed, RecordError
from loaders.jobs.schema import FAILED, RUNNING_STATUSES, JobRow, QuarantineRow
from loaders.jobs.timeutil import utc_now

SYNC_SOURCE = "azure-rest"  # JobRow.source of synced jobs and sync_state source of the watermarks


class Stopped(Exception):
    """The sync is ending early (another vault lost the credential, or the caller stopped it)."""


@dataclass(frozen=True)
class VaultPlan:
    """What to read of one vault: computed by the writer from the stored watermark."""

    target: VaultTarget
    start: dt.datetime
    end: dt.datetime
    may_advance: bool  # the watermark may move (the read leaves no gap after the stored one)
    run_stamp: str  # keeps quarantine locations of different syncs apart


@dataclass
class PageRead:
    plan: VaultPlan
    number: int
    rows: list[JobRow]
    rejected: list[QuarantineRow]
    read: int  # items listed
    quarantined: int  # items rejected (the damaged page's own record not counted)
    damaged: bool
    read_so_far: int = 0  # the vault's items read up to this page, filled in by the writer


@dataclass
class WindowRead:
    plan: VaultPlan
    watermark: dt.datetime  # where the vault's watermark may move now that this window is read


@dataclass
class VaultRead:
    """The reader is done with a vault: completely, or with the failure that stopped it."""

    plan: VaultPlan
    target: VaultTarget
    error: BaseException | None = None
    warnings: list[str] = field(default_factory=list)
    details_fetched: int = 0
    responses: Counter[int] = field(default_factory=Counter)


@dataclass
class ReaderContext:
    """What every reader of one sync shares."""

    options: Any  # SyncOptions
    resolver: Resolver
    emit: Callable[[Any], None]  # hands an event to the writer (blocks while the writer is behind)
    stop: threading.Event


@dataclass
class _DetailBudget:
    limit: int
    used: int = 0
    skipped: int = 0

    def take(self) -> bool:
        if self.used < self.limit:
            self.used += 1
            return True
        self.skipped += 1
        return False


def read_vault(ctx: ReaderContext, plan: VaultPlan, client: Any, call_kwargs: dict[str, Any],
               lookup: Any) -> VaultRead:
    """Read one vault, emitting its pages and windows; never raises (the failure is in the result).
    `lookup` is a store connection of this thread, for the errors already known of listed jobs."""
    done = VaultRead(plan, plan.target)
    hook = call_kwargs.get("raw_response_hook")

    def count(response: Any) -> None:
        done.responses[response.http_response.status_code] += 1
        if hook is not None:
            hook(response)

    kwargs = {**call_kwargs, "raw_response_hook": count}
    try:
        target = plan.target
        if target.location is None:
            target = _with_location(client, kwargs, target, done)
        done.target = target
        _read_windows(ctx, replace(plan, target=target), client, kwargs, lookup, done)
    except Exception as exc:  # noqa: BLE001 - the writer decides what a failure means
        done.error = exc
    return done


def _read_windows(ctx: ReaderContext, plan: VaultPlan, client: Any, kwargs: dict[str, Any], lookup: Any,
                  done: VaultRead) -> None:
    options = ctx.options
    in_progress: list[dt.datetime] = []
    budget = _DetailBudget(options.max_detail_fetches)
    number = 0
    for window in split_window(plan.start, plan.end, dt.timedelta(days=options.max_window_days)):
        pages = read_pages(client, plan.target.vault_name, plan.target.resource_group, job_filter(window), kwargs,
                           options.damaged_page_retries)
        for page in pages:
            if ctx.stop.is_set():
                raise Stopped()
            number += 1
            event = _page_rows(ctx, plan, client, kwargs, lookup, page, number, budget, done)
            in_progress.extend(row.start_time for row in event.rows
                               if row.status in RUNNING_STATUSES and row.start_time is not None)
            ctx.emit(event)
        if plan.may_advance:
            watermark = next_watermark(window.end, in_progress, plan.end,
                                       dt.timedelta(days=options.max_in_progress_days))
            ctx.emit(WindowRead(plan, watermark))
    if budget.skipped:
        done.warnings.append(
            f"{budget.skipped} failed job(s) listed without error details were not looked up "
            f"(at most {budget.limit} per vault and sync); they count as 'unknown' until a later sync")


def _page_rows(ctx: ReaderContext, plan: VaultPlan, client: Any, kwargs: dict[str, Any], lookup: Any,
               page: Page, number: int, budget: _DetailBudget, done: VaultRead) -> PageRead:
    target = plan.target
    where = f"{target.vault_name}/page {number}"
    suffix = f" [{target.resource_group}, sync {plan.run_stamp}]"
    parsed = Parsed("rest", SYNC_SOURCE)
    ingest_time = utc_now()
    for index, item in page.items:
        rest.add_job(parsed, f"{where}/item {index}{suffix}", item, ingest_time)
    known = stored_errors(lookup, [row for _, row, _ in parsed.rows if lacks_error(row)])
    rows: list[JobRow] = []
    for _location, row, _ in parsed.rows:
        if lacks_error(row):
            stored = known.get((row.vault_id, row.job_id.lower()))
            if stored is not None:
                # Read before (from details): keep it rather than ask again or overwrite it with nothing.
                row.error_code_int, row.error_code, row.error_message = stored
            elif budget.take():
                row = _with_details(client, kwargs, target, row, done, ingest_time)
        if row.region is None:
            row.region = target.location
        rows.append(ctx.resolver.apply(row))
    rejected = list(parsed.rejected)
    if page.damage:
        rejected.append(QuarantineRow(SYNC_SOURCE, f"{where}{suffix}", page.damage, page.body))
    return PageRead(plan, number, rows, rejected, len(page.items), len(parsed.rejected), bool(page.damage))


def stored_errors(lookup: Any, rows: list[JobRow]) -> dict[tuple[str, str], tuple[int | None, str | None, str | None]]:
    """Error fields the store already holds for these jobs, keyed by (vault id, lower-cased job id)."""
    if not rows:
        return {}
    keys = sorted({(row.vault_id, row.job_id.lower()) for row in rows})
    found = lookup.execute(
        "SELECT j.vault_id, j.job_id, j.error_code_int, j.error_code, j.error_message "
        "FROM jobs j JOIN (SELECT unnest(?) AS vault_id, unnest(?) AS job_id) k "
        "ON j.vault_id = k.vault_id AND j.job_id = k.job_id "
        "WHERE j.error_code_int IS NOT NULL OR j.error_code IS NOT NULL OR j.error_message IS NOT NULL",
        [[k[0] for k in keys], [k[1] for k in keys]],
    ).fetchall()
    return {(vault_id, job_id): (code_int, code, message) for vault_id, job_id, code_int, code, message in found}


def lacks_error(row: JobRow) -> bool:
    return row.status == FAILED and row.error_code_int is None and not row.error_code and not row.error_message


def _with_location(client: Any, kwargs: dict[str, Any], target: VaultTarget, done: VaultRead) -> VaultTarget:
    """The vault's region (jobs carry none), for region filters; a failure only costs the region."""
    try:
        location = vault_location(client, target, kwargs)
    except Exception as exc:  # noqa: BLE001
        if is_credential_failure(exc):
            raise
        done.warnings.append(f"region unknown: the vault itself could not be read: {describe_failure(exc)}")
        return target
    return replace(target, location=location)


def _with_details(client: Any, kwargs: dict[str, Any], target: VaultTarget, row: JobRow, done: VaultRead,
                  ingest_time: dt.datetime) -> JobRow:
    """The job's details (GET backupJobs/{name}) when they carry the error the list left out."""
    try:
        job = client.job_details.get(target.vault_name, target.resource_group, row.job_id, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the listed row is kept either way
        if is_credential_failure(exc):
            raise
        done.warnings.append(f"details of failed job {row.job_id} could not be read: {describe_failure(exc)}")
        return row
    done.details_fetched += 1
    raw = job.as_dict() if hasattr(job, "as_dict") else job
    try:
        detailed = rest.job_to_row(raw, SYNC_SOURCE, ingest_time) if rest.is_job_object(raw) else None
    except RecordError as exc:
        done.warnings.append(f"details of failed job {row.job_id} are unreadable ({exc}); listed values kept")
        return row
    if detailed is None or detailed.vault_id != row.vault_id or detailed.job_id.lower() != row.job_id.lower():
        done.warnings.append(f"details of failed job {row.job_id} describe another job; listed values kept")
        return row
    return detailed
