"""What the Docs QA page shows of a lint report, decided without Streamlit: filter options, the
filtered and sorted findings, table rows, exports, and the lines of a file a finding points at."""
from __future__ import annotations

import dataclasses
import hashlib
import shlex
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from loaders.docs.lint import Finding, LintReport
from loaders.docs.lint.findings import SEVERITIES, SEVERITY_RANK
from loaders.docs.lint.formats import render
from loaders.docs.lint.formats.csv_report import CSV_COLUMNS, findings_csv  # noqa: F401  (re-exported)
from loaders.docs.lint.selection import NO_LOCALE  # noqa: F401  (re-exported)
from loaders.docs.lint.selection import FindingSelection as FindingFilter  # noqa: F401  (re-exported)
from loaders.docs.lint.selection import select_findings as filter_findings  # noqa: F401  (re-exported)
from loaders.docs.slug import article_slug
from loaders.docs.textio import decode

SortOrder = Literal["severity", "file", "rule"]
SORT_ORDERS: tuple[SortOrder, ...] = ("severity", "file", "rule")
ExportFormat = Literal["csv", "sarif", "json"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("csv", "sarif", "json")
EXPORT_MEDIA_TYPES = {"csv": "text/csv", "sarif": "application/sarif+json", "json": "application/json"}


def finding_key(finding: Finding) -> str:
    """A stable id of a finding across reruns and filters (the table's row index changes with both)."""
    digest = hashlib.sha1(finding.message.encode("utf-8", "surrogatepass")).hexdigest()[:10]
    return f"{finding.path}:{finding.line}:{finding.column or 0}:{finding.rule}:{digest}"


def rows_digest(keys: Sequence[str]) -> str:
    """A short id of a list of findings, the same in every process."""
    return hashlib.sha1("\n".join(keys).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def location(path: str | None, line: int | None, column: int | None = None) -> str:
    """'path:line[:column]' as editors and CI logs show it; '' without a path."""
    if not path:
        return ""
    text = f"{path}:{line or 1}"
    return f"{text}:{column}" if column else text


@dataclass(frozen=True)
class FilterOptions:
    """The values each filter offers: only what occurs in the report."""

    severities: tuple[str, ...]
    rules: tuple[str, ...]  # rule ids, in id order
    rule_aliases: dict[str, str]
    locales: tuple[str, ...]  # NO_LOCALE stands for files outside a locale folder
    articles: tuple[str, ...]


def filter_options(findings: Sequence[Finding]) -> FilterOptions:
    present = {f.severity for f in findings}
    aliases: dict[str, str] = {}
    for finding in findings:
        aliases.setdefault(finding.rule, finding.alias)
    return FilterOptions(
        severities=tuple(s for s in SEVERITIES if s in present),
        rules=tuple(sorted(aliases)),
        rule_aliases=aliases,
        locales=tuple(sorted({f.locale or NO_LOCALE for f in findings})),
        articles=tuple(sorted({article_slug(f.path) for f in findings})),
    )


def sort_findings(findings: Iterable[Finding], order: SortOrder = "severity") -> list[Finding]:
    """Severity first (errors on top), by file and line, or by rule; ties keep file order."""
    if order == "file":
        key = Finding.sort_key
    elif order == "rule":
        key = lambda f: (f.rule, *f.sort_key())  # noqa: E731
    else:
        key = lambda f: (SEVERITY_RANK[f.severity], *f.sort_key())  # noqa: E731
    return sorted(findings, key=key)


def severity_counts(findings: Iterable[Finding]) -> dict[str, int]:
    counts = {name: 0 for name in SEVERITIES}
    for finding in findings:
        counts[finding.severity] += 1
    return counts


@dataclass(frozen=True)
class FindingRow:
    key: str
    rule: str  # "TS003 step-numbering"
    severity: str
    location: str  # "it-it/article.md:22:1"
    places: int  # how many lines of the file the finding concerns
    locale: str
    message: str
    source: str  # "en-us/article.md:15" for translation findings, else ""


def table_rows(findings: Iterable[Finding]) -> list[FindingRow]:
    return [
        FindingRow(
            key=finding_key(f),
            rule=f"{f.rule} {f.alias}",
            severity=f.severity,
            location=location(f.path, f.line, f.column),
            places=len(f.locations),
            locale=f.locale or NO_LOCALE,
            message=f.message,
            source=location(f.source_path, f.source_line),
        )
        for f in findings
    ]


def filtered_report(report: LintReport, findings: Iterable[Finding]) -> LintReport:
    """The same run with only `findings` kept, in the run's own order (whatever order the table
    shows), so an export of every finding is byte for byte what the CLI writes."""
    kept = {id(finding) for finding in findings}
    return dataclasses.replace(report, findings=[f for f in report.findings if id(f) in kept])


EXPORT_NAME = "docs-lint"


def export_name(fmt: ExportFormat, kind: Literal["all", "filtered"] = "all") -> str:
    return f"{EXPORT_NAME}.{fmt}" if kind == "all" else f"{EXPORT_NAME}-filtered.{fmt}"


def cli_command(fmt: ExportFormat, selection: FindingFilter) -> str:
    """The lint command whose output a download equals, run in the docs folder."""
    words = ["python -m loaders lint . --format", fmt]
    for flag, values in (("--rule", selection.rules), ("--severity", selection.severities),
                         ("--locale", selection.locales), ("--article", selection.articles)):
        words.extend(f"{flag} {shlex.quote(value)}" for value in values)
    return " ".join(words)


def export(report: LintReport, fmt: ExportFormat) -> str:
    """The lint's own CSV, SARIF or JSON formatter: the same bytes as `python -m loaders lint --format`."""
    return render(report, fmt)


# -- the lines a finding points at ---------------------------------------------------------------

@dataclass(frozen=True)
class Excerpt:
    path: str  # as shown in the finding
    line: int  # the line the finding names
    first: int  # number of the first line shown
    lines: tuple[str, ...]
    error: str | None = None  # why nothing could be shown

    def numbered(self) -> str:
        """The lines with their numbers, the finding's line marked with '>'."""
        width = len(str(self.first + len(self.lines) - 1)) if self.lines else 1
        return "\n".join(
            f"{'>' if number == self.line else ' '} {number:>{width}} | {text}"
            for number, text in enumerate(self.lines, start=self.first)
        )


def resolve_shown_path(shown: str, base: Path) -> Path:
    path = Path(shown)
    return path if path.is_absolute() else base / path


def excerpt(shown: str, line: int, base: Path, context: int = 3, max_bytes: int = 20_000_000) -> Excerpt:
    """Lines `line - context` .. `line + context` of the file, decoded as the parser decodes it
    (BOM removed, invalid UTF-8 replaced), so line numbers match the finding's."""
    path = resolve_shown_path(shown, base)
    try:
        if path.stat().st_size > max_bytes:
            return Excerpt(shown, line, line, (), "too large to show")
        data = path.read_bytes()
    except OSError as exc:
        return Excerpt(shown, line, line, (), exc.strerror or str(exc))
    text = decode(data).text
    # The parser counts \r\n, \r and \n alike as one line end.
    all_lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if len(all_lines) > 1 and all_lines[-1] == "":
        all_lines.pop()  # the final line end does not start another line
    line = max(1, line)
    first = max(1, line - context)
    last = min(len(all_lines), line + context)
    return Excerpt(shown, line, first, tuple(all_lines[first - 1:last]))
