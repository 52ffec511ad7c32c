"""Article Markdown → ordered, sanitised segments (fixtures: tests/data/render/<case>.md beside
<case>.expected.json, regenerated as tests/support/golden.py describes)."""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from dashboard.core.render import escape_markdown, render_solution, sanitize_html
from tests.support.golden import as_json_text, regenerating

CASES = Path(__file__).resolve().parents[1] / "data" / "render"


def resolve(href: str) -> str | None:
    """A Guide-like resolver: in-page anchors become deep links, external links stay."""
    if href.startswith("#"):
        return f"guide?cause={href[1:]}"
    if href.startswith(("https://", "http://", "mailto:")):
        return href
    if href.startswith("//"):
        return "https:" + href
    return None


def normalized(segment: dict) -> dict:
    """Line breaks reach the page as "&#10;" (one-line fragments); the fixtures are written with them."""
    if "html" in segment:
        segment = {**segment, "html": re.sub(r">\s+<", "><", segment["html"].replace("&#10;", "\n")).strip()}
    return segment


def as_dicts(segments) -> list[dict]:
    out = []
    for segment in segments:
        data = {k: v for k, v in dataclasses.asdict(segment).items() if v != ""}
        out.append(normalized(data))
    return out


@pytest.mark.parametrize("case", sorted(p.stem for p in CASES.glob("*.md")))
def test_fixture(case: str) -> None:
    markdown = (CASES / f"{case}.md").read_text(encoding="utf-8")
    actual = as_dicts(render_solution(markdown, resolve))
    expected_path = CASES / f"{case}.expected.json"
    if regenerating():
        expected_path.write_text(as_json_text(actual), encoding="utf-8")
    expected = [normalized(s) for s in json.loads(expected_path.read_text(encoding="utf-8"))]
    assert actual == expected


def test_every_fixture_has_an_expectation() -> None:
    assert {p.stem for p in CASES.glob("*.md")} == {p.name.removesuffix(".expected.json")
                                                     for p in CASES.glob("*.expected.json")}


@pytest.mark.parametrize("payload", [
    '<img src=x onerror="alert(1)">',
    '<svg onload="alert(1)"></svg>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<div style="position:fixed;top:0">x</div>',
    '<form action="https://evil.example"><input name="q"></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<p onmouseover="alert(1)">x</p>',
])
def test_sanitizer_removes_active_content(payload: str) -> None:
    cleaned = sanitize_html(payload, resolve)
    lowered = cleaned.lower()
    for marker in ("onerror", "onload", "onmouseover", "javascript:", "style=", "<form", "<input", "<object",
                   "<embed", "<meta", "<svg", "<img"):
        assert marker not in lowered, (payload, cleaned)


def test_raw_html_links_go_through_the_same_resolver() -> None:
    cleaned = sanitize_html('<a href="#cause-one">one</a> <a href="notes.md">two</a>', resolve)
    assert 'href="guide?cause=cause-one"' in cleaned
    assert 'href="notes.md"' not in cleaned


def test_code_inside_callout_stays_a_code_block_of_the_callout() -> None:
    segments = render_solution("> [!TIP]\n> Run this:\n>\n> ```bash\n> waagent -version\n>\n> waagent -help\n> ```\n")
    assert [s.kind for s in segments] == ["callout"]
    assert segments[0].callout == "TIP"
    # The blank line of the code is kept, as a character reference: the fragment stays one line.
    assert "<pre><code>waagent -version&#10;&#10;waagent -help&#10;</code></pre>" in segments[0].html
    assert "\n" not in segments[0].html


def test_nested_lists_keep_numbering_around_code() -> None:
    markdown = "1. One\n   - sub a\n\n     ```\n     cmd a\n     ```\n   - sub b\n2. Two\n"
    segments = render_solution(markdown)
    assert [s.kind for s in segments] == ["html", "code", "html"]
    assert segments[1].code == "cmd a"
    after = segments[2].html
    # The interrupted item and sub-list continue without a new bullet or number.
    assert after.count('class="bt-continued"') == 2
    assert '<li value="2">' in after


@pytest.mark.parametrize("text", [
    "Cost: $5 and $6", "*not bold*", "[not a link](x)", "<b>not html</b>", "# not a heading",
    "1. not a list", ":red[not red]", "a | b", "a_b_c", "- not a bullet",
])
def test_escape_markdown_keeps_text_literal(text: str) -> None:
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable("table").render(escape_markdown(text))
    # Exactly one plain paragraph whose text is the input (HTML-escaped by the renderer).
    import html

    assert rendered.startswith("<p>") and rendered.rstrip().endswith("</p>"), rendered
    assert html.unescape(rendered.strip()[3:-4]) == text


@pytest.mark.corpus
def test_side_by_side_translations_show_only_the_translation(corpus_dir) -> None:
    """SXS articles carry each sentence twice; the English source must not reach the reader."""
    from loaders.docs.load import parse_article

    path = next((corpus_dir / "articles" / "it-it" / "2017-11-28").rglob("*.md"))
    text = path.read_text(encoding="utf-8-sig")
    english = set(re.findall(r'<span class="sxs-lookup"><span data-stu-id="[^"]*">(.*?)</span></span>', text))
    translated = set(re.findall(r'<span data-ttu-id="[^"]*">(.*?)</span>', text))
    only_english = {e for e in english if e not in translated and len(e) > 20 and "[" not in e and "<" not in e}
    assert len(only_english) > 20, "the corpus file is expected to be side-by-side"
    article = parse_article(path)
    assert article.causes
    shown = "\n".join(s.html + s.code for c in article.causes
                      for s in render_solution(c.markdown, resolve))
    assert "sxs-lookup" not in shown and "data-ttu-id" not in shown
    leaked = [e for e in only_english if e in shown]
    assert not leaked, leaked[:3]


@pytest.mark.corpus
def test_every_corpus_solution_renders_its_commands_in_order(corpus_dir, docs_source_dir) -> None:
    """All real articles: each code block the parser found becomes one copyable block, in order,
    and no rendered HTML carries scripts or event handlers."""
    import textwrap

    from loaders.docs.load import load_tree

    articles = load_tree([corpus_dir / "articles", corpus_dir / "siblings", docs_source_dir])
    rendered = 0
    for article in articles:
        for section in [*article.causes, *article.errors]:
            segments = render_solution(section.markdown, resolve)
            rendered += 1
            if hasattr(section, "commands"):
                expected = [textwrap.dedent(c.text).strip() for c in section.commands if c.kind == "block"]
                assert [s.code.strip() for s in segments if s.kind == "code"] == expected, (article.path, section.id)
            for segment in segments:
                lowered = segment.html.lower()
                assert "<script" not in lowered and not re.search(r"\son\w+=", lowered), (article.path, section.id)
    assert rendered > 500
