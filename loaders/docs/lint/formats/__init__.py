"""Output formats of a lint report; each turns a `LintReport` into the text written to stdout."""
from __future__ import annotations

from collections.abc import Callable

from loaders.docs.lint.engine import LintReport
from loaders.docs.lint.formats.csv_report import render_csv
from loaders.docs.lint.formats.github import render_github
from loaders.docs.lint.formats.json_report import render_json
from loaders.docs.lint.formats.junit import render_junit
from loaders.docs.lint.formats.sarif import render_sarif
from loaders.docs.lint.formats.text import render_text

FORMATS: dict[str, Callable[[LintReport], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
    "junit": render_junit,
    "csv": render_csv,
}


def render(report: LintReport, name: str) -> str:
    return FORMATS[name](report)
