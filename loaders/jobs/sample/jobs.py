"""The jobs of one block of VMs, drawn as parallel numpy arrays: nightly scheduled backups, the jobs people
trigger (on-demand backups, restores, configure-backup jobs), their outcomes and durations, and what `now`
sees of them."""
from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

import numpy as np

from loaders.jobs import schema
from loaders.jobs.sample.assumptions import (
    BASELINE_FAILURE_RATE,
    CANCEL_RATE,
    CONFIGURE_FAILURE_RATE,
    FIX_CHECK_SHARE,
    INCIDENT_FAILURE_RATE,
    MAX_BACKUP_HOURS,
    ON_DEMAND_FAILURE_RATE,
    ON_DEMAND_RATE,
    RECONFIGURE_RATE,
    REGIONS,
    RESTORE_FAILURE_RATE,
    RESTORE_RATE,
    SLOW_BACKUP_HOURS,
    SLOW_BACKUP_SHARE,
    SNAPSHOT_MINUTES,
    START_JITTER_MAX_S,
    START_JITTER_MEAN_S,
    TRANSFER_MINUTES_PER_TB,
    UNKNOWN_SHARE_OF_FAILURES,
    WARNING_RATE,
    WEEKEND_FACTOR,
)
from loaders.jobs.sample.draw import choice
from loaders.jobs.sample.layout import FleetLayout
from loaders.jobs.sample.palette import ErrorPalette

# A VM has at most one job of each kind a day; the kind is part of the job's id.
SLOTS = {"scheduled": 0, "on-demand": 1, "restore": 2, "reconfigure": 3, "onboarding": 4, "fix-check": 5}
NO_ERROR_KIND = -1  # in `BlockJobs.error`: the job carries no error


class StatusCode(IntEnum):
    """A job's status in the parallel arrays; `STATUS_NAMES[code]` is what the store holds."""

    COMPLETED = 0
    WARNINGS = 1
    FAILED = 2
    CANCELLED = 3
    IN_PROGRESS = 4


STATUS_NAMES = (schema.COMPLETED, schema.COMPLETED_WITH_WARNINGS, schema.FAILED, schema.CANCELLED, schema.IN_PROGRESS)


class OperationCode(IntEnum):
    BACKUP = 0
    RESTORE = 1
    CONFIGURE = 2


OPERATION_NAMES = (schema.BACKUP, schema.RESTORE, schema.CONFIGURE_BACKUP)


@dataclass
class BlockJobs:
    """Jobs of one block of VMs as parallel arrays; times in seconds after midnight of the first day."""

    vm: np.ndarray  # index into the block
    day: np.ndarray  # day index the job belongs to (a late scheduled backup may start after midnight)
    slot: np.ndarray  # which of the VM's jobs of that day (see SLOTS)
    operation: np.ndarray
    scheduled: np.ndarray
    start: np.ndarray
    duration: np.ndarray
    status: np.ndarray
    error: np.ndarray  # index into the palette, or NO_ERROR_KIND

    def select(self, mask: np.ndarray) -> BlockJobs:
        return BlockJobs(*(getattr(self, f)[mask] for f in _PARALLEL_FIELDS))

    @staticmethod
    def concat(parts: list[BlockJobs]) -> BlockJobs:
        return BlockJobs(*(np.concatenate([getattr(p, f) for p in parts]) for f in _PARALLEL_FIELDS))


_PARALLEL_FIELDS = tuple(BlockJobs.__dataclass_fields__)


def _outcomes(rng: np.random.Generator, n: int, failure_rate: float, weights: np.ndarray,
              palette: ErrorPalette) -> tuple[np.ndarray, np.ndarray]:
    """Status and error of jobs meeting no known problem: mostly fine, a few one-off failures."""
    u = rng.random(n)
    status = np.full(n, StatusCode.COMPLETED, dtype=np.int8)
    error = np.full(n, NO_ERROR_KIND, dtype=np.int16)
    failed = u < failure_rate
    status[failed] = StatusCode.FAILED
    warned = failure_rate + WARNING_RATE
    status[(u >= failure_rate) & (u < warned)] = StatusCode.WARNINGS
    status[(u >= warned) & (u < warned + CANCEL_RATE)] = StatusCode.CANCELLED
    unknown = failed & (rng.random(n) < UNKNOWN_SHARE_OF_FAILURES)
    error[failed & ~unknown] = choice(rng, weights, int((failed & ~unknown).sum()))
    error[unknown] = choice(rng, palette.unknown, int(unknown.sum()))
    return status, error


def _backup_seconds(rng: np.random.Generator, disk_gb: np.ndarray) -> np.ndarray:
    n = len(disk_gb)
    minutes = SNAPSHOT_MINUTES + disk_gb / 1024.0 * TRANSFER_MINUTES_PER_TB * rng.lognormal(0.0, 0.35, n)
    seconds = np.minimum(minutes * 60.0, MAX_BACKUP_HOURS * 3600.0)
    slow = rng.random(n) < SLOW_BACKUP_SHARE
    return np.where(slow, rng.uniform(*SLOW_BACKUP_HOURS, n) * 3600.0, seconds)


def _restore_seconds(rng: np.random.Generator, disk_gb: np.ndarray) -> np.ndarray:
    minutes = 20.0 + disk_gb / 1024.0 * 60.0 * rng.lognormal(0.0, 0.4, len(disk_gb))
    return np.minimum(minutes * 60.0, 8 * 3600.0)


def _settle_durations(rng: np.random.Generator, status: np.ndarray, duration: np.ndarray) -> np.ndarray:
    """Failed jobs stop early (most errors surface in the snapshot phase); cancelled ones part-way."""
    n = len(status)
    failed = np.clip(rng.lognormal(np.log(12 * 60.0), 0.8, n), 60.0, 4 * 3600.0)
    duration = np.where(status == StatusCode.FAILED, np.minimum(duration, failed), duration)
    duration = np.where(status == StatusCode.CANCELLED, duration * rng.uniform(0.05, 0.9, n), duration)
    return np.maximum(np.round(duration), 1.0)


def _lasting_problems(rng: np.random.Generator, palette: ErrorPalette, problem: np.ndarray, rows: np.ndarray,
                      days: np.ndarray, kinds: np.ndarray) -> None:
    """Problems met by a scheduled backup on (rows, days) that outlast the next run keep the VM failing with
    the same error on the following days (see `assumptions.RECOVERY`). Drawn from a generator of their own,
    so that every other draw of the block stays what it was without them."""
    k, horizon = len(rows), problem.shape[1]
    recovery = palette.recovery[kinds]
    lasting = rng.random(k) < recovery[:, 0]
    extra = rng.geometric(1.0 / (1.0 + recovery[:, 1]), k) - 1 + (recovery[:, 1] > 0)
    unfixed = rng.random(k) < recovery[:, 2]
    length = np.where(unfixed, horizon, extra)
    for row, day, days_more, kind in zip(rows[lasting], days[lasting], length[lasting], kinds[lasting], strict=True):
        span = problem[row, day + 1:day + 1 + days_more]
        span[span == NO_ERROR_KIND] = kind


def _apply_problem(status: np.ndarray, error: np.ndarray, problem: np.ndarray) -> None:
    has = problem != NO_ERROR_KIND
    status[has] = StatusCode.FAILED
    error[has] = problem[has]


def _people_jobs(rng: np.random.Generator, layout: FleetLayout, palette: ErrorPalette, block: np.ndarray,
                 r: np.ndarray, c: np.ndarray, operation: OperationCode, problem: np.ndarray, slot: str) -> BlockJobs:
    """Jobs someone triggers during the business hours of the VM's region (row r of the block, day c)."""
    m = len(r)
    utc_offset = np.array([region.utc_offset for region in REGIONS])[layout.vm_region[block][r]]
    start = c * 86400.0 + np.floor(rng.uniform(8 * 3600, 18 * 3600, m) - utc_offset * 3600.0)
    disk = layout.disk_gb[block][r]
    if operation == OperationCode.BACKUP:
        status, error = _outcomes(rng, m, ON_DEMAND_FAILURE_RATE, palette.backup, palette)
        _apply_problem(status, error, problem[r, c])  # an on-demand backup meets the same problem
        duration = _backup_seconds(rng, disk)
    elif operation == OperationCode.RESTORE:
        status, error = _outcomes(rng, m, RESTORE_FAILURE_RATE, palette.restore, palette)
        duration = _restore_seconds(rng, disk)
    else:
        status, error = _outcomes(rng, m, CONFIGURE_FAILURE_RATE, palette.configure, palette)
        status[status == StatusCode.WARNINGS] = StatusCode.COMPLETED
        duration = rng.uniform(30.0, 180.0, m)
    duration = _settle_durations(rng, status, duration)
    return BlockJobs(r, c, np.full(m, SLOTS[slot], np.int8), np.full(m, operation, np.int8), np.zeros(m, bool), start,
                 duration, status, error)


def block_jobs(layout: FleetLayout, palette: ErrorPalette, block: np.ndarray, days: int, first_weekday: int,
                now_s: float, rng: np.random.Generator, recovery_rng: np.random.Generator) -> BlockJobs:
    n = len(block)
    day = np.arange(days)
    first = layout.first_day[block]
    deleted = layout.deleted_day[block]

    # The known problem of each VM-day: a streak episode, or the VM is gone.
    problem = np.full((n, days), NO_ERROR_KIND, dtype=np.int16)
    row_of = {int(v): i for i, v in enumerate(block)}
    block_streaks = [s for s in layout.streaks if int(s[0]) in row_of]
    for vm, start, length, kind in block_streaks:
        problem[row_of[int(vm)], start:start + length] = kind
    gone = (deleted[:, None] >= 0) & (day[None, :] >= deleted[:, None])
    deleted_kind = choice(rng, palette.deleted, n).astype(np.int16)
    problem = np.where(gone, deleted_kind[:, None], problem)

    # Scheduled backups: one per VM and day at its policy time, from the day after onboarding.
    r, c = np.nonzero(day[None, :] >= np.where(first > 0, first + 1, 0)[:, None])
    m = len(r)
    jitter = np.floor(np.minimum(rng.exponential(START_JITTER_MEAN_S, m), START_JITTER_MAX_S))
    start = c * 86400.0 + layout.policy_minutes[block][r] * 60.0 + jitter
    status, error = _outcomes(rng, m, BASELINE_FAILURE_RATE, palette.backup, palette)
    hit = (layout.vm_region[block][r] == layout.incident_region) & (c == layout.incident_day)
    hit &= rng.random(m) < INCIDENT_FAILURE_RATE
    status[hit] = StatusCode.FAILED
    error[hit] = choice(rng, palette.incident, int(hit.sum()))
    onset = (status == StatusCode.FAILED) & ~hit & (problem[r, c] == NO_ERROR_KIND)
    _lasting_problems(recovery_rng, palette, problem, r[onset], c[onset], error[onset].astype(np.int64))
    _apply_problem(status, error, problem[r, c])
    duration = _settle_durations(rng, status, _backup_seconds(rng, layout.disk_gb[block][r]))
    parts = [BlockJobs(r, c, np.full(m, SLOTS["scheduled"], np.int8), np.full(m, OperationCode.BACKUP, np.int8),
                       np.ones(m, bool), start, duration, status, error)]

    # Jobs people trigger: fewer on weekends, never on a deleted VM, never before onboarding.
    weekend = (first_weekday + day) % 7 >= 5
    rate_factor = np.where(weekend, WEEKEND_FACTOR, 1.0)[None, :]
    alive = ~gone & (day[None, :] >= first[:, None])
    for operation, rate, slot in ((OperationCode.BACKUP, ON_DEMAND_RATE, "on-demand"),
                                  (OperationCode.RESTORE, RESTORE_RATE, "restore"),
                                  (OperationCode.CONFIGURE, RECONFIGURE_RATE, "reconfigure")):
        r, c = np.nonzero(alive & (rng.random((n, days)) < rate * rate_factor))
        parts.append(_people_jobs(rng, layout, palette, block, r, c, operation, problem, slot))
    onboarded = np.nonzero(first > 0)[0]
    parts.append(_people_jobs(rng, layout, palette, block, onboarded, first[onboarded], OperationCode.CONFIGURE,
                              problem, "onboarding"))
    # After a streak is fixed, someone often checks the fix with an on-demand backup the next day.
    ends = np.array([(row_of[int(vm)], start + length) for vm, start, length, _ in block_streaks],
                    dtype=np.int64).reshape(-1, 2)
    ends = ends[ends[:, 1] < days]
    if len(ends):
        ends = ends[(rng.random(len(ends)) < FIX_CHECK_SHARE) & (problem[ends[:, 0], ends[:, 1]] == NO_ERROR_KIND)]
        parts.append(_people_jobs(rng, layout, palette, block, ends[:, 0], ends[:, 1], OperationCode.BACKUP, problem,
                                  "fix-check"))
    jobs = BlockJobs.concat(parts)

    # What `now` sees: nothing that has not started yet, and no outcome for jobs still running.
    jobs = jobs.select(jobs.start < now_s)
    running = jobs.start + jobs.duration > now_s
    jobs.status[running] = StatusCode.IN_PROGRESS
    jobs.error[running] = NO_ERROR_KIND
    return jobs.select(np.argsort(jobs.start, kind="stable"))
