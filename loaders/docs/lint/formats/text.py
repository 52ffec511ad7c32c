"""`path:line:col: RULE alias message`, one finding per line, the format editors and CI logs parse."""
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


def render_text(report: LintReport) -> str:
    return "".join(format_finding(f) + "\n" for f in report.findings)


def summary_line(report: LintReport) -> str:
    summary = report.summary()
    return (
        f"{summary['findings']} finding(s) in {summary['files']} file(s): "
        f"{summary['errors']} error(s), {summary['warnings']} warning(s), {summary['info']} info"
    )
