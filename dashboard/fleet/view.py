"""What the Fleet page shows, decided without Streamlit: KPI tiles with their change against the previous
period, the tables (headers, display formats, CSV) and where an error's guidance is.

Everything is computed from a `loaders.jobs.queries.FleetSummary`; nothing here queries the store.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from dashboard.core.formatting import (
    MISSING,
    format_date,
    format_datetime,
    format_delta,
    format_duration,
    format_integer,
    format_moment,
    format_percent,
    format_point_delta,
)
from dashboard.core.i18n import current_locale, normalize_locale, translate, translate_plural
from dashboard.core.links import guide_link
from dashboard.fleet.labels import (
    SOURCE_LABELS,
    category_label,
    error_label,
    job_source_label,
    missing,
    unique_labels,
)
from loaders.jobs.queries import FleetSummary

DeltaColor = Literal["normal", "inverse", "off"]


# -- KPI tiles --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KpiTile:
    key: str
    label: str
    value: str
    delta: str | None  # signed change against the previous period; None when there is nothing to compare
    delta_color: DeltaColor  # "inverse": a rise is bad news
    help: str
    raw_value: float | int | None = None
    raw_delta: float | int | None = None
    trend: list[float] = field(default_factory=list)  # per-day values for the tile's sparkline

    @property
    def streamlit_delta(self) -> str | None:
        """Streamlit reads the direction of a text delta from a leading ASCII minus."""
        if self.delta is None:
            return None
        return "-" + self.delta[1:] if self.delta.startswith("−") else self.delta


def _delta(now: float | None, before: float | None, comparable: bool) -> float | None:
    if not comparable or now is None or before is None:
        return None
    return now - before


def kpi_tiles(summary: FleetSummary, locale: str | None = None,
              rpo_compared_at: dt.datetime | None = None) -> list[KpiTile]:
    """Jobs, success rate, failed jobs and affected VMs, each against the period of the same length just
    before (no change shown when that period has no jobs), and the VMs in RPO breach at `summary.now`
    against the same count at `rpo_compared_at`, the moment `summary.previous_rpo_breaches` was taken at
    (default: `summary.now` moved back by the period's length, as `fleet_summary` takes it)."""
    k, p = summary.kpis, summary.previous_kpis
    comparable = p.jobs > 0
    previous = _previous_text(summary, locale) if comparable else translate(
        "The previous period of the same length has no jobs to compare with.", locale)
    rate_help = translate("Completed (also with warnings) among finished jobs; cancelled and running jobs "
                          "do not count.", locale)
    daily = summary.daily_success_rate
    daily_jobs = summary.daily_trend
    jobs_per_day = [float(v) for v in daily_jobs.groupby("day")["jobs"].sum()] if len(daily_jobs) else []

    def tile(key: str, label: str, value: str, change: float | None, delta_text: str | None, color: DeltaColor,
             help_text: str, raw: float | int | None, trend: list[float], compared: str | None = None) -> KpiTile:
        return KpiTile(key, label, value, delta_text if change is not None else None, color,
                       help_text + " " + (compared if compared and comparable else previous), raw, change, trend)

    jobs_change = _delta(k.jobs, p.jobs, comparable)
    rate_change = _delta(k.success_rate, p.success_rate, comparable)
    failed_change = _delta(k.failed, p.failed, comparable)
    vms_change = _delta(k.affected_vms, p.affected_vms, comparable)
    rpo_change = _delta(summary.rpo_breaches, summary.previous_rpo_breaches, comparable)
    hours = format_integer(summary.rpo_hours, locale)
    compared_at = rpo_compared_at if rpo_compared_at is not None else summary.now - summary.filter.length
    return [
        tile("jobs", translate("Jobs", locale), format_integer(k.jobs, locale), jobs_change,
             format_delta(jobs_change, locale), "off",
             translate("Backup, restore and other jobs started in the period.", locale), k.jobs, jobs_per_day),
        tile("success_rate", translate("Success rate", locale), format_percent(k.success_rate, locale, 1), rate_change,
             format_point_delta(rate_change, locale, _change_digits(rate_change)), "normal", rate_help, k.success_rate,
             [float(v) for v in daily["success_rate"].dropna()] if len(daily) else []),
        tile("failed", translate("Failed", locale), format_integer(k.failed, locale), failed_change,
             format_delta(failed_change, locale), "inverse", translate("Jobs that ended with an error.", locale),
             k.failed, [float(v) for v in daily["failed"]] if len(daily) else []),
        tile("affected_vms", translate("Affected VMs", locale), format_integer(k.affected_vms, locale), vms_change,
             format_delta(vms_change, locale), "inverse", translate("VMs with at least one failed job.", locale),
             k.affected_vms, []),
        tile("rpo_breach", translate("Over RPO ({hours} h)", locale, hours=hours),
             format_integer(summary.rpo_breaches, locale), rpo_change, format_delta(rpo_change, locale), "inverse",
             translate("VMs whose latest successful backup is older than {hours} hours (or that never had one) "
                       "at {time} UTC. A backup counts from its start time, the time of its recovery point, "
                       "not from when it finished.", locale, hours=hours,
                       time=format_moment(summary.now, locale)),
             summary.rpo_breaches, [],
             compared=translate("Compared with the same count at {time} UTC, over the VMs with a job in the "
                                "previous period.", locale,
                                time=format_moment(compared_at, locale))),
    ]


def _change_digits(change: float | None) -> int:
    """Fraction digits of a success-rate change: small changes are not rounded away to "+0.0%"."""
    if change is None or change == 0:
        return 1
    return 1 if abs(change) >= 0.001 else 2 if abs(change) >= 0.0001 else 3


def _previous_text(summary: FleetSummary, locale: str | None) -> str:
    before = summary.filter.previous()
    return translate("Change against {start} – {end}.", locale, start=format_moment(before.start, locale),
                     end=format_moment(before.end, locale))


# -- guidance ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class GuideTarget:
    """Where the Guide page explains an error: an article slug and an error id (or code)."""

    article: str | None
    error: str


def guide_target(row: Mapping[str, Any]) -> GuideTarget | None:
    """The guidance of a top-error row (`queries.top_error_codes`), or None for an error no article
    explains (an unknown code keeps its raw message on the page instead)."""
    error_id = row.get("guide_error_id")
    if missing(error_id) or not str(error_id).strip():
        return None
    article = row.get("guide_article")
    return GuideTarget(None if missing(article) else str(article), str(error_id))


def guide_url(target: GuideTarget | None, locale: str | None = None, docs: str | None = None) -> str | None:
    """The Guide page's deep link for `target` (relative, so it works under any base URL), with the
    reader's docs folder when one was chosen."""
    if target is None:
        return None
    return guide_link(normalize_locale(locale) or current_locale(), target.article, target.error, docs=docs)


def row_at(frame: pd.DataFrame, position: int) -> dict[str, Any] | None:
    if position < 0 or position >= len(frame):
        return None
    return frame.iloc[position].to_dict()


def selected_rows(selection: Any) -> list[int]:
    """Row positions of an `st.dataframe` selection event (or its session-state value)."""
    rows = _get(_get(selection, "selection"), "rows")
    return [int(r) for r in rows or ()]


def selected_points(selection: Any) -> list[int]:
    """Row positions (customdata[0]) of the points of an `st.plotly_chart` selection event."""
    points = _get(_get(selection, "selection"), "points") or ()
    found = []
    for point in points:
        custom = _get(point, "customdata")
        if isinstance(custom, (list, tuple)) and custom:
            try:
                found.append(int(custom[0]))
            except (TypeError, ValueError):
                continue
    return found


def _get(value: Any, name: str) -> Any:
    if value is None:
        return None
    if isinstance(value, Mapping):
        return value.get(name)
    return getattr(value, name, None)


# -- tables -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Table:
    """A table as shown: raw values (sortable, exported) under translated headers, with display formats."""

    frame: pd.DataFrame  # translated column headers, raw values
    formats: dict[str, Callable[[Any], str]]  # header -> display format
    csv_name: str
    export_only: tuple[str, ...] = ()  # headers in the CSV but not on screen (long ids)

    def csv(self) -> bytes:
        """UTF-8 with a byte order mark, so spreadsheet programs read accents and Japanese correctly."""
        return self.frame.to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%SZ").encode("utf-8-sig")


def _formatter(function: Callable[..., str], locale: str | None, **options: Any) -> Callable[[Any], str]:
    def fmt(value: Any) -> str:
        return MISSING if missing(value) else function(value, locale, **options)
    return fmt


def _text(value: Any) -> str:
    return "" if missing(value) else str(value)


def top_errors_table(top_errors: pd.DataFrame, locale: str | None = None, docs: str | None = None) -> Table:
    headers = {
        "code": translate("Error code", locale), "message": translate("Error message", locale),
        "category": translate("Category", locale), "failed": translate("Failed jobs", locale),
        "vms": translate("VMs", locale), "guide": translate("Guidance", locale),
    }
    no_code = translate("(no code)", locale)
    frame = pd.DataFrame({
        headers["code"]: [no_code if missing(c) or not str(c).strip() else str(c) for c in top_errors["error_code"]],
        headers["message"]: [_text(m) for m in top_errors["error_message"]],
        headers["category"]: [category_label(c, locale) for c in top_errors["category"]],
        headers["failed"]: top_errors["failed"].astype("int64").to_list(),
        headers["vms"]: top_errors["vms"].astype("int64").to_list(),
        headers["guide"]: [guide_url(guide_target(row), locale, docs) for row in top_errors.to_dict("records")],
    })
    return Table(frame, {headers["failed"]: _formatter(format_integer, locale),
                         headers["vms"]: _formatter(format_integer, locale)}, "top-error-codes.csv")


def error_choices(top_errors: pd.DataFrame, locale: str | None = None) -> list[str]:
    """One label per row of `top_errors`, for picking an error without a mouse: its code (or raw
    message) and how many jobs failed with it."""
    names = unique_labels([error_label(code, message, locale) for code, message in
                           zip(top_errors["error_code"], top_errors["error_message"], strict=False)])
    return [translate("{error} ({count} failed)", locale, error=name, count=format_integer(int(failed), locale))
            for name, failed in zip(names, top_errors["failed"], strict=False)]


def top_failing_vms_table(vms: pd.DataFrame, locale: str | None = None) -> Table:
    headers = {
        "vm": translate("VM", locale), "vault": translate("Vault", locale), "region": translate("Region", locale),
        "os": translate("OS", locale), "failed": translate("Failed jobs", locale),
        "streak": translate("Failures in a row", locale),
        "last_success": translate("Last successful backup (UTC)", locale),
        "error": translate("Latest error code", locale), "vm_id": translate("Resource ID", locale),
    }
    never = translate("never", locale)
    frame = pd.DataFrame({
        headers["vm"]: [_text(v) for v in vms["vm_name"]],
        headers["vault"]: [_text(v) for v in vms["vault_name"]],
        headers["region"]: [_text(v) for v in vms["region"]],
        headers["os"]: [_text(v) for v in vms["os_type"]],
        headers["failed"]: vms["failed"].astype("int64").to_list(),
        headers["streak"]: vms["current_streak"].astype("int64").to_list(),
        headers["last_success"]: pd.to_datetime(vms["last_success"]).to_list(),
        headers["error"]: [_text(v) for v in vms["last_error_code"]],
        headers["vm_id"]: [_text(v) for v in vms["vm_id"]],
    })
    formats = {headers["failed"]: _formatter(format_integer, locale),
               headers["streak"]: _formatter(format_integer, locale),
               headers["last_success"]: lambda v: never if missing(v) else format_datetime(v, locale, "medium")}
    return Table(frame, formats, "top-failing-vms.csv", (headers["vm_id"],))


def rpo_breach_table(breach: pd.DataFrame, locale: str | None = None) -> Table:
    headers = {
        "vm": translate("VM", locale), "vault": translate("Vault", locale), "region": translate("Region", locale),
        "last_success": translate("Last successful backup (UTC)", locale),
        "age": translate("Since last success", locale), "vm_id": translate("Resource ID", locale),
    }
    never = translate("never", locale)
    frame = pd.DataFrame({
        headers["vm"]: [_text(v) for v in breach["vm_name"]],
        headers["vault"]: [_text(v) for v in breach["vault_name"]],
        headers["region"]: [_text(v) for v in breach["region"]],
        headers["last_success"]: pd.to_datetime(breach["last_success"]).to_list(),
        headers["age"]: [None if missing(h) else round(float(h), 1) for h in breach["hours_since"]],
        headers["vm_id"]: [_text(v) for v in breach["vm_id"]],
    })
    formats = {headers["last_success"]: lambda v: never if missing(v) else format_datetime(v, locale, "medium"),
               headers["age"]: lambda v: (never if missing(v)
                                          else format_duration(float(v) * 3600, locale, smallest="hour"))}
    return Table(frame, formats, "rpo-breach.csv", (headers["vm_id"],))


def styled(table: Table, rows: int | None = None) -> Any:
    """A pandas Styler showing the display formats over the raw values (sorting uses the raw values)."""
    frame = table.frame.drop(columns=list(table.export_only))
    frame = frame if rows is None else frame.head(rows)
    return frame.style.format({k: v for k, v in table.formats.items() if k in frame.columns}, na_rep=MISSING)


# -- data source ------------------------------------------------------------------------------------------
def source_lines(info: Any, as_of: dt.datetime | None, live: bool, locale: str | None = None) -> list[str]:
    """The data source indicator: store file, sources with their row counts, job count, last sync and last
    import, rejected records (if any) and, given `as_of`, the time the figures are read at."""
    sources = ", ".join(f"{job_source_label(name, locale)} ({format_integer(count, locale)})"
                        for name, count in sorted(info.sources.items())) or translate("none", locale)
    never = translate("never", locale)
    lines = [
        translate("Store: {path}", locale, path=info.path),
        translate("Sources: {sources}", locale, sources=sources),
        translate("Jobs: {count}", locale, count=format_integer(info.jobs, locale)),
        translate("Last sync: {time}", locale, time=format_moment(info.last_sync_time, locale)
                  if info.last_sync_time else never),
        translate("Last import: {time}", locale, time=format_moment(info.last_ingest_time, locale)
                  if info.last_ingest_time else never),
    ]
    if info.quarantined:
        lines.append(translate("Rejected records: {count}", locale, count=format_integer(info.quarantined, locale)))
    if as_of is not None:
        lines.append(translate("Figures as of {time} UTC", locale, time=format_moment(as_of, locale))
                     + ("" if live else " " + translate("(end of the stored data)", locale)))
    return lines


def imported_file(source: str) -> bool:
    """Imported files are recorded as "<format>:<file name>" (loaders.jobs.importers)."""
    return source not in SOURCE_LABELS and ":" in source


def source_label(info: Any, as_of: dt.datetime, locale: str | None = None) -> str:
    """One line naming where the figures come from, for the collapsed data source panel. Imported files
    are counted rather than named (a store can hold hundreds); the open panel lists them."""
    named = [job_source_label(name, locale) for name in sorted(info.sources) if not imported_file(name)]
    files = sum(1 for name in info.sources if imported_file(name))
    if files:
        named.append(translate_plural("{count} imported file", "{count} imported files", files, locale))
    return translate("Data source: {sources} · {count} jobs · figures as of {time} UTC", locale,
                     sources=", ".join(named) or translate("none", locale),
                     count=format_integer(info.jobs, locale), time=format_moment(as_of, locale))


def day_range_text(start: dt.datetime, end: dt.datetime, locale: str | None = None) -> str:
    """Whole-day periods as dates ('1 Jun 2026 – 30 Jun 2026'), others with times."""
    if start.time() == dt.time() and end.time() == dt.time():
        return translate("{start} – {end}", locale, start=format_date(start, locale),
                         end=format_date(end - dt.timedelta(days=1), locale))
    return translate("{start} – {end}", locale, start=format_moment(start, locale),
                     end=format_moment(end, locale))
