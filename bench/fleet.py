"""Fleet benchmark: the sample fleet ingested into the DuckDB store, and every fleet view for one filter
state (`fleet_summary`, "what changed", incidents and protection gaps included) against the same answers
computed with plain pandas on the same rows.

`python -m bench.fleet` runs 15,000 VMs × 90 days (about 1.3 M jobs) and 56,500 VMs × 90 days (about
5 M jobs), checks that DuckDB and pandas agree on every view, prints the numbers and rewrites the
"## Fleet" section of bench/RESULTS.md. `--sizes 2000x30` (or any list) gives a quick run; `--no-write`
leaves RESULTS.md alone.

Each size runs in fresh subprocesses, so the peak resident memory (ru_maxrss) of one is not inflated by
another: one for the store (generate + ingest + queries: the product's own footprint) and one for the
pandas baseline (which loads the same rows from the store into a DataFrame first; loading is not timed).
Query times are the median of `--repeat` runs after one warm-up run, as on a dashboard whose store is open.
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import pickle
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bench.results import RESULTS, machine, package_version, write_section

REPO = Path(__file__).resolve().parents[1]

SECTION = "## Fleet"
DEFAULT_SIZES = ("15000x90", "56500x90")
NOW = dt.datetime(2026, 3, 2, 14, 0)  # fixed, so every run draws the same fleet
SEED = 7
QUERY_TARGET_S = 1.0  # all views of one filter state at ~1.4 M jobs
RATIO_TARGET = 10.0  # at least this many times faster than pandas
MEMORY_TARGET_MB = 2048  # peak resident memory at 5 M jobs
VIEWS = ("daily_trend", "daily_success_rate", "daily_failures_by_category", "top_error_codes", "top_failing_vms",
         "rpo_breach", "failure_streaks", "time_to_recover", "failure_heatmap", "failures_by_location",
         "error_code_changes", "vm_changes", "incidents", "protection_gaps")


def filter_states() -> dict[str, Any]:
    """The filter states timed: the dashboard's opening week, the whole history, and a narrowed view."""
    # The workers import what they measure, so that the parent, which only starts them, stays light.
    from loaders.jobs.queries import FleetFilter

    return {
        "last 7 days": FleetFilter.last_days(NOW, 7),
        "last 90 days": FleetFilter.last_days(NOW, 90),
        "30 days, 3 regions, Windows, backups": FleetFilter.last_days(
            NOW, 30, regions=("eastus", "southeastasia", "westeurope"), os_types=("Windows",), operations=("Backup",)),
    }


# ---------------------------------------------------------------------------------------------------------
# Baseline: the same definitions (see loaders/jobs/queries/) in plain pandas
# ---------------------------------------------------------------------------------------------------------
PANDAS_COLUMNS = ("vault_id", "job_id", "subscription_id", "vault_name", "region", "vm_id", "vm_name", "os_type",
                  "operation", "status", "is_scheduled", "start_time", "error_code_int", "error_code",
                  "error_message", "error_category", "guide_article", "guide_error_id")
SUCCESS = ("Completed", "CompletedWithWarnings")
INCIDENT_COLUMNS = ("error_code", "error_message", "category", "guide_article", "guide_error_id", "scope",
                    "region", "vault_name", "start", "end", "failed", "vms", "vaults", "peak_z")


def _vm_key(df: pd.DataFrame) -> pd.Series:
    key = df["vm_id"].copy()
    missing = key.isna()
    if missing.any():
        key[missing] = df.loc[missing, "vault_id"] + "/" + df.loc[missing, "vm_name"].str.lower()
    return key


def _error_key(df: pd.DataFrame) -> pd.Series:
    code = df["error_code"].copy()
    missing = code.isna() & df["error_code_int"].notna()
    if missing.any():
        code[missing] = df.loc[missing, "error_code_int"].astype("int64").astype(str)
    return code


def _entity_mask(df: pd.DataFrame, f: Any) -> pd.Series:
    mask = pd.Series(True, index=df.index)
    for attr, column in (("subscriptions", "subscription_id"), ("vaults", "vault_name"), ("regions", "region"),
                         ("os_types", "os_type")):
        values = getattr(f, attr)
        if values:
            mask &= df[column].isin(values)
    return mask


def _scope_mask(df: pd.DataFrame, f: Any, entity: pd.Series) -> pd.Series:
    mask = entity & (df["start_time"] >= f.start) & (df["start_time"] < f.end)
    for attr, column in (("operations", "operation"), ("statuses", "status")):
        values = getattr(f, attr)
        if values:
            mask &= df[column].isin(values)
    return mask


def _pandas_kpis(df: pd.DataFrame, key: pd.Series, scope: pd.Series) -> dict[str, Any]:
    status = df.loc[scope, "status"]
    counts = status.value_counts()
    completed = int(counts.get("Completed", 0))
    warnings = int(counts.get("CompletedWithWarnings", 0))
    failed = int(counts.get("Failed", 0))
    finished = completed + warnings + failed
    return dict(
        jobs=int(scope.sum()), completed=completed, failed=failed, warnings=warnings,
        in_progress=int(counts.get("InProgress", 0) + counts.get("Cancelling", 0)),
        success_rate=(completed + warnings) / finished if finished else None,
        affected_vms=int(key[scope & (df["status"] == "Failed")].nunique()),
        cancelled=int(counts.get("Cancelled", 0)),
    )


def _scope_vms(df: pd.DataFrame, key: pd.Series, scope: pd.Series) -> pd.DataFrame:
    """VMs with a job in scope and the attributes of their latest job in scope, indexed by VM id."""
    mask = scope & key.notna()
    rows = df.loc[mask, ["start_time", "vm_name", "vault_name", "subscription_id", "region", "os_type"]]
    rows = rows.assign(vm_id=key[mask]).sort_values("start_time", kind="stable")
    return rows.drop_duplicates("vm_id", keep="last").set_index("vm_id").drop(columns="start_time")


def _successes(df: pd.DataFrame, key: pd.Series, f: Any, vms: pd.Index,
               now: dt.datetime) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per VM (its whole history, whatever the entity filters): latest successful backup before the end and
    before now; and every success before the end."""
    mask = (df["operation"] == "Backup") & df["status"].isin(SUCCESS) & (df["start_time"] < max(f.end, now))
    ok = df.loc[mask, ["start_time"]].assign(vm_id=key[mask])
    ok = ok[ok["vm_id"].isin(vms)]
    before_end = ok[ok["start_time"] < f.end]
    latest = pd.DataFrame({
        "before_end": before_end.groupby("vm_id")["start_time"].max(),
        "before_now": ok[ok["start_time"] < now].groupby("vm_id")["start_time"].max(),
    })
    return latest, before_end


def _runs(df: pd.DataFrame, key: pd.Series, f: Any, vms: pd.Index, successes: pd.DataFrame) -> pd.DataFrame:
    """Runs of failed backups of the VMs `vms` before the end of the period."""
    mask = (df["operation"] == "Backup") & (df["status"] == "Failed") & (df["start_time"] < f.end)
    failed = df.loc[mask, ["start_time", "job_id", "is_scheduled", "error_message"]]
    failed = failed.assign(vm_id=key[mask], error_code=_error_key(df.loc[mask, ["error_code", "error_code_int"]]),
                           scheduled=failed["is_scheduled"].fillna(True).astype(bool))
    failed = failed[failed["vm_id"].isin(vms)].sort_values(["start_time", "job_id"], kind="stable")
    times = successes[["vm_id", "start_time"]].sort_values("start_time", kind="stable")
    placed = pd.merge_asof(failed, times.assign(prev_success=times["start_time"]), on="start_time", by="vm_id",
                           direction="backward", allow_exact_matches=False)
    placed = pd.merge_asof(placed, times.assign(next_success=times["start_time"]), on="start_time", by="vm_id",
                           direction="forward", allow_exact_matches=True)
    placed["run"] = placed.groupby(["vm_id", "prev_success"], dropna=False, sort=False).ngroup()
    first = placed.drop_duplicates("run", keep="first").set_index("run")  # rows are in (start, job id) order
    grouped = placed.groupby("run")
    return pd.DataFrame({
        "vm_id": first["vm_id"],
        "first_failure": grouped["start_time"].min(),
        "last_failure": grouped["start_time"].max(),
        "recovered_at": grouped["next_success"].min(),
        "error_code": first["error_code"],
        "error_message": first["error_message"],
        "scheduled_failures": grouped["scheduled"].sum().astype("int64"),
    })


def _rpo(scope_vms: pd.DataFrame, latest: pd.DataFrame, now: dt.datetime, rpo_hours: float) -> pd.DataFrame:
    aged = scope_vms[["vm_name", "vault_name", "region"]].join(latest["before_now"]).rename(
        columns={"before_now": "last_success"})
    aged["hours_since"] = (now - aged["last_success"]).dt.total_seconds() / 3600.0
    aged = aged[aged["last_success"].isna() | (aged["hours_since"] > rpo_hours)].rename_axis("vm_id").reset_index()
    aged = aged.assign(never=aged["last_success"].isna())
    return aged.sort_values(["never", "hours_since", "vm_name", "vm_id"], ascending=[False, False, True, True],
                            na_position="last", kind="stable").drop(columns="never").reset_index(drop=True)


def _sorted(frame: pd.DataFrame, by: list[str], ascending: list[bool]) -> pd.DataFrame:
    return frame.sort_values(by, ascending=ascending, na_position="last", kind="stable").reset_index(drop=True)


# The "what changed", incident and gap views (loaders/jobs/queries/changes.py, incident_detection.py, gaps.py).
SIGNIFICANCE_Z, SPIKE_Z, MIN_MAD, MIN_VMS = 2.0, 3.5, 1.0, 3
TREND_ORDER = {"new": 0, "rising": 1, "falling": 2, "steady": 3, "gone": 4}


def _code_changes(failed_both: pd.DataFrame) -> pd.DataFrame:
    codes = failed_both.assign(message_key=failed_both["error_message"].where(failed_both["code"].isna()))
    by = codes.groupby(["code", "message_key"], dropna=False)
    now_rows, before_rows = codes[codes["in_scope"]], codes[codes["in_previous"]]
    keys = ["code", "message_key"]
    out = pd.DataFrame({
        "error_message": by["error_message"].min(), "category": by["error_category"].min().fillna("unknown"),
        "guide_article": by["guide_article"].min(), "guide_error_id": by["guide_error_id"].min(),
        "failed": now_rows.groupby(keys, dropna=False).size(),
        "previous_failed": before_rows.groupby(keys, dropna=False).size(),
        "vms": now_rows.groupby(keys, dropna=False)["vm_id"].nunique(),
        "previous_vms": before_rows.groupby(keys, dropna=False)["vm_id"].nunique(),
    })
    for column in ("failed", "previous_failed", "vms", "previous_vms"):
        out[column] = out[column].fillna(0).astype("int64")
    out["failed_z"] = (out["failed"] - out["previous_failed"]) / (out["failed"] + out["previous_failed"]) ** 0.5
    total_vms = (out["vms"] + out["previous_vms"]).where(lambda v: v > 0)
    out["vms_z"] = (out["vms"] - out["previous_vms"]) / total_vms ** 0.5
    z = SIGNIFICANCE_Z
    out["trend"] = "steady"
    out.loc[(out["failed_z"] >= z) & (out["vms_z"] >= z), "trend"] = "rising"
    out.loc[(out["failed_z"] <= -z) & (out["vms_z"] <= -z), "trend"] = "falling"
    out.loc[out["failed"] == 0, "trend"] = "gone"
    out.loc[out["previous_failed"] == 0, "trend"] = "new"
    out = out.reset_index().rename(columns={"code": "error_code"}).drop(columns="message_key")
    rank = out["trend"].map(TREND_ORDER)
    second = out["failed"].mul(-1).astype("float64")
    second = second.mask(out["trend"] == "new", -out["vms"]).mask(out["trend"] == "rising", -out["vms_z"])
    second = second.mask(out["trend"] == "falling", out["vms_z"])
    out = out.assign(_rank=rank, _second=second)
    out = _sorted(out, ["_rank", "_second", "failed", "error_code", "error_message"], [True, True, False, True, True])
    return out.drop(columns=["_rank", "_second"])[["error_code", "error_message", "category", "guide_article",
                                                   "guide_error_id", "failed", "previous_failed", "vms",
                                                   "previous_vms", "failed_z", "vms_z", "trend"]]


def _guides(df: pd.DataFrame) -> pd.DataFrame:
    failed = df[df["status"] == "Failed"]
    return failed.assign(code=_error_key(failed)).groupby("code")[["guide_article", "guide_error_id"]].min()


def _vm_changes(runs: pd.DataFrame, scope_vms: pd.DataFrame, guides: pd.DataFrame, f: Any) -> pd.DataFrame:
    open_at_start = (runs["first_failure"] < f.start) & (runs["recovered_at"].isna()
                                                         | (runs["recovered_at"] >= f.start))
    states = pd.DataFrame({"at_start": open_at_start, "at_end": runs["recovered_at"].isna(), "vm_id": runs["vm_id"]})
    states = states.groupby("vm_id")[["at_start", "at_end"]].any()
    r = runs.join(states, on="vm_id")
    started = r["at_end"] & ~r["at_start"] & r["recovered_at"].isna()
    recovered = r["at_start"] & ~r["at_end"] & (r["first_failure"] < f.start) & (r["recovered_at"] >= f.start)
    r = r[started | recovered].assign(change=lambda x: x["at_end"].map({True: "started", False: "recovered"}))
    r = r.join(scope_vms[["vm_name", "vault_name", "region"]], on="vm_id", how="inner").join(guides, on="error_code")
    r = r.rename(columns={"scheduled_failures": "failures"})
    key = (-r["failures"]).where(r["change"] == "started",
                                 -(r["recovered_at"] - pd.Timestamp(1970, 1, 1)).dt.total_seconds())
    r = r.assign(_recovered=r["change"] == "recovered", _key=key)
    r = _sorted(r, ["_recovered", "_key", "first_failure", "vm_name", "vm_id"], [True, True, True, True, True])
    return r[["vm_id", "vm_name", "vault_name", "region", "change", "first_failure", "recovered_at", "failures",
              "error_code", "error_message", "guide_article", "guide_error_id"]]


def _incidents(runs: pd.DataFrame, scope_vms: pd.DataFrame, df: pd.DataFrame, f: Any) -> pd.DataFrame:
    first = f.previous().start
    onsets = runs[(runs["first_failure"] >= first) & runs["error_code"].notna()]
    onsets = onsets.join(scope_vms[["region", "vault_name"]], on="vm_id", how="inner")
    onsets = onsets[onsets["region"].notna()].assign(day=lambda x: x["first_failure"].dt.floor("D"))
    n_days = (pd.Timestamp(f.end - dt.timedelta(microseconds=1)).normalize() - pd.Timestamp(first).normalize()).days + 1
    with_vault = onsets[onsets["vault_name"].notna()]
    levels = [onsets.assign(group_vault=""), with_vault.assign(group_vault=with_vault["vault_name"])]
    daily = pd.concat([lv.groupby(["error_code", "region", "group_vault", "day"])["vm_id"].nunique() for lv in levels])
    daily = daily.rename("vms").reset_index()
    start_day = pd.Timestamp(f.start).normalize()
    groups = daily.groupby(["error_code", "region", "group_vault"])
    stats = []
    for key, rows in groups:
        if rows["day"].max() < start_day:
            continue
        series = np.concatenate([rows["vms"].to_numpy(float), np.zeros(n_days - len(rows))])
        centre = float(np.median(series))
        scale = 1.4826 * max(float(np.median(np.abs(series - centre))), MIN_MAD)
        stats.append((*key, centre, scale))
    stats = pd.DataFrame(stats, columns=["error_code", "region", "group_vault", "centre", "scale"])
    scored = daily.merge(stats, on=["error_code", "region", "group_vault"])
    scored = scored[(scored["day"] >= start_day) & (scored["vms"] >= MIN_VMS)]
    scored = scored.assign(z=(scored["vms"] - scored["centre"]) / scored["scale"])
    spikes = scored[scored["z"] >= SPIKE_Z].sort_values(["error_code", "region", "group_vault", "day"])
    columns = list(INCIDENT_COLUMNS)
    if spikes.empty:
        return pd.DataFrame(columns=columns)
    gap = spikes.groupby(["error_code", "region", "group_vault"])["day"].diff() != pd.Timedelta(days=1)
    spikes = spikes.assign(island=gap.cumsum())
    windows = spikes.groupby(["error_code", "region", "group_vault", "island"]).agg(
        first_day=("day", "min"), last_day=("day", "max"), peak_z=("z", "max")).reset_index()
    regional = windows[windows["group_vault"] == ""]
    keep = []
    for w in windows.itertuples():
        same = (regional["error_code"] == w.error_code) & (regional["region"] == w.region)
        overlapped = w.group_vault != "" and (same & (regional["first_day"] <= w.last_day)
                                              & (w.first_day <= regional["last_day"])).any()
        if not overlapped:
            keep.append(w)
    errors = df[df["status"] == "Failed"]
    errors = errors.assign(code=_error_key(errors)).groupby("code").agg(
        error_message=("error_message", "min"), category=("error_category", "min"),
        guide_article=("guide_article", "min"), guide_error_id=("guide_error_id", "min"))
    rows = []
    for w in keep:
        hit = onsets[(onsets["error_code"] == w.error_code) & (onsets["region"] == w.region)
                     & (onsets["day"] >= w.first_day) & (onsets["day"] <= w.last_day)]
        if w.group_vault:
            hit = hit[hit["vault_name"] == w.group_vault]
        vaults = hit["vault_name"].nunique()
        e = errors.loc[w.error_code]
        rows.append({"error_code": w.error_code, "error_message": e["error_message"],
                     "category": e["category"] if isinstance(e["category"], str) else "unknown",
                     "guide_article": e["guide_article"], "guide_error_id": e["guide_error_id"],
                     "scope": "vault" if vaults == 1 else "region", "region": w.region,
                     "vault_name": hit["vault_name"].min() if vaults == 1 else None,
                     "start": hit["first_failure"].min(), "end": hit["last_failure"].max(),
                     "failed": int(hit["scheduled_failures"].sum()), "vms": hit["vm_id"].nunique(), "vaults": vaults,
                     "peak_z": w.peak_z})
    found = pd.DataFrame(rows, columns=columns)
    for text in ("error_message", "category", "guide_article", "guide_error_id", "vault_name"):
        found[text] = found[text].astype(object)
    return _sorted(found, ["vms", "failed", "start", "error_code", "region", "vault_name"],
                   [False, False, True, True, True, True])


def _protection_gaps(df: pd.DataFrame, key: pd.Series, entity: pd.Series, f: Any) -> pd.DataFrame:
    mask = entity & key.notna() & (df["start_time"] < f.end)
    rows = df.loc[mask, ["start_time", "vm_name", "vault_name", "subscription_id", "region"]].assign(vm_id=key[mask])
    latest = rows.sort_values("start_time", kind="stable").drop_duplicates("vm_id", keep="last")
    silent = latest[latest["start_time"] < f.start].rename(columns={"start_time": "last_job"})
    ok = (df["operation"] == "Backup") & df["status"].isin(SUCCESS) & (df["start_time"] < f.start) & key.notna()
    last_success = df.loc[ok, ["start_time"]].assign(vm_id=key[ok]).groupby("vm_id")["start_time"].max()
    silent = silent.join(last_success.rename("last_success"), on="vm_id")
    silent = silent.assign(days_silent=(f.end - silent["last_job"]).dt.total_seconds() / 86400.0)
    silent = silent.assign(_desc=-(silent["last_job"] - pd.Timestamp(1970, 1, 1)).dt.total_seconds())
    silent = _sorted(silent, ["_desc", "vm_name", "vm_id"], [True, True, True])
    return silent[["vm_id", "vm_name", "vault_name", "subscription_id", "region", "last_job", "last_success",
                   "days_silent"]]


def pandas_fleet_summary(df: pd.DataFrame, f: Any, now: dt.datetime, rpo_hours: float = 24,
                         top_errors: int = 10, top_vms: int = 50) -> dict[str, Any]:
    """Every fleet view for one filter state, computed with pandas (the benchmark's baseline)."""
    key = _vm_key(df)
    entity = _entity_mask(df, f)
    scope = _scope_mask(df, f, entity)
    previous = f.previous()
    out: dict[str, Any] = {
        "kpis": _pandas_kpis(df, key, scope),
        "previous_kpis": _pandas_kpis(df, key, _scope_mask(df, previous, entity)),
    }
    jobs = df.loc[scope, ["start_time", "status", "error_category", "region", "vault_name", "error_code",
                          "error_code_int", "error_message", "guide_article", "guide_error_id"]]
    jobs = jobs.assign(day=jobs["start_time"].dt.floor("D"), vm_id=key[scope])
    jobs["status"] = jobs["status"].fillna("Unknown")
    failed = jobs[jobs["status"] == "Failed"]

    out["daily_trend"] = jobs.groupby(["day", "status"]).size().rename("jobs").reset_index()
    daily = jobs.assign(ok=jobs["status"].isin(SUCCESS), bad=jobs["status"] == "Failed").groupby("day")
    rate = pd.DataFrame({"succeeded": daily["ok"].sum(), "failed": daily["bad"].sum()})
    rate.insert(0, "finished", rate["succeeded"] + rate["failed"])
    rate["success_rate"] = rate["succeeded"] / rate["finished"].where(rate["finished"] > 0)
    out["daily_success_rate"] = rate.reset_index()
    out["daily_failures_by_category"] = (
        failed.assign(category=failed["error_category"].fillna("unknown"))
        .groupby(["day", "category"]).size().rename("failed").reset_index()
    )

    codes = failed.assign(code=_error_key(failed))
    codes = codes.assign(message_key=codes["error_message"].where(codes["code"].isna()))
    by_code = codes.groupby(["code", "message_key"], dropna=False)
    top = pd.DataFrame({
        "error_message": by_code["error_message"].min(),
        "category": by_code["error_category"].min().fillna("unknown"),
        "guide_article": by_code["guide_article"].min(),
        "guide_error_id": by_code["guide_error_id"].min(),
        "failed": by_code.size(),
        "vms": by_code["vm_id"].nunique(),
    }).reset_index().rename(columns={"code": "error_code"}).drop(columns="message_key")
    out["top_error_codes"] = _sorted(top, ["failed", "error_code", "error_message"],
                                     [False, True, True]).head(top_errors)

    heat = failed.groupby([failed["start_time"].dt.day_of_week, failed["start_time"].dt.hour]).size()
    grid = pd.MultiIndex.from_product([range(7), range(24)], names=["weekday", "hour"])
    out["failure_heatmap"] = heat.reindex(grid, fill_value=0).rename("failed").reset_index()
    location = jobs.assign(bad=jobs["status"] == "Failed").groupby(["region", "vault_name"], dropna=False)
    location = pd.DataFrame({"failed": location["bad"].sum(), "jobs": location.size()}).reset_index()
    out["failures_by_location"] = _sorted(location, ["failed", "jobs", "region", "vault_name"],
                                          [False, False, True, True])

    scope_vms = _scope_vms(df, key, scope)
    latest, successes = _successes(df, key, f, scope_vms.index, now)
    runs = _runs(df, key, f, scope_vms.index, successes)
    current = runs[runs["recovered_at"].isna()].groupby("vm_id")["scheduled_failures"].max()

    mask = scope & (df["status"] == "Failed") & key.notna()
    failing = df.loc[mask, ["start_time", "job_id"]]
    failing = failing.assign(vm_id=key[mask], code=_error_key(df.loc[mask, ["error_code", "error_code_int"]]))
    failing = failing.sort_values(["start_time", "job_id"], kind="stable")
    per_vm = failing.groupby("vm_id")
    tops = pd.DataFrame({"failed": per_vm.size(), "last_error_code": per_vm.tail(1).set_index("vm_id")["code"]})
    tops = tops.join(scope_vms, how="inner")
    tops["current_streak"] = current.reindex(tops.index).fillna(0).astype("int64")
    tops["last_success"] = latest["before_end"].reindex(tops.index)
    tops = _sorted(tops.rename_axis("vm_id").reset_index(), ["failed", "current_streak", "vm_name", "vm_id"],
                   [False, False, True, True]).head(top_vms)
    out["top_failing_vms"] = tops[["vm_id", "vm_name", "vault_name", "subscription_id", "region", "os_type", "failed",
                                   "current_streak", "last_success", "last_error_code"]]

    counted = runs[(runs["last_failure"] >= f.start) | runs["recovered_at"].isna()]
    streaks = pd.DataFrame({"longest_streak": counted.groupby("vm_id")["scheduled_failures"].max()})
    streaks["current_streak"] = current.reindex(streaks.index).fillna(0).astype("int64")
    streaks = streaks[streaks["longest_streak"] > 0].join(scope_vms["vm_name"]).rename_axis("vm_id").reset_index()
    out["failure_streaks"] = _sorted(
        streaks, ["current_streak", "longest_streak", "vm_name", "vm_id"], [False, False, True, True]
    )[["vm_id", "vm_name", "current_streak", "longest_streak"]]

    timed = runs[runs["first_failure"] >= f.start]
    timed = timed.assign(hours=(timed["recovered_at"] - timed["first_failure"]).dt.total_seconds() / 3600.0,
                         recovered=timed["recovered_at"].notna(),
                         message_key=timed["error_message"].where(timed["error_code"].isna()))
    by_error = timed.groupby(["error_code", "message_key"], dropna=False)
    incidents = by_error["recovered"].sum().astype("int64")
    ttr = pd.DataFrame({
        "incidents": incidents,
        "median_hours": by_error["hours"].median(),
        "p90_hours": by_error["hours"].quantile(0.9),
        "open_incidents": by_error.size() - incidents,
        "error_message": by_error["error_message"].min(),
    }).reset_index().drop(columns="message_key")
    out["time_to_recover"] = _sorted(ttr, ["incidents", "open_incidents", "error_code", "error_message"],
                                     [False, False, True, True])

    out["rpo_breach"] = _rpo(scope_vms, latest, now, rpo_hours)
    out["rpo_breaches"] = len(out["rpo_breach"])
    previous_scope_vms = _scope_vms(df, key, _scope_mask(df, previous, entity))
    previous_now = now - f.length
    previous_latest, _ = _successes(df, key, previous, previous_scope_vms.index, previous_now)
    out["previous_rpo_breaches"] = len(_rpo(previous_scope_vms, previous_latest, previous_now, rpo_hours))

    both = _scope_mask(df, previous, entity) | scope
    failed_both = df.loc[both & (df["status"] == "Failed"), ["start_time", "error_code", "error_code_int",
                                                            "error_message", "error_category", "guide_article",
                                                            "guide_error_id"]]
    failed_both = failed_both.assign(code=_error_key(failed_both), vm_id=key[failed_both.index],
                                     in_scope=scope[failed_both.index],
                                     in_previous=_scope_mask(df, previous, entity)[failed_both.index])
    out["error_code_changes"] = _code_changes(failed_both)
    out["vm_changes"] = _vm_changes(runs, scope_vms, _guides(df), f)
    out["incidents"] = _incidents(runs, scope_vms, df, f)
    out["protection_gaps"] = _protection_gaps(df, key, entity, f)
    return out


# ---------------------------------------------------------------------------------------------------------
# Agreement
# ---------------------------------------------------------------------------------------------------------
def _normalised(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.reset_index(drop=True).copy()
    for column in frame.columns:
        series = frame[column]
        if pd.api.types.is_datetime64_any_dtype(series):
            frame[column] = series.astype("datetime64[us]")
        elif pd.api.types.is_bool_dtype(series) or pd.api.types.is_numeric_dtype(series):
            frame[column] = series.astype("float64")
        else:
            frame[column] = series.astype(object).where(series.notna(), None)
    return frame


def compare(duck: dict[str, Any], baseline: dict[str, Any]) -> list[str]:
    """Differences between the two answers ([] when they agree)."""
    problems = []
    for name in ("kpis", "previous_kpis"):
        a, b = duck[name], baseline[name]
        for field_name, value in b.items():
            other = a[field_name]
            same = (value is None and other is None) or (
                value is not None and other is not None
                and abs(float(value) - float(other)) <= 1e-9 * max(1.0, abs(float(value))))
            if not same:
                problems.append(f"{name}.{field_name}: duckdb {other!r} vs pandas {value!r}")
    for name in ("rpo_breaches", "previous_rpo_breaches"):
        if duck[name] != baseline[name]:
            problems.append(f"{name}: duckdb {duck[name]} vs pandas {baseline[name]}")
    for view in VIEWS:
        a, b = _normalised(duck[view]), _normalised(baseline[view])
        if list(a.columns[: len(b.columns)]) != list(b.columns):
            problems.append(f"{view}: columns {list(a.columns)} vs {list(b.columns)}")
            continue
        try:
            pd.testing.assert_frame_equal(a[list(b.columns)], b, check_dtype=False, check_exact=False, rtol=1e-9)
        except AssertionError as exc:
            problems.append(f"{view}: {str(exc).splitlines()[0:6]}")
    return problems


def summary_as_dict(summary: Any) -> dict[str, Any]:
    out = {view: getattr(summary, view) for view in VIEWS}
    out["kpis"] = asdict(summary.kpis)
    out["previous_kpis"] = asdict(summary.previous_kpis)
    out["rpo_breaches"] = summary.rpo_breaches
    out["previous_rpo_breaches"] = summary.previous_rpo_breaches
    return out


# ---------------------------------------------------------------------------------------------------------
# Workers (one subprocess each)
# ---------------------------------------------------------------------------------------------------------
def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def _median_time(function: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    result = function()  # warm-up: the store's pages in memory, as on an open dashboard
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - began)
    return statistics.median(times), result


def store_worker(vms: int, days: int, db: str, repeat: int) -> dict[str, Any]:
    # Imported in the worker: its peak memory is the product's own footprint, not the parent's.
    from loaders.jobs import queries
    from loaders.jobs.sample import generate_sample
    from loaders.jobs.store import open_store

    store = open_store(db)
    upsert_seconds = 0.0
    upsert = store.upsert_jobs

    def timed_upsert(rows: Any, source: str) -> Any:
        nonlocal upsert_seconds
        began = time.perf_counter()
        try:
            return upsert(rows, source=source)
        finally:
            upsert_seconds += time.perf_counter() - began

    store.upsert_jobs = timed_upsert  # type: ignore[method-assign]
    report = generate_sample(store, vms=vms, days=days, seed=SEED, now=NOW)
    store.close()
    ingest_peak = _peak_mb()
    store = open_store(db, read_only=True)
    con = store.connection
    out: dict[str, Any] = {
        "jobs": report.jobs, "generate_and_ingest_s": report.seconds, "upsert_s": upsert_seconds,
        "ingest_peak_mb": ingest_peak, "states": {},
    }
    # The first view after the store changed builds the connection's fleet index.
    began = time.perf_counter()
    queries.filter_options(con)
    out["index_s"] = time.perf_counter() - began
    for label, f in filter_states().items():
        seconds, summary = _median_time(partial(queries.fleet_summary, con, f, NOW), repeat)
        out["states"][label] = {"seconds": seconds, "answers": summary_as_dict(summary)}
    out["peak_mb"] = _peak_mb()
    store.close()
    return out


def pandas_worker(db: str, repeat: int) -> dict[str, Any]:
    # Imported in the worker, like the store worker's imports: each subprocess loads only its own side.
    import duckdb

    began = time.perf_counter()
    con = duckdb.connect(db, read_only=True)
    df = con.execute(f"SELECT {', '.join(PANDAS_COLUMNS)} FROM jobs").df()
    con.close()
    out: dict[str, Any] = {"load_s": time.perf_counter() - began, "states": {}}
    for label, f in filter_states().items():
        seconds, answers = _median_time(partial(pandas_fleet_summary, df, f, NOW), repeat)
        out["states"][label] = {"seconds": seconds, "answers": answers}
    out["peak_mb"] = _peak_mb()
    return out


def _run_worker(args: list[str], out: Path) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.fleet", *args, "--out", str(out)]
    subprocess.run(command, check=True, cwd=REPO)
    with out.open("rb") as handle:
        return pickle.load(handle)


# ---------------------------------------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------------------------------------
@dataclass
class SizeResult:
    label: str
    vms: int
    days: int
    jobs: int
    ingest_s: float
    upsert_s: float
    index_s: float
    store_peak_mb: float
    pandas_peak_mb: float
    pandas_load_s: float
    states: dict[str, dict[str, Any]]  # label -> duckdb_s, pandas_s, ratio, agree, problems


def render(results: list[SizeResult], repeat: int) -> str:
    lines = [
        SECTION, "",
        f"Run {dt.date.today().isoformat()} on "
        f"{machine('DuckDB ' + package_version('duckdb'), 'pandas ' + package_version('pandas'))}. "
        "Command: `python -m bench.fleet`.",
        "",
        f"Sample fleet (seed {SEED}, now {NOW:%Y-%m-%d %H:%M} UTC) generated and upserted into the DuckDB store; "
        "then every fleet view for one filter state (`fleet_summary`: KPIs and previous-period KPIs, daily "
        "trend, success rate and failures by category, top error codes, top failing VMs, RPO breach with the "
        "previous period's count, failure streaks, time to recover, heatmap, failures by location, and, against "
        "the previous period, error codes new, rising and falling, VMs that started failing or recovered, "
        "incidents and VMs without any job). Baseline: the "
        "same definitions in plain pandas on the same rows, loaded from the store into a DataFrame beforehand "
        f"(loading not timed). Times are medians of {repeat} runs after a warm-up. Peak memory is ru_maxrss of "
        "a separate process per size: the store process (generate, ingest, queries) and the pandas process. "
        "The first view after the store changes builds the connection's fleet index (a compact, integer-keyed "
        "copy of the jobs; see loaders/jobs/queries/); it is timed separately and reused until the next change.",
        "",
        "| fleet | jobs | generate + ingest | of which upsert | fleet index (once per data change) "
        "| store peak RSS | pandas peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(f"| {r.label} | {r.jobs:,} | {r.ingest_s:.1f} s | {r.upsert_s:.1f} s | {r.index_s:.2f} s | "
                     f"{r.store_peak_mb:,.0f} MB | {r.pandas_peak_mb:,.0f} MB |")
    lines += ["", "| fleet | filter state | DuckDB (all views) | pandas | pandas ÷ DuckDB | answers agree |",
              "|---|---|---:|---:|---:|---|"]
    for r in results:
        for label, s in r.states.items():
            agree = "yes" if s["agree"] else f"NO ({len(s['problems'])} differences)"
            lines.append(f"| {r.label} | {label} | {s['duckdb_s'] * 1000:,.0f} ms | {s['pandas_s'] * 1000:,.0f} ms | "
                         f"{s['ratio']:.1f}× | {agree} |")
    lines += ["", "Targets: all views for one filter state ≤ 1 s at ~1.4 M jobs and ≥ 10× faster than pandas; "
              "peak memory ≤ 2 GB at 5 M jobs. On a shared 2-core machine the ratios move by about a quarter "
              "from run to run. The narrowed state sits closest to the 10× line: pandas gets cheaper as its masks "
              "shrink the data early, while most of the store's time there is the fixed cost of about twenty "
              "small queries."]
    verdicts = _verdicts(results)
    lines += [f"- {v}" for v in verdicts] if verdicts else []
    return "\n".join(lines) + "\n"


def _verdicts(results: list[SizeResult]) -> list[str]:
    out = []
    for r in results:
        if 1_000_000 <= r.jobs < 2_500_000:
            for label, s in r.states.items():
                ok = s["duckdb_s"] <= QUERY_TARGET_S and s["ratio"] >= RATIO_TARGET
                out.append(f"{r.label}, {label}: {s['duckdb_s'] * 1000:,.0f} ms, {s['ratio']:.1f}× pandas — "
                           f"{'met' if ok else 'NOT met'}")
        if r.jobs >= 4_500_000:
            ok = r.store_peak_mb <= MEMORY_TARGET_MB
            out.append(f"{r.label}: store process peak {r.store_peak_mb:,.0f} MB — {'met' if ok else 'NOT met'}")
    return out


def _parse_size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"size must look like 15000x90 (VMs x days), not {text!r}")
    return int(match.group(1)), int(match.group(2))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", nargs="+", type=_parse_size, default=[_parse_size(s) for s in DEFAULT_SIZES],
                        help="fleet sizes as VMSxDAYS (default: 15000x90 56500x90)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per filter state (default 5)")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite bench/RESULTS.md")
    parser.add_argument("--worker", choices=("store", "pandas"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        vms, days = args.sizes[0]
        if args.worker == "store":
            result = store_worker(vms, days, args.db, args.repeat)
        else:
            result = pandas_worker(args.db, args.repeat)
        with open(args.out, "wb") as handle:
            pickle.dump(result, handle)
        return 0

    results = []
    failed = False
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as tmp:
        for vms, days in args.sizes:
            label = f"{vms:,} VMs × {days} days"
            db = str(Path(tmp) / f"fleet-{vms}x{days}.duckdb")
            size = ["--sizes", f"{vms}x{days}", "--db", db, "--repeat", str(args.repeat)]
            print(f"{label}: generating and ingesting, then timing the store ...", flush=True)
            store = _run_worker(["--worker", "store", *size], Path(tmp) / "store.pickle")
            print(f"{label}: timing the pandas baseline ...", flush=True)
            baseline = _run_worker(["--worker", "pandas", *size], Path(tmp) / "pandas.pickle")
            states = {}
            for state, timing in store["states"].items():
                other = baseline["states"][state]
                problems = compare(timing["answers"], other["answers"])
                failed |= bool(problems)
                states[state] = {
                    "duckdb_s": timing["seconds"], "pandas_s": other["seconds"],
                    "ratio": other["seconds"] / timing["seconds"], "agree": not problems, "problems": problems,
                }
                print(f"  {state}: DuckDB {timing['seconds'] * 1000:.0f} ms, pandas {other['seconds'] * 1000:.0f} ms, "
                      f"{states[state]['ratio']:.1f}x; " + ("answers agree" if not problems else "ANSWERS DIFFER:"))
                for problem in problems:
                    print(f"    {problem}")
            result = SizeResult(label, vms, days, store["jobs"], store["generate_and_ingest_s"], store["upsert_s"],
                                store["index_s"], store["peak_mb"], baseline["peak_mb"], baseline["load_s"], states)
            print(f"  {result.jobs:,} jobs; generate + ingest {result.ingest_s:.1f} s "
                  f"(upsert {result.upsert_s:.1f} s); "
                  f"fleet index {result.index_s:.2f} s; "
                  f"peak RSS store {result.store_peak_mb:,.0f} MB, pandas {result.pandas_peak_mb:,.0f} MB", flush=True)
            results.append(result)
            os.remove(db)
    text = render(results, args.repeat)
    print()
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
        print(f"wrote the {SECTION[3:]} section of {RESULTS.relative_to(REPO)}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
