"""Read back the HTML the renderer hands to the page: elements, attributes and the text of <code>.

The fragments reach Streamlit's Markdown reader first; `is_one_raw_html_block` checks, with a
CommonMark parser, that the reader takes a fragment as a single raw HTML block and so interprets
nothing inside it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt


@dataclass
class Probe:
    elements: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    code_texts: list[str] = field(default_factory=list)
    text: str = ""

    def tags(self, name: str) -> list[dict[str, str]]:
        return [attrs for tag, attrs in self.elements if tag == name]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.probe = Probe()
        self.code_depth = 0
        self.code_parts: list[str] = []
        self.text_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.probe.elements.append((tag, {name: value or "" for name, value in attrs}))
        if tag == "code":
            self.code_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.probe.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag == "code" and self.code_depth:
            self.code_depth -= 1
            if not self.code_depth:
                self.probe.code_texts.append("".join(self.code_parts))
                self.code_parts = []

    def handle_data(self, data: str) -> None:
        self.text_parts.append(data)
        if self.code_depth:
            self.code_parts.append(data)


def probe(fragment: str) -> Probe:
    reader = _Reader()
    reader.feed(fragment)
    reader.close()
    reader.probe.text = "".join(reader.text_parts)
    return reader.probe


_COMMONMARK = MarkdownIt("commonmark")


def is_one_raw_html_block(fragment: str) -> bool:
    tokens = _COMMONMARK.parse(fragment)
    return len(tokens) == 1 and tokens[0].type == "html_block" and tokens[0].content.rstrip("\n") == fragment
