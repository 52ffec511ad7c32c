"""What an author wrote as code stays code on the Guide, in every kind of block, and article content
never makes the page load anything or follow a link the policy does not allow."""
from __future__ import annotations

import pytest

from dashboard.core.render import STYLESHEET, Segment, callout_box, render_solution, sanitize_html
from tests.support.html_probe import is_one_raw_html_block, probe

HOST = "tracker.example"
# Code spans whose text looks like Markdown or HTML that would load or link something.
CODE_SPANS = {
    "double backticks around image markdown": (f"``` ``x``![beacon](https://{HOST}/pixel.png)``y`` ```",
                                              f"``x``![beacon](https://{HOST}/pixel.png)``y``"),
    "image markdown": (f"`![beacon](https://{HOST}/pixel.png)`", f"![beacon](https://{HOST}/pixel.png)"),
    "link markdown": (f"`[click](https://{HOST}/x)`", f"[click](https://{HOST}/x)"),
    "raw img tag": (f"`<img src=https://{HOST}/p.png>`", f"<img src=https://{HOST}/p.png>"),
    "raw anchor with javascript": ('`` <a href="javascript:alert(1)">x</a> ``', '<a href="javascript:alert(1)">x</a>'),
    "streamlit directives and math": ("`` `$HOME` :material/home: :red[x] ``", "`$HOME` :material/home: :red[x]"),
    "autolink": (f"`<https://{HOST}/auto>`", f"<https://{HOST}/auto>"),
}
# Every block that can hold inline code; {code} is where the code span goes.
BLOCKS = {
    "paragraph": "Run {code} now.",
    "callout": "> [!NOTE]\n> Run {code} now.",
    "callout with its text on the marker line": "> [!WARNING] Run {code} now.",
    "callout with spaces in the marker": "> [ !TIP ]\n> Run {code} now.",
    "legacy callout": "> [AZURE.IMPORTANT] Run {code} now.",
    "callout without a quote": "[!CAUTION] Run {code} now.",
    "list in a callout": "> [!NOTE]\n> - Run {code}\n> - then wait",
    "numbered steps in a callout": "> [!NOTE]\n> 1. Open a prompt.\n> 2. Run {code}",
    "table in a callout": "> [!NOTE]\n> | Check | Command |\n> |---|---|\n> | DNS | {code} |",
    "table": "| Check | Command |\n|---|---|\n| DNS | {code} |",
    "bullets": "- Run {code}\n- then wait",
    "numbered steps": "1. Open a prompt.\n2. Run {code}\n4. Retry.",
    "step continued after a code block": "1. Open a prompt:\n\n   ```\n   cmd\n   ```\n\n   Then run {code}\n2. Retry.",
    "nested list": "1. Open a prompt.\n   - Run {code}",
    "callout in a step": "1. Open a prompt.\n\n   > [!NOTE]\n   > Run {code}\n2. Retry.",
    "heading": "#### Run {code}",
    "quote": "> Run {code} now.",
    "emphasis": "**Run {code} now.**",
}


def fragments(segments: list[Segment]) -> list[str]:
    """The strings the page hands to st.markdown."""
    return [callout_box(s, "Note") if s.kind == "callout" else s.html
            for s in segments if s.kind in ("html", "callout")]


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("span", CODE_SPANS)
def test_inline_code_stays_literal_code(block: str, span: str) -> None:
    written, literal = CODE_SPANS[span]
    segments = render_solution(BLOCKS[block].format(code=written))
    shown = fragments(segments)
    assert shown, segments
    codes: list[str] = []
    for fragment in shown:
        assert is_one_raw_html_block(fragment), fragment  # Streamlit's Markdown reader leaves it alone
        found = probe(fragment)
        assert not found.tags("img") and not found.tags("a"), fragment
        codes.extend(found.code_texts)
    assert literal in codes, (codes, shown)


@pytest.mark.parametrize("span", CODE_SPANS)
def test_code_block_text_stays_literal(span: str) -> None:
    _, literal = CODE_SPANS[span]
    top_level = render_solution(f"```\n{literal}\n```\n")
    assert [(s.kind, s.code) for s in top_level] == [("code", literal)]
    in_callout = render_solution(f"> [!NOTE]\n> Run:\n>\n> ```\n> {literal}\n> ```\n")
    assert [s.kind for s in in_callout] == ["callout"]
    box = callout_box(in_callout[0], "Note")
    found = probe(box)
    assert is_one_raw_html_block(box)
    assert found.code_texts == [literal + "\n"] and not found.tags("img") and not found.tags("a")


def test_raw_html_code_and_unknown_tags_stay_text() -> None:
    markdown = (f"<p>Run <code>![x](https://{HOST}/p.png)</code></p>\n\n"
                f"<custom>\n![beacon](https://{HOST}/pixel.png)\n</custom>\n")
    shown = fragments(render_solution(markdown))
    assert len(shown) == 1 and is_one_raw_html_block(shown[0])
    found = probe(shown[0])
    assert found.code_texts == [f"![x](https://{HOST}/p.png)"]
    # Markdown inside an unknown HTML tag is text once the tag is gone, never an image.
    assert f"![beacon](https://{HOST}/pixel.png)" in found.text
    assert not found.tags("img")


@pytest.mark.parametrize("markdown, alt", [
    (f"![Agent status](https://{HOST}/status.png)", "Agent status"),
    ("![Agent status](./media/status.png)", "Agent status"),
    (f'<img src="https://{HOST}/p.png" alt="Agent status">', "Agent status"),
    (f'Inline <img src=https://{HOST}/p.png alt="Agent status"> image', "Agent status"),
    (f'<img srcset="https://{HOST}/p.png 1x" alt="Agent status">', "Agent status"),
    (f':::image type="content" source="https://{HOST}/p.png" alt-text="Agent status":::', "Agent status"),
    (f"> [!NOTE]\n> ![Agent status](https://{HOST}/status.png)", "Agent status"),
    (f"| a |\n|---|\n| ![Agent status](https://{HOST}/status.png) |", "Agent status"),
])
def test_images_are_never_loaded_and_read_as_their_description(markdown: str, alt: str) -> None:
    shown = fragments(render_solution(markdown))
    found = probe("".join(shown))
    assert not found.tags("img")
    assert f"[{alt}]" in found.text
    assert [attrs.get("class") for attrs in found.tags("span")] == ["bt-image"]


@pytest.mark.parametrize("markup", [
    f'<picture><source srcset="https://{HOST}/a.png"><img alt=""></picture>',
    f'<video poster="https://{HOST}/a.png" src="https://{HOST}/a.mp4"></video>',
    f'<audio src="https://{HOST}/a.mp3"></audio>',
    f'<link rel="stylesheet" href="https://{HOST}/a.css">',
    f'<svg><image href="https://{HOST}/a.png"/></svg>',
    f'<input type="image" src="https://{HOST}/a.png">',
    f'<table background="https://{HOST}/a.png"><tr><td>x</td></tr></table>',
    f'<p style="background:url(https://{HOST}/a.png)">x</p>',
    f'<iframe src="https://{HOST}/"></iframe><object data="https://{HOST}/a"></object>',
    f'<embed src="https://{HOST}/a"><base href="https://{HOST}/">',
])
def test_no_markup_can_point_the_page_at_another_host(markup: str) -> None:
    for fragment in fragments(render_solution(f"Text\n\n{markup}\n\nMore")):
        for tag, attrs in probe(fragment).elements:
            assert all(HOST not in value for value in attrs.values()), (tag, attrs, fragment)


@pytest.mark.parametrize("markdown", [
    f"[the docs](https://{HOST}/docs)",
    f"[the docs](//{HOST}/docs)",
    f'<a href="https://{HOST}/docs" target="_self" rel="opener">the docs</a>',
    f"> [!NOTE]\n> See [the docs](https://{HOST}/docs).",
])
def test_external_links_open_apart_from_the_app_and_are_marked(markdown: str) -> None:
    fragment = "".join(fragments(render_solution(markdown)))
    links = probe(fragment).tags("a")
    assert links == [{"href": f"https://{HOST}/docs", "target": "_blank", "rel": "noopener noreferrer nofollow"}]
    # The page stylesheet marks links that leave the app, inside boxes as well as in prose.
    assert "bt-article" in fragment
    assert '.bt-article a[href^="https://"]::after' in STYLESHEET


@pytest.mark.parametrize("markdown, text", [
    ('<a href="javascript:alert(1)">run</a>', "run"),
    ('<a href="JaVaScRiPt:alert(1)">run</a>', "run"),
    ('<a href="java&#x09;script:alert(1)">run</a>', "run"),
    ('<a href="vbscript:msgbox">run</a>', "run"),
    ('<a href="data:text/html,hi">run</a>', "run"),
    ('<a href="file:///etc/passwd">run</a>', "run"),
    ("[run](javascript:alert(1))", "[run](javascript:alert(1))"),
    ("[run](data:text/html,hi)", "[run](data:text/html,hi)"),
    ("[run](file:///etc/passwd)", "[run](file:///etc/passwd)"),
])
def test_links_with_other_schemes_are_reduced_to_text(markdown: str, text: str) -> None:
    found = probe("".join(fragments(render_solution(markdown, lambda href: href))))
    assert not found.tags("a")
    assert text in found.text


@pytest.mark.parametrize("resolved", ["javascript:alert(1)", "java\tscript:alert(1)", " \x01javascript:alert(1)",
                                      "data:text/html,hi", "file:///etc/passwd"])
def test_a_resolver_cannot_reintroduce_another_scheme(resolved: str) -> None:
    cleaned = sanitize_html('<a href="#x">run</a>', lambda href: resolved)
    assert probe(cleaned).tags("a") == [] and "run" in cleaned


def test_in_article_links_become_guide_links() -> None:
    def resolve(href: str) -> str | None:
        return "guide?lang=en-us&cause=" + href[1:] if href.startswith("#") else None

    found = probe("".join(fragments(render_solution("See [the next cause](#cause-two) or [a file](notes.md).",
                                                    resolve))))
    assert [a["href"] for a in found.tags("a")] == ["guide?lang=en-us&cause=cause-two"]
    assert "a file" in found.text
