"""`python -m loaders graph PATH [PATH ...] [--json]`: the cause/solution graph of articles."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Callable

from .align import align, group_by_article
from .model import Article, Cause, Error
from .parse import load_tree

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
    out.append(f"{len(articles)} articles, {errors} errors, {causes} causes, {problems} problems")
    return "\n".join(out)


def _unreadable(paths: list[str]) -> str | None:
    for name in paths:
        path = Path(name)
        if not path.exists():
            return f"graph: cannot read {name}: no such file or directory"
        if path.is_file():
            try:
                with open(path, "rb"):
                    pass
            except OSError as exc:
                return f"graph: cannot read {name}: {exc.strerror or exc}"
    return None


def run(args: argparse.Namespace) -> int:
    message = _unreadable(args.paths)
    if message:
        print(message, file=sys.stderr)
        return 2
    articles = load_tree(args.paths, cache=not args.no_cache)
    if args.json:
        json.dump(graph_json(articles), sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    else:
        print(summary(articles))
    unreadable = [p for a in articles for p in a.problems if p.kind == "io"]
    for problem in unreadable:
        print(f"graph: {problem.message}", file=sys.stderr)
    return 2 if unreadable else 0


def register(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "graph",
        help="parse troubleshooting articles into errors, causes and solutions",
        description="Parse troubleshooting articles (files or folders, *.md recursively) into their "
        "cause/solution graph. Exit 0 on success, 2 when an input cannot be read.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="article file or folder")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    parser.add_argument("--no-cache", action="store_true", help="parse again even when the cache has the file")
    parser.set_defaults(handler=run)
    return parser
