"""TS101 error-mismatch: an error section of the source missing from the translation, or one it added."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._translation import repeated, where_missing
from loaders.docs.model import Article


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    pairing = ctx.pairing.errors
    source = ctx.source
    missing = pairing.missing
    if len(missing) > 3 and len(missing) * 2 > len(source.errors):
        names = ", ".join(f"#{error.id}" for error in missing[:5]) + (", …" if len(missing) > 5 else "")
        yield Hit(where_missing(pairing, source.errors, missing[0], article),
                  f"{len(missing)} of the source's {len(source.errors)} error sections are missing from the "
                  f"translation ({names}); expected a translated section for each", None,
                  ctx.source_shown_path, missing[0].line)
        missing = []
    for error in missing:
        codes = f" ({', '.join(error.codes)})" if error.codes else ""
        yield Hit(where_missing(pairing, source.errors, error, article),
                  f"error '{error.title}'{codes} #{error.id} of the source is missing from the translation; "
                  "expected a translated section for it", None, ctx.source_shown_path, error.line)
    for error in pairing.extra:
        codes = f" ({', '.join(error.codes)})" if error.codes else ""
        first = repeated(pairing, error)
        if first is not None:
            yield Hit(error.line, f"error '{error.title}'{codes} #{error.id} repeats the section of line {first.line}; "
                      "expected each of the source's errors once", 1, ctx.source_shown_path, None)
            continue
        yield Hit(error.line, f"error '{error.title}'{codes} #{error.id} is not in the source; expected only the "
                  "source's errors", 1, ctx.source_shown_path, None)


SOURCE = (
    "## <a name=\"agent-unreachable\"></a>Agent unreachable\n\n**Cause 1: [No network](#no-network)**\n\n"
    "## <a name=\"disk-too-big\"></a>Disk too big\n\n**Cause 1: [Disk over 32 TB](#disk-over-32-tb)**\n\n"
    "## Causes and solutions\n\n### <a name=\"no-network\"></a>No network\n\nOpen the firewall.\n\n"
    "### <a name=\"disk-over-32-tb\"></a>Disk over 32 TB\n\nResize the disk.\n"
)
RULE = Rule(
    id="TS101",
    alias="error-mismatch",
    severity="error",
    description="A translation lacks an error section of its source, or has one the source does not have.",
    rationale="Errors are matched by anchor id, then by error code, then by near-identical id, then by "
    "position. A reader looking up an error code in their language must find the same sections as in the source. "
    "When more than half of the source's error sections are missing, one finding lists them; a section "
    "that appears twice is reported as a repeat of the first.",
    scope="translation",
    check=check,
    bad=Example(
        "## <a name=\"agent-unreachable\"></a>Agente non raggiungibile\n\n**Causa 1: [Nessuna rete](#no-network)**\n\n"
        "## Cause e soluzioni\n\n### <a name=\"no-network\"></a>Nessuna rete\n\nAprire il firewall.\n",
        source=SOURCE, locale="it-it",
    ),
    good=Example(
        "## <a name=\"agent-unreachable\"></a>Agente non raggiungibile\n\n**Causa 1: [Nessuna rete](#no-network)**\n\n"
        "## <a name=\"disk-too-big\"></a>Disco troppo grande\n\n**Causa 1: [Disco oltre 32 TB](#disk-over-32-tb)**\n\n"
        "## Cause e soluzioni\n\n### <a name=\"no-network\"></a>Nessuna rete\n\nAprire il firewall.\n\n"
        "### <a name=\"disk-over-32-tb\"></a>Disco oltre 32 TB\n\nRidimensionare il disco.\n",
        source=SOURCE, locale="it-it",
    ),
)
