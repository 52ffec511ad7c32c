"""TS008 heading-jump: a heading more than one level deeper than the heading before it."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    max_jump = int(ctx.option("max-jump"))
    skipped = set()
    if ctx.option("skip-cause-lists"):
        skipped = {ref.line for error in article.errors for ref in error.cause_refs}
    previous = None
    for heading in article.headings:
        if heading.line in skipped:
            continue
        if previous is not None and heading.level > previous.level + max_jump:
            yield Hit(heading.line, f"heading level jumps from {previous.level} to {heading.level} "
                      f"(line {previous.line} is h{previous.level}); expected h{previous.level + 1}"
                      + ("" if max_jump == 1 else f" to h{previous.level + max_jump}"), 1)
        previous = heading


RULE = Rule(
    id="TS008",
    alias="heading-jump",
    severity="info",
    description="A heading is more than one level deeper than the previous heading.",
    rationale="Skipped levels break the page outline and screen-reader navigation. Troubleshooting articles "
    "often write cause lists as deep headings on purpose (`##### Cause 1: [..](#..)`), so those entries "
    "are not counted (`skip-cause-lists`), and the rule reports at info level by default.",
    scope="article",
    check=check,
    options={"max-jump": 1, "skip-cause-lists": True},
    bad=Example("# Troubleshoot backup\n\n### The agent is stopped\n\nStart the agent.\n"),
    good=Example("# Troubleshoot backup\n\n## The agent is stopped\n\nStart the agent.\n"),
)
