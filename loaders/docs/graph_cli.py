"""`python -m loaders graph PATH [PATH ...] [--json]`: the cause/solution graph of articles."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from loaders.files import why_unreadable

from .align import align, group_by_article
from .load import Discovery, discover, load_articles
from .model import Article, Cause, Error


def error_json(error: Error) -> dict:
    return {
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
        "errors": [error_json(error) for error in article.errors],
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


def readable_inputs(paths: list[str]) -> tuple[list[str], dict[str, str]]:
    """The named folders and readable files, and why each other named path cannot be read."""
    readable: list[str] = []
    unreadable: dict[str, str] = {}
    for name in paths:
        reason = None if Path(name).is_dir() else why_unreadable(name)
        if reason:
            unreadable[name] = reason
        else:
            readable.append(name)
    return readable, unreadable


def input_problems(paths: list[str], unreadable: dict[str, str], found: Discovery) -> list[str]:
    """One line for each named path that yields no article, in the order named: missing,
    unreadable, or a folder without any *.md (files unreadable inside folders are reported from
    their articles), then each link inside a folder that leads out of it (not read)."""
    folders = {error.path: error for error in found.errors if error.kind in ("no-articles", "unlistable")}
    messages: list[str] = []
    for name in paths:
        if name in unreadable:
            messages.append(f"graph: cannot read {name}: {unreadable[name]}")
        elif name in folders:
            messages.append(f"graph: {name}: {folders[name].message}")
    messages += [f"graph: {error.path} {error.message}" for error in found.errors if error.kind == "outside"]
    return messages


def run(args: argparse.Namespace) -> int:
    readable, unreadable = readable_inputs(args.paths)
    found = discover(readable)
    named = input_problems(args.paths, unreadable, found)
    articles = load_articles(sorted(found.files), use_cache=not args.no_cache)
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
