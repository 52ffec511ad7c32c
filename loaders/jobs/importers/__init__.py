"""Import job export files into the store: `import_files(store, paths, catalog=None)`.

Each file is recognised by its content, read record by record, de-duplicated (Log Analytics:
latest TimeGenerated per job; other sources: the last record of a job), resolved against the
error catalog and upserted. Records that cannot be read go to the quarantine with their
location and the reason; a file that cannot be read at all is reported and the next file is
imported anyway. For every file: read = inserted + updated + quarantined + duplicates.
"""
from __future__ import annotations

import codecs
import datetime as dt
import json
import os
import re
import stat
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

from loaders.files import describe_os_error, open_regular_file
from loaders.jobs.guidance import CatalogLike, Resolver, load_default_catalog
from loaders.jobs.importers import loganalytics, rest
from loaders.jobs.importers.base import Parsed, UnreadableFile, VaultDirectory
from loaders.jobs.importers.decoding import (
    DecodedExport,
    RawLines,
    decode_bytes,
    line_break,
    stream_lines,
    text_lines,
)
from loaders.jobs.importers.detect import (
    EXPECTED,
    EXPORT_FORMATS,
    binary_kind,
    detect_broken_json,
    detect_json,
    example_body,
    looks_like_json,
)
from loaders.jobs.importers.jsonscan import MAX_DEPTH, parse_bounded, salvage
from loaders.jobs.schema import QuarantineRow
from loaders.jobs.store import Store, StoreError
from loaders.jobs.timeutil import utc_now

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
    # records read but lost with a batch whose store write failed (full disk, lock, read-only);
    # `error` says why, and nothing of that batch is in the store
    not_stored: int = 0
    warnings: list[str] = field(default_factory=list)
    error: str | None = None  # the file could not be imported (or not to its end)
    skipped: str | None = None  # not read because it was imported already in the same run

    @property
    def adds_up(self) -> bool:
        return self.read == self.inserted + self.updated + self.quarantined + self.duplicates + self.not_stored

    def store_failed(self, reason: str) -> None:
        """The write of the current batch failed: every record read and not yet counted was not stored."""
        self.error = f"cannot store: {reason}"
        self.not_stored = self.read - (self.inserted + self.updated + self.quarantined + self.duplicates)

    @property
    def description(self) -> str:
        return EXPORT_FORMATS[self.format][1] if self.format in EXPORT_FORMATS else "unrecognised"

    def summary(self) -> str:
        if self.skipped:
            return f"{self.path}: skipped: {self.skipped}"
        if self.error and self.read:
            return (f"{self.path}: stopped after {self.read} records ({self.inserted} inserted, {self.updated} "
                    f"updated, {self.quarantined} quarantined, {self.duplicates} duplicates, "
                    f"{self.not_stored} not stored): {self.error}")
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
    seen: dict[tuple[int, int], str] = {}
    for path in paths:
        # Built on first need for each file, so it includes vaults of files imported before.
        vaults = cache(partial(known_vaults, store))
        identity = _file_identity(Path(path))
        if identity is not None and identity in seen:
            report = ImportReport(path=str(path), skipped=f"the same file as {seen[identity]}, imported above")
        else:
            if identity is not None:
                seen[identity] = str(path)
            try:
                report = import_file(store, Path(path), resolver, vaults)
            except Exception as exc:  # a bug must cost this file, not the files after it
                report = ImportReport(path=str(path), error=f"internal error: {type(exc).__name__}: {exc}")
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


def _file_identity(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


# CSV exports at least this big are read line by line and stored in batches of BATCH_ROWS
# records, so memory stays bounded; smaller files are read whole and stored in one transaction.
STREAM_FROM_BYTES = 16 * 1024 * 1024
BATCH_ROWS = 50_000
_HEAD_BYTES = 64 * 1024


def import_file(store: Store, path: Path, resolver: Resolver,
                vaults: Callable[[], VaultDirectory] = VaultDirectory.empty, *,
                stream_from: int = STREAM_FROM_BYTES, batch_rows: int = BATCH_ROWS) -> ImportReport:
    report = ImportReport(path=str(path))
    try:
        # files are named on purpose here, so a pipe (`jobs import <(az backup job list ...)`) is read
        handle = open_regular_file(path, allow_pipe=True)
    except OSError as exc:
        report.error = f"cannot read: {describe_os_error(exc, path)}"
        return report
    now = utc_now()
    writer = _Writer(store, resolver, report, _file_source(path))
    with handle:
        try:
            head = handle.read(_HEAD_BYTES)
            if not head and stat.S_ISFIFO(os.fstat(handle.fileno()).st_mode):
                raise UnreadableFile("nothing came through this named pipe (no program was writing to it)")
            if _streamable_csv(head, handle, stream_from):
                handle.seek(0)
                parsed = Parsed("la-csv", _label("la-csv", path.name), on_batch=writer.write, batch_size=batch_rows)
                writer.source = parsed.source
                report.format, report.source = parsed.format, parsed.source
                loganalytics.read_csv(parsed, stream_lines(handle), path.name, now, vaults)
            else:
                data = head + handle.read()
                parsed = parse_bytes(data, path.name, now, vaults)
                writer.source = parsed.source
        except UnreadableFile as exc:
            report.error = str(exc)
            _quarantine_file(store, path, report.error, head)
            return report
        except OSError as exc:
            report.error = f"cannot read: {describe_os_error(exc, path)}"
            return report
        except (StoreError, ValueError) as exc:  # a batch of a streamed file could not be stored
            report.store_failed(str(exc))
            return report
    report.format, report.source = parsed.format, parsed.source
    report.warnings.extend(parsed.warnings)
    try:
        writer.write(parsed.rows, parsed.rejected)
        writer.finish()
    except (StoreError, ValueError) as exc:
        report.store_failed(str(exc))
    return report


def _streamable_csv(head: bytes, handle: Any, stream_from: int) -> bool:
    """A UTF-8 CSV export big enough to be worth reading line by line."""
    try:
        info = os.fstat(handle.fileno())
    except OSError:
        return False
    if not stat.S_ISREG(info.st_mode) or info.st_size < stream_from or not head.strip() or binary_kind(head):
        return False
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or line_break(head) != b"\n":
        return False  # UTF-16 and carriage-return-only files are decoded as a whole
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace").lstrip()
    first_line = text.split("\n", 1)[0]
    return not looks_like_json(text) and any(d in first_line for d in (",", ";", "\t"))


class _Writer:
    """Stores one file's records batch by batch and keeps its counts exact across batches: of
    several records of one job only the newest is kept (by recency key, None = oldest; on a tie
    the later one), the others count as duplicates."""

    def __init__(self, store: Store, resolver: Resolver, report: ImportReport, file_source: str) -> None:
        self.store, self.resolver, self.report = store, resolver, report
        self.source = file_source
        self.file_source = file_source
        self.newest: dict[tuple[str, str], Any] = {}  # job key -> recency of the record kept
        self.stored: set[tuple[str, str]] = set()  # keys written by an earlier batch of this file
        self.quarantine_cleared = False

    def write(self, rows: list[tuple[str, Any, Any]], rejected: list[QuarantineRow]) -> None:
        report = self.report
        report.read += len(rows) + len(rejected)
        floor = dt.datetime.min
        pending: dict[tuple[str, str], Any] = {}
        for _location, row, recency in rows:
            key = (row.vault_id.lower(), row.job_id.lower())
            if key in self.newest:
                report.duplicates += 1
                if (recency or floor) < (self.newest[key] or floor):
                    continue
            self.newest[key] = recency
            pending[key] = row
        if pending:
            result = self.store.upsert_jobs(self.resolver.apply_all(list(pending.values())), self.source)
            again = sum(1 for key in pending if key in self.stored)  # already counted as duplicates
            report.inserted += result.inserted
            report.updated += result.updated - again
            self.stored.update(pending)
        if rejected or not self.quarantine_cleared:
            replace = [] if self.quarantine_cleared else [self.source, self.file_source]
            report.quarantined += self.store.add_quarantine(rejected, replace_sources=replace)
            self.quarantine_cleared = True

    def finish(self) -> None:
        if not self.quarantine_cleared:
            self.write([], [])


def _file_source(path: Path) -> str:
    return f"{FILE_SOURCE}:{path.name}"


def _quarantine_file(store: Store, path: Path, reason: str, data: bytes) -> None:
    """Keep a rejected file's first bytes, readable and free of control characters (it may be binary)."""
    head = data[:RAW_HEAD].decode("utf-8", errors="backslashreplace")
    shown = "".join(c if c.isprintable() or c in "\n\t" else f"\\x{ord(c):02x}" for c in head)
    try:
        store.add_quarantine([QuarantineRow(_file_source(path), f"{path.name}:1", reason, shown)])
    except StoreError:
        pass  # the report already says the file was not imported


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
        scalar = _json_scalar(decoded.text)
        if scalar is not None:
            raise UnreadableFile(f"JSON {scalar}, not a job export; {EXPECTED}")
        raise UnreadableFile(f"neither JSON nor a CSV header line; {EXPECTED}")
    parsed = Parsed("la-csv", _label("la-csv", name))
    loganalytics.read_csv(parsed, text_lines(decoded, data), name, ingest_time, vaults)
    return parsed


def _json_scalar(text: str) -> str | None:
    """How to name a file that is a single JSON value other than an object or array."""
    try:
        value = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None
    if value is None:
        return "null"
    return f"{type(value).__name__} {json.dumps(value)[:40]}"


def _label(fmt: str, name: str) -> str:
    return f"{EXPORT_FORMATS[fmt][0]}:{name}"


def _parse_json(decoded: DecodedExport, data: bytes, name: str, ingest_time: dt.datetime,
                vaults: Callable[[], VaultDirectory]) -> Parsed:
    bounded = parse_bounded(decoded.text)
    doc, error = bounded.doc, bounded.error
    fmt = detect_json(doc) if error is None else detect_broken_json(bounded.text)
    if fmt is None and rest.is_api_example(doc):
        raise UnreadableFile(f"a REST API example whose responses ({', '.join(rest.EXAMPLE_STATUSES)}) hold no "
                             f"backup jobs; {EXPECTED}")
    if fmt is None:
        what = "JSON" if error is None else f"not valid JSON ({error.msg}; line {error.lineno})"
        raise UnreadableFile(f"{what} and not a job export; {EXPECTED}")
    parsed = Parsed(fmt, _label(fmt, name))
    parsed.hold_too_deep(name, bounded.too_deep)
    if error is None and not decoded.bad_lines:
        _read_json_doc(parsed, doc, name, ingest_time, vaults)
    else:
        _read_json_by_lines(parsed, bounded.text, decoded, data, name, ingest_time, vaults, error)
    for value in parsed.too_deep_outside_records():
        parsed.warnings.append(f"line {value.line}: ignored a value nested more than {MAX_DEPTH} levels deep "
                               f"({value.shown_path()}) outside any job record")
    return parsed


def _read_json_doc(parsed: Parsed, doc: Any, name: str, ingest_time: dt.datetime,
                   vaults: Callable[[], VaultDirectory]) -> None:
    if parsed.format == "rest" and rest.is_null_page(doc):
        parsed.warnings.append("the page's `value` is null: it lists no jobs")
    elif parsed.format == "la-query":
        loganalytics.read_query_doc(parsed, doc, name, ingest_time, vaults)
    elif parsed.format == "la-rows":
        loganalytics.read_rows_doc(parsed, doc if isinstance(doc, list) else [doc], name, ingest_time, vaults)
    else:
        prefix, body = example_body(doc) if parsed.format == "rest-example" else ("$", doc)
        for location, job in rest.iter_jobs(body):
            # iter_jobs locates records from the body's own root ("$..."); the body sits at `prefix`.
            rest.add_job(parsed, f"{name}:{prefix}{location[1:]}", job, ingest_time)


_COLUMNS_KEY = re.compile(r'"columns"\s*:\s*(?=\[)')


def _read_json_by_lines(parsed: Parsed, text: str, decoded: DecodedExport, data: bytes, name: str,
                        ingest_time: dt.datetime, vaults: Callable[[], VaultDirectory],
                        error: json.JSONDecodeError | None) -> None:
    """Record-by-record reading with line numbers: for JSON that does not parse as a whole, and
    for JSON with lines that are not UTF-8 (those records are quarantined). `text` is the decoded
    text with its too-deep values cut out, lines unchanged."""
    raw_lines = RawLines(data)
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
        too_deep = parsed.too_deep_between(record.line, record.end_line)
        if too_deep:
            parsed.reject(location, too_deep, record.value)
        elif bad:
            raw = "\n".join(raw_lines.text(n) for n in range(record.line, record.end_line + 1))
            parsed.reject(location, f"line {bad[0]}: {decoded.bad_lines[bad[0]]}", raw)
        elif parsed.format == "la-query":
            loganalytics.add_checked_row(parsed, location, check, record.value, ingest_time, vaults)
        elif parsed.format == "la-rows":
            loganalytics.add_record(parsed, location, loganalytics.lower_record(record.value), record.value,
                                    ingest_time, vaults)
        else:
            rest.add_job(parsed, location, record.value, ingest_time)
    if error is not None:
        parsed.warnings.append(
            f"not valid JSON ({error.msg}; line {error.lineno}, column {error.colno}); "
            f"{len(records)} intact records recovered, damaged parts quarantined")
