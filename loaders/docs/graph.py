"""GuideGraph: every article of a docs tree, by locale, and the one decision of which section of which
article to show in which language (`lookup`), with the source-language fallback."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .load import load_tree
from .locale import DEFAULT_LOCALE, normalise_locale
from .model import Article, Error, is_stale
from .slug import article_slug
from .targets import nearest_id

# Why the text shown is not in the locale asked for:
#   missing   – that locale has no such section (or no such article, or the graph no such language)
#   stale     – its translation is older (ms.date) than the source-language article, which has the section
#   no-source – neither that locale nor the source language has it: another locale's is shown
Fallback = Literal["missing", "stale", "no-source"]


@dataclass(frozen=True)
class GuideMatch:
    article: Article  # the article whose text is shown
    error: Error
    locale: str  # the locale shown
    requested_locale: str  # the locale asked for, as the graph names it when it has that language
    fallback: bool  # shown in another locale than the one asked for
    why: Fallback | None  # why, when it is a fallback
    stale: bool  # the text shown is a translation older (ms.date) than its source-language article
    translation: Article | None = None  # the requested locale's article, when it has the section
    source: Article | None = None  # the source-language article of the same slug, if any
    # The requested locale's version of the article when it is older than the source and lacks the
    # section (why "missing"), and the error in it that stands for the one asked for, if any.
    older_translation: Article | None = None
    older_error: Error | None = None


def counterpart(article: Article, error: Error) -> Error | None:
    """The error of another version of an article (an older vintage, another language) that is the
    same as `error`: same id, else one sharing an error code, else a nearly identical id, also once
    the error codes that newer ids start with are left out ("UserErrorX-vm-agent-…" ~ "vm-agent-…")."""
    same = article.error(error.id)
    if same is not None:
        return same
    codes = {code.lower() for code in error.codes}
    shared = next((e for e in article.errors if codes & {code.lower() for code in e.codes}), None)
    if shared is not None:
        return shared
    ids = [e.id for e in article.errors]
    for candidate in dict.fromkeys((error.id, _without_codes(error.id, error.codes))):
        near = nearest_id(candidate, ids) if candidate else None
        if near is not None:
            return article.error(near)
    return None


def _without_codes(error_id: str, codes: list[str]) -> str:
    """An id without the error codes it starts with ("BackUpOperationFailed--…v2---backup-fails" →
    "backup-fails"), a code being read loosely: the id may name only the start of the code."""
    codes_lower = [code.lower() for code in codes]
    parts = error_id.split("-")
    start = 0
    while start < len(parts) and (not parts[start] or any(
            code.startswith(parts[start].lower()) or parts[start].lower().startswith(code) for code in codes_lower)):
        start += 1
    return "-".join(parts[start:])


@dataclass
class GuideGraph:
    root: str
    by_locale: dict[str, list[Article]] = field(default_factory=dict)
    source_locale: str = DEFAULT_LOCALE

    @classmethod
    def from_articles(cls, articles: list[Article], root: str = "", source_locale: str = DEFAULT_LOCALE) -> GuideGraph:
        graph = cls(root=root, source_locale=source_locale)
        for article in articles:
            graph.by_locale.setdefault(article.locale, []).append(article)
        return graph

    def locales(self) -> list[str]:
        return sorted(self.by_locale)

    def articles(self, locale: str | None = None) -> list[Article]:
        if locale is None:
            return [a for name in self.locales() for a in self.by_locale[name]]
        return list(self.by_locale.get(locale.lower(), []))

    def article(self, slug: str, locale: str) -> Article | None:
        """The newest article with this slug in this locale."""
        found = [a for a in self.by_locale.get(locale.lower(), []) if article_slug(a) == slug]
        if not found:
            return None
        return max(found, key=lambda a: (a.date is not None, a.date or 0, a.path))

    def match_locale(self, wanted: object) -> str | None:
        """The graph's locale for a requested one: the same tag (any case, `_` or `-`), else the
        same language (`de-at` reads `de-de`); None when the graph has no such language."""
        if not isinstance(wanted, str) or not wanted.strip():
            return None
        tag = normalise_locale(wanted)
        if tag in self.by_locale:
            return tag
        language = tag.split("-")[0]
        return next((loc for loc in self.locales() if loc.split("-")[0] == language), None)

    def source(self) -> str | None:
        """The graph's source-language locale, if it has one."""
        return self.match_locale(self.source_locale)

    def lookup(self, article: str, error_id: str, locale: object, *, stale_fallback: bool = True) -> GuideMatch | None:
        """Error `error_id` of article `article` for a reader of `locale`: that locale's section when it
        has one, else the source language's, else any other locale's; None when no locale has it.

        A translation older than its source-language article is passed over for the source's section
        (why "stale"), unless `stale_fallback` is off: then it is shown, marked `stale`.
        """
        requested = self.match_locale(locale)
        asked = requested or (normalise_locale(locale) if isinstance(locale, str) and locale.strip() else "")
        source_locale = self.source()
        translation = self.article(article, requested) if requested else None
        source = self.article(article, source_locale) if source_locale else None
        translated_error = translation.error(error_id) if translation is not None else None
        source_error = source.error(error_id) if source is not None else None

        if translation is not None and translated_error is not None:
            stale = requested != source_locale and is_stale(translation, source)
            if stale and source_error is not None and stale_fallback:
                return GuideMatch(source, source_error, source_locale or "", asked, True, "stale", False,
                                  translation, source)
            return GuideMatch(translation, translated_error, requested or "", asked, False, None, stale,
                              translation, source)
        if source is not None and source_error is not None:
            fallback = source_locale != requested
            older = translation if translation is not None and fallback and is_stale(translation, source) else None
            return GuideMatch(source, source_error, source_locale or "", asked, fallback,
                              "missing" if fallback else None, False, None, source,
                              older, counterpart(older, source_error) if older is not None else None)
        for other in self.locales():
            found = self.article(article, other) if other not in (requested, source_locale) else None
            error = found.error(error_id) if found is not None else None
            if found is not None and error is not None:
                return GuideMatch(found, error, other, asked, True, "no-source", is_stale(found, source), None, source)
        return None

    def find_error(self, error_id: str, locale: str, fallback: str | None = DEFAULT_LOCALE) -> GuideMatch | None:
        """The error with this id in any article of `locale`, else of `fallback`; None when neither has it."""
        return self._search(lambda error: error.id == error_id, locale, fallback)

    def find_code(self, code: str, locale: str, fallback: str | None = DEFAULT_LOCALE) -> GuideMatch | None:
        """The error section whose error-code line names `code` (case-insensitive)."""
        wanted = code.lower()
        return self._search(lambda error: any(c.lower() == wanted for c in error.codes), locale, fallback)

    def _search(self, predicate: Callable[[Error], bool], locale: str, fallback: str | None) -> GuideMatch | None:
        requested = self.match_locale(locale)
        asked = requested or normalise_locale(locale)
        source_locale = self.source()
        for candidate in (requested, self.match_locale(fallback)):
            if candidate is None:
                continue
            for article in sorted(self.by_locale[candidate],
                                  key=lambda a: (a.date is None, -(a.date.toordinal() if a.date else 0), a.path)):
                error = next((e for e in article.errors if predicate(e)), None)
                if error is None:
                    continue
                source = self.article(article_slug(article), source_locale) if source_locale else None
                stale = candidate != source_locale and is_stale(article, source)
                shown_elsewhere = candidate != requested
                return GuideMatch(article, error, candidate, asked, shown_elsewhere,
                                  "missing" if shown_elsewhere else None, stale,
                                  None if shown_elsewhere else article, source)
        return None

    def error_ids(self, locale: str) -> list[str]:
        seen: dict[str, None] = {}
        for article in self.articles(locale):
            for error in article.errors:
                seen.setdefault(error.id, None)
        return list(seen)


def load_graph(root: str | os.PathLike[str], *, cache: bool = True) -> GuideGraph:
    """Parse a docs tree (docs_source/<locale>/*.md, a corpus locale folder, any folder of articles)."""
    return GuideGraph.from_articles(load_tree([Path(root)], cache=cache), root=str(root))
