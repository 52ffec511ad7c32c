"""Backup jobs from Log Analytics workspaces that the vaults' diagnostic settings feed
(`AddonAzureBackupJobs`, resource-specific mode), incremental by `TimeGenerated`.

    sync_log_analytics(store, credential, workspaces, *, endpoint=None, now=None) -> SourceReport
    python -m loaders jobs sync --source log-analytics --workspace <id> [--workspace <id> ...]

A job is logged several times as it progresses, and the same record can arrive once per schema
version (V1 and V2): per job the latest `TimeGenerated` wins, V2 over V1 at the same time, both in
the query and again over everything read in this sync. The workspace's watermark is the latest
`TimeGenerated` committed; the next sync asks from there minus an overlap (records land 20-30
minutes after the job). Needs the **Log Analytics Reader** role on each workspace.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from loaders.jobs.azure.client import SyncOptions, describe_failure
from loaders.jobs.azure.sources import ScopeReport, SourceReport, client_kwargs, plain_http_kwargs, store_parsed
from loaders.jobs.guidance import CatalogLike, Resolver, load_default_catalog
from loaders.jobs.importers import loganalytics
from loaders.jobs.importers.base import Parsed, VaultDirectory
from loaders.jobs.normalize import parse_datetime
from loaders.jobs.store import Store
from loaders.jobs.timeutil import naive_utc, utc_now

LA_SOURCE = "azure-log-analytics"
LA_WINDOW = dt.timedelta(days=1)  # one query per day keeps each answer far below the API's 500,000 rows


def jobs_query(after: dt.datetime, until: dt.datetime) -> str:
    """KQL for the IaaS VM job records logged after `after` up to `until` (naive UTC), one per job."""
    return ("AddonAzureBackupJobs"
            f"\n| where TimeGenerated > datetime({naive_utc(after).isoformat()}Z)"
            f" and TimeGenerated <= datetime({naive_utc(until).isoformat()}Z)"
            '\n| where BackupManagementType == "IaaSVM"'
            '\n| extend SchemaRank = iff(SchemaVersion == "V2", 2, 1)'
            "\n| summarize arg_max(SchemaRank, *) by JobUniqueId, TimeGenerated"
            "\n| summarize arg_max(TimeGenerated, *) by JobUniqueId"
            "\n| project-away SchemaRank")


def sync_log_analytics(store: Store, credential: Any, workspaces: Iterable[str], *,
                       endpoint: str | None = None, catalog: CatalogLike | None = None,
                       options: SyncOptions | None = None, now: dt.datetime | None = None,
                       since: dt.datetime | None = None) -> SourceReport:
    """Read each workspace's job records since its watermark (first time: `options.initial_days`
    back, or `since`) into `store`. A workspace that fails is reported; the others go on."""
    from azure.monitor.query import LogsQueryClient

    options = options or SyncOptions()
    end = (naive_utc(now) if now is not None else utc_now()).replace(microsecond=0)
    resolver = Resolver(catalog if catalog is not None else load_default_catalog()[0])
    report = SourceReport(LA_SOURCE)
    client = LogsQueryClient(credential, **client_kwargs(options, endpoint=endpoint))
    try:
        for workspace in dict.fromkeys(w.strip() for w in workspaces if w.strip()):
            scope_report = ScopeReport(f"workspace {workspace}")
            report.scopes.append(scope_report)
            try:
                _read_workspace(store, client, workspace, end, since, options, resolver, scope_report, endpoint)
            except Exception as exc:  # noqa: BLE001 - reported; the next workspace goes on
                scope_report.error = describe_failure(exc)
    finally:
        client.close()
    return report


def _read_workspace(store: Store, client: Any, workspace: str, end: dt.datetime, since: dt.datetime | None,
                    options: SyncOptions, resolver: Resolver, report: ScopeReport, endpoint: str | None) -> None:
    stored = store.get_watermark(LA_SOURCE, workspace)
    mark = parse_datetime(stored) if stored else None
    if since is not None:
        start = naive_utc(since)
    elif mark is not None:
        start = mark - dt.timedelta(minutes=options.overlap_minutes)
    else:
        start = end - dt.timedelta(days=options.initial_days)
    latest: dict[tuple[str, str], tuple[dt.datetime, int]] = {}  # job -> (TimeGenerated, schema rank) stored
    cursor = start
    while cursor < end:
        until = min(cursor + LA_WINDOW, end)
        response = client.query_workspace(workspace, jobs_query(cursor, until), timespan=(cursor, until),
                                          **plain_http_kwargs(endpoint))
        report.requests += 1
        if getattr(response, "partial_error", None) is not None:
            raise RuntimeError(f"partial result: {response.partial_error}")
        parsed = Parsed("log-analytics", LA_SOURCE)
        for t_index, table in enumerate(response.tables):
            columns = [str(c) for c in table.columns]
            for r_index, row in enumerate(table.rows):
                report.read += 1
                _add_row(parsed, f"{workspace}/{until:%Y-%m-%dT%H:%M}/table {t_index}/row {r_index}",
                         columns, list(row), latest, report)
        store_parsed(store, parsed, resolver, report)
        # After the window's rows are committed; late records are caught by the overlap next time.
        store.set_watermark(LA_SOURCE, workspace, until)
        report.watermark = until
        cursor = until


def _add_row(parsed: Parsed, location: str, columns: list[str], row: list[Any],
             latest: dict[tuple[str, str], tuple[dt.datetime, int]], report: ScopeReport) -> None:
    if len(row) != len(columns):
        parsed.reject(location, f"expected {len(columns)} values as in the column list, found {len(row)}", row)
        return
    record = loganalytics.lower_record(dict(zip(columns, (_plain(v) for v in row), strict=True)))
    before = len(parsed.rows)
    loganalytics.add_record(parsed, location, record, row, utc_now(), VaultDirectory.empty)
    if len(parsed.rows) == before:
        return
    _, job, generated = parsed.rows[-1]
    rank = (generated or dt.datetime.min, 2 if str(record.get("schemaversion", "")).upper() == "V2" else 1)
    key = (job.vault_id.lower(), job.job_id.lower())
    known = latest.get(key)
    if known is not None and known >= rank:
        parsed.rows.pop()  # an older record, or the V1 twin of one already read: the latest stays
        report.collapsed += 1
        return
    if known is not None:
        # The earlier record of this job in the same answer is superseded (one from an earlier answer
        # is already stored: this one updates it).
        kept = [entry for entry in parsed.rows[:-1]
                if (entry[1].vault_id.lower(), entry[1].job_id.lower()) != key]
        report.collapsed += len(parsed.rows) - 1 - len(kept)
        parsed.rows = kept + parsed.rows[-1:]
    latest[key] = rank


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.datetime) else value
