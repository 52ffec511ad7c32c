"""TS001 cause-link-target: a "Cause N: [title](#anchor)" entry whose anchor does not exist."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit, Location
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._shared import fragment_column, plural, sequence
from loaders.docs.model import Article, CauseRef
from loaders.docs.targets import cause_for, nearest_id


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    anchors = ctx.workspace.anchors(article)
    folded = {anchor.lower(): anchor for anchor in anchors}
    broken: dict[str, list[tuple[CauseRef, str]]] = {}  # one finding per missing anchor, all its links
    for error in article.errors:
        for ref in error.cause_refs:
            if ref.linked and ref.target not in anchors:
                broken.setdefault(ref.target, []).append((ref, error.title))
    for target, refs in broken.items():
        ref, title = refs[0]
        column = fragment_column(ctx.facts.line(ref.line), target)
        where = f"cause {ref.number} of '{title}'" if ref.number is not None else f"a cause of '{title}'"
        if len(refs) > 1:
            others_lines = sequence([r.line for r, _ in refs[1:]])
            where += f" (and {plural(len(refs) - 1, 'other cause link')}, lines {others_lines})"
        others = tuple(Location(r.line, fragment_column(ctx.facts.line(r.line), target)) for r, _ in refs[1:])
        if target.lower() in folded:
            yield Hit(ref.line, f"{where} links to #{target}, but the anchor is #{folded[target.lower()]} "
                      "(anchors are case-sensitive)", column, others=others)
            continue
        # the hint names the section the Guide opens for this entry
        followed = cause_for(article, ref)
        hint = followed.id if followed is not None else nearest_id(target, anchors)
        expected = f"; did you mean #{hint}?" if hint else "; expected the id of a cause heading in this article"
        yield Hit(ref.line, f"{where} links to #{target}, which no heading or anchor in this article "
                  f"defines{expected}", column, others=others)


RULE = Rule(
    id="TS001",
    alias="cause-link-target",
    severity="error",
    description="A cause link in an error's cause list points to an anchor that does not exist.",
    rationale="Readers follow the cause list to the solution; a dead link strands them on the error. "
    "Anchors are matched exactly, the way browsers match fragments. One finding per missing anchor, "
    "naming every cause link that uses it.",
    scope="article",
    check=check,
    bad=Example(
        "## Backup fails\n\n**Cause 1: [The agent is stopped](#agent-stopped)**\n\n"
        "## Causes and solutions\n\n### <a name=\"agent-is-stopped\"></a>The agent is stopped\n\n"
        "Start the agent service.\n"
    ),
    good=Example(
        "## Backup fails\n\n**Cause 1: [The agent is stopped](#agent-is-stopped)**\n\n"
        "## Causes and solutions\n\n### <a name=\"agent-is-stopped\"></a>The agent is stopped\n\n"
        "Start the agent service.\n"
    ),
)
