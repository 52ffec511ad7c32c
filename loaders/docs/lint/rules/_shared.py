"""Small helpers several rules share: suggestions, number sequences, where sections start."""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

from loaders.docs.model import Article, Cause, Error


def closest(target: str, candidates: Iterable[str]) -> str | None:
    """The candidate most like `target`, when one is clearly similar (a typo, an artifact)."""
    found = difflib.get_close_matches(target, list(candidates), n=1, cutoff=0.75)
    return found[0] if found else None


def sequence(numbers: Sequence[int], limit: int = 12) -> str:
    shown = [str(n) for n in numbers[:limit]]
    if len(numbers) > limit:
        shown.append("…")
    return ", ".join(shown)


def fragment_column(line_text: str, target: str) -> int | None:
    """Column of the `#target` of a link on its line."""
    index = line_text.find("#" + target)
    return index + 1 if index >= 0 else None


def section_starts(article: Article) -> list[int]:
    """Lines of every heading, so a rule can tell whether two lines are in the same section."""
    return sorted(h.line for h in article.headings)


def sections(article: Article) -> list[Error | Cause]:
    return [*article.errors, *article.causes]


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
