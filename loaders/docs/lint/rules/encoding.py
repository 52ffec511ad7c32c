"""TS013 encoding: bytes that are not UTF-8 text (or NUL bytes of a binary file)."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for problem in article.problems:
        if problem.kind == "encoding":
            yield Hit(problem.line, f"{problem.message}; expected UTF-8 text", problem.column)


RULE = Rule(
    id="TS013",
    alias="encoding",
    severity="error",
    description="The file has bytes that are not valid UTF-8, or NUL bytes of a binary file.",
    rationale="Undecodable bytes show up as replacement characters (�) on the published page and usually "
    "mean the file was saved in a legacy code page.",
    scope="article",
    check=check,
    bad=Example("# Sauvegarde\n\nLa sauvegarde a \udce9chou\udce9.\n"),
    good=Example("# Sauvegarde\n\nLa sauvegarde a échoué.\n"),
)
