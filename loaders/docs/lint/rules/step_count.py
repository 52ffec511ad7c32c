"""TS104 step-count: a translated cause (or error) has another number of numbered steps than the source."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article


def steps_between(facts: ArticleFacts, first: int, last: int) -> list[int]:
    """Sizes of the ordered lists (nested ones included) that start within lines first..last."""
    return [len(lst.items) for lst in facts.ordered_lists if first <= lst.line <= last]


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    pairing = ctx.pairing
    for kind, pairs in (("error", pairing.errors.pairs), ("cause", pairing.causes.pairs)):
        for source_item, item, _ in pairs:
            wanted = steps_between(ctx.source_facts, source_item.line, source_item.end_line or source_item.line)
            got = steps_between(ctx.facts, item.line, item.end_line or item.line)
            if sum(wanted) == sum(got):
                continue
            first_list = next((lst for lst in ctx.facts.ordered_lists if item.line <= lst.line), None)
            line = first_list.line if first_list is not None and got else item.line
            detail = ""
            if len(wanted) > 1 or len(got) > 1:
                here, there = "+".join(map(str, got)) or "0", "+".join(map(str, wanted)) or "0"
                detail = f" (lists of {here} here, {there} in the source)"
            yield Hit(line, f"{kind} '{item.title}' has {sum(got)} numbered steps, the source has "
                      f"{sum(wanted)}{detail}; expected the same steps", None, ctx.source_shown_path, source_item.line)


SOURCE = (
    "## Backup fails\n\n**Cause 1: [Agent stopped](#agent-stopped)**\n\n## Causes and solutions\n\n"
    "### <a name=\"agent-stopped\"></a>Agent stopped\n\n1. Open **Services**.\n2. Start the agent service.\n"
    "3. Retry the backup.\n"
)
HEAD = "## Backup non riuscito\n\n**Causa 1: [Agente arrestato](#agent-stopped)**\n\n## Cause e soluzioni\n\n"
RULE = Rule(
    id="TS104",
    alias="step-count",
    severity="warning",
    description="A translated cause or error has a different number of numbered steps than the source.",
    rationale="Translators sometimes merge or drop steps; the procedure then no longer works. All ordered "
    "lists of the section count, nested ones included.",
    scope="translation",
    check=check,
    bad=Example(
        HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n1. Aprire **Servizi** e avviare l'agente.\n"
        "2. Ripetere il backup.\n", source=SOURCE, locale="it-it",
    ),
    good=Example(
        HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n1. Aprire **Servizi**.\n"
        "2. Avviare il servizio dell'agente.\n3. Ripetere il backup.\n", source=SOURCE, locale="it-it",
    ),
)
