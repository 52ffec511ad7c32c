"""Job stores for the Fleet and Data page tests: a small deterministic sample fleet, and the hand-built
fleet of tests/data/fleet (whose answers the query tests work out by hand); and the app served on one."""
from __future__ import annotations

import datetime as dt
import os
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
