"""Fragment ids a link can land on: explicit anchors plus the ids the platform gives headings."""
from __future__ import annotations

from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.model import Article
from loaders.docs.slug import slugify


def heading_ids(article: Article) -> list[str]:
    """Automatic heading ids in document order; repeats get -1, -2... as the docs platform does."""
    seen: dict[str, int] = {}
    ids = []
    for heading in article.headings:
        slug = slugify(heading.text)
        if not slug:
            continue
        count = seen.get(slug, 0)
        seen[slug] = count + 1
        ids.append(slug if count == 0 else f"{slug}-{count}")
    return ids


def anchor_ids(article: Article, facts: ArticleFacts) -> frozenset[str]:
    ids = {anchor.id for anchor in facts.anchors}
    for heading in article.headings:
        ids.update(heading.explicit_anchors)
        if heading.id:
            ids.add(heading.id)
    ids.update(heading_ids(article))
    return frozenset(ids)
