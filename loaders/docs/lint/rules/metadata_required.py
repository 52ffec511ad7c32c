"""TS009 metadata-required: a required front-matter key is missing, empty or unreadable."""
from __future__ import annotations

import re
from collections.abc import Iterator

from loaders.docs.frontmatter import parse_date
from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article

DATE_KEYS = frozenset({"ms.date"})


def is_fragment(ctx: ArticleContext) -> bool:
    """Include files are fragments pasted into articles; they carry no metadata of their own."""
    return any(part.lower() == "includes" for part in ctx.path.parts[:-1])


def _key_line(ctx: ArticleContext, key: str) -> tuple[int, int]:
    pattern = re.compile(rf"(^|\s){re.escape(key)}\s*[:=]")
    for number in range(1, max(1, ctx.facts.body_start)):
        match = pattern.search(ctx.facts.line(number))
        if match:
            return number, match.start() + len(match.group(1)) + 1
    return 1, 1


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    if is_fragment(ctx):
        return
    keys = list(ctx.option("keys"))
    if not keys:
        return
    if ctx.facts.body_start <= 1 and not article.metadata:
        yield Hit(1, f"no front matter; expected a YAML header with {', '.join(keys)}", 1)
        return
    for key in keys:
        value = article.metadata.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            state = "missing" if key not in article.metadata else "empty"
            line, column = _key_line(ctx, key) if state == "empty" else (1, 1)
            yield Hit(line, f"required metadata '{key}' is {state}", column)
            continue
        if key in DATE_KEYS and parse_date(value) is None:
            line, column = _key_line(ctx, key)
            yield Hit(line, f"'{key}' value {value!r} is not a date; expected MM/DD/YYYY", column)
        elif isinstance(value, (list, dict)):
            line, column = _key_line(ctx, key)
            yield Hit(line, f"'{key}' is a {type(value).__name__}; expected a single text value", column)


RULE = Rule(
    id="TS009",
    alias="metadata-required",
    severity="error",
    description="A required front-matter key (title, description, ms.date by default) is missing, empty or malformed.",
    rationale="The docs platform builds the page title, search snippet and freshness date from these keys; "
    "`ms.date` is also how a translation is known to be older than its source. Files in an `includes` "
    "folder are fragments and are not checked. Configure the keys with `required-metadata`.",
    scope="article",
    check=check,
    options={"keys": ["title", "description", "ms.date"]},
    bad=Example("---\ntitle: Troubleshoot backup\nms.date: 13/45/2024\n---\n\n# Troubleshoot backup\n"),
    good=Example(
        "---\ntitle: Troubleshoot backup\ndescription: Causes and fixes of backup failures.\nms.date: 11/12/2025\n"
        "---\n\n# Troubleshoot backup\n"
    ),
)
