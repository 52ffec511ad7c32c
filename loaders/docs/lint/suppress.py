"""Inline suppression written in the document itself.

    <!-- backup-triage-disable step-numbering -->        the next block only (list, paragraph, heading...)
    <!-- backup-triage-disable-file TS014 cause-order --> the whole file

Rules are named by id or alias, separated by spaces or commas; no name (or `all`) means every rule.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

DIRECTIVE = re.compile(r"<!--\s*backup-triage-disable(?P<file>-file)?(?P<names>(?:\s+[^\s>][^>]*?)?)\s*-->")
ALL = "all"


@dataclass(frozen=True)
class Suppression:
    rules: frozenset[str]  # canonical rule ids; {"all"} for every rule
    first_line: int  # 1-based, inclusive
    last_line: int  # 1-based, inclusive; file scope uses a very large number
    comment_line: int
    unknown: tuple[str, ...] = ()  # names that match no rule

    def covers(self, rule_id: str, line: int) -> bool:
        return (ALL in self.rules or rule_id in self.rules) and self.first_line <= line <= self.last_line


def _names(raw: str, lookup: Mapping[str, str]) -> tuple[frozenset[str], tuple[str, ...]]:
    words = [word for word in re.split(r"[\s,]+", raw.strip()) if word]
    if not words or any(word.lower() == ALL for word in words):
        return frozenset({ALL}), ()
    known = {lookup[word.lower()] for word in words if word.lower() in lookup}
    unknown = tuple(word for word in words if word.lower() not in lookup)
    return frozenset(known), unknown


def find_suppressions(
    text: str, lookup: Mapping[str, str], blocks: Callable[[], list[tuple[int, int]]]
) -> list[Suppression]:
    """Every suppression directive in `text`.

    `lookup` maps lower-case ids and aliases to rule ids; `blocks` gives the (first, last) lines
    of the document's top-level blocks, asked for only when a block-scoped directive exists.
    """
    if "backup-triage-disable" not in text:
        return []
    directives = []
    for match in DIRECTIVE.finditer(text):
        start_line = text.count("\n", 0, match.start()) + 1
        end_line = text.count("\n", 0, match.end()) + 1
        rules, unknown = _names(match.group("names") or "", lookup)
        directives.append((match, start_line, end_line, rules, unknown))
    if not directives:
        return []
    block_lines = blocks() if any(not m.group("file") for m, *_ in directives) else []
    found = []
    for match, start_line, end_line, rules, unknown in directives:
        if match.group("file"):
            found.append(Suppression(rules, 1, 10**9, start_line, unknown))
            continue
        first, last = _scope_after(block_lines, start_line, end_line, text)
        found.append(Suppression(rules, first, last, start_line, unknown))
    return found


def _scope_after(blocks: list[tuple[int, int]], start_line: int, end_line: int, text: str) -> tuple[int, int]:
    """The block the directive governs: the next one, or the one it sits in when it is inline text."""
    containing = next((b for b in blocks if b[0] <= start_line <= b[1]), None)
    if containing is not None and not _only_comments(text, containing):
        return containing
    after = next((b for b in blocks if b[0] > end_line), None)
    if after is None:
        return (end_line + 1, end_line)  # nothing follows: an empty scope
    return after


def _only_comments(text: str, block: tuple[int, int]) -> bool:
    lines = text.split("\n")[block[0] - 1 : block[1]]
    remainder = re.sub(r"<!--.*?-->", "", "\n".join(lines), flags=re.S)
    return not remainder.strip()

