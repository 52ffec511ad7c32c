"""TS107 number-changed: a number of the source's prose (port, version, size, value) missing or altered."""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._sections import prose_blocks
from loaders.docs.lint.rules._translation import prose
from loaders.docs.model import Article, Cause, Error

# digit groups may be split by a (narrow) no-break space, as French typography writes 10 000
NUMBER = re.compile(r"(?<![0-9A-Za-z.,])\d+(?:[.,]\d+|[\u00a0\u202f]\d{3}(?!\d))*")
LIST_MARKER = re.compile(r"^[\s>]*(?:\d{1,9}[.)]|[-*+])\s+")


def _canonical(number: str) -> str:
    """One spelling per number: full-width digits folded, group spaces dropped, decimal comma as point."""
    number = unicodedata.normalize("NFKC", number).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    return number.replace(",", ".")


def numbers_of(item: Error | Cause, skip_lines: set[int]) -> list[tuple[str, int]]:
    """(number, line) in the prose of a section; decimal commas read as points (4,5 = 4.5)."""
    found = []
    for block in prose_blocks(item):
        for offset, raw_line in enumerate(block.source.split("\n")):
            line = block.line + offset
            if line in skip_lines:
                continue
            for match in NUMBER.finditer(prose(LIST_MARKER.sub("", raw_line))):
                found.append((_canonical(match.group(0)), line))
    return found


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    pairing = ctx.pairing
    source_refs = {ref.line for e in ctx.source.errors for ref in e.cause_refs if ref.linked}
    refs = {ref.line for e in article.errors for ref in e.cause_refs if ref.linked}
    for kind, pairs in (("error", pairing.errors.pairs), ("cause", pairing.causes.pairs)):
        for source_item, item, _ in pairs:
            wanted = numbers_of(source_item, source_refs)
            got = numbers_of(item, refs)
            missing = Counter(n for n, _ in wanted) - Counter(n for n, _ in got)
            if not missing:
                continue
            extra = Counter(n for n, _ in got) - Counter(n for n, _ in wanted)
            spare = [(n, line) for n, line in got if extra.get(n, 0) > 0]
            reported: Counter = Counter()
            for number, source_line in wanted:
                if reported[number] >= missing.get(number, 0):
                    continue
                reported[number] += 1
                # a number on the translation's matching spot with another value reads as a change
                near = [s for s in spare if s[0].count(".") == number.count(".")]
                if near:
                    changed = near[0]
                    spare.remove(changed)
                    yield Hit(changed[1], f"number {changed[0]} in {kind} '{item.title}' where the source has "
                              f"{number}; expected {number}", ctx.facts.column_of(changed[1], changed[0]),
                              ctx.source_shown_path, source_line)
                else:
                    yield Hit(item.line, f"number {number} of the source is missing from {kind} '{item.title}'; "
                              f"expected {number} in the translation", None, ctx.source_shown_path, source_line)


SOURCE = (
    "## Backup fails\n\n**Cause 1: [Port blocked](#port-blocked)**\n\n## Causes and solutions\n\n"
    "### <a name=\"port-blocked\"></a>Port blocked\n\nOpen port 8443 for Managed Disks and install .NET 4.5.\n"
)
HEAD = "## Backup non riuscito\n\n**Causa 1: [Porta bloccata](#port-blocked)**\n\n## Cause e soluzioni\n\n"
RULE = Rule(
    id="TS107",
    alias="number-changed",
    severity="warning",
    description="A number in the source's text (a port, version, size, registry value) is missing or different "
    "in the translation.",
    rationale="Numbers are compared per error and cause, outside code and URLs; a decimal comma counts as the "
    "same number as a decimal point. A changed port or version number sends the reader in the wrong direction.",
    scope="translation",
    check=check,
    bad=Example(HEAD + "### <a name=\"port-blocked\"></a>Porta bloccata\n\n"
                "Aprire la porta 8080 per Managed Disks e installare .NET 4,5.\n",
                source=SOURCE, locale="it-it"),
    good=Example(HEAD + "### <a name=\"port-blocked\"></a>Porta bloccata\n\n"
                 "Aprire la porta 8443 per Managed Disks e installare .NET 4,5.\n",
                 source=SOURCE, locale="it-it"),
)
