"""The Docs QA downloads are the CLI's own output: with no filter, byte for byte what
`python -m loaders lint . --format csv|json|sarif` writes in the docs folder; and the page's cache
keys on the folder's content."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.core.docs_root import markdown_signature
from dashboard.docs_qa import findings as qa
from dashboard.docs_qa.cache import ReportStore, content_digest, folder_report
from loaders.docs.lint import load_config

REPO = Path(__file__).resolve().parents[2]
TREE = REPO / "tests" / "data" / "docs_qa" / "tree"


def cli(folder: Path, fmt: str, *options: str) -> bytes:
    result = subprocess.run([sys.executable, "-m", "loaders", "lint", ".", "--format", fmt, *options], cwd=folder,
                            capture_output=True, timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)})
    assert result.returncode in (0, 1), result.stderr
    return result.stdout


def page_downloads(folder: Path) -> dict[str, bytes]:
    """What the page offers with no filter, in its default (severity) table order."""
    report = folder_report(folder, load_config(start=folder))
    shown = qa.sort_findings(qa.filter_findings(report.findings, qa.FindingFilter()), "severity")
    exported = qa.filtered_report(report, shown)
    return {fmt: qa.export(exported, fmt).encode("utf-8") for fmt in qa.EXPORT_FORMATS}


@pytest.mark.parametrize("fmt", ["csv", "json", "sarif"])
def test_downloads_equal_the_cli_on_the_fixture_tree(fmt):
    assert page_downloads(TREE)[fmt] == cli(TREE, fmt)


@pytest.mark.corpus
def test_downloads_equal_the_cli_on_the_corpus(corpus_dir):
    folder = corpus_dir / "articles"
    downloads = page_downloads(folder)
    for fmt in qa.EXPORT_FORMATS:
        assert downloads[fmt] == cli(folder, fmt), fmt


def test_a_filtered_download_keeps_the_cli_order():
    report = folder_report(TREE, load_config(start=TREE))
    warnings = qa.sort_findings(qa.filter_findings(report.findings, qa.FindingFilter(severities=["warning"])), "rule")
    kept = qa.filtered_report(report, warnings).findings
    assert kept == [f for f in report.findings if f.severity == "warning"]


@pytest.mark.parametrize("fmt", ["csv", "json", "sarif"])
def test_a_filtered_download_equals_the_filtered_cli_run(fmt):
    report = folder_report(TREE, load_config(start=TREE))
    selection = qa.FindingFilter(rules=["cause-mismatch", "TS108"], locales=["it-it"])
    shown = qa.sort_findings(qa.filter_findings(report.findings, selection), "severity")
    assert {f.rule for f in shown} == {"TS102"} and len(shown) == 2
    download = qa.export(qa.filtered_report(report, shown), fmt).encode("utf-8")
    assert download == cli(TREE, fmt, "--rule", "cause-mismatch,TS108", "--locale", "it-it")
    assert qa.cli_command(fmt, selection) == (
        f"python -m loaders lint . --format {fmt} --rule cause-mismatch --rule TS108 --locale it-it")


def test_cli_selection_sets_the_exit_status_and_rejects_unknown_severities():
    def run(*options: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "loaders", "lint", ".", *options], cwd=TREE, capture_output=True,
                              timeout=300, env={**os.environ, "PYTHONPATH": str(REPO)}, text=True)

    warnings = run("--severity", "warning", "--article", "agent-errors")
    assert warnings.returncode == 0  # the errors of the run are not selected
    assert warnings.stdout.splitlines() == [
        "it-it/agent-errors.md:22:1: TS003 step-numbering step 3 missing in 'Il servizio dell'agente è arrestato': "
        "numbering goes 1, 2, 4"]
    assert run("--severity", "error").returncode == 1
    wrong = run("--severity", "fatal")
    assert wrong.returncode == 2 and "--severity fatal" in wrong.stderr and not wrong.stdout


def test_the_cache_key_is_the_content_not_the_mtime(tmp_path):
    (tmp_path / "en-us").mkdir()
    article = tmp_path / "en-us" / "a.md"
    article.write_text("# A\n", encoding="utf-8")
    store = ReportStore()
    before = store.digest(str(tmp_path), markdown_signature(tmp_path))
    os.utime(article, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))  # touched, same bytes
    assert markdown_signature(tmp_path) != () and store.digest(str(tmp_path), markdown_signature(tmp_path)) == before
    article.write_text("# B\n", encoding="utf-8")
    assert store.digest(str(tmp_path), markdown_signature(tmp_path)) != before
    os.mkfifo(tmp_path / "en-us" / "pipe.md")  # never read: it would block
    assert content_digest(tmp_path, markdown_signature(tmp_path))
