"""The Fleet page's data, cached per store version and filter state.

A rerun first compares the store file's signature (modification time and size of the file and its
write-ahead log) with the last one seen: unchanged, the store is not asked anything. Entries are keyed
on the store's version (it changes on every write, and differs between store files), so a write shows up
on the next rerun. Summaries and figures are kept as objects, shared read-only by every session, per
filter state (and language): a rerun that only changes the RPO threshold reuses them.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard.core import fleet_store
from dashboard.core.fleet_store import StoreSnapshot
from dashboard.fleet import charts as fleet_charts
from dashboard.fleet import filters as fleet_filters
from loaders.jobs.queries import FleetFilter, FleetSummary, fleet_summary, rpo_breach
from loaders.jobs.report import render_html, render_markdown, report_content

SUMMARY_RPO_HOURS = 24.0  # the summary is computed once at this threshold; others are added on top


@st.cache_data(max_entries=16, show_spinner=False)
def _snapshot(path: str, signature: tuple) -> StoreSnapshot:
    with fleet_store.reading(Path(path)) as store:
        return fleet_store.snapshot(store)


def store_snapshot(path: Path) -> StoreSnapshot:
    """Version, contents and filter options of the store, read again only after it was written."""
    return _snapshot(str(path), fleet_store.file_signature(path))


# Kept as objects (no copy per rerun): nothing downstream changes a summary's frames.
@st.cache_resource(max_entries=32, show_spinner=False)
def _summary(path: str, version: str, fleet: FleetFilter, now: dt.datetime) -> FleetSummary:
    with fleet_store.reading(Path(path)) as store:
        return fleet_summary(store.connection, fleet, now=now, rpo_hours=SUMMARY_RPO_HOURS)


@st.cache_resource(max_entries=32, show_spinner=False)
def _rpo(path: str, version: str, fleet: FleetFilter, now: dt.datetime, hours: float) -> pd.DataFrame:
    with fleet_store.reading(Path(path)) as store:
        return rpo_breach(store.connection, fleet, now, hours)


def summary(snapshot: StoreSnapshot, fleet: FleetFilter, now: dt.datetime, rpo_hours: float) -> FleetSummary:
    """Every fleet view for the filter state, with the RPO breach at `rpo_hours` and the count it is
    compared with taken at `fleet_filters.rpo_compared_at(fleet)`."""
    result = _summary(snapshot.path, snapshot.version, fleet, now)
    hours = float(rpo_hours)
    compared_at = fleet_filters.rpo_compared_at(fleet)
    same_hours = hours == result.rpo_hours
    # The summary's own previous count is taken at `now` moved back by the period's length: the same
    # moment unless the period reaches past `now`.
    same_moment = result.now - fleet.length == compared_at
    if same_hours and same_moment:
        return result
    breach = result.rpo_breach if same_hours else _rpo(snapshot.path, snapshot.version, fleet, now, hours)
    before = len(_rpo(snapshot.path, snapshot.version, fleet.previous(), compared_at, hours))
    return with_rpo(result, breach, before, hours)


def with_rpo(result: FleetSummary, breach: pd.DataFrame, previous_count: int, rpo_hours: float) -> FleetSummary:
    """`result` with the RPO breach list and counts of another threshold."""
    return dataclasses.replace(result, rpo_hours=float(rpo_hours), rpo_breach=breach, rpo_breaches=len(breach),
                               previous_rpo_breaches=previous_count)


@st.cache_resource(max_entries=24, show_spinner=False)
def figures(_result: FleetSummary, version: str, fleet: FleetFilter, now: dt.datetime,
            locale: str) -> dict[str, go.Figure]:
    """The page's charts for one filter state, in one language (the key stands for `_result`)."""
    period = (fleet.start, fleet.end)
    return {
        "daily": fleet_charts.daily_failures_chart(_result.daily_failures_by_category, _result.daily_success_rate,
                                                   period, locale, as_of=now),
        "top_errors": fleet_charts.top_errors_chart(_result.top_error_codes, locale),
        "location": fleet_charts.failures_by_location_chart(_result.failures_by_location, locale),
        "heatmap": fleet_charts.failure_heatmap_chart(_result.failure_heatmap, locale),
        "recovery": fleet_charts.time_to_recover_chart(_result.time_to_recover, locale),
    }


@st.cache_resource(max_entries=8, show_spinner=False)
def report(_result: FleetSummary, version: str, fleet: FleetFilter, now: dt.datetime, rpo_hours: float, locale: str,
           format: str) -> bytes:
    """The report of the view (`loaders.jobs.report`) as UTF-8, HTML or Markdown; built when asked for (the
    key stands for `_result`)."""
    content = report_content(_result, locale, now)
    return (render_html(content) if format == "html" else render_markdown(content)).encode("utf-8")
