"""TS015 unreadable-article: a file that could not be checked at all (too large, or not parseable)."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article

KINDS = frozenset({"too-large", "parser-failure", "internal"})


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for problem in article.problems:
        if problem.kind in KINDS:
            yield Hit(max(1, problem.line), f"{problem.message}; no other rule could check this file", problem.column)


RULE = Rule(
    id="TS015",
    alias="unreadable-article",
    severity="error",
    description="A file could not be checked: it is over the size limit or the parser could not read it.",
    rationale="Nothing in such a file is verified, so the run must not pass silently. Raise "
    "`max-file-size` for legitimately large files.",
    scope="article",
    check=check,
    needs_parsed_article=False,
    bad=Example("# Backup\n\nAn article longer than the limit.\n", config={"max-file-size": 30}),
    good=Example("# Backup\n\nShort.\n", config={"max-file-size": 30}),
)
