"""Translation coverage of a docs tree: for each article and locale, is the translation there,
current (by ms.date) and structurally the same as the source-language article (errors, causes and
cause order aligned by their stable ids)?

The newest version of an article in each locale is compared with the newest source-language
version, since that pair is what a reader of the Guide gets.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from loaders.docs.align import align
from loaders.docs.graph import GuideGraph
from loaders.docs.model import Article, is_stale
from loaders.docs.slug import article_slug

# source    – the source-language article itself
# complete  – translated, as recent as the source, same errors, causes and cause order
# differs   – as recent as the source, but errors or causes are missing, extra or reordered
# stale     – older (ms.date) than the source; differences are counted all the same
# missing   – another locale has the article, this one does not
# no-source – this locale has the article, the source locale does not
Status = Literal["source", "complete", "differs", "stale", "missing", "no-source"]
STATUSES: tuple[Status, ...] = ("source", "complete", "differs", "stale", "missing", "no-source")


@dataclass(frozen=True)
class Differences:
    """How a translation's structure departs from its source, by id."""

    missing_errors: tuple[str, ...] = ()
    extra_errors: tuple[str, ...] = ()
    missing_causes: tuple[str, ...] = ()
    extra_causes: tuple[str, ...] = ()
    reordered_errors: tuple[str, ...] = ()  # errors whose shared causes come in another order

    @property
    def count(self) -> int:
        return (len(self.missing_errors) + len(self.extra_errors) + len(self.missing_causes)
                + len(self.extra_causes) + len(self.reordered_errors))


@dataclass(frozen=True)
class CoverageCell:
    article: str  # slug: the file name without extension, the same in every locale
    locale: str
    status: Status
    path: str | None = None  # the newest version in this locale
    date: dt.date | None = None
    source_date: dt.date | None = None
    versions: int = 0  # how many versions of the article this locale holds (dated snapshots)
    differences: Differences = field(default_factory=Differences)
    findings: int = 0  # lint findings reported on this article in this locale


@dataclass(frozen=True)
class CoverageRow:
    article: str
    cells: dict[str, CoverageCell]  # locale -> cell, in the matrix's locale order


@dataclass(frozen=True)
class Coverage:
    source_locale: str
    locales: tuple[str, ...]  # source locale first, then the others alphabetically
    rows: tuple[CoverageRow, ...]

    @property
    def has_source(self) -> bool:
        return self.source_locale in self.locales

    def cell(self, article: str, locale: str) -> CoverageCell | None:
        row = next((r for r in self.rows if r.article == article), None)
        return None if row is None else row.cells.get(locale)

    def counts(self) -> dict[Status, int]:
        """How many cells have each status."""
        totals: dict[Status, int] = {status: 0 for status in STATUSES}
        for row in self.rows:
            for cell in row.cells.values():
                totals[cell.status] += 1
        return totals


def differences(source: Article, translation: Article) -> Differences:
    """Errors and causes the translation lacks or adds, and errors whose common causes are reordered."""
    source_label, translation_label = "source", "translation"
    # align() labels each article by locale; both are given distinct labels so one locale compared
    # with itself (a single-locale tree) still works.
    source_copy = _relabelled(source, source_label)
    translation_copy = _relabelled(translation, translation_label)
    alignment = align([source_copy, translation_copy])
    reordered = []
    for error_id, orders in alignment.cause_orders.items():
        if source_label not in orders or translation_label not in orders:
            continue
        shared = set(orders[source_label]) & set(orders[translation_label])
        if [c for c in orders[source_label] if c in shared] != [c for c in orders[translation_label] if c in shared]:
            reordered.append(error_id)
    return Differences(
        missing_errors=tuple(alignment.missing_errors(translation_label)),
        extra_errors=tuple(alignment.missing_errors(source_label)),
        missing_causes=tuple(alignment.missing_causes(translation_label)),
        extra_causes=tuple(alignment.missing_causes(source_label)),
        reordered_errors=tuple(reordered),
    )


def _relabelled(article: Article, label: str) -> Article:
    # A shallow stand-in: align() reads only locale, path, errors and causes.
    return Article(path=article.path, locale=label, title=article.title, date=article.date,
                   metadata={}, errors=article.errors, causes=article.causes)


def _finding_counts(findings: Iterable[object]) -> dict[tuple[str, str], int]:
    counts: dict[tuple[str, str], int] = {}
    for finding in findings:
        locale = getattr(finding, "locale", None)
        path = getattr(finding, "path", None)
        if not locale or not path:
            continue
        key = (article_slug(path), locale)
        counts[key] = counts.get(key, 0) + 1
    return counts


def _cell(graph: GuideGraph, slug: str, locale: str, source_locale: str, source: Article | None,
          versions: int, findings: int) -> CoverageCell:
    article = graph.article(slug, locale)
    if article is None:
        return CoverageCell(slug, locale, "missing", source_date=source.date if source else None)
    common = dict(article=slug, locale=locale, path=article.path, date=article.date, versions=versions,
                  findings=findings, source_date=source.date if source else None)
    if locale == source_locale:
        return CoverageCell(status="source", **common)
    if source is None:
        return CoverageCell(status="no-source", **common)
    diff = differences(source, article)
    if is_stale(article, source):
        status = "stale"
    else:
        status = "differs" if diff.count else "complete"
    return CoverageCell(status=status, differences=diff, **common)


def coverage_matrix(graph: GuideGraph, source_locale: str = "en-us", findings: Iterable[object] = ()) -> Coverage:
    """Article × locale status for every article of the tree."""
    source_locale = source_locale.lower()
    others = sorted(loc for loc in graph.locales() if loc != source_locale)
    locales = tuple(([source_locale] if source_locale in graph.locales() else []) + others)
    versions: dict[tuple[str, str], int] = {}
    for locale in locales:
        for article in graph.articles(locale):
            key = (article_slug(article.path), locale)
            versions[key] = versions.get(key, 0) + 1
    slugs = sorted({slug for slug, _ in versions})
    counts = _finding_counts(findings)
    rows = []
    for slug in slugs:
        source = graph.article(slug, source_locale)
        cells = {
            locale: _cell(graph, slug, locale, source_locale, source, versions.get((slug, locale), 0),
                          counts.get((slug, locale), 0))
            for locale in locales
        }
        rows.append(CoverageRow(slug, cells))
    return Coverage(source_locale, locales, tuple(rows))
