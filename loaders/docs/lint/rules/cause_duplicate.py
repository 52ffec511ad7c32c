"""TS019 cause-duplicate: one error's cause list names the same cause more than once."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._shared import fragment_column
from loaders.docs.model import Article, CauseRef


def _entry(ref: CauseRef, position: int) -> str:
    return f"cause {ref.number if ref.number is not None else position + 1}"


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for error in article.errors:
        first: dict[str, tuple[CauseRef, int]] = {}
        for position, ref in enumerate(error.cause_refs):
            if not ref.target:
                continue
            if ref.target not in first:
                first[ref.target] = (ref, position)
                continue
            earlier, earlier_position = first[ref.target]
            yield Hit(ref.line, f"{_entry(ref, position)} of '{error.title}' links to #{ref.target}, which "
                      f"{_entry(earlier, earlier_position)} (line {earlier.line}) already lists; expected each cause "
                      "listed once", fragment_column(ctx.facts.line(ref.line), ref.target))


TAIL = (
    "## Causes and solutions\n\n### <a name=\"no-network\"></a>No network\n\nOpen the firewall.\n\n"
    "### <a name=\"agent-stopped\"></a>Agent stopped\n\nStart the agent.\n"
)
RULE = Rule(
    id="TS019",
    alias="cause-duplicate",
    severity="warning",
    description="An error's cause list names the same cause more than once.",
    rationale="The reader works through the list in order and meets the same fix twice; a repeated entry "
    "is usually a cause pasted over the one that belonged there, so that one is then missing too "
    "(cause-mismatch reports it in a translation). Entries are compared by their #fragment, exactly as "
    "browsers match it (a fragment in other case is a broken link: cause-link-target).",
    scope="article",
    check=check,
    bad=Example(
        "## Backup fails\n\n**Cause 1: [No network](#no-network)**<br>\n"
        "**Cause 2: [Agent stopped](#agent-stopped)**<br>\n**Cause 3: [No network](#no-network)**\n\n" + TAIL
    ),
    good=Example(
        "## Backup fails\n\n**Cause 1: [No network](#no-network)**<br>\n"
        "**Cause 2: [Agent stopped](#agent-stopped)**\n\n" + TAIL
    ),
)
