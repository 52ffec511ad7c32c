"""JUnit XML: one test suite per file, one failing test case per finding, one passing case for a clean file;
a rule that failed on a file (TS000) is an erroring case: the check did not run, rather than failed."""
from __future__ import annotations

from xml.etree import ElementTree as ET

from loaders.docs.lint.engine import LintReport
from loaders.docs.lint.findings import Finding
from loaders.docs.lint.rules import internal_error


def _case(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(
        suite,
        "testcase",
        name=f"{finding.rule} {finding.alias} line {finding.line}",
        classname=finding.path,
        file=finding.path,
        line=str(finding.line),
    )
    text = f"{finding.path}:{finding.line}:{finding.column or 1}: {finding.message}"
    for place in finding.others:
        text += f"\nalso: {finding.path}:{place.line}:{place.column or 1}"
    if finding.source_path:
        text += f"\nsource: {finding.source_path}:{finding.source_line or 1}"
    if finding.rule == internal_error.ID:  # the check itself broke: a JUnit error, not a failed check
        ET.SubElement(case, "error", message=finding.message, type=internal_error.ALIAS).text = text
    elif finding.severity == "info":  # informational: recorded, not a failure
        ET.SubElement(case, "system-out").text = text
    else:
        node = ET.SubElement(case, "failure", message=finding.message, type=finding.severity)
        node.text = text


def render_junit(report: LintReport) -> str:
    by_file: dict[str, list[Finding]] = {path: [] for path in report.files}
    for finding in report.findings:
        by_file.setdefault(finding.path, []).append(finding)
    root = ET.Element("testsuites", name="backup-triage lint")
    total_failures = 0
    total_errors = len(report.input_errors)
    total_tests = 0
    for path, findings in by_file.items():
        errors = sum(1 for f in findings if f.rule == internal_error.ID)
        failures = sum(1 for f in findings if f.severity != "info") - errors
        suite = ET.SubElement(
            root, "testsuite", name=path, tests=str(max(1, len(findings))),
            failures=str(failures), errors=str(errors), skipped="0",
        )
        if findings:
            for finding in findings:
                _case(suite, finding)
        else:
            ET.SubElement(suite, "testcase", name="lint", classname=path, file=path)
        total_failures += failures
        total_errors += errors
        total_tests += max(1, len(findings))
    for error in report.input_errors:
        suite = ET.SubElement(root, "testsuite", name=error.path, tests="1", failures="0", errors="1", skipped="0")
        case = ET.SubElement(suite, "testcase", name="read", classname=error.path)
        ET.SubElement(case, "error", message=error.message, type="input").text = error.message
        total_tests += 1
    root.set("tests", str(total_tests))
    root.set("failures", str(total_failures))
    root.set("errors", str(total_errors))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
