"""`path:line:col: RULE alias message`, one finding per line, the format editors and CI logs parse.

A finding on several lines gets one more line per further place, in the same `path:line:col:` shape
so an editor's problem list jumps to each of them."""
from __future__ import annotations

from loaders.docs.lint.engine import LintReport
from loaders.docs.lint.findings import Finding


def format_finding(finding: Finding) -> str:
    column = finding.column or 1
    line = f"{finding.path}:{finding.line}:{column}: {finding.rule} {finding.alias} {finding.message}"
    if finding.source_path:
        where = finding.source_path + (f":{finding.source_line}" if finding.source_line else "")
        line += f" [source: {where}]"
    return line


def format_other_places(finding: Finding) -> list[str]:
    """One line per further place of the finding, pointing back at its first line."""
    total = len(finding.locations)
    return [
        f"{finding.path}:{place.line}:{place.column or 1}: {finding.rule} {finding.alias} "
        f"place {number} of {total} of the finding on line {finding.line}"
        for number, place in enumerate(finding.others, start=2)
    ]


def render_text(report: LintReport) -> str:
    return "".join(line + "\n" for f in report.findings for line in (format_finding(f), *format_other_places(f)))


def summary_line(report: LintReport) -> str:
    summary = report.summary()
    return (
        f"{summary['findings']} finding(s) in {summary['files']} file(s): "
        f"{summary['errors']} error(s), {summary['warnings']} warning(s), {summary['info']} info"
    )
