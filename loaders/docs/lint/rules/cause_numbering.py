"""TS002 cause-numbering: the "Cause N" numbers of one error's list are not 1, 2, …, N."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._shared import sequence
from loaders.docs.model import Article


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for error in article.errors:
        refs = [ref for ref in error.cause_refs if ref.number is not None]
        if len(refs) < 1:
            continue
        numbers = [ref.number for ref in refs]
        expected = list(range(1, len(refs) + 1))
        if numbers == expected:
            continue
        position = next(i for i, (got, want) in enumerate(zip(numbers, expected, strict=False)) if got != want)
        ref = refs[position]
        got = numbers[position]
        want = expected[position]
        if got in numbers[:position]:
            what = f"cause {got} appears twice"
        elif got > want and want not in numbers:
            what = f"cause {want} missing"
        else:
            what = f"cause {got} is out of place"
        column = ctx.facts.column_of(ref.line, str(got))
        yield Hit(ref.line, f"{what} in the cause list of '{error.title}': numbering goes "
                  f"{sequence(numbers)}; expected {sequence(expected)}", column)


RULE = Rule(
    id="TS002",
    alias="cause-numbering",
    severity="warning",
    description="The \"Cause N\" numbers of an error's cause list are not 1 to N in order.",
    rationale="A gap or repeat in the cause numbers usually means a cause was dropped or pasted twice "
    "when the list was edited or translated.",
    scope="article",
    check=check,
    bad=Example(
        "## Backup fails\n\n**Cause 1: [No network](#no-network)**<br>\n"
        "**Cause 3: [Agent stopped](#agent-stopped)**\n\n"
        "## Causes and solutions\n\n### No network\n\nOpen the firewall.\n\n### Agent stopped\n\nStart the agent.\n"
    ),
    good=Example(
        "## Backup fails\n\n**Cause 1: [No network](#no-network)**<br>\n"
        "**Cause 2: [Agent stopped](#agent-stopped)**\n\n"
        "## Causes and solutions\n\n### No network\n\nOpen the firewall.\n\n### Agent stopped\n\nStart the agent.\n"
    ),
)
