"""The parser never raises: random bytes, truncated real articles, hostile Markdown."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from loaders.docs import parse_text
from loaders.docs.model import Article

PIECES = [
    "---\n", "# ", "## ", "##### ", "<a name=\"x\"></a>", "<a id='y'></a>\n", "Cause 1: ", "原因4：", "[t](#x)",
    "**Error code**: ", "ErrorCodeToken", "<br>", "\r\n", "\n", "> [!NOTE]\n", ">[!Note]", "> [AZURE.NOTE]",
    "1. ", "4. ", "- ", "   ", "| a | b |\n|---|---|\n", "```", "~~~", "[!INCLUDE [x](../i.md)]", "<properties\n",
    "pageTitle=\"t\"/>", "<tags ms.date=\"99/99/9999\"/>", "ms.date: 02/30/2017\n", "title: 'x\n", "<span class=\"sxs-lookup\">",
    "<span data-ttu-id=\"1\">", "</span>", "\ufeff", "\x00", "\u00a0", "Причина 1. ", "**", "*", "`", "<", ">", "[", "]", "(", ")",
]


def _check(article: Article) -> None:
    assert isinstance(article, Article)
    assert not [p for p in article.problems if p.kind == "internal"], article.problems
    for error in article.errors:
        assert isinstance(error.id, str)
    for problem in article.problems:
        assert problem.line >= 0


def test_random_bytes_never_raise() -> None:
    rng = random.Random(20240517)
    for _ in range(150):
        data = bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 600)))
        _check(parse_text(data, "fuzz.md"))


def test_markdown_soup_never_raises() -> None:
    rng = random.Random(7)
    for _ in range(300):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randrange(1, 80)))
        _check(parse_text(text, "soup.md"))
        _check(parse_text(text.encode("utf-8")[: rng.randrange(0, len(text.encode("utf-8")) + 1)], "soup.md"))


def test_deep_nesting_never_raises() -> None:
    _check(parse_text("> " * 5000 + "text\n" + "- " * 3000 + "x\n" + "[" * 5000 + "](#a)"))


@pytest.mark.corpus
def test_truncated_corpus_articles_never_raise(corpus_dir: Path) -> None:
    rng = random.Random(3)
    files = sorted(corpus_dir.glob("articles/*/*/articles/backup/*.md"))
    for path in rng.sample(files, 12):
        data = path.read_bytes()
        for _ in range(4):
            cut = rng.randrange(0, len(data) + 1)
            _check(parse_text(data[:cut], str(path)))
