"""Fleet queries on the hand-built fleet of tests/data/fleet (its README tells the timeline); every
expected value below was worked out by hand from that timeline."""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders.jobs import queries as q
from loaders.jobs.queries import FleetFilter
from loaders.jobs.schema import JOB_COLUMNS, JOBS_DDL
from loaders.jobs.store import open_store

FLEET = Path(__file__).resolve().parents[1] / "data" / "fleet" / "jobs.csv"
START, END = dt.datetime(2026, 1, 4), dt.datetime(2026, 1, 11)
NOW = END
WEEK = FleetFilter(START, END)

X = "UserErrorGuestAgentStatusUnavailable"
Y = "ExtensionSnapshotFailedNoNetwork"
Z = "UserErrorFsFreezeFailed"
U = "UserErrorMysteryGlitch"
N = "130002"
WEU = "/subscriptions/s1/resourcegroups/rg-backup/providers/microsoft.recoveryservices/vaults/v-weu"
LEGACY_KEY = WEU + "/legacy-01"


def vm_id(sub: str, name: str) -> str:
    return f"/subscriptions/{sub}/resourcegroups/rg-app/providers/microsoft.compute/virtualmachines/{name}"


def at(day: int, hour: int, minute: int = 0) -> pd.Timestamp:
    return pd.Timestamp(2026, 1, day, hour, minute)


def load_fleet(con: duckdb.DuckDBPyConnection) -> None:
    """The CSV's columns, and NULL for the rest of the job schema."""
    con.execute(JOBS_DDL)
    present = FLEET.read_text().splitlines()[0].split(",")
    types = {"is_scheduled": "BOOLEAN", "start_time": "TIMESTAMP", "end_time": "TIMESTAMP", "error_code_int": "BIGINT"}
    columns = ", ".join(f"'{c}': '{types.get(c, 'VARCHAR')}'" for c in present)
    select = ", ".join(c if c in present else f"NULL AS {c}" for c in JOB_COLUMNS)
    con.execute(f"INSERT INTO jobs SELECT {select} FROM read_csv('{FLEET}', header = true, columns = {{{columns}}})")


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    """The fleet in a real store file, loaded through the store's upsert, opened read-only as the dashboard does."""
    path = tmp_path_factory.mktemp("fleet") / "fleet.duckdb"
    scratch = duckdb.connect()
    load_fleet(scratch)
    rows = scratch.sql("SELECT * FROM jobs").to_arrow_table()
    with open_store(path) as store:
        result = store.upsert_jobs(rows, source="test")
        assert result.inserted == 44
    store = open_store(path, read_only=True)
    yield store.connection
    store.close()


def records(frame: pd.DataFrame, *columns: str) -> list[tuple]:
    out = []
    for row in frame[list(columns)].itertuples(index=False):
        out.append(tuple(None if (not isinstance(v, str) and pd.isna(v)) else v for v in row))
    return out


# ---------------------------------------------------------------------------------------------------------
# The filter
# ---------------------------------------------------------------------------------------------------------
def test_previous_period_has_the_same_length_and_filters() -> None:
    f = FleetFilter(START, END, regions=("eastus",), statuses=("Failed",))
    previous = f.previous()
    assert (previous.start, previous.end) == (dt.datetime(2025, 12, 28), START)
    assert previous.regions == ("eastus",) and previous.statuses == ("Failed",)
    assert FleetFilter.last_days(END, 7) == WEEK


def test_filter_normalises_its_values() -> None:
    aware = FleetFilter(dt.datetime(2026, 1, 4, 1, tzinfo=dt.timezone(dt.timedelta(hours=1))), END,
                        regions=["b", "a", "a"])
    assert aware.start == START and aware.start.tzinfo is None
    assert aware.regions == ("a", "b")
    assert FleetFilter(START, END, vaults="v-weu").vaults == ("v-weu",)
    with pytest.raises(ValueError, match="empty period"):
        FleetFilter(END, START)


def test_filter_options(con: duckdb.DuckDBPyConnection) -> None:
    options = q.filter_options(con)
    assert options.subscriptions == ("s1", "s2")
    assert options.vaults == ("v-eus", "v-weu")
    assert options.regions == ("eastus", "westeurope")
    assert options.os_types == ("Linux", "Windows")
    assert options.operations == ("Backup", "ConfigureBackup", "Restore")
    assert options.statuses == ("Cancelled", "Completed", "CompletedWithWarnings", "Failed", "InProgress")
    assert (options.min_time, options.max_time) == (dt.datetime(2026, 1, 1, 22), dt.datetime(2026, 1, 10, 23, 30))


# ---------------------------------------------------------------------------------------------------------
# Totals and trends
# ---------------------------------------------------------------------------------------------------------
def test_kpis_of_the_week(con: duckdb.DuckDBPyConnection) -> None:
    k = q.kpis(con, WEEK)
    assert (k.jobs, k.completed, k.warnings, k.failed, k.in_progress, k.cancelled) == (40, 18, 1, 19, 1, 1)
    # (18 completed + 1 with warnings) / (18 + 1 + 19 failed); the cancelled and running jobs count for neither.
    assert k.success_rate == pytest.approx(0.5)
    assert k.finished == 38
    # a, b, c, d, f, g and Legacy-01 (by vault and name); the failed job without any VM is no VM.
    assert k.affected_vms == 7


def test_kpis_of_the_previous_week_and_of_an_empty_period(con: duckdb.DuckDBPyConnection) -> None:
    k = q.kpis(con, WEEK.previous())
    assert (k.jobs, k.completed, k.failed, k.affected_vms) == (4, 3, 1, 1)
    assert k.success_rate == pytest.approx(0.75)
    empty = q.kpis(con, FleetFilter(dt.datetime(2025, 1, 1), dt.datetime(2025, 2, 1)))
    assert (empty.jobs, empty.failed, empty.affected_vms, empty.success_rate) == (0, 0, 0, None)


def test_daily_trend(con: duckdb.DuckDBPyConnection) -> None:
    trend = q.daily_trend(con, WEEK)
    assert list(trend.columns) == ["day", "status", "jobs"]
    got = {(row.day.day, row.status): row.jobs for row in trend.itertuples()}
    assert got == {
        (4, "Completed"): 2, (4, "Failed"): 2,
        (5, "Cancelled"): 1, (5, "Completed"): 3, (5, "Failed"): 1,
        (6, "Completed"): 2, (6, "Failed"): 4,
        (7, "Completed"): 2, (7, "CompletedWithWarnings"): 1, (7, "Failed"): 3,
        (8, "Completed"): 3, (8, "Failed"): 4,
        (9, "Completed"): 3, (9, "Failed"): 3,
        (10, "Completed"): 3, (10, "Failed"): 2, (10, "InProgress"): 1,
    }
    assert trend["day"].is_monotonic_increasing


def test_daily_success_rate(con: duckdb.DuckDBPyConnection) -> None:
    rate = q.daily_success_rate(con, WEEK)
    got = {row.day.day: (row.succeeded, row.finished) for row in rate.itertuples()}
    assert got == {4: (2, 4), 5: (3, 4), 6: (2, 6), 7: (3, 6), 8: (3, 7), 9: (3, 6), 10: (3, 5)}
    assert rate.loc[rate["day"] == pd.Timestamp(2026, 1, 8), "success_rate"].item() == pytest.approx(3 / 7)


def test_daily_failures_by_category(con: duckdb.DuckDBPyConnection) -> None:
    by_category = q.daily_failures_by_category(con, WEEK)
    got = {(row.day.day, row.category): row.failed for row in by_category.itertuples()}
    assert got == {
        (4, "agent"): 2,
        (5, "network"): 1,
        (6, "agent"): 1, (6, "network"): 1, (6, "snapshot"): 1, (6, "unknown"): 1,
        (7, "agent"): 2, (7, "network"): 1,
        (8, "agent"): 1, (8, "network"): 2, (8, "snapshot"): 1,
        (9, "agent"): 1, (9, "network"): 1, (9, "unknown"): 1,  # the integer-only code has no category
        (10, "network"): 1, (10, "unknown"): 1,
    }


# ---------------------------------------------------------------------------------------------------------
# Errors and where they happen
# ---------------------------------------------------------------------------------------------------------
def test_top_error_codes_keep_unknown_codes_with_their_raw_message(con: duckdb.DuckDBPyConnection) -> None:
    top = q.top_error_codes(con, WEEK)
    assert list(top.columns) == list(q.TOP_ERROR_COLUMNS)
    assert records(top, "error_code", "category", "failed", "vms") == [
        (Y, "network", 7, 2),  # ties on 7 failures are ordered by code
        (X, "agent", 7, 2),  # vm-a, vm-g; the failure without a VM counts as a failure, not as a VM
        (N, "unknown", 2, 1),
        (Z, "snapshot", 2, 2),
        (U, "unknown", 1, 1),
    ]
    unknown = top[top["error_code"] == U].iloc[0]
    assert unknown["error_message"] == "A mysterious glitch stopped the restore."
    assert pd.isna(unknown["guide_article"])
    assert top[top["error_code"] == N].iloc[0]["error_message"] == "Internal error 130002."
    known = top[top["error_code"] == X].iloc[0]
    assert (known["guide_article"], known["guide_error_id"]) == (
        "vm-agent-extension-failures", "usererrorguestagentstatusunavailable")
    assert list(q.top_error_codes(con, WEEK, limit=3)["error_code"]) == [Y, X, N]


def test_failure_heatmap(con: duckdb.DuckDBPyConnection) -> None:
    heat = q.failure_heatmap(con, WEEK)
    assert len(heat) == 7 * 24 and heat["failed"].sum() == 19
    cells = {(row.weekday, row.hour): row.failed for row in heat.itertuples() if row.failed}
    assert cells == {
        (6, 22): 2,  # Sunday 4th: vm-a, vm-g
        (0, 22): 1,  # Monday 5th: vm-a
        (1, 14): 1, (1, 22): 2, (1, 23): 1,  # Tuesday 6th: restore of vm-c; vm-f, vm-g; vm-b
        (2, 5): 1, (2, 22): 1, (2, 23): 1,  # Wednesday 7th
        (3, 4): 1, (3, 10): 1, (3, 22): 1, (3, 23): 1,  # Thursday 8th
        (4, 22): 2, (4, 23): 1,  # Friday 9th
        (5, 22): 1, (5, 23): 1,  # Saturday 10th
    }


def test_failures_by_location(con: duckdb.DuckDBPyConnection) -> None:
    location = q.failures_by_location(con, WEEK)
    assert records(location, "region", "vault_name", "failed", "jobs") == [
        ("westeurope", "v-weu", 12, 19),
        ("eastus", "v-eus", 7, 21),
    ]


# ---------------------------------------------------------------------------------------------------------
# VMs
# ---------------------------------------------------------------------------------------------------------
def test_failure_streaks_count_scheduled_failures_and_reset_on_success(con: duckdb.DuckDBPyConnection) -> None:
    streaks = q.failure_streaks(con, WEEK)
    assert list(streaks.columns) == ["vm_id", "vm_name", "current_streak", "longest_streak"]
    assert records(streaks, "vm_name", "current_streak", "longest_streak") == [
        ("vm-b", 5, 5),  # the on-demand failure in the middle does not count
        ("vm-d", 2, 2),  # never had a success
        ("Legacy-01", 1, 1),  # no trigger flag counts as scheduled
        ("vm-f", 1, 1),
        ("vm-a", 0, 3),  # Jan 3-5 (starting before the week), reset Jan 6, once more Jan 8
        ("vm-g", 0, 2),  # Jan 6-7; the others were single failures
    ]
    assert streaks.loc[streaks["vm_name"] == "Legacy-01", "vm_id"].item() == LEGACY_KEY


def test_streaks_look_back_before_the_period(con: duckdb.DuckDBPyConnection) -> None:
    late = FleetFilter(dt.datetime(2026, 1, 8), END)
    got = records(q.failure_streaks(con, late), "vm_name", "current_streak", "longest_streak")
    # vm-b's streak began on Jan 6 and is counted whole; the 3-run of vm-a and the 2-run of vm-g ended
    # before the period; vm-f has no job in the period.
    assert got == [("vm-b", 5, 5), ("vm-d", 2, 2), ("Legacy-01", 1, 1), ("vm-a", 0, 1), ("vm-g", 0, 1)]


def test_time_to_recover(con: duckdb.DuckDBPyConnection) -> None:
    ttr = q.time_to_recover(con, WEEK)
    assert list(ttr.columns)[:4] == ["error_code", "incidents", "median_hours", "p90_hours"]
    assert records(ttr, "error_code", "incidents", "open_incidents") == [
        (X, 4, 0),  # vm-a Jan 8 (24 h), vm-g Jan 4 (24 h), Jan 6 (48 h), Jan 9 (12 h, the on-demand success)
        (Z, 0, 2),  # vm-f and Legacy-01, both still failing
        (N, 0, 1),
        (Y, 0, 1),  # vm-b still failing; vm-a's Y failure was inside a run that began with X before the week
    ]
    x = ttr.iloc[0]
    # hours 12, 24, 24, 48: median 24; p90 interpolates at 0.9 × 3 = 2.7 → 24 + 0.7 × (48 − 24)
    assert x["median_hours"] == pytest.approx(24.0)
    assert x["p90_hours"] == pytest.approx(40.8)
    assert all(math.isnan(v) for v in ttr.iloc[1:]["median_hours"])


def test_time_to_recover_counts_runs_beginning_in_the_period(con: duckdb.DuckDBPyConnection) -> None:
    late = q.time_to_recover(con, FleetFilter(dt.datetime(2026, 1, 8), END))
    assert records(late, "error_code", "incidents", "open_incidents") == [(X, 2, 0), (N, 0, 1), (Z, 0, 1)]
    x = late.iloc[0]
    assert (x["median_hours"], x["p90_hours"]) == (pytest.approx(18.0), pytest.approx(22.8))  # 12 and 24 h


def test_rpo_breach_looks_back_and_lists_vms_never_backed_up(con: duckdb.DuckDBPyConnection) -> None:
    breach = q.rpo_breach(con, WEEK, NOW, threshold_hours=24)
    assert list(breach.columns) == list(q.RPO_COLUMNS)
    assert records(breach, "vm_name", "last_success", "hours_since") == [
        ("vm-d", None, None),  # never a successful backup
        ("vm-f", at(2, 22), 194.0),  # its last success is before the period
        ("vm-b", at(5, 23, 30), 120.5),
        ("Legacy-01", at(7, 4), 92.0),
        ("vm-c", at(9, 2), 46.0),  # the job still running and the successful restore do not count
    ]
    assert records(breach.head(1), "vault_name", "region") == [("v-eus", "eastus")]
    # A 48-hour threshold spares vm-c; vm-a and vm-g (2 h) are never in breach.
    assert list(q.rpo_breach(con, WEEK, NOW, threshold_hours=48)["vm_name"]) == ["vm-d", "vm-f", "vm-b", "Legacy-01"]


def test_top_failing_vms(con: duckdb.DuckDBPyConnection) -> None:
    top = q.top_failing_vms(con, WEEK)
    assert list(top.columns) == list(q.TOP_FAILING_COLUMNS)
    assert records(top, "vm_name", "failed", "current_streak", "last_success", "last_error_code") == [
        ("vm-b", 6, 5, at(5, 23, 30), Y),
        ("vm-g", 4, 0, at(10, 22), X),
        ("vm-a", 3, 0, at(10, 22), X),
        ("vm-d", 2, 2, None, N),
        ("Legacy-01", 1, 1, at(7, 4), Z),  # ties on failures: the longer current streak first, then the name
        ("vm-f", 1, 1, at(2, 22), Z),
        ("vm-c", 1, 0, at(9, 2), U),  # its failure is the restore
    ]
    first = top.iloc[0]
    assert (first["vm_id"], first["vault_name"], first["subscription_id"], first["region"], first["os_type"]) == (
        vm_id("s1", "vm-b"), "v-weu", "s1", "westeurope", "Linux")
    assert list(q.top_failing_vms(con, WEEK, limit=2)["vm_name"]) == ["vm-b", "vm-g"]


# ---------------------------------------------------------------------------------------------------------
# Filters narrow every view
# ---------------------------------------------------------------------------------------------------------
def test_region_filter_narrows_every_view(con: duckdb.DuckDBPyConnection) -> None:
    f = FleetFilter(START, END, regions=("eastus",))
    k = q.kpis(con, f)
    assert (k.jobs, k.completed, k.warnings, k.failed, k.affected_vms) == (21, 11, 1, 7, 3)
    assert k.success_rate == pytest.approx(12 / 19)
    assert records(q.top_error_codes(con, f), "error_code", "failed") == [(X, 4), (N, 2), (U, 1)]
    assert records(q.failure_streaks(con, f), "vm_name", "current_streak", "longest_streak") == [
        ("vm-d", 2, 2), ("vm-g", 0, 2)]
    assert list(q.rpo_breach(con, f, NOW)["vm_name"]) == ["vm-d", "vm-c"]
    assert list(q.top_failing_vms(con, f)["vm_name"]) == ["vm-g", "vm-d", "vm-c"]
    assert records(q.time_to_recover(con, f), "error_code", "incidents", "open_incidents") == [(X, 3, 0), (N, 0, 1)]
    assert records(q.failures_by_location(con, f), "vault_name", "failed", "jobs") == [("v-eus", 7, 21)]
    assert q.failure_heatmap(con, f)["failed"].sum() == 7
    assert q.daily_trend(con, f)["jobs"].sum() == 21
    assert set(q.daily_failures_by_category(con, f)["category"]) == {"agent", "unknown"}


def test_vault_subscription_and_os_filters(con: duckdb.DuckDBPyConnection) -> None:
    by_vault = q.kpis(con, FleetFilter(START, END, vaults=("v-weu",)))
    by_subscription = q.kpis(con, FleetFilter(START, END, subscriptions=("s1",)))
    assert by_vault == by_subscription
    assert (by_vault.jobs, by_vault.failed, by_vault.affected_vms) == (19, 12, 4)
    linux = FleetFilter(START, END, os_types=("Linux",))
    assert q.kpis(con, linux).jobs == 19  # vm-b 8, vm-c 10, vm-f 1; Legacy-01 has no OS
    assert list(q.rpo_breach(con, linux, NOW)["vm_name"]) == ["vm-f", "vm-b", "vm-c"]
    assert list(q.failure_streaks(con, linux)["vm_name"]) == ["vm-b", "vm-f"]


def test_operation_filter_chooses_vms_but_histories_keep_their_backups(con: duckdb.DuckDBPyConnection) -> None:
    restores = FleetFilter(START, END, operations=("Restore",))
    k = q.kpis(con, restores)
    assert (k.jobs, k.completed, k.failed, k.affected_vms) == (2, 1, 1, 1)
    assert records(q.top_error_codes(con, restores), "error_code", "failed") == [(U, 1)]
    # vm-c is the only VM in scope; its last successful *backup* still decides the RPO.
    assert records(q.rpo_breach(con, restores, NOW), "vm_name", "hours_since") == [("vm-c", 46.0)]
    assert records(q.top_failing_vms(con, restores), "vm_name", "failed", "current_streak", "last_error_code") == [
        ("vm-c", 1, 0, U)]
    assert q.failure_streaks(con, restores).empty
    assert q.time_to_recover(con, restores).empty


def test_status_filter(con: duckdb.DuckDBPyConnection) -> None:
    failed = FleetFilter(START, END, statuses=("Failed",))
    k = q.kpis(con, failed)
    assert (k.jobs, k.failed, k.success_rate, k.affected_vms) == (19, 19, 0.0, 7)
    # Every VM with a failure is in scope, and its streak still sees the successes that end runs.
    pd.testing.assert_frame_equal(q.failure_streaks(con, failed), q.failure_streaks(con, WEEK))
    completed = FleetFilter(START, END, statuses=("Completed",))
    assert q.top_error_codes(con, completed).empty
    assert q.top_failing_vms(con, completed).empty
    # vm-d (ConfigureBackup) and vm-c are in scope; vm-f, whose only job this week failed, is not.
    assert list(q.rpo_breach(con, completed, NOW)["vm_name"]) == ["vm-d", "vm-b", "Legacy-01", "vm-c"]


# ---------------------------------------------------------------------------------------------------------
# Everything at once
# ---------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("f", [WEEK, FleetFilter(START, END, regions=("eastus",)),
                               FleetFilter(dt.datetime(2026, 1, 8), END),
                               FleetFilter(START, END, statuses=("Completed",), os_types=("Linux", "Windows"))])
def test_fleet_summary_matches_the_single_views(con: duckdb.DuckDBPyConnection, f: FleetFilter) -> None:
    summary = q.fleet_summary(con, f, NOW, rpo_hours=24, top_errors=10, top_vms=50)
    assert summary.kpis == q.kpis(con, f)
    assert summary.previous_kpis == q.kpis(con, f.previous())
    breach = q.rpo_breach(con, f, NOW, 24)
    pd.testing.assert_frame_equal(summary.rpo_breach, breach)
    assert summary.rpo_breaches == len(breach)
    assert summary.previous_rpo_breaches == len(q.rpo_breach(con, f.previous(), NOW - f.length, 24))
    for name, view in [
        ("daily_trend", q.daily_trend), ("daily_success_rate", q.daily_success_rate),
        ("daily_failures_by_category", q.daily_failures_by_category), ("top_error_codes", q.top_error_codes),
        ("top_failing_vms", q.top_failing_vms), ("failure_streaks", q.failure_streaks),
        ("time_to_recover", q.time_to_recover), ("failure_heatmap", q.failure_heatmap),
        ("failures_by_location", q.failures_by_location),
    ]:
        pd.testing.assert_frame_equal(getattr(summary, name), view(con, f), obj=name)
    # The summary's own temporary tables are gone; the connection keeps only its fleet index.
    temporary = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary").fetchall()}
    assert temporary == set(q.INDEX_TABLES)


def test_fleet_summary_previous_period(con: duckdb.DuckDBPyConnection) -> None:
    summary = q.fleet_summary(con, WEEK, NOW)
    assert (summary.previous_kpis.jobs, summary.previous_kpis.failed) == (4, 1)
    # At Jan 4 00:00, vm-a and vm-f last succeeded Jan 2 22:00: 26 h ago.
    assert summary.previous_rpo_breaches == 2
    assert summary.rpo_breaches == 5


def test_views_on_an_empty_store() -> None:
    con = duckdb.connect()
    con.execute(JOBS_DDL)
    summary = q.fleet_summary(con, WEEK, NOW)
    assert summary.kpis.jobs == 0 and summary.kpis.success_rate is None
    for name in ("daily_trend", "top_error_codes", "top_failing_vms", "rpo_breach", "failure_streaks",
                 "time_to_recover", "failures_by_location"):
        assert getattr(summary, name).empty, name
    assert len(summary.failure_heatmap) == 168 and summary.failure_heatmap["failed"].sum() == 0
    options = q.filter_options(con)
    assert options.regions == () and options.min_time is None


def test_the_index_follows_changes_of_the_store(tmp_path: Path) -> None:
    scratch = duckdb.connect()
    load_fleet(scratch)
    with open_store(tmp_path / "changing.duckdb") as store:
        store.upsert_jobs(scratch.sql("SELECT * FROM jobs WHERE job_id <> 'a10'").to_arrow_table(), source="test")
        before = q.fleet_summary(store.connection, WEEK, NOW)
        assert before.kpis.jobs == 39
        assert before.rpo_breaches == 6  # vm-a last succeeded Jan 9 22:00: 26 h before now
        # vm-a's Jan 10 backup arrives, and vm-b's last failure turns out to have succeeded.
        store.upsert_jobs(scratch.sql("""
            SELECT * REPLACE (CASE WHEN job_id = 'b10' THEN 'Completed' ELSE status END AS status,
                              CASE WHEN job_id = 'b10' THEN NULL ELSE error_code END AS error_code)
            FROM jobs WHERE job_id IN ('a10', 'b10')""").to_arrow_table(), source="test")
        after = q.fleet_summary(store.connection, WEEK, NOW)
        assert after.kpis.jobs == 40 and after.kpis.failed == 18
        assert list(after.rpo_breach["vm_name"]) == ["vm-d", "vm-f", "Legacy-01", "vm-c"]
        assert after.failure_streaks.loc[after.failure_streaks["vm_name"] == "vm-b", "current_streak"].item() == 0
        q.drop_index(store.connection)
        assert q.kpis(store.connection, WEEK) == after.kpis


def test_a_bare_jobs_table_is_indexed_by_a_fingerprint() -> None:
    con = duckdb.connect()
    load_fleet(con)
    assert q.kpis(con, WEEK).jobs == 40
    con.execute("DELETE FROM jobs WHERE job_id = 'n1'")
    k = q.kpis(con, WEEK)
    assert (k.jobs, k.failed) == (39, 18)
    con.execute("UPDATE jobs SET status = 'Completed' WHERE job_id = 'd3'")
    assert q.kpis(con, WEEK).failed == 17


def test_history_follows_a_vm_across_vaults_and_codeless_failures_keep_their_message(tmp_path: Path) -> None:
    """A VM moved from v-weu to v-eus: filtered to v-eus, its streak and last success still see v-weu."""
    scratch = duckdb.connect()
    scratch.execute(JOBS_DDL)
    mover = vm_id("s1", "mover")
    rows = [  # (job, vault, region, status, day, code, message)
        ("m4", "v-weu", "westeurope", "Completed", 4, None, None),
        ("m5", "v-weu", "westeurope", "Failed", 5, X, "VM Agent unable to communicate with Azure Backup"),
        ("m6", "v-eus", "eastus", "Failed", 6, None, "Something went wrong and nobody said what."),
        ("m7", "v-eus", "eastus", "Failed", 7, None, "Something went wrong and nobody said what."),
    ]
    for job_id, vault, region, status, day, code, message in rows:
        scratch.execute(
            "INSERT INTO jobs (vault_id, job_id, subscription_id, vault_name, region, vm_id, vm_name, os_type,"
            " operation, status, is_scheduled, start_time, error_code, error_message, source)"
            " VALUES (?, ?, 's1', ?, ?, ?, 'mover', 'Linux', 'Backup', ?, true, ?, ?, ?, 'test')",
            [f"/subscriptions/s1/resourcegroups/rg/providers/microsoft.recoveryservices/vaults/{vault}", job_id, vault,
             region, mover, status, dt.datetime(2026, 1, day, 22), code, message])
    with open_store(tmp_path / "mover.duckdb") as store:
        store.upsert_jobs(scratch.sql("SELECT * FROM jobs").to_arrow_table(), source="test")
        con = store.connection
        east = FleetFilter(START, END, vaults=("v-eus",))
        assert records(q.failure_streaks(con, east), "vm_name", "current_streak", "longest_streak") == [("mover", 3, 3)]
        assert records(q.rpo_breach(con, east, NOW), "vm_name", "vault_name", "last_success") == [
            ("mover", "v-eus", at(4, 22))]
        # The run began in v-weu with X; the two failures in v-eus carry no code at all, only a message.
        assert records(q.time_to_recover(con, east), "error_code", "incidents", "open_incidents") == [(X, 0, 1)]
        top = q.top_error_codes(con, east)
        assert records(top, "error_code", "error_message", "category", "failed") == [
            (None, "Something went wrong and nobody said what.", "unknown", 2)]
        assert q.kpis(con, east).jobs == 2
        assert records(q.top_failing_vms(con, east), "vm_name", "vault_name", "failed", "current_streak",
                       "last_error_code") == [("mover", "v-eus", 2, 3, None)]


@pytest.mark.parametrize("start, end", [
    (dt.datetime(2026, 1, 5, 12), dt.datetime(2026, 1, 9, 23)),  # both boundaries inside a day
    (dt.datetime(2026, 1, 6, 23), dt.datetime(2026, 1, 7, 6)),  # a period shorter than a day, across midnight
    (dt.datetime(2026, 1, 7, 1), dt.datetime(2026, 1, 7, 5)),  # within one day
])
def test_periods_that_cut_days_count_exactly_the_jobs_inside(con: duckdb.DuckDBPyConnection, start: dt.datetime,
                                                             end: dt.datetime) -> None:
    f = FleetFilter(start, end)
    raw = dict(con.execute(
        "SELECT status, count(*) FROM jobs WHERE start_time >= ? AND start_time < ? GROUP BY 1",
        [start, end]).fetchall())
    k = q.kpis(con, f)
    assert k.jobs == sum(raw.values()) and k.failed == raw.get("Failed", 0) and k.completed == raw.get("Completed", 0)
    previous = q.kpis(con, f.previous())
    assert previous.jobs == con.execute(
        "SELECT count(*) FROM jobs WHERE start_time >= ? AND start_time < ?", [f.previous().start, start]).fetchone()[0]
    per_day = dict(con.execute(
        "SELECT CAST(start_time AS DATE), count(*) FROM jobs WHERE start_time >= ? AND start_time < ? GROUP BY 1",
        [start, end]).fetchall())
    trend = q.daily_trend(con, f).groupby("day")["jobs"].sum()
    assert {d.date(): n for d, n in trend.items()} == per_day
    summary = q.fleet_summary(con, f, NOW)
    assert summary.kpis == k and summary.previous_kpis == previous
