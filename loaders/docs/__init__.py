"""Troubleshooting articles as a cause/solution graph: load, parse, align across locales, look up errors."""
from __future__ import annotations

from .align import Alignment, align
from .graph import GuideGraph, GuideMatch, load_graph
from .load import discover, load_files, load_tree, parse_article
from .parse import parse_text
from .slug import article_slug, slugify

__all__ = [
    "Alignment",
    "GuideGraph",
    "GuideMatch",
    "align",
    "article_slug",
    "discover",
    "load_files",
    "load_graph",
    "load_tree",
    "parse_article",
    "parse_text",
    "slugify",
]
