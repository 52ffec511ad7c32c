"""TS017 markdown-problem: Markdown the parser could read only by guessing (e.g. a code fence never closed)."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article

# problem kinds that have a rule of their own
OWNED = frozenset({
    "yaml", "front-matter", "encoding", "cause-link", "too-large", "parser-failure", "internal", "io",
})


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    for problem in article.problems:
        if problem.kind not in OWNED:
            yield Hit(max(1, problem.line), problem.message, problem.column)


RULE = Rule(
    id="TS017",
    alias="markdown-problem",
    severity="warning",
    description="The Markdown has a construct the parser had to guess at, such as a code fence that is never closed.",
    rationale="What the parser guesses, the docs platform may render differently: an unclosed fence turns "
    "the rest of the article into code.",
    scope="article",
    check=check,
    bad=Example("# Backup\n\n```bash\nservice waagent restart\n\n## Next steps\n\nRetry the backup.\n"),
    good=Example("# Backup\n\n```bash\nservice waagent restart\n```\n\n## Next steps\n\nRetry the backup.\n"),
)
