"""Running the view queries in the workspaces with azure-monitor-query, one query per view (all
workspaces at once through `additional_workspaces`), one after the other so a Fleet page stays far
below the query API's 5 concurrent queries per user; answers are cached per filter state."""
from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pandas as pd

from loaders.jobs.azure.sources import plain_http_kwargs
from loaders.jobs.guidance import CatalogLike
from loaders.jobs.pushdown.kql import VIEW_NAMES, fleet_queries
from loaders.jobs.pushdown.tables import daily_failures_by_category, table_frame, with_categories
from loaders.jobs.queries.filters import FleetFilter

SOURCE_PREFIX = "log-analytics:"


def parse_source(text: str) -> list[str]:
    """`log-analytics:<id>[,<id>...]` (the form of `BACKUP_TRIAGE_SOURCE`) to workspace ids."""
    if not text.startswith(SOURCE_PREFIX):
        raise ValueError(f"expected {SOURCE_PREFIX}<workspace id>[,<workspace id>...], not {text!r}")
    ids = [part.strip() for part in text[len(SOURCE_PREFIX):].split(",") if part.strip()]
    if not ids:
        raise ValueError("name at least one workspace id after log-analytics:")
    return ids


class PushdownCache:
    """Answers by (workspaces, filter, now, threshold, view), kept `ttl` seconds."""

    def __init__(self, ttl: float = 300.0) -> None:
        self.ttl = ttl
        self._items: dict[Any, tuple[float, pd.DataFrame]] = {}
        self._lock = threading.Lock()

    def get(self, key: Any) -> pd.DataFrame | None:
        with self._lock:
            item = self._items.get(key)
            if item is None or time.monotonic() - item[0] > self.ttl:
                return None
            return item[1]

    def put(self, key: Any, frame: pd.DataFrame) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), frame)


def run_views(credential: Any, workspaces: list[str], f: FleetFilter, now: dt.datetime, *,
              views: tuple[str, ...] = VIEW_NAMES, rpo_hours: float = 24, endpoint: str | None = None,
              catalog: CatalogLike | None = None, cache: PushdownCache | None = None,
              client: Any = None) -> dict[str, pd.DataFrame]:
    """Each view's aggregate rows as a DataFrame (codes with their catalog category; the daily view as
    failures per day and category). Raises the SDK's error when a query fails."""
    from azure.monitor.query import LogsQueryClient, LogsQueryStatus

    own = client is None
    if own:
        client = LogsQueryClient(credential, **({"endpoint": endpoint} if endpoint else {}))
    out: dict[str, pd.DataFrame] = {}
    try:
        for query in fleet_queries(f, now, rpo_hours, views):
            key = (tuple(workspaces), f, now, rpo_hours, query.view)
            cached = cache.get(key) if cache is not None else None
            if cached is not None:
                out[query.view] = cached
                continue
            response = client.query_workspace(workspaces[0], query.kql, timespan=None,
                                              additional_workspaces=workspaces[1:] or None,
                                              **plain_http_kwargs(endpoint))
            if response.status != LogsQueryStatus.SUCCESS:
                raise RuntimeError(f"{query.view}: partial result: {response.partial_error}")
            frame = with_categories(table_frame(response.tables[0]), catalog)
            if query.view == "daily-failures":
                frame = daily_failures_by_category(frame)
            out[query.view] = frame
            if cache is not None:
                cache.put(key, frame)
    finally:
        if own:
            client.close()
    return out
