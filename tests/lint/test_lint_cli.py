"""`python -m loaders lint` end to end: formats, exit codes, configuration, suppressions, bad input."""
from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .sarif_schema import checked_run

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "data" / "lint"
HEADER = "---\ntitle: Backup\ndescription: Causes and fixes.\nms.date: 03/02/2026\n---\n\n"
GAP = HEADER + "# Backup\n\n1. Stop the agent.\n2. Remove the agent.\n4. Start the agent.\n"
BROKEN = (HEADER + "# Backup\n\n## Backup fails\n\n**Cause 1: [Agent stopped](#agent-stoped)**\n\n"
          "## Causes\n\n### Agent stopped\n\nStart it.\n")


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "loaders", "lint", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    (tmp_path / "docs" / "en-us").mkdir(parents=True)
    (tmp_path / "docs" / "en-us" / "gap.md").write_text(GAP)
    (tmp_path / "docs" / "en-us" / "broken.md").write_text(BROKEN)
    return tmp_path


# -- output formats ---------------------------------------------------------------------------------
def test_text_format_is_path_line_col_rule_alias_message(tree):
    result = run("docs", cwd=tree)
    assert result.returncode == 1  # the broken cause link is an error
    lines = result.stdout.splitlines()
    assert "docs/en-us/gap.md:11:1: TS003 step-numbering step 3 missing in 'Backup': numbering goes 1, 2, 4" in lines
    assert any(re.match(r"^docs/en-us/broken\.md:11:\d+: TS001 cause-link-target .*#agent-stoped", line)
               for line in lines)
    assert "finding(s)" in result.stderr  # the summary goes to stderr, findings only on stdout


def test_json_format(tree):
    result = run("docs", "--format", "json", cwd=tree)
    data = json.loads(result.stdout)
    keys = {"rule", "alias", "severity", "path", "line", "column", "locale", "message", "source_path", "source_line",
            "locations"}
    assert data["findings"] and all(set(f) == keys for f in data["findings"])
    gap = next(f for f in data["findings"] if f["rule"] == "TS003")
    assert gap == {
        "rule": "TS003", "alias": "step-numbering", "severity": "warning", "path": "docs/en-us/gap.md",
        "line": 11, "column": 1, "locale": "en-us",
        "message": "step 3 missing in 'Backup': numbering goes 1, 2, 4", "source_path": None, "source_line": None,
        "locations": [{"line": 11, "column": 1}],
    }
    assert data["summary"]["errors"] == 1 and data["summary"]["warnings"] == 1 and data["summary"]["exit_code"] == 1



def test_sarif_is_what_github_code_scanning_reads(tree):
    result = run("docs", "--format", "sarif", cwd=tree)
    run_ = checked_run(result.stdout)
    rules = run_["tool"]["driver"]["rules"]
    for res in run_["results"]:
        location = res["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert not location["artifactLocation"]["uri"].startswith(("/", "file:"))
    gap = next(r for r in run_["results"] if r["ruleId"] == "TS003")
    assert gap["level"] == "warning"
    assert gap["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "docs/en-us/gap.md"
    assert gap["locations"][0]["physicalLocation"]["region"] == {"startLine": 11, "startColumn": 1}
    assert run_["originalUriBaseIds"]["%SRCROOT%"]["uri"] == tree.resolve().as_uri() + "/"
    assert {r["name"] for r in rules} >= {"cause-link-target", "step-numbering", "untranslated-prose"}


def test_github_annotations(tree):
    result = run("docs", "--format", "github", cwd=tree)
    lines = result.stdout.splitlines()
    assert ("::warning file=docs/en-us/gap.md,line=11,col=1,title=TS003 step-numbering::"
            "step 3 missing in 'Backup': numbering goes 1, 2, 4") in lines
    assert any(line.startswith("::error file=docs/en-us/broken.md,line=11,") for line in lines)


def test_github_annotation_escaping():
    from loaders.docs.lint.engine import LintReport
    from loaders.docs.lint.findings import Finding
    from loaders.docs.lint.formats.github import render_github

    finding = Finding("TS003", "step-numbering", "info", "a,b:c.md", 3, None, "en-us", "50% done\nnext")
    out = render_github(LintReport([finding], ["a,b:c.md"], [], []))
    assert out == "::notice file=a%2Cb%3Ac.md,line=3,title=TS003 step-numbering::50%25 done%0Anext\n"


def test_junit_xml(tree):
    result = run("docs", "--format", "junit", cwd=tree)
    root = ET.fromstring(result.stdout)
    assert root.tag == "testsuites" and root.get("failures") == "2"
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"docs/en-us/gap.md", "docs/en-us/broken.md"}
    failure = suites["docs/en-us/gap.md"].find("testcase/failure")
    assert failure.get("type") == "warning" and "step 3 missing" in failure.get("message")


def test_output_file(tree):
    result = run("docs", "--format", "json", "-o", "out/lint.json", cwd=tree)
    assert result.returncode == 2 and "cannot write out/lint.json" in result.stderr  # missing folder: clear error
    result = run("docs", "--format", "json", "-o", "lint.json", cwd=tree)
    assert result.returncode == 1 and json.loads((tree / "lint.json").read_text())["findings"]


def test_list_rules(tree):
    result = run("--list-rules", cwd=tree)
    assert result.returncode == 0
    assert re.search(r"^TS003  step-numbering\s+warning\s+An ordered list", result.stdout, re.M)
    listed = json.loads(run("--list-rules", "--format", "json", cwd=tree).stdout)
    from loaders.docs.lint.rules import ALL_RULES

    assert [r["id"] for r in listed] == [r.id for r in ALL_RULES]


# -- exit codes and configuration -----------------------------------------------------------------
def test_exit_codes(tree):
    (tree / "clean.md").write_text(HEADER + "# Backup\n\nRetry the backup.\n")
    assert run("clean.md", cwd=tree).returncode == 0
    assert run("docs/en-us/gap.md", cwd=tree).returncode == 0  # warnings only
    assert run("docs", cwd=tree).returncode == 1
    missing = run("docs", "nowhere.md", cwd=tree)
    assert missing.returncode == 2 and "nowhere.md: no such file or folder" in missing.stderr
    assert "TS001" in missing.stdout  # the readable files are still reported
    assert run(cwd=tree).returncode == 2  # no path


def test_pyproject_configuration(tree):
    (tree / "pyproject.toml").write_text(
        "[tool.backup-triage.lint]\ndisable = ['cause-link-target']\n"
        "[tool.backup-triage.lint.severity]\nstep-numbering = 'error'\n"
    )
    result = run("docs", "--format", "json", cwd=tree)
    data = json.loads(result.stdout)
    assert [(f["rule"], f["severity"]) for f in data["findings"]] == [("TS003", "error")]
    assert result.returncode == 1


def test_exclude_patterns(tree):
    (tree / "lint.toml").write_text("exclude = ['docs/*/broken.md']\n")
    result = run("docs", "--config", "lint.toml", "--format", "json", cwd=tree)
    data = json.loads(result.stdout)
    assert {f["path"] for f in data["findings"]} == {"docs/en-us/gap.md"} and data["summary"]["files"] == 1
    assert result.returncode == 0


def test_config_file_required_metadata_and_heading_jump(tree):
    (tree / "lint.toml").write_text("required-metadata = ['title', 'ms.author']\nheading-jump = 'off'\n")
    (tree / "doc.md").write_text(HEADER + "# Backup\n\n### Deep\n\nText.\n")
    result = run("doc.md", "--config", "lint.toml", "--format", "json", cwd=tree)
    findings = json.loads(result.stdout)["findings"]
    assert [(f["rule"], f["message"]) for f in findings] == [("TS009", "required metadata 'ms.author' is missing")]
    default = json.loads(run("doc.md", "--format", "json", cwd=tree).stdout)["findings"]
    assert [(f["rule"], f["severity"]) for f in default] == [("TS008", "info")]


@pytest.mark.parametrize("content,message", [
    ("disable = ['no-such-rule']\n", "unknown rule 'no-such-rule'"),
    ("[severity]\nstep-numbering = 'fatal'\n", "severity must be one of"),
    ("colour = 'blue'\n", "unknown key(s) colour"),
    ("source-locale = 'english'\n", "not a locale tag"),
    ("max-file-size = [\n", "invalid TOML"),
    ("[rules.heading-jump]\ndepth = 2\n", "unknown option(s) depth"),
    ("source-locale = 'fr-fr'\n".encode("utf-16"), "invalid TOML: not UTF-8 text (byte 0)"),
    (b"title = 'caf\xe9'\n", "invalid TOML: not UTF-8 text (byte 12)"),
])
def test_bad_configuration_is_a_usage_error(tree, content, message):
    if isinstance(content, bytes):
        (tree / "bad.toml").write_bytes(content)
    else:
        (tree / "bad.toml").write_text(content)
    result = run("docs", "--config", "bad.toml", cwd=tree)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr


# -- inline suppression -----------------------------------------------------------------------------
def test_suppression_covers_the_next_block_only(tree):
    doc = HEADER + (
        "# Backup\n\n<!-- backup-triage-disable step-numbering -->\n1. One.\n3. Three.\n\n"
        "Text.\n\n1. One.\n3. Three.\n"
    )
    (tree / "doc.md").write_text(doc)
    findings = json.loads(run("doc.md", "--format", "json", cwd=tree).stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("TS003", 16)]


def test_file_suppression_and_unknown_names(tree):
    (tree / "doc.md").write_text("# Backup\n\n1. One.\n3. Three.\n\n"
                                 "<!-- backup-triage-disable-file TS003, metadata-required -->\n")
    assert json.loads(run("doc.md", "--format", "json", cwd=tree).stdout)["findings"] == []
    (tree / "other.md").write_text(GAP + "\n<!-- backup-triage-disable-file no-such-rule -->\n")
    findings = json.loads(run("other.md", "--format", "json", cwd=tree).stdout)["findings"]
    assert [(f["rule"], f["line"]) for f in findings] == [("TS003", 11), ("TS018", 13)]


# -- bad input: a finding or a clear message, never a traceback --------------------------------------
def test_bad_input_never_crashes(tree):
    bad = tree / "bad"
    bad.mkdir()
    (bad / "binary.md").write_bytes(bytes(range(256)) * 40)
    (bad / "empty.md").write_bytes(b"")
    (bad / "yaml.md").write_text("---\ntitle: [unclosed\nms.date: 03/02/2026\n---\n# Backup\n")
    (bad / "latin1.md").write_bytes(HEADER.encode() + "# Sauvegarde\n\nLa sauvegarde a échoué.\n".encode("latin-1"))
    with open(bad / "huge.md", "wb") as handle:  # 10 MB, over the default 5 MB limit
        line = b"1. Retry the backup after the agent restarts and the network is back.\n"
        handle.write(line * (10_000_000 // len(line) + 1))
    result = run("bad", "--format", "json", cwd=tree)
    assert "Traceback" not in result.stderr
    assert result.returncode == 1
    by_file: dict[str, set[str]] = {}
    for finding in json.loads(result.stdout)["findings"]:
        by_file.setdefault(finding["path"].split("/")[-1], set()).add(finding["rule"])
    assert "TS013" in by_file["binary.md"]
    assert by_file["empty.md"] == {"TS009"}  # no front matter, nothing else to say
    assert "TS012" in by_file["yaml.md"]
    assert by_file["latin1.md"] == {"TS013"}
    assert by_file["huge.md"] == {"TS015"}


def test_unknown_and_odd_locales(tree):
    result = run("docs", "--source-locale", "klingon", cwd=tree)
    assert result.returncode == 2 and "'klingon' is not a locale tag" in result.stderr
    (tree / "docs" / "xx-zz").mkdir()
    (tree / "docs" / "xx-zz" / "gap.md").write_text(GAP)  # well-formed but unknown: compared like any other
    data = json.loads(run("docs", "--format", "json", cwd=tree).stdout)
    assert data["summary"]["sources"]["docs/xx-zz/gap.md"]["source"] == "docs/en-us/gap.md"
    result = run("docs", "--source-locale", "fr-fr", cwd=tree)  # nobody is in fr-fr: a note, not a failure
    assert "no fr-fr articles among the linted files" in result.stderr


def test_folder_without_markdown_is_reported(tree):
    (tree / "empty").mkdir()
    result = run("empty", cwd=tree)
    assert result.returncode == 2 and "no Markdown (.md) files" in result.stderr


def test_unreadable_entries_are_input_errors_and_the_rest_is_linted(tree):
    """Entries nobody can read, root included: each is named on stderr (exit 2), the others are linted."""
    import os

    en = tree / "docs" / "en-us"
    (en / "gone.md").symlink_to(en / "missing-target.md")
    (en / "loop.md").symlink_to(en / "loop.md")
    os.mkfifo(en / "pipe.md")  # a plain open() would block the run
    (en / "folder.md").mkdir()  # a folder named like an article is searched, not read
    result = run("docs", "docs/en-us/pipe.md", "--format", "json", cwd=tree)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("lint: ")]
    assert sorted(errors) == sorted([
        f"lint: docs/en-us/gone.md: cannot read: broken symbolic link "
        f"(its target {en / 'missing-target.md'} does not exist)",
        "lint: docs/en-us/loop.md: cannot read: symbolic link loop (the link leads back to itself)",
        "lint: docs/en-us/pipe.md: cannot read: a named pipe (FIFO), not a regular file",
        "lint: docs/en-us/pipe.md: a named pipe (FIFO), not a regular file",
    ])
    data = json.loads(result.stdout)
    assert {f["path"] for f in data["findings"]} == {"docs/en-us/gap.md", "docs/en-us/broken.md"}
    assert len(data["summary"]["input_errors"]) == 4


def test_source_locale_may_be_written_with_an_underscore(tree):
    (tree / "docs" / "it-it").mkdir()
    (tree / "docs" / "it-it" / "gap.md").write_text(GAP)
    data = json.loads(run("docs", "--source-locale", "IT_it", "--format", "json", cwd=tree).stdout)
    assert data["summary"]["sources"]["docs/en-us/gap.md"]["source"] == "docs/it-it/gap.md"
