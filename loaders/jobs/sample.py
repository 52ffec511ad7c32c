"""A deterministic, realistic sample fleet of Azure VM backup jobs: the embedded default data set.

`plan_sample(vms, days, seed, now)` lays the fleet out; `sample_batches(plan)` yields its jobs as pyarrow
tables (one per block of VMs, columns of `JOB_COLUMNS`); `generate_sample(store, ...)` upserts them into
the store and `sample_table(...)` returns them in one table. Everything is drawn from numpy generators
seeded from `seed` (job ids included), so the same seed, `now` and error catalog give the same rows.

The fleet tells the stories a team lead meets in real estates: several subscriptions, one or more vaults per
region and subscription, VMs named after their workload, nightly scheduled backups at the policy time,
on-demand backups, restores and configure-backup jobs, a low baseline of failures spread over the catalog's
codes, VMs that fail for days until someone fixes them, VMs deleted without stopping protection, one
regional incident, a few codes no guide covers yet, and jobs still running at `now`.

All rates and weights below are assumptions: Microsoft publishes no statistics of how often each backup
error occurs. The weights lean towards agent, extension and snapshot problems because the troubleshooting
documentation gives them a whole article and calls them the most common failures, and community reports
cluster there. A real fleet's distribution comes from its own job history.
"""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from loaders.jobs.schema import JOB_COLUMNS, UNKNOWN_CATEGORY

SOURCE = "sample"
BACKUP_MANAGEMENT_TYPE = "AzureIaasVM"

# ---------------------------------------------------------------------------------------------------------
# Assumptions about the estate (documented, tunable; none comes from published statistics)
# ---------------------------------------------------------------------------------------------------------

# (region, short code, share of VMs, UTC offset of the business hours of the teams working there)
REGIONS: tuple[tuple[str, str, float, int], ...] = (
    ("westeurope", "weu", 0.26, 1),
    ("northeurope", "neu", 0.12, 0),
    ("eastus", "eus", 0.20, -5),
    ("eastus2", "eus2", 0.10, -5),
    ("westus2", "wus2", 0.10, -8),
    ("uksouth", "uks", 0.10, 0),
    ("southeastasia", "sea", 0.12, 8),
)

# (environment label used in names, share of VMs, how many regions the subscription spans (None = all))
SUBSCRIPTION_PROFILES: tuple[tuple[str, float, int | None], ...] = (
    ("prod", 0.34, None),
    ("prod", 0.18, 4),
    ("stg", 0.14, 3),
    ("dev", 0.14, 2),
    ("shared", 0.08, None),
    ("test", 0.12, 2),
)
MIN_SUBSCRIPTIONS, MAX_SUBSCRIPTIONS = 4, 6

# (workload name, OS, weight, median data disk size in GB). Shared-services subscriptions host only the
# infrastructure workloads.
WORKLOADS: tuple[tuple[str, str, float, float], ...] = (
    ("web", "Linux", 12, 128),
    ("api", "Linux", 10, 128),
    ("app", "Windows", 9, 256),
    ("iis", "Windows", 5, 128),
    ("sql", "Windows", 8, 1024),
    ("pg", "Linux", 4, 512),
    ("mongo", "Linux", 2, 1024),
    ("k8s", "Linux", 9, 256),
    ("build", "Linux", 4, 256),
    ("rds", "Windows", 4, 256),
    ("etl", "Linux", 4, 512),
    ("sap", "Linux", 3, 512),
    ("hana", "Linux", 1, 4096),
    ("file", "Windows", 3, 2048),
    ("dc", "Windows", 2, 128),
    ("jump", "Windows", 2, 128),
)
SHARED_WORKLOADS = ("file", "dc", "jump", "build")
VMS_PER_VAULT = 500  # a vault is split in two past this many VMs (Azure allows 2000 per vault; teams split earlier)

# Policy start times (minutes after midnight UTC) and their shares; the rest is spread over the day.
POLICY_TIMES: tuple[tuple[int, float], ...] = ((22 * 60, 0.30), (23 * 60 + 30, 0.25), (2 * 60, 0.20), (20 * 60, 0.07), (4 * 60, 0.06))
POLICIES_PER_VAULT = 3
# Azure starts a scheduled backup within two hours of the policy time; most start in the first minutes.
START_JITTER_MEAN_S, START_JITTER_MAX_S = 15 * 60, 110 * 60

# Durations: a snapshot phase plus a transfer phase growing with the data size.
SNAPSHOT_MINUTES = 6.0
TRANSFER_MINUTES_PER_TB = 35.0
MAX_BACKUP_HOURS = 10.0
# A few backups crawl (throttled transfer, a full backup after a policy change) and run well into the next day.
SLOW_BACKUP_SHARE = 0.012
SLOW_BACKUP_HOURS = (3.0, 22.0)

# Rates per scheduled backup / per VM-day.
BASELINE_FAILURE_RATE = 0.012  # independent one-off failures of a scheduled backup
UNKNOWN_SHARE_OF_FAILURES = 0.04  # of those, errors no guide covers (kept with their raw message)
WARNING_RATE = 0.02  # CompletedWithWarnings
CANCEL_RATE = 0.002
ON_DEMAND_RATE = 0.01  # on-demand backups per VM and working day
RESTORE_RATE = 0.0015  # restores per VM and working day
RECONFIGURE_RATE = 0.0005  # configure-backup jobs (policy changes) per VM and working day
WEEKEND_FACTOR = 0.3  # people trigger fewer jobs on weekends
RESTORE_FAILURE_RATE = 0.06
CONFIGURE_FAILURE_RATE = 0.03
ONBOARDED_SHARE = 0.03  # VMs protected during the period (a ConfigureBackup job, then daily backups)
DELETED_SHARE = 0.004  # VMs deleted without stopping protection: their backups fail every day from then on
STREAK_VM_SHARE = 0.03  # VMs with a problem that makes every backup fail until someone fixes it
SECOND_STREAK_SHARE = 0.15  # of those, VMs that get a second such problem
STREAK_MIN_DAYS, STREAK_MEAN_EXTRA_DAYS, STREAK_MAX_DAYS = 2, 4.0, 21
FIX_CHECK_SHARE = 0.6  # after a fix, someone runs an on-demand backup to check it
INCIDENT_FAILURE_RATE = 0.55  # share of the region's scheduled backups failing on the incident day

# Baseline failures by catalog category. Within a category every applicable code has weight 1 unless named in
# CODE_WEIGHTS. Categories missing from the catalog drop out and the rest is renormalised.
CATEGORY_WEIGHTS: Mapping[str, float] = {
    "agent": 0.28, "extension": 0.20, "snapshot": 0.15, "vss": 0.10, "network": 0.08, "platform": 0.07,
    "disk": 0.04, "quota": 0.03, "permissions": 0.03, "encryption": 0.02,
}
CODE_WEIGHTS: Mapping[str, float] = {
    "UserErrorGuestAgentStatusUnavailable": 4.0,
    "GuestAgentSnapshotTaskStatusError": 3.0,
    "ExtensionOperationFailedForManagedDisks": 2.0,
    "BackUpOperationFailedV2": 2.0,
    "ExtensionFailedVssWriterInBadState": 2.0,
    "UserErrorFsFreezeFailed": 2.0,
}
# Problems that persist until fixed (streaks) are configuration and VM-health problems, not transient ones.
STREAK_CATEGORY_WEIGHTS: Mapping[str, float] = {
    "agent": 0.35, "extension": 0.20, "vss": 0.15, "permissions": 0.08, "quota": 0.07, "encryption": 0.05,
    "disk": 0.05, "snapshot": 0.05,
}
# The regional incident: the VMs of one region lose connectivity to the backup service for a day.
INCIDENT_CATEGORY_WEIGHTS: Mapping[str, float] = {"network": 0.7, "extension": 0.3}
INCIDENT_CODES = ("ExtensionSnapshotFailedNoNetwork", "UserErrorGuestAgentStatusUnavailable")
DELETED_VM_CODES = ("ResourceNotFound", "BCMV2VMNotFound")
# Errors no guide covers: (code name or None, integer code or None, raw English message).
UNKNOWN_ERRORS: tuple[tuple[str | None, int | None, str], ...] = (
    ("UserErrorDiskSnapshotThrottled", None, "Snapshot creation was throttled by the storage platform. Retry the backup later."),
    (None, 130002, "The operation failed because of an internal service error. Quote the activity ID when contacting support."),
    ("BMSUserErrorContainerObjectNotFound", 390023, "The protected item was not found in its container. It may have been removed while the job was queued."),
)
UNKNOWN_ERROR_WEIGHTS = (0.5, 0.3, 0.2)

CHUNK_VMS = 2000  # VMs generated per block; bounds memory for big fleets


# ---------------------------------------------------------------------------------------------------------
# Catalog interface (loaders.guidance.catalog) — only the attributes the sample needs
# ---------------------------------------------------------------------------------------------------------
class _Entry(Protocol):
    code: str
    message: str
    article: str
    error_id: str
    operations: Sequence[str]
    category: str
    numeric: Sequence[int]


class _Catalog(Protocol):
    entries: Mapping[str, _Entry]


@dataclass(frozen=True)
class ErrorKind:
    """One error as a failed sample job carries it."""

    code: str | None
    code_int: int | None
    message: str | None
    guide_article: str | None
    guide_error_id: str | None
    category: str


@dataclass(frozen=True)
class ErrorPalette:
    """Every error the sample can emit, with the weights to draw them per situation."""

    kinds: tuple[ErrorKind, ...]
    backup: np.ndarray  # weights over kinds for one-off backup failures
    restore: np.ndarray
    configure: np.ndarray
    streak: np.ndarray
    incident: np.ndarray
    deleted: np.ndarray
    unknown: np.ndarray


def _phase(operations: Sequence[str]) -> set[str]:
    """The job phases an entry's operations belong to: backup, restore (any kind) or configure."""
    phases = set()
    for operation in operations or ():
        name = operation.lower().replace(" ", "").replace("-", "").replace("_", "")
        phases.add("restore" if "restore" in name else "configure" if name.startswith("configure") else
                   "backup" if name.startswith("backup") else name)
    return phases or {"backup"}


def build_palette(catalog: _Catalog) -> ErrorPalette:
    """The sample's errors: every catalog entry (in code order, so the catalog's file order does not
    matter) and the unknown codes the catalog does not know."""
    entries = sorted(catalog.entries.values(), key=lambda e: e.code)
    if not entries:
        raise ValueError("the error catalog is empty: the sample needs its codes")
    kinds = [
        ErrorKind(e.code, (list(e.numeric)[0] if e.numeric else None), e.message or None, e.article or None, e.error_id or None, e.category or UNKNOWN_CATEGORY)
        for e in entries
    ]
    known = {e.code.lower() for e in entries}
    unknown_start = len(kinds)
    unknown_weights = []
    for (code, code_int, message), weight in zip(UNKNOWN_ERRORS, UNKNOWN_ERROR_WEIGHTS):
        if code is not None and code.lower() in known:
            continue  # the catalog learned it: no longer an unknown code
        kinds.append(ErrorKind(code, code_int, message, None, None, UNKNOWN_CATEGORY))
        unknown_weights.append(weight)
    phases = [_phase(e.operations) for e in entries]

    def by_category(category_weights: Mapping[str, float], phase: str) -> np.ndarray:
        w = np.zeros(len(kinds))
        cats: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            if phase in phases[i] and e.category in category_weights:
                cats.setdefault(e.category, []).append(i)
        for cat, idx in cats.items():
            code_w = np.array([CODE_WEIGHTS.get(entries[i].code, 1.0) for i in idx])
            w[idx] = category_weights[cat] * code_w / code_w.sum()
        return w

    def by_phase(phase: str) -> np.ndarray:
        w = np.array([1.0 if phase in phases[i] else 0.0 for i in range(len(entries))] + [0.0] * (len(kinds) - unknown_start))
        return w

    def by_codes(codes: tuple[str, ...]) -> np.ndarray:
        w = np.array([1.0 if k.code in codes and i < unknown_start else 0.0 for i, k in enumerate(kinds)])
        return w

    def normalised(*candidates: np.ndarray) -> np.ndarray:
        for w in candidates:  # first non-empty candidate wins
            if w.sum() > 0:
                return w / w.sum()
        return np.full(len(kinds), 1.0 / len(kinds))

    backup = normalised(by_category(CATEGORY_WEIGHTS, "backup"), by_phase("backup"))
    unknown = np.zeros(len(kinds))
    unknown[unknown_start:] = unknown_weights
    incident_codes = by_codes(INCIDENT_CODES)
    incident = normalised(
        by_category(INCIDENT_CATEGORY_WEIGHTS, "backup") + incident_codes / max(incident_codes.sum(), 1) * 0.5, backup
    )
    return ErrorPalette(
        kinds=tuple(kinds),
        backup=backup,
        restore=normalised(by_phase("restore"), backup),
        configure=normalised(by_phase("configure"), backup),
        streak=normalised(by_category(STREAK_CATEGORY_WEIGHTS, "backup"), backup),
        incident=incident,
        deleted=normalised(by_codes(DELETED_VM_CODES), by_category({"platform": 1.0}, "backup"), backup),
        unknown=normalised(unknown, backup),
    )


# ---------------------------------------------------------------------------------------------------------
# Fleet layout: subscriptions, vaults, VMs and their fates
# ---------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Vault:
    vault_id: str
    name: str
    resource_group: str
    subscription_id: str
    region: str


@dataclass(frozen=True)
class FleetLayout:
    subscription_ids: tuple[str, ...]
    vaults: tuple[Vault, ...]
    vm_id: pa.Array
    vm_name: pa.Array
    os_type: pa.Array
    vm_vault: np.ndarray  # index into vaults
    vm_region: np.ndarray  # index into REGIONS
    disk_gb: np.ndarray
    policy_minutes: np.ndarray
    first_day: np.ndarray  # day index the VM starts being backed up (0 = before the period)
    deleted_day: np.ndarray  # day index from which the VM no longer exists, or -1
    streaks: np.ndarray  # rows of (vm, first day, days, error kind)
    incident_region: int
    incident_day: int


def _guid_strings(raw: np.ndarray) -> pa.Array:
    """Version-4 GUID strings from 16 bytes per row, built without a Python loop per row."""
    n = len(raw)
    raw = raw.copy()
    raw[:, 6] = (raw[:, 6] & 0x0F) | 0x40
    raw[:, 8] = (raw[:, 8] & 0x3F) | 0x80
    digits = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)
    hexed = np.empty((n, 32), dtype=np.uint8)
    hexed[:, 0::2] = digits[raw >> 4]
    hexed[:, 1::2] = digits[raw & 0x0F]
    text = np.full((n, 36), ord("-"), dtype=np.uint8)
    for (a, b), (c, d) in zip(((0, 8), (9, 13), (14, 18), (19, 23), (24, 36)), ((0, 8), (8, 12), (12, 16), (16, 20), (20, 32))):
        text[:, a:b] = hexed[:, c:d]
    offsets = np.arange(0, 36 * (n + 1), 36, dtype=np.int32)
    return pa.Array.from_buffers(pa.string(), n, [None, pa.py_buffer(offsets), pa.py_buffer(text.tobytes())])


def _guids(rng: np.random.Generator, n: int) -> pa.Array:
    return _guid_strings(rng.integers(0, 256, size=(n, 16), dtype=np.uint8))


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: a fast, well-spread 64-bit hash of 64-bit keys."""
    x = x + np.uint64(0x9E3779B97F4A7C15)
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _job_guids(seed: int, vm: np.ndarray, date: np.ndarray, slot: np.ndarray) -> pa.Array:
    """The id of a job from what identifies it: the seed, the VM, the date and the kind of job (there is at
    most one of each kind per VM and day). Generating the sample again later therefore updates the jobs it
    already wrote instead of adding copies."""
    key = (vm.astype(np.uint64) * np.uint64(1 << 22) + date.astype(np.uint64)) * np.uint64(16) + slot.astype(np.uint64)
    salt = _mix(np.array([seed], dtype=np.uint64))
    high = _mix(key ^ salt)
    low = _mix(key ^ _mix(salt))
    return _guid_strings(np.stack([high, low], axis=1).view(np.uint8).reshape(len(key), 16))


def _choice(rng: np.random.Generator, weights: np.ndarray | list[float], size: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    cdf = np.cumsum(w / w.sum())
    return np.minimum(np.searchsorted(cdf, rng.random(size), side="right"), len(w) - 1)


def build_layout(vms: int, days: int, seed: int, palette: ErrorPalette) -> FleetLayout:
    rng = np.random.default_rng([seed, 0])
    n_subs = int(rng.integers(MIN_SUBSCRIPTIONS, MAX_SUBSCRIPTIONS + 1))
    profiles = SUBSCRIPTION_PROFILES[:n_subs]
    sub_ids = _guids(rng, n_subs).to_pylist()
    n_regions = len(REGIONS)
    region_share = np.array([r[2] for r in REGIONS])
    # Which regions each subscription spans (the biggest regions first, then a seeded pick).
    sub_regions: list[np.ndarray] = []
    for _, _, span in profiles:
        if span is None or span >= n_regions:
            sub_regions.append(np.arange(n_regions))
        else:
            sub_regions.append(np.sort(rng.choice(n_regions, size=span, replace=False, p=region_share)))

    vm_sub = _choice(rng, [p[1] for p in profiles], vms)
    vm_region = np.empty(vms, dtype=np.int64)
    for s in range(n_subs):
        members = np.nonzero(vm_sub == s)[0]
        regions = sub_regions[s]
        vm_region[members] = regions[_choice(rng, region_share[regions], len(members))]

    workload_names = [w[0] for w in WORKLOADS]
    general = np.array([w[2] for w in WORKLOADS])
    shared = np.array([w[2] if w[0] in SHARED_WORKLOADS else 0.0 for w in WORKLOADS])
    vm_workload = np.where(
        np.array([profiles[s][0] == "shared" for s in range(n_subs)])[vm_sub],
        _choice(rng, shared, vms),
        _choice(rng, general, vms),
    )
    median_gb = np.array([w[3] for w in WORKLOADS])[vm_workload]
    disk_gb = np.clip(median_gb * rng.lognormal(0.0, 0.6, vms), 32, 16384).round()

    # Vaults: one per (subscription, region), split past VMS_PER_VAULT VMs; VMs assigned round-robin.
    vaults: list[Vault] = []
    vm_vault = np.empty(vms, dtype=np.int64)
    vault_policies: list[np.ndarray] = []
    policy_shares = [p[1] for p in POLICY_TIMES]
    spread = 1.0 - sum(policy_shares)
    for s in range(n_subs):
        env = profiles[s][0]
        for r in range(n_regions):
            members = np.nonzero((vm_sub == s) & (vm_region == r))[0]
            if len(members) == 0:
                continue
            parts = -(-len(members) // VMS_PER_VAULT)
            region, code = REGIONS[r][0], REGIONS[r][1]
            rg = f"rg-backup-{env}-{code}"
            for k in range(parts):
                name = f"rsv-{env}-{code}-{k + 1:02d}"
                if env == "prod" and s > 0 and profiles[0][0] == "prod":
                    name = f"rsv-{env}{s + 1}-{code}-{k + 1:02d}"
                    rg = f"rg-backup-{env}{s + 1}-{code}"
                vault_id = f"/subscriptions/{sub_ids[s]}/resourcegroups/{rg}/providers/microsoft.recoveryservices/vaults/{name}"
                vm_vault[members[k::parts]] = len(vaults)
                vaults.append(Vault(vault_id, name, rg, sub_ids[s], region))
                times = np.array([t for t, _ in POLICY_TIMES] + [-1])[_choice(rng, policy_shares + [spread], POLICIES_PER_VAULT)]
                anytime = rng.integers(0, 48, POLICIES_PER_VAULT) * 30
                vault_policies.append(np.where(times < 0, anytime, times))
    policy_pick = rng.integers(0, POLICIES_PER_VAULT, vms)
    policy_minutes = np.array([vault_policies[v][p] for v, p in zip(vm_vault, policy_pick)], dtype=np.int64)

    # Names: <workload>-<environment>-<nn>, numbered per workload and environment across the estate.
    envs = [profiles[s][0] for s in vm_sub]
    counters: dict[tuple[int, str], int] = {}
    names = []
    vm_ids = []
    os_types = []
    for i in range(vms):
        key = (int(vm_workload[i]), envs[i])
        counters[key] = counters.get(key, 0) + 1
        workload = workload_names[key[0]]
        name = f"{workload}-{key[1]}-{counters[key]:02d}"
        names.append(name)
        vm_rg = f"rg-{workload}-{key[1]}-{REGIONS[vm_region[i]][1]}"
        vm_ids.append(f"/subscriptions/{sub_ids[vm_sub[i]]}/resourcegroups/{vm_rg}/providers/microsoft.compute/virtualmachines/{name}")
        os_types.append(WORKLOADS[key[0]][1])

    # Fates: onboarded during the period, deleted without stopping protection, failure streaks.
    first_day = np.zeros(vms, dtype=np.int64)
    deleted_day = np.full(vms, -1, dtype=np.int64)
    if days >= 4:
        onboarded = rng.random(vms) < ONBOARDED_SHARE
        first_day[onboarded] = rng.integers(1, days - 2, onboarded.sum())
        deleted = (rng.random(vms) < DELETED_SHARE) & ~onboarded
        deleted_day[deleted] = rng.integers(days // 4, days - 2, deleted.sum())
    streak_vm = np.nonzero(rng.random(vms) < STREAK_VM_SHARE)[0]
    second = streak_vm[rng.random(len(streak_vm)) < SECOND_STREAK_SHARE]
    episode_vm = np.concatenate([streak_vm, second])
    n_eps = len(episode_vm)
    lengths = np.minimum(STREAK_MIN_DAYS + rng.geometric(1.0 / (1.0 + STREAK_MEAN_EXTRA_DAYS), n_eps) - 1, STREAK_MAX_DAYS)
    starts = rng.integers(0, max(days, 1), n_eps)
    kinds = _choice(rng, palette.streak, n_eps)
    streaks = np.stack([episode_vm, starts, lengths, kinds], axis=1).astype(np.int64) if n_eps else np.zeros((0, 4), dtype=np.int64)

    present_regions = np.unique(vm_region)
    incident_region = int(present_regions[rng.integers(0, len(present_regions))])
    incident_day = int(days // 2 + rng.integers(-(days // 6), days // 6 + 1)) if days > 1 else 0

    return FleetLayout(
        subscription_ids=tuple(sub_ids),
        vaults=tuple(vaults),
        vm_id=pa.array(vm_ids, pa.string()),
        vm_name=pa.array(names, pa.string()),
        os_type=pa.array(os_types, pa.string()),
        vm_vault=vm_vault,
        vm_region=vm_region,
        disk_gb=disk_gb,
        policy_minutes=policy_minutes,
        first_day=first_day,
        deleted_day=deleted_day,
        streaks=streaks,
        incident_region=incident_region,
        incident_day=incident_day,
    )


# ---------------------------------------------------------------------------------------------------------
# Jobs
# ---------------------------------------------------------------------------------------------------------
STATUS_NAMES = ("Completed", "CompletedWithWarnings", "Failed", "Cancelled", "InProgress")
# A VM has at most one job of each kind a day; the kind is part of the job's id.
SLOTS = {"scheduled": 0, "on-demand": 1, "restore": 2, "reconfigure": 3, "onboarding": 4, "fix-check": 5}
COMPLETED, WARNINGS, FAILED, CANCELLED, IN_PROGRESS = range(5)
OPERATION_NAMES = ("Backup", "Restore", "ConfigureBackup")
BACKUP, RESTORE, CONFIGURE = range(3)
NO_ERROR = -1


@dataclass
class _Jobs:
    """Jobs of one block of VMs as parallel arrays; times in seconds after midnight of the first day."""

    vm: np.ndarray  # index into the block
    day: np.ndarray  # day index the job belongs to (a late scheduled backup may start after midnight)
    slot: np.ndarray  # which of the VM's jobs of that day (see SLOTS)
    operation: np.ndarray
    scheduled: np.ndarray
    start: np.ndarray
    duration: np.ndarray
    status: np.ndarray
    error: np.ndarray  # index into the palette, or NO_ERROR

    def select(self, mask: np.ndarray) -> _Jobs:
        return _Jobs(*(getattr(self, f)[mask] for f in _JOB_FIELDS))

    @staticmethod
    def concat(parts: list[_Jobs]) -> _Jobs:
        return _Jobs(*(np.concatenate([getattr(p, f) for p in parts]) for f in _JOB_FIELDS))


_JOB_FIELDS = tuple(_Jobs.__dataclass_fields__)


def _outcomes(rng: np.random.Generator, n: int, failure_rate: float, weights: np.ndarray, palette: ErrorPalette) -> tuple[np.ndarray, np.ndarray]:
    """Status and error of jobs meeting no known problem: mostly fine, a few one-off failures."""
    u = rng.random(n)
    status = np.full(n, COMPLETED, dtype=np.int8)
    error = np.full(n, NO_ERROR, dtype=np.int16)
    failed = u < failure_rate
    status[failed] = FAILED
    warned = failure_rate + WARNING_RATE
    status[(u >= failure_rate) & (u < warned)] = WARNINGS
    status[(u >= warned) & (u < warned + CANCEL_RATE)] = CANCELLED
    unknown = failed & (rng.random(n) < UNKNOWN_SHARE_OF_FAILURES)
    error[failed & ~unknown] = _choice(rng, weights, int((failed & ~unknown).sum()))
    error[unknown] = _choice(rng, palette.unknown, int(unknown.sum()))
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
    duration = np.where(status == FAILED, np.minimum(duration, failed), duration)
    duration = np.where(status == CANCELLED, duration * rng.uniform(0.05, 0.9, n), duration)
    return np.maximum(np.round(duration), 1.0)


def _apply_problem(status: np.ndarray, error: np.ndarray, problem: np.ndarray) -> None:
    has = problem != NO_ERROR
    status[has] = FAILED
    error[has] = problem[has]


def _people_jobs(rng: np.random.Generator, layout: FleetLayout, palette: ErrorPalette, block: np.ndarray,
                 r: np.ndarray, c: np.ndarray, operation: int, problem: np.ndarray, slot: str) -> _Jobs:
    """Jobs someone triggers during the business hours of the VM's region (row r of the block, day c)."""
    m = len(r)
    utc_offset = np.array([reg[3] for reg in REGIONS])[layout.vm_region[block][r]]
    start = c * 86400.0 + np.floor(rng.uniform(8 * 3600, 18 * 3600, m) - utc_offset * 3600.0)
    disk = layout.disk_gb[block][r]
    if operation == BACKUP:
        status, error = _outcomes(rng, m, BASELINE_FAILURE_RATE, palette.backup, palette)
        _apply_problem(status, error, problem[r, c])  # an on-demand backup meets the same problem
        duration = _backup_seconds(rng, disk)
    elif operation == RESTORE:
        status, error = _outcomes(rng, m, RESTORE_FAILURE_RATE, palette.restore, palette)
        duration = _restore_seconds(rng, disk)
    else:
        status, error = _outcomes(rng, m, CONFIGURE_FAILURE_RATE, palette.configure, palette)
        status[status == WARNINGS] = COMPLETED
        duration = rng.uniform(30.0, 180.0, m)
    duration = _settle_durations(rng, status, duration)
    return _Jobs(r, c, np.full(m, SLOTS[slot], np.int8), np.full(m, operation, np.int8), np.zeros(m, bool), start,
                 duration, status, error)


def _block_jobs(layout: FleetLayout, palette: ErrorPalette, block: np.ndarray, days: int, first_weekday: int,
                now_s: float, rng: np.random.Generator) -> _Jobs:
    n = len(block)
    day = np.arange(days)
    first = layout.first_day[block]
    deleted = layout.deleted_day[block]

    # The known problem of each VM-day: a streak episode, or the VM is gone.
    problem = np.full((n, days), NO_ERROR, dtype=np.int16)
    row_of = {int(v): i for i, v in enumerate(block)}
    block_streaks = [s for s in layout.streaks if int(s[0]) in row_of]
    for vm, start, length, kind in block_streaks:
        problem[row_of[int(vm)], start:start + length] = kind
    gone = (deleted[:, None] >= 0) & (day[None, :] >= deleted[:, None])
    deleted_kind = _choice(rng, palette.deleted, n).astype(np.int16)
    problem = np.where(gone, deleted_kind[:, None], problem)

    # Scheduled backups: one per VM and day at its policy time, from the day after onboarding.
    r, c = np.nonzero(day[None, :] >= np.where(first > 0, first + 1, 0)[:, None])
    m = len(r)
    jitter = np.floor(np.minimum(rng.exponential(START_JITTER_MEAN_S, m), START_JITTER_MAX_S))
    start = c * 86400.0 + layout.policy_minutes[block][r] * 60.0 + jitter
    status, error = _outcomes(rng, m, BASELINE_FAILURE_RATE, palette.backup, palette)
    hit = (layout.vm_region[block][r] == layout.incident_region) & (c == layout.incident_day)
    hit &= rng.random(m) < INCIDENT_FAILURE_RATE
    status[hit] = FAILED
    error[hit] = _choice(rng, palette.incident, int(hit.sum()))
    _apply_problem(status, error, problem[r, c])
    duration = _settle_durations(rng, status, _backup_seconds(rng, layout.disk_gb[block][r]))
    parts = [_Jobs(r, c, np.full(m, SLOTS["scheduled"], np.int8), np.full(m, BACKUP, np.int8), np.ones(m, bool), start,
                   duration, status, error)]

    # Jobs people trigger: fewer on weekends, never on a deleted VM, never before onboarding.
    weekend = (first_weekday + day) % 7 >= 5
    rate_factor = np.where(weekend, WEEKEND_FACTOR, 1.0)[None, :]
    alive = ~gone & (day[None, :] >= first[:, None])
    for operation, rate, slot in ((BACKUP, ON_DEMAND_RATE, "on-demand"), (RESTORE, RESTORE_RATE, "restore"),
                                  (CONFIGURE, RECONFIGURE_RATE, "reconfigure")):
        r, c = np.nonzero(alive & (rng.random((n, days)) < rate * rate_factor))
        parts.append(_people_jobs(rng, layout, palette, block, r, c, operation, problem, slot))
    onboarded = np.nonzero(first > 0)[0]
    parts.append(_people_jobs(rng, layout, palette, block, onboarded, first[onboarded], CONFIGURE, problem, "onboarding"))
    # After a streak is fixed, someone often checks the fix with an on-demand backup the next day.
    ends = np.array([(row_of[int(vm)], start + length) for vm, start, length, _ in block_streaks], dtype=np.int64).reshape(-1, 2)
    ends = ends[ends[:, 1] < days]
    if len(ends):
        ends = ends[(rng.random(len(ends)) < FIX_CHECK_SHARE) & (problem[ends[:, 0], ends[:, 1]] == NO_ERROR)]
        parts.append(_people_jobs(rng, layout, palette, block, ends[:, 0], ends[:, 1], BACKUP, problem, "fix-check"))
    jobs = _Jobs.concat(parts)

    # What `now` sees: nothing that has not started yet, and no outcome for jobs still running.
    jobs = jobs.select(jobs.start < now_s)
    running = jobs.start + jobs.duration > now_s
    jobs.status[running] = IN_PROGRESS
    jobs.error[running] = NO_ERROR
    return jobs.select(np.argsort(jobs.start, kind="stable"))


# ---------------------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------------------
def _take(values: pa.Array, index: np.ndarray) -> pa.Array:
    return values.take(pa.array(index))


def _take_nullable(values: list[Any], index: np.ndarray, type_: pa.DataType) -> pa.Array:
    dictionary = pa.array(values, type_)
    return dictionary.take(pa.array(index, mask=index < 0))


def _timestamps(day0_us: int, seconds: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    micros = day0_us + (seconds * 1_000_000).astype(np.int64)
    return pa.array(micros, pa.timestamp("us"), mask=mask)


def _block_table(layout: FleetLayout, palette: ErrorPalette, block: np.ndarray, jobs: _Jobs, day0: dt.datetime,
                 seed: int) -> pa.Table:
    vm = block[jobs.vm]
    vault = layout.vm_vault[vm]
    day0_us = int((day0 - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000
    running = jobs.status == IN_PROGRESS
    kinds = palette.kinds
    error = jobs.error.astype(np.int64)
    n = len(vm)

    def vault_field(name: str) -> pa.Array:
        return _take(pa.array([getattr(v, name) for v in layout.vaults], pa.string()), vault)

    columns: dict[str, pa.Array] = {
        "vault_id": vault_field("vault_id"),
        "job_id": _job_guids(seed, vm, day0.toordinal() + jobs.day, jobs.slot),
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
        "source": pa.array(np.full(n, SOURCE, dtype=object), pa.string()),
        "ingest_time": pa.nulls(n, pa.timestamp("us")),  # the store stamps the time of ingest
    }
    return pa.table([columns[c] for c in JOB_COLUMNS], names=list(JOB_COLUMNS))


def default_now() -> dt.datetime:
    """The current hour in naive UTC: the sample's `now` when none is given."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, minute=0, second=0, microsecond=0)


def _load_default_catalog() -> _Catalog:
    from loaders.guidance.catalog import load_catalog

    return load_catalog()


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
        return REGIONS[self.layout.incident_region][0]

    @property
    def incident_day(self) -> dt.date:
        return (self.day0 + dt.timedelta(days=self.layout.incident_day)).date()


def plan_sample(vms: int = 2000, days: int = 90, seed: int = 7, now: dt.datetime | None = None,
                catalog: _Catalog | None = None) -> SamplePlan:
    if vms < 1 or days < 1:
        raise ValueError(f"the sample needs at least one VM and one day (got vms={vms}, days={days})")
    if now is None:
        now = default_now()
    elif now.tzinfo is not None:
        now = now.astimezone(dt.UTC).replace(tzinfo=None)
    palette = build_palette(catalog if catalog is not None else _load_default_catalog())
    day0 = dt.datetime.combine(now.date() - dt.timedelta(days=days - 1), dt.time())
    return SamplePlan(vms, days, seed, now, day0, build_layout(vms, days, seed, palette), palette)


def sample_batches(plan: SamplePlan) -> Iterator[pa.Table]:
    """The sample's jobs, one table per block of CHUNK_VMS VMs, each sorted by start time."""
    now_s = (plan.now - plan.day0).total_seconds()
    first_weekday = plan.day0.weekday()
    for b in range(plan.blocks):
        block = np.arange(b * CHUNK_VMS, min((b + 1) * CHUNK_VMS, plan.vms))
        rng = np.random.default_rng([plan.seed, 1, b])
        jobs = _block_jobs(plan.layout, plan.palette, block, plan.days, first_weekday, now_s, rng)
        yield _block_table(plan.layout, plan.palette, block, jobs, plan.day0, plan.seed)


def sample_table(vms: int = 2000, days: int = 90, seed: int = 7, now: dt.datetime | None = None,
                 catalog: _Catalog | None = None) -> pa.Table:
    """The whole sample as one table (for tests and baselines; `generate_sample` streams instead)."""
    return pa.concat_tables(sample_batches(plan_sample(vms, days, seed, now, catalog)))


# ---------------------------------------------------------------------------------------------------------
# Into the store, and the CLI
# ---------------------------------------------------------------------------------------------------------
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
    inserted: int | None = None
    updated: int | None = None


Progress = Callable[[int, int], None]  # (VMs done, VMs in total)


def generate_sample(store: Any, vms: int = 2000, days: int = 90, seed: int = 7, now: dt.datetime | None = None,
                    progress: Progress | None = None, catalog: _Catalog | None = None) -> SampleReport:
    """Generate the sample fleet and upsert it into `store` (source "sample"), block by block."""
    began = time.perf_counter()
    plan = plan_sample(vms, days, seed, now, catalog)
    total = inserted = updated = 0
    counted = True
    if progress:
        progress(0, vms)
    for b, table in enumerate(sample_batches(plan)):
        result = store.upsert_jobs(table, source=SOURCE)
        # Write each block through to the file: left to the end, the checkpoint of millions of rows needs
        # gigabytes of memory.
        store.connection.execute("CHECKPOINT")
        total += table.num_rows
        ins, upd = getattr(result, "inserted", None), getattr(result, "updated", None)
        if isinstance(ins, int) and isinstance(upd, int):
            inserted, updated = inserted + ins, updated + upd
        else:
            counted = False
        if progress:
            progress(min((b + 1) * CHUNK_VMS, vms), vms)
    layout = plan.layout
    return SampleReport(
        vms=vms, days=days, seed=seed, now=plan.now, jobs=total,
        subscriptions=len(layout.subscription_ids), vaults=len(layout.vaults),
        regions=tuple(sorted({v.region for v in layout.vaults})),
        incident_region=plan.incident_region, incident_day=plan.incident_day,
        streak_vms=len(np.unique(layout.streaks[:, 0])), seconds=time.perf_counter() - began,
        inserted=inserted if counted else None, updated=updated if counted else None,
    )


def _stderr_progress(done: int, total: int) -> None:
    width = 30
    filled = width * done // max(total, 1)
    sys.stderr.write(f"\rgenerating sample fleet [{'#' * filled}{'.' * (width - filled)}] {done}/{total} VMs")
    if done >= total:
        sys.stderr.write("\n")
    sys.stderr.flush()


def _parse_now(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value


def run_sample_command(args: argparse.Namespace) -> int:
    from loaders.jobs.store import StoreError, open_store

    if args.vms < 1 or args.days < 1:
        print(f"error: the sample needs at least one VM and one day (got --vms {args.vms} --days {args.days})",
              file=sys.stderr)
        return 2
    try:
        store = open_store(args.db)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    try:
        report = generate_sample(store, vms=args.vms, days=args.days, seed=args.seed, now=args.now,
                                 progress=None if args.quiet else _stderr_progress)
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    counts = "" if report.inserted is None else f" ({report.inserted} inserted, {report.updated} updated)"
    print(
        f"sample fleet: {report.jobs} jobs{counts} for {report.vms} VMs over {report.days} days up to "
        f"{report.now:%Y-%m-%d %H:%M} UTC; {report.subscriptions} subscriptions, {report.vaults} vaults, "
        f"{len(report.regions)} regions; incident in {report.incident_region} on {report.incident_day}; "
        f"{report.seconds:.1f} s"
    )
    return 0


def register_sample_command(jobs_subparsers: Any) -> argparse.ArgumentParser:
    """Add `jobs sample` to the `jobs` sub-command parsers."""
    parser = jobs_subparsers.add_parser(
        "sample",
        help="generate the deterministic sample fleet into the store",
        description="Generate a realistic, deterministic sample fleet of VM backup jobs into the job store.",
    )
    parser.add_argument("--vms", type=int, default=2000, help="number of VMs (default 2000)")
    parser.add_argument("--days", type=int, default=90, help="days of history up to now (default 90)")
    parser.add_argument("--seed", type=int, default=7, help="random seed; the same seed gives the same fleet (default 7)")
    parser.add_argument("--now", type=_parse_now, default=None, help="end of the history, ISO 8601 UTC (default: the current hour)")
    from loaders.jobs.cli import add_db_argument  # the jobs commands share the --db option

    add_db_argument(parser)
    parser.add_argument("--quiet", action="store_true", help="no progress bar on stderr")
    parser.set_defaults(handler=run_sample_command)
    return parser
