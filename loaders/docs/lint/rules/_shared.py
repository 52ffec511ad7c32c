"""Small pieces several rules share: number sequences, link columns, plurals."""
from __future__ import annotations

from collections.abc import Sequence


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
