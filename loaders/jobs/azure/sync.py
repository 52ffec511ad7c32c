"""Live sync of Azure VM backup jobs from Recovery Services vaults into the job store.

    sync_vaults(store, credential, scopes, *, since=None, progress=None, base_url=None,
                client_factory=None) -> SyncReport
    python -m loaders jobs sync --vault <id> [--subscription <id>] [--since 2026-11-01] [--db PATH]

For every vault (given by resource id, or found by listing a subscription's vaults) the jobs of
backup management type AzureIaasVM are listed with the official SDK (azure-mgmt-recoveryservicesbackup)
for the window from the vault's watermark (minus an overlap) to now, page by page following
nextLink. Every page is normalised exactly like an imported REST file (`importers.rest`), resolved
against the error catalog and upserted at once, so a crash loses at most the page in flight and
a re-run duplicates nothing. The watermark (source "azure-rest", scope = vault id) moves only
after a window was read completely, and never past the start of a job that is still running, so
that job is read again, finished, next time. Failed jobs listed without errorDetails are fetched
one by one (bounded per vault). A vault that keeps failing (HTTP status after retries, timeouts)
is reported with the status and the other vaults go on; unreadable items and damaged pages go to
the quarantine as "<vault>/page N/item i".

Permissions: read-only. The identity needs the built-in **Backup Reader** role on each vault
(or on its resource group or subscription). Listing the vaults of a subscription needs a role
that reads vaults at the subscription itself: Backup Reader or **Reader** assigned there.
Credentials: `DefaultAzureCredential()` (Azure CLI login, environment variables, workload or
managed identity). Tokens stay inside the SDK: they are never logged, printed or stored.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from loaders.jobs.azure.client import (
    Pacer,
    SyncOptions,
    call_options,
    client_base_url,
    describe_failure,
    is_credential_failure,
    make_client,
)
from loaders.jobs.azure.pages import LostPages, Page, read_pages
from loaders.jobs.azure.scopes import VaultTarget, classify_scopes, list_vaults, vault_location
from loaders.jobs.azure.window import (
    covers_since_watermark,
    job_filter,
    next_watermark,
    split_window,
    window_start,
)
from loaders.jobs.guidance import CatalogLike, Resolver, load_default_catalog
from loaders.jobs.importers import rest
from loaders.jobs.importers.base import Parsed, RecordError
from loaders.jobs.normalize import parse_datetime
from loaders.jobs.schema import FAILED, RUNNING_STATUSES, JobRow, QuarantineRow
from loaders.jobs.store import Store, StoreError
from loaders.jobs.timeutil import naive_utc, utc_now

SYNC_SOURCE = "azure-rest"  # JobRow.source of synced jobs and sync_state source of the watermarks

# (vaults done, vaults in total, message); the total is at least 1 and may grow while
# subscriptions are being listed.
SyncProgress = Callable[[int, int, str], None]


@dataclass
class VaultReport:
    vault_id: str
    vault_name: str
    resource_group: str
    subscription_id: str
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    pages: int = 0
    read: int = 0  # items listed, readable or not
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    repeated: int = 0  # items listed again within this sync (the service repeated them across pages/windows)
    damaged_pages: int = 0  # pages whose body was not valid JSON (quarantined; intact jobs kept)
    details_fetched: int = 0
    responses: dict[int, int] = field(default_factory=dict)  # HTTP status -> count, retries included
    watermark: dt.datetime | None = None  # stored after this sync (None: unchanged or never set)
    complete: bool = False  # every window was read to its last page
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def adds_up(self) -> bool:
        return self.read == self.inserted + self.updated + self.quarantined + self.repeated

    @property
    def throttled(self) -> int:
        return self.responses.get(429, 0)

    def summary(self) -> str:
        head = f"{self.vault_name} ({self.resource_group}, {self.subscription_id})"
        counts = (f"{self.pages} pages, read {self.read} = {self.inserted} inserted + {self.updated} updated"
                  f" + {self.quarantined} quarantined + {self.repeated} repeated")
        extras = []
        if self.damaged_pages:
            extras.append(f"{self.damaged_pages} damaged pages")
        if self.details_fetched:
            extras.append(f"{self.details_fetched} job details fetched")
        if self.throttled:
            extras.append(f"throttled {self.throttled}x")
        if extras:
            counts += f" ({', '.join(extras)})"
        if self.error:
            return f"{head}: FAILED: {self.error}; so far {counts}"
        return f"{head}: {counts}"


@dataclass
class SyncReport:
    vaults: list[VaultReport] = field(default_factory=list)
    scope_errors: list[str] = field(default_factory=list)  # subscriptions that could not be listed, bad scopes
    credential_error: str | None = None  # no token could be obtained at all
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    @property
    def ok(self) -> bool:
        return not self.scope_errors and self.credential_error is None and all(v.ok for v in self.vaults)

    @property
    def failed(self) -> list[VaultReport]:
        return [v for v in self.vaults if not v.ok]

    def total(self, name: str) -> int:
        return sum(getattr(v, name) for v in self.vaults)

    def lines(self) -> list[str]:
        out = [v.summary() for v in self.vaults]
        for report in self.vaults:
            out += [f"  warning: {w}" for w in report.warnings]
        out += [f"error: {e}" for e in self.scope_errors]
        if self.credential_error:
            out.append(f"error: {self.credential_error}")
        out.append(
            f"total: {len(self.vaults) - len(self.failed)} of {len(self.vaults)} vaults synced;"
            f" read {self.total('read')} = {self.total('inserted')} inserted + {self.total('updated')} updated"
            f" + {self.total('quarantined')} quarantined + {self.total('repeated')} repeated")
        return out

    def as_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            return value.isoformat() if isinstance(value, dt.datetime) else value

        return {
            "ok": self.ok,
            "vaults": [{k: plain(v) for k, v in {**report.__dict__, "ok": report.ok}.items()}
                       for report in self.vaults],
            "scope_errors": self.scope_errors,
            "credential_error": self.credential_error,
            "started_at": plain(self.started_at),
            "finished_at": plain(self.finished_at),
        }


def _no_progress(done: int, total: int, message: str) -> None:
    return None


class _ProgressFailed(Exception):
    """The caller's progress callback raised: that is the caller's to handle, not a vault failure."""


def _guarded(progress: SyncProgress) -> SyncProgress:
    def call(done: int, total: int, message: str) -> None:
        try:
            progress(done, total, message)
        except Exception as exc:
            raise _ProgressFailed() from exc

    return call


def sync_vaults(store: Store, credential: Any, scopes: Iterable[str], *,
                since: dt.datetime | dt.date | str | None = None,
                progress: SyncProgress | None = None,
                base_url: str | None = None,
                client_factory: Callable[[str], Any] | None = None,
                catalog: CatalogLike | None = None,
                options: SyncOptions | None = None,
                now: dt.datetime | None = None) -> SyncReport:
    """Sync the backup jobs of the vaults named by `scopes` (vault resource ids and/or
    subscription ids) into `store`. Never raises for a failing vault or subscription: the report
    says which failed and why. `client_factory(subscription_id)` replaces the default
    RecoveryServicesBackupClient (its own retry settings then apply); `base_url` points the
    default client elsewhere than https://management.azure.com (plain http is allowed for local
    test endpoints). `since` overrides the stored watermarks for this run; `now` fixes the end of
    the window (default: the current time)."""
    options = options or SyncOptions()
    progress = _guarded(progress or _no_progress)
    report = SyncReport(started_at=utc_now())
    # Whole seconds: the filter cannot say more, and a window must not end a fraction after it was split.
    end = (naive_utc(now) if now is not None else utc_now()).replace(microsecond=0)
    since_at = as_datetime(since)
    connections = _Connections(credential, base_url, client_factory, options, Pacer(options))
    classified = classify_scopes(scopes)
    report.scope_errors.extend(classified.invalid)
    targets: dict[str, VaultTarget] = {t.vault_id: t for t in classified.vaults}
    try:
        _add_vaults_of_subscriptions(connections, classified.subscriptions, targets, report, progress)
        resolver = Resolver(catalog if catalog is not None else load_default_catalog()[0])
        _sync_each_vault(store, connections, list(targets.values()), report, resolver, since_at, end, progress)
    except Exception as exc:
        if not is_credential_failure(exc):
            raise _unwrapped(exc) from None
        _fail_unfinished_vaults(report, targets.values(), describe_failure(exc))
    finally:
        connections.close()
    report.finished_at = utc_now()
    return report


@dataclass
class _Connections:
    """One SDK client per subscription, all paced by one Pacer; closed when the sync ends."""

    credential: Any
    base_url: str | None
    client_factory: Callable[[str], Any] | None
    options: SyncOptions
    pacer: Pacer
    clients: dict[str, Any] = field(default_factory=dict)

    def client(self, subscription_id: str) -> Any:
        if subscription_id not in self.clients:
            self.clients[subscription_id] = (
                self.client_factory(subscription_id) if self.client_factory
                else make_client(self.credential, subscription_id, self.base_url, self.options, self.pacer))
        return self.clients[subscription_id]

    def call_kwargs(self, client: Any) -> dict[str, Any]:
        base_url = self.base_url or (client_base_url(client) if self.client_factory else None)
        return call_options(base_url, self.options, self.pacer)

    def close(self) -> None:
        for client in self.clients.values():
            close = getattr(client, "close", None)
            if callable(close):
                close()


def _add_vaults_of_subscriptions(connections: _Connections, subscriptions: Iterable[str],
                                 targets: dict[str, VaultTarget], report: SyncReport,
                                 progress: SyncProgress) -> None:
    """List the vaults of each subscription into `targets`; a subscription that cannot be listed is
    reported and the others go on."""
    for subscription_id in subscriptions:
        # The total is not known yet; it is never 0, so callers can divide by it.
        progress(0, max(1, len(targets)), f"listing the Recovery Services vaults of subscription {subscription_id}")
        client = connections.client(subscription_id)
        try:
            listed = list_vaults(client, subscription_id, connections.call_kwargs(client))
        except Exception as exc:  # noqa: BLE001 - any failure is reported, the other scopes go on
            if is_credential_failure(exc):
                raise
            report.scope_errors.append(
                f"subscription {subscription_id}: cannot list its vaults: {describe_failure(exc)}")
            continue
        if not listed:
            report.scope_errors.append(f"subscription {subscription_id}: no Recovery Services vault visible "
                                       "to this identity (it needs Reader on the subscription or Backup Reader on "
                                       "the vaults)")
        for target in listed:
            known = targets.get(target.vault_id)
            if known is None or known.location is None:
                targets[target.vault_id] = target


def _sync_each_vault(store: Store, connections: _Connections, targets: list[VaultTarget], report: SyncReport,
                     resolver: Resolver, since: dt.datetime | None, end: dt.datetime,
                     progress: SyncProgress) -> None:
    """Sync the vaults one after the other; one vault's failure is its report's error, the others go on."""
    for done, target in enumerate(targets):
        progress(done, len(targets), f"{target.vault_name}: reading jobs")
        client = connections.client(target.subscription_id)
        call_kwargs = connections.call_kwargs(client)
        vault_report = VaultReport(target.vault_id, target.vault_name, target.resource_group, target.subscription_id)
        report.vaults.append(vault_report)
        before = connections.pacer.snapshot()
        try:
            if target.location is None:
                target = _with_location(client, call_kwargs, target, vault_report)
            _sync_vault(store, client, call_kwargs, target, vault_report, resolver, since, end, connections.options,
                        lambda message, d=done: progress(d, len(targets), message))
        except Exception as exc:  # noqa: BLE001 - one vault's failure must not stop the others
            if is_credential_failure(exc) or isinstance(exc, (StoreError, _ProgressFailed)):
                raise
            vault_report.error = describe_failure(exc) if not isinstance(exc, LostPages) else str(exc)
        finally:
            vault_report.responses = dict(sorted((connections.pacer.snapshot() - before).items()))
        progress(done + 1, len(targets), vault_report.summary())


def _fail_unfinished_vaults(report: SyncReport, targets: Iterable[VaultTarget], credential_error: str) -> None:
    """No token could be had: every vault not read to its end, or not reached at all, failed with that."""
    report.credential_error = credential_error
    attempted = {v.vault_id for v in report.vaults}
    for vault_report in report.vaults:
        if vault_report.error is None and not vault_report.complete:
            vault_report.error = credential_error
    for target in targets:
        if target.vault_id not in attempted:
            report.vaults.append(VaultReport(target.vault_id, target.vault_name, target.resource_group,
                                             target.subscription_id, error=credential_error))


def _unwrapped(exc: BaseException) -> BaseException:
    return exc.__cause__ if isinstance(exc, _ProgressFailed) and exc.__cause__ is not None else exc


def _with_location(client: Any, call_kwargs: dict[str, Any], target: VaultTarget,
                   report: VaultReport) -> VaultTarget:
    """The vault's region (jobs carry none), for region filters; a failure only costs the region."""
    try:
        location = vault_location(client, target, call_kwargs)
    except Exception as exc:  # noqa: BLE001
        if is_credential_failure(exc):
            raise
        report.warnings.append(f"region unknown: the vault itself could not be read: {describe_failure(exc)}")
        return target
    return replace(target, location=location)


def _sync_vault(store: Store, client: Any, call_kwargs: dict[str, Any], target: VaultTarget,
                report: VaultReport, resolver: Resolver, since: dt.datetime | None, now: dt.datetime,
                options: SyncOptions, note: Callable[[str], None]) -> None:
    stored = _stored_watermark(store, target.vault_id)
    start = window_start(stored, since, now, dt.timedelta(minutes=options.overlap_minutes),
                         dt.timedelta(days=options.initial_days))
    report.window_start, report.window_end = start, now
    may_advance = covers_since_watermark(stored, since)
    if not may_advance:
        report.warnings.append(
            f"the requested start {since.isoformat(sep=' ')} is later than the stored watermark "
            f"{stored.isoformat(sep=' ')}: "
            "the watermark stays, so the jobs in between are still read by the next regular sync")
    run_stamp = now.strftime("%Y-%m-%dT%H:%M:%SZ")
    seen: set[tuple[str, str]] = set()
    in_progress: list[dt.datetime] = []
    budget = _DetailBudget(options.max_detail_fetches)
    for window in split_window(start, now, dt.timedelta(days=options.max_window_days)):
        pages = read_pages(client, target.vault_name, target.resource_group, job_filter(window), call_kwargs,
                           options.damaged_page_retries)
        for page in pages:
            report.pages += 1
            rows = _store_page(store, client, call_kwargs, target, report, resolver, page, run_stamp, seen, budget)
            in_progress.extend(row.start_time for row in rows
                               if row.status in RUNNING_STATUSES and row.start_time is not None)
            note(f"{target.vault_name}: page {report.pages}, {report.read} jobs read")
        if may_advance:
            watermark = next_watermark(window.end, in_progress, now, dt.timedelta(days=options.max_in_progress_days))
            store.set_watermark(SYNC_SOURCE, target.vault_id, watermark)
            report.watermark = watermark
    report.complete = True
    if budget.skipped:
        report.warnings.append(
            f"{budget.skipped} failed job(s) listed without error details were not looked up "
            f"(at most {budget.limit} per vault and sync); they count as 'unknown' until a later sync")


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


def _store_page(store: Store, client: Any, call_kwargs: dict[str, Any], target: VaultTarget,
                report: VaultReport, resolver: Resolver, page: Page, run_stamp: str,
                seen: set[tuple[str, str]], budget: _DetailBudget) -> list[JobRow]:
    # The sync time keeps quarantine locations of different syncs apart (the store replaces a
    # record at the same location), while a re-read within one sync replaces its own record.
    where = f"{target.vault_name}/page {page.number}"
    suffix = f" [{target.resource_group}, sync {run_stamp}]"
    parsed = Parsed("rest", SYNC_SOURCE)
    ingest_time = utc_now()
    for index, item in page.items:
        rest.add_job(parsed, f"{where}/item {index}{suffix}", item, ingest_time)
    known = _stored_errors(store, [row for _, row, _ in parsed.rows if _lacks_error(row)])
    rows: list[JobRow] = []
    for location, row, _ in parsed.rows:
        if _lacks_error(row):
            stored = known.get((row.vault_id, row.job_id.lower()))
            if stored is not None:
                # Read before (from details): keep it rather than ask again or overwrite it with nothing.
                row.error_code_int, row.error_code, row.error_message = stored
            elif budget.take():
                row = _with_details(client, call_kwargs, target, row, report, location, ingest_time)
        if row.region is None:
            row.region = target.location
        rows.append(resolver.apply(row))
    rejected = list(parsed.rejected)
    if page.damage:
        rejected.append(QuarantineRow(SYNC_SOURCE, f"{where}{suffix}", page.damage, page.body))

    repeated = 0
    for row in rows:
        key = (row.vault_id.lower(), row.job_id.lower())
        if key in seen:
            repeated += 1
        seen.add(key)
    result = store.upsert_jobs(rows, SYNC_SOURCE)
    store.add_quarantine(rejected)
    report.read += len(page.items)
    report.inserted += result.inserted
    # A job listed again within this sync is counted as repeated, not as updated a second time.
    report.updated += result.updated - (repeated - result.duplicates)
    report.repeated += repeated
    report.quarantined += len(parsed.rejected)
    report.damaged_pages += 1 if page.damage else 0
    return rows


def _stored_errors(store: Store,
                   rows: list[JobRow]) -> dict[tuple[str, str], tuple[int | None, str | None, str | None]]:
    """Error fields the store already holds for these jobs, keyed by (vault id, lower-cased job id)."""
    if not rows:
        return {}
    keys = sorted({(row.vault_id, row.job_id.lower()) for row in rows})
    found = store.connection.execute(
        "SELECT j.vault_id, j.job_id, j.error_code_int, j.error_code, j.error_message "
        "FROM jobs j JOIN (SELECT unnest(?) AS vault_id, unnest(?) AS job_id) k "
        "ON j.vault_id = k.vault_id AND j.job_id = k.job_id "
        "WHERE j.error_code_int IS NOT NULL OR j.error_code IS NOT NULL OR j.error_message IS NOT NULL",
        [[k[0] for k in keys], [k[1] for k in keys]],
    ).fetchall()
    return {(vault_id, job_id): (code_int, code, message) for vault_id, job_id, code_int, code, message in found}


def _lacks_error(row: JobRow) -> bool:
    return row.status == FAILED and row.error_code_int is None and not row.error_code and not row.error_message


def _with_details(client: Any, call_kwargs: dict[str, Any], target: VaultTarget, row: JobRow,
                  report: VaultReport, location: str, ingest_time: dt.datetime) -> JobRow:
    """The job's details (GET backupJobs/{name}) when they carry the error the list left out."""
    try:
        job = client.job_details.get(target.vault_name, target.resource_group, row.job_id, **call_kwargs)
    except Exception as exc:  # noqa: BLE001 - the listed row is kept either way
        if is_credential_failure(exc):
            raise
        report.warnings.append(f"details of failed job {row.job_id} could not be read: {describe_failure(exc)}")
        return row
    report.details_fetched += 1
    raw = job.as_dict() if hasattr(job, "as_dict") else job
    try:
        detailed = rest.job_to_row(raw, SYNC_SOURCE, ingest_time) if rest.is_job_object(raw) else None
    except RecordError as exc:
        report.warnings.append(f"details of failed job {row.job_id} are unreadable ({exc}); listed values kept")
        return row
    if detailed is None or detailed.vault_id != row.vault_id or detailed.job_id.lower() != row.job_id.lower():
        report.warnings.append(f"details of failed job {row.job_id} describe another job; listed values kept")
        return row
    return detailed


def _stored_watermark(store: Store, vault_id: str) -> dt.datetime | None:
    value = store.get_watermark(SYNC_SOURCE, vault_id)
    if not value:
        return None
    try:
        return parse_datetime(value)
    except ValueError:
        return None  # an unreadable watermark means: read from the initial window again


def as_datetime(value: dt.datetime | dt.date | str | None) -> dt.datetime | None:
    """Naive UTC from a datetime, a date (midnight) or text such as 2026-11-01; ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return naive_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"not a date/time: {value!r}")
    return parsed


def default_credential() -> Any:
    """`DefaultAzureCredential()`: Azure CLI login, environment variables, workload or managed identity."""
    # Imported on use: azure-identity takes about half a second to import, and only a sync needs it.
    from azure.identity import DefaultAzureCredential

    return DefaultAzureCredential()
