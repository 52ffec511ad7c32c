"""What a rule may look at besides the article: its options, raw-text facts, the tree, the source."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.lint.pairing import pair_articles
from loaders.docs.model import Article

if TYPE_CHECKING:
    from loaders.docs.lint.engine import Workspace


@dataclass
class ArticleContext:
    path: Path  # the file as found on disk
    shown_path: str  # as printed in findings
    options: Mapping[str, Any]
    facts: ArticleFacts
    workspace: Workspace

    def option(self, name: str) -> Any:
        return self.options[name]


@dataclass
class TranslationContext(ArticleContext):
    source: Article
    source_path: Path
    source_shown_path: str
    source_facts: ArticleFacts
    source_how: str  # why this source was chosen: "same path", "nearest ms.date", "newest"

    @property
    def pairing(self):
        """Errors and causes of this translation paired with the source's (computed once per pair)."""
        article = self.facts.article
        return self.workspace.memo(
            ("pairing", id(self.source), id(article)),
            lambda: pair_articles(self.source, article, self.source_facts, self.facts),
        )

    def source_hit_fields(self, line: int | None) -> dict[str, object]:
        return {"source_path": self.source_shown_path, "source_line": line}
