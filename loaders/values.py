"""Values parsed from YAML or JSON made plain and bounded: aliases expanded into JSON values within a budget,
nesting measured before parsing, so a hostile header or catalog stays cheap."""
from __future__ import annotations

import datetime as dt
import math
import re

# Headers and catalogs are a handful of short keys. These bounds keep hostile headers cheap: libyaml
# recurses once per nesting level (tens of thousands of levels crash the process), and aliases
# (`&a` / `*a`) can make a few hundred bytes stand for billions of values.
MAX_NESTING = 100
MAX_VALUES = 10_000
_BRACKETS = re.compile(r"[^\[\]{}]+")


class TooManyValues(ValueError):
    """A YAML document whose aliases stand for more values than allowed."""


def nesting_depth(text: str) -> int:
    """How deep YAML text nests, from its brackets and indentation (an upper bound, quotes ignored)."""
    depth = deepest = 0
    for char in _BRACKETS.sub("", text):
        depth = depth + 1 if char in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
    indents = [len(line) - len(line.lstrip(" ")) for line in text.split("\n")]
    return max(deepest, max(indents, default=0) // 2)


def json_safe(value: object, budget: list[int] | None = None) -> object:
    """Plain JSON values (dates as ISO text); TooManyValues past MAX_VALUES values, aliases expanded."""
    if budget is None:
        budget = [MAX_VALUES]
    budget[0] -= 1
    if budget[0] < 0:
        raise TooManyValues(f"more than {MAX_VALUES:,} values")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes):  # !!binary
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, float) and not math.isfinite(value):  # .nan / .inf are not JSON
        return str(value)
    if isinstance(value, dict):
        return {str(k): json_safe(v, budget) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [json_safe(v, budget) for v in value]
    return value


def plain_values(value: object, limit: int) -> object:
    """`value` (as loaded by YAML) with aliases expanded into plain JSON values; TooManyValues
    when that takes more than `limit` values, RecursionError for an alias that contains itself."""
    budget = [limit]
    try:
        return json_safe(value, budget)
    except TooManyValues:
        raise TooManyValues(f"more than {limit:,} values") from None
