"""A seed's sample fleet: its plan (layout, errors, period) and its jobs, block by block."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from loaders.jobs.catalog import Catalog, load_catalog
from loaders.jobs.sample.assumptions import REGIONS
from loaders.jobs.sample.jobs import block_jobs
from loaders.jobs.sample.layout import FleetLayout, build_layout
from loaders.jobs.sample.palette import ErrorPalette, build_palette
from loaders.jobs.sample.tables import block_table
from loaders.jobs.timeutil import naive_utc, utc_now

CHUNK_VMS = 2000  # VMs generated per block; bounds memory for big fleets


def default_now() -> dt.datetime:
    """The current hour in naive UTC: the sample's `now` when none is given."""
    return utc_now().replace(minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class SamplePlan:
    """What a seed produces before any job is drawn: the layout, the errors, the period."""

    vms: int
    days: int
    seed: int
    now: dt.datetime
    day0: dt.datetime
    layout: FleetLayout
    palette: ErrorPalette

    @property
    def blocks(self) -> int:
        return -(-self.vms // CHUNK_VMS)

    @property
    def incident_region(self) -> str:
        return REGIONS[self.layout.incident_region].name

    @property
    def incident_day(self) -> dt.date:
        return (self.day0 + dt.timedelta(days=self.layout.incident_day)).date()


def plan_sample(vms: int = 2000, days: int = 90, seed: int = 7, now: dt.datetime | None = None,
                catalog: Catalog | None = None) -> SamplePlan:
    if vms < 1 or days < 1:
        raise ValueError(f"the sample needs at least one VM and one day (got vms={vms}, days={days})")
    now = default_now() if now is None else naive_utc(now)
    palette = build_palette(catalog if catalog is not None else load_catalog())
    day0 = dt.datetime.combine(now.date() - dt.timedelta(days=days - 1), dt.time())
    return SamplePlan(vms, days, seed, now, day0, build_layout(vms, days, seed, palette), palette)


def sample_batches(plan: SamplePlan) -> Iterator[pa.Table]:
    """The sample's jobs, one table per block of CHUNK_VMS VMs, each sorted by start time."""
    now_s = (plan.now - plan.day0).total_seconds()
    first_weekday = plan.day0.weekday()
    for b in range(plan.blocks):
        block = np.arange(b * CHUNK_VMS, min((b + 1) * CHUNK_VMS, plan.vms))
        rng = np.random.default_rng([plan.seed, 1, b])
        recovery_rng = np.random.default_rng([plan.seed, 2, b])
        jobs = block_jobs(plan.layout, plan.palette, block, plan.days, first_weekday, now_s, rng, recovery_rng)
        yield block_table(plan.layout, plan.palette, block, jobs, plan.day0, plan.seed)


def sample_table(vms: int = 2000, days: int = 90, seed: int = 7, now: dt.datetime | None = None,
                 catalog: Catalog | None = None) -> pa.Table:
    """The whole sample as one table (for tests and baselines; `generate_sample` streams instead)."""
    return pa.concat_tables(sample_batches(plan_sample(vms, days, seed, now, catalog)))
