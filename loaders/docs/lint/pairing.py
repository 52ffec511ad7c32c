"""Which error or cause of a translation is which one of its source article.

Ids first (explicit anchors survive translation), then error codes (never translated), then
near-identical ids (an anchor damaged in translation), then position for what is left when both
sides have the same number of leftovers. Whatever stays unpaired is missing or extra.
"""
from __future__ import annotations

import difflib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.model import Article, Cause, Error

T = TypeVar("T", Error, Cause)
SIMILAR_ID = 0.8


@dataclass
class Pairing(Generic[T]):
    pairs: list[tuple[T, T, str]] = field(default_factory=list)  # (source, translation, how)
    missing: list[T] = field(default_factory=list)  # in the source only
    extra: list[T] = field(default_factory=list)  # in the translation only

    def translation_of(self, source_id: str) -> T | None:
        return next((t for s, t, _ in self.pairs if s.id == source_id), None)

    def source_of(self, translation_id: str) -> T | None:
        return next((s for s, t, _ in self.pairs if t.id == translation_id), None)


def _explicit(article: Article) -> set[int]:
    """Lines of headings that carry an explicit anchor (an id that is meant to survive translation)."""
    return {h.line for h in article.headings if h.explicit_anchors}


def heading_ids(article: Article, facts: ArticleFacts) -> dict[int, set[str]]:
    """Every id that lands on each heading (by line): its own, its anchors, and anchors just above it.

    An `<a id="x"></a>` on the last non-blank line before a heading lands the reader on that heading,
    even when Markdown reads the anchor as part of the paragraph or note above.
    """
    by_line: dict[int, set[str]] = {h.line: {h.id, *h.explicit_anchors} for h in article.headings}
    anchors_by_line: dict[int, list[str]] = {}
    for anchor in facts.anchors:
        anchors_by_line.setdefault(anchor.line, []).append(anchor.id)
    for heading in article.headings:
        line = heading.line - 1
        while line >= 1 and not facts.line(line).strip():
            line -= 1
        if line in anchors_by_line and line not in by_line:
            by_line[heading.line].update(anchors_by_line[line])
    return by_line


def pair(
    source: Sequence[T],
    translation: Sequence[T],
    source_explicit: set[int],
    translation_explicit: set[int],
    same_codes: Callable[[T, T], bool] | None = None,
    source_ids: dict[int, set[str]] | None = None,
    translation_ids: dict[int, set[str]] | None = None,
) -> Pairing[T]:
    result: Pairing[T] = Pairing()
    left = list(source)
    right = list(translation)
    source_ids = source_ids or {}
    translation_ids = translation_ids or {}

    def take(match: Callable[[T, T], bool], how: str) -> None:
        for s in list(left):
            found = next((t for t in right if match(s, t)), None)
            if found is not None:
                result.pairs.append((s, found, how))
                left.remove(s)
                right.remove(found)

    take(lambda s, t: s.id == t.id, "id")
    take(lambda s, t: s.id.lower() == t.id.lower(), "id")
    take(lambda s, t: bool(source_ids.get(s.line, set()) & translation_ids.get(t.line, set())), "anchor")
    if same_codes is not None:
        take(same_codes, "code")
    # damaged anchors: the most similar pairs first
    scored = sorted(
        ((difflib.SequenceMatcher(None, s.id.lower(), t.id.lower()).ratio(), i, j)
         for i, s in enumerate(left) for j, t in enumerate(right)),
        reverse=True,
    )
    used_left: set[int] = set()
    used_right: set[int] = set()
    for score, i, j in scored:
        if score < SIMILAR_ID:
            break
        if i in used_left or j in used_right:
            continue
        used_left.add(i)
        used_right.add(j)
        result.pairs.append((left[i], right[j], "similar id"))
    left = [s for i, s in enumerate(left) if i not in used_left]
    right = [t for j, t in enumerate(right) if j not in used_right]
    # translated headings without anchors have translated slugs: fall back to position (table rows
    # have no heading; their ids come from the structure and already say which row is which)
    headed_left = [s for s in left if s.heading_level]
    headed_right = [t for t in right if t.heading_level]
    if (headed_left and len(headed_left) == len(headed_right)
            and not any(t.line in translation_explicit for t in headed_right)):
        for s, t in zip(headed_left, headed_right, strict=False):
            result.pairs.append((s, t, "position"))
        left = [s for s in left if not s.heading_level]
        right = [t for t in right if not t.heading_level]
    result.missing = left
    result.extra = right
    result.pairs.sort(key=lambda item: item[1].line)
    return result


def _same_codes(s: Error, t: Error) -> bool:
    return bool(s.codes) and bool(set(s.codes) & set(t.codes))


@dataclass
class ArticlePairing:
    errors: Pairing[Error]
    causes: Pairing[Cause]

    def cause_id_in_source(self, translation_target: str) -> str:
        """A translation's cause-list target expressed as the source's cause id (unchanged if unknown)."""
        paired = self.causes.source_of(translation_target)
        return paired.id if paired is not None else translation_target


def _present_as_heading(
    missing: list[T], source_ids: dict[int, set[str]], translation: Article, translation_ids: dict[int, set[str]]
) -> list[T]:
    """Drop from `missing` what the translation has as a heading the structure reader did not classify.

    A translated section keeps its id (an explicit anchor) even when its heading lost the shape that
    marks it as a cause ("Cause 2: ..."); the article title is the article title in every language.
    """
    ids = set().union(*translation_ids.values()) if translation_ids else set()
    has_title = any(h.level == 1 for h in translation.headings)
    return [
        item for item in missing
        if not (source_ids.get(item.line, {item.id}) & ids) and not (item.heading_level == 1 and has_title)
    ]


def pair_articles(
    source: Article, translation: Article, source_facts: ArticleFacts, translation_facts: ArticleFacts
) -> ArticlePairing:
    """Pair the errors and causes of a translation with those of its source."""
    source_explicit = _explicit(source)
    translation_explicit = _explicit(translation)
    source_ids = heading_ids(source, source_facts)
    translation_ids = heading_ids(translation, translation_facts)
    errors = pair(source.errors, translation.errors, source_explicit, translation_explicit, _same_codes,
                  source_ids, translation_ids)
    causes = pair(source.causes, translation.causes, source_explicit, translation_explicit, None,
                  source_ids, translation_ids)
    errors.missing = _present_as_heading(errors.missing, source_ids, translation, translation_ids)
    causes.missing = _present_as_heading(causes.missing, source_ids, translation, translation_ids)
    return ArticlePairing(errors=errors, causes=causes)
