"""The KQL of each fleet view, as a pure function of the filter state. Every query starts from the
same `jobs` binding: the IaaS VM job records of the period, one per job (the latest record, V2 over
its V1 twin), narrowed by the filter, and ends in a `summarize`, so only aggregates leave the
workspace. The text is what a user can paste into the portal's Logs blade."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from loaders.jobs.queries.filters import FleetFilter
from loaders.jobs.timeutil import naive_utc

SUCCESS = '("Completed", "CompletedWithWarnings")'
# Records of a job arrive up to a day after it started (long jobs, 20-30 min ingestion delay).
RECORD_SLACK = dt.timedelta(days=1)
VIEW_NAMES = ("kpis", "daily-failures", "top-codes", "heatmap", "failing-vms", "rpo-breach", "time-to-recover")
# Log Analytics spells operations with spaces ("Configure Backup").
_LA_OPERATIONS = {"ConfigureBackup": "Configure Backup", "DisableBackup": "Disable Backup",
                  "DeleteBackupData": "Delete Backup Data", "CrossRegionRestore": "Cross Region Restore"}


@dataclass(frozen=True)
class ViewQuery:
    view: str
    kql: str


def _time(moment: dt.datetime) -> str:
    return f"datetime({naive_utc(moment).isoformat()}Z)"


def _strings(values: tuple[str, ...]) -> str:
    return ", ".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values)


def jobs_binding(f: FleetFilter, records_from: dt.datetime | None = None) -> str:
    """`let jobs = ...;` for the period of `f` (job start in [start, end)), latest record per job."""
    lines = ["let jobs = AddonAzureBackupJobs",
             f"| where TimeGenerated >= {_time(records_from or f.start)}"
             f" and TimeGenerated < {_time(f.end + RECORD_SLACK)}",
             '| where BackupManagementType == "IaaSVM"',
             '| extend SchemaRank = iff(SchemaVersion == "V2", 2, 1)',
             "| summarize arg_max(TimeGenerated, *) by JobUniqueId, SchemaRank",
             "| summarize arg_max(SchemaRank, *) by JobUniqueId",
             f"| where JobStartDateTime >= {_time(records_from or f.start)} and JobStartDateTime < {_time(f.end)}"]
    if f.subscriptions:
        lines.append(f"| where SubscriptionId in~ ({_strings(f.subscriptions)})")
    if f.vaults:
        lines.append(f"| where VaultName in~ ({_strings(f.vaults)})")
    if f.regions:
        lines.append(f"| where AzureDataCenter in~ ({_strings(f.regions)})")
    if f.operations:
        lines.append(f"| where JobOperation in~ ({_strings(tuple(_LA_OPERATIONS.get(o, o) for o in f.operations))})")
    if f.statuses:
        lines.append(f"| where JobStatus in ({_strings(f.statuses)})")
    return "\n".join(lines) + ";"


def _kpis(f: FleetFilter, now: dt.datetime, rpo_hours: float) -> str:
    return (jobs_binding(f) + "\njobs\n| summarize jobs = count(), completed = countif(JobStatus == \"Completed\"),"
            " warnings = countif(JobStatus == \"CompletedWithWarnings\"), failed = countif(JobStatus == \"Failed\"),"
            " in_progress = countif(JobStatus == \"InProgress\"), cancelled = countif(JobStatus == \"Cancelled\"),"
            " vms = dcount(BackupItemUniqueId), failing_vms = dcountif(BackupItemUniqueId, JobStatus == \"Failed\")")


def _daily_failures(f: FleetFilter, now: dt.datetime, rpo_hours: float) -> str:
    return (jobs_binding(f) + "\njobs\n| where JobStatus == \"Failed\""
            "\n| summarize failed = count() by day = startofday(JobStartDateTime), JobFailureCode"
            "\n| order by day asc, failed desc")


def _top_codes(f: FleetFilter, now: dt.datetime, rpo_hours: float) -> str:
    return (jobs_binding(f) + "\njobs\n| where JobStatus == \"Failed\""
            "\n| summarize failed = count(), vms = dcount(BackupItemUniqueId) by JobFailureCode"
            "\n| top 10 by failed desc")


def _heatmap(f: FleetFilter, now: dt.datetime, rpo_hours: float) -> str:
    return (jobs_binding(f) + "\njobs\n| where JobStatus == \"Failed\""
            "\n| summarize failed = count() by weekday = toint(dayofweek(JobStartDateTime) / 1d),"
            " hour = hourofday(JobStartDateTime)"
            "\n| order by weekday asc, hour asc")


def _failing_vms(f: FleetFilter, now: dt.datetime, rpo_hours: float) -> str:
    return (jobs_binding(f) + "\njobs"
            f"\n| summarize last_success = maxif(JobStartDateTime, JobStatus in {SUCCESS}) by BackupItemUniqueId"
            "\n| join kind=inner jobs on BackupItemUniqueId"
            "\n| summarize failed = countif(JobStatus == \"Failed\"),"
            " current_streak = countif(JobStatus == \"Failed\""
            " and (isnull(last_success) or JobStartDateTime > last_success)),"
            " last_failure = maxif(JobStartDateTime, JobStatus == \"Failed\"),"
            " vm_name = take_any(BackupItemFriendlyName), vault_name = take_any(VaultName)"
            " by BackupItemUniqueId"
            "\n| where failed > 0"
            "\n| top 50 by failed desc")


def _rpo_breach(f: FleetFilter, now: dt.datetime, rpo_hours: float) -> str:
    # Looks back further than the period: the last good backup may be older than its start.
    lookback = min(f.start, naive_utc(now) - dt.timedelta(hours=rpo_hours))
    return (jobs_binding(f, records_from=lookback) + "\njobs"
            f"\n| summarize last_success = maxif(JobStartDateTime, JobStatus in {SUCCESS}),"
            " vm_name = take_any(BackupItemFriendlyName), vault_name = take_any(VaultName) by BackupItemUniqueId"
            f"\n| extend hours_since = ({_time(now)} - last_success) / 1h"
            f"\n| where isnull(last_success) or hours_since > {rpo_hours:g}"
            "\n| order by hours_since desc")


def _time_to_recover(f: FleetFilter, now: dt.datetime, rpo_hours: float) -> str:
    return (jobs_binding(f) +
            "\nlet failures = jobs | where JobStatus == \"Failed\""
            " | project BackupItemUniqueId, JobFailureCode, failed_at = JobStartDateTime;"
            f"\nlet successes = jobs | where JobStatus in {SUCCESS}"
            " | project BackupItemUniqueId, ok_at = JobStartDateTime;"
            "\nfailures"
            "\n| join kind=leftouter successes on BackupItemUniqueId"
            "\n| extend ok_at = iff(ok_at > failed_at, ok_at, datetime(null))"
            "\n| summarize recovered_at = min(ok_at) by BackupItemUniqueId, JobFailureCode, failed_at"
            "\n| summarize incidents = countif(isnotnull(recovered_at)),"
            " open_incidents = countif(isnull(recovered_at)),"
            " median_hours = percentile((recovered_at - failed_at) / 1h, 50) by JobFailureCode"
            "\n| order by incidents desc")


_BUILDERS = {"kpis": _kpis, "daily-failures": _daily_failures, "top-codes": _top_codes, "heatmap": _heatmap,
             "failing-vms": _failing_vms, "rpo-breach": _rpo_breach, "time-to-recover": _time_to_recover}


def view_query(view: str, f: FleetFilter, now: dt.datetime, rpo_hours: float = 24) -> ViewQuery:
    if view not in _BUILDERS:
        raise ValueError(f"unknown view {view!r}; one of {', '.join(VIEW_NAMES)}")
    return ViewQuery(view, _BUILDERS[view](f, now, rpo_hours))


def fleet_queries(f: FleetFilter, now: dt.datetime, rpo_hours: float = 24,
                  views: tuple[str, ...] = VIEW_NAMES) -> list[ViewQuery]:
    """One query per view (the cost of a Fleet page in queries is `len(views)`)."""
    return [view_query(v, f, now, rpo_hours) for v in views]
