"""TS012 front-matter: the YAML header cannot be read (syntax error, never closed, not a mapping)."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article

KINDS = frozenset({"yaml", "front-matter"})


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for problem in article.problems:
        if problem.kind not in KINDS:
            continue
        if problem.message.startswith("ms.date"):
            continue  # a readable header with a bad date value: metadata-required reports it
        yield Hit(problem.line, problem.message, problem.column)


RULE = Rule(
    id="TS012",
    alias="front-matter",
    severity="error",
    description="The YAML front matter is invalid: a syntax error, a block never closed, or not key: value pairs.",
    rationale="The docs platform rejects the page or loses every metadata value after the error. Values "
    "that contain a colon must be quoted.",
    scope="article",
    check=check,
    bad=Example("---\ntitle: Backup fails: agent unreachable\nms.date: 11/12/2025\n---\n\n# Backup fails\n"),
    good=Example("---\ntitle: 'Backup fails: agent unreachable'\nms.date: 11/12/2025\n---\n\n# Backup fails\n"),
)
