"""Cross-locale alignment of one article: which locales carry each error and cause id, in which order."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from .model import Article
from .slug import article_slug


@dataclass
class Alignment:
    locales: list[str]  # one label per article: its locale, or "locale:path" when a locale repeats
    errors: dict[str, list[str]] = field(default_factory=dict)  # error id -> labels that have it
    causes: dict[str, list[str]] = field(default_factory=dict)  # cause id -> labels that have it
    cause_orders: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # error id -> label -> ids

    def missing_errors(self, label: str) -> list[str]:
        return [error for error, labels in self.errors.items() if label not in labels]

    def missing_causes(self, label: str) -> list[str]:
        return [cause for cause, labels in self.causes.items() if label not in labels]

    def order_disagreements(self) -> dict[str, dict[str, list[str]]]:
        """Errors whose cause order differs between the locales that have the error."""
        return {
            error: orders
            for error, orders in self.cause_orders.items()
            if len({tuple(order) for order in orders.values()}) > 1
        }

    def to_json(self) -> dict[str, object]:
        return {
            "locales": self.locales,
            "errors": self.errors,
            "causes": self.causes,
            "cause_orders": self.cause_orders,
        }


def _labels(articles: list[Article]) -> list[str]:
    counts: dict[str, int] = defaultdict(int)
    for article in articles:
        counts[article.locale] += 1
    return [a.locale if counts[a.locale] == 1 else f"{a.locale}:{a.path}" for a in articles]


def align(articles: list[Article]) -> Alignment:
    """Align several locales of one article by their stable ids."""
    labels = _labels(articles)
    alignment = Alignment(labels)
    for label, article in zip(labels, articles, strict=False):
        for error in article.errors:
            alignment.errors.setdefault(error.id, [])
            if label not in alignment.errors[error.id]:
                alignment.errors[error.id].append(label)
            alignment.cause_orders.setdefault(error.id, {}).setdefault(label, error.causes)
        for cause in article.causes:
            alignment.causes.setdefault(cause.id, [])
            if label not in alignment.causes[cause.id]:
                alignment.causes[cause.id].append(label)
    return alignment


def group_by_article(articles: list[Article]) -> dict[str, list[Article]]:
    """The locales of each article (same slug), named by the file name of the first one."""
    groups: dict[str, list[Article]] = {}
    names: dict[str, str] = {}
    for article in articles:
        slug = article_slug(article)
        name = names.setdefault(slug, PurePosixPath(article.path.replace("\\", "/")).name)
        groups.setdefault(name, []).append(article)
    return groups
