"""What changed, incidents and protection gaps on a hand-built fleet of nightly backups.

The fleet (`tests.support.fleet_stores.monday_fleet`): 14 nights from 1 January 2026, one scheduled backup
per VM at 22:00 UTC; the period is [Jan 8, Jan 15), the previous one [Jan 1, Jan 8). Night n is Jan (n + 1)
at 22:00, so the period holds nights 7–13. Every expected value below is worked out from the list of VMs in
`monday_fleet`.
"""
from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from loaders.jobs import queries as q
from loaders.jobs.queries import FleetFilter
from loaders.jobs.store import open_store
from tests.support.fleet_stores import MONDAY_FIRST_NIGHT as FIRST_NIGHT
from tests.support.fleet_stores import make_frame_store, make_monday_store, monday_fleet, nightly_jobs

PERIOD = FleetFilter(dt.datetime(2026, 1, 8), dt.datetime(2026, 1, 15))


def night(n: int) -> pd.Timestamp:
    return pd.Timestamp(FIRST_NIGHT + dt.timedelta(days=n)) + pd.Timedelta(hours=22)


@pytest.fixture(scope="module")
def con(tmp_path_factory: pytest.TempPathFactory) -> duckdb.DuckDBPyConnection:
    path = make_monday_store(tmp_path_factory.mktemp("monday") / "fleet.duckdb")
    store = open_store(path, read_only=True)
    yield store.connection
    store.close()


# -- error codes ------------------------------------------------------------------------------------------
def test_error_code_changes_with_the_significance_guard(con: duckdb.DuckDBPyConnection) -> None:
    changes = q.error_code_changes(con, PERIOD)
    got = {row.error_code: (row.trend, row.failed, row.previous_failed, row.vms, row.previous_vms)
           for row in changes.itertuples()}
    assert got == {
        "M": ("new", 12, 0, 12, 0),
        "B": ("new", 12, 0, 6, 0),
        "C": ("new", 7, 0, 1, 0),
        "A": ("rising", 9, 1, 8, 1),  # failed z = 8/√10 = 2.53, VMs z = 7/√9 = 2.33
        "R": ("rising", 12, 2, 10, 2),  # 10/√14 = 2.67, 8/√12 = 2.31
        "F": ("falling", 1, 10, 1, 10),  # −9/√11 = −2.71 on both
        "Q": ("steady", 6, 3, 6, 3),  # 3/√9 = 1.0: noise
        "G": ("gone", 0, 1, 0, 1),
    }
    assert list(changes["error_code"]) == ["M", "B", "C", "A", "R", "F", "Q", "G"]  # new by VMs, rising by VMs' z
    a = changes.set_index("error_code").loc["A"]
    assert math.isclose(a["failed_z"], 8 / math.sqrt(10)) and math.isclose(a["vms_z"], 7 / 3)
    assert a["error_message"] == "A happened" and a["category"] == "network"


def test_one_vm_failing_every_night_is_not_a_rising_code(con: duckdb.DuckDBPyConnection) -> None:
    # Against the period before (nights 0-6), C would rise from 0 to 7 failed jobs (z = 2.65) on one VM.
    later = FleetFilter(dt.datetime(2026, 1, 11), dt.datetime(2026, 1, 15))  # nights 10-13 vs 6-9
    changes = q.error_code_changes(con, later).set_index("error_code")
    assert changes.loc["C", ["failed", "previous_failed", "vms", "previous_vms"]].tolist() == [4, 3, 1, 1]
    assert changes.loc["C", "trend"] == "steady"


# -- VMs --------------------------------------------------------------------------------------------------
def test_vms_that_started_failing_and_recovered(con: duckdb.DuckDBPyConnection) -> None:
    changes = q.vm_changes(con, PERIOD)
    got = [(r.vm_name, r.change, r.first_failure, None if pd.isna(r.recovered_at) else r.recovered_at, r.failures,
            r.error_code) for r in changes.itertuples()]
    assert got == [
        # Failing at the end (night 13), not at the start (its last backup before Jan 8, night 6, was fine).
        ("r3-streak", "started", night(7), None, 7, "C"),
        # Failing at the start (night 6 failed), fine at the end: recovered with the backup of night 7.
        ("r4-07", "recovered", night(6), night(7), 1, "F"),
        ("r4-10", "recovered", night(6), night(7), 1, "Q"),
    ]


def test_vm_changes_follow_the_filters(con: duckdb.DuckDBPyConnection) -> None:
    assert q.vm_changes(con, FleetFilter(PERIOD.start, PERIOD.end, regions=("r4",)))["vm_name"].tolist() == [
        "r4-07", "r4-10"]
    assert q.vm_changes(con, FleetFilter(PERIOD.start, PERIOD.end, regions=("r1",))).empty


# -- incidents --------------------------------------------------------------------------------------------
def test_incidents_found_with_their_scope(con: duckdb.DuckDBPyConnection) -> None:
    found = q.incidents(con, PERIOD)
    got = [(r.error_code, r.scope, r.region, None if pd.isna(r.vault_name) else r.vault_name, r.start, r.end,
            r.failed, r.vms, r.vaults) for r in found.itertuples()]
    assert got == [
        ("M", "vault", "r6", "v8", night(10), night(11), 12, 12, 1),  # spikes on two nights in a row: one
        ("R", "vault", "r3", "v5", night(8), night(8), 10, 10, 1),  # only one vault in r3
        ("B", "vault", "r2", "v3", night(11), night(12), 12, 6, 1),  # ends with the runs' last failure
        ("A", "region", "r1", None, night(9), night(9), 6, 6, 2),  # v1 and v2: listed once, for the region
    ]
    # A in r1: 6 VMs starting to fail on a day against a median of 0 and a MAD of 0, floored at 1.
    assert math.isclose(found.set_index("error_code").loc["A", "peak_z"], 6 / 1.4826)
    # Not incidents: A's two VMs in v4 (night 8), the streak C (one VM, one onset), Q and F spread over nights.
    assert not set(found["error_code"]) & {"C", "Q", "F"}
    assert found.set_index("error_code").loc["A", "error_message"] == "A happened"


def test_a_lasting_problem_counts_once(con: duckdb.DuckDBPyConnection) -> None:
    # B's six VMs fail on nights 11 and 12: six onsets on night 11, none on night 12. Looked at from
    # night 12 on, nothing starts: no incident.
    from_night_12 = FleetFilter(dt.datetime(2026, 1, 13), dt.datetime(2026, 1, 15))
    assert "B" not in set(q.incidents(con, from_night_12)["error_code"])


def test_an_incident_needs_several_vms(con: duckdb.DuckDBPyConnection) -> None:
    only_v4 = q.incidents(con, FleetFilter(PERIOD.start, PERIOD.end, vaults=("v4",)))
    assert only_v4.empty  # two VMs starting to fail together on night 8: below MIN_VMS
    assert q.MIN_VMS == 3


def test_incidents_in_the_summary_match(con: duckdb.DuckDBPyConnection) -> None:
    summary = q.fleet_summary(con, PERIOD, now=PERIOD.end)
    pd.testing.assert_frame_equal(summary.incidents, q.incidents(con, PERIOD))
    pd.testing.assert_frame_equal(summary.error_code_changes, q.error_code_changes(con, PERIOD))
    pd.testing.assert_frame_equal(summary.vm_changes, q.vm_changes(con, PERIOD))
    pd.testing.assert_frame_equal(summary.protection_gaps, q.protection_gaps(con, PERIOD))


# -- protection gaps --------------------------------------------------------------------------------------
def test_protection_gaps_are_vms_without_any_job(con: duckdb.DuckDBPyConnection) -> None:
    gaps = q.protection_gaps(con, PERIOD)
    assert gaps[["vm_name", "vault_name", "region", "last_job", "last_success"]].values.tolist() == [
        ["r5-gone", "v7", "r5", night(4), night(4)]]
    assert math.isclose(gaps["days_silent"].iloc[0], 9 + 2 / 24)  # Jan 5 22:00 to Jan 15 00:00
    assert q.protection_gaps(con, FleetFilter(PERIOD.start, PERIOD.end, regions=("r1",))).empty
    # Over the previous period every VM had a job.
    assert q.protection_gaps(con, PERIOD.previous()).empty


def test_fleet_stores_write_the_whole_fleet(tmp_path: Path) -> None:
    frame = nightly_jobs(monday_fleet(), FIRST_NIGHT, 14)
    assert len(frame) == 47 * 14 + 5  # 47 VMs every night, r5-gone five nights
    with open_store(make_frame_store(tmp_path / "x.duckdb", frame), read_only=True) as store:
        assert store.job_count() == len(frame)
