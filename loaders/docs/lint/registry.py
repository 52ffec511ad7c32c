"""Rules as small named units: id, alias, default severity, one-line description, examples, check."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from loaders.docs.lint.findings import Hit, Severity

if TYPE_CHECKING:
    from loaders.docs.lint.context import ArticleContext, TranslationContext
    from loaders.docs.model import Article

Scope = Literal["article", "translation"]


@dataclass(frozen=True)
class Example:
    """A document that shows the rule; translation rules also carry the source-language article."""

    text: str
    source: str | None = None  # the source-language article, for translation rules
    locale: str = "en-us"  # the folder the example lives in; translations use another locale
    files: Mapping[str, str] = field(default_factory=dict)  # other files of the tree, relative to the article
    config: Mapping[str, Any] = field(default_factory=dict)  # lint settings the example is run with


@dataclass(frozen=True)
class Rule:
    id: str  # "TS001": stable, never reused
    alias: str  # "cause-link-target": what people type in config and suppressions
    severity: Severity  # default severity
    description: str  # one line, shown by --list-rules
    scope: Scope
    check: Callable[..., Iterable[Hit]]
    bad: Example
    good: Example
    rationale: str = ""  # why it matters; rendered in docs/rules.md
    enabled_by_default: bool = True
    # translation rules that compare content only make sense against the revision translated from
    same_revision_only: bool = True
    # most rules look at the parsed article; a file too large or unparseable is left to the one that says so
    needs_parsed_article: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)  # defaults, overridable in config

    def run_article(self, article: Article, ctx: ArticleContext) -> Iterable[Hit]:
        return self.check(article, ctx)

    def run_translation(self, article: Article, ctx: TranslationContext) -> Iterable[Hit]:
        return self.check(article, ctx)


def rules_by_key(rules: Iterable[Rule]) -> dict[str, Rule]:
    """Look-up by id or alias, case-insensitive."""
    table: dict[str, Rule] = {}
    for rule in rules:
        table[rule.id.lower()] = rule
        table[rule.alias.lower()] = rule
    return table
