"""Pure conversions from the shapes Azure emits to the values of a JobRow.

Every parser returns None for "no value" (None, "", whitespace) and raises ValueError with a
readable message for a value it cannot understand, so callers can quarantine the record.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache

from loaders.jobs.schema import (
    API_OPERATIONS,
    API_STATUSES,
    CANCELLED,
    CANCELLING,
    COMPLETED,
    COMPLETED_WITH_WARNINGS,
    CONFIGURE_BACKUP,
    IN_PROGRESS,
)
from loaders.jobs.timeutil import naive_utc

# ---------------------------------------------------------------------------------------------
# ARM ids


@dataclass(frozen=True)
class VaultRef:
    subscription_id: str
    resource_group: str
    vault_name: str
    vault_id: str  # lower-cased canonical ARM id
    job_name: str | None = None  # set when the id points at a job under the vault


_VAULT_ID = re.compile(
    r"^/subscriptions/(?P<sub>[^/]+)/resourcegroups/(?P<rg>[^/]+)/providers/"
    r"microsoft\.recoveryservices/vaults/(?P<vault>[^/]+)(?:/backupjobs/(?P<job>[^/?#]+))?",
    re.IGNORECASE,
)


def vault_arm_id(subscription_id: str, resource_group: str, vault_name: str) -> str:
    return (
        f"/subscriptions/{subscription_id}/resourcegroups/{resource_group}"
        f"/providers/microsoft.recoveryservices/vaults/{vault_name}"
    ).lower()


@lru_cache(maxsize=4096)  # a fleet has few vaults and every job repeats its vault's id
def parse_vault_id(arm_id: str | None) -> VaultRef | None:
    """Vault (and job) parts of a vault or backup-job ARM id, in any letter case; None otherwise.

    Names keep the case they were written in; `vault_id` is lower-cased because ARM ids are
    case-insensitive and sources disagree (`/Subscriptions/`, upper-case Log Analytics ids).
    """
    if not arm_id:
        return None
    match = _VAULT_ID.match(arm_id.strip())
    if not match:
        return None
    sub, rg, vault = match.group("sub"), match.group("rg"), match.group("vault")
    return VaultRef(sub.lower(), rg, vault, vault_arm_id(sub, rg, vault), match.group("job"))


def vm_arm_id(subscription_id: str, resource_group: str, vm_name: str, classic: bool = False) -> str:
    provider = "microsoft.classiccompute" if classic else "microsoft.compute"
    return (f"/subscriptions/{subscription_id}/resourcegroups/{resource_group}"
            f"/providers/{provider}/virtualmachines/{vm_name}").lower()


_VM_ID = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.(?:classic)?compute/virtualmachines/(?P<vm>[^/]+)$",
    re.IGNORECASE,
)


@lru_cache(maxsize=65536)  # every VM has a job a day
def parse_vm_id(arm_id: str | None) -> tuple[str, str] | None:
    """(lower-cased VM id, VM name as written) of a virtual machine ARM id; None otherwise."""
    if not arm_id:
        return None
    text = arm_id.strip().rstrip("/")
    match = _VM_ID.match(text)
    return (text.lower(), match.group("vm")) if match else None


@lru_cache(maxsize=65536)
def vm_from_container(container_name: str | None, subscription_id: str | None) -> tuple[str | None, str | None]:
    """(VM id, VM name) from an IaaS VM protection container name.

    `iaasvmcontainerv2;<rg>;<vm>` is an ARM VM, `iaasvmcontainer;<cloud service>;<vm>` a classic
    one. Some payloads prefix the container type (`IaasVMContainer;iaasvmcontainerv2;rg;vm`).
    """
    if not container_name:
        return None, None
    parts = [p for p in container_name.strip().split(";") if p]
    lowered = [p.lower() for p in parts]
    for kind in ("iaasvmcontainerv2", "iaasvmcontainer"):
        if kind in lowered:
            i = lowered.index(kind)
            if len(parts) >= i + 3:
                rg, vm = parts[i + 1], parts[i + 2]
                classic = kind == "iaasvmcontainer"
                vm_id = vm_arm_id(subscription_id, rg, vm, classic=classic) if subscription_id else None
                return vm_id, vm
    return None, None


# Cells that spreadsheet and pandas exports write for "no value" (NaN, NaT for times).
_MISSING_TEXT = frozenset({"nan", "nat"})

# ---------------------------------------------------------------------------------------------
# Durations

_ISO_DURATION = re.compile(
    r"^(?P<sign>-)?P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$",
    re.IGNORECASE,
)
# .NET TimeSpan "[-][d.]hh:mm:ss[.fffffff]" and Python str(timedelta) "[-]D day[s], h:mm:ss[.ffffff]"
_CLOCK_DURATION = re.compile(
    r"^(?P<sign>-)?(?:(?P<days>\d+)(?:\.|\s+days?,\s*))?(?P<hours>\d+):(?P<minutes>\d{1,2}):(?P<seconds>\d{1,2}(?:\.\d+)?)$",
    re.IGNORECASE,
)


def parse_duration(value: object) -> float | None:
    """Seconds from ISO-8601 (`PT1M30.5S`), .NET (`00:20:23.0896697`, `1.02:03:04`),
    str(timedelta) (`0:00:31.306629`, `1 day, 2:03:04`), a timedelta, or a number of seconds."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"not a duration: {value!r}")
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, (int, float)):
        if math.isnan(value):
            return None
        if math.isinf(value):
            raise ValueError(f"not a duration: {value!r}")
        return float(value)
    text = str(value).strip()
    if not text or text.lower() in _MISSING_TEXT:
        return None
    match = _ISO_DURATION.match(text)
    if match and text.upper() not in ("P", "PT") and not text.upper().endswith("T"):
        parts = {k: float(v) for k, v in match.groupdict().items() if v and k != "sign"}
        seconds = (
            parts.get("weeks", 0) * 604800 + parts.get("days", 0) * 86400 + parts.get("hours", 0) * 3600
            + parts.get("minutes", 0) * 60 + parts.get("seconds", 0)
        )
        return -seconds if match.group("sign") else seconds
    match = _CLOCK_DURATION.match(text)
    if match:
        minutes, seconds = int(match.group("minutes")), float(match.group("seconds"))
        if minutes >= 60 or seconds >= 60:
            raise ValueError(f"not a duration: {text!r}")
        days = int(match.group("days") or 0)
        clock = int(match.group("hours")) * 3600 + minutes * 60 + seconds
        if not match.group("sign"):
            return days * 86400 + clock
        if "day" in text.lower():  # str(timedelta): only the day count is negative
            return -days * 86400 + clock
        return -(days * 86400 + clock)  # .NET: the sign applies to the whole span
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"not a duration: {text!r}") from None
    if math.isnan(number) or math.isinf(number):
        raise ValueError(f"not a duration: {text!r}")
    return number


# ---------------------------------------------------------------------------------------------
# Datetimes

_ISO_DATETIME = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})[T ](?P<time>\d{1,2}:\d{2}(?::\d{2})?)(?P<frac>\.\d+)?\s*"
    r"(?P<ampm>[AP]M)?\s*(?P<tz>Z|UTC|[+-]\d{2}(?::?\d{2})?)?$",
    re.IGNORECASE,
)
# Portal / Excel style: "5/2/2024, 11:01:00.000 PM", "02.05.2024 23:01:00"
_US_DATETIME = re.compile(
    r"^(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4}),?\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?P<frac>\.\d+)?)?"
    r"\s*(?P<ampm>[AP]M)?\s*(?P<tz>Z|UTC)?$",
    re.IGNORECASE,
)
_DOTTED_DATETIME = re.compile(
    r"^(?P<day>\d{1,2})\.(?P<month>\d{1,2})\.(?P<year>\d{4}),?\s+(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2})(?P<frac>\.\d+)?)?\s*(?P<tz>Z|UTC)?$",
    re.IGNORECASE,
)


def _microseconds(frac: str | None) -> int:
    if not frac:
        return 0
    digits = frac.lstrip(".")
    # 7-digit .NET fractions (100 ns ticks) are rounded down to microseconds.
    return int((digits + "000000")[:6])


def _hour_24(hour: int, ampm: str | None) -> int:
    if not ampm:
        return hour
    if not 1 <= hour <= 12:
        raise ValueError(f"hour {hour} with {ampm}")
    return (hour % 12) + (12 if ampm.upper() == "PM" else 0)


def parse_datetime(value: object) -> dt.datetime | None:
    """Naive UTC datetime from ISO-8601 (7-digit fractions, `Z`, `+00:00`, offsets; naive taken as
    UTC), `M/D/YYYY, h:mm:ss[.fff] AM|PM` (portal exports), `D.M.YYYY HH:MM[:SS]`, a datetime, or
    epoch seconds."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return naive_utc(value)
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise ValueError(f"not a date/time: {value!r}")
    if isinstance(value, (int, float)):
        if math.isnan(value):
            return None
        try:
            return dt.datetime(1970, 1, 1) + dt.timedelta(seconds=float(value))
        except (OverflowError, ValueError):
            raise ValueError(f"not a date/time: {value!r} seconds after 1970 is out of range") from None
    text = str(value).strip()
    if not text or text.lower() in _MISSING_TEXT:
        return None
    try:
        return _parse_datetime_text(text)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"not a date/time: {text!r}") from exc


def _parse_datetime_text(text: str) -> dt.datetime:
    if len(text) >= 10 and text[4] == "-":
        try:  # the common case, at C speed (Python 3.11+ also reads 7-digit fractions and "Z")
            return naive_utc(dt.datetime.fromisoformat(text))
        except ValueError:
            pass
    match = _ISO_DATETIME.match(text)
    if match:
        time_part = match.group("time")
        pieces = [int(p) for p in time_part.split(":")] + [0]
        hour = _hour_24(pieces[0], match.group("ampm"))
        year, month, day = (int(p) for p in match.group("date").split("-"))
        moment = dt.datetime(year, month, day, hour, pieces[1], pieces[2], _microseconds(match.group("frac")))
        tz = (match.group("tz") or "").upper()
        if tz and tz not in ("Z", "UTC"):
            sign = -1 if tz[0] == "-" else 1
            digits = tz[1:].replace(":", "")
            offset = dt.timedelta(hours=int(digits[:2]), minutes=int(digits[2:4] or 0))
            moment -= sign * offset
        return moment
    match = _US_DATETIME.match(text) or _DOTTED_DATETIME.match(text)
    if match:
        groups = match.groupdict()
        hour = _hour_24(int(groups["h"]), groups.get("ampm"))
        return dt.datetime(int(groups["year"]), int(groups["month"]), int(groups["day"]), hour,
                           int(groups["m"]), int(groups["s"] or 0), _microseconds(groups["frac"]))
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return dt.datetime.fromisoformat(text)
    raise ValueError("unrecognised format")


# ---------------------------------------------------------------------------------------------
# Vocabularies


def _squash(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", text).lower()


_OPERATION_ALIASES = {
    **{_squash(op): op for op in API_OPERATIONS},
    "unregister": "UnRegister",
    "configureprotection": CONFIGURE_BACKUP,
    "enableprotection": CONFIGURE_BACKUP,
    "stopprotection": "DisableBackup",
    "removeprotection": "DisableBackup",
    "deletebackup": "DeleteBackupData",
    "crossregionrestore": "CrossRegionRestore",
    "undeletebackup": "Undelete",
}

_STATUS_ALIASES = {
    **{_squash(s): s for s in API_STATUSES},
    "canceled": CANCELLED,
    "canceling": CANCELLING,
    "succeeded": COMPLETED,
    "success": COMPLETED,
    "partiallysucceeded": COMPLETED_WITH_WARNINGS,
    "completedwithwarning": COMPLETED_WITH_WARNINGS,
    "running": IN_PROGRESS,
}

BACKUP_MANAGEMENT_TYPES = (
    "Invalid", "AzureIaasVM", "MAB", "DPM", "AzureBackupServer", "AzureSql", "AzureStorage", "AzureWorkload",
    "DefaultBackup",
)
_BACKUP_MANAGEMENT_ALIASES = {
    **{_squash(t): t for t in BACKUP_MANAGEMENT_TYPES},
    # Log Analytics / diagnostics vocabulary
    "iaasvm": "AzureIaasVM",
    "filefolder": "MAB",
    "azurebackupserver": "AzureBackupServer",
    # PowerShell vocabulary
    "azurevm": "AzureIaasVM",
    "azurefiles": "AzureStorage",
}


_VOCABULARIES = {
    "operation": _OPERATION_ALIASES,
    "status": _STATUS_ALIASES,
    "backup_management_type": _BACKUP_MANAGEMENT_ALIASES,
}


@lru_cache(maxsize=1024)
def _vocabulary_term(vocabulary: str, text: str) -> str | None:
    text = text.strip()
    if not text:
        return None
    # Unknown values are kept as written: a new service value must stay visible, not vanish.
    return _VOCABULARIES[vocabulary].get(_squash(text), text)


def _map_vocabulary(value: object, vocabulary: str) -> str | None:
    if value is None:
        return None
    return _vocabulary_term(vocabulary, value if isinstance(value, str) else str(value))


def normalize_operation(value: object) -> str | None:
    """JobOperationType vocabulary: "Configure Backup" -> "ConfigureBackup"."""
    return _map_vocabulary(value, "operation")


def normalize_status(value: object) -> str | None:
    return _map_vocabulary(value, "status")


def normalize_backup_management_type(value: object) -> str | None:
    """REST vocabulary: Log Analytics `IaaSVM` and PowerShell `AzureVM` -> `AzureIaasVM`."""
    return _map_vocabulary(value, "backup_management_type")


def normalize_os_type(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip().lower()
    if not text:
        return None
    if "windows" in text:
        return "Windows"
    if "linux" in text or text in ("ubuntu", "rhel", "centos", "debian", "suse", "sles"):
        return "Linux"
    return str(value).strip()


def parse_bool(value: object) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isnan(value):
            return None
        if value in (0, 1):
            return bool(value)
        raise ValueError(f"not a boolean: {value!r}")
    text = str(value).strip().lower()
    if not text or text == "nan":
        return None
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise ValueError(f"not a boolean: {value!r}")


def parse_scheduled(value: object) -> bool | None:
    """Log Analytics `AdHocOrScheduledJob`: "Scheduled" -> True, "Adhoc"/"On-demand" -> False."""
    if value is None:
        return None
    text = _squash(str(value))
    if not text:
        return None
    if text.startswith("schedule"):
        return True
    if text in ("adhoc", "ondemand", "manual", "usertriggered"):
        return False
    raise ValueError(f"not Scheduled/Adhoc: {value!r}")


# ---------------------------------------------------------------------------------------------
# Errors


@dataclass(frozen=True)
class ErrorCode:
    number: int | None  # REST errorDetails[].errorCode
    name: str | None  # UserErrorGuestAgentStatusUnavailable, ...


# Values Log Analytics writes into JobFailureCode for jobs that did not fail.
NO_FAILURE_CODES = frozenset({"success", "none", "n/a", "na", "-", "0"})


def parse_error_code(value: object) -> ErrorCode:
    """An error code as an integer (REST) or a name (Log Analytics); numeric strings count as
    integers and a float that is a whole number (CSV/pandas) too."""
    if value is None:
        return ErrorCode(None, None)
    if isinstance(value, (bool, dict, list)):
        raise ValueError(f"not an error code: {value!r}")
    if isinstance(value, int):
        return ErrorCode(value, None)
    if isinstance(value, float):
        if math.isnan(value):
            return ErrorCode(None, None)
        if value.is_integer():
            return ErrorCode(int(value), None)
        raise ValueError(f"not an error code: {value!r}")
    text = str(value).strip()
    if not text:
        return ErrorCode(None, None)
    if re.fullmatch(r"-?\d+", text):
        return ErrorCode(int(text), None)
    return ErrorCode(None, text)


def first_text(*values: object) -> str | None:
    """The first value that is a non-blank string (stripped)."""
    for value in values:
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


# ---------------------------------------------------------------------------------------------
# Plausibility

EARLIEST_JOB_TIME = dt.datetime(2000, 1, 1)  # long before Azure Backup; earlier times are placeholders
CLOCK_SKEW = dt.timedelta(days=1)  # how far in the future of the import a time may be
LONGEST_JOB = dt.timedelta(days=366)


def check_job_times(start: dt.datetime | None, end: dt.datetime | None, duration_s: float | None,
                    now: dt.datetime, names: tuple[str, str, str] = ("start", "end", "duration")) -> None:
    """ValueError when a job's times cannot be true: no start, a negative or year-long duration, a time
    before 2000 (0001-01-01 and 1601-01-01 are "no value" placeholders of other tools) or more
    than a day after `now`, an end before the start. Such a job would sit on the wrong day of
    every chart, or hide a VM's real last backup, so it is rejected with the reason."""
    start_name, end_name, duration_name = names
    if start is None:
        raise ValueError(f"{start_name} is missing: the job cannot be placed on any day")
    if duration_s is not None and duration_s < 0:
        raise ValueError(f"{duration_name} {_seconds(duration_s)} is negative")
    if duration_s is not None and duration_s > LONGEST_JOB.total_seconds():
        raise ValueError(f"{duration_name} {_seconds(duration_s)} is longer than a year")
    latest = now + CLOCK_SKEW
    for name, moment in ((start_name, start), (end_name, end)):
        if moment is None:
            continue
        if moment < EARLIEST_JOB_TIME:
            raise ValueError(f"{name} {_shown(moment)} is before 2000: a placeholder, not a job time")
        if moment > latest:
            raise ValueError(f"{name} {_shown(moment)} is in the future (imported {_shown(now)} UTC)")
    if start is not None and end is not None and end < start:
        raise ValueError(f"{end_name} {_shown(end)} is before {start_name} {_shown(start)}")


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _shown(moment: dt.datetime) -> str:
    return moment.isoformat(sep=" ", timespec="seconds")
