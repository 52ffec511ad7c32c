"""One article identity everywhere: the file name without its extension, whatever wrote the path."""
from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from loaders.docs import load_graph
from loaders.docs.align import group_by_article
from loaders.docs.parse import parse_text
from loaders.docs.slug import article_slug

ARTICLE = "---\nms.date: 03/01/2024\n---\n# T\n\n## <a name=\"e1\"></a>E1\n\n**Error code**: E1\n"


@pytest.mark.parametrize(
    "path",
    [
        "docs/en-us/vm-backup-job-errors.md",
        "vm-backup-job-errors.md",
        "docs/en-us/vm-backup-job-errors.MD",
        "docs\\it-it\\vm-backup-job-errors.md",
        "C:\\docs\\ja-jp\\vm-backup-job-errors.Md",
        "\\\\server\\share\\de-de\\vm-backup-job-errors.md",
        "mixed/de-de\\vm-backup-job-errors.md",
        Path("docs") / "fr-fr" / "vm-backup-job-errors.md",
        PurePosixPath("/srv/docs/es-es/vm-backup-job-errors.md"),
        PureWindowsPath("C:/docs/es-es/vm-backup-job-errors.md"),
    ],
)
def test_slug_of_posix_and_windows_paths(path) -> None:
    assert article_slug(path) == "vm-backup-job-errors"


def test_slug_of_an_article_is_the_slug_of_its_path() -> None:
    article = parse_text(ARTICLE, "C:\\docs\\it-it\\agent-failures.md")
    assert article_slug(article) == "agent-failures"
    assert article_slug(parse_text(ARTICLE, "en-us/Agent-Failures.MD")) == "Agent-Failures"  # case of the name kept


def test_only_the_last_extension_goes() -> None:
    assert article_slug("en-us/release-notes.2024.md") == "release-notes.2024"
    assert article_slug("en-us/no-extension") == "no-extension"


def test_graph_finds_an_article_by_slug_whatever_its_extension_case(tmp_path: Path) -> None:
    for locale, name in (("en-us", "agent-failures.md"), ("it-it", "agent-failures.MD")):
        (tmp_path / locale).mkdir()
        (tmp_path / locale / name).write_text(ARTICLE, encoding="utf-8")
    graph = load_graph(tmp_path, cache=False)
    assert graph.article("agent-failures", "en-us") is not None
    assert graph.article("agent-failures", "it-it") is not None
    groups = group_by_article(graph.articles())
    assert list(groups) == ["agent-failures.md"]
    assert sorted(a.locale for a in groups["agent-failures.md"]) == ["en-us", "it-it"]
