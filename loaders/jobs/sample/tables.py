"""A block's jobs as a pyarrow table with the columns of the store (`JOB_COLUMNS`)."""
from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pyarrow as pa

from loaders.jobs.sample.assumptions import BACKUP_MANAGEMENT_TYPE, SAMPLE_SOURCE
from loaders.jobs.sample.draw import job_guids
from loaders.jobs.sample.jobs import OPERATION_NAMES, STATUS_NAMES, BlockJobs, StatusCode
from loaders.jobs.sample.layout import FleetLayout
from loaders.jobs.sample.palette import ErrorPalette
from loaders.jobs.schema import JOB_COLUMNS


def _take(values: pa.Array, index: np.ndarray) -> pa.Array:
    return values.take(pa.array(index))


def _take_nullable(values: list[Any], index: np.ndarray, type_: pa.DataType) -> pa.Array:
    dictionary = pa.array(values, type_)
    return dictionary.take(pa.array(index, mask=index < 0))


def _timestamps(day0_us: int, seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    micros = day0_us + (seconds * 1_000_000).astype(np.int64)
    return pa.array(micros, pa.timestamp("us"), mask=mask)


def block_table(layout: FleetLayout, palette: ErrorPalette, block: np.ndarray, jobs: BlockJobs, day0: dt.datetime,
                 seed: int) -> pa.Table:
    vm = block[jobs.vm]
    vault = layout.vm_vault[vm]
    day0_us = int((day0 - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000
    running = jobs.status == StatusCode.IN_PROGRESS
    kinds = palette.kinds
    error = jobs.error.astype(np.int64)
    n = len(vm)

    def vault_field(name: str) -> pa.Array:
        return _take(pa.array([getattr(v, name) for v in layout.vaults], pa.string()), vault)

    columns: dict[str, pa.Array] = {
        "vault_id": vault_field("vault_id"),
        "job_id": job_guids(seed, vm, day0.toordinal() + jobs.day, jobs.slot),
        "subscription_id": vault_field("subscription_id"),
        "resource_group": vault_field("resource_group"),
        "vault_name": vault_field("name"),
        "region": vault_field("region"),
        "vm_id": _take(layout.vm_id, vm),
        "vm_name": _take(layout.vm_name, vm),
        "os_type": _take(layout.os_type, vm),
        "backup_management_type": pa.array(np.full(n, BACKUP_MANAGEMENT_TYPE, dtype=object), pa.string()),
        "operation": _take(pa.array(OPERATION_NAMES, pa.string()), jobs.operation.astype(np.int64)),
        "status": _take(pa.array(STATUS_NAMES, pa.string()), jobs.status.astype(np.int64)),
        "is_scheduled": pa.array(jobs.scheduled, pa.bool_()),
        "start_time": _timestamps(day0_us, jobs.start),
        "end_time": _timestamps(day0_us, jobs.start + jobs.duration, mask=running),
        "duration_s": pa.array(jobs.duration, pa.float64(), mask=running),
        "error_code_int": _take_nullable([k.code_int for k in kinds], error, pa.int64()),
        "error_code": _take_nullable([k.code for k in kinds], error, pa.string()),
        "error_message": _take_nullable([k.message for k in kinds], error, pa.string()),
        "guide_article": _take_nullable([k.guide_article for k in kinds], error, pa.string()),
        "guide_error_id": _take_nullable([k.guide_error_id for k in kinds], error, pa.string()),
        "error_category": _take_nullable([k.category for k in kinds], error, pa.string()),
        "source": pa.array(np.full(n, SAMPLE_SOURCE, dtype=object), pa.string()),
        "ingest_time": pa.nulls(n, pa.timestamp("us")),  # the store stamps the time of ingest
    }
    return pa.table([columns[c] for c in JOB_COLUMNS], names=list(JOB_COLUMNS))
