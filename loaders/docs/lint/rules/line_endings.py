"""TS014 line-endings: one file mixing CRLF and LF line endings."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article

NAMES = {"crlf": "CRLF", "lf": "LF", "cr": "CR"}


def _endings(text: str) -> list[str]:
    """The ending of every terminated line, in order."""
    found = []
    for line in text.split("\n")[:-1]:
        found.append("crlf" if line.endswith("\r") else "lf")
        if "\r" in line[:-1]:
            found.extend("cr" for _ in range(line[:-1].count("\r")))
    return found


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    if article.line_endings != "mixed":
        return
    endings = _endings(article.text)
    counts = {kind: endings.count(kind) for kind in NAMES if endings.count(kind)}
    if len(counts) < 2:
        return
    main = max(counts, key=lambda kind: (counts[kind], kind == "lf"))
    first_other = next(number for number, kind in enumerate(endings, start=1) if kind != main)
    other = endings[first_other - 1]
    spread = ", ".join(f"{counts[k]} {NAMES[k]}" for k in counts)
    yield Hit(first_other, f"mixed line endings ({spread}); this is the first {NAMES[other]} line; expected "
              f"{NAMES[main]} throughout", None)


RULE = Rule(
    id="TS014",
    alias="line-endings",
    severity="warning",
    description="The file mixes CRLF and LF line endings.",
    rationale="Mixed endings produce noisy diffs and, in the front matter, can break tools that split on "
    "one kind; they usually come from editing one part of the file on another system.",
    scope="article",
    check=check,
    bad=Example("---\r\ntitle: Backup\r\n---\n# Backup\n\nText.\n"),
    good=Example("---\ntitle: Backup\n---\n# Backup\n\nText.\n"),
)
