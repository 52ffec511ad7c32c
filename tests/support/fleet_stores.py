"""Job stores for the Fleet and Data page tests: a small deterministic sample fleet, and the hand-built
fleet of tests/data/fleet (whose answers the query tests work out by hand); and the app served on one."""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from dashboard.core.docs_root import ENV_VAR as DOCS_ENV_VAR
from loaders.jobs.sample import generate_sample
from loaders.jobs.schema import JOB_COLUMNS
from loaders.jobs.store import DB_ENV_VAR, open_store
from tests.support.browser import StreamlitServer, require_chromium

REPO = Path(__file__).resolve().parents[2]
HAND_BUILT_CSV = REPO / "tests" / "data" / "fleet" / "jobs.csv"
SAMPLE_NOW = dt.datetime(2026, 3, 2, 14, 0)
SAMPLE = {"vms": 150, "days": 60, "seed": 3}
# The hand-built fleet's week (see tests/data/fleet/README.md).
HAND_BUILT_START, HAND_BUILT_END = dt.date(2026, 1, 4), dt.date(2026, 1, 10)


def make_sample_store(path: Path, vms: int = SAMPLE["vms"], days: int = SAMPLE["days"],
                      seed: int = SAMPLE["seed"], now: dt.datetime = SAMPLE_NOW) -> Path:
    with open_store(path) as store:
        generate_sample(store, vms=vms, days=days, seed=seed, now=now)
    return path


def make_hand_built_store(path: Path) -> Path:
    frame = pd.read_csv(HAND_BUILT_CSV, dtype=str, keep_default_na=False).replace({"": None})
    for column in JOB_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["is_scheduled"] = frame["is_scheduled"].map({"true": True, "false": False, None: None})
    for column in ("start_time", "end_time"):
        frame[column] = pd.to_datetime(frame[column])
    frame["error_code_int"] = pd.to_numeric(frame["error_code_int"]).astype("Int64")
    frame["duration_s"] = pd.to_numeric(frame["duration_s"]).astype("float64")
    frame["source"] = "fixture"
    frame["ingest_time"] = pd.Timestamp(2026, 1, 11)
    with open_store(path) as store:
        store.upsert_jobs(frame[list(JOB_COLUMNS)], source="fixture")
    return path


def store_server(db: Path) -> StreamlitServer:
    """`streamlit run dashboard/app.py` on the store `db` and the built-in articles (checks for Chromium
    first, before starting anything)."""
    require_chromium()
    env = {name: value for name, value in os.environ.items() if name != DOCS_ENV_VAR}
    env[DB_ENV_VAR] = str(db)
    return StreamlitServer(env=env)


@dataclass(frozen=True)
class NightlyVm:
    """A VM of a hand-built fleet: one scheduled backup a night at 22:00 UTC on the days it is backed up,
    Completed unless `failures` gives the error code of that night (days counted from the fleet's first)."""

    name: str
    vault: str
    region: str
    failures: Mapping[int, str] = field(default_factory=dict)
    nights: tuple[int, int] | None = None  # [first, last) night with a backup; None: every night

    def vm_id(self) -> str:
        return (f"/subscriptions/s1/resourcegroups/rg-{self.region}/providers/microsoft.compute/virtualmachines/"
                + self.name)

    def vault_id(self) -> str:
        return f"/subscriptions/s1/resourcegroups/rg-backup/providers/microsoft.recoveryservices/vaults/{self.vault}"


def nightly_jobs(vms: Sequence[NightlyVm], first_night: dt.date, nights: int) -> pd.DataFrame:
    """The jobs of `vms` over `nights` nights from `first_night`, in the store's columns."""
    rows = []
    for vm in vms:
        begin, end = vm.nights or (0, nights)
        for night in range(begin, end):
            start = dt.datetime.combine(first_night + dt.timedelta(days=night), dt.time(22))
            code = vm.failures.get(night)
            rows.append({
                "vault_id": vm.vault_id(), "job_id": f"{vm.name}-{night}", "subscription_id": "s1",
                "vault_name": vm.vault, "region": vm.region, "vm_id": vm.vm_id(), "vm_name": vm.name,
                "os_type": "Linux", "operation": "Backup", "status": "Failed" if code else "Completed",
                "is_scheduled": True, "start_time": start, "end_time": start + dt.timedelta(minutes=30),
                "duration_s": 1800.0, "error_code": code, "error_message": f"{code} happened" if code else None,
                "error_category": "network" if code else None,
            })
    frame = pd.DataFrame(rows)
    for column in JOB_COLUMNS:
        if column not in frame.columns:
            frame[column] = None
    frame["error_code_int"] = pd.array([None] * len(frame), dtype="Int64")
    frame["source"] = "fixture"
    return frame[list(JOB_COLUMNS)]


def make_frame_store(path: Path, frame: pd.DataFrame) -> Path:
    with open_store(path) as store:
        store.upsert_jobs(frame, source="fixture")
    return path


# The hand-built fleet of the "what changed", incident and gap tests (tests/jobs/test_fleet_changes.py works
# out its answers): 14 nights from MONDAY_FIRST_NIGHT; the period looked at is its second week.
MONDAY_FIRST_NIGHT = dt.date(2026, 1, 1)
MONDAY_NIGHTS = 14


def monday_fleet() -> list[NightlyVm]:
    vms = []
    # Region r1, vaults v1 (r1-01..03) and v2 (r1-04..06): all six fail with A on night 9 (Jan 10) — a
    # regional incident; r1-01 also fails with A on nights 1 and 11 (noise).
    for i in range(1, 7):
        failures = {9: "A"}
        if i == 1:
            failures.update({1: "A", 11: "A"})
        vms.append(NightlyVm(f"r1-{i:02d}", "v1" if i <= 3 else "v2", "r1", failures))
    # Region r2: vault v3 (r2-01..06) fails with B on nights 11 and 12 — one vault's incident, six VMs
    # starting to fail together; vault v4: two VMs fail with A on night 8 (too few VMs for an incident).
    vms += [NightlyVm(f"r2-{i:02d}", "v3", "r2", {11: "B", 12: "B"}) for i in range(1, 7)]
    vms += [NightlyVm(f"r2-{i:02d}", "v4", "r2", {8: "A"}) for i in (7, 8)]
    # Region r3, vault v5: R rises from 2 failures on 2 VMs (nights 2, 3) to 12 on 10 VMs (all ten on night
    # 8, r3-01 and r3-02 again on night 10); r3-streak fails with C every night of the period.
    for i in range(1, 11):
        failures = {8: "R"}
        if i in (1, 2):
            failures.update({i + 1: "R", 10: "R"})
        vms.append(NightlyVm(f"r3-{i:02d}", "v5", "r3", failures))
    vms.append(NightlyVm("r3-streak", "v5", "r3", {n: "C" for n in range(7, 14)}))
    # Region r4, vault v6: F falls from 10 failures on 10 VMs (r4-k on night (k - 1) % 7) to 1 (r4-01, night
    # 12); Q stays noise: 3 on 3 VMs before (r4-08, r4-09 night 5, r4-10 night 6), 6 on 6 VMs now; G is
    # gone (r4-01, night 5).
    q_now = {2: 8, 3: 9, 4: 10, 5: 11, 6: 12, 7: 8}
    q_before = {8: 5, 9: 5, 10: 6}
    for k in range(1, 11):
        failures = {(k - 1) % 7: "F"}
        if k in q_now:
            failures[q_now[k]] = "Q"
        if k in q_before:
            failures[q_before[k]] = "Q"
        if k == 1:
            failures.update({12: "F", 5: "G"})
        vms.append(NightlyVm(f"r4-{k:02d}", "v6", "r4", failures))
    # Region r6, vault v8: six VMs start failing with M on night 10, six others on night 11 (one night each).
    vms += [NightlyVm(f"r6-{i:02d}", "v8", "r6", {10 if i <= 6 else 11: "M"}) for i in range(1, 13)]
    # Region r5, vault v7: backed up on nights 0–4 only, then silent.
    vms.append(NightlyVm("r5-gone", "v7", "r5", nights=(0, 5)))
    return vms


def make_monday_store(path: Path) -> Path:
    return make_frame_store(path, nightly_jobs(monday_fleet(), MONDAY_FIRST_NIGHT, MONDAY_NIGHTS))
