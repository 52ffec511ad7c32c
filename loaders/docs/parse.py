"""Troubleshooting Markdown → Article: errors with ordered cause lists, causes with solution blocks.
Text in, Article out: no files are read here (loaders.docs.load finds, reads and caches them).

Structure is read from markdown-it-py tokens (line numbers kept) and from shapes that do not
depend on the language of the article: explicit anchors, heading levels, in-page link targets,
"<word> N: [title](#anchor)" lists and "label: CamelCaseCode" lines.
"""
from __future__ import annotations

import hashlib

from markdown_it import MarkdownIt

from .blocks import Chunk, TokenDoc, includes_in, links_in, split_chunks
from .fences import reopen_unclosed_fences
from .frontmatter import key_line, parse_date, split_front_matter
from .inline import strip_sxs
from .layouts import recognise
from .locale import locale_problems, resolve_locale
from .model import Article, Cause, Error, Problem
from .outline import Outline, nest_sections, read_entries, read_sections
from .textio import decode

__all__ = ["markdown_parser", "parse_text"]


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
    problems.extend(fence_problems)  # after the header's problems, as a cached copy re-placed elsewhere puts them
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
        problems.append(Problem(line, f"ms.date {value!r} is not a date (expected MM/DD/YYYY or YYYY-MM-DD)",
                                kind="front-matter"))
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
