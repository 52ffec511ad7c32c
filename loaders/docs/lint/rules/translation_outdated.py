"""TS108 translation-outdated: the translation's ms.date is older than its source's."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article, is_stale


def _date_line(ctx, facts) -> int:
    for number in range(1, max(2, facts.body_start)):
        if "ms.date" in facts.line(number):
            return number
    return 1


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    if not is_stale(article, ctx.source):
        return
    line = _date_line(ctx, ctx.facts)
    days = (ctx.source.date - article.date).days
    yield Hit(line, f"ms.date {article.date.isoformat()} is {days} days older than the source's "
              f"{ctx.source.date.isoformat()} (source chosen by {ctx.source_how}){_drift(ctx)}; expected the "
              "translation updated from the current source", ctx.facts.column_of(line, "ms.date"),
              ctx.source_shown_path, _date_line(ctx, ctx.source_facts))


def _drift(ctx: TranslationContext) -> str:
    """How far the structures are apart, so the size of the update is visible in one finding."""
    pairing = ctx.pairing
    parts = []
    for name, items, paired in (("errors", ctx.source.errors, pairing.errors),
                                ("causes", ctx.source.causes, pairing.causes)):
        if paired.missing or paired.extra:
            parts.append(f"{len(paired.missing)} of {len(items)} source {name} missing here, {len(paired.extra)} extra")
    if not parts:
        return "; errors and causes still correspond"
    return "; " + "; ".join(parts)


RULE = Rule(
    id="TS108",
    alias="translation-outdated",
    severity="warning",
    description="The translation's ms.date is older than the source's: it was translated from an earlier revision.",
    rationale="A translation made from an earlier revision differs from the current source in ways no "
    "translator caused, so item-by-item comparisons (missing causes, changed commands, ...) are skipped "
    "for it unless `compare-outdated = true`; this one finding names both dates and how many errors and "
    "causes no longer correspond, so the article is refreshed as a whole.",
    scope="translation",
    check=check,
    same_revision_only=False,
    bad=Example("---\ntitle: Backup\nms.date: 08/17/2017\n---\n# Backup non riuscito\n",
                source="---\ntitle: Backup\nms.date: 01/09/2018\n---\n# Backup fails\n", locale="it-it"),
    good=Example("---\ntitle: Backup\nms.date: 01/09/2018\n---\n# Backup non riuscito\n",
                 source="---\ntitle: Backup\nms.date: 01/09/2018\n---\n# Backup fails\n", locale="it-it"),
)
