"""`{"findings": [...], "summary": {...}}` for scripts and dashboards."""
from __future__ import annotations

import json

from loaders.docs.lint.engine import LintReport


def report_dict(report: LintReport) -> dict[str, object]:
    summary = report.summary()
    summary["sources"] = {
        path: {"source": source, "chosen_by": how} for path, (source, how) in sorted(report.sources.items())
    }
    summary["notes"] = list(report.notes)
    summary["rules"] = {
        active.rule.id: {"alias": active.rule.alias, "severity": active.severity} for active in report.rules
    }
    return {"findings": [f.as_dict() for f in report.findings], "summary": summary}


def render_json(report: LintReport) -> str:
    return json.dumps(report_dict(report), ensure_ascii=False, indent=2) + "\n"
