"""What every file reader produces: job rows with their location, and rejected records."""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from loaders.jobs.importers.jsonscan import MAX_DEPTH, TooDeep
from loaders.jobs.schema import JobRow, QuarantineRow


class RecordError(ValueError):
    """One record cannot become a job row; the message says why (field and value)."""


class UnreadableFile(Exception):
    """The file as a whole is not something we can import; the message says why."""


@dataclass
class Parsed:
    """Result of reading one file, before de-duplication and storage."""

    format: str  # short name, see detect.FORMATS
    source: str  # JobRow.source label, e.g. "az-cli:jobs.json"
    rows: list[tuple[str, JobRow, Any]] = field(default_factory=list)  # (location, row, recency key)
    rejected: list[QuarantineRow] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    # Set by a reader that streams a big file: called with each full batch of rows and of
    # rejected records, which are then dropped here, so memory stays bounded.
    on_batch: Callable[[list[tuple[str, JobRow, Any]], list[QuarantineRow]], None] | None = None
    batch_size: int = 50_000

    _used_locations: set[str] = field(default_factory=set)
    # Values cut out of a JSON file for being nested too deep (see jsonscan.bound_depth), with the file
    # name their paths are relative to, and which of them a record was rejected for.
    _too_deep: list[TooDeep] = field(default_factory=list)
    _too_deep_file: str = ""
    _too_deep_seen: set[int] = field(default_factory=set)

    def hold_too_deep(self, name: str, values: list[TooDeep]) -> None:
        """Records that contain one of `values` are to be rejected rather than read."""
        self._too_deep, self._too_deep_file = list(values), name

    def too_deep_reason(self, location: str) -> str | None:
        """Why the record at `location` ("file:$.value[3]") cannot be read, when it held a value cut for its
        depth; None otherwise."""
        if not self._too_deep or not location.startswith(self._too_deep_file + ":$"):
            return None
        path = location[len(self._too_deep_file) + 1:]
        return self._reason_for(i for i, value in enumerate(self._too_deep) if value.within(path))

    def too_deep_between(self, first_line: int, last_line: int) -> str | None:
        """As `too_deep_reason`, for a record found on lines `first_line`..`last_line`."""
        return self._reason_for(i for i, value in enumerate(self._too_deep) if first_line <= value.line <= last_line)

    def _reason_for(self, indices: Any) -> str | None:
        found = list(indices)
        if not found:
            return None
        self._too_deep_seen.update(found)
        value = self._too_deep[found[0]]
        return (f"holds a value nested more than {MAX_DEPTH} levels deep ({value.shown_path()}, line {value.line}); "
                "a job record is a few levels deep, so this one was not read")

    def too_deep_outside_records(self) -> list[TooDeep]:
        """The cut values no rejected record held (they were in the envelope around the records)."""
        return [value for i, value in enumerate(self._too_deep) if i not in self._too_deep_seen]

    def add_row(self, location: str, row: JobRow, recency: Any) -> None:
        self.rows.append((location, row, recency))
        if self.on_batch is not None and len(self.rows) >= self.batch_size:
            self.flush()

    def reject(self, location: str, reason: str, raw: Any) -> None:
        # Locations key the quarantine; two records on one line must not overwrite each other.
        unique, n = location, 1
        while unique in self._used_locations:
            n += 1
            unique = f"{location} #{n}"
        self._used_locations.add(unique)
        self.rejected.append(QuarantineRow(self.source, unique, reason, raw_text(raw)))
        if self.on_batch is not None and len(self.rejected) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Hand the rows and rejected records gathered so far to `on_batch`."""
        if self.on_batch is not None and (self.rows or self.rejected):
            rows, rejected = self.rows, self.rejected
            self.rows, self.rejected = [], []
            self.on_batch(rows, rejected)


def raw_text(raw: Any) -> str | None:
    if raw is None or isinstance(raw, str):
        return raw
    try:
        return json.dumps(raw, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return repr(raw)


@dataclass(frozen=True)
class VaultDirectory:
    """Vaults the store already knows, to complete sources that name a vault without its
    resource group (custom Log Analytics projections)."""

    by_name: dict[tuple[str, str], list[tuple[str, str]]]  # (subscription, vault name) -> [(vault_id, rg)]

    @classmethod
    def empty(cls) -> VaultDirectory:
        return cls({})

    def lookup(self, subscription_id: str, vault_name: str) -> tuple[str, str] | None:
        found = self.by_name.get((subscription_id.lower(), vault_name.lower()), [])
        return found[0] if len(found) == 1 else None

