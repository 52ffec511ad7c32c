"""TS103 cause-order: an error lists the same causes as its source, in another order."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article


def _distinct(ids: list[str], keep: list[str]) -> list[str]:
    """`ids` that are also in `keep`, each once, at its first place (a repeat is cause-duplicate's)."""
    return list(dict.fromkeys(cause for cause in ids if cause in keep))


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    pairing = ctx.pairing
    for source_error, error, _ in pairing.errors.pairs:
        wanted = source_error.causes
        got = [pairing.cause_id_in_source(ref.target) for ref in error.cause_refs]
        # the causes both lists have, in each list's order; a missing or added one is cause-mismatch's
        common = _distinct(got, wanted)
        expected = _distinct(wanted, got)
        position = next((i for i, (a, b) in enumerate(zip(common, expected, strict=False)) if a != b), None)
        if position is None:
            continue
        ref = next(r for r, c in zip(error.cause_refs, got, strict=False) if c == common[position])
        source_ref = next(r for r in source_error.cause_refs if r.target == expected[position])
        yield Hit(ref.line, f"the causes of '{error.title}' are in another order than in the source: "
                  f"#{common[position]} comes where the source has #{expected[position]} "
                  f"(cause {position + 1}); expected the source's order", None, ctx.source_shown_path, source_ref.line)

SOURCE = (
    "## Backup fails\n\n**Cause 1: [No network](#no-network)**<br>\n**Cause 2: [Agent stopped](#agent-stopped)**\n\n"
    "## Causes and solutions\n\n### <a name=\"no-network\"></a>No network\n\nOpen the firewall.\n\n"
    "### <a name=\"agent-stopped\"></a>Agent stopped\n\nStart the agent.\n"
)
TAIL = (
    "## Cause e soluzioni\n\n### <a name=\"no-network\"></a>Nessuna rete\n\nAprire il firewall.\n\n"
    "### <a name=\"agent-stopped\"></a>Agente arrestato\n\nAvviare l'agente.\n"
)
RULE = Rule(
    id="TS103",
    alias="cause-order",
    severity="warning",
    description="An error's causes are listed in a different order than in the source.",
    rationale="Causes are ordered most likely first; a reordered list sends readers of one language to the "
    "least likely fix first.",
    scope="translation",
    check=check,
    bad=Example(
        "## Backup non riuscito\n\n**Causa 1: [Agente arrestato](#agent-stopped)**<br>\n"
        "**Causa 2: [Nessuna rete](#no-network)**\n\n" + TAIL, source=SOURCE, locale="it-it",
    ),
    good=Example(
        "## Backup non riuscito\n\n**Causa 1: [Nessuna rete](#no-network)**<br>\n"
        "**Causa 2: [Agente arrestato](#agent-stopped)**\n\n" + TAIL, source=SOURCE, locale="it-it",
    ),
)
