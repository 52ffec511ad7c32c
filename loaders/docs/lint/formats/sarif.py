"""SARIF 2.1.0, as GitHub code scanning accepts it (rules in tool.driver.rules, located results)."""
from __future__ import annotations

import json
from pathlib import Path

from loaders.docs.lint.docs import fence
from loaders.docs.lint.engine import LintReport
from loaders.docs.lint.findings import Finding
from loaders.docs.lint.registry import Rule
from loaders.docs.lint.rules import internal_error

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
TOOL_NAME = "backup-triage-lint"
TOOL_VERSION = "0.1.0"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
BASE_ID = "%SRCROOT%"
DOCS = Path(__file__).resolve().parents[4] / "docs" / "rules.md"


def _help_markdown(rule: Rule) -> str:
    parts = [rule.description]
    if rule.rationale:
        parts.append(rule.rationale)
    if rule.bad.source is not None:
        parts.append("Source article:\n\n" + fence(rule.bad.source))
    parts.append("Reported:\n\n" + fence(rule.bad.text))
    parts.append("Not reported:\n\n" + fence(rule.good.text))
    return "\n\n".join(parts)


def _rule_entry(rule: Rule, severity: str, help_base: str) -> dict[str, object]:
    return {
        "id": rule.id,
        "name": rule.alias,
        "shortDescription": {"text": rule.description},
        "fullDescription": {"text": (rule.rationale or rule.description)},
        "helpUri": f"{help_base}#{rule.id.lower()}-{rule.alias}",
        "help": {"text": rule.description, "markdown": _help_markdown(rule)},
        "defaultConfiguration": {"level": LEVELS[severity]},
        "properties": {"tags": ["documentation", rule.scope]},
    }


def _internal_error_entry(help_base: str) -> dict[str, object]:
    return {
        "id": internal_error.ID,
        "name": internal_error.ALIAS,
        "shortDescription": {"text": internal_error.DESCRIPTION},
        "fullDescription": {"text": internal_error.RATIONALE},
        "helpUri": f"{help_base}#{internal_error.ANCHOR}",
        "help": {"text": internal_error.DESCRIPTION,
                 "markdown": f"{internal_error.DESCRIPTION}\n\n{internal_error.RATIONALE}"},
        "defaultConfiguration": {"level": LEVELS[internal_error.SEVERITY]},
        "properties": {"tags": ["tool"]},
    }


def _location(path: str, line: int, column: int | None) -> dict[str, object]:
    if Path(path).is_absolute():
        artifact: dict[str, object] = {"uri": Path(path).as_uri()}
    else:
        artifact = {"uri": path, "uriBaseId": BASE_ID}
    region: dict[str, object] = {"startLine": max(1, line)}
    if column:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": artifact, "region": region}}


def _result(finding: Finding, index: int) -> dict[str, object]:
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "ruleIndex": index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(finding.path, finding.line, finding.column)],
    }
    if finding.locale:
        result["properties"] = {"locale": finding.locale}
    related_locations = []
    if finding.source_path:
        related = _location(finding.source_path, finding.source_line or 1, None)
        related["id"] = 1
        related["message"] = {"text": "source-language article compared against"}
        related_locations.append(related)
    total = len(finding.locations)
    for number, place in enumerate(finding.others, start=2):  # every further line the finding concerns
        related = _location(finding.path, place.line, place.column)
        related["id"] = len(related_locations) + 1
        related["message"] = {"text": f"place {number} of {total} of this finding"}
        related_locations.append(related)
    if related_locations:
        result["relatedLocations"] = related_locations
    return result


def sarif_log(report: LintReport, base: Path | None = None, help_uri: str | None = None) -> dict[str, object]:
    base = (base or Path.cwd()).resolve()
    help_base = help_uri or DOCS.as_uri()
    rules = [active.rule for active in report.rules]
    index = {rule.id: position for position, rule in enumerate(rules)}
    driver_rules = [_rule_entry(a.rule, a.severity, help_base) for a in report.rules]
    if any(f.rule == internal_error.ID for f in report.findings):
        index[internal_error.ID] = len(driver_rules)
        driver_rules.append(_internal_error_entry(help_base))
    results = [_result(f, index[f.rule]) for f in report.findings if f.rule in index]
    notifications = [
        {"level": "error", "message": {"text": f"{e.path}: {e.message}"}} for e in report.input_errors
    ] + [  # a rule that failed is a problem of the tool's run as well as a result on the file
        {"level": "error", "message": {"text": f.message}, "locations": [_location(f.path, f.line, None)],
         "descriptor": {"id": internal_error.ID}}
        for f in report.findings if f.rule == internal_error.ID
    ]
    run: dict[str, object] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": TOOL_VERSION,
                "informationUri": help_base,
                "rules": driver_rules,
            }
        },
        "originalUriBaseIds": {BASE_ID: {"uri": base.as_uri() + "/"}},
        "results": results,
        "invocations": [
            {
                "executionSuccessful": not report.input_errors and internal_error.ID not in index,
                "toolExecutionNotifications": notifications,
            }
        ],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def render_sarif(report: LintReport) -> str:
    return json.dumps(sarif_log(report, report.base, report.help_uri), ensure_ascii=False, indent=2) + "\n"
