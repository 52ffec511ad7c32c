"""What the Guide page shows, decided without Streamlit: which errors to offer, the error in the
reader's language (the graph's `lookup` decides which article and language; the notices follow from
its answer), and the error's causes in order."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from dashboard.core.links import guide_link
from loaders.docs.graph import GuideGraph, GuideMatch
from loaders.docs.model import Article, Cause, CauseRef, Error, Problem
from loaders.docs.slug import article_slug
from loaders.docs.targets import cause_for, nearest_id
from loaders.guidance.search import SearchHit, SearchResult

# Why the text shown is not the reader's up-to-date translation:
#   missing   – no translation of this error: English shown
#   stale     – the translation is older (ms.date) than the English article: English shown
#   outdated  – the translation is older, but the English article no longer has this error
#   no-source – neither the reader's language nor English has it: another language shown
#   older-version – English shown: the reader's language has only an older version of the article,
#                   without this section (`ErrorView.older_article`, `older_error_id` open it)
Notice = Literal["missing", "stale", "outdated", "no-source", "older-version"]


@dataclass(frozen=True)
class ErrorChoice:
    key: str  # "<article slug>/<error id>": unique across articles
    article: str
    error_id: str
    label: str  # codes and title in the reader's language when translated
    codes: tuple[str, ...]
    locale: str  # language of the label


def choice_key(article: str, error_id: str) -> str:
    return f"{article}/{error_id}"


def error_label(error: Error) -> str:
    """'Code — Title', without repeating a code the heading already starts with."""
    title = " ".join(error.title.split())
    codes = [c for c in error.codes if c.lower() not in title.lower()]
    if codes:
        return f"{' / '.join(codes)} — {title}" if title else " / ".join(codes)
    return title or error.id


def _indexed(graph: GuideGraph, locale: str | None) -> dict[str, Article]:
    if locale is None:
        return {}
    # A tree may hold several versions of one article; the graph picks the newest.
    slugs = dict.fromkeys(article_slug(article) for article in graph.articles(locale))
    return {slug: found for slug in slugs if (found := graph.article(slug, locale)) is not None}


def reading_order(graph: GuideGraph, ui_locale: str) -> list[str]:
    """Locales to look in, best first: the reader's, the source language, then every other one."""
    order: list[str] = []
    for candidate in (graph.match_locale(ui_locale), graph.source(), *graph.locales()):
        if candidate is not None and candidate not in order:
            order.append(candidate)
    return order


def error_choices(graph: GuideGraph, ui_locale: str) -> list[ErrorChoice]:
    """Every error of every article, labelled in the best language available for the reader: the
    errors the reader's language has first, then those only other languages have."""
    seen: set[str] = set()
    choices: list[ErrorChoice] = []
    for locale in reading_order(graph, ui_locale):
        for slug, article in sorted(_indexed(graph, locale).items()):
            for error in article.errors:
                key = choice_key(slug, error.id)
                if key in seen:
                    continue
                seen.add(key)
                choices.append(ErrorChoice(key, slug, error.id, error_label(error), tuple(error.codes), locale))
    order = {slug: n for n, slug in enumerate(sorted({c.article for c in choices}))}
    preferred = reading_order(graph, ui_locale)[:1]
    # stable: inside each group, articles in order, and each article's errors in its own order
    return sorted(choices, key=lambda c: (c.locale not in preferred, order[c.article]))


def picker_label(choice: ErrorChoice, preferred_locale: str | None, language_names: dict[str, str]) -> str:
    """A choice's label, naming its language when it is not the one the picker offers first."""
    if choice.locale == preferred_locale or not choice.locale:
        return choice.label
    return f"{choice.label} · {language_names.get(choice.locale, choice.locale)}"


def hit_choices(result: SearchResult, choices: Sequence[ErrorChoice]) -> list[tuple[ErrorChoice, SearchHit]]:
    """The picker's choices a search found, in the search's order, each with the hit that found it."""
    by_key = {choice.key: choice for choice in choices}
    found: dict[str, tuple[ErrorChoice, SearchHit]] = {}
    for hit in result.hits:
        choice = by_key.get(choice_key(hit.article, hit.error_id))
        if choice is not None and choice.key not in found:
            found[choice.key] = (choice, hit)
    return list(found.values())


def find_choice(choices: Sequence[ErrorChoice], error: str | None, article: str | None = None) -> ErrorChoice | None:
    """A deep link's error: by id, else by error code, first within the link's article, then in
    every article (articles get renamed and errors move between them: an old link still finds its
    error); an article alone opens its first error."""
    if not error:
        return next((c for c in choices if c.article == article), None) if article else None
    wanted = error.strip()
    in_article = [c for c in choices if c.article == article] if article else []
    for scope in (in_article, choices):
        for matcher in (
            lambda c: c.error_id == wanted,
            lambda c: c.error_id.lower() == wanted.lower(),
            lambda c: wanted.lower() in (code.lower() for code in c.codes),
        ):
            found = next((c for c in scope if matcher(c)), None)
            if found:
                return found
    return None


@dataclass(frozen=True)
class CauseView:
    number: int  # as written in the cause list, else its position
    id: str
    title: str
    cause: Cause | None  # None: the list points at a section the article does not have
    fallback: bool = False  # the section is the source language's: the translation has none for it


@dataclass(frozen=True)
class ErrorView:
    article: Article  # the article whose text is shown
    error: Error
    causes: list[CauseView]
    shown_locale: str
    wanted_locale: str  # the graph locale matching the reader, if any
    notice: Notice | None
    translation_date: dt.date | None = None
    source_date: dt.date | None = None
    stale_translation: Article | None = None  # shown on request instead of the English text
    problems: list[Problem] = field(default_factory=list)
    older_article: str | None = None  # notice "older-version": the article slug to open...
    older_error_id: str | None = None  # ...and its error that stands for this one, if any
    older_date: dt.date | None = None
    source_article: Article | None = None  # the source-language article, when another one is shown
    source_error: Error | None = None  # its section of this error, for the side-by-side view


def cause_views(article: Article, error: Error) -> list[CauseView]:
    views: list[CauseView] = []
    for position, ref in enumerate(error.cause_refs, start=1):
        # a mistyped target opens the section the lint names in its "did you mean" hint
        cause = cause_for(article, ref)
        views.append(CauseView(_number(ref, position), cause.id if cause else ref.target,
                               " ".join((cause.title if cause else ref.title).split()) or ref.target, cause))
    return views


def _number(ref: CauseRef, position: int) -> int:
    return ref.number if ref.number is not None else position


def error_view(
    graph: GuideGraph, choice: ErrorChoice, ui_locale: str, prefer_stale_translation: bool = False
) -> ErrorView | None:
    """The error in the reader's language, or in English when the translation is missing or
    older than the English article (`ms.date`), or in whatever language has it."""
    match = graph.lookup(choice.article, choice.error_id, ui_locale, stale_fallback=not prefer_stale_translation)
    if match is None:
        return None
    article, error = match.article, match.error
    source_date = match.source.date if match.source is not None else None
    stale_translation = None
    translation_date = source_date_shown = None
    if match.why == "stale":
        stale_translation = match.translation
        translation_date, source_date_shown = match.translation.date, source_date
    elif match.why == "missing":
        source_date_shown = source_date
    elif match.why is None:
        translation_date, source_date_shown = article.date, source_date
        if match.stale and _source_has(match):
            stale_translation = article  # shown on request: the English text is the default
    wanted = match.requested_locale if match.requested_locale in graph.locales() else ""
    older = match.older_translation
    source = match.source if match.source is not None and match.source is not article else None
    source_error = source.error(error.id) if source is not None else None
    causes = cause_views(article, error)
    if source is not None:
        causes = with_source_fallback(causes, source)
    return ErrorView(article, error, causes, match.locale, wanted, notice(match),
                     translation_date, source_date_shown, stale_translation, list(article.problems),
                     article_slug(older) if older is not None else None,
                     match.older_error.id if match.older_error is not None else None,
                     older.date if older is not None else None, source, source_error)


def with_source_fallback(causes: list[CauseView], source: Article) -> list[CauseView]:
    """Causes the translation lists but has no section for, shown from the source-language article
    (cause ids are the same in every language), marked as such."""
    shown = []
    for view in causes:
        found = source.cause(view.id) if view.cause is None else None
        shown.append(CauseView(view.number, view.id, view.title, found, True) if found is not None else view)
    return shown


def side_by_side(view: ErrorView) -> list[tuple[CauseView, Cause | None]]:
    """Each cause shown beside the source language's section of the same cause: by id (the same in
    every language), else the source error's cause at the same position of its list."""
    if view.source_article is None or view.source_error is None:
        return [(cause, None) for cause in view.causes]
    source = view.source_article
    by_position = [source.cause(ref.cause_id or ref.target) for ref in view.source_error.cause_refs]
    pairs = []
    for position, cause in enumerate(view.causes):
        other = source.cause(cause.id)
        if other is None and position < len(by_position):
            other = by_position[position]
        pairs.append((cause, other))
    return pairs


def notice(match: GuideMatch) -> Notice | None:
    """What the reader is told about the language of the text shown."""
    if match.why == "missing" and match.older_translation is not None:
        return "older-version"
    if match.why is not None:
        return match.why
    if match.stale and not _source_has(match):
        return "outdated"
    return None


def _source_has(match: GuideMatch) -> bool:
    return match.source is not None and match.source.error(match.error.id) is not None


@dataclass(frozen=True)
class ArticleProblem:
    path: str
    line: int
    message: str


def graph_problems(graph: GuideGraph) -> list[ArticleProblem]:
    """Every problem any article reported, by file and line."""
    found: list[ArticleProblem] = []
    for locale in graph.locales():
        for article in graph.articles(locale):
            found.extend(ArticleProblem(article.path, p.line, p.message) for p in article.problems)
    return sorted(found, key=lambda p: (p.path, p.line))


def count_errors(graph: GuideGraph) -> int:
    return sum(len(article.errors) for locale in graph.locales() for article in graph.articles(locale))


def link_resolver(graph: GuideGraph, view: ErrorView, locale: str, docs: str | None = None):
    """How links inside an article are followed from the Guide page: anchors to a cause or error
    and links to other loaded articles become Guide deep links; external links stay; anything
    else (images, files the app does not serve) keeps only its text."""
    article_slugs: dict[str, Article] = {}
    for candidate in graph.locales():
        for article in graph.articles(candidate):
            article_slugs.setdefault(article_slug(article), article)
    current = article_slug(view.article)
    cause_ids = {c.id for c in view.article.causes}
    error_ids = {e.id for e in view.article.errors}

    def resolve(href: str) -> str | None:
        href = href.strip()
        if not href:
            return None
        lowered = href.lower()
        if lowered.startswith(("http://", "https://", "mailto:")):
            return href
        if lowered.startswith("//"):
            return "https:" + href
        path, _, anchor = href.partition("#")
        if not path:
            if anchor not in cause_ids and anchor not in error_ids:
                anchor = nearest_id(anchor, cause_ids | error_ids) or anchor
            if anchor in cause_ids:
                return guide_link(locale, current, view.error.id, anchor, docs=docs)
            if anchor in error_ids:
                return guide_link(locale, current, anchor, docs=docs)
            return None
        slug = article_slug(path.split("?")[0])
        target = article_slugs.get(slug) if path.lower().split("?")[0].endswith(".md") else None
        if target is None:
            return None
        if anchor and target.error(anchor):
            return guide_link(locale, slug, anchor, docs=docs)
        return guide_link(locale, slug, docs=docs)

    return resolve
