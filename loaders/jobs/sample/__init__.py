"""A deterministic, realistic sample fleet of Azure VM backup jobs: the embedded default data set.

`plan_sample(vms, days, seed, now)` lays the fleet out; `sample_batches(plan)` yields its jobs as pyarrow
tables (one per block of VMs, columns of `JOB_COLUMNS`); `generate_sample(store, ...)` upserts them into
the store and `sample_table(...)` returns them in one table. Everything is drawn from numpy generators
seeded from `seed` (job ids included), so the same seed, `now` and error catalog give the same rows.

The fleet tells the stories a team lead meets in real estates: several subscriptions, one or more vaults per
region and subscription, VMs named after their workload, nightly scheduled backups at the policy time,
on-demand backups, restores and configure-backup jobs, a low baseline of failures spread over the catalog's
codes that last as long as their kind of problem does (transient platform and network errors are gone by the
next run, agent, extension and permission problems take days until someone acts and some outlast the period,
see `assumptions.RECOVERY`), VMs that fail for days until someone fixes them, VMs deleted without stopping
protection, one regional incident, a few codes no guide covers yet, and jobs still running at `now`.

Modules: `assumptions` (every rate, weight and shape of the estate, as named tuples and constants;
none comes from published statistics), `palette` (the errors drawn), `layout` (subscriptions, vaults,
VMs and their fates), `jobs` (the jobs of a block of VMs), `tables` (a block as an Arrow table), `plan`
(a seed's plan and its batches), `writing` (into the store).
"""
from __future__ import annotations

from loaders.jobs.sample.assumptions import SAMPLE_SOURCE
from loaders.jobs.sample.layout import FleetLayout, Vault
from loaders.jobs.sample.palette import ErrorKind, ErrorPalette, build_palette
from loaders.jobs.sample.plan import CHUNK_VMS, SamplePlan, default_now, plan_sample, sample_batches, sample_table
from loaders.jobs.sample.writing import SampleProgress, SampleReport, generate_sample

__all__ = [
    "CHUNK_VMS",
    "SAMPLE_SOURCE",
    "ErrorKind",
    "ErrorPalette",
    "FleetLayout",
    "SamplePlan",
    "SampleProgress",
    "SampleReport",
    "Vault",
    "build_palette",
    "default_now",
    "generate_sample",
    "plan_sample",
    "sample_batches",
    "sample_table",
]
