"""TS003 step-numbering: an ordered list whose numbers skip or repeat (1, 2, 4 or 1, 2, 2)."""
from __future__ import annotations

import bisect
from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.facts import OrderedList
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._shared import sequence
from loaders.docs.model import Article


def _is_lazy(numbers: list[int]) -> bool:
    """`1. 1. 1.`: every item carries the same number and the renderer counts; not an error."""
    return len(numbers) > 1 and len(set(numbers)) == 1


def _missing(first: int, last: int) -> str:
    return f"step {first} missing" if first == last else f"steps {first}–{last} missing"


def _inside_list(numbers: list[int]) -> tuple[int, str] | None:
    """(index of the first wrong item, what is wrong) within one list."""
    for index in range(1, len(numbers)):
        expected = numbers[index - 1] + 1
        got = numbers[index]
        if got == expected:
            continue
        if got == numbers[index - 1]:
            return index, f"step {got} repeated"
        if got > expected:
            return index, _missing(expected, got - 1)
        return index, f"numbering goes back from {numbers[index - 1]} to {got}"
    return None


def _heading_between(headings: list[int], first: int, last: int) -> bool:
    position = bisect.bisect_right(headings, first)
    return position < len(headings) and headings[position] < last


def _section_title(article: Article, line: int) -> str:
    title = ""
    for heading in article.headings:
        if heading.line > line:
            break
        title = heading.text
    return f" in '{title}'" if title else ""


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    headings = sorted(ctx.facts.heading_lines)
    previous: dict[int, OrderedList] = {}  # container -> last list seen in it
    for lst in ctx.facts.ordered_lists:
        numbers = [item.number for item in lst.items]
        before = previous.get(lst.container)
        previous[lst.container] = lst
        if before is not None and _heading_between(headings, before.end_line, lst.line):
            before = None
        if _is_lazy(numbers):
            continue
        wrong = _inside_list(numbers)
        if wrong is not None:
            index, what = wrong
            item = lst.items[index]
            yield Hit(item.line, f"{what}{_section_title(article, item.line)}: numbering goes {sequence(numbers)}",
                      item.column)
            continue
        first = numbers[0]
        if first <= 1 or before is None:
            continue  # a list starting at N with nothing before it is a deliberate start value
        before_numbers = [item.number for item in before.items]
        last = before_numbers[-1] if not _is_lazy(before_numbers) else len(before_numbers)
        if first == last + 1:
            continue
        item = lst.items[0]
        if first > last + 1:
            what = _missing(last + 1, first - 1)
        elif first == last:
            what = f"step {first} repeated"
        else:
            what = f"numbering goes back from {last} to {first}"
        yield Hit(item.line, f"{what}{_section_title(article, item.line)}: this list continues the one ending at "
                  f"{last} (line {before.items[-1].line}) with {sequence(numbers)}", item.column)


RULE = Rule(
    id="TS003",
    alias="step-numbering",
    severity="warning",
    description="An ordered list's numbers skip or repeat a step (1, 2, 4 or 1, 2, 2).",
    rationale="Renderers silently renumber lists, so the reader never sees the gap, but a skipped number in "
    "the source almost always marks a step that was lost. `1. 1. 1.` lists (every item numbered the same) "
    "and lists that resume after a note are understood.",
    scope="article",
    check=check,
    bad=Example(
        "### Reinstall the agent\n\n1. Stop the agent service.\n2. Uninstall the agent.\n"
        "4. Start the agent service.\n"
    ),
    good=Example(
        "### Reinstall the agent\n\n1. Stop the agent service.\n2. Uninstall the agent.\n"
        "3. Install the latest agent.\n\n   > [!NOTE]\n   > You need administrator rights.\n\n"
        "4. Start the agent service.\n"
    ),
)
