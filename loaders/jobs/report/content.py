"""What a report says for one filter state: its header, the KPIs against the previous period, its charts
and its tables, in the reader's language, from a `FleetSummary` alone."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from loaders.jobs.queries import FALLING, NEW, RECOVERED, RISING, STARTED, FleetSummary
from loaders.jobs.report.figures import daily_failures_figure, recovery_figure, top_errors_figure
from loaders.jobs.report.labels import MISSING, T_, decimal, integer, moment, percent

TOP_ROWS = 20  # rows of a long table in the report; the dashboard's CSVs have them all


@dataclass(frozen=True)
class Section:
    title: str
    headers: tuple[str, ...]
    rows: list[tuple[str, ...]]
    note: str = ""  # what the table means, or why it is empty
    empty: str = ""


@dataclass(frozen=True)
class ReportContent:
    locale: str
    title: str
    period: str
    filters: list[str]  # "Regions: westeurope, eastus" ...
    as_of: str
    kpis: Section
    figures: list[tuple[str, go.Figure]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)


def _text(value: Any) -> str:
    return MISSING if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _code(row: dict[str, Any], locale: str) -> str:
    code = row.get("error_code")
    if isinstance(code, str) and code.strip():
        return code
    return T_("(no code) {message}", locale, message=_text(row.get("error_message"))[:60])


def _filters(summary: FleetSummary, locale: str) -> list[str]:
    f = summary.filter
    every = T_("all", locale)
    named = ((T_("Subscriptions", locale), f.subscriptions), (T_("Vaults", locale), f.vaults),
             (T_("Regions", locale), f.regions), (T_("Operating systems", locale), f.os_types),
             (T_("Operations", locale), f.operations))
    return [f"{label}: {', '.join(values) if values else every}" for label, values in named]


def _kpis(summary: FleetSummary, locale: str) -> Section:
    k, p = summary.kpis, summary.previous_kpis
    rows = [
        (T_("Jobs", locale), integer(k.jobs, locale), integer(p.jobs, locale)),
        (T_("Success rate", locale), percent(k.success_rate, locale), percent(p.success_rate, locale)),
        (T_("Failed jobs", locale), integer(k.failed, locale), integer(p.failed, locale)),
        (T_("Affected VMs", locale), integer(k.affected_vms, locale), integer(p.affected_vms, locale)),
        (T_("VMs over RPO ({hours} h)", locale, hours=integer(summary.rpo_hours, locale)),
         integer(summary.rpo_breaches, locale), integer(summary.previous_rpo_breaches, locale)),
    ]
    return Section(T_("Key figures", locale), (T_("Figure", locale), T_("This period", locale),
                                               T_("Previous period", locale)), rows)


def _code_changes(summary: FleetSummary, locale: str) -> list[Section]:
    titles = {NEW: T_("New error codes", locale), RISING: T_("Rising error codes", locale),
              FALLING: T_("Falling error codes", locale)}
    headers = (T_("Error code", locale), T_("Failed jobs", locale), T_("Failed jobs before", locale),
               T_("VMs", locale), T_("VMs before", locale))
    sections = []
    for trend, title in titles.items():
        rows = summary.error_code_changes[summary.error_code_changes["trend"] == trend]
        sections.append(Section(title, headers, [
            (_code(r, locale), integer(r["failed"], locale), integer(r["previous_failed"], locale),
             integer(r["vms"], locale), integer(r["previous_vms"], locale))
            for r in rows.head(TOP_ROWS).to_dict("records")],
            empty=T_("None.", locale)))
    return sections


def _vm_changes(summary: FleetSummary, locale: str) -> list[Section]:
    out = []
    for change, title in ((STARTED, T_("VMs that started failing", locale)),
                          (RECOVERED, T_("VMs that recovered", locale))):
        rows = summary.vm_changes[summary.vm_changes["change"] == change]
        out.append(Section(title, (T_("VM", locale), T_("Vault", locale), T_("Failing since (UTC)", locale),
                                   T_("Recovered at (UTC)", locale), T_("Error code", locale)), [
            (_text(r["vm_name"]), _text(r["vault_name"]), moment(r["first_failure"], locale),
             moment(r["recovered_at"], locale), _code(r, locale)) for r in rows.head(TOP_ROWS).to_dict("records")],
            empty=T_("None.", locale)))
    return out


def _incidents(summary: FleetSummary, locale: str) -> Section:
    def scope(r: dict[str, Any]) -> str:
        if isinstance(r.get("vault_name"), str):
            return T_("Vault {vault} ({region})", locale, vault=r["vault_name"], region=r["region"])
        return T_("Region {region}", locale, region=r["region"])

    return Section(T_("Incidents", locale), (T_("Error code", locale), T_("Likely scope", locale),
                                             T_("Start (UTC)", locale), T_("End (UTC)", locale),
                                             T_("VMs hit", locale)), [
        (_code(r, locale), scope(r), moment(r["start"], locale), moment(r["end"], locale), integer(r["vms"], locale))
        for r in summary.incidents.to_dict("records")],
        note=T_("Days on which unusually many VMs of one region or vault started failing with the same error code.",
                locale), empty=T_("No incident in this period.", locale))


def _vm_tables(summary: FleetSummary, locale: str) -> list[Section]:
    top = Section(T_("Top failing VMs", locale), (T_("VM", locale), T_("Vault", locale), T_("Failed jobs", locale),
                                                 T_("Failures in a row", locale), T_("Latest error code", locale)), [
        (_text(r["vm_name"]), _text(r["vault_name"]), integer(r["failed"], locale),
         integer(r["current_streak"], locale), _text(r["last_error_code"]))
        for r in summary.top_failing_vms.head(TOP_ROWS).to_dict("records")],
        empty=T_("None.", locale))
    breach = Section(T_("VMs in RPO breach", locale), (T_("VM", locale), T_("Vault", locale),
                                                      T_("Last successful backup (UTC)", locale),
                                                      T_("Hours since", locale)), [
        (_text(r["vm_name"]), _text(r["vault_name"]),
         moment(r["last_success"], locale) if not pd.isna(r["last_success"]) else T_("never", locale),
         decimal(r["hours_since"], locale)) for r in summary.rpo_breach.head(TOP_ROWS).to_dict("records")],
        note=T_("{count} VMs in all.", locale, count=integer(len(summary.rpo_breach), locale)),
        empty=T_("None.", locale))
    gaps = Section(T_("VMs without any job", locale), (T_("VM", locale), T_("Vault", locale),
                                                      T_("Latest job (UTC)", locale), T_("Days silent", locale)), [
        (_text(r["vm_name"]), _text(r["vault_name"]), moment(r["last_job"], locale), decimal(r["days_silent"], locale))
        for r in summary.protection_gaps.head(TOP_ROWS).to_dict("records")],
        note=T_("{count} VMs in all.", locale, count=integer(len(summary.protection_gaps), locale)),
        empty=T_("None.", locale))
    return [top, breach, gaps]


def _top_errors(summary: FleetSummary, locale: str) -> Section:
    return Section(T_("Top error codes", locale), (T_("Error code", locale), T_("Category", locale),
                                                   T_("Failed jobs", locale), T_("VMs", locale)), [
        (_code(r, locale), _text(r["category"]), integer(r["failed"], locale), integer(r["vms"], locale))
        for r in summary.top_error_codes.to_dict("records")], empty=T_("None.", locale))


def period_text(start: dt.datetime, end: dt.datetime, locale: str) -> str:
    return T_("{start} – {end} (UTC)", locale, start=moment(start, locale), end=moment(end, locale))


def report_content(summary: FleetSummary, locale: str, as_of: dt.datetime | None = None) -> ReportContent:
    f = summary.filter
    figures = [(T_("Failed jobs per day", locale), daily_failures_figure(summary, locale)),
               (T_("Top error codes", locale), top_errors_figure(summary, locale)),
               (T_("Time to recover", locale), recovery_figure(summary, locale))]
    return ReportContent(
        locale=locale, title=T_("Fleet backup report", locale),
        period=period_text(f.start, f.end, locale) + " · " + T_(
            "compared with the {days} days before", locale, days=integer(f.length.days, locale)),
        filters=_filters(summary, locale),
        as_of=T_("Figures as of {time} UTC", locale, time=moment(as_of or summary.now, locale)),
        kpis=_kpis(summary, locale), figures=figures,
        sections=[*_code_changes(summary, locale), *_vm_changes(summary, locale), _incidents(summary, locale),
                  _top_errors(summary, locale), *_vm_tables(summary, locale)],
    )
