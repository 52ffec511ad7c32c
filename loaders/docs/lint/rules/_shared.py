"""Small helpers several rules share: suggestions, number sequences, link columns."""
from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence


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


def plural(count: int, word: str) -> str:
    return f"{count} {word}" + ("" if count == 1 else "s")
