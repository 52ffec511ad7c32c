"""TS100 translation-source: a translated article for which no source-language article was found."""
from __future__ import annotations

from collections.abc import Iterator

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules.metadata_required import is_fragment
from loaders.docs.model import Article


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    workspace = ctx.workspace
    if not article.locale or article.locale == workspace.source_locale or is_fragment(ctx) or not article.text:
        return
    if workspace.source_for(ctx.path) is None and workspace.has_source_files:
        # with no source-language file in the run at all, one run-level note says it instead
        yield Hit(1, f"no {workspace.source_locale} source article found for this {article.locale} translation "
                  f"(looked for the same path under a {workspace.source_locale} folder, then for "
                  f"{ctx.path.name} among the {workspace.source_locale} files checked); translation checks skipped")


RULE = Rule(
    id="TS100",
    alias="translation-source",
    severity="info",
    description="No source-language article was found for a translation, so it could not be compared.",
    rationale="The source is the file with the same path under the source-locale folder "
    "(`docs/it-it/x.md` ↔ `docs/en-us/x.md`); failing that, a source-locale file of the same name among "
    "those checked, chosen by `source-vintage`. When no source-language file is checked at all, one "
    "note for the run replaces these findings.",
    scope="article",
    check=check,
    bad=Example("# Backup non riuscito\n", locale="it-it", files={"../../en-us/other/other.md": "# Other\n"}),
    good=Example("# Backup non riuscito\n", source="# Backup fails\n", locale="it-it"),
)
