"""The Fleet page's "what changed", incidents and protection gaps as tables, decided without Streamlit.

Every row that names an error links to its guidance; an incident also links to the Fleet page narrowed to
its region or vault and its days. Built from the frames of `loaders.jobs.queries.FleetSummary`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any
from urllib.parse import urlencode

import pandas as pd

from dashboard.core.formatting import format_datetime, format_duration, format_integer
from dashboard.core.i18n import translate
from dashboard.fleet import filters as fleet_filters
from dashboard.fleet.labels import category_label, error_label, missing
from dashboard.fleet.view import Table, _formatter, _text, guide_target, guide_url
from loaders.jobs.queries import FALLING, NEW, RECOVERED, RISING, STARTED

FLEET_URL_PATH = "fleet"  # the Fleet page's URL path (dashboard/core/registry.py)
CHANGE_TRENDS = (NEW, RISING, FALLING)


def _guides(frame: pd.DataFrame, locale: str | None, docs: str | None) -> list[str | None]:
    return [guide_url(guide_target(row), locale, docs) for row in frame.to_dict("records")]


def _codes(frame: pd.DataFrame, locale: str | None) -> list[str]:
    return [error_label(code, message, locale) for code, message in
            zip(frame["error_code"], frame["error_message"], strict=True)]


def _moment(locale: str | None, never: str | None = None) -> Callable[[Any], str]:
    return lambda v: (never or "–") if missing(v) else format_datetime(v, locale, "medium")


def code_changes_table(changes: pd.DataFrame, trend: str, locale: str | None = None,
                       docs: str | None = None) -> Table:
    """The codes of one trend (`NEW`, `RISING` or `FALLING`) with both periods' counts."""
    rows = changes[changes["trend"] == trend]
    headers = {
        "code": translate("Error code", locale), "category": translate("Category", locale),
        "failed": translate("Failed jobs", locale), "before": translate("Failed jobs before", locale),
        "vms": translate("VMs", locale), "vms_before": translate("VMs before", locale),
        "guide": translate("Guidance", locale),
    }
    frame = pd.DataFrame({
        headers["code"]: _codes(rows, locale),
        headers["category"]: [category_label(c, locale) for c in rows["category"]],
        headers["failed"]: rows["failed"].astype("int64").to_list(),
        headers["before"]: rows["previous_failed"].astype("int64").to_list(),
        headers["vms"]: rows["vms"].astype("int64").to_list(),
        headers["vms_before"]: rows["previous_vms"].astype("int64").to_list(),
        headers["guide"]: _guides(rows, locale, docs),
    })
    counts = {headers[k]: _formatter(format_integer, locale) for k in ("failed", "before", "vms", "vms_before")}
    return Table(frame, counts, f"error-codes-{trend}.csv")


def vm_changes_table(changes: pd.DataFrame, change: str, locale: str | None = None,
                     docs: str | None = None) -> Table:
    """VMs that started failing (`STARTED`) or recovered (`RECOVERED`) in the period."""
    rows = changes[changes["change"] == change]
    headers = {
        "vm": translate("VM", locale), "vault": translate("Vault", locale), "region": translate("Region", locale),
        "since": translate("Failing since (UTC)", locale), "recovered": translate("Recovered at (UTC)", locale),
        "failures": translate("Failures in a row", locale), "code": translate("Error code", locale),
        "guide": translate("Guidance", locale), "vm_id": translate("Resource ID", locale),
    }
    columns = {
        headers["vm"]: [_text(v) for v in rows["vm_name"]],
        headers["vault"]: [_text(v) for v in rows["vault_name"]],
        headers["region"]: [_text(v) for v in rows["region"]],
        headers["since"]: pd.to_datetime(rows["first_failure"]).to_list(),
    }
    if change == RECOVERED:
        columns[headers["recovered"]] = pd.to_datetime(rows["recovered_at"]).to_list()
    columns |= {
        headers["failures"]: rows["failures"].astype("int64").to_list(),
        headers["code"]: _codes(rows, locale),
        headers["guide"]: _guides(rows, locale, docs),
        headers["vm_id"]: [_text(v) for v in rows["vm_id"]],
    }
    formats = {headers["since"]: _moment(locale), headers["recovered"]: _moment(locale),
               headers["failures"]: _formatter(format_integer, locale)}
    name = "vms-started-failing.csv" if change == STARTED else "vms-recovered.csv"
    return Table(pd.DataFrame(columns), formats, name, (headers["vm_id"],))


def incident_scope(row: dict[str, Any], locale: str | None = None) -> str:
    if not missing(row.get("vault_name")):
        return translate("Vault {vault} ({region})", locale, vault=row["vault_name"], region=row["region"])
    return translate("Region {region}", locale, region=row["region"])


def incident_view_url(row: dict[str, Any], state: fleet_filters.FilterState, locale: str) -> str:
    """The Fleet page narrowed to an incident: its days (UTC, both ends included) and its vault or region;
    the other filters and the RPO threshold stay as they are."""
    start, end = pd.Timestamp(row["start"]).date(), pd.Timestamp(row["end"]).date()
    narrowed = replace(state, range=fleet_filters.CUSTOM, start_day=start, end_day=max(start, end))
    if not missing(row.get("vault_name")):
        narrowed = replace(narrowed, vaults=(str(row["vault_name"]),))
    else:
        narrowed = replace(narrowed, regions=(str(row["region"]),))
    query = {"lang": locale} | {k: v for k, v in fleet_filters.to_query(narrowed).items() if v}
    return f"{FLEET_URL_PATH}?{urlencode(query)}"


def incidents_table(found: pd.DataFrame, state: fleet_filters.FilterState, locale: str,
                    docs: str | None = None) -> Table:
    headers = {
        "code": translate("Error code", locale), "scope": translate("Likely scope", locale),
        "start": translate("Start (UTC)", locale), "end": translate("End (UTC)", locale),
        "vms": translate("VMs hit", locale), "failed": translate("Failed backups", locale),
        "guide": translate("Guidance", locale), "view": translate("Filtered view", locale),
    }
    records = found.to_dict("records")
    frame = pd.DataFrame({
        headers["code"]: _codes(found, locale),
        headers["scope"]: [incident_scope(row, locale) for row in records],
        headers["start"]: pd.to_datetime(found["start"]).to_list(),
        headers["end"]: pd.to_datetime(found["end"]).to_list(),
        headers["vms"]: found["vms"].astype("int64").to_list(),
        headers["failed"]: found["failed"].astype("int64").to_list(),
        headers["guide"]: _guides(found, locale, docs),
        headers["view"]: [incident_view_url(row, state, locale) for row in records],
    })
    formats = {headers["start"]: _moment(locale), headers["end"]: _moment(locale),
               headers["vms"]: _formatter(format_integer, locale),
               headers["failed"]: _formatter(format_integer, locale)}
    return Table(frame, formats, "incidents.csv")


def protection_gaps_table(gaps: pd.DataFrame, locale: str | None = None) -> Table:
    headers = {
        "vm": translate("VM", locale), "vault": translate("Vault", locale), "region": translate("Region", locale),
        "last_job": translate("Latest job (UTC)", locale),
        "last_success": translate("Last successful backup (UTC)", locale),
        "silent": translate("Silent for", locale), "vm_id": translate("Resource ID", locale),
    }
    never = translate("never", locale)
    frame = pd.DataFrame({
        headers["vm"]: [_text(v) for v in gaps["vm_name"]],
        headers["vault"]: [_text(v) for v in gaps["vault_name"]],
        headers["region"]: [_text(v) for v in gaps["region"]],
        headers["last_job"]: pd.to_datetime(gaps["last_job"]).to_list(),
        headers["last_success"]: pd.to_datetime(gaps["last_success"]).to_list(),
        headers["silent"]: [None if missing(d) else round(float(d), 2) for d in gaps["days_silent"]],
        headers["vm_id"]: [_text(v) for v in gaps["vm_id"]],
    })
    formats = {headers["last_job"]: _moment(locale), headers["last_success"]: _moment(locale, never),
               headers["silent"]: lambda v: "–" if missing(v) else format_duration(float(v) * 86400, locale,
                                                                                    smallest="hour")}
    return Table(frame, formats, "protection-gaps.csv", (headers["vm_id"],))
