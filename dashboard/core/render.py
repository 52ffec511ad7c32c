"""Turn a solution's Markdown (untrusted article content) into safe pieces a page can lay out.

The Markdown is cut into an ordered list of segments so that commands become copyable code blocks
and callouts become info/warning boxes, in the order they appear next to the prose:

* `html`    – prose, lists and tables as HTML sanitised by nh3 (small tag allow-list, no scripts,
              styles or event handlers; links resolved by the caller, external ones open in a new
              tab with rel="noopener noreferrer");
* `code`    – a command or code block (text only, shown with `st.code`);
* `callout` – a NOTE/TIP/IMPORTANT/WARNING/CAUTION box whose body is plain Markdown with every
              markup character escaped except the few constructs it keeps (bold, italics, code,
              links), for `st.info` / `st.warning`, which never render raw HTML;
* `include` – a shared snippet referenced with [!INCLUDE] that is not part of the article itself.

A code block or callout inside a numbered step splits the list; the list is reopened after it
with the right start number so the numbering still reads as written.
"""
from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

SegmentKind = Literal["html", "code", "callout", "include"]
# Resolves a link target as written ("#cause-id", "other.md#x", "https://...") to the URL the
# reader should follow, or None to keep only the link text.
LinkResolver = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    html: str = ""  # kind == "html": sanitised
    code: str = ""  # kind == "code"
    language: str = ""  # kind == "code"
    callout: str = ""  # kind == "callout": NOTE, TIP, IMPORTANT, WARNING, CAUTION
    markdown: str = ""  # kind == "callout": escaped Markdown body
    target: str = ""  # kind == "include": the path as written


CONTINUED_ITEM_CLASS = "bt-continued"
# Page style for the reopened list items (no second bullet or number for a continued step).
STYLESHEET = f"<style>li.{CONTINUED_ITEM_CLASS}{{list-style:none}}</style>"
ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "code", "kbd", "sub", "sup", "del", "s",
    "ul", "ol", "li", "blockquote", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "a",
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "li": {"value"}, "th": {"colspan", "rowspan"},
                      "td": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
CALLOUT_MARKER = re.compile(r"^\s*\[(?:!|AZURE\.)(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]\s*", re.I)
INCLUDE_MARKER = re.compile(r"^\s*\[!?(?:AZURE\.)?INCLUDE\s*\[[^\]]*\]\(([^)]*)\)\s*\]\s*$", re.I)
# Characters that carry meaning anywhere in Streamlit Markdown (CommonMark inlines, math, tables,
# colour and icon directives), and those that only do at the start of a line (headings, lists, quotes).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$|~:&])")
_LINE_START_SPECIAL = re.compile(r"^(\s*(?:\d+)?)([#>+=.)-])", re.M)
_SXS_CLASS = re.compile(r"""class\s*=\s*["'][^"']*\bsxs-lookup\b""", re.I)
_OPEN_SPAN = re.compile(r"^<span\b", re.I)
_CLOSE_SPAN = re.compile(r"^</span\s*>", re.I)


def _markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # Parse every link as a link, whatever its scheme: the sanitiser and the link resolver decide
    # what stays clickable, and a refused link then reads as its text instead of raw Markdown.
    md.validateLink = lambda url: True
    return md


_MD = _markdown()


def is_external(href: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//", href, re.I)) or href.lower().startswith("mailto:")


def render_solution(markdown: str, resolve_link: LinkResolver | None = None) -> list[Segment]:
    """Split `markdown` into ordered, sanitised segments."""
    resolve = resolve_link or (lambda href: href if is_external(href) else None)
    tokens = _MD.parse(_directive_images_as_text(_without_sxs_source(markdown)))
    return _Splitter(resolve).split(tokens)


def sanitize_html(fragment: str, resolve_link: LinkResolver | None = None) -> str:
    """nh3 with the guide's allow-list; every href goes through `resolve_link` (None drops it)."""
    resolve = resolve_link or (lambda href: href if is_external(href) else None)

    def keep_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            return resolve(html.unescape(value))
        return value

    return nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(values) for tag, values in ALLOWED_ATTRIBUTES.items()},
        tag_attribute_values={"a": {"target": {"_blank"}}},
        allowed_classes={"li": {CONTINUED_ITEM_CLASS}},
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        attribute_filter=keep_attribute,
    )


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that renders as the same text (no HTML, math, directives)."""
    return _escape_line_starts(_escape_inline(text))


def _escape_inline(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _escape_line_starts(text: str) -> str:
    return _LINE_START_SPECIAL.sub(r"\1\\\2", text)


_DIRECTIVE_IMAGE = re.compile(r"^([ \t>]*):::image\b(.*?):::[ \t]*$", re.I | re.M)
_DIRECTIVE_ALT = re.compile(r'\balt-text\s*=\s*"([^"]*)"', re.I)


def _directive_images_as_text(markdown: str) -> str:
    """`:::image ... alt-text="..." :::` (docs-platform syntax): the image is not served, its
    description is kept as text."""
    def alt_text(match: re.Match[str]) -> str:
        alt = _DIRECTIVE_ALT.search(match.group(2))
        return f"{match.group(1)}\\[{escape_markdown(alt.group(1))}\\]" if alt else match.group(1)

    return _DIRECTIVE_IMAGE.sub(alt_text, markdown) if ":::" in markdown else markdown


def _without_sxs_source(markdown: str) -> str:
    """Side-by-side translations repeat each sentence's English source in hidden
    `<span class="sxs-lookup">` elements; only the translation is meant to be read."""
    if "sxs-lookup" not in markdown:
        return markdown
    out: list[str] = []
    pos = 0
    for match in re.finditer(r"<span\b[^>]*>", markdown, re.I):
        if match.start() < pos or not _SXS_CLASS.search(match.group(0)):
            continue
        depth, cursor = 0, match.start()
        for tag in re.finditer(r"<span\b[^>]*>|</span\s*>", markdown[match.start():], re.I):
            depth += -1 if tag.group(0).startswith("</") else 1
            if depth == 0:
                cursor = match.start() + tag.end()
                break
        else:
            cursor = len(markdown)
        out.append(markdown[pos:match.start()])
        pos = cursor
    out.append(markdown[pos:])
    return "".join(out)


class _Splitter:
    """Walks block tokens keeping the stack of open containers, cutting at code and callouts."""

    def __init__(self, resolve: LinkResolver) -> None:
        self.resolve = resolve
        self.segments: list[Segment] = []
        self.pending: list[Token] = []
        self.stack: list[Token] = []  # open container tokens (lists, items, quotes, tables)
        self.item_numbers: list[int] = []  # current number of each open ordered list

    def split(self, tokens: Sequence[Token]) -> list[Segment]:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            if token.type in ("fence", "code_block"):
                self._cut(Segment("code", code=textwrap.dedent(token.content).strip("\n"),
                                  language=(token.info or "").split()[0] if token.info else ""))
            elif token.type == "blockquote_open" and self._callout_kind(tokens, index):
                end = self._matching_close(tokens, index)
                self._cut(self._callout(tokens[index + 1:end], self._callout_kind(tokens, index)))
                index = end
            elif token.type == "paragraph_open" and self._include_target(tokens, index) is not None:
                self._cut(Segment("include", target=self._include_target(tokens, index) or ""))
                index += 2  # inline + paragraph_close
            else:
                self._track(token)
                self.pending.append(token)
            index += 1
        self._flush()
        return [s for s in self.segments if s.kind != "html" or s.html.strip()]

    # -- container bookkeeping -------------------------------------------------------------
    def _track(self, token: Token) -> None:
        if token.type == "ordered_list_open":
            start = token.attrGet("start")
            self.item_numbers.append(int(start) - 1 if start is not None else 0)
        elif token.type == "ordered_list_close" and self.item_numbers:
            self.item_numbers.pop()
        elif token.type == "list_item_open" and self.stack and self.stack[-1].type == "ordered_list_open":
            self.item_numbers[-1] = int(token.info) if token.info.isdigit() else self.item_numbers[-1] + 1
        if token.nesting == 1 and token.type != "paragraph_open" and token.type.endswith("_open") \
                and token.type not in ("heading_open",) and token.block:
            self.stack.append(token)
        elif token.nesting == -1 and self.stack and self.stack[-1].type == token.type.replace("_close", "_open"):
            self.stack.pop()

    def _cut(self, segment: Segment) -> None:
        """Close the open containers, emit `segment`, reopen the containers after it."""
        closing = [Token(t.type.replace("_open", "_close"), t.tag, -1) for t in reversed(self.stack)]
        for token in closing:
            token.block = True
        self.pending.extend(closing)
        self._flush()
        self.segments.append(segment)
        numbers = iter(self.item_numbers)
        reopened: list[Token] = []
        for token in self.stack:
            clone = Token(token.type, token.tag, 1, attrs=dict(token.attrs), block=True,
                          hidden=token.hidden, info=token.info, markup=token.markup)
            if token.type == "ordered_list_open":
                clone.attrSet("start", str(max(next(numbers, 1), 1)))
            elif token.type == "list_item_open":
                clone.attrSet("class", CONTINUED_ITEM_CLASS)
            reopened.append(clone)
        self.pending.extend(reopened)

    def _flush(self) -> None:
        if not self.pending:
            return
        tokens, self.pending = self.pending, []
        if not any(t.type in ("inline", "html_block", "hr") for t in tokens):
            return  # only reopened/closed containers: nothing to show
        rendered = _HTML_RENDERER.render(tokens)
        safe = _unlink_dead_anchors(sanitize_html(rendered, self.resolve))
        # "$" would start math in Streamlit Markdown; as an entity it stays a dollar sign.
        self.segments.append(Segment("html", html=safe.replace("$", "&#36;")))

    # -- special blocks ----------------------------------------------------------------------
    @staticmethod
    def _matching_close(tokens: Sequence[Token], index: int) -> int:
        depth = 0
        for position in range(index, len(tokens)):
            depth += tokens[position].nesting if tokens[position].block else 0
            if depth == 0:
                return position
        return len(tokens) - 1

    @staticmethod
    def _callout_kind(tokens: Sequence[Token], index: int) -> str:
        if index + 2 < len(tokens) and tokens[index + 1].type == "paragraph_open" \
                and tokens[index + 2].type == "inline":
            match = CALLOUT_MARKER.match(tokens[index + 2].content)
            if match:
                return match.group(1).upper()
        return ""

    @staticmethod
    def _include_target(tokens: Sequence[Token], index: int) -> str | None:
        if index + 1 < len(tokens) and tokens[index + 1].type == "inline":
            match = INCLUDE_MARKER.match(tokens[index + 1].content)
            if match:
                return match.group(1).strip()
        return None

    def _callout(self, body: Sequence[Token], kind: str) -> Segment:
        text = _MarkdownWriter(self.resolve).write(body, strip_marker=True)
        return Segment("callout", callout=kind, markdown=text.strip())


class _HtmlRenderer:
    """markdown-it's HTML output with links resolved, images as their alt text and headings kept
    below the page's own heading levels."""

    def render(self, tokens: list[Token]) -> str:
        renderer = _MD.renderer
        for token in tokens:
            if token.type == "heading_open" or token.type == "heading_close":
                token.tag = f"h{min(max(int(token.tag[1]), 4), 6)}"
            if token.type == "list_item_open" and token.info.isdigit() and token.markup in (".", ")"):
                # Keep step numbers as written ("1, 2, 4"), as the article's readers refer to them.
                token.attrSet("value", token.info)
            if token.type == "inline" and token.children:
                token.children = _inline_children(token.children)
        html_text = renderer.render(tokens, _MD.options, {})
        # No blank lines: the fragment must stay one HTML block when handed to Markdown.
        return re.sub(r"\n\s*\n", "\n", html_text)


_HTML_RENDERER = _HtmlRenderer()


_DEAD_ANCHOR = re.compile(r'<a rel="noopener noreferrer">(.*?)</a>', re.S)
_EXTERNAL_WITHOUT_TARGET = re.compile(r'<a href="((?:https?:|mailto:)[^"]*)" rel=')


def _unlink_dead_anchors(fragment: str) -> str:
    """Links whose target was dropped read as plain text instead of inert links, and external links
    written as raw HTML open in a new tab like Markdown ones (nh3's output format is fixed)."""
    fragment = _DEAD_ANCHOR.sub(r"\1", fragment)
    return _EXTERNAL_WITHOUT_TARGET.sub(r'<a href="\1" target="_blank" rel=', fragment)


def _inline_children(children: list[Token]) -> list[Token]:
    """Targets are resolved later, once, by the sanitiser (so raw-HTML links get the same
    treatment); here external links are marked to open in a new tab and images become text."""
    out: list[Token] = []
    for child in _drop_sxs_inline(children):
        if child.type == "link_open" and is_external(child.attrGet("href") or ""):
            child.attrSet("target", "_blank")
        elif child.type == "image":
            alt = child.content or "".join(c.content for c in child.children or [])
            child = Token("text", "", 0, content=f"[{alt}]" if alt else "")
        out.append(child)
    return out


def _drop_sxs_inline(children: list[Token]) -> list[Token]:
    out: list[Token] = []
    depth = 0
    for child in children:
        if depth:
            if child.type == "html_inline" and _OPEN_SPAN.match(child.content):
                depth += 1
            elif child.type == "html_inline" and _CLOSE_SPAN.match(child.content):
                depth -= 1
            continue
        if child.type == "html_inline" and _OPEN_SPAN.match(child.content) and _SXS_CLASS.search(child.content):
            depth = 1
            continue
        out.append(child)
    return out


class _MarkdownWriter:
    """Re-writes block tokens as escaped Markdown keeping emphasis, code spans, links and lists."""

    def __init__(self, resolve: LinkResolver) -> None:
        self.resolve = resolve

    def write(self, tokens: Sequence[Token], strip_marker: bool = False) -> str:
        lines: list[str] = []
        prefixes: list[str] = []
        numbers: list[int | None] = []
        first_inline = strip_marker
        pending_prefix = ""
        for token in tokens:
            if token.type == "bullet_list_open":
                numbers.append(None)
            elif token.type == "ordered_list_open":
                start = token.attrGet("start")
                numbers.append(int(start) - 1 if start is not None else 0)
            elif token.type in ("bullet_list_close", "ordered_list_close"):
                numbers.pop()
            elif token.type == "list_item_open":
                if numbers and numbers[-1] is not None:
                    numbers[-1] = int(token.info) if token.info.isdigit() else numbers[-1] + 1
                    pending_prefix = f"{numbers[-1]}. "
                else:
                    pending_prefix = "- "
                prefixes.append(" " * len(pending_prefix))
            elif token.type == "list_item_close":
                prefixes.pop()
            elif token.type == "inline":
                text = self._inline(token.children or [], strip_marker=first_inline)
                first_inline = False
                indent = "".join(prefixes[:-1]) if pending_prefix else "".join(prefixes)
                for number, line in enumerate(text.split("\n")):
                    line = _escape_line_starts(line)
                    lead = indent + pending_prefix if number == 0 and pending_prefix else "".join(prefixes)
                    lines.append(lead + line)
                pending_prefix = ""
            elif token.type in ("fence", "code_block"):
                indent = "".join(prefixes)
                lines.append(indent + "```")
                lines.extend(indent + line for line in token.content.rstrip("\n").split("\n"))
                lines.append(indent + "```")
            elif token.type in ("paragraph_close", "bullet_list_close", "table_close"):
                lines.append("")
        return "\n".join(lines).strip()

    def _inline(self, children: list[Token], strip_marker: bool) -> str:
        parts: list[str] = []
        link_targets: list[str | None] = []
        marker_pending = strip_marker
        for child in _drop_sxs_inline(children):
            if child.type == "text":
                content = child.content
                if marker_pending:
                    content = CALLOUT_MARKER.sub("", content, count=1)
                    marker_pending = False
                parts.append(_escape_inline(content))
            elif child.type in ("softbreak", "hardbreak"):
                if marker_pending or not parts or not "".join(parts).strip():
                    continue  # the line break after "[!NOTE]"
                parts.append("  \n" if child.type == "hardbreak" else " ")
            elif child.type == "code_inline":
                fence = "``" if "`" in child.content else "`"
                parts.append(f"{fence}{child.content}{fence}" if fence == "`" else f"{fence} {child.content} {fence}")
            elif child.type in ("strong_open", "strong_close"):
                parts.append("**")
            elif child.type in ("em_open", "em_close"):
                parts.append("*")
            elif child.type == "link_open":
                target = self.resolve(child.attrGet("href") or "")
                link_targets.append(target)
                if target is not None:
                    parts.append("[")
            elif child.type == "link_close":
                target = link_targets.pop() if link_targets else None
                if target is not None:
                    parts.append(f"]({target.replace(' ', '%20').replace(')', '%29')})")
            elif child.type == "image":
                alt = child.content or "".join(c.content for c in child.children or [])
                parts.append(_escape_inline(f"[{alt}]") if alt else "")
            # html_inline and anything else is dropped: callout boxes show no raw HTML
            marker_pending = marker_pending and child.type != "text"
        return "".join(parts).strip()
