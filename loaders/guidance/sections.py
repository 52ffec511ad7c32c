"""The section of the guide that explains a failed job's code or message, in the reader's language.

    graph = load_graph("docs_source")
    found = resolve_guidance(load_catalog(), graph, "ResourceNotFound", "it-it")
    found.status, found.article, found.error_id, found.locale_used, found.section

The catalog names the article and error; the graph's `lookup` decides the language, as it does for
the Guide: the reader's locale (same tag, else same language), else the source language. A
translation older than its source is answered all the same, marked `stale`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from loaders.docs.graph import GuideGraph, GuideMatch
from loaders.docs.locale import DEFAULT_LOCALE, normalise_locale
from loaders.docs.model import Error
from loaders.docs.slug import article_slug
from loaders.jobs.catalog import Catalog, CatalogEntry, code_parts

__all__ = ["GuidanceMatch", "GuidanceStatus", "resolve_guidance"]

GuidanceStatus = Literal["found", "fallback", "unknown"]


@dataclass(frozen=True)
class GuidanceMatch:
    """Where a job's code or message is explained, and in which language.

    status: "found" in the requested locale, "fallback" in the source locale, "unknown" when no
    section explains it (entry may still be set: the code is known but no article has its section).
    """

    status: GuidanceStatus
    entry: CatalogEntry | None
    article: str | None  # article slug
    error_id: str | None
    locale_used: str | None
    stale: bool = False  # the translation used is older (ms.date) than its source article
    section: Error | None = None  # the error section itself, for rendering
    article_path: str | None = None


def _looks_like_code(text: str) -> bool:
    name, number = code_parts(text)
    return name is not None or number is not None


def _answer(match: GuideMatch, entry: CatalogEntry | None, error_id: str) -> GuidanceMatch:
    return GuidanceMatch(
        "fallback" if match.fallback else "found",
        entry,
        article_slug(match.article),
        error_id,
        match.locale,
        match.stale,
        match.error,
        match.article.path,
    )


def resolve_guidance(catalog: Catalog, graph: GuideGraph, code_or_message: object, locale: str | None) -> GuidanceMatch:
    """The error section for a job's code (or English message) in `locale`, else in the source locale.

    Never raises on odd input: anything that cannot be placed comes back as status "unknown".
    """
    text = "" if code_or_message is None else str(code_or_message).strip()
    source_locale = normalise_locale(graph.source_locale or DEFAULT_LOCALE)
    wanted = normalise_locale(locale) if isinstance(locale, str) and locale.strip() else source_locale

    entry = catalog.match(code=text) if _looks_like_code(text) else None
    if entry is None and text:
        entry = catalog.match(message=text)

    if entry is None:
        # Not in the catalog: a section may still name the code on its "Error code" line.
        name, _ = code_parts(text)
        found = graph.find_code(name, wanted, fallback=source_locale) if name else None
        if found is None:
            return GuidanceMatch("unknown", None, None, None, None)
        return _answer(found, None, found.error.id)

    match = graph.lookup(entry.article, entry.error_id, wanted, stale_fallback=False)
    if match is None or match.why == "no-source":
        # Trees whose file names differ from our slugs (e.g. a renamed copy): look the id up anywhere.
        match = graph.find_error(entry.error_id, wanted, fallback=source_locale)
    if match is None:
        return GuidanceMatch("unknown", entry, entry.article, entry.error_id, None)
    return _answer(match, entry, entry.error_id)
