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
