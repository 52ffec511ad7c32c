"""Our own articles (docs_source/, every language) pass the lint with no finding at all."""
from __future__ import annotations

from loaders.docs.lint import lint, load_config


def test_docs_source_has_no_findings(docs_source_dir, repo_dir):
    report = lint([docs_source_dir], config=load_config(start=repo_dir), base=repo_dir)
    assert report.files, "docs_source has no articles"
    assert not report.input_errors
    assert [f"{f.path}:{f.line}: {f.rule} {f.alias} {f.message}" for f in report.findings] == []
