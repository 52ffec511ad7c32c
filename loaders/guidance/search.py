"""Find an error from whatever a support engineer has at hand: an error code, a numeric code, the text
pasted from the portal or from `az backup job show` (one or several lines, any case or spacing, with
or without the recommendation the service appends), a message or title in any language of the docs
tree, or a few words of a title.

    index = SearchIndex.build(load_graph("docs_source"), load_catalog())
    result = index.search("UserErrorGuestAgentStatusUnavailable")
    result.found, [(hit.article, hit.error_id, hit.how) for hit in result.hits]

Codes, numbers and whole messages found in the text are certain and rank first; otherwise every
title, message and code of every language is scored by rapidfuzz, and the best are answered: as
results when they are close enough, else as the closest matches to an input nobody describes.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from rapidfuzz import fuzz, process, utils

from loaders.docs.graph import GuideGraph
from loaders.docs.slug import article_slug
from loaders.jobs.catalog import Catalog, normalise_message

__all__ = ["SearchEntry", "SearchHit", "SearchIndex", "SearchResult", "MatchKind"]

# How a hit was found, most certain first.
MatchKind = Literal["code", "number", "message", "words"]
_RANK: dict[str, float] = {"code": 100.0, "number": 99.0, "message": 98.0}

# A fuzzy score (0–100) from which a title or message counts as what the reader meant; below it,
# the best candidates are still offered, as closest matches.
CONFIDENT_SCORE = 86.0
# A message shorter than this is too generic to be recognised inside pasted text.
MIN_MESSAGE_LENGTH = 12
# The longest query scored as a whole: a pasted job document is scored line by line past it.
MAX_FUZZY_QUERY = 300

_CODE_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9_]{2,}")
_NUMBER_TOKEN = re.compile(r"(?<![\w.:-])\d{3,9}(?![\w.:-])")


@dataclass(frozen=True)
class SearchEntry:
    """One error the search can lead to, with every text it is known by."""

    article: str  # article slug
    error_id: str
    codes: tuple[str, ...] = ()
    numeric: tuple[int, ...] = ()
    messages: tuple[str, ...] = ()  # error messages in every language and every known variant
    titles: tuple[str, ...] = ()  # the heading in every language

    @property
    def key(self) -> tuple[str, str]:
        return self.article, self.error_id


@dataclass(frozen=True)
class SearchHit:
    article: str
    error_id: str
    score: float  # 0–100; codes, numbers and whole messages score 98–100
    how: MatchKind
    matched: str  # the code, number or text that matched


@dataclass(frozen=True)
class SearchResult:
    query: str
    hits: tuple[SearchHit, ...] = ()  # best first
    found: bool = False  # False: nothing matched with confidence; `hits` are the closest matches

    @property
    def best(self) -> SearchHit | None:
        return self.hits[0] if self.hits else None

    @property
    def certain(self) -> bool:
        """One error stands out: found by its code, number or message, and no other one was."""
        certain = [hit for hit in self.hits if hit.how != "words"]
        return len(certain) == 1 or (len(self.hits) == 1 and self.found)


def normalise_query(text: object) -> str:
    """One line of text: Unicode-compatible forms, any whitespace (several lines too) as one space."""
    if not isinstance(text, str):
        return ""
    return " ".join(unicodedata.normalize("NFKC", text).split())


@dataclass
class SearchIndex:
    entries: list[SearchEntry]
    _by_code: dict[str, list[int]] = field(default_factory=dict, init=False, repr=False)
    _by_number: dict[int, list[int]] = field(default_factory=dict, init=False, repr=False)
    _messages: list[tuple[str, int]] = field(default_factory=list, init=False, repr=False)
    _texts: list[str] = field(default_factory=list, init=False, repr=False)
    _text_owner: list[int] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        for position, entry in enumerate(self.entries):
            for code in entry.codes:
                self._by_code.setdefault(code.casefold(), []).append(position)
            for number in entry.numeric:
                self._by_number.setdefault(number, []).append(position)
            for message in entry.messages:
                normalised = normalise_message(message)
                if len(normalised) >= MIN_MESSAGE_LENGTH:
                    self._messages.append((normalised, position))
            for text in dict.fromkeys((*entry.codes, *entry.titles, *entry.messages)):
                if utils.default_process(text):
                    self._texts.append(text)
                    self._text_owner.append(position)
        self._messages.sort(key=lambda item: -len(item[0]))  # the most specific message first

    @classmethod
    def build(cls, graph: GuideGraph, catalog: Catalog | None = None) -> SearchIndex:
        """Every error of every article of the graph, in every language and vintage; catalog codes,
        numbers and message variants added to the errors the catalog points at."""
        merged: dict[tuple[str, str], dict[str, list]] = {}
        for article in graph.articles():
            slug = article_slug(article)
            for error in article.errors:
                known = merged.setdefault((slug, error.id), {"codes": [], "numeric": [], "messages": [], "titles": []})
                known["codes"].extend(error.codes)
                known["numeric"].extend(error.numeric_codes)
                known["messages"].extend(error.messages)
                known["titles"].append(" ".join(error.title.split()))
        for entry in catalog.entries.values() if catalog is not None else ():
            known = merged.get((entry.article, entry.error_id))
            if known is None:
                continue  # a tree without our articles: its own error-code lines carry the codes
            known["codes"].extend((entry.code, *entry.aliases))
            known["numeric"].extend(entry.numeric)
            known["messages"].extend(entry.messages)
        return cls([SearchEntry(slug, error_id, *(tuple(dict.fromkeys(known[name])) for name in
                                                  ("codes", "numeric", "messages", "titles")))
                    for (slug, error_id), known in merged.items()])

    def search(self, query: object, limit: int = 8) -> SearchResult:
        """Ranked errors for `query`. Never raises; an empty query finds nothing."""
        text = normalise_query(query)
        if not text:
            return SearchResult("")
        hits = self._certain_hits(text)
        if hits:
            return SearchResult(text, tuple(hits[:limit]), True)
        fuzzy = self._fuzzy_hits(text, limit)
        found = bool(fuzzy) and fuzzy[0].score >= CONFIDENT_SCORE
        if found:
            fuzzy = [hit for hit in fuzzy if hit.score >= CONFIDENT_SCORE]
        return SearchResult(text, tuple(fuzzy), found)

    def _certain_hits(self, text: str) -> list[SearchHit]:
        hits: dict[tuple[str, str], SearchHit] = {}

        def add(positions: Iterable[int], how: MatchKind, matched: str) -> None:
            for position in positions:
                entry = self.entries[position]
                if entry.key not in hits:
                    hits[entry.key] = SearchHit(entry.article, entry.error_id, _RANK[how], how, matched)

        for token in _CODE_TOKEN.findall(text):
            add(self._by_code.get(token.casefold(), ()), "code", token)
        for token in _NUMBER_TOKEN.findall(text):
            add(self._by_number.get(int(token), ()), "number", token)
        folded = normalise_message(text)
        for message, position in self._messages:
            start = folded.find(message)
            # a whole message, not the start of a longer word
            if start >= 0 and not _continues_word(folded, start, len(message)):
                add((position,), "message", message)
        return sorted(hits.values(), key=lambda hit: -hit.score)

    def _fuzzy_hits(self, text: str, limit: int) -> list[SearchHit]:
        if not self._texts:
            return []
        pieces = [text] if len(text) <= MAX_FUZZY_QUERY else _pieces(text)
        best: dict[int, tuple[float, str]] = {}
        for piece in pieces:
            for matched, score, index in process.extract(piece, self._texts, scorer=closeness,
                                                         processor=utils.default_process, limit=limit * 4):
                owner = self._text_owner[index]
                if owner not in best or score > best[owner][0]:
                    best[owner] = (float(score), matched)
        ranked = sorted(best.items(), key=lambda item: (-item[1][0], item[0]))[:limit]
        return [SearchHit(self.entries[owner].article, self.entries[owner].error_id, round(score, 1), "words", matched)
                for owner, (score, matched) in ranked]


def closeness(query: str, text: str, **_: object) -> float:
    """How well `text` answers `query` (both already lower-cased, punctuation dropped): rapidfuzz's
    weighted ratio, or, when higher, how many query words the text holds, each word counted by its
    best fuzzy match among the text's words (a word inside the text counts whole: scripts written
    without spaces, a word cut short)."""
    words = query.split()
    if not words or not text:
        return 0.0
    text_words = text.split()
    held = sum(100.0 if word in text else max((fuzz.ratio(word, other) for other in text_words), default=0.0)
               for word in words)
    return max(fuzz.WRatio(query, text), held / len(words))


def _continues_word(text: str, start: int, length: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[start + length] if start + length < len(text) else " "
    return before.isalnum() or after.isalnum()


def _pieces(text: str) -> list[str]:
    """A long paste in pieces of sentence size, each scored on its own."""
    parts = [p.strip() for p in re.split(r"[\"{}\[\],;]|(?<=[.!?])\s", text) if len(p.strip()) >= MIN_MESSAGE_LENGTH]
    return [p[:MAX_FUZZY_QUERY] for p in parts] or [text[:MAX_FUZZY_QUERY]]
