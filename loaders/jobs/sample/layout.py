"""The fleet's layout before any job is drawn: subscriptions, vaults, VMs and their fates (onboarded
during the period, deleted without stopping protection, failure streaks, the regional incident)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from loaders.jobs.sample.assumptions import (
    DELETED_SHARE,
    MAX_SUBSCRIPTIONS,
    MIN_SUBSCRIPTIONS,
    ONBOARDED_SHARE,
    POLICIES_PER_VAULT,
    POLICY_TIMES,
    REGIONS,
    SECOND_STREAK_SHARE,
    SHARED_WORKLOADS,
    STREAK_MAX_DAYS,
    STREAK_MEAN_EXTRA_DAYS,
    STREAK_MIN_DAYS,
    STREAK_VM_SHARE,
    SUBSCRIPTION_PROFILES,
    VMS_PER_VAULT,
    WORKLOADS,
)
from loaders.jobs.sample.draw import choice, guids
from loaders.jobs.sample.palette import ErrorPalette


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


def build_layout(vms: int, days: int, seed: int, palette: ErrorPalette) -> FleetLayout:
    rng = np.random.default_rng([seed, 0])
    n_subs = int(rng.integers(MIN_SUBSCRIPTIONS, MAX_SUBSCRIPTIONS + 1))
    profiles = SUBSCRIPTION_PROFILES[:n_subs]
    sub_ids = guids(rng, n_subs).to_pylist()
    n_regions = len(REGIONS)
    region_share = np.array([r.share for r in REGIONS])
    # Which regions each subscription spans (the biggest regions first, then a seeded pick).
    sub_regions: list[np.ndarray] = []
    for profile in profiles:
        span = profile.regions
        if span is None or span >= n_regions:
            sub_regions.append(np.arange(n_regions))
        else:
            sub_regions.append(np.sort(rng.choice(n_regions, size=span, replace=False, p=region_share)))

    vm_sub = choice(rng, [p.share for p in profiles], vms)
    vm_region = np.empty(vms, dtype=np.int64)
    for s in range(n_subs):
        members = np.nonzero(vm_sub == s)[0]
        regions = sub_regions[s]
        vm_region[members] = regions[choice(rng, region_share[regions], len(members))]

    workload_names = [w.name for w in WORKLOADS]
    general = np.array([w.weight for w in WORKLOADS])
    shared = np.array([w.weight if w.name in SHARED_WORKLOADS else 0.0 for w in WORKLOADS])
    vm_workload = np.where(
        np.array([profiles[s].environment == "shared" for s in range(n_subs)])[vm_sub],
        choice(rng, shared, vms),
        choice(rng, general, vms),
    )
    median_gb = np.array([w.median_disk_gb for w in WORKLOADS])[vm_workload]
    disk_gb = np.clip(median_gb * rng.lognormal(0.0, 0.6, vms), 32, 16384).round()

    # Vaults: one per (subscription, region), split past VMS_PER_VAULT VMs; VMs assigned round-robin.
    vaults: list[Vault] = []
    vm_vault = np.empty(vms, dtype=np.int64)
    vault_policies: list[np.ndarray] = []
    policy_shares = [p.share for p in POLICY_TIMES]
    spread = 1.0 - sum(policy_shares)
    for s in range(n_subs):
        env = profiles[s].environment
        for r in range(n_regions):
            members = np.nonzero((vm_sub == s) & (vm_region == r))[0]
            if len(members) == 0:
                continue
            parts = -(-len(members) // VMS_PER_VAULT)
            region, code = REGIONS[r].name, REGIONS[r].code
            rg = f"rg-backup-{env}-{code}"
            for k in range(parts):
                name = f"rsv-{env}-{code}-{k + 1:02d}"
                if env == "prod" and s > 0 and profiles[0].environment == "prod":
                    name = f"rsv-{env}{s + 1}-{code}-{k + 1:02d}"
                    rg = f"rg-backup-{env}{s + 1}-{code}"
                vault_id = (f"/subscriptions/{sub_ids[s]}/resourcegroups/{rg}"
                            f"/providers/microsoft.recoveryservices/vaults/{name}")
                vm_vault[members[k::parts]] = len(vaults)
                vaults.append(Vault(vault_id, name, rg, sub_ids[s], region))
                picked = choice(rng, policy_shares + [spread], POLICIES_PER_VAULT)
                times = np.array([p.minutes for p in POLICY_TIMES] + [-1])[picked]
                anytime = rng.integers(0, 48, POLICIES_PER_VAULT) * 30
                vault_policies.append(np.where(times < 0, anytime, times))
    policy_pick = rng.integers(0, POLICIES_PER_VAULT, vms)
    policy_minutes = np.array([vault_policies[v][p] for v, p in zip(vm_vault, policy_pick, strict=False)],
                              dtype=np.int64)

    # Names: <workload>-<environment>-<nn>, numbered per workload and environment across the estate.
    envs = [profiles[s].environment for s in vm_sub]
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
        vm_rg = f"rg-{workload}-{key[1]}-{REGIONS[vm_region[i]].code}"
        vm_ids.append(f"/subscriptions/{sub_ids[vm_sub[i]]}/resourcegroups/{vm_rg}/providers/microsoft.compute/virtualmachines/{name}")
        os_types.append(WORKLOADS[key[0]].os_type)

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
    lengths = np.minimum(STREAK_MIN_DAYS + rng.geometric(1.0 / (1.0 + STREAK_MEAN_EXTRA_DAYS), n_eps) - 1,
                         STREAK_MAX_DAYS)
    starts = rng.integers(0, max(days, 1), n_eps)
    kinds = choice(rng, palette.streak, n_eps)
    if n_eps:
        streaks = np.stack([episode_vm, starts, lengths, kinds], axis=1).astype(np.int64)
    else:
        streaks = np.zeros((0, 4), dtype=np.int64)

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
