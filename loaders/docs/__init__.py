"""Troubleshooting articles as a cause/solution graph: parse, align across locales, look up errors."""
from __future__ import annotations

from .align import Alignment, align
from .graph import GuideGraph, load_graph
from .parse import load_tree, parse_article, parse_text
from .slug import slugify

__all__ = [
    "Alignment",
    "GuideGraph",
    "align",
    "load_graph",
    "load_tree",
    "parse_article",
    "parse_text",
    "slugify",
]
