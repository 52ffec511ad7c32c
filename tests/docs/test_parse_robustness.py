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
    "pageTitle=\"t\"/>", "<tags ms.date=\"99/99/9999\"/>", "ms.date: 02/30/2017\n", "title: 'x\n",
    "<span class=\"sxs-lookup\">", "<span data-ttu-id=\"1\">", "</span>", "\ufeff", "\x00", "\u00a0", "Причина 1. ",
    "**", "*", "`", "<", ">", "[", "]", "(", ")",
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


def test_hostile_front_matter_stays_cheap() -> None:
    """libyaml recurses once per nesting level (at some ten thousand levels the process dies) and
    aliases expand exponentially: both are refused with a problem, the article is kept."""
    deep = parse_text("---\ntitle: Deep\nx: " + "[" * 50_000 + "]" * 50_000 + "\n---\n# Kept\n")
    bomb = "".join(f"l{n}: &l{n} [" + ",".join([f"*l{n - 1}" if n else '"x"'] * 20) + "]\n" for n in range(12))
    exploded = parse_text("---\ntitle: Bomb\n" + bomb + "---\n# Kept\n")
    for article in (deep, exploded):
        _check(article)
        assert article.title == "Kept"
        assert [p.kind for p in article.problems] == ["yaml"]
    assert deep.metadata["title"] == "Deep" and exploded.metadata["title"] == "Bomb"


def test_many_cause_links_in_one_paragraph_keep_their_own_titles() -> None:
    # one paragraph of 999 "Cause N: [title N](#cN)" lines: each link's text is its own (this used
    # to rebuild the whole paragraph per link)
    lines = "\n".join(f"Cause {n}: [Title {n}](#c{n})" for n in range(1, 1000))
    article = parse_text("# Many\n\n## Error\n\n" + lines + "\n")
    (error,) = article.errors
    assert [ref.number for ref in error.cause_refs] == list(range(1, 1000))
    assert [ref.title for ref in error.cause_refs] == [f"Title {n}" for n in range(1, 1000)]
    assert sum(p.kind == "cause-link" for p in article.problems) == 999
