"""TS005 cause-without-solution: a cause section with nothing under its heading but more headings."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article

CONTENT_KINDS = frozenset({"paragraph", "steps", "bullets", "code", "callout", "table", "include", "image"})


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for cause in article.causes:
        if any(block.kind in CONTENT_KINDS and block.source.strip() for block in cause.blocks):
            continue
        headings = sum(1 for block in cause.blocks if block.kind == "heading")
        inside = f" (only {headings} empty sub-heading{'s' if headings != 1 else ''})" if headings else ""
        yield Hit(cause.line, f"cause '{cause.title}' has no solution content{inside}; expected steps, text, "
                  "a table or a note under its heading", 1)


RULE = Rule(
    id="TS005",
    alias="cause-without-solution",
    severity="warning",
    description="A cause section has no solution content: no text, steps, table, code or note.",
    rationale="Readers arrive at a cause from the error's list to learn what to do; an empty section is a "
    "dead end, usually left by an unfinished edit or a lost translation.",
    scope="article",
    check=check,
    bad=Example(
        "## Backup fails\n\n**Cause 1: [Agent stopped](#agent-stopped)**\n\n## Causes and solutions\n\n"
        "### Agent stopped\n\n#### Solution\n"
    ),
    good=Example(
        "## Backup fails\n\n**Cause 1: [Agent stopped](#agent-stopped)**\n\n## Causes and solutions\n\n"
        "### Agent stopped\n\n#### Solution\n\nStart the agent service and retry the backup.\n"
    ),
)
