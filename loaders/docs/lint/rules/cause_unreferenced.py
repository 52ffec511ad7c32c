"""TS006 cause-unreferenced: a cause section no error's cause list (nor any link) points to."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article
from loaders.docs.targets import nearest_id


def _cause_ids(article: Article, cause) -> set[str]:
    ids = {cause.id}
    for heading in article.headings:
        if heading.line == cause.line:
            ids.update(heading.explicit_anchors)
            ids.add(heading.id)
    return ids


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    if not article.errors:
        return
    targets = {ref.target for error in article.errors for ref in error.cause_refs}
    targets.update(link.target[1:] for link in article.links if link.kind == "anchor")
    anchors = ctx.workspace.anchors(article)
    dangling = sorted(t for t in targets if t not in anchors)
    for cause in article.causes:
        ids = _cause_ids(article, cause)
        if ids & targets:
            continue
        if any(nearest_id(target, ids) for target in dangling):
            continue  # a misspelt link is meant for it: cause-link-target reports that link
        yield Hit(cause.line, f"cause '{cause.title}' (#{cause.id}) is not referenced by any error's cause list "
                  "or link; expected at least one error to list it", 1)


RULE = Rule(
    id="TS006",
    alias="cause-unreferenced",
    severity="warning",
    description="A cause section is not listed by any error and nothing in the article links to it.",
    rationale="A cause nobody links to cannot be reached from an error; either an error's list lost its entry "
    "or the section is left over from an older revision. A cause that a broken link was evidently meant "
    "for (a near-identical anchor) is left to cause-link-target.",
    scope="article",
    check=check,
    bad=Example(
        "## Backup fails\n\n**Cause 1: [No network](#no-network)**\n\n## Causes and solutions\n\n"
        "### No network\n\nOpen the firewall.\n\n### Agent stopped\n\nStart the agent.\n"
    ),
    good=Example(
        "## Backup fails\n\n**Cause 1: [No network](#no-network)**<br>\n"
        "**Cause 2: [Agent stopped](#agent-stopped)**\n\n"
        "## Causes and solutions\n\n### No network\n\nOpen the firewall.\n\n### Agent stopped\n\nStart the agent.\n"
    ),
)
