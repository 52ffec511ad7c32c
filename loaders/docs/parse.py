"""Troubleshooting Markdown → Article: errors with ordered cause lists, causes with solution blocks.

Structure is read from markdown-it-py tokens (line numbers kept) and from shapes that do not
depend on the language of the article: explicit anchors, heading levels, in-page link targets,
"<word> N: [title](#anchor)" lists and "label: CamelCaseCode" lines.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable

from markdown_it import MarkdownIt

from .blocks import Chunk, TokenDoc, includes_in, links_in, split_chunks
from .fences import reopen_unclosed_fences
from .frontmatter import key_line, parse_date, split_front_matter
from .inline import strip_sxs
from .locale import locale_problems, resolve_locale
from .layouts import recognise
from .model import Article, Cause, Error, Include, Problem
from .outline import Outline, nest_sections, read_entries, read_sections
from .slug import slugify
from .textio import decode, describe_os_error, read_file_bytes

__all__ = ["parse_text", "parse_article", "load_tree", "slugify", "article_paths", "unreadable_article"]

INCLUDES_FOLDER = "includes"

_markdown: MarkdownIt | None = None


def markdown_parser() -> MarkdownIt:
    """The one tokenizer configuration used everywhere (CommonMark + tables)."""
    global _markdown
    if _markdown is None:
        _markdown = MarkdownIt("commonmark").enable("table")
    return _markdown


def parse_text(text_or_bytes: str | bytes, path: str = "<memory>", locale: str | None = None) -> Article:
    """Parse one article. Never raises: what is not understood becomes a Problem."""
    try:
        return _parse(text_or_bytes, str(path), locale)
    except Exception as exc:  # the contract is "an article with problems, never an exception"
        try:
            text = decode(text_or_bytes).text
        except Exception:
            text = ""
        return Article(
            path=str(path),
            locale=resolve_locale({}, str(path), locale),
            title="",
            date=None,
            metadata={},
            problems=[Problem(1, f"could not parse the article: {type(exc).__name__}: {exc}", kind="internal")],
            text=text,
        )


def parse_article(path: str | os.PathLike[str], locale: str | None = None) -> Article:
    """Parse one file; an unreadable file yields an article whose only content is the problem."""
    name = str(path)
    try:
        data = read_file_bytes(path)
    except OSError as exc:
        return unreadable_article(name, exc, locale)
    article = parse_text(data, name, locale)
    resolve_includes(article)
    return article


def unreadable_article(name: str, exc: OSError, locale: str | None = None) -> Article:
    """The stand-in for a file that cannot be read: no content, one `io` problem naming it."""
    return Article(
        path=name,
        locale=resolve_locale({}, name, locale),
        title="",
        date=None,
        metadata={},
        problems=[Problem(0, f"cannot read {name}: {describe_os_error(exc, name)}", kind="io")],
    )


def resolve_includes(article: Article) -> None:
    """Point each include at the file it names, when that file exists next to the article."""
    if not article.includes or article.path.startswith("<"):
        return
    base = Path(article.path).parent
    resolved: list[Include] = []
    for include in article.includes:
        target = include.target.split("#", 1)[0]
        candidate = (base / target) if target and not target.startswith(("~", "/", "http:", "https:")) else None
        found = str(candidate.resolve()) if candidate is not None and candidate.is_file() else ""
        resolved.append(Include(include.target, include.line, include.syntax, found))
    article.includes = resolved


def article_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Every *.md under the given files/folders, sorted, without include fragments.

    Entries that are not folders are kept even when they cannot be read (a broken symlink, a
    named pipe): parsing them yields an article with an `io` problem, so they are reported
    rather than silently left out.
    """
    found: set[Path] = set()
    for entry in paths:
        entry = Path(entry)
        if entry.is_dir():
            for candidate in entry.rglob("*.md"):
                relative = candidate.relative_to(entry).parts[:-1]
                if INCLUDES_FOLDER not in relative and not candidate.is_dir():
                    found.add(candidate)
        else:
            found.add(entry)
    return sorted(found)


def load_tree(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *, cache: bool = True) -> list[Article]:
    """Parse every article under `paths` (files or folders), sorted by path.

    Files inside an `includes/` folder are fragments, not articles: they appear as the
    resolved includes of the articles that reference them.
    """
    from .cache import parse_many

    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    return parse_many(article_paths(paths), use_cache=cache)


# --------------------------------------------------------------------------- parsing


def _parse(data: str | bytes, path: str, locale: str | None) -> Article:
    raw = data if isinstance(data, bytes) else data.encode("utf-8", "surrogatepass")
    decoded = decode(data)
    problems: list[Problem] = list(decoded.problems)
    normalised = decoded.text.replace("\r\n", "\n").replace("\r", "\n")
    lines = normalised.split("\n")
    front = split_front_matter(lines)
    problems.extend(front.problems)
    if front.body_start:
        body_lines = [""] * front.body_start + lines[front.body_start :]
        body = "\n".join(body_lines)
    else:
        body_lines, body = lines, normalised
    stripped = strip_sxs(body)
    if stripped is not body:
        body, body_lines = stripped, stripped.split("\n")
    parser = markdown_parser()
    tokens, fence_problems = reopen_unclosed_fences(parser, body_lines, parser.parse(body))
    problems.extend(fence_problems)
    layout = _layout(TokenDoc(tokens, body_lines))

    article = Article(
        path=path,
        locale=resolve_locale(front.metadata, path, locale),
        title="",
        date=None,
        metadata=front.metadata,
        headings=layout.headings,
        content_hash=hashlib.sha256(raw).hexdigest(),
        line_endings=decoded.line_endings,  # type: ignore[arg-type]
        text=decoded.text,
    )
    article.date = _article_date(front.metadata, lines[: front.body_start], problems)
    problems.extend(locale_problems(front.metadata, path, locale, lambda key: key_line(key, lines[: front.body_start])))
    article.title = next((h.text for h in layout.headings if h.level == 1), "") or str(
        front.metadata.get("title") or ""
    )
    whole = Chunk("document", 0, len(tokens), 1, max(len(body_lines), 1))
    article.links = links_in(layout.doc, whole)
    article.includes = includes_in(layout.doc, whole)
    article.errors, article.causes = _errors_and_causes(layout, problems)
    article.problems = sorted(problems, key=lambda p: p.line)
    return article


def _article_date(metadata: dict[str, object], header_lines: list[str], problems: list[Problem]):
    value = metadata.get("ms.date")
    if value in (None, ""):
        return None
    date = parse_date(value)
    if date is None:
        line = key_line("ms.date", header_lines)
        problems.append(Problem(line, f"ms.date {value!r} is not a date (expected MM/DD/YYYY or YYYY-MM-DD)", kind="front-matter"))
    return date


def _layout(doc: TokenDoc) -> Outline:
    """The outline of an article in three steps: sections (headings and the anchors written on or
    before them), their nesting, and the cause-list entries and error-code lines each one holds."""
    outline = read_sections(doc, split_chunks(doc.tokens))
    nest_sections(outline)
    read_entries(outline)
    return outline


def _errors_and_causes(layout: Outline, problems: list[Problem]) -> tuple[list[Error], list[Cause]]:
    """Errors and causes of every layout the article uses (loaders.docs.layouts)."""
    return recognise(layout, problems)
