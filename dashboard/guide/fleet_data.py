"""The fleet data the Guide shows, from the store the dashboard reads and the Fleet page's current
filters, cached per store version and filter state like the Fleet page's own (dashboard/fleet/summary)."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.core import fleet_store
from dashboard.fleet import filters as fleet_filters
from dashboard.fleet import state as fleet_state
from dashboard.fleet import summary as fleet_summary
from loaders.jobs.queries import FleetFilter, time_to_recover, top_error_codes, top_failing_vms
from loaders.jobs.queries.job import find_job
from loaders.jobs.schema import JobRow

ALL_ROWS = 100_000  # every error code and every failing VM of the period, not a top list


@dataclass(frozen=True)
class FleetScope:
    path: str
    version: str
    fleet: FleetFilter

    @property
    def previous(self) -> FleetFilter:
        return self.fleet.previous()


def fleet_scope(session: Mapping[str, Any]) -> FleetScope | None:
    """The store and the Fleet page's filters; None when there is no store file or it holds no jobs
    (the Guide never creates a store: the Fleet and Data pages fill it)."""
    path = fleet_store.store_path()
    if not path.is_file():
        return None
    try:
        snapshot = fleet_summary.store_snapshot(path)
    except Exception:  # a damaged or locked store: the Guide still shows its articles
        return None
    if snapshot.empty:
        return None
    state = fleet_state.current_state(session)
    as_of = fleet_filters.reference_time(snapshot.options.max_time, snapshot.live, fleet_store.utc_now())
    return FleetScope(snapshot.path, snapshot.version, fleet_filters.fleet_filter(state, as_of))


@st.cache_resource(max_entries=32, show_spinner=False)
def _errors(path: str, version: str, fleet: FleetFilter) -> pd.DataFrame:
    with fleet_store.reading(Path(path)) as store:
        return top_error_codes(store.connection, fleet, limit=ALL_ROWS)


@st.cache_resource(max_entries=16, show_spinner=False)
def _failing(path: str, version: str, fleet: FleetFilter) -> pd.DataFrame:
    with fleet_store.reading(Path(path)) as store:
        return top_failing_vms(store.connection, fleet, limit=ALL_ROWS)


@st.cache_resource(max_entries=16, show_spinner=False)
def _recover(path: str, version: str, fleet: FleetFilter) -> pd.DataFrame:
    with fleet_store.reading(Path(path)) as store:
        return time_to_recover(store.connection, fleet)


def errors(scope: FleetScope, previous: bool = False) -> pd.DataFrame:
    """Every error code of the period (or of the period before), most frequent first."""
    return _errors(scope.path, scope.version, scope.previous if previous else scope.fleet)


def failing_vms(scope: FleetScope) -> pd.DataFrame:
    return _failing(scope.path, scope.version, scope.fleet)


def recovery(scope: FleetScope) -> pd.DataFrame:
    return _recover(scope.path, scope.version, scope.fleet)


@st.cache_data(max_entries=64, show_spinner=False)
def _job(path: str, version: str, vault: str, job_id: str) -> JobRow | None:
    with fleet_store.reading(Path(path)) as store:
        return find_job(store.connection, vault, job_id)


def job(vault: str | None, job_id: str | None) -> JobRow | None:
    """The failed job a link names (`?vault=<vault id or name>&job=<job id>`), None when not in the store."""
    path = fleet_store.store_path()
    if not vault or not job_id or not path.is_file():
        return None
    try:
        snapshot = fleet_summary.store_snapshot(path)
        return _job(snapshot.path, snapshot.version, vault, job_id)
    except Exception:
        return None
