"""The sample fleet: deterministic for a seed, and realistic enough to tell a team lead's stories."""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from loaders.jobs import queries as q
from loaders.jobs.catalog import load_catalog
from loaders.jobs.sample import generate_sample, plan_sample, sample_batches, sample_table
from loaders.jobs.schema import JOB_COLUMNS, JOB_STATUSES, JOBS_DDL, OPERATIONS
from loaders.jobs.store import open_store

REPO = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 3, 2, 14, 0)
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def digest(table: pa.Table) -> str:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()


@pytest.fixture(scope="module")
def fleet() -> pa.Table:
    return sample_table(vms=2000, days=60, seed=7, now=NOW)


@pytest.fixture(scope="module")
def jobs(fleet: pa.Table) -> pd.DataFrame:
    return fleet.to_pandas()


@pytest.fixture(scope="module")
def con(fleet: pa.Table) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute(JOBS_DDL)
    con.register("sample", fleet)
    con.execute("INSERT INTO jobs SELECT * FROM sample")
    return con


# ---------------------------------------------------------------------------------------------------------
# Determinism and shape
# ---------------------------------------------------------------------------------------------------------
def test_same_seed_same_rows_and_ids() -> None:
    first = sample_table(vms=300, days=20, seed=11, now=NOW)
    second = sample_table(vms=300, days=20, seed=11, now=NOW)
    assert first.num_rows > 5000
    assert digest(first) == digest(second)
    other = sample_table(vms=300, days=20, seed=12, now=NOW)
    assert digest(other) != digest(first)
    assert not set(other.column("job_id").to_pylist()) & set(first.column("job_id").to_pylist())
    assert set(other.column("subscription_id").to_pylist()) != set(first.column("subscription_id").to_pylist())


def test_columns_follow_the_job_schema(fleet: pa.Table, jobs: pd.DataFrame) -> None:
    assert fleet.column_names == list(JOB_COLUMNS)
    assert set(jobs["status"]) <= set(JOB_STATUSES)
    assert set(jobs["operation"]) <= set(OPERATIONS)
    assert (jobs["source"] == "sample").all()
    assert jobs["job_id"].is_unique
    assert jobs["job_id"].map(lambda v: bool(GUID.match(v))).all()
    assert (jobs["backup_management_type"] == "AzureIaasVM").all()
    expected_vault = ("/subscriptions/" + jobs["subscription_id"] + "/resourcegroups/" + jobs["resource_group"]
                      + "/providers/microsoft.recoveryservices/vaults/" + jobs["vault_name"])
    assert (jobs["vault_id"] == expected_vault).all()
    vms = jobs.drop_duplicates("vm_id")
    assert all(i.endswith(f"/providers/microsoft.compute/virtualmachines/{n}")
               for i, n in zip(vms["vm_id"], vms["vm_name"], strict=False))
    assert (jobs["start_time"] < NOW).all()
    assert (jobs["start_time"] >= dt.datetime(2026, 1, 2)).all()  # 60 days ending today
    finished = jobs["status"] != "InProgress"
    assert (jobs.loc[finished, "end_time"] > jobs.loc[finished, "start_time"]).all()
    assert jobs.loc[~finished, ["end_time", "duration_s"]].isna().all().all()


def test_blocks_add_up_to_the_whole_fleet() -> None:
    plan = plan_sample(vms=4500, days=3, seed=3, now=NOW)
    batches = list(sample_batches(plan))
    assert len(batches) == 3  # 2000 + 2000 + 500 VMs
    vms = [set(b.column("vm_id").to_pylist()) for b in batches]
    assert sum(len(v) for v in vms) == len(set().union(*vms)) == 4500
    for batch in batches:
        starts = batch.column("start_time").to_pylist()
        assert starts == sorted(starts)


# ---------------------------------------------------------------------------------------------------------
# Realism
# ---------------------------------------------------------------------------------------------------------
def test_estate_layout(jobs: pd.DataFrame) -> None:
    subscriptions = jobs["subscription_id"].unique()
    assert 4 <= len(subscriptions) <= 6
    assert all(GUID.match(s) for s in subscriptions)
    assert jobs["region"].nunique() >= 5
    assert jobs["vault_name"].nunique() >= jobs["region"].nunique()
    names = jobs["vm_name"].drop_duplicates()
    assert len(names) == 2000 == jobs["vm_id"].nunique()
    assert names.map(lambda n: bool(re.fullmatch(r"[a-z0-9]+-[a-z]+-\d{2,}", n))).all()
    assert {"web", "sql", "dc"} <= {n.split("-")[0] for n in names}
    os_share = jobs.drop_duplicates("vm_id")["os_type"].value_counts(normalize=True)
    assert set(os_share.index) == {"Windows", "Linux"} and os_share.min() > 0.25


def test_scheduled_backups_run_daily_at_clustered_policy_times(jobs: pd.DataFrame) -> None:
    scheduled = jobs[jobs["is_scheduled"]]
    assert (scheduled["operation"] == "Backup").all()
    per_vm_day = scheduled.groupby(["vm_id", scheduled["start_time"].dt.floor("D")]).size()
    assert per_vm_day.quantile(0.99) <= 2  # a 23:30 policy with a late start can roll into the next day
    # About one scheduled backup per VM and day.
    assert 0.9 < len(scheduled) / (2000 * 60) <= 1.0
    minutes = scheduled["start_time"].dt.hour * 60 + scheduled["start_time"].dt.minute
    near = pd.Series(False, index=scheduled.index)
    for policy in (22 * 60, 23 * 60 + 30, 2 * 60):
        near |= ((minutes - policy) % 1440) < 120
    assert near.mean() > 0.5


def test_durations_run_from_minutes_to_hours(jobs: pd.DataFrame) -> None:
    done = jobs[(jobs["status"] == "Completed") & jobs["is_scheduled"]]["duration_s"] / 60
    assert 5 < done.quantile(0.1) and done.median() < 60 < done.quantile(0.95) and done.max() < 24 * 60


def test_people_trigger_other_jobs(jobs: pd.DataFrame) -> None:
    adhoc = jobs[~jobs["is_scheduled"]]
    counts = adhoc["operation"].value_counts()
    assert counts["Backup"] > 500 and counts["Restore"] > 50 and counts["ConfigureBackup"] > 30
    # People work less on weekends.
    per_day = adhoc.groupby(adhoc["start_time"].dt.floor("D")).size()
    weekend = per_day.index.day_of_week >= 5
    assert per_day[weekend].mean() < 0.5 * per_day[~weekend].mean()
    statuses = jobs["status"].value_counts()
    assert statuses["CompletedWithWarnings"] > 500 and statuses["Cancelled"] > 50


def test_failure_rate_is_low_but_not_zero(con: duckdb.DuckDBPyConnection) -> None:
    k = q.kpis(con, q.FleetFilter.last_days(NOW, 60))
    assert 0.95 < k.success_rate < 0.995
    assert k.affected_vms > 500


def test_failures_carry_catalog_fields(jobs: pd.DataFrame) -> None:
    catalog = load_catalog()
    failed = jobs[jobs["status"] == "Failed"]
    assert failed["error_category"].notna().all()
    assert (failed["error_code"].notna() | failed["error_code_int"].notna()).all()
    known = failed[failed["error_code"].isin(catalog.entries.keys())]
    assert len(known) > 0.9 * len(failed)
    for code, group in known.groupby("error_code"):
        entry = catalog.entries[code]
        row = group.iloc[0]
        assert (row["error_category"], row["guide_article"], row["guide_error_id"]) == (
            entry.category, entry.article, entry.error_id)
        assert (group["error_message"].fillna("") == entry.message).all()  # none when the docs give none
    # Agent and extension problems lead, as the weights say.
    top = failed["error_category"].value_counts()
    assert top.index[0] in ("agent", "extension")
    assert failed["error_code"].nunique() >= 20


def test_unknown_codes_keep_a_raw_message(con: duckdb.DuckDBPyConnection) -> None:
    top = q.top_error_codes(con, q.FleetFilter.last_days(NOW, 60), limit=200)
    unknown = top[top["category"] == "unknown"]
    assert len(unknown) >= 2
    assert unknown["error_message"].notna().all() and unknown["guide_article"].isna().all()
    catalog = load_catalog()
    assert not set(unknown["error_code"].dropna()) & set(catalog.entries)


def test_regional_incident_is_a_one_day_spike_in_one_region(con: duckdb.DuckDBPyConnection) -> None:
    plan = plan_sample(vms=2000, days=60, seed=7, now=NOW)
    rates = con.execute("""
        SELECT CAST(start_time AS DATE) AS day, region,
               count(*) FILTER (WHERE status = 'Failed') / count(*) AS rate, count(*) AS jobs
        FROM jobs WHERE is_scheduled GROUP BY ALL ORDER BY rate DESC""").df()
    worst = rates.iloc[0]
    assert (worst["region"], worst["day"].date()) == (plan.incident_region, plan.incident_day)
    assert worst["rate"] > 0.3
    others = rates.iloc[1:]
    assert others["rate"].quantile(0.95) < 0.06
    # The incident errors are network and extension problems.
    day = con.execute("""
        SELECT error_category, count(*) AS n FROM jobs
        WHERE status = 'Failed' AND region = ? AND CAST(start_time AS DATE) = ? AND is_scheduled
        GROUP BY ALL ORDER BY n DESC""", [plan.incident_region, plan.incident_day]).fetchall()
    assert day[0][0] in ("network", "extension")


def test_some_vms_fail_for_days_until_fixed(con: duckdb.DuckDBPyConnection) -> None:
    streaks = q.failure_streaks(con, q.FleetFilter.last_days(NOW, 60))
    long = streaks[streaks["longest_streak"] >= 3]
    assert len(long) > 20
    fixed = long[long["current_streak"] == 0]
    assert len(fixed) > 10
    assert (streaks["current_streak"] >= 3).sum() > 3  # some still failing now: RPO breaches
    breach = q.rpo_breach(con, q.FleetFilter.last_days(NOW, 60), NOW)
    assert len(breach) > 5
    ttr = q.time_to_recover(con, q.FleetFilter.last_days(NOW, 60))
    assert ttr["p90_hours"].max() > 48  # multi-day outages exist beside next-day recoveries
    assert ttr["median_hours"].min() < 30


def test_jobs_still_running_only_near_now(jobs: pd.DataFrame) -> None:
    running = jobs[jobs["status"] == "InProgress"]
    assert len(running) > 0
    assert (running["start_time"] > NOW - dt.timedelta(hours=24)).all()


# ---------------------------------------------------------------------------------------------------------
# Into the store and from the command line
# ---------------------------------------------------------------------------------------------------------
def test_generate_sample_into_the_store_is_idempotent(tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    with open_store(tmp_path / "fleet.duckdb") as store:
        report = generate_sample(store, vms=2100, days=5, seed=5, now=NOW,
                                 progress=lambda done, total: seen.append((done, total)))
        assert store.job_count() == report.jobs
        assert (report.inserted, report.updated) == (report.jobs, 0)
        again = generate_sample(store, vms=2100, days=5, seed=5, now=NOW)
        assert (again.inserted, again.updated) == (0, report.jobs)
        assert store.job_count() == report.jobs
        assert store.info().sources == {"sample": report.jobs}
    assert seen == [(0, 2100), (2000, 2100), (2100, 2100)]
    assert report.vms == 2100 and 4 <= report.subscriptions <= 6 and len(report.regions) >= 5
    assert report.incident_region in report.regions


def test_generating_again_later_updates_instead_of_duplicating(tmp_path: Path) -> None:
    # Half an hour after a common policy time (02:00), many nightly backups are still running.
    first_now = NOW.replace(hour=2, minute=30)
    later = first_now + dt.timedelta(hours=5)
    with open_store(tmp_path / "fleet.duckdb") as store:
        first = generate_sample(store, vms=300, days=10, seed=5, now=first_now)
        running = store.connection.execute("SELECT job_id FROM jobs WHERE status = 'InProgress'").fetchall()
        assert running
        second = generate_sample(store, vms=300, days=10, seed=5, now=later)
        expected = sample_table(vms=300, days=10, seed=5, now=later)
        assert store.job_count() == expected.num_rows == second.jobs
        assert second.updated == first.jobs and second.inserted == second.jobs - first.jobs > 0
        # The jobs that were running five hours ago have an outcome now, under the same ids.
        still = store.connection.execute(
            "SELECT count(*) FROM jobs WHERE status = 'InProgress' AND start_time < ?",
            [first_now - dt.timedelta(hours=24)]).fetchone()[0]
        assert still == 0
        finished = store.connection.execute(
            f"SELECT count(*) FROM jobs WHERE job_id IN ({', '.join('?' * len(running))}) AND status <> 'InProgress'",
            [r[0] for r in running]).fetchone()[0]
        assert finished > 0


def test_sample_command(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    env = {k: v for k, v in os.environ.items() if k != "BACKUP_TRIAGE_DB"}
    done = subprocess.run(
        [sys.executable, "-m", "loaders", "jobs", "sample", "--vms", "40", "--days", "7", "--seed", "3",
         "--now", "2026-03-02T14:00:00Z", "--db", str(db)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "generating sample fleet" in done.stderr and "40/40 VMs" in done.stderr
    match = re.search(r"sample fleet: (\d+) jobs \((\d+) inserted, 0 updated\) "
                      r"for 40 VMs over 7 days up to 2026-03-02 14:00 UTC", done.stdout)
    assert match, done.stdout
    with open_store(db, read_only=True) as store:
        assert store.job_count() == int(match.group(1)) == int(match.group(2))
    expected = sample_table(vms=40, days=7, seed=3, now=NOW)
    assert expected.num_rows == int(match.group(1))


def test_sample_command_rejects_an_empty_fleet(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "BACKUP_TRIAGE_DB"}
    done = subprocess.run(
        [sys.executable, "-m", "loaders", "jobs", "sample", "--vms", "0", "--db", str(tmp_path / "x.duckdb")],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode != 0
    assert "at least one VM" in done.stderr


# ---------------------------------------------------------------------------------------------------------
# Time to recover by error (assumptions.RECOVERY)
# ---------------------------------------------------------------------------------------------------------
LASTING = ("agent", "permissions", "encryption", "quota", "extension", "vss", "disk")


@pytest.fixture(scope="module")
def recovery(con: duckdb.DuckDBPyConnection, jobs: pd.DataFrame) -> pd.DataFrame:
    ttr = q.time_to_recover(con, q.FleetFilter.last_days(NOW, 60))
    codes = jobs.dropna(subset=["error_code"]).drop_duplicates("error_code")
    category = codes.set_index("error_code")["error_category"]
    ttr["category"] = ttr["error_code"].map(category)
    return ttr[ttr["incidents"] >= 10]  # codes with too few recoveries to have a median worth ranking


def test_transient_errors_recover_at_the_next_run(recovery: pd.DataFrame) -> None:
    transient = recovery[recovery["category"].isin(["platform", "network", "snapshot"])]
    assert len(transient) >= 3
    assert (transient["median_hours"] < 30).all()  # one nightly interval, give or take the start jitter


def test_agent_and_permission_errors_take_days(recovery: pd.DataFrame) -> None:
    for category in ("agent", "permissions"):
        rows = recovery[recovery["category"] == category]
        pooled = (rows["median_hours"] * rows["incidents"]).sum() / rows["incidents"].sum()
        assert pooled > 48, category
    ranked = recovery.sort_values("median_hours", ascending=False)
    assert ranked.head(3)["category"].isin(LASTING).all()
    assert not ranked.tail(3)["category"].isin(["agent", "permissions"]).any()
    # The chart then ranks: the slowest code takes several times as long as the fastest.
    assert ranked["median_hours"].iloc[0] > 3 * ranked["median_hours"].iloc[-1]


def test_some_problems_are_not_fixed_within_the_period(con: duckdb.DuckDBPyConnection) -> None:
    vms = q.top_failing_vms(con, q.FleetFilter.last_days(NOW, 60), limit=5000)
    deleted_vm_codes = {"ResourceNotFound", "BCMV2VMNotFound"}
    unfixed = vms[(vms["current_streak"] > 21) & ~vms["last_error_code"].isin(deleted_vm_codes)]
    assert len(unfixed) >= 3  # longer than any streak episode: a lasting problem nobody fixed


def test_the_regional_incident_is_the_incident_found(con: duckdb.DuckDBPyConnection) -> None:
    plan = plan_sample(vms=2000, days=60, seed=7, now=NOW)
    found = q.incidents(con, q.FleetFilter.last_days(NOW, 60))
    assert len(found) >= 1
    assert set(found["region"]) == {plan.incident_region}  # lasting problems elsewhere do not look like one
    assert {d.date() for d in found["start"]} == {plan.incident_day}
    top = found.iloc[0]
    assert top["scope"] == "region" and top["vaults"] >= 2 and top["category"] in ("network", "extension")
