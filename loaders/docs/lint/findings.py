"""What a lint rule reports: a `Hit` from the rule, a `Finding` once the engine has placed it.

One finding may concern several lines of its file (the same broken target linked from ten places,
an anchor defined three times): its first place is `line`/`column`, the others are `others`, and
every output format lists each of them so a writer can fix them all.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
# Lower rank sorts first and wins when severities are compared.
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Location:
    """One more place of a finding, in the same file."""

    line: int
    column: int | None = None

    def as_dict(self) -> dict[str, object]:
        return {"line": self.line, "column": self.column}


@dataclass(frozen=True)
class Hit:
    """One problem as a rule sees it: where and what; the engine adds rule, severity and file."""

    line: int
    message: str
    column: int | None = None
    source_path: str | None = None
    source_line: int | None = None
    others: tuple[Location, ...] = ()  # further lines of the file the same problem is on


@dataclass(frozen=True)
class Finding:
    rule: str  # stable id, e.g. "TS001"
    alias: str  # short name, e.g. "cause-link-target"
    severity: Severity
    path: str  # as shown to the user (relative to the working directory when possible)
    line: int  # 1-based
    column: int | None
    locale: str | None
    message: str
    source_path: str | None = None  # translation rules: the source-language article compared against
    source_line: int | None = None
    others: tuple[Location, ...] = ()  # further places in the same file, in line order

    @property
    def locations(self) -> tuple[Location, ...]:
        """Every place of the finding, its first one first."""
        return (Location(self.line, self.column), *self.others)

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column or 0, self.rule, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "alias": self.alias,
            "severity": self.severity,
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "locale": self.locale,
            "message": self.message,
            "source_path": self.source_path,
            "source_line": self.source_line,
            "locations": [place.as_dict() for place in self.locations],
        }
