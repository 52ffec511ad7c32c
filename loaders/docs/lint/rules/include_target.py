"""TS010 include-target: an `[!INCLUDE]` whose file does not exist."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._paths import local_target, resolve
from loaders.docs.model import Article


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for include in article.includes:
        target = local_target(include.target)
        if target is None:
            continue
        path = resolve(ctx.path, target)
        if ctx.workspace.exists(path):
            continue
        yield Hit(include.line, f"included file {include.target} does not exist (looked for "
                  f"{ctx.workspace.shown(path)}); expected a file at that path",
                  ctx.facts.column_of(include.line, include.target))


RULE = Rule(
    id="TS010",
    alias="include-target",
    severity="error",
    description="An [!INCLUDE] (or [AZURE.INCLUDE]) names a file that does not exist.",
    rationale="The platform fails the build or renders an empty hole where shared text should be. Paths "
    "starting with `~/` or `/` are resolved by the docs platform against another repository and are not checked.",
    scope="article",
    check=check,
    bad=Example("# Troubleshoot backup\n\n[!INCLUDE [disclaimer](../includes/no-such-file.md)]\n"),
    good=Example(
        "# Troubleshoot backup\n\n[!INCLUDE [disclaimer](../includes/support-disclaimer.md)]\n",
        files={"../includes/support-disclaimer.md": "Contact support if the problem persists.\n"},
    ),
)
