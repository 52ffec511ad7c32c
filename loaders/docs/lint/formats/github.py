"""GitHub Actions workflow commands: each finding becomes an annotation on the pull request."""
from __future__ import annotations

from loaders.docs.lint.engine import LintReport

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render_github(report: LintReport) -> str:
    out = []
    for finding in report.findings:
        props = [f"file={_escape_property(finding.path)}", f"line={finding.line}"]
        if finding.column:
            props.append(f"col={finding.column}")
        props.append(f"title={_escape_property(f'{finding.rule} {finding.alias}')}")
        message = finding.message
        if finding.source_path:
            where = finding.source_path + (f":{finding.source_line}" if finding.source_line else "")
            message += f" [source: {where}]"
        out.append(f"::{LEVELS[finding.severity]} {','.join(props)}::{_escape_data(message)}\n")
        for place in finding.others:  # an annotation on every line the finding concerns
            where = [f"file={_escape_property(finding.path)}", f"line={place.line}"]
            if place.column:
                where.append(f"col={place.column}")
            where.append(props[-1])
            also = f"{message} [same finding as line {finding.line}]"
            out.append(f"::{LEVELS[finding.severity]} {','.join(where)}::{_escape_data(also)}\n")
    for error in report.input_errors:
        out.append(f"::error file={_escape_property(error.path)}::{_escape_data(error.message)}\n")
    return "".join(out)
