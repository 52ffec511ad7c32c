"""Troubleshooting Markdown → Article: errors with ordered cause lists, causes with solution blocks.

Text in, Article out: no files are read here (loaders.docs.load finds, reads and caches them).

Structure is read from markdown-it-py tokens (line numbers kept) and from shapes that do not
depend on the language of the article: explicit anchors, heading levels, in-page link targets,
"<word> N: [title](#anchor)" lists and "label: CamelCaseCode" lines.
"""
from __future__ import annotations

import dataclasses
import difflib
import hashlib
import re
from dataclasses import dataclass, field

from markdown_it import MarkdownIt

from .blocks import (
    Chunk,
    TokenDoc,
    build_blocks,
    commands_in,
    includes_in,
    is_anchor_html,
    links_in,
    split_chunks,
)
from .frontmatter import key_line, parse_date, split_front_matter
from .inline import strip_sxs
from .locale import locale_problems, resolve_locale
from .model import Article, Block, Cause, CauseRef, Error, Heading, Link, Problem
from .slug import slugify
from .structure import cause_refs, is_cause_ref_line, label_lines, numbered_heading
from .textio import decode

__all__ = ["markdown_parser", "parse_text"]

_ANCHOR_ATTR = re.compile(r"""<a\s+[^>]*?\b(?:name|id)\s*=\s*["']([^"']*)["']""", re.IGNORECASE)
_PLATFORM_WORDS = {"windows": re.compile(r"\bwindows\b", re.IGNORECASE), "linux": re.compile(r"\blinux\b", re.IGNORECASE)}
_ID_SEPARATORS = re.compile(r"[-_\s.]+")
_COLON = re.compile("[:：︰∶]")

_markdown: MarkdownIt | None = None


def markdown_parser() -> MarkdownIt:
    """The one tokenizer configuration used everywhere (CommonMark + tables)."""
    global _markdown
    if _markdown is None:
        _markdown = MarkdownIt("commonmark").enable("table")
    return _markdown


@dataclass
class _Section:
    heading: Heading
    chunk: int  # index of the heading chunk
    parent: int | None = None
    own_end: int = 0  # chunk index where the section's own content stops (next section heading)
    end: int = 0  # chunk index where the section's subtree stops
    refs: list[CauseRef] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    numeric: list[int] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class _Layout:
    doc: TokenDoc
    chunks: list[Chunk]
    sections: list[_Section]
    headings: list[Heading]
    skip: set[int]  # chunks that are not content: anchor-only lines, cause-list headings
    ref_only: set[int]  # chunks that only hold cause-list entries


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
    tokens = markdown_parser().parse(body)
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
    problems.extend(_unclosed_fences(layout.doc))
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


def _layout(doc: TokenDoc) -> _Layout:
    chunks = split_chunks(doc.tokens)
    sections: list[_Section] = []
    headings: list[Heading] = []
    skip: set[int] = set()
    ref_only: set[int] = set()
    owner: list[int | None] = []
    pending: list[str] = []
    for index, chunk in enumerate(chunks):
        if _is_anchor_chunk(doc, chunk):
            pending.extend(_ANCHOR_ATTR.findall(doc.tokens[chunk.start].content if chunk.kind == "html_block" else doc.tokens[chunk.start + 1].content))
            skip.add(index)
            owner.append(len(sections) - 1 if sections else None)
            continue
        if chunk.kind == "heading":
            flat = doc.flat(chunk.start + 1)
            anchors = tuple(pending + flat.anchors)
            pending = []
            text = " ".join(flat.text.split())
            level = int(doc.tokens[chunk.start].tag[1:] or 1)
            heading = Heading(level, text, anchors[0] if anchors else slugify(text), anchors, chunk.line)
            headings.append(heading)
            if is_cause_ref_line(flat):
                skip.add(index)
                ref_only.add(index)
                owner.append(len(sections) - 1 if sections else None)
                continue
            sections.append(_Section(heading, index))
            owner.append(len(sections) - 1)
            continue
        pending = []
        owner.append(len(sections) - 1 if sections else None)

    # nesting: parent = nearest earlier section of a lower level; ends at the next one of level <=
    stack: list[int] = []
    for position, section in enumerate(sections):
        level = section.heading.level
        while stack and sections[stack[-1]].heading.level >= level:
            sections[stack.pop()].end = section.chunk
        section.parent = stack[-1] if stack else None
        stack.append(position)
        section.own_end = sections[position + 1].chunk if position + 1 < len(sections) else len(chunks)
    for position in stack:
        sections[position].end = len(chunks)

    # cause lists and error code lines, attributed to the section they appear in
    for index, chunk in enumerate(chunks):
        target = owner[index]
        if target is None or chunk.kind in ("table", "fence", "code_block", "html_block", "hr"):
            continue
        section = sections[target]
        if chunk.kind == "heading":
            if index in ref_only:
                flat = doc.flat(chunk.start + 1)
                for ref in cause_refs(flat):
                    section.refs.append(CauseRef(ref.number, ref.target, ref.title, chunk.line + ref.line_offset))
            continue
        ref_lines = 0
        other_text = False
        for inline_index in doc.inline_indexes(chunk, with_tables=False):
            content = doc.tokens[inline_index].content
            may_ref = "](#" in content
            # cheap screens on the raw inline first: most paragraphs hold neither shape
            if not may_ref and _COLON.search(content) is None:
                other_text = other_text or bool(content.strip())
                continue
            flat = doc.flat(inline_index)
            line = doc.token_line(inline_index, chunk.line)
            refs = cause_refs(flat) if may_ref else []
            for ref in refs:
                section.refs.append(CauseRef(ref.number, ref.target, ref.title, line + ref.line_offset))
            ref_lines += len(refs)
            if not refs or sum(1 for part in flat.text.split("\n") if part.strip()) > len(refs):
                other_text = other_text or bool(flat.text.strip())
            found = label_lines(flat)
            if found is not None:
                section.codes.extend(code for code in found.codes if code not in section.codes)
                section.numeric.extend(n for n in found.numeric if n not in section.numeric)
                section.messages.extend(m for m in found.messages if m not in section.messages)
        if ref_lines and not other_text:
            ref_only.add(index)
    return _Layout(doc, chunks, sections, headings, skip, ref_only)


def _unclosed_fences(doc: TokenDoc) -> list[Problem]:
    """A fence without its closing line turns the rest of the article into code."""
    found: list[Problem] = []
    for token in doc.tokens:
        if token.type != "fence" or not token.map:
            continue
        first, stop = token.map
        closing = doc.lines[stop - 1].strip() if stop - 1 > first and stop - 1 < len(doc.lines) else ""
        marker = token.markup[:1]
        if not (closing.startswith(token.markup) and not closing.strip(marker)):
            found.append(
                Problem(first + 1, f"code fence {_shown_fence(token.markup)} is never closed: the rest of the article is read as code", kind="unclosed-fence")
            )
    return found


def _shown_fence(markup: str) -> str:
    return markup if len(markup) <= 10 else f"{markup[:3]}… ({len(markup)} {'backticks' if markup[0] == '`' else 'tildes'})"


def _is_anchor_chunk(doc: TokenDoc, chunk: Chunk) -> bool:
    """A line holding only `<a name|id="…"></a>` (the 2016 layout puts it before its heading)."""
    if chunk.kind == "html_block":
        return is_anchor_html(doc.tokens[chunk.start].content)
    if chunk.kind == "paragraph" and chunk.end - chunk.start == 3:
        content = doc.tokens[chunk.start + 1].content
        return "<a" in content and is_anchor_html(content)
    return False


def _section_index(sections: list[_Section]) -> tuple[dict[str, int], dict[str, int]]:
    exact: dict[str, int] = {}
    folded: dict[str, int] = {}
    for position, section in enumerate(sections):
        heading = section.heading
        # the platform also gives an anchored heading the slug of its text
        slug = (slugify(heading.text),) if heading.explicit_anchors else ()
        for key in (*heading.explicit_anchors, heading.id, *slug):
            if key:
                exact.setdefault(key, position)
                folded.setdefault(key.lower(), position)
    return exact, folded


def _errors_and_causes(layout: _Layout, problems: list[Problem]) -> tuple[list[Error], list[Cause]]:
    sections = layout.sections
    error_positions = [p for p, s in enumerate(sections) if s.refs or s.codes]
    if not error_positions and len(sections) < 2:
        return [], []
    has_link_refs = any(sections[p].refs for p in error_positions)
    cause_positions: dict[int, None] = {}

    if not has_link_refs:
        for parent, children in _numbered_children(sections).items():
            section = sections[parent]
            for child in children:
                number, title = numbered_heading(sections[child].heading.text) or (None, "")
                heading = sections[child].heading
                section.refs.append(CauseRef(number, heading.id, title, heading.line, heading.id))
                cause_positions[child] = None
            if parent not in error_positions:
                error_positions.append(parent)
        error_positions.sort()

    errors_set = set(error_positions)
    exact, folded = _section_index(sections)
    for position in error_positions:
        section = sections[position]
        for number, ref in enumerate(section.refs):
            found = exact.get(ref.target)
            if found is None:
                found = folded.get(ref.target.lower())
            if found is None:
                found = _nearest_section(ref.target, sections, errors_set)
                message = f"cause link #{ref.target} points to no heading in this article"
                if found is not None:
                    message += f"; nearest heading is #{sections[found].heading.id}"
                problems.append(Problem(ref.line, message, kind="cause-link"))
            if found is None:
                continue
            section.refs[number] = dataclasses.replace(ref, cause_id=sections[found].heading.id)
            cause_positions[found] = None

    # the other sections of a "causes and solutions" parent are causes too (their links may be broken)
    children_of: dict[int, list[int]] = {}
    for position, section in enumerate(sections):
        if section.parent is not None:
            children_of.setdefault(section.parent, []).append(position)
    for parent in {sections[p].parent for p in list(cause_positions)}:
        if parent is None or parent in errors_set or sections[parent].heading.level < 2:
            continue
        children = children_of.get(parent, [])
        referenced = [c for c in children if c in cause_positions]
        if len(referenced) * 2 >= len(children):
            for child in children:
                if child not in errors_set:
                    cause_positions.setdefault(child, None)

    _implicit_refs(layout, error_positions, set(cause_positions), exact, folded)
    errors = [_error(layout, sections[p]) for p in error_positions]
    causes = [_cause(layout, sections[p]) for p in sorted(cause_positions)]
    return errors, causes


def _implicit_refs(
    layout: _Layout, error_positions: list[int], causes: set[int], exact: dict[str, int], folded: dict[str, int]
) -> None:
    """An error without a "Cause N" list that links to known cause sections ("follow these [steps](#x)")
    gets those causes, in link order and unnumbered, so that its guidance is not lost."""
    sections = layout.sections
    errors = set(error_positions)
    for position in error_positions:
        section = sections[position]
        if section.refs:
            continue
        _, _, links, _ = _content(layout, section.chunk + 1, section.own_end)
        seen: set[int] = set()
        for link in links:
            if link.kind != "anchor":
                continue
            target = link.target.lstrip("#")
            found = exact.get(target)
            if found is None:
                found = folded.get(target.lower())
            if found is None or found in errors or found not in causes or found in seen:
                continue
            seen.add(found)
            section.refs.append(CauseRef(None, target, link.text, link.line, sections[found].heading.id))


NEAREST_ID_RATIO = 0.8


def _nearest_section(target: str, sections: list[_Section], errors: set[int]) -> int | None:
    """The one heading whose id is close to a broken link target (a mistyped or re-translated anchor)."""
    wanted = target.lower()
    scored: list[tuple[float, int]] = []
    for position, section in enumerate(sections):
        if position in errors:
            continue
        ratio = difflib.SequenceMatcher(None, wanted, section.heading.id.lower()).ratio()
        if ratio >= NEAREST_ID_RATIO:
            scored.append((ratio, position))
    scored.sort(reverse=True)
    if not scored or (len(scored) > 1 and scored[1][0] == scored[0][0]):
        return None
    return scored[0][1]


def _numbered_children(sections: list[_Section]) -> dict[int, list[int]]:
    """Sibling headings numbered 1, 2, 3… ("Cause 1: …", "Ursache 2 …") under one parent that
    share a sub-heading, the 2016 layout of causes without a linked cause list."""
    groups: dict[int, list[int]] = {}
    for position, section in enumerate(sections):
        if section.parent is None:
            continue
        numbered = numbered_heading(section.heading.text)
        if numbered is None:
            continue
        siblings = groups.setdefault(section.parent, [])
        if siblings:
            previous = numbered_heading(sections[siblings[-1]].heading.text)
            if previous is None or numbered[0] <= previous[0] or sections[siblings[-1]].heading.level != section.heading.level:
                continue
        elif numbered[0] != 1:
            continue
        siblings.append(position)
    sub_ids: dict[int, set[str]] = {}
    for section in sections:
        if section.parent is not None:
            sub_ids.setdefault(section.parent, set()).add(section.heading.id.lower())
    found: dict[int, list[int]] = {}
    for parent, children in groups.items():
        if len(children) < 2:
            continue
        # numbered causes repeat one sub-heading ("Solution", "Lösung": same anchor or slug);
        # numbered walkthrough steps ("Step 1", "Step 2") do not
        seen: set[str] = set()
        repeated = False
        for child in children:
            ids = sub_ids.get(child, set())
            repeated = repeated or bool(seen & ids)
            seen |= ids
        if repeated:
            found[parent] = children
    return found


def _content(layout: _Layout, first: int, stop: int) -> tuple[list[Block], list, list[Link], int]:
    blocks: list[Block] = []
    commands: list = []
    links: list[Link] = []
    end_line = 0
    doc = layout.doc
    for index in range(first, stop):
        if index in layout.skip and index not in layout.ref_only:
            continue
        chunk = layout.chunks[index]
        end_line = max(end_line, chunk.end_line)
        commands.extend(commands_in(doc, chunk))
        links.extend(links_in(doc, chunk))
        if index not in layout.ref_only:
            blocks.extend(build_blocks(doc, chunk))
    return blocks, commands, links, end_line


def _error(layout: _Layout, section: _Section) -> Error:
    heading = section.heading
    blocks, _, _, end_line = _content(layout, section.chunk + 1, section.own_end)
    end_line = max(end_line, heading.line)
    error = Error(
        id=heading.id,
        title=heading.text,
        line=heading.line,
        heading_level=heading.level,
        codes=list(section.codes),
        messages=list(section.messages),
        cause_refs=list(section.refs),
        blocks=blocks,
        markdown=layout.doc.source(heading.line + 1, end_line),
        end_line=end_line,
    )
    error.numeric_codes = list(section.numeric)
    return error


def _platforms(cause_id: str, title: str) -> list[str]:
    tokens = set(_ID_SEPARATORS.split(cause_id.lower()))
    return [name for name, word in _PLATFORM_WORDS.items() if name in tokens or word.search(title)]


def _cause(layout: _Layout, section: _Section) -> Cause:
    heading = section.heading
    blocks, commands, links, end_line = _content(layout, section.chunk + 1, section.end)
    end_line = max(end_line, heading.line)
    return Cause(
        id=heading.id,
        title=heading.text,
        line=heading.line,
        heading_level=heading.level,
        platforms=_platforms(heading.id, heading.text),
        blocks=blocks,
        commands=commands,
        links=links,
        markdown=layout.doc.source(heading.line + 1, end_line),
        end_line=end_line,
    )
