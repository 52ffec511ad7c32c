"""Articles × locales at a glance: for every article and language, the newest version's worst lint
finding and its counts, whether the translation is missing, stale or machine translated, and every
older version ("vintage") of it one selection away.

A docs tree may keep history as `<locale>/<date>/...` (dated snapshots side by side): the folder
date then names the vintage and decides which is newest; elsewhere the vintage is the article's
ms.date. Decided without Streamlit, from the parsed articles and the lint's findings.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePath
from typing import Literal

from loaders.docs.lint import Finding
from loaders.docs.lint.findings import SEVERITIES, SEVERITY_RANK
from loaders.docs.model import Article
from loaders.docs.slug import article_slug

DATE_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MACHINE_TRANSLATION = "mt"  # ms.translationtype of a machine translation ("HT" is human)

# source    – the source-language article itself
# current   – a translation as recent as the source
# stale     – older (ms.date) than the source, or made from another source commit (ms.sourcegitcommit)
# missing   – the source (or another locale) has the article, this locale does not
# no-source – this locale has the article, the source locale does not
State = Literal["source", "current", "stale", "missing", "no-source"]
# What colours a cell: its worst finding, else clean; a missing translation has its own colour.
Tone = Literal["error", "warning", "info", "clean", "missing"]


@dataclass(frozen=True)
class Vintage:
    """One version of an article in one locale: one file."""

    path: str  # as in findings: relative to the docs folder
    label: str  # the date folder ("2017-10-09"), else the ms.date, else ""
    date: dt.date | None  # ms.date
    machine_translated: bool = False
    source_commit: str | None = None  # ms.sourcegitcommit
    counts: Mapping[str, int] = field(default_factory=lambda: {name: 0 for name in SEVERITIES})

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def worst(self) -> str | None:
        return next((name for name in SEVERITIES if self.counts.get(name)), None)

    def order_key(self) -> tuple:
        """Newest last: by folder date (or ms.date), then ms.date, then path."""
        return (self.label, self.date or dt.date.min, self.path)


@dataclass(frozen=True)
class MatrixCell:
    article: str
    locale: str
    state: State
    vintages: tuple[Vintage, ...] = ()  # newest first
    shown: Vintage | None = None  # the version the cell stands for: the newest unless one was picked
    source: Vintage | None = None  # the newest source-language version
    stale_reason: Literal["date", "commit"] | None = None

    @property
    def tone(self) -> Tone:
        if self.shown is None:
            return "missing"
        return self.shown.worst or "clean"  # type: ignore[return-value]

    @property
    def machine_translated(self) -> bool:
        return self.shown is not None and self.shown.machine_translated

    def pick(self, label: str) -> MatrixCell:
        """The same cell standing for another of its vintages (unknown labels keep the newest)."""
        chosen = next((v for v in self.vintages if v.label == label), None)
        if chosen is None or self.state in ("missing",):
            return self
        return replace(self, shown=chosen, **_staleness(self.locale, chosen, self.source, self.state))


@dataclass(frozen=True)
class Matrix:
    source_locale: str
    locales: tuple[str, ...]  # the source locale first, then the others alphabetically
    articles: tuple[str, ...]
    cells: Mapping[tuple[str, str], MatrixCell]  # (article, locale) -> cell

    def cell(self, article: str, locale: str) -> MatrixCell | None:
        return self.cells.get((article, locale))

    def tone_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for cell in self.cells.values():
            counts[cell.tone] = counts.get(cell.tone, 0) + 1
        return counts

    def state_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for cell in self.cells.values():
            counts[cell.state] = counts.get(cell.state, 0) + 1
        return counts


def vintage_label(path: str | PurePath, locale: str, date: dt.date | None) -> str:
    """The date folder right under the locale folder (`<locale>/<YYYY-MM-DD>/...`), else the ms.date."""
    parts = [part.lower() for part in PurePath(path).parts]
    for index, part in enumerate(parts[:-1]):
        if part.replace("_", "-") == locale and DATE_FOLDER.match(parts[index + 1]):
            return parts[index + 1]
    return date.isoformat() if date else ""


def _shown_path(path: str, root: Path) -> str:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except (ValueError, OSError):
        return Path(path).as_posix()


def _counts(findings: Iterable[Finding]) -> dict[str, dict[str, int]]:
    by_path: dict[str, dict[str, int]] = {}
    for finding in findings:
        counts = by_path.setdefault(Path(finding.path).as_posix(), {name: 0 for name in SEVERITIES})
        counts[finding.severity] += 1
    return by_path


def _vintage(path: str, locale: str, article: Article | None, counts: Mapping[str, dict[str, int]]) -> Vintage:
    metadata = article.metadata if article is not None else {}
    kind = str(metadata.get("ms.translationtype") or "").strip().lower()
    commit = str(metadata.get("ms.sourcegitcommit") or "").strip() or None
    date = article.date if article is not None else None
    return Vintage(path, vintage_label(path, locale, date), date, kind == MACHINE_TRANSLATION, commit,
                   counts.get(path, {name: 0 for name in SEVERITIES}))


def _staleness(locale: str, shown: Vintage, source: Vintage | None, state: State) -> dict[str, object]:
    if state in ("source", "no-source", "missing") or source is None:
        return {"state": state, "stale_reason": None}
    if shown.date is not None and source.date is not None and shown.date < source.date:
        return {"state": "stale", "stale_reason": "date"}
    if shown.source_commit and source.source_commit and shown.source_commit != source.source_commit:
        return {"state": "stale", "stale_reason": "commit"}
    return {"state": "current", "stale_reason": None}


def build_matrix(
    articles: Iterable[Article],
    findings: Sequence[Finding],
    root: Path,
    source_locale: str = "en-us",
) -> Matrix:
    """The matrix of every article of the tree; files with findings but no parsed article (an
    include, an unreadable file) get their own row, so no finding is left out of the picture."""
    source_locale = source_locale.lower()
    counts = _counts(findings)
    versions: dict[tuple[str, str], list[Vintage]] = {}
    seen: set[str] = set()
    for article in articles:
        if not article.locale:
            continue
        path = _shown_path(article.path, root)
        seen.add(path)
        versions.setdefault((article_slug(path), article.locale), []).append(
            _vintage(path, article.locale, article, counts))
    for finding in findings:
        path = Path(finding.path).as_posix()
        if path in seen or not finding.locale:
            continue
        seen.add(path)
        versions.setdefault((article_slug(path), finding.locale), []).append(
            _vintage(path, finding.locale, None, counts))
    present = {locale for _, locale in versions}
    locales = tuple(([source_locale] if source_locale in present else []) + sorted(present - {source_locale}))
    slugs = tuple(sorted({slug for slug, _ in versions}))
    cells: dict[tuple[str, str], MatrixCell] = {}
    for slug in slugs:
        source_versions = sorted(versions.get((slug, source_locale), []), key=Vintage.order_key, reverse=True)
        source = source_versions[0] if source_versions else None
        for locale in locales:
            found = tuple(sorted(versions.get((slug, locale), []), key=Vintage.order_key, reverse=True))
            if not found:
                cells[(slug, locale)] = MatrixCell(slug, locale, "missing", source=source)
                continue
            state: State = "source" if locale == source_locale else ("no-source" if source is None else "current")
            base = MatrixCell(slug, locale, state, found, found[0], source)
            cells[(slug, locale)] = replace(base, **_staleness(locale, found[0], source, state))
    return Matrix(source_locale, locales, slugs, cells)


def cell_findings(findings: Iterable[Finding], cell: MatrixCell) -> list[Finding]:
    """The findings of the version the cell stands for, worst first, then by line."""
    if cell.shown is None:
        return []
    path = cell.shown.path
    mine = [f for f in findings if Path(f.path).as_posix() == path]
    return sorted(mine, key=lambda f: (SEVERITY_RANK[f.severity], f.line, f.rule))


def counterpart(matrix: Matrix, cell: MatrixCell, locale: str, sources: Mapping[str, tuple[str, str]]) -> str | None:
    """The version of the cell's article in `locale` to set beside the cell's shown version: the source
    revision the lint compared it with when `locale` is the source locale, else that locale's newest."""
    if cell.shown is None:
        return None
    if locale == matrix.source_locale and cell.shown.path in sources:
        return sources[cell.shown.path][0]
    other = matrix.cell(cell.article, locale)
    return other.shown.path if other is not None and other.shown is not None else None


def restrict(matrix: Matrix, locales: Collection[str] = (), articles: Collection[str] = ()) -> Matrix:
    """Only the chosen languages (columns) and articles (rows); an empty choice keeps them all.
    Staleness still compares with the source version, shown or not."""
    kept_locales = tuple(loc for loc in matrix.locales if not locales or loc in locales)
    kept_articles = tuple(slug for slug in matrix.articles if not articles or slug in articles)
    cells = {key: cell for key, cell in matrix.cells.items() if key[0] in kept_articles and key[1] in kept_locales}
    return replace(matrix, locales=kept_locales, articles=kept_articles, cells=cells)
