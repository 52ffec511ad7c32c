"""GuideGraph: every article of a docs tree, by locale, with error lookup and language fallback."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .locale import DEFAULT_LOCALE
from .model import Article, Error
from .load import load_tree
from .slug import article_slug


class ErrorMatch(NamedTuple):
    article: Article
    error: Error
    locale: str  # the locale the answer comes from
    stale: bool  # the translation is older (ms.date) than the source-language article


@dataclass
class GuideGraph:
    root: str
    by_locale: dict[str, list[Article]] = field(default_factory=dict)
    source_locale: str = DEFAULT_LOCALE

    @classmethod
    def from_articles(cls, articles: list[Article], root: str = "", source_locale: str = DEFAULT_LOCALE) -> "GuideGraph":
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
        """The newest article with this file stem in this locale."""
        found = [a for a in self.by_locale.get(locale.lower(), []) if article_slug(a) == slug]
        if not found:
            return None
        return max(found, key=lambda a: (a.date is not None, a.date or 0, a.path))

    def _search(self, locale: str, predicate) -> tuple[Article, Error] | None:
        for article in sorted(
            self.by_locale.get(locale, []), key=lambda a: (a.date is None, -(a.date.toordinal() if a.date else 0), a.path)
        ):
            for error in article.errors:
                if predicate(error):
                    return article, error
        return None

    def _match(self, predicate, locale: str, fallback: str | None) -> ErrorMatch | None:
        locale = locale.lower()
        for candidate in (locale, (fallback or "").lower()):
            if not candidate:
                continue
            found = self._search(candidate, predicate)
            if found is not None:
                article, error = found
                return ErrorMatch(article, error, candidate, self._is_stale(article, candidate))
        return None

    def find_error(self, error_id: str, locale: str, fallback: str | None = DEFAULT_LOCALE) -> ErrorMatch | None:
        """The error with this id in `locale`, else in `fallback`; None when neither has it."""
        return self._match(lambda error: error.id == error_id, locale, fallback)

    def find_code(self, code: str, locale: str, fallback: str | None = DEFAULT_LOCALE) -> ErrorMatch | None:
        """The error section whose error-code line names `code` (case-insensitive)."""
        wanted = code.lower()
        return self._match(lambda error: any(c.lower() == wanted for c in error.codes), locale, fallback)

    def error_ids(self, locale: str) -> list[str]:
        seen: dict[str, None] = {}
        for article in self.articles(locale):
            for error in article.errors:
                seen.setdefault(error.id, None)
        return list(seen)

    def _is_stale(self, article: Article, locale: str) -> bool:
        if locale == self.source_locale or article.date is None:
            return False
        source = self.article(article_slug(article), self.source_locale)
        return bool(source is not None and source.date is not None and article.date < source.date)


def load_graph(root: str | os.PathLike[str], *, cache: bool = True) -> GuideGraph:
    """Parse a docs tree (docs_source/<locale>/*.md, a corpus locale folder, any folder of articles)."""
    return GuideGraph.from_articles(load_tree([Path(root)], cache=cache), root=str(root))
