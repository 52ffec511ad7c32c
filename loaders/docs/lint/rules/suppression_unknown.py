"""TS018 suppression-unknown: a backup-triage-disable comment naming a rule that does not exist."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.suppress import find_suppressions
from loaders.docs.model import Article


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    if "backup-triage-disable" not in article.text:
        return
    for suppression in find_suppressions(article.text, ctx.workspace.rule_names, lambda: ctx.facts.top_level_blocks):
        for name in suppression.unknown:
            yield Hit(suppression.comment_line, f"suppression names '{name}', which is no rule id or alias; "
                      "expected one of those listed by --list-rules",
                      ctx.facts.column_of(suppression.comment_line, name))


RULE = Rule(
    id="TS018",
    alias="suppression-unknown",
    severity="warning",
    description="An inline backup-triage-disable comment names a rule that does not exist.",
    rationale="A misspelt rule name suppresses nothing, so the finding it was meant for keeps coming back "
    "while the comment suggests it is handled.",
    scope="article",
    check=check,
    bad=Example("# Backup\n\n<!-- backup-triage-disable step-numbers -->\n1. Stop the agent.\n3. Start it.\n"),
    good=Example("# Backup\n\n<!-- backup-triage-disable step-numbering -->\n1. Stop the agent.\n3. Start it.\n"),
)
