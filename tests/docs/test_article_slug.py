"""One article identity everywhere: the file name without its extension, whatever wrote the path."""
from __future__ import annotations

from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

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

