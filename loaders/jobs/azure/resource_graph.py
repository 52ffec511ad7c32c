"""Backup jobs of many subscriptions at once from Azure Resource Graph (`RecoveryServicesResources`),
the quickest way to today's picture: one query per batch of subscriptions, paged with `$skipToken`,
no setup on the vaults. Resource Graph keeps only the last 14 days of jobs.

    sync_resource_graph(store, credential, subscriptions, *, base_url=None, now=None) -> SourceReport
    python -m loaders jobs sync --source resource-graph --subscription <id> [--subscription <id> ...]

Needs the **Reader** role on the subscriptions (Resource Graph shows what the identity may read).
Rows are the jobs' own `id` and `properties`, so they become the same rows as the REST list gives
(same key: vault id and job name) and merge with them.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from loaders.jobs.azure.client import SyncOptions, describe_failure
from loaders.jobs.azure.sources import ScopeReport, SourceReport, client_kwargs, plain_http_kwargs, store_parsed
from loaders.jobs.guidance import CatalogLike, Resolver, load_default_catalog
from loaders.jobs.importers import rest
from loaders.jobs.importers.base import Parsed
from loaders.jobs.normalize import parse_datetime
from loaders.jobs.store import Store
from loaders.jobs.timeutil import naive_utc, utc_now

ARG_SOURCE = "azure-resource-graph"
ARG_RETENTION = dt.timedelta(days=14)
ARG_PAGE_ROWS = 1000  # the service's maximum $top
SUBSCRIPTIONS_PER_QUERY = 200  # well under the ~300 per query Resource Graph recommends


def jobs_query(start: dt.datetime) -> str:
    """KQL for the IaaS VM backup jobs that started at or after `start` (naive UTC), ordered by id so
    that `$skipToken` paging neither skips nor repeats rows."""
    return ("RecoveryServicesResources"
            "\n| where type =~ 'microsoft.recoveryservices/vaults/backupjobs'"
            "\n| where tostring(properties.backupManagementType) =~ 'AzureIaasVM'"
            f"\n| where todatetime(properties.startTime) >= datetime({naive_utc(start).isoformat()}Z)"
            "\n| project id, name, subscriptionId, resourceGroup, location, properties"
            "\n| order by id asc")


def sync_resource_graph(store: Store, credential: Any, subscriptions: Iterable[str], *,
                        base_url: str | None = None, catalog: CatalogLike | None = None,
                        options: SyncOptions | None = None, now: dt.datetime | None = None,
                        page_rows: int = ARG_PAGE_ROWS) -> SourceReport:
    """Read the jobs of the last 14 days (or since each batch's watermark minus the overlap) of
    `subscriptions` into `store`. A batch that fails is reported and its watermark stays."""
    from azure.mgmt.resourcegraph import ResourceGraphClient

    options = options or SyncOptions()
    end = (naive_utc(now) if now is not None else utc_now()).replace(microsecond=0)
    subs = sorted({s.strip().lower().removeprefix("/subscriptions/") for s in subscriptions if s.strip()})
    resolver = Resolver(catalog if catalog is not None else load_default_catalog()[0])
    report = SourceReport(ARG_SOURCE)
    client = ResourceGraphClient(credential, **client_kwargs(options, base_url=base_url))
    try:
        for i in range(0, len(subs), SUBSCRIPTIONS_PER_QUERY):
            batch = subs[i: i + SUBSCRIPTIONS_PER_QUERY]
            scope = ",".join(batch)
            scope_report = ScopeReport(f"subscriptions {', '.join(batch)}")
            report.scopes.append(scope_report)
            start = _start(store, scope, end, options)
            try:
                _read_batch(store, client, batch, start, resolver, scope_report, page_rows, base_url)
            except Exception as exc:  # noqa: BLE001 - reported; the next batch goes on
                scope_report.error = describe_failure(exc)
                continue
            store.set_watermark(ARG_SOURCE, scope, end)
            scope_report.watermark = end
    finally:
        client.close()
    return report


def _start(store: Store, scope: str, end: dt.datetime, options: SyncOptions) -> dt.datetime:
    oldest = end - ARG_RETENTION
    stored = store.get_watermark(ARG_SOURCE, scope)
    mark = parse_datetime(stored) if stored else None
    if mark is None:
        return oldest
    return max(oldest, mark - dt.timedelta(minutes=options.overlap_minutes))


def _read_batch(store: Store, client: Any, subscriptions: list[str], start: dt.datetime, resolver: Resolver,
                report: ScopeReport, page_rows: int, base_url: str | None) -> None:
    from azure.mgmt.resourcegraph.models import QueryRequest, QueryRequestOptions

    seen: set[tuple[str, str]] = set()
    token: str | None = None
    while True:
        request = QueryRequest(subscriptions=subscriptions, query=jobs_query(start),
                               options=QueryRequestOptions(top=page_rows, skip_token=token,
                                                           result_format="objectArray"))
        response = client.resources(request, **plain_http_kwargs(base_url))
        report.requests += 1
        parsed = Parsed("resource-graph", ARG_SOURCE)
        ingest_time = utc_now()
        for index, item in enumerate(response.data or []):
            rest.add_job(parsed, f"resource graph/page {report.requests}/row {index}", item, ingest_time)
        report.read += len(response.data or [])
        fresh = []
        for entry in parsed.rows:
            key = (entry[1].vault_id.lower(), entry[1].job_id.lower())
            if key in seen:
                report.collapsed += 1
                continue
            seen.add(key)
            fresh.append(entry)
        parsed.rows = fresh
        store_parsed(store, parsed, resolver, report)
        token = response.skip_token
        if not token:
            return
