"""TS004 duplicate-anchor: the same explicit anchor id defined more than once in one article."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit, Location
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._shared import sequence
from loaders.docs.model import Article


def _linked_ids(article: Article) -> dict[str, int]:
    """Fragment ids this article links to, with the first line that does."""
    linked: dict[str, int] = {}
    for link in article.links:
        if link.kind == "anchor" and len(link.target) > 1:
            linked.setdefault(link.target[1:], link.line)
    for error in article.errors:
        for ref in error.cause_refs:
            linked.setdefault(ref.target, ref.line)
    return linked


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    places: dict[str, list] = {}
    for anchor in ctx.facts.anchors:
        places.setdefault(anchor.id, []).append(anchor)
    linked = _linked_ids(article) if not ctx.option("report-unlinked") else {}
    for anchor_id, defs in places.items():
        if len(defs) < 2 or not anchor_id:
            continue
        lines = [d.line for d in defs]
        others = tuple(Location(d.line, d.column) for d in defs if d is not defs[1])
        if ctx.option("report-unlinked"):
            yield Hit(defs[1].line, f"anchor '{anchor_id}' is defined {len(defs)} times (lines {sequence(lines)}); "
                      "expected each id once", defs[1].column, others=others)
        elif anchor_id in linked:
            yield Hit(defs[1].line, f"anchor '{anchor_id}' is defined {len(defs)} times (lines {sequence(lines)}), "
                      f"so the link to #{anchor_id} on line {linked[anchor_id]} is ambiguous; expected each id once",
                      defs[1].column, others=others)


RULE = Rule(
    id="TS004",
    alias="duplicate-anchor",
    severity="warning",
    description="The same explicit anchor id is defined more than once in an article and something links to it.",
    rationale="A link to a repeated id lands on the first one, which is rarely the section meant. Repeated "
    "anchors nobody links to (such as one `<a name=\"solution\"></a>` per cause) are reported only with "
    "`report-unlinked = true`.",
    scope="article",
    check=check,
    options={"report-unlinked": False},
    bad=Example(
        "See [the fix](#fix).\n\n## <a name=\"fix\"></a>Network\n\nOpen the port.\n\n"
        "## <a name=\"fix\"></a>Agent\n\nRestart the agent.\n"
    ),
    good=Example(
        "See [the network fix](#fix-network).\n\n## <a name=\"fix-network\"></a>Network\n\nOpen the port.\n\n"
        "## <a name=\"fix-agent\"></a>Agent\n\nRestart the agent.\n"
    ),
)
