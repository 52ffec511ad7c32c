"""Log Analytics `AddonAzureBackupJobs` records (portal CSV export, JSON rows, query API tables)
to JobRows.

Log Analytics speaks its own vocabulary: string failure codes (`JobFailureCode`), `IaaSVM` for
`AzureIaasVM`, "Configure Backup" for ConfigureBackup, durations in seconds, no end time. A job is
logged more than once as it progresses; like the official queries we keep, per JobUniqueId, the
record with the latest TimeGenerated.
"""
from __future__ import annotations

import csv
import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from loaders.jobs.importers.base import Parsed, RecordError, UnreadableFile, VaultDirectory
from loaders.jobs.importers.decoding import Line
from loaders.jobs.normalize import (
    NO_FAILURE_CODES,
    check_job_times,
    normalize_backup_management_type,
    normalize_operation,
    normalize_os_type,
    normalize_status,
    parse_datetime,
    parse_duration,
    parse_error_code,
    parse_scheduled,
    parse_vault_id,
    parse_vm_id,
    vault_arm_id,
    vm_from_container,
)
from loaders.jobs.schema import TERMINAL_STATUSES, JobRow

# Columns of AddonAzureBackupJobs (current reference) plus the common Log Analytics system
# columns; anything else in a file is reported as ignored.
_COLUMN_NAMES = (
    "AdHocOrScheduledJob", "ArchiveTierStorageReplicationType", "AzureDataCenter", "BackupItemFriendlyName",
    "BackupItemId", "BackupItemUniqueId", "BackupManagementServerUniqueId", "BackupManagementType",
    "_BilledSize", "Category", "DatasourceFriendlyName", "DatasourceResourceId", "DatasourceSetFriendlyName",
    "DatasourceSetResourceId", "DatasourceSetType", "DatasourceType", "DataTransferredInMB",
    "ExtendedProperties", "_IsBillable", "JobDurationInSecs", "JobFailureCode", "JobOperation",
    "JobOperationSubType", "JobStartDateTime", "JobStatus", "JobUniqueId", "OperationName",
    "ProtectedContainerUniqueId", "RecoveryJobDestination", "RecoveryJobRPDateTime", "RecoveryJobRPLocation",
    "RecoveryLocationType", "ResourceGroupName", "ResourceId", "_ResourceId", "SchemaVersion", "SourceSystem",
    "State", "StorageReplicationType", "SubscriptionId", "_SubscriptionId", "TimeGenerated", "Type",
    "VaultName", "VaultTags", "VaultType", "VaultUniqueId",
    # system / tool columns
    "TenantId", "TableName", "_ItemId", "_TimeReceived", "_Internal_WorkspaceResourceId",
    # extensions some exports project alongside (not in the table itself)
    "ErrorMessage", "JobFailureMessage", "OSType",
)
KNOWN_COLUMNS = frozenset(c.lower() for c in _COLUMN_NAMES)
DISPLAY_NAMES = {c.lower(): c for c in _COLUMN_NAMES}  # for messages: the column as Azure spells it
IDENTITY_COLUMNS = ("resourceid", "_resourceid", "subscriptionid", "_subscriptionid")
UNKNOWN_RESOURCE_GROUP = "unknown"

_HEADER_SUFFIX = re.compile(r"\s*[\[(](?:utc|local time|local)[\])]\s*$", re.IGNORECASE)


def normalize_column(name: str) -> tuple[str, bool]:
    """(lower-cased column name, is-local-time) of a header such as `TimeGenerated [UTC]`."""
    text = name.strip().strip('"').lstrip("\ufeff").strip()
    suffix = _HEADER_SUFFIX.search(text)
    local = bool(suffix and "local" in suffix.group(0).lower())
    return _HEADER_SUFFIX.sub("", text).lower(), local


def is_la_record(value: Any) -> bool:
    return isinstance(value, dict) and any(str(k).strip().lower().startswith("jobuniqueid") for k in value)


@dataclass
class ColumnCheck:
    columns: list[str]  # normalised names, in file order
    local_time: list[str]
    unknown: list[str]
    repeated: dict[str, list[int]] = field(default_factory=dict)  # name -> positions, for names given twice

    def record(self, values: list[Any]) -> dict[str, Any]:
        """One row's values by column name. A column given twice is read once: its copies must
        agree (or all but one be empty), else RecordError names them."""
        record = dict(zip(self.columns, values, strict=False))
        for name, positions in self.repeated.items():
            given = [values[i] for i in positions if not _is_blank(values[i])]
            distinct = list(dict.fromkeys(str(v).strip() for v in given))
            if len(distinct) > 1:
                shown = ", ".join(f"column {i + 1}: {values[i]!r}" for i in positions)
                raise RecordError(f"{DISPLAY_NAMES.get(name, name)} is given {len(positions)} times and the copies "
                                  f"disagree ({shown})")
            record[name] = given[0] if given else values[positions[0]]
        return record


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def check_columns(raw_names: list[str], where: str | None = None) -> ColumnCheck:
    """Normalised columns; UnreadableFile when they are not an AddonAzureBackupJobs record.
    `where` names the part of the file (a table) in the message."""
    prefix = f"{where}: " if where else ""
    names, local, unknown = [], [], []
    for raw in raw_names:
        name, is_local = normalize_column(str(raw))
        names.append(name)
        if is_local:
            local.append(str(raw).strip())
        if name not in KNOWN_COLUMNS:
            unknown.append(str(raw).strip())
    if "jobuniqueid" not in names:
        raise UnreadableFile(
            f"{prefix}unknown column set; an AddonAzureBackupJobs export needs JobUniqueId "
            f"(found: {', '.join(str(r) for r in raw_names[:30]) or 'no columns'})")
    if not any(c in names for c in IDENTITY_COLUMNS):
        raise UnreadableFile(
            f"{prefix}the columns name no vault: need ResourceId, or SubscriptionId with VaultName "
            f"(found: {', '.join(str(r) for r in raw_names[:30])})")
    positions: dict[str, list[int]] = {}
    for index, name in enumerate(names):
        positions.setdefault(name, []).append(index)
    repeated = {name: found for name, found in positions.items() if len(found) > 1}
    return ColumnCheck(names, local, unknown, repeated)


def column_warnings(check: ColumnCheck) -> list[str]:
    out = []
    for name, positions in check.repeated.items():
        out.append(f"column {DISPLAY_NAMES.get(name, name)} appears {len(positions)} times (columns "
                   f"{', '.join(str(i + 1) for i in positions)}); "
                   "read once, rows whose copies disagree are quarantined")
    if check.unknown:
        out.append(f"ignored columns not in AddonAzureBackupJobs: {', '.join(check.unknown)}")
    if check.local_time:
        out.append(f"columns {', '.join(check.local_time)} are in the exporter's local time and were read as UTC; "
                   "export with UTC times for exact hours")
    if "resourcegroupname" not in check.columns and not any(c in check.columns for c in ("resourceid", "_resourceid")):
        out.append("no ResourceGroupName/ResourceId column: vaults are matched by subscription and name to vaults "
                   f"already in the store, else filed under resource group '{UNKNOWN_RESOURCE_GROUP}'")
    return out


def _parse(record: dict[str, Any], column: str, parse: Callable[[Any], Any]) -> Any:
    try:
        return parse(record.get(column))
    except ValueError as exc:
        raise RecordError(f"{DISPLAY_NAMES.get(column, column)}: {exc}") from None


def _text(record: dict[str, Any], *columns: str) -> str | None:
    for column in columns:
        value = record.get(column)
        if isinstance(value, str) and value and not value.isspace():
            return value.strip()
    return None


def record_to_row(record: dict[str, Any], source: str, ingest_time: dt.datetime,
                  vaults: Callable[[], VaultDirectory]) -> tuple[JobRow, dt.datetime | None]:
    """One record keyed by lower-cased column names -> (JobRow, TimeGenerated)."""
    job_id = _text(record, "jobuniqueid")
    if not job_id:
        raise RecordError("JobUniqueId is empty")

    ref = parse_vault_id(_text(record, "resourceid")) or parse_vault_id(_text(record, "_resourceid"))
    subscription = (ref.subscription_id if ref else None) or _text(record, "subscriptionid", "_subscriptionid")
    if ref is not None:
        # The id fixes the key; the name columns, when present, keep the names as written.
        vault_id = ref.vault_id
        resource_group = _text(record, "resourcegroupname") or ref.resource_group
        vault_name = _text(record, "vaultname") or ref.vault_name
    else:
        vault_name = _text(record, "vaultname")
        resource_group = _text(record, "resourcegroupname")
        if not (subscription and vault_name):
            raise RecordError("no vault: ResourceId is not a vault id and SubscriptionId/VaultName are empty")
        subscription = subscription.lower()
        if resource_group:
            vault_id = vault_arm_id(subscription, resource_group, vault_name)
        else:
            known = vaults().lookup(subscription, vault_name)
            if known:
                vault_id, resource_group = known
            else:
                vault_id = vault_arm_id(subscription, UNKNOWN_RESOURCE_GROUP, vault_name)
    subscription = (subscription or "").lower()

    vm_id, vm_name = None, None
    vm = parse_vm_id(_text(record, "datasourceresourceid"))
    if vm:
        vm_id, vm_name = vm
    else:
        vm_id, vm_name = vm_from_container(_text(record, "backupitemuniqueid", "protectedcontaineruniqueid"),
                                           subscription or None)

    status = normalize_status(record.get("jobstatus"))
    start = _parse(record, "jobstartdatetime", parse_datetime)
    duration = _parse(record, "jobdurationinsecs", parse_duration)
    try:
        check_job_times(start, None, duration, ingest_time, ("JobStartDateTime", "end", "JobDurationInSecs"))
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    end = None
    if start is not None and duration is not None and status in TERMINAL_STATUSES:
        end = start + dt.timedelta(seconds=duration)

    try:
        raw_code = record.get("jobfailurecode")
        if isinstance(raw_code, str) and raw_code.strip().lower() in NO_FAILURE_CODES:
            raw_code = None
        code = parse_error_code(raw_code)
    except ValueError as exc:
        raise RecordError(f"JobFailureCode: {exc}") from None

    row = JobRow(
        vault_id=vault_id,
        job_id=job_id,
        subscription_id=subscription,
        resource_group=resource_group,
        vault_name=vault_name,
        region=_text(record, "azuredatacenter"),
        vm_id=vm_id,
        vm_name=_text(record, "backupitemfriendlyname", "datasourcefriendlyname") or vm_name,
        os_type=normalize_os_type(_text(record, "ostype")),
        backup_management_type=normalize_backup_management_type(record.get("backupmanagementtype")),
        operation=normalize_operation(record.get("joboperation")),
        status=status,
        is_scheduled=_parse(record, "adhocorscheduledjob", parse_scheduled),
        start_time=start,
        end_time=end,
        duration_s=duration,
        error_code_int=code.number,
        error_code=code.name,
        error_message=_text(record, "errormessage", "jobfailuremessage"),
        guide_article=None,
        guide_error_id=None,
        error_category=None,
        source=source,
        ingest_time=ingest_time,
    )
    return row, _parse(record, "timegenerated", parse_datetime)


def add_record(parsed: Parsed, location: str, record: dict[str, Any], raw: Any,
               ingest_time: dt.datetime, vaults: Callable[[], VaultDirectory]) -> None:
    too_deep = parsed.too_deep_reason(location)
    if too_deep:
        parsed.reject(location, too_deep, raw)
        return
    try:
        row, generated = record_to_row(record, parsed.source, ingest_time, vaults)
    except RecordError as exc:
        parsed.reject(location, str(exc), raw)
        return
    except Exception as exc:  # a shape no rule foresaw must cost this record, not the file
        parsed.reject(location, f"could not read this record ({type(exc).__name__}: {exc})", raw)
        return
    parsed.add_row(location, row, generated)


def lower_record(obj: dict[str, Any]) -> dict[str, Any]:
    return {normalize_column(str(k))[0]: v for k, v in obj.items()}


# ---------------------------------------------------------------------------------------------
# File shapes


def sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    return max(counts, key=lambda d: (counts[d], d == ","))


class _LineFeed:
    """Feeds text lines to csv.reader and remembers which lines each record was made of."""

    def __init__(self, lines: Iterator[Line]) -> None:
        self._lines = lines
        self._taken: list[Line] = []

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._taken.append(line)
        return line.text

    def take(self) -> list[Line]:
        taken, self._taken = self._taken, []
        return taken


def read_csv(parsed: Parsed, lines: Iterable[Line], name: str, ingest_time: dt.datetime,
             vaults: Callable[[], VaultDirectory]) -> None:
    """Portal "Export to CSV" of an AddonAzureBackupJobs query; locations are `file:line`.

    Reads record by record from `lines` (a whole decoded file or a file streamed from disk)."""
    source = iter(lines)
    header_line = next((line for line in source if line.text.strip()), None)
    if header_line is None:
        raise UnreadableFile("no header line")
    feed = _LineFeed(itertools.chain([header_line], source))
    reader = csv.reader(feed, delimiter=sniff_delimiter(header_line.text))
    try:
        header = next(reader)
    except csv.Error as exc:
        raise UnreadableFile(f"header line {header_line.number}: CSV syntax error: {exc}") from None
    bad_header = next((line for line in feed.take() if line.bad), None)
    if bad_header is not None:
        raise UnreadableFile(f"header line is not valid UTF-8 ({bad_header.bad})")
    check = check_columns(header)
    parsed.warnings.extend(column_warnings(check))
    width = len(check.columns)
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            taken = feed.take()
            line = taken[-1].number if taken else header_line.number
            parsed.reject(f"{name}:{line}", f"CSV syntax error: {exc}", "\n".join(t.original() for t in taken))
            continue
        taken = feed.take()
        if not fields or all(not f.strip() for f in fields):
            continue
        location = f"{name}:{taken[0].number}"
        bad = next((line for line in taken if line.bad), None)
        if bad is not None:
            parsed.reject(location, f"line {bad.number}: {bad.bad}", "\n".join(t.original() for t in taken))
            continue
        raw = "".join(t.text for t in taken).rstrip("\r\n")
        if len(fields) != width:
            parsed.reject(location, f"expected {width} fields as in the header, found {len(fields)}", raw)
            continue
        try:
            record = check.record(fields)
        except RecordError as exc:
            parsed.reject(location, str(exc), raw)
            continue
        add_record(parsed, location, record, raw, ingest_time, vaults)


def _table_columns(table: dict[str, Any]) -> list[str]:
    return [str(c.get("name") if isinstance(c, dict) else c) for c in table.get("columns") or []]


def read_query_doc(parsed: Parsed, doc: dict[str, Any], name: str, ingest_time: dt.datetime,
                   vaults: Callable[[], VaultDirectory]) -> None:
    """Query API response `{"tables": [{"name", "columns": [{name, type}], "rows": [[...]]}]}`."""
    tables = [t for t in doc.get("tables") or [] if isinstance(t, dict)]
    usable = 0
    for t_index, table in enumerate(tables):
        raw_columns = _table_columns(table)
        try:
            check = check_columns(raw_columns, f"table {table.get('name') or t_index}")
        except UnreadableFile as exc:
            parsed.warnings.append(f"skipped: {exc}")
            continue
        usable += 1
        parsed.warnings.extend(column_warnings(check))
        for r_index, row in enumerate(table.get("rows") or []):
            location = f"{name}:$.tables[{t_index}].rows[{r_index}]"
            add_checked_row(parsed, location, check, row, ingest_time, vaults)
    if not usable:
        raise UnreadableFile("no table with AddonAzureBackupJobs columns (JobUniqueId and a vault column)")


def add_row_array(parsed: Parsed, location: str, columns: list[str], row: Any, ingest_time: dt.datetime,
                  vaults: Callable[[], VaultDirectory]) -> None:
    if not isinstance(row, list):
        parsed.reject(location, f"expected a row array, found {type(row).__name__}", row)
    elif len(row) != len(columns):
        parsed.reject(location, f"expected {len(columns)} values as in the column list, found {len(row)}", row)
    else:
        add_record(parsed, location, dict(zip(columns, row, strict=False)), row, ingest_time, vaults)


def add_checked_row(parsed: Parsed, location: str, check: ColumnCheck, row: Any, ingest_time: dt.datetime,
                    vaults: Callable[[], VaultDirectory]) -> None:
    """A query-API row array read against its checked column list (repeated columns resolved)."""
    if not isinstance(row, list) or len(row) != len(check.columns):
        add_row_array(parsed, location, check.columns, row, ingest_time, vaults)
        return
    try:
        record = check.record(row)
    except RecordError as exc:
        parsed.reject(location, str(exc), row)
        return
    add_record(parsed, location, record, row, ingest_time, vaults)


def read_rows_doc(parsed: Parsed, doc: list[Any], name: str, ingest_time: dt.datetime,
                  vaults: Callable[[], VaultDirectory]) -> None:
    """A JSON array of row objects (`az monitor log-analytics query`, tool exports)."""
    keys: list[str] = []
    seen: set[str] = set()
    for item in doc:
        if isinstance(item, dict):
            for key in item:
                if key not in seen:
                    seen.add(key)
                    keys.append(str(key))
    check = check_columns(keys)
    parsed.warnings.extend(column_warnings(check))
    for index, item in enumerate(doc):
        location = f"{name}:$[{index}]"
        if not isinstance(item, dict):
            parsed.reject(location, f"expected a row object, found {type(item).__name__}", item)
            continue
        add_record(parsed, location, lower_record(item), item, ingest_time, vaults)
