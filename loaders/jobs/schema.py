"""The one normalized job row every source (sample, exports, REST, Log Analytics) is turned into."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

SCHEMA_VERSION = 2

# Job statuses: the JobStatus vocabulary of the REST API, which every source is normalised to.
COMPLETED = "Completed"
COMPLETED_WITH_WARNINGS = "CompletedWithWarnings"
FAILED = "Failed"
IN_PROGRESS = "InProgress"
CANCELLED = "Cancelled"
CANCELLING = "Cancelling"
JOB_STATUSES = (COMPLETED, COMPLETED_WITH_WARNINGS, FAILED, IN_PROGRESS, CANCELLED, CANCELLING)
API_STATUSES = ("Invalid", *JOB_STATUSES)  # the whole JobStatus enum
SUCCESS_STATUSES = (COMPLETED, COMPLETED_WITH_WARNINGS)
RUNNING_STATUSES = (IN_PROGRESS, CANCELLING)  # not finished yet: neither a success nor a failure
TERMINAL_STATUSES = frozenset({COMPLETED, COMPLETED_WITH_WARNINGS, FAILED, CANCELLED})

# Job operations: the JobOperationType vocabulary ("ConfigureBackup", not "Configure Backup").
BACKUP = "Backup"
RESTORE = "Restore"
CONFIGURE_BACKUP = "ConfigureBackup"
OPERATIONS = (BACKUP, RESTORE, CONFIGURE_BACKUP, "DisableBackup", "DeleteBackupData", "CrossRegionRestore")
API_OPERATIONS = ("Invalid", "Register", "UnRegister", CONFIGURE_BACKUP, BACKUP, RESTORE, "DisableBackup",
                  "DeleteBackupData", "CrossRegionRestore", "Undelete", "UpdateCustomerManagedKey")

# The error category of a failed job whose error the catalog does not know (or that carries none).
UNKNOWN_CATEGORY = "unknown"


@dataclass
class JobRow:
    # lower-cased ARM id of the vault:
    # /subscriptions/<sub>/resourcegroups/<rg>/providers/microsoft.recoveryservices/vaults/<name>
    vault_id: str
    job_id: str  # job GUID (JobResource.name / JobUniqueId)
    subscription_id: str
    resource_group: str
    vault_name: str
    region: str | None
    vm_id: str | None  # lower-cased ARM id of the VM when known
    vm_name: str | None
    os_type: str | None  # "Windows" / "Linux" / None
    backup_management_type: str | None  # REST vocabulary: AzureIaasVM, ...
    operation: str | None  # JobOperationType vocabulary ("ConfigureBackup", not "Configure Backup")
    status: str | None  # JobStatus vocabulary
    is_scheduled: bool | None  # False = ad hoc / user triggered
    start_time: dt.datetime | None  # naive UTC
    end_time: dt.datetime | None  # naive UTC
    duration_s: float | None
    error_code_int: int | None  # REST errorDetails[0].errorCode
    error_code: str | None  # string code name (UserErrorGuestAgentStatusUnavailable)
    error_message: str | None  # English message as received
    guide_article: str | None  # catalog resolution: article slug, or None
    guide_error_id: str | None  # catalog resolution: error id in that article
    error_category: str | None  # catalog category; "unknown" for an unmatched error; None when no error
    source: str  # e.g. "sample", "az-cli:jobs.json", "rest:<vault>", "log-analytics:export.csv"
    ingest_time: dt.datetime  # naive UTC


JOB_COLUMNS = tuple(f.name for f in fields(JobRow))

JOBS_DDL = """
CREATE TABLE IF NOT EXISTS jobs (
    vault_id VARCHAR NOT NULL,
    job_id VARCHAR NOT NULL,
    subscription_id VARCHAR,
    resource_group VARCHAR,
    vault_name VARCHAR,
    region VARCHAR,
    vm_id VARCHAR,
    vm_name VARCHAR,
    os_type VARCHAR,
    backup_management_type VARCHAR,
    operation VARCHAR,
    status VARCHAR,
    is_scheduled BOOLEAN,
    start_time TIMESTAMP,
    end_time TIMESTAMP,
    duration_s DOUBLE,
    error_code_int BIGINT,
    error_code VARCHAR,
    error_message VARCHAR,
    guide_article VARCHAR,
    guide_error_id VARCHAR,
    error_category VARCHAR,
    source VARCHAR,
    ingest_time TIMESTAMP
)
"""


@dataclass
class QuarantineRow:
    """A record a source could not turn into a JobRow, kept with where it came from and why."""

    source: str  # same labels as JobRow.source, e.g. "az-cli:jobs.json"
    location: str  # "jobs.csv:17", "page.json:$.value[3]", "<vault>/page 4"
    reason: str
    raw: str | None = None  # the offending text, truncated to a readable size
    quarantined_at: dt.datetime | None = None  # naive UTC; filled by the store when None


QUARANTINE_COLUMNS = tuple(f.name for f in fields(QuarantineRow))
