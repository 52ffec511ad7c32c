"""A generated fleet for the stand-in: many vaults with many jobs, in the REST shape the service
lists, deterministic for a seed. Used where the hand-written fleet is too small (concurrency,
crash safety, the benchmark, the same fleet seen through three sources)."""
from __future__ import annotations

import datetime as dt
import random
import uuid
from typing import Any

from .server import MockAzure, MockVault

# Failures with the numeric code and English message the service lists, and the code name Log
# Analytics records for the same failure.
FAILURES = (
    (400094, "The virtual machine doesn't exist", "BCMV2VMNotFound"),
    (380008, "VM Agent unable to communicate with Azure Backup", "UserErrorGuestAgentStatusUnavailable"),
    (320001, "The resource was not found", "ResourceNotFound"),
)


def subscription_id(number: int) -> str:
    return str(uuid.UUID(int=0x5B0C0000_0000_4000_8000_000000000000 + number))


def add_generated_fleet(azure: MockAzure, *, subscriptions: int, vaults_per_subscription: int,
                        jobs_per_vault: int, end: dt.datetime, days: float = 10, seed: int = 1,
                        running_per_vault: int = 0) -> list[MockVault]:
    """Vaults `rsv-<s>-<v>` in resource group `rg-backup-<s>`, each with `jobs_per_vault` jobs spread
    over the `days` before `end` (naive UTC), one in ten failed; the last `running_per_vault` jobs
    of each vault are still running."""
    rng = random.Random(seed)
    vaults = []
    for s in range(subscriptions):
        for v in range(vaults_per_subscription):
            vault = azure.add_vault(subscription_id(s), f"rg-backup-{s}", f"rsv-{s}-{v}",
                                    ("westeurope", "northeurope", "eastus")[(s + v) % 3])
            for n in range(jobs_per_vault):
                running = n >= jobs_per_vault - running_per_vault
                vault.jobs.append(_job(vault, rng, n, end, days, running))
            vaults.append(vault)
    return vaults


def _job(vault: MockVault, rng: random.Random, n: int, end: dt.datetime, days: float, running: bool) -> dict[str, Any]:
    name = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    start = end - dt.timedelta(seconds=rng.uniform(600, days * 86400))
    if running:
        start = end - dt.timedelta(minutes=30 + n % 7)
    start = start.replace(microsecond=0)
    duration = min(rng.randint(120, 3600), max(60, int((end - start).total_seconds()) - 120))  # over by `end`
    vm = f"vm-{vault.name}-{n % 97:03d}"
    failed = rng.random() < 0.1
    props: dict[str, Any] = {
        "jobType": "AzureIaaSVMJob",
        "entityFriendlyName": vm,
        "containerName": f"iaasvmcontainerv2;rg-vms;{vm}",
        "backupManagementType": "AzureIaasVM",
        "operation": "Backup",
        "status": "InProgress" if running else ("Failed" if failed else "Completed"),
        "startTime": start.isoformat() + "Z",
        "isUserTriggered": False,
        "activityId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
    }
    if not running:
        props["endTime"] = (start + dt.timedelta(seconds=duration)).isoformat() + "Z"
        props["duration"] = f"PT{duration}S"
    if failed and not running:
        code, message, _name = FAILURES[n % len(FAILURES)]
        props["errorDetails"] = [{"errorCode": code, "errorString": message, "errorTitle": "", "recommendations": []}]
    return {"id": vault.job_id(name), "name": name, "type": "Microsoft.RecoveryServices/vaults/backupJobs",
            "properties": props}


def failure_code_name(job: dict[str, Any]) -> str | None:
    """The code name Log Analytics records for a listed failed job."""
    details = job["properties"].get("errorDetails") or []
    if not details:
        return None
    for number, _message, name in FAILURES:
        if details[0]["errorCode"] == number:
            return name
    return None
