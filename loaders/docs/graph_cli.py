"""`python -m loaders graph PATH [PATH ...] [--json]`: the cause/solution graph of articles."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from .align import align, group_by_article
from .model import Article, Cause, Error
from .parse import article_paths, load_tree
from .textio import why_unreadable

# Extra per-error fields for the JSON output: each hook gets (article, error, fields) and adds keys
# to `fields` (e.g. the catalog's codes for the error). Register with `add_error_fields`.
ErrorFieldsHook = Callable[[Article, Error, dict], None]
ERROR_FIELD_HOOKS: list[ErrorFieldsHook] = []


def add_error_fields(hook: ErrorFieldsHook) -> ErrorFieldsHook:
    ERROR_FIELD_HOOKS.append(hook)
    return hook


def error_json(article: Article, error: Error) -> dict:
    fields = {
        "id": error.id,
        "title": error.title,
        "line": error.line,
        "codes": error.codes,
        "numeric_codes": error.numeric_codes,
        "messages": error.messages,
        "layout": error.layout,
        "causes": error.causes,
        "cause_refs": [
            {"number": ref.number, "target": ref.target, "title": ref.title, "line": ref.line, "cause_id": ref.cause_id}
            for ref in error.cause_refs
        ],
    }
    for hook in ERROR_FIELD_HOOKS:
        hook(article, error, fields)
    return fields


def cause_json(cause: Cause) -> dict:
    return {
        "id": cause.id,
        "title": cause.title,
        "line": cause.line,
        "platforms": cause.platforms,
        "commands": [command.text for command in cause.commands],
        "links": [
            {"text": link.text, "target": link.target, "kind": link.kind, "line": link.line} for link in cause.links
        ],
        "blocks": [block.kind for block in cause.blocks],
    }


def article_json(article: Article) -> dict:
    return {
        "path": article.path,
        "locale": article.locale,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "line_endings": article.line_endings,
        "metadata": article.metadata,
        "errors": [error_json(article, error) for error in article.errors],
        "causes": [cause_json(cause) for cause in article.causes],
        "includes": [
            {"target": inc.target, "line": inc.line, "syntax": inc.syntax, "resolved": inc.resolved or None}
            for inc in article.includes
        ],
        "problems": [{"line": p.line, "message": p.message, "kind": p.kind} for p in article.problems],
    }


def graph_json(articles: list[Article]) -> dict:
    payload: dict[str, object] = {"articles": [article_json(article) for article in articles]}
    alignments = {
        name: align(group).to_json()
        for name, group in group_by_article(articles).items()
        if len({a.locale for a in group}) > 1
    }
    if alignments:
        payload["alignment"] = alignments
    return payload


def summary(articles: list[Article]) -> str:
    out: list[str] = []
    for article in articles:
        date = article.date.isoformat() if article.date else "no date"
        out.append(f"{article.path} [{article.locale}, {date}] {article.title}")
        for error in article.errors:
            codes = f" ({', '.join(error.codes)})" if error.codes else ""
            out.append(f"  error {error.id}{codes}")
            for ref in error.cause_refs:
                number = f"{ref.number}. " if ref.number is not None else "- "
                out.append(f"    {number}{ref.target}")
        for cause in article.causes:
            platforms = f" [{', '.join(cause.platforms)}]" if cause.platforms else ""
            out.append(f"  cause {cause.id}{platforms}: {len(cause.blocks)} blocks, {len(cause.commands)} commands")
        for problem in article.problems:
            out.append(f"  line {problem.line}: {problem.message}")
    errors = sum(len(a.errors) for a in articles)
    causes = sum(len(a.causes) for a in articles)
    problems = sum(len(a.problems) for a in articles)
    unreadable = sum(1 for a in articles if any(p.kind == "io" for p in a.problems))
    tail = f", {unreadable} unreadable" if unreadable else ""
    out.append(f"{len(articles) - unreadable} articles, {errors} errors, {causes} causes, {problems} problems{tail}")
    return "\n".join(out)


def input_problems(paths: list[str]) -> list[str]:
    """One line for each named path that yields no article: missing, unreadable, or a folder
    without any *.md (files unreadable inside folders are reported from their articles)."""
    messages: list[str] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            if not article_paths([path]):
                messages.append(f"graph: {name}: no Markdown (.md) files in this folder")
            continue
        reason = why_unreadable(path)
        if reason:
            messages.append(f"graph: cannot read {name}: {reason}")
    return messages


def run(args: argparse.Namespace) -> int:
    named = input_problems(args.paths)
    readable = [name for name in args.paths if Path(name).is_dir() or why_unreadable(name) is None]
    articles = load_tree(readable, cache=not args.no_cache) if readable else []
    if args.json:
        json.dump(graph_json(articles), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(summary(articles))
    unreadable = [p for a in articles for p in a.problems if p.kind == "io"]
    for message in named:
        print(message, file=sys.stderr)
    for problem in unreadable:
        print(f"graph: {problem.message}", file=sys.stderr)
    return 2 if named or unreadable else 0


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "graph",
        help="parse troubleshooting articles into errors, causes and solutions",
        description="Parse troubleshooting articles (files or folders, *.md recursively) into their "
        "cause/solution graph. Exit 0 on success, 2 when an input is missing, cannot be read or "
        "is a folder without *.md files (the readable articles are still printed).",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article file or folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parser.add_argument("--no-cache", action="store_true", help="parse again even when the cache has the file")
    parser.set_defaults(handler=run)
    return parser
