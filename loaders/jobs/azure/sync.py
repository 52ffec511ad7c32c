"""Live sync of Azure VM backup jobs from Recovery Services vaults into the job store.

    sync_vaults(store, credential, scopes, *, since=None, progress=None, status=None, base_url=None,
                client_factory=None) -> SyncReport
    python -m loaders jobs sync --vault <id> [--subscription <id>] [--since 2026-11-01] [--db PATH]

For every vault (given by resource id, or found by listing a subscription's vaults) the jobs of
backup management type AzureIaasVM are listed through the official SDK's client
(azure-mgmt-recoveryservicesbackup: its pipeline brings the credential, retries and pacing; the
pages are kept as raw JSON, see `pages`) for the window from the vault's watermark (minus an
overlap) to now, page by page following nextLink. Vaults are read concurrently
(`SyncOptions.concurrency` worker threads, all paced by one shared read budget, see
`client.Pacer`); the calling thread is the only writer: every page is normalised exactly like an
imported REST file (`importers.rest`), resolved against the error catalog and upserted in batches
as it arrives, so a crash loses at most the pages in flight and a re-run duplicates nothing.
Progress callbacks run in the calling thread too. The watermark (source "azure-rest", scope =
vault id) moves only after a window was read completely and its pages committed, and never past
the start of a job that is still running, so that job is read again, finished, next time. Failed
jobs listed without errorDetails are fetched one by one (bounded per vault). A vault that keeps
failing (HTTP status after retries, timeouts) is reported with the status and the other vaults go
on; unreadable items and damaged pages go to the quarantine as "<vault>/page N/item i".

Permissions: read-only. The identity needs the built-in **Backup Reader** role on each vault
(or on its resource group or subscription). Listing the vaults of a subscription needs a role
that reads vaults at the subscription itself: Backup Reader or **Reader** assigned there.
Credentials: `DefaultAzureCredential()` (Azure CLI login, environment variables, workload or
managed identity). Tokens stay inside the SDK: they are never logged, printed or stored.
"""
from __future__ import annotations

import datetime as dt
import queue
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
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
from loaders.jobs.azure.pages import LostPages
from loaders.jobs.azure.reader import (
    SYNC_SOURCE,
    PageRead,
    ReaderContext,
    Stopped,
    VaultPlan,
    VaultRead,
    WindowRead,
    read_vault,
)
from loaders.jobs.azure.reports import (
    SyncProgress,
    SyncReport,
    SyncStatus,
    SyncStatusCallback,
    VaultReport,
)
from loaders.jobs.azure.scopes import VaultTarget, classify_scopes, list_vaults
from loaders.jobs.azure.window import covers_since_watermark, window_start
from loaders.jobs.guidance import CatalogLike, Resolver, load_default_catalog
from loaders.jobs.normalize import parse_datetime
from loaders.jobs.store import Store
from loaders.jobs.timeutil import naive_utc, utc_now

__all__ = ["SYNC_SOURCE", "SyncProgress", "SyncReport", "SyncStatus", "VaultReport", "as_datetime",
           "default_credential", "sync_vaults"]


# The writer commits a batch when it holds this many rows, when no event came for FLUSH_AFTER_IDLE
# seconds, or when the queue is empty and the last commit is FLUSH_INTERVAL old: few, big
# transactions while readers deliver fast, prompt commits (and progress) while they wait.
FLUSH_AFTER_IDLE = 0.2
FLUSH_INTERVAL = 1.0


def _no_progress(done: int, total: int, message: str) -> None:
    return None


def sync_vaults(store: Store, credential: Any, scopes: Iterable[str], *,
                since: dt.datetime | dt.date | str | None = None,
                progress: SyncProgress | None = None,
                status: SyncStatusCallback | None = None,
                base_url: str | None = None,
                client_factory: Callable[[str], Any] | None = None,
                catalog: CatalogLike | None = None,
                options: SyncOptions | None = None,
                now: dt.datetime | None = None) -> SyncReport:
    """Sync the backup jobs of the vaults named by `scopes` (vault resource ids and/or
    subscription ids) into `store`. Never raises for a failing vault or subscription: the report
    says which failed and why, and their watermarks stay, so the next sync reads them again.
    `progress(done, total, message)` and `status(SyncStatus)` are called in this thread.
    `client_factory(subscription_id)` replaces the default RecoveryServicesBackupClient (its own
    retry settings then apply); `base_url` points the default client elsewhere than
    https://management.azure.com (plain http is allowed for local test endpoints). `since`
    overrides the stored watermarks for this run; `now` fixes the end of the window (default: the
    current time)."""
    options = options or SyncOptions()
    report = SyncReport(started_at=utc_now(), concurrency=max(1, options.concurrency))
    # Whole seconds: the filter cannot say more, and a window must not end a fraction after it was split.
    end = (naive_utc(now) if now is not None else utc_now()).replace(microsecond=0)
    since_at = as_datetime(since)
    pacer = Pacer(options)
    connections = _Connections(credential, base_url, client_factory, options, pacer)
    classified = classify_scopes(scopes)
    report.scope_errors.extend(classified.invalid)
    targets: dict[str, VaultTarget] = {t.vault_id: t for t in classified.vaults}
    tracker = _Tracker(progress or _no_progress, status, time.monotonic())
    try:
        _add_vaults_of_subscriptions(connections, classified.subscriptions, targets, report, tracker)
        resolver = Resolver(catalog if catalog is not None else load_default_catalog()[0])
        writer = _Writer(store, report, tracker)
        plans = [writer.plan(t, since_at, end, options) for t in targets.values()]
        _sync_concurrently(store, connections, plans, writer, resolver)
    except _CredentialLost as lost:
        _fail_unfinished_vaults(report, targets.values(), describe_failure(lost.cause))
    except Exception as exc:
        if not is_credential_failure(exc):
            raise
        _fail_unfinished_vaults(report, targets.values(), describe_failure(exc))
    finally:
        connections.close()
    report.pauses = pacer.pauses
    report.finished_at = utc_now()
    return report


class _CredentialLost(Exception):
    def __init__(self, cause: BaseException) -> None:
        super().__init__(str(cause))
        self.cause = cause


@dataclass
class _Connections:
    """One SDK client per subscription, all paced by one Pacer; closed when the sync ends. Clients
    are made in the calling thread and then shared by the readers (azure-core pipelines are
    thread-safe)."""

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


@dataclass
class _Tracker:
    """Progress as the calling thread sees it: vaults done, jobs read, time."""

    progress: SyncProgress
    status: SyncStatusCallback | None
    started: float
    total: int = 1
    done: int = 0
    failed: int = 0
    jobs: int = 0

    def say(self, message: str) -> None:
        self.progress(self.done, max(1, self.total), message)
        if self.status is not None:
            self.status(SyncStatus(self.done, max(1, self.total), self.jobs, time.monotonic() - self.started,
                                   self.failed))


def _add_vaults_of_subscriptions(connections: _Connections, subscriptions: list[str],
                                 targets: dict[str, VaultTarget], report: SyncReport, tracker: _Tracker) -> None:
    """List the vaults of the subscriptions (concurrently) into `targets`; a subscription that cannot
    be listed is reported and the others go on."""
    if not subscriptions:
        return
    tracker.total = max(1, len(targets))
    tracker.say(f"listing the Recovery Services vaults of {len(subscriptions)} subscription(s)")
    clients = {sub: connections.client(sub) for sub in subscriptions}
    workers = max(1, min(connections.options.concurrency, len(subscriptions)))
    listed: dict[str, list[VaultTarget] | BaseException] = {}
    with ThreadPoolExecutor(workers, thread_name_prefix="list-vaults") as pool:
        futures = {pool.submit(_list_or_failure, clients[sub], sub, connections.call_kwargs(clients[sub])): sub
                   for sub in subscriptions}
        for future in as_completed(futures):
            listed[futures[future]] = future.result()
    for subscription_id in subscriptions:  # in the order given, whatever order the answers came in
        found = listed[subscription_id]
        if isinstance(found, BaseException):
            if is_credential_failure(found):
                raise found
            report.scope_errors.append(
                f"subscription {subscription_id}: cannot list its vaults: {describe_failure(found)}")
            continue
        if not found:
            report.scope_errors.append(f"subscription {subscription_id}: no Recovery Services vault visible "
                                       "to this identity (it needs Reader on the subscription or Backup Reader on "
                                       "the vaults)")
        for target in found:
            known = targets.get(target.vault_id)
            if known is None or known.location is None:
                targets[target.vault_id] = target


def _list_or_failure(client: Any, subscription_id: str, call_kwargs: dict[str, Any]) -> Any:
    try:
        return list_vaults(client, subscription_id, call_kwargs)
    except Exception as exc:  # noqa: BLE001 - reported by the caller, the other subscriptions go on
        return exc


class _Writer:
    """The one thread that writes. Pages are gathered into one upsert while readers keep delivering
    (one transaction per batch instead of per page is what lets many readers share one writer); a
    window's watermark is stored only after the batch holding its pages was committed."""

    def __init__(self, store: Store, report: SyncReport, tracker: _Tracker, batch_rows: int = 20_000) -> None:
        self.store, self.report, self.tracker, self.batch_rows = store, report, tracker, batch_rows
        self.vaults: dict[str, VaultReport] = {}
        self.seen: dict[str, set[tuple[str, str]]] = {}
        self._pages: list[PageRead] = []
        self._windows: list[WindowRead] = []
        self._finished: list[VaultRead] = []
        self._rows = 0
        self._flushed_at = 0.0

    def plan(self, target: VaultTarget, since: dt.datetime | None, end: dt.datetime,
             options: SyncOptions) -> VaultPlan:
        vault_report = VaultReport(target.vault_id, target.vault_name, target.resource_group, target.subscription_id)
        self.report.vaults.append(vault_report)
        self.vaults[target.vault_id] = vault_report
        self.seen[target.vault_id] = set()
        stored = _stored_watermark(self.store, target.vault_id)
        start = window_start(stored, since, end, dt.timedelta(minutes=options.overlap_minutes),
                             dt.timedelta(days=options.initial_days))
        vault_report.window_start, vault_report.window_end = start, end
        may_advance = covers_since_watermark(stored, since)
        if not may_advance:
            vault_report.warnings.append(
                f"the requested start {since.isoformat(sep=' ')} is later than the stored watermark "
                f"{stored.isoformat(sep=' ')}: "
                "the watermark stays, so the jobs in between are still read by the next regular sync")
        return VaultPlan(target, start, end, may_advance, end.strftime("%Y-%m-%dT%H:%M:%SZ"))

    def handle(self, event: Any) -> None:
        """Take one event; the batch is written when it is big enough (or by `flush`, when the readers
        pause or finish)."""
        if isinstance(event, PageRead):
            self._pages.append(event)
            self._rows += len(event.rows)
        elif isinstance(event, WindowRead):
            self._windows.append(event)
        elif isinstance(event, VaultRead):
            self._finished.append(event)
        if self._rows >= self.batch_rows:
            self.flush()

    @property
    def pending(self) -> bool:
        return bool(self._pages or self._windows or self._finished)

    def busy_recently(self) -> bool:
        return time.monotonic() - self._flushed_at < FLUSH_INTERVAL

    def flush(self) -> None:
        self._flushed_at = time.monotonic()
        pages, windows, finished = self._pages, self._windows, self._finished
        self._pages, self._windows, self._finished, self._rows = [], [], [], 0
        if pages:
            self._write(pages)
        for window in windows:  # after their pages were committed
            self.store.set_watermark(SYNC_SOURCE, window.plan.target.vault_id, window.watermark)
            self.vaults[window.plan.target.vault_id].watermark = window.watermark
        for page in pages:
            report = self.vaults[page.plan.target.vault_id]
            self.tracker.say(f"{report.vault_name}: page {page.number}, {page.read_so_far} jobs read")
        for done in finished:  # after their pages, so their summaries count everything
            self._vault_done(done)

    def _write(self, pages: list[PageRead]) -> None:
        fresh: list[tuple[str, tuple[str, str]]] = []  # (vault id, key) first met in this sync
        rows, rejected = [], []
        for page in pages:
            vault_id = page.plan.target.vault_id
            report, seen = self.vaults[vault_id], self.seen[vault_id]
            for row in page.rows:
                key = (row.vault_id.lower(), row.job_id.lower())
                if key in seen:
                    report.repeated += 1  # listed again within this sync: neither new nor an update
                    continue
                seen.add(key)
                fresh.append((vault_id, key))
            rows.extend(page.rows)
            rejected.extend(page.rejected)
            report.pages += 1
            report.read += page.read
            page.read_so_far = report.read
            report.quarantined += page.quarantined
            report.damaged_pages += 1 if page.damaged else 0
            self.tracker.jobs += page.read
        held = self.store.held_keys(key for _, key in fresh)
        self.store.upsert_jobs(rows, SYNC_SOURCE)
        self.store.add_quarantine(rejected)
        for vault_id, key in fresh:
            if key in held:
                self.vaults[vault_id].updated += 1
            else:
                self.vaults[vault_id].inserted += 1

    def _vault_done(self, event: VaultRead) -> None:
        report = self.vaults[event.plan.target.vault_id]
        report.warnings.extend(event.warnings)
        report.details_fetched += event.details_fetched
        report.responses = dict(sorted(event.responses.items()))
        if event.error is None:
            report.complete = True
        elif isinstance(event.error, Stopped):
            pass
        elif is_credential_failure(event.error):
            raise _CredentialLost(event.error)
        else:
            report.error = str(event.error) if isinstance(event.error, LostPages) else describe_failure(event.error)
            self.tracker.failed += 1
        self.tracker.done += 1
        self.tracker.say(report.summary())


def _sync_concurrently(store: Store, connections: _Connections, plans: list[VaultPlan], writer: _Writer,
                       resolver: Resolver) -> None:
    """Readers in a bounded pool, the writer here; a bounded queue between them keeps memory flat
    (readers wait while the writer is behind). Anything the writer raises (the store failing, the
    caller's progress callback, a lost credential) stops the readers before it propagates."""
    tracker = writer.tracker
    tracker.total = max(1, len(plans))
    if not plans:
        return
    workers = max(1, min(connections.options.concurrency, len(plans)))
    events: queue.Queue[Any] = queue.Queue(maxsize=4 * workers)
    stop = threading.Event()

    def emit(event: Any) -> None:
        while not stop.is_set():
            try:
                events.put(event, timeout=0.1)
                return
            except queue.Full:
                continue
        raise Stopped()

    ctx = ReaderContext(connections.options, resolver, emit, stop)
    clients = {plan.target.subscription_id: connections.client(plan.target.subscription_id) for plan in plans}
    tracker.say(f"reading {len(plans)} vault(s), {workers} at a time")

    def task(plan: VaultPlan, lookup: Any) -> None:
        client = clients[plan.target.subscription_id]
        try:
            result = read_vault(ctx, plan, client, connections.call_kwargs(client), lookup)
        finally:
            lookup.close()
        if not stop.is_set():
            emit(result)

    with ThreadPoolExecutor(workers, thread_name_prefix="sync-vault") as pool:
        try:
            for plan in plans:
                pool.submit(task, plan, store.cursor())
            remaining = len(plans)
            while remaining:
                try:
                    event = events.get(timeout=FLUSH_AFTER_IDLE)
                except queue.Empty:
                    writer.flush()  # the readers are waiting on the service: write what is there
                    continue
                if isinstance(event, VaultRead):
                    remaining -= 1
                writer.handle(event)
                if events.empty() and writer.pending and not writer.busy_recently():
                    writer.flush()
            writer.flush()
        finally:
            stop.set()


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
