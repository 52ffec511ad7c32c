"""What a lint rule reports: a `Hit` from the rule, a `Finding` once the engine has placed it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning", "info"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
# Lower rank sorts first and wins when severities are compared.
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


@dataclass(frozen=True)
class Hit:
    """One problem as a rule sees it: where and what; the engine adds rule, severity and file."""

    line: int
    message: str
    column: int | None = None
    source_path: str | None = None
    source_line: int | None = None


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
        }
