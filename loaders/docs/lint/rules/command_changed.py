"""TS105 command-changed: a command or inline code of the source missing, altered or translated."""
from __future__ import annotations

import difflib
from collections import Counter
from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._sections import codes_of
from loaders.docs.model import Article

SIMILAR = 0.6


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    pairing = ctx.pairing
    for kind, pairs in (("error", pairing.errors.pairs), ("cause", pairing.causes.pairs)):
        for source_item, item, _ in pairs:
            wanted = codes_of(source_item)
            got = codes_of(item)
            missing = Counter(c.text for c in wanted) - Counter(c.text for c in got)
            if not missing:
                continue
            extra = Counter(c.text for c in got) - Counter(c.text for c in wanted)
            spare = [c for c in got if extra.get(c.text, 0) > 0]
            reported: Counter = Counter()
            for code in wanted:
                if reported[code.text] >= missing.get(code.text, 0):
                    continue
                reported[code.text] += 1
                best = max(spare, key=lambda c: difflib.SequenceMatcher(None, code.text, c.text).ratio(), default=None)
                what = "code block" if code.kind == "block" else "inline code"
                if best is not None and difflib.SequenceMatcher(None, code.text, best.text).ratio() >= SIMILAR:
                    spare.remove(best)
                    yield Hit(best.line, f"{what} `{_short(best.text)}` differs from the source's "
                              f"`{_short(code.text)}` in {kind} '{item.title}'; expected it unchanged",
                              ctx.facts.column_of(best.line, best.text[:20]), ctx.source_shown_path, code.line)
                else:
                    yield Hit(item.line, f"{what} `{_short(code.text)}` of the source is missing from {kind} "
                              f"'{item.title}'; expected it unchanged", None, ctx.source_shown_path, code.line)


SOURCE = (
    "## Backup fails\n\n**Cause 1: [Agent stopped](#agent-stopped)**\n\n## Causes and solutions\n\n"
    "### <a name=\"agent-stopped\"></a>Agent stopped\n\nRestart the agent: `service waagent restart`\n"
)
HEAD = "## Backup non riuscito\n\n**Causa 1: [Agente arrestato](#agent-stopped)**\n\n## Cause e soluzioni\n\n"
RULE = Rule(
    id="TS105",
    alias="command-changed",
    severity="error",
    description="A command or inline code of the source is missing, altered or translated in the translation.",
    rationale="Commands, paths, registry keys and values must be copied verbatim: a translated command fails "
    "when the reader runs it. Code is compared per error and cause; a similar but different code span is "
    "reported as changed, otherwise as missing.",
    scope="translation",
    check=check,
    bad=Example(HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n"
                "Riavviare l'agente: `servizio waagent riavvia`\n",
                source=SOURCE, locale="it-it"),
    good=Example(HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n"
                 "Riavviare l'agente: `service waagent restart`\n",
                 source=SOURCE, locale="it-it"),
)
