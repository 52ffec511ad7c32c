"""TS007 error-without-causes: an error section with no cause list and no guidance of its own."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article, Block, Error

GUIDANCE_KINDS = frozenset({"steps", "bullets", "code", "callout", "table", "include"})


def _is_guidance(block: Block, error: Error) -> bool:
    if block.kind in GUIDANCE_KINDS:
        return True
    if block.kind != "paragraph" or not block.source.strip():
        return False
    # the paragraph holding the "Error code: X / Error message: Y" lines only names the error
    labels = [*error.codes, *error.messages]
    return not any(label and label in block.source for label in labels)


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for error in article.errors:
        if error.cause_refs or any(_is_guidance(block, error) for block in error.blocks):
            continue
        named = f" ({', '.join(error.codes)})" if error.codes else ""
        yield Hit(error.line, f"error '{error.title}'{named} lists no causes and gives no steps; expected "
                  "\"Cause N: [title](#anchor)\" entries or solution text", 1)


RULE = Rule(
    id="TS007",
    alias="error-without-causes",
    severity="warning",
    description="An error section has neither a cause list nor any solution text of its own.",
    rationale="An error a reader can find by its code but that tells them nothing to do is the worst "
    "outcome of a troubleshooting page.",
    scope="article",
    check=check,
    bad=Example("## UserErrorVmNotFound - The VM was deleted\n\n**Error code**: UserErrorVmNotFound\n"),
    good=Example(
        "## UserErrorVmNotFound - The VM was deleted\n\n**Error code**: UserErrorVmNotFound\n\n"
        "Stop protection of the deleted VM and delete its backup data.\n"
    ),
)
