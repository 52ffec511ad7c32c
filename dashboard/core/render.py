"""Turn a solution's Markdown (untrusted article content) into safe pieces a page can lay out.

The Markdown is read with the loader's own tokenizer and recognisers (`loaders.docs`: callout
markers, includes, side-by-side source spans, docs-platform images), so the Guide shows every
construct as the parser understood it. It is cut into an ordered list of segments so that commands
become copyable code blocks and callouts become boxes, in the order they appear next to the prose:

* `html`    – prose, lists and tables;
* `code`    – a command or code block (text only, shown with `st.code`);
* `callout` – a NOTE/TIP/IMPORTANT/WARNING/CAUTION box; `html` holds its body, `callout_box` draws it;
* `include` – a shared snippet referenced with [!INCLUDE] that is not part of the article itself.

All HTML is markdown-it's rendering of the tokens, sanitised by nh3; it is never written back as
Markdown, so what an author wrote as code reaches the reader as the text of a `<code>` element.
Images are never loaded (they read as their alt text), links go through the caller's resolver and
external ones open in a new tab, marked as external. Streamlit still reads `st.markdown`'s argument
as Markdown: each fragment is therefore one line that opens with `<div>`, which CommonMark takes as a
single raw HTML block and leaves alone.

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
from markdown_it.token import Token

from loaders.docs.blocks import CALLOUT, DOCFX_IMAGE, INCLUDE, TokenDoc, callout_of, closing_index, paragraph_kind
from loaders.docs.inline import strip_sxs
from loaders.docs.parse import markdown_parser

SegmentKind = Literal["html", "code", "callout", "include"]
# Resolves a link target as written ("#cause-id", "other.md#x", "https://...") to the URL the
# reader should follow, or None to keep only the link text.
LinkResolver = Callable[[str], "str | None"]


@dataclass(frozen=True)
class Segment:
    kind: SegmentKind
    html: str = ""  # kind == "html": the fragment to show; kind == "callout": its body (both sanitised)
    code: str = ""  # kind == "code"
    language: str = ""  # kind == "code"
    callout: str = ""  # kind == "callout": NOTE, TIP, IMPORTANT, WARNING, CAUTION
    target: str = ""  # kind == "include": the path as written


ARTICLE_CLASS = "bt-article"
CONTINUED_ITEM_CLASS = "bt-continued"
IMAGE_CLASS = "bt-image"
CALLOUT_CLASS = "bt-callout"
WARNING_CALLOUTS = frozenset({"WARNING", "CAUTION", "IMPORTANT"})
EXTERNAL_LINK_REL = "noopener noreferrer nofollow"
_EXTERNAL_MARKS = f'.{ARTICLE_CLASS} a[href^="http://"]::after,.{ARTICLE_CLASS} a[href^="https://"]::after'
# Page style: no second bullet or number for a continued step; callout boxes; images that are not
# loaded read as their description; links that leave the app say so.
STYLESHEET = (
    "<style>"
    f"li.{CONTINUED_ITEM_CLASS}{{list-style:none}}"
    f".{CALLOUT_CLASS}{{padding:.75rem 1rem;margin:0 0 1rem;border-radius:.5rem;border-left:.25rem solid}}"
    f".{CALLOUT_CLASS}-info{{background:rgba(28,131,225,.1);border-color:rgb(28,131,225)}}"
    f".{CALLOUT_CLASS}-warning{{background:rgba(255,193,7,.15);border-color:rgb(255,193,7)}}"
    f".{CALLOUT_CLASS}>:last-child{{margin-bottom:0}}"
    f".{IMAGE_CLASS}{{font-style:italic;opacity:.8}}"
    f'{_EXTERNAL_MARKS}{{content:"\\2197";margin-left:.1em}}'  # north-east arrow
    "</style>"
)
ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "code", "kbd", "sub", "sup", "del", "s", "pre",
    "ul", "ol", "li", "blockquote", "h4", "h5", "h6", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "a",
    "img",  # kept without its source, then replaced by its alt text (never loaded)
})
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"alt"}, "ol": {"start"}, "li": {"value"},
                      "th": {"colspan", "rowspan"}, "td": {"colspan", "rowspan"}}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")
_URL_IGNORED = re.compile(r"[\t\n\r]|^[\x00-\x20]+")
_DIRECTIVE = re.compile(r":::image\b(.*?):::", re.I | re.S)
_DIRECTIVE_ALT = re.compile(r'\balt-text\s*=\s*"([^"]*)"', re.I)


def is_external(href: str) -> bool:
    return bool(re.match(r"^(?:https?:)?//", href, re.I)) or href.lower().startswith("mailto:")


def _external_only(href: str) -> str | None:
    """Without a resolver only links that leave the app stay links."""
    if href.startswith("//"):
        return "https:" + href
    return href if is_external(href) else None


def render_solution(markdown: str, resolve_link: LinkResolver | None = None) -> list[Segment]:
    """Split `markdown` into ordered, sanitised segments."""
    text = strip_sxs(markdown)
    tokens = markdown_parser().parse(text)
    return _Splitter(TokenDoc(tokens, text.split("\n")), resolve_link or _external_only).split()


def callout_box(segment: Segment, label: str) -> str:
    """The Markdown-safe HTML of a callout segment as a box headed by `label` ("Note", "Warning")."""
    tone = "warning" if segment.callout in WARNING_CALLOUTS else "info"
    heading = f"<p><strong>{html.escape(label)}</strong></p>"
    return _markdown_safe(f'<div class="{ARTICLE_CLASS} {CALLOUT_CLASS} {CALLOUT_CLASS}-{tone}" role="note">'
                          f"{heading}{segment.html}</div>")


def sanitize_html(fragment: str, resolve_link: LinkResolver | None = None) -> str:
    """nh3 with the guide's allow-list; every href goes through `resolve_link` (None drops it, and so
    does a target with a scheme other than http, https or mailto); images become their alt text."""
    resolve = resolve_link or _external_only

    def keep_attribute(tag: str, attribute: str, value: str) -> str | None:
        if tag == "a" and attribute == "href":
            target = resolve(html.unescape(value))
            # nh3 does not check the scheme of a value the filter returns; browsers ignore tabs,
            # line breaks and leading control characters when they read it.
            scheme = _SCHEME.match(_URL_IGNORED.sub("", target)) if target is not None else None
            return None if scheme and scheme.group(1).lower() not in URL_SCHEMES else target
        return value

    cleaned = nh3.clean(
        fragment,
        tags=set(ALLOWED_TAGS),
        attributes={tag: set(values) for tag, values in ALLOWED_ATTRIBUTES.items()},
        set_tag_attribute_values={"a": {"target": "_blank"}},
        allowed_classes={"li": {CONTINUED_ITEM_CLASS}},
        clean_content_tags={"script", "style", "template", "iframe", "object", "noscript"},
        url_schemes=set(URL_SCHEMES),
        link_rel=EXTERNAL_LINK_REL,
        attribute_filter=keep_attribute,
    )
    return _images_as_text(_unlink_dead_anchors(cleaned))


# nh3 (html5ever) writes every attribute as name="value" with '"' escaped, and never nests anchors:
# these patterns read its output exactly.
_ATTRIBUTES = r'((?:\s[\w-]+="[^"]*")*)'
_ANCHOR = re.compile(rf"<a{_ATTRIBUTES}>(.*?)</a>", re.S)
_IMAGE = re.compile(rf"<img{_ATTRIBUTES}\s*/?>")
_ALT = re.compile(r'\salt="([^"]*)"')


def _unlink_dead_anchors(fragment: str) -> str:
    """Links whose target was dropped read as plain text instead of inert links."""
    return _ANCHOR.sub(lambda m: m.group(0) if ' href="' in m.group(1) else m.group(2), fragment)


def _images_as_text(fragment: str) -> str:
    """Article images are not loaded from anywhere: each reads as its description, marked as an image;
    one without a description (decorative) is left out."""
    def alt_text(match: re.Match[str]) -> str:
        alt = _ALT.search(match.group(1))
        text = html.unescape(alt.group(1)).strip() if alt else ""
        return f'<span class="{IMAGE_CLASS}">[{html.escape(text, quote=False)}]</span>' if text else ""

    return _IMAGE.sub(alt_text, fragment)


def _markdown_safe(fragment: str) -> str:
    """`fragment` as one line opening with a block tag, so that Streamlit's Markdown takes it as a
    single raw HTML block: a blank line would end the block and hand what follows to the Markdown
    reader. Character references keep the text as it was; "$" would start math, and Streamlit
    rewrites ":material/" everywhere in its input, even inside HTML."""
    return (fragment.replace("\r", "&#13;").replace("\n", "&#10;").replace("$", "&#36;")
            .replace(":material/", "&#58;material/"))


def escape_markdown(text: str) -> str:
    """Plain text as Markdown that renders as the same text (no HTML, math, directives)."""
    return _escape_line_starts(_escape_inline(text))


# Characters that carry meaning anywhere in Streamlit Markdown (CommonMark inlines, math, tables,
# colour and icon directives), and those that only do at the start of a line (headings, lists, quotes).
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>$|~:&])")
_LINE_START_SPECIAL = re.compile(r"^(\s*(?:\d+)?)([#>+=.)-])", re.M)


def _escape_inline(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def _escape_line_starts(text: str) -> str:
    return _LINE_START_SPECIAL.sub(r"\1\\\2", text)


class _Splitter:
    """Walks block tokens keeping the stack of open containers, cutting at code, callouts and includes."""

    def __init__(self, doc: TokenDoc, resolve: LinkResolver) -> None:
        self.doc = doc
        self.resolve = resolve
        self.segments: list[Segment] = []
        self.pending: list[Token] = []
        self.stack: list[Token] = []  # open container tokens (lists, items, quotes, tables)
        self.item_numbers: list[int] = []  # current number of each open ordered list

    def split(self) -> list[Segment]:
        tokens = self.doc.tokens
        index = 0
        while index < len(tokens):
            token = tokens[index]
            opens = token.type in ("blockquote_open", "paragraph_open")
            end = closing_index(tokens, index) if opens else index
            callout = callout_of(self.doc, index, end) if opens else ""
            kind = paragraph_kind(self.doc, index + 1) if token.type == "paragraph_open" else ""
            if token.type in ("fence", "code_block"):
                self._cut(Segment("code", code=textwrap.dedent(token.content).strip("\n"),
                                  language=(token.info or "").split()[0] if token.info else ""))
            elif token.type == "blockquote_open" and callout:
                self._cut(self._callout(tokens[index + 1:end], callout))
                index = end
            elif kind == "callout" and not self.stack:
                # As the parser reads it: a top-level paragraph that starts with a marker is a callout.
                self._cut(self._callout(tokens[index:end + 1], callout))
                index = end
            elif kind == "include":
                for match in INCLUDE.finditer(tokens[index + 1].content):
                    self._cut(Segment("include", target=match.group(2)))
                index = end
            else:
                self._track(token)
                self.pending.append(token)
            index += 1
        self._flush()
        return [s for s in self.segments if s.kind != "html" or s.html]

    # -- container bookkeeping -------------------------------------------------------------
    def _track(self, token: Token) -> None:
        if token.type == "ordered_list_open":
            start = token.attrGet("start")
            self.item_numbers.append(int(start) - 1 if start is not None else 0)
        elif token.type == "ordered_list_close" and self.item_numbers:
            self.item_numbers.pop()
        elif token.type == "list_item_open" and self.stack and self.stack[-1].type == "ordered_list_open":
            self.item_numbers[-1] = int(token.info) if token.info.isdigit() else self.item_numbers[-1] + 1
        if token.nesting == 1 and token.type not in ("paragraph_open", "heading_open") and token.block:
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
        body = sanitize_html(_render_html(tokens), self.resolve)
        if body.strip():
            self.segments.append(Segment("html", html=_markdown_safe(f'<div class="{ARTICLE_CLASS}">{body}</div>')))

    def _callout(self, body: Sequence[Token], kind: str) -> Segment:
        tokens = list(body)
        first = next((n for n, t in enumerate(tokens) if t.type == "inline"), None)
        if first is not None:
            tokens[first].children = _without_marker(tokens[first].children or [])
            if not tokens[first].children and 0 < first < len(tokens) - 1 \
                    and tokens[first - 1].type == "paragraph_open":
                del tokens[first - 1:first + 2]  # the marker had a line of its own
        return Segment("callout", callout=kind,
                       html=_markdown_safe(sanitize_html(_render_html(tokens), self.resolve).strip()))


def _without_marker(children: list[Token]) -> list[Token]:
    """The callout's first line without its "[!NOTE]" marker and the line break after it."""
    leading = 0
    while leading < len(children) and children[leading].type == "text":
        leading += 1
    text = "".join(child.content for child in children[:leading])
    match = CALLOUT.match(text)
    if match is None:
        return children
    rest = text[match.end():].lstrip()
    out = [Token("text", "", 0, content=rest)] if rest else []
    out.extend(children[leading:])
    while out and out[0].type in ("softbreak", "hardbreak"):
        out.pop(0)
    return out


def _render_html(tokens: list[Token]) -> str:
    """markdown-it's HTML for `tokens`, with headings kept below the page's own heading levels, step
    numbers as written and docs-platform image directives read as images."""
    parser = markdown_parser()
    for token in tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(max(int(token.tag[1]), 4), 6)}"
        elif token.type == "list_item_open" and token.info.isdigit() and token.markup in (".", ")"):
            # Keep step numbers as written ("1, 2, 4"), as the article's readers refer to them.
            token.attrSet("value", token.info)
        elif token.type == "inline" and DOCFX_IMAGE.match(token.content):
            token.children = _directive_images(token.content)
    return parser.renderer.render(tokens, parser.options, {})


def _directive_images(content: str) -> list[Token]:
    """`:::image ... alt-text="..." :::` (docs-platform syntax) as image tokens; any text around the
    directives (a long description) stays plain text. The closing `:::image-end:::` reads as an image
    without a description, which is left out."""
    children: list[Token] = []
    position = 0
    for match in _DIRECTIVE.finditer(content):
        children.extend(_plain(content[position:match.start()]))
        alt = _DIRECTIVE_ALT.search(match.group(1))
        description = alt.group(1) if alt else ""
        children.append(Token("image", "img", 0, attrs={"src": "", "alt": ""}, content=description,
                              children=[Token("text", "", 0, content=description)]))
        position = match.end()
    children.extend(_plain(content[position:]))
    return children


def _plain(text: str) -> list[Token]:
    text = text.strip()
    return [Token("text", "", 0, content=f" {text} ")] if text else []
