"""Assumptions about the estate the sample fleet draws: documented, tunable, none from published statistics.

Microsoft publishes no statistics of how often each backup error occurs. The weights lean towards agent,
extension and snapshot problems because the troubleshooting documentation gives them a whole article and
calls them the most common failures, and community reports cluster there. A real fleet's distribution
comes from its own job history.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import NamedTuple

SAMPLE_SOURCE = "sample"  # JobRow.source of every sample job
BACKUP_MANAGEMENT_TYPE = "AzureIaasVM"


class Region(NamedTuple):
    name: str
    code: str  # short form used in vault and resource group names
    share: float  # of the VMs
    utc_offset: int  # hours; when the teams working there trigger jobs by hand


REGIONS: tuple[Region, ...] = (
    Region("westeurope", "weu", 0.26, 1),
    Region("northeurope", "neu", 0.12, 0),
    Region("eastus", "eus", 0.20, -5),
    Region("eastus2", "eus2", 0.10, -5),
    Region("westus2", "wus2", 0.10, -8),
    Region("uksouth", "uks", 0.10, 0),
    Region("southeastasia", "sea", 0.12, 8),
)


class SubscriptionProfile(NamedTuple):
    environment: str  # label used in names
    share: float  # of the VMs
    regions: int | None  # how many regions the subscription spans (None = all)


SUBSCRIPTION_PROFILES: tuple[SubscriptionProfile, ...] = (
    SubscriptionProfile("prod", 0.34, None),
    SubscriptionProfile("prod", 0.18, 4),
    SubscriptionProfile("stg", 0.14, 3),
    SubscriptionProfile("dev", 0.14, 2),
    SubscriptionProfile("shared", 0.08, None),
    SubscriptionProfile("test", 0.12, 2),
)
MIN_SUBSCRIPTIONS, MAX_SUBSCRIPTIONS = 4, 6

class Workload(NamedTuple):
    name: str
    os_type: str
    weight: float
    median_disk_gb: float


# Shared-services subscriptions host only the infrastructure workloads.
WORKLOADS: tuple[Workload, ...] = (
    Workload("web", "Linux", 12, 128),
    Workload("api", "Linux", 10, 128),
    Workload("app", "Windows", 9, 256),
    Workload("iis", "Windows", 5, 128),
    Workload("sql", "Windows", 8, 1024),
    Workload("pg", "Linux", 4, 512),
    Workload("mongo", "Linux", 2, 1024),
    Workload("k8s", "Linux", 9, 256),
    Workload("build", "Linux", 4, 256),
    Workload("rds", "Windows", 4, 256),
    Workload("etl", "Linux", 4, 512),
    Workload("sap", "Linux", 3, 512),
    Workload("hana", "Linux", 1, 4096),
    Workload("file", "Windows", 3, 2048),
    Workload("dc", "Windows", 2, 128),
    Workload("jump", "Windows", 2, 128),
)
SHARED_WORKLOADS = ("file", "dc", "jump", "build")
VMS_PER_VAULT = 500  # a vault is split in two past this many VMs (Azure allows 2000 per vault; teams split earlier)

class PolicyTime(NamedTuple):
    minutes: int  # after midnight UTC
    share: float  # of the policies


# Policy start times; the rest of the policies is spread over the day.
POLICY_TIMES: tuple[PolicyTime, ...] = (
    PolicyTime(22 * 60, 0.30), PolicyTime(23 * 60 + 30, 0.25), PolicyTime(2 * 60, 0.20), PolicyTime(20 * 60, 0.07),
    PolicyTime(4 * 60, 0.06),
)
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
BASELINE_FAILURE_RATE = 0.006  # scheduled backups meeting a new problem (it may last, see RECOVERY)
ON_DEMAND_FAILURE_RATE = 0.012  # one-off failures of a backup someone triggers (beside the VM's lasting problems)
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


class Recovery(NamedTuple):
    """How a problem of a category that made a scheduled backup fail ends. Transient platform and network
    problems are gone by the next run; agent, extension and permission problems stay until someone acts,
    which takes days, and some are not fixed before the end of the period. The time to recover of a code
    (first failure to the next success) follows from these, so codes rank by how long they hurt."""

    lasting_share: float  # of the problems, those that outlast the next run
    mean_extra_days: float  # days a lasting problem fails beyond its first day, on average (geometric)
    unfixed_share: float  # of the lasting problems, those still failing at the end of the period


RECOVERY: Mapping[str, Recovery] = {
    "platform": Recovery(0.0, 0.0, 0.0),
    "network": Recovery(0.1, 1.0, 0.0),
    "snapshot": Recovery(0.15, 1.0, 0.0),
    "disk": Recovery(0.35, 2.0, 0.05),
    "vss": Recovery(0.45, 2.0, 0.05),
    "extension": Recovery(0.5, 2.5, 0.05),
    "quota": Recovery(0.6, 3.0, 0.05),
    "agent": Recovery(0.7, 3.5, 0.08),
    "encryption": Recovery(0.7, 4.0, 0.1),
    "permissions": Recovery(0.8, 5.0, 0.12),
}
NO_RECOVERY_DELAY = Recovery(0.0, 0.0, 0.0)  # categories not named above (unknown codes): next run

# Problems that persist until fixed (streaks) are configuration and VM-health problems, not transient ones.
STREAK_CATEGORY_WEIGHTS: Mapping[str, float] = {
    "agent": 0.35, "extension": 0.20, "vss": 0.15, "permissions": 0.08, "quota": 0.07, "encryption": 0.05,
    "disk": 0.05, "snapshot": 0.05,
}
# The regional incident: the VMs of one region lose connectivity to the backup service for a day.
INCIDENT_CATEGORY_WEIGHTS: Mapping[str, float] = {"network": 0.7, "extension": 0.3}
INCIDENT_CODES = ("ExtensionSnapshotFailedNoNetwork", "UserErrorGuestAgentStatusUnavailable")
DELETED_VM_CODES = ("ResourceNotFound", "BCMV2VMNotFound")
class UnknownError(NamedTuple):
    """An error no guide covers, kept with its raw English message."""

    code: str | None
    code_int: int | None
    message: str
    weight: float  # among the unknown errors


UNKNOWN_ERRORS: tuple[UnknownError, ...] = (
    UnknownError("UserErrorDiskSnapshotThrottled", None,
                 "Snapshot creation was throttled by the storage platform. Retry the backup later.", 0.5),
    UnknownError(None, 130002, "The operation failed because of an internal service error. Quote the activity ID "
                 "when contacting support.", 0.3),
    UnknownError("BMSUserErrorContainerObjectNotFound", 390023, "The protected item was not found in its container. "
                 "It may have been removed while the job was queued.", 0.2),
)
