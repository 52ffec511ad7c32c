"""CSV, one finding per row, for a spreadsheet; a finding's further places in one `other_locations` cell."""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from loaders.docs.lint.engine import LintReport
from loaders.docs.lint.findings import Finding

CSV_COLUMNS = ("rule", "alias", "severity", "path", "line", "column", "locale", "message",
               "source_path", "source_line", "other_locations")


def _row(finding: Finding) -> dict[str, object]:
    row = {name: "" if value is None else value for name, value in finding.as_dict().items() if name in CSV_COLUMNS}
    row["other_locations"] = " ".join(
        f"{place.line}:{place.column}" if place.column else str(place.line) for place in finding.others
    )
    return row


def findings_csv(findings: Iterable[Finding]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for finding in findings:
        writer.writerow(_row(finding))
    return out.getvalue()


def render_csv(report: LintReport) -> str:
    return findings_csv(report.findings)
