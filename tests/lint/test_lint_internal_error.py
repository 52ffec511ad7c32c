"""A rule that raises never brings the run down: it becomes a TS000 internal-error finding for that
file, naming the rule, the file and the exception (never a traceback), and every other rule's findings,
for that file and all other files, are still produced — through the API and in every CLI format."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from loaders.docs.lint import LintConfig, engine, lint
from loaders.docs.lint.rules import ALL_RULES

from .failing_rules import FAILING_RULES, MIDWAY_MESSAGE
from .sarif_schema import checked_run

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).with_name("failing_rules.py")
DUPLICATE = REPO / "tests" / "data" / "lint" / "cause-duplicate" / "bad"
GAP = (
    "---\ntitle: Backup\ndescription: Causes and fixes.\nms.date: 03/02/2026\n---\n\n"
    "# Backup\n\n1. Stop the agent.\n2. Remove the agent.\n4. Start the agent.\n"
)
FILES = ("docs/en-us/agent.md", "docs/en-us/gap.md", "docs/it-it/agent.md")
TRANSLATION = "docs/it-it/agent.md"
# (failing rule, file): every linted file for the article rule, the translation for the two others
EXPECTED_FAILURES = sorted(
    [("TS990 fails-midway", path) for path in FILES]
    + [("TS991 fails-at-once", TRANSLATION), ("TS992 stops-iteration", TRANSLATION)]
)


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    shutil.copytree(DUPLICATE, tmp_path / "docs")
    (tmp_path / "docs" / "en-us" / "gap.md").write_text(GAP, encoding="utf-8")
    return tmp_path


def _failures(findings) -> list[tuple[str, str]]:
    """(failing rule, file) of every internal-error finding, read from its message."""
    found = []
    for finding in findings:
        if finding.rule == "TS000":
            rule = finding.message.split(" failed on ")[0].removeprefix("rule ")
            found.append((rule, finding.path))
    return sorted(found)


# -- the API ----------------------------------------------------------------------------------------
def test_duplicate_cause_translation_is_linted_by_every_rule(tree):
    report = lint([tree / "docs"], config=LintConfig(), base=tree)
    assert [f.rule for f in report.findings if f.rule == "TS000"] == []
    assert [(f.rule, f.path, f.line) for f in report.findings if f.path == TRANSLATION] == [
        ("TS019", TRANSLATION, 16)
    ]
    assert report.exit_code == 0  # a repeated cause and a step gap are warnings


def test_a_failing_rule_costs_only_its_own_findings(tree):
    baseline = lint([tree / "docs"], config=LintConfig(), base=tree)
    report = lint([tree / "docs"], config=LintConfig(), rules=[*ALL_RULES, *FAILING_RULES], base=tree)
    assert _failures(report.findings) == EXPECTED_FAILURES
    # everything the real rules find, on every file, is still there, unchanged
    others = [f for f in report.findings if f.rule not in ("TS000", "TS990")]
    assert others == baseline.findings and {f.rule for f in baseline.findings} == {"TS003", "TS019"}
    # what the failing rule reported before it raised is kept
    assert sorted(f.path for f in report.findings if f.rule == "TS990") == sorted(FILES)
    assert all(f.message == MIDWAY_MESSAGE for f in report.findings if f.rule == "TS990")
    assert baseline.exit_code == 0 and report.exit_code == 1


def test_internal_error_names_rule_file_and_exception_without_a_traceback(tree):
    report = lint([tree / "docs"], config=LintConfig(), rules=[*ALL_RULES, *FAILING_RULES], base=tree)
    internal = {(f.message.split(" failed on ")[0], f.path): f for f in report.findings if f.rule == "TS000"}
    midway = internal[("rule TS990 fails-midway", "docs/en-us/gap.md")]
    assert midway.alias == "internal-error" and midway.severity == "error" and midway.line == 1
    assert midway.locale == "en-us" and midway.source_path is None
    assert ("failed on docs/en-us/gap.md: ValueError: deliberate failure on docs/en-us/gap.md "
            "at failing_rules.py:") in midway.message
    at_once = internal[("rule TS991 fails-at-once", TRANSLATION)]
    assert "KeyError: 'agent-unreachable' at failing_rules.py:" in at_once.message
    assert at_once.locale == "it-it" and at_once.source_path == "docs/en-us/agent.md"
    stop = internal[("rule TS992 stops-iteration", TRANSLATION)]
    assert "RuntimeError: generator raised StopIteration (from StopIteration)" in stop.message
    for finding in internal.values():
        assert "Traceback" not in finding.message and "\n" not in finding.message
        assert "a defect of the lint, not of the article" in finding.message


def test_a_failure_outside_the_rules_costs_only_that_file(tree, monkeypatch):
    baseline = lint([tree / "docs"], config=LintConfig(), base=tree)
    real = engine.find_suppressions

    def fails_on_the_translation(text, *args, **kwargs):
        if "Causa 3" in text:
            raise OSError("suppressions unreadable")
        return real(text, *args, **kwargs)

    monkeypatch.setattr(engine, "find_suppressions", fails_on_the_translation)
    report = lint([tree / "docs"], config=LintConfig(), base=tree)
    internal = [f for f in report.findings if f.rule == "TS000"]
    assert [(f.path, f.message.split(":")[0]) for f in internal] == [
        (TRANSLATION, "the lint failed on docs/it-it/agent.md")]
    assert "OSError: suppressions unreadable" in internal[0].message
    assert [f for f in report.findings if f.path != TRANSLATION] == [
        f for f in baseline.findings if f.path != TRANSLATION]
    assert report.exit_code == 1


# -- the command line, every format -----------------------------------------------------------------
def run(tree: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "lint", "docs", *args],
        cwd=tree, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def _no_crash(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


def test_text(tree):
    result = run(tree)
    _no_crash(result)
    lines = result.stdout.splitlines()
    internal = sorted(
        (line.split(" TS000 internal-error rule ")[1].split(" failed on ")[0], line.split(":")[0])
        for line in lines if " TS000 internal-error " in line
    )
    assert internal == EXPECTED_FAILURES
    assert any(line.startswith("docs/en-us/gap.md:11:1: TS003 step-numbering ") for line in lines)
    assert any(line.startswith(f"{TRANSLATION}:16:") and " TS019 cause-duplicate " in line for line in lines)
    assert "5 error(s)" in result.stderr


def test_json(tree):
    result = run(tree, "--format", "json")
    _no_crash(result)
    data = json.loads(result.stdout)
    internal = [f for f in data["findings"] if f["rule"] == "TS000"]
    assert len(internal) == len(EXPECTED_FAILURES)
    assert all(f["alias"] == "internal-error" and f["severity"] == "error" for f in internal)
    assert {f["rule"] for f in data["findings"]} == {"TS000", "TS003", "TS019", "TS990"}
    assert data["summary"]["by_rule"]["TS000"] == 5 and data["summary"]["exit_code"] == 1


def test_sarif(tree):
    result = run(tree, "--format", "sarif")
    _no_crash(result)
    run_ = checked_run(result.stdout)
    rules = run_["tool"]["driver"]["rules"]
    internal = [r for r in run_["results"] if r["ruleId"] == "TS000"]
    assert len(internal) == 5 and all(r["level"] == "error" for r in internal)
    assert {r["ruleId"] for r in run_["results"]} >= {"TS003", "TS019"}
    assert rules[internal[0]["ruleIndex"]]["name"] == "internal-error"
    # the help link leads to the section of docs/rules.md that explains it
    assert rules[internal[0]["ruleIndex"]]["helpUri"].endswith("#ts000-internal-error")
    assert "\n## TS000 internal-error\n" in (REPO / "docs" / "rules.md").read_text(encoding="utf-8")
    invocation = run_["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert len([n for n in invocation["toolExecutionNotifications"] if n.get("descriptor") == {"id": "TS000"}]) == 5


def test_github(tree):
    result = run(tree, "--format", "github")
    _no_crash(result)
    lines = result.stdout.splitlines()
    internal = [line for line in lines if "title=TS000 internal-error::" in line]
    assert len(internal) == 5 and all(line.startswith("::error file=docs/") for line in internal)
    assert any(line.startswith("::warning file=docs/en-us/gap.md,line=11,") for line in lines)
    assert any("title=TS019 cause-duplicate::" in line for line in lines)


def test_junit(tree):
    result = run(tree, "--format", "junit")
    _no_crash(result)
    root = ET.fromstring(result.stdout)
    errors = root.findall(".//testcase/error")
    assert len(errors) == 5 and all(e.get("type") == "internal-error" for e in errors)
    assert root.get("errors") == "5"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert suites[TRANSLATION].get("errors") == "3"
    assert any(case.get("name").startswith("TS019 cause-duplicate") for case in suites[TRANSLATION].findall("testcase"))
    assert any(case.get("name").startswith("TS003 step-numbering")
               for case in suites["docs/en-us/gap.md"].findall("testcase"))

