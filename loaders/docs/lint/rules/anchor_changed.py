"""TS110 anchor-changed: an error or cause kept in translation under another anchor id than the source's."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    explicit = {h.line for h in article.headings if h.explicit_anchors}
    pairing = ctx.pairing
    for kind, pairs in (("error", pairing.errors.pairs), ("cause", pairing.causes.pairs)):
        for source_item, item, _how in pairs:
            if item.id == source_item.id or item.line not in explicit:
                continue  # no anchor of its own: a translated heading's slug is expected to differ
            column = ctx.facts.column_of(item.line, item.id)
            yield Hit(item.line, f"{kind} '{item.title}' has the anchor #{item.id} where the source has "
                      f"#{source_item.id}; links into this language from other pages will miss it",
                      column, ctx.source_shown_path, source_item.line)


SOURCE = (
    "## <a name=\"agent-unreachable\"></a>Agent unreachable\n\n**Error code**: UserErrorAgentUnreachable\n\n"
    "Restart the agent.\n"
)
RULE = Rule(
    id="TS110",
    alias="anchor-changed",
    severity="warning",
    description="A translated error or cause carries an explicit anchor that differs from the source's id.",
    rationale="Explicit anchors are how deep links survive translation; one changed in translation breaks "
    "every link from other pages and from support tools. Translated headings without an anchor of their "
    "own are not reported: their slug is expected to differ.",
    scope="translation",
    check=check,
    bad=Example(
        "## <a name=\"agent-is-unreachable\"></a>Agente non raggiungibile\n\n"
        "**Codice errore**: UserErrorAgentUnreachable\n\nRiavviare l'agente.\n", source=SOURCE, locale="it-it",
    ),
    good=Example(
        "## <a name=\"agent-unreachable\"></a>Agente non raggiungibile\n\n"
        "**Codice errore**: UserErrorAgentUnreachable\n\nRiavviare l'agente.\n", source=SOURCE, locale="it-it",
    ),
)
