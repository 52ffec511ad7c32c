"""Import job export files into the store: `import_files(store, paths, catalog=None)`.

Each file is recognised by its content, read record by record, de-duplicated (Log Analytics:
latest TimeGenerated per job; other sources: the last record of a job), resolved against the
error catalog and upserted. Records that cannot be read go to the quarantine with their
location and the reason; a file that cannot be read at all is reported and the next file is
imported anyway. For every file: read = inserted + updated + quarantined + duplicates.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.jobs.importers import loganalytics, rest
from loaders.jobs.importers.base import Parsed, UnreadableFile, VaultDirectory
from loaders.jobs.importers.detect import (
    EXPECTED,
    FORMATS,
    binary_kind,
    detect_broken_json,
    detect_json,
    looks_like_json,
)
from loaders.jobs.importers.jsonscan import salvage
from loaders.jobs.importers.textio import DecodedText, decode_bytes
from loaders.jobs.resolve import CatalogLike, Resolver, load_default_catalog
from loaders.jobs.schema import QuarantineRow
from loaders.jobs.store import Store, StoreError, utc_now

FILE_SOURCE = "import"  # quarantine source for files rejected as a whole
RAW_HEAD = 2000


@dataclass
class ImportReport:
    path: str
    format: str | None = None
    source: str | None = None
    read: int = 0  # records found in the file, readable or not
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    duplicates: int = 0  # older records of a job superseded by a newer one in the same file
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # the file could not be imported at all

    @property
    def adds_up(self) -> bool:
        return self.read == self.inserted + self.updated + self.quarantined + self.duplicates

    @property
    def description(self) -> str:
        return FORMATS[self.format][1] if self.format in FORMATS else "unrecognised"

    def summary(self) -> str:
        if self.error:
            return f"{self.path}: not imported: {self.error}"
        return (f"{self.path} ({self.description}): read {self.read} = {self.inserted} inserted"
                f" + {self.updated} updated + {self.quarantined} quarantined + {self.duplicates} duplicates")


def import_files(store: Store, paths: Iterable[str | os.PathLike[str]], catalog: CatalogLike | None = None,
                 progress: Callable[[ImportReport], None] | None = None) -> list[ImportReport]:
    """Import every file; a failing file never stops the others. `catalog` defaults to the
    project's catalog; `progress` is called with each finished report."""
    warnings: list[str] = []
    if catalog is None:
        catalog, problem = load_default_catalog()
        if catalog is None:
            warnings.append(f"no error catalog ({problem}): errors are stored as 'unknown'")
    resolver = Resolver(catalog)
    reports = []
    for path in paths:
        directory: list[VaultDirectory] = []

        def vaults() -> VaultDirectory:
            # Built on first need for each file, so it includes vaults of files imported before.
            if not directory:
                directory.append(known_vaults(store))
            return directory[0]

        report = import_file(store, Path(path), resolver, vaults)
        report.warnings[:0] = warnings
        reports.append(report)
        if progress:
            progress(report)
    return reports


def known_vaults(store: Store) -> VaultDirectory:
    rows = store.connection.execute(
        "SELECT DISTINCT lower(subscription_id), lower(vault_name), vault_id, resource_group FROM jobs "
        "WHERE resource_group IS NOT NULL AND vault_name IS NOT NULL AND subscription_id IS NOT NULL"
    ).fetchall()
    by_name: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for sub, name, vault_id, rg in rows:
        by_name.setdefault((sub, name), []).append((vault_id, rg))
    return VaultDirectory(by_name)


def import_file(store: Store, path: Path, resolver: Resolver,
                vaults: Callable[[], VaultDirectory] = VaultDirectory.empty) -> ImportReport:
    report = ImportReport(path=str(path))
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error = f"cannot read: {exc.strerror or exc}"
        return report
    now = utc_now()
    try:
        parsed = parse_bytes(data, path.name, now, vaults)
    except UnreadableFile as exc:
        report.error = str(exc)
        _quarantine_file(store, path, report.error, data)
        return report
    report.format, report.source = parsed.format, parsed.source
    report.warnings.extend(parsed.warnings)
    rows, report.duplicates = latest_per_job(parsed.rows)
    report.read = len(parsed.rows) + len(parsed.rejected)
    try:
        result = store.upsert_jobs(resolver.apply_all(rows), parsed.source)
        report.quarantined = store.add_quarantine(
            parsed.rejected, replace_sources=[parsed.source, _file_source(path)])
    except (StoreError, ValueError) as exc:
        report.error = f"cannot store: {exc}"
        return report
    report.inserted, report.updated = result.inserted, result.updated
    return report


def _file_source(path: Path) -> str:
    return f"{FILE_SOURCE}:{path.name}"


def _quarantine_file(store: Store, path: Path, reason: str, data: bytes) -> None:
    head = data[:RAW_HEAD].decode("utf-8", errors="backslashreplace")
    store.add_quarantine([QuarantineRow(_file_source(path), f"{path.name}:1", reason, head)])


def latest_per_job(rows: list[tuple[str, Any, Any]]) -> tuple[list[Any], int]:
    """One row per (vault, job): the newest by recency key (None = oldest); on a tie the later."""
    best: dict[tuple[str, str], tuple[Any, Any]] = {}
    floor = dt.datetime.min
    for _location, row, recency in rows:
        key = (row.vault_id.lower(), row.job_id.lower())
        held = best.get(key)
        if held is None or (recency or floor) >= (held[1] or floor):
            best[key] = (row, recency)
    return [row for row, _ in best.values()], len(rows) - len(best)


# ---------------------------------------------------------------------------------------------
# Bytes -> Parsed


def parse_bytes(data: bytes, name: str, ingest_time: dt.datetime,
                vaults: Callable[[], VaultDirectory] = VaultDirectory.empty) -> Parsed:
    """Recognise and read one export; UnreadableFile when the file as a whole is unusable."""
    if not data.strip():
        raise UnreadableFile("file is empty")
    kind = binary_kind(data)
    if kind:
        raise UnreadableFile(f"not a job export, looks like {kind}; {EXPECTED}")
    decoded = decode_bytes(data)
    if looks_like_json(decoded.text):
        return _parse_json(decoded, data, name, ingest_time, vaults)
    first_line = decoded.text.lstrip().split("\n", 1)[0]
    if not any(d in first_line for d in (",", ";", "\t")):
        raise UnreadableFile(f"neither JSON nor a CSV header line; {EXPECTED}")
    parsed = Parsed("la-csv", _label("la-csv", name))
    loganalytics.read_csv(parsed, decoded, data, name, ingest_time, vaults)
    return parsed


def _label(fmt: str, name: str) -> str:
    return f"{FORMATS[fmt][0]}:{name}"


def _parse_json(decoded: DecodedText, data: bytes, name: str, ingest_time: dt.datetime,
                vaults: Callable[[], VaultDirectory]) -> Parsed:
    doc, error = None, None
    try:
        doc = json.loads(decoded.text)
    except json.JSONDecodeError as exc:
        error = exc
    fmt = detect_json(doc) if error is None else detect_broken_json(decoded.text)
    if fmt is None:
        what = "JSON" if error is None else f"not valid JSON ({error.msg}; line {error.lineno})"
        raise UnreadableFile(f"{what} and not a job export; {EXPECTED}")
    parsed = Parsed(fmt, _label(fmt, name))
    if error is None and not decoded.bad_lines:
        _read_json_doc(parsed, doc, name, ingest_time, vaults)
    else:
        _read_json_by_lines(parsed, decoded, data, name, ingest_time, vaults, error)
    return parsed


def _read_json_doc(parsed: Parsed, doc: Any, name: str, ingest_time: dt.datetime,
                   vaults: Callable[[], VaultDirectory]) -> None:
    if parsed.format == "la-query":
        loganalytics.read_query_doc(parsed, doc, name, ingest_time, vaults)
    elif parsed.format == "la-rows":
        loganalytics.read_rows_doc(parsed, doc if isinstance(doc, list) else [doc], name, ingest_time, vaults)
    else:
        for location, job in rest.iter_jobs(doc):
            rest.add_job(parsed, f"{name}:{location}", job, ingest_time)


_COLUMNS_KEY = re.compile(r'"columns"\s*:\s*(?=\[)')


def _read_json_by_lines(parsed: Parsed, decoded: DecodedText, data: bytes, name: str, ingest_time: dt.datetime,
                        vaults: Callable[[], VaultDirectory], error: json.JSONDecodeError | None) -> None:
    """Record-by-record reading with line numbers: for JSON that does not parse as a whole, and
    for JSON with lines that are not UTF-8 (those records are quarantined)."""
    from loaders.jobs.importers.textio import raw_line_text

    text = decoded.text
    if parsed.format == "la-query":
        match = _COLUMNS_KEY.search(text)
        if not match:
            raise UnreadableFile("query result without a readable column list")
        try:
            raw_columns, _ = json.JSONDecoder().raw_decode(text, match.end())
        except json.JSONDecodeError as exc:
            raise UnreadableFile(f"column list is damaged ({exc.msg}; line {exc.lineno})") from None
        columns = [str(c.get("name") if isinstance(c, dict) else c) for c in raw_columns]
        check = loganalytics.check_columns(columns)
        parsed.warnings.extend(loganalytics.column_warnings(check))
        width = len(columns)
        records, damages = salvage(
            text, "[",
            is_record=lambda v: isinstance(v, list) and len(v) == width and not any(isinstance(x, list) for x in v)
            and not all(isinstance(x, dict) for x in v),
            is_container=lambda v: isinstance(v, list) and bool(v) and all(isinstance(x, (list, dict)) for x in v)
            and not all(isinstance(x, dict) and "type" in x for x in v),
            error=error)
    elif parsed.format == "la-rows":
        records, damages = salvage(text, "{", is_record=loganalytics.is_la_record, error=error)
        keys = list(dict.fromkeys(str(k) for r in records for k in r.value))
        check = loganalytics.check_columns(keys)
        parsed.warnings.extend(loganalytics.column_warnings(check))
    else:
        records, damages = salvage(
            text, "{", is_record=rest.is_job_object,
            is_container=lambda v: rest.is_page(v) or (isinstance(v, dict) and isinstance(v.get("data"), list)),
            error=error)

    for damage in damages:
        parsed.reject(f"{name}:{damage.line}", damage.message, damage.raw)
    for record in records:
        location = f"{name}:{record.line}"
        bad = decoded.bad_lines_between(record.line, record.end_line)
        if bad:
            raw = "\n".join(raw_line_text(data, n) for n in range(record.line, record.end_line + 1))
            parsed.reject(location, f"line {bad[0]}: {decoded.bad_lines[bad[0]]}", raw)
        elif parsed.format == "la-query":
            loganalytics.add_row_array(parsed, location, check.columns, record.value, ingest_time, vaults)
        elif parsed.format == "la-rows":
            loganalytics.add_record(parsed, location, loganalytics.lower_record(record.value), record.value,
                                    ingest_time, vaults)
        else:
            rest.add_job(parsed, location, record.value, ingest_time)
    if error is not None:
        parsed.warnings.append(
            f"not valid JSON ({error.msg}; line {error.lineno}, column {error.colno}); "
            f"{len(records)} intact records recovered, damaged parts quarantined")
