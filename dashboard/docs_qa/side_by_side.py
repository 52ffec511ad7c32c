"""One article in two languages, structure beside structure: its errors in order, under each error its
ordered causes, under each cause its steps, commands and numbers, aligned by id the way the lint pairs
them, each row saying how the right side differs from the left.

Decided without Streamlit; the page draws the rows.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.lint.pairing import ArticlePairing, pair_articles
from loaders.docs.lint.rules._sections import codes_of
from loaders.docs.lint.rules.number_changed import numbers_of
from loaders.docs.lint.rules.step_count import steps_between
from loaders.docs.load import located_under, parse_article
from loaders.docs.locale import locale_under
from loaders.docs.model import Article, Cause, Error

# same             – both sides have it, and what is compared agrees
# missing          – on the left only (or listed on both sides, with its section only on the left)
# extra            – on the right only
# reordered        – both have the cause, at another position of the error's list
# command-changed  – a command or code span of the left is not on the right as written
# number-changed   – the numbers of the prose differ
# steps-changed    – another number of numbered steps
Difference = Literal["same", "missing", "extra", "reordered", "command-changed", "number-changed", "steps-changed"]
Kind = Literal["error", "cause", "steps", "command", "numbers"]


@dataclass(frozen=True)
class Side:
    text: str
    line: int | None = None


@dataclass(frozen=True)
class StructureRow:
    kind: Kind
    id: str  # the left side's id (the right's when only it has the item)
    depth: int  # 0 error, 1 cause of an error, 2 what a cause holds
    left: Side | None
    right: Side | None
    difference: Difference

    @property
    def differs(self) -> bool:
        return self.difference != "same"


def _title(item: Error | Cause) -> str:
    return item.title


def _cause_details(left: Cause | Error, right: Cause | Error, left_facts: ArticleFacts, right_facts: ArticleFacts,
                   item_id: str) -> list[StructureRow]:
    """Steps, commands and numbers of two paired sections."""
    rows: list[StructureRow] = []
    left_steps = sum(steps_between(left_facts, left.line, left.end_line or left.line))
    right_steps = sum(steps_between(right_facts, right.line, right.end_line or right.line))
    if left_steps or right_steps:
        rows.append(StructureRow("steps", item_id, 2, Side(str(left_steps), left.line),
                                 Side(str(right_steps), right.line),
                                 "same" if left_steps == right_steps else "steps-changed"))
    left_codes, right_codes = codes_of(left), codes_of(right)
    spare = list(right_codes)
    for code in left_codes:
        twin = next((c for c in spare if c.text == code.text), None)
        if twin is not None:
            spare.remove(twin)
            rows.append(StructureRow("command", item_id, 2, Side(code.text, code.line), Side(twin.text, twin.line),
                                     "same"))
            continue
        other = spare.pop(0) if spare else None
        rows.append(StructureRow("command", item_id, 2, Side(code.text, code.line),
                                 Side(other.text, other.line) if other else None,
                                 "command-changed" if other else "missing"))
    rows.extend(StructureRow("command", item_id, 2, None, Side(code.text, code.line), "extra") for code in spare)
    left_numbers = numbers_of(left, set())
    right_numbers = numbers_of(right, set())
    if left_numbers or right_numbers:
        same = Counter(n for n, _ in left_numbers) == Counter(n for n, _ in right_numbers)
        rows.append(StructureRow(
            "numbers", item_id, 2,
            Side(" ".join(n for n, _ in left_numbers), left_numbers[0][1] if left_numbers else None),
            Side(" ".join(n for n, _ in right_numbers), right_numbers[0][1] if right_numbers else None),
            "same" if same else "number-changed"))
    return rows


def _cause_rows(left_error: Error, right_error: Error, pairing: ArticlePairing, left: Article,
                left_facts: ArticleFacts, right_facts: ArticleFacts, detailed: set[str]) -> list[StructureRow]:
    wanted = left_error.causes
    got = [pairing.cause_id_in_source(ref.target) for ref in right_error.cause_refs]
    shared = [c for c in wanted if c in got]
    right_order = [c for c in got if c in shared]
    rows: list[StructureRow] = []
    for position, cause_id in enumerate(wanted):
        ref = left_error.cause_refs[position]
        left_side = Side(ref.title, ref.line)
        if cause_id not in got:
            rows.append(StructureRow("cause", cause_id, 1, left_side, None, "missing"))
            continue
        right_ref = right_error.cause_refs[got.index(cause_id)]
        moved = shared.index(cause_id) != right_order.index(cause_id)
        left_cause = left.cause(cause_id)
        right_cause = next((t for s, t, _ in pairing.causes.pairs if s is left_cause), None)
        # listed on both sides, but the section the right's entry leads to is not there
        lost = left_cause is not None and right_cause is None
        rows.append(StructureRow("cause", cause_id, 1, left_side, Side(right_ref.title, right_ref.line),
                                 "missing" if lost else "reordered" if moved else "same"))
        if cause_id in detailed or left_cause is None or right_cause is None:
            continue  # a cause several errors list is detailed under the first one
        detailed.add(cause_id)
        rows.extend(_cause_details(left_cause, right_cause, left_facts, right_facts, cause_id))
    for ref, cause_id in zip(right_error.cause_refs, got, strict=False):
        if cause_id not in wanted:
            rows.append(StructureRow("cause", cause_id, 1, None, Side(ref.title, ref.line), "extra"))
    return rows


def side_by_side(left: Article, right: Article) -> list[StructureRow]:
    """Rows in the left article's order; what only the right has comes where the right has it."""
    left_facts, right_facts = ArticleFacts(left), ArticleFacts(right)
    pairing = pair_articles(left, right, left_facts, right_facts)
    by_left = {id(s): t for s, t, _ in pairing.errors.pairs}
    extra_after: dict[int, list[Error]] = {}  # right errors without a twin, after the left error they follow
    previous: int | None = None
    paired_right = {id(t): s for s, t, _ in pairing.errors.pairs}
    for error in right.errors:
        if id(error) in paired_right:
            previous = id(paired_right[id(error)])
        else:
            extra_after.setdefault(previous or 0, []).append(error)
    rows: list[StructureRow] = [StructureRow("error", e.id, 0, None, Side(_title(e), e.line), "extra")
                                for e in extra_after.get(0, [])]
    detailed: set[str] = set()
    for error in left.errors:
        twin = by_left.get(id(error))
        if twin is None:
            rows.append(StructureRow("error", error.id, 0, Side(_title(error), error.line), None, "missing"))
        else:
            rows.append(StructureRow("error", error.id, 0, Side(_title(error), error.line),
                                     Side(_title(twin), twin.line), "same"))
            rows.extend(_cause_rows(error, twin, pairing, left, left_facts, right_facts, detailed))
            if not error.cause_refs and not twin.cause_refs:  # guidance in the error itself (tables, code lines)
                rows.extend(_cause_details(error, twin, left_facts, right_facts, error.id))
        rows.extend(StructureRow("error", e.id, 0, None, Side(_title(e), e.line), "extra")
                    for e in extra_after.get(id(error), []))
    rows.extend(_unlisted_causes(left, right, pairing, left_facts, right_facts))
    return rows


def _unlisted_causes(left: Article, right: Article, pairing: ArticlePairing, left_facts: ArticleFacts,
                     right_facts: ArticleFacts) -> list[StructureRow]:
    """Cause sections no error lists (or that only one side's lists name), after the errors."""
    listed_left = {cause_id for error in left.errors for cause_id in error.causes}
    listed_right = {pairing.cause_id_in_source(ref.target) for error in right.errors for ref in error.cause_refs}
    rows: list[StructureRow] = []
    for cause in left.causes:
        if cause.id in listed_left:
            continue
        twin = next((t for s, t, _ in pairing.causes.pairs if s is cause), None)
        if twin is None:
            rows.append(StructureRow("cause", cause.id, 0, Side(cause.title, cause.line), None, "missing"))
            continue
        rows.append(StructureRow("cause", cause.id, 0, Side(cause.title, cause.line), Side(twin.title, twin.line),
                                 "same"))
        rows.extend(_cause_details(cause, twin, left_facts, right_facts, cause.id))
    for cause in pairing.causes.extra:
        if cause.id not in listed_right:
            rows.append(StructureRow("cause", cause.id, 0, None, Side(cause.title, cause.line), "extra"))
    return rows


def difference_counts(rows: list[StructureRow]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if row.differs:
            counts[row.difference] = counts.get(row.difference, 0) + 1
    return counts


def compare_files(root: Path, left_path: str, right_path: str) -> list[StructureRow]:
    """`side_by_side` of two files of the docs folder, each read as the lint reads it (in its folder's locale)."""
    return side_by_side(_read_under(root, left_path), _read_under(root, right_path))


def _read_under(root: Path, relative: str) -> Article:
    path = root / relative
    return located_under(parse_article(path, locale_under(path, [root])), [root])
