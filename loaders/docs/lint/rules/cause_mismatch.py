"""TS102 cause-mismatch: a cause missing from (or added to) the translation or one error's cause list."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._shared import plural
from loaders.docs.lint.rules._translation import repeated, where_missing
from loaders.docs.model import Article


def _count(cause_ids: list[str]) -> str:
    """How many causes a list names; entries naming one cause twice are counted once (cause-duplicate)."""
    distinct = len(set(cause_ids))
    if distinct == len(cause_ids):
        return plural(distinct, "cause")
    return f"{plural(distinct, 'cause')} in {len(cause_ids)} entries"


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    pairing = ctx.pairing
    source = ctx.source
    missing = pairing.causes.missing
    if len(missing) > 3 and len(missing) * 2 > len(source.causes):
        # most of the solutions are not there: one finding for the part, not one per section
        names = ", ".join(f"#{cause.id}" for cause in missing[:5]) + (", …" if len(missing) > 5 else "")
        yield Hit(where_missing(pairing.causes, source.causes, missing[0], article),
                  f"{len(missing)} of the source's {len(source.causes)} cause sections are missing from the "
                  f"translation ({names}); expected a translated section for each", None,
                  ctx.source_shown_path, missing[0].line)
        missing = []
    for cause in missing:
        yield Hit(where_missing(pairing.causes, source.causes, cause, article),
                  f"cause section '{cause.title}' #{cause.id} of the source is missing from the translation; "
                  "expected a translated section for it", None, ctx.source_shown_path, cause.line)
    for cause in pairing.causes.extra:
        first = repeated(pairing.causes, cause)
        if first is not None:
            yield Hit(cause.line, f"cause section '{cause.title}' #{cause.id} repeats the section of line "
                      f"{first.line}; expected each of the source's causes once", 1, ctx.source_shown_path, None)
            continue
        yield Hit(cause.line, f"cause section '{cause.title}' #{cause.id} is not in the source; expected only the "
                  "source's causes", 1, ctx.source_shown_path, None)
    # the cause list of every error both sides have
    for source_error, error, _ in pairing.errors.pairs:
        wanted = source_error.causes
        got = [pairing.cause_id_in_source(ref.target) for ref in error.cause_refs]
        found = _count(got)
        for position, cause_id in enumerate(wanted):
            if cause_id in got or cause_id in wanted[:position]:  # a source's repeat is not lacking twice
                continue
            ref = source_error.cause_refs[position]
            line = error.cause_refs[min(position, len(error.cause_refs) - 1)].line if error.cause_refs else error.line
            yield Hit(line, f"the cause list of '{error.title}' lacks cause {ref.number or position + 1} "
                      f"'{ref.title}' (#{cause_id}) of the source's list; expected {_count(wanted)}, found {found}",
                      None, ctx.source_shown_path, ref.line)
        for ref, cause_id in zip(error.cause_refs, got, strict=False):
            if cause_id not in wanted:
                yield Hit(ref.line, f"the cause list of '{error.title}' has '{ref.title}' (#{ref.target}), which the "
                          "source's list for this error does not have", None, ctx.source_shown_path, source_error.line)


SOURCE = (
    "## Backup fails\n\n**Cause 1: [No network](#no-network)**<br>\n**Cause 2: [Agent stopped](#agent-stopped)**\n\n"
    "## Causes and solutions\n\n### <a name=\"no-network\"></a>No network\n\nOpen the firewall.\n\n"
    "### <a name=\"agent-stopped\"></a>Agent stopped\n\nStart the agent.\n"
)
RULE = Rule(
    id="TS102",
    alias="cause-mismatch",
    severity="error",
    description="A translation lacks a cause of its source (as a section or in an error's cause list), or adds one.",
    rationale="Causes are matched by anchor id (explicit anchors keep the English id), then near-identical "
    "id, then position. A cause lost in translation is guidance the reader never gets. "
    "When more than half of the source's cause sections are missing, one finding lists them; a section "
    "that appears twice is reported as a repeat of the first.",
    scope="translation",
    check=check,
    bad=Example(
        "## Backup non riuscito\n\n**Causa 1: [Nessuna rete](#no-network)**\n\n"
        "## Cause e soluzioni\n\n### <a name=\"no-network\"></a>Nessuna rete\n\nAprire il firewall.\n",
        source=SOURCE, locale="it-it",
    ),
    good=Example(
        "## Backup non riuscito\n\n**Causa 1: [Nessuna rete](#no-network)**<br>\n"
        "**Causa 2: [Agente arrestato](#agent-stopped)**\n\n"
        "## Cause e soluzioni\n\n### <a name=\"no-network\"></a>Nessuna rete\n\nAprire il firewall.\n\n"
        "### <a name=\"agent-stopped\"></a>Agente arrestato\n\nAvviare l'agente.\n",
        source=SOURCE, locale="it-it",
    ),
)
