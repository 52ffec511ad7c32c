"""Writing the sample fleet into the store, block by block."""
from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from loaders.jobs.catalog import Catalog
from loaders.jobs.sample.assumptions import SAMPLE_SOURCE
from loaders.jobs.sample.plan import CHUNK_VMS, plan_sample, sample_batches
from loaders.jobs.store import Store


@dataclass(frozen=True)
class SampleReport:
    vms: int
    days: int
    seed: int
    now: dt.datetime
    jobs: int
    subscriptions: int
    vaults: int
    regions: tuple[str, ...]
    incident_region: str
    incident_day: dt.date
    streak_vms: int
    seconds: float
    inserted: int
    updated: int


SampleProgress = Callable[[int, int], None]  # (VMs done, VMs in total)


def generate_sample(store: Store, vms: int = 2000, days: int = 90, seed: int = 7, now: dt.datetime | None = None,
                    progress: SampleProgress | None = None, catalog: Catalog | None = None) -> SampleReport:
    """Generate the sample fleet and upsert it into `store` (source "sample"), block by block."""
    began = time.perf_counter()
    plan = plan_sample(vms, days, seed, now, catalog)
    total = inserted = updated = 0
    if progress:
        progress(0, vms)
    for b, table in enumerate(sample_batches(plan)):
        result = store.upsert_jobs(table, source=SAMPLE_SOURCE)
        # Write each block through to the file: left to the end, the checkpoint of millions of rows needs
        # gigabytes of memory.
        store.connection.execute("CHECKPOINT")
        total += table.num_rows
        inserted, updated = inserted + result.inserted, updated + result.updated
        if progress:
            progress(min((b + 1) * CHUNK_VMS, vms), vms)
    layout = plan.layout
    return SampleReport(
        vms=vms, days=days, seed=seed, now=plan.now, jobs=total,
        subscriptions=len(layout.subscription_ids), vaults=len(layout.vaults),
        regions=tuple(sorted({v.region for v in layout.vaults})),
        incident_region=plan.incident_region, incident_day=plan.incident_day,
        streak_vms=len(np.unique(layout.streaks[:, 0])), seconds=time.perf_counter() - began,
        inserted=inserted, updated=updated,
    )
