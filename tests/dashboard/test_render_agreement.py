"""The Guide and the parser read article Markdown the same way: each input is classified by the
loader's blocks (loaders.docs.blocks on the loader's tokens) and by the Guide's segments
(dashboard.core.render), and both must find the same callouts, includes, images, code and text."""
from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import pytest

from dashboard.core.render import callout_box, render_solution
from loaders.docs.blocks import Chunk, TokenDoc, build_blocks, commands_in, includes_in, split_chunks
from loaders.docs.inline import strip_sxs
from loaders.docs.parse import markdown_parser
from tests.support.html_probe import probe


@dataclass
class Reading:
    callouts: list[str] = field(default_factory=list)
    includes: list[str] = field(default_factory=list)
    images: int = 0
    commands: list[str] = field(default_factory=list)


def parser_reading(markdown: str) -> tuple[Reading, str]:
    """What the loader finds, the way it reads an article body (side-by-side copies removed first)."""
    text = strip_sxs(markdown)
    tokens = markdown_parser().parse(text)
    doc = TokenDoc(tokens, text.split("\n"))
    reading = Reading()
    words: list[str] = []
    for chunk in split_chunks(tokens):
        for block in build_blocks(doc, chunk):
            if block.kind == "callout":
                reading.callouts.append(block.callout)
            elif block.kind == "include":
                reading.includes.extend(include.target for include in includes_in(doc, chunk))
            elif block.kind == "image":
                reading.images += 1
        words.extend(doc.flat(index).text for index in doc.inline_indexes(chunk))
    whole = Chunk("document", 0, len(tokens), 1, len(text.split("\n")))
    reading.commands = [textwrap.dedent(c.text).strip() for c in commands_in(doc, whole) if c.kind == "block"]
    return reading, " ".join(" ".join(words).split())


def guide_reading(markdown: str) -> tuple[Reading, str]:
    reading = Reading()
    shown: list[str] = []
    for segment in render_solution(markdown):
        if segment.kind == "callout":
            reading.callouts.append(segment.callout)
            shown.append(callout_box(segment, ""))
        elif segment.kind == "include":
            reading.includes.append(segment.target)
        elif segment.kind == "code":
            reading.commands.append(segment.code)
        else:
            shown.append(segment.html)
    found = probe("".join(shown))
    reading.images = len(found.tags("span"))  # an image reads as its description in a marked span
    return reading, " ".join(found.text.split())


CASES = {
    # callout markers, as the loader's CALLOUT pattern reads them
    "note": ("> [!NOTE]\n> Restart the agent.", Reading(callouts=["NOTE"])),
    "spaces inside the marker": ("> [ !NOTE ]\n> Restart the agent.", Reading(callouts=["NOTE"])),
    "no space after the quote": (">[!Note]\n>Restart the agent.", Reading(callouts=["NOTE"])),
    "legacy marker": ("> [AZURE.WARNING] Restart the agent.", Reading(callouts=["WARNING"])),
    "legacy marker with spaces": ("> [ AZURE.TIP ] Restart the agent.", Reading(callouts=["TIP"])),
    "lower case": ("> [!caution]\n> Restart the agent.", Reading(callouts=["CAUTION"])),
    "unknown kind": ("> [!INFO]\n> Restart the agent.", Reading()),
    "escaped marker": ("> \\[!NOTE]\n> Restart the agent.", Reading()),
    "marker not first": ("> Restart the agent.\n>\n> [!NOTE] Then wait.", Reading()),
    "marker without a quote": ("[!IMPORTANT] Restart the agent.", Reading(callouts=["IMPORTANT"])),
    "callout in a step": ("1. Open a prompt.\n\n   > [!TIP]\n   > Restart the agent.\n2. Retry.",
                          Reading(callouts=["TIP"])),
    "quote of code, then a marker in the next item":
        ("- Open a prompt.\n\n  > ```\n  > waagent -version\n  > ```\n- [!NOTE] Retry.",
         Reading(commands=["waagent -version"])),
    "callout in a quote": ("> > [!NOTE]\n> > Restart the agent.", Reading(callouts=["NOTE"])),
    # includes, as the loader's INCLUDE pattern reads them
    "include": ("[!INCLUDE [disclaimer](../includes/disclaimer.md)]",
                Reading(includes=["../includes/disclaimer.md"])),
    "legacy include": ("[AZURE.INCLUDE [disclaimer](../includes/disclaimer.md)]",
                       Reading(includes=["../includes/disclaimer.md"])),
    "include with spaces and angle brackets": ("[ !INCLUDE [disclaimer](<../includes/disclaimer.md>) ]",
                                               Reading(includes=["../includes/disclaimer.md"])),
    "two includes": ("[!INCLUDE [a](../includes/a.md)] [!INCLUDE [b](../includes/b.md)]",
                     Reading(includes=["../includes/a.md", "../includes/b.md"])),
    "include without the bang": ("[INCLUDE [disclaimer](../includes/disclaimer.md)]", Reading()),
    "include inside a sentence": ("See [!INCLUDE [a](../includes/a.md)] here.", Reading()),
    # images
    "image": ("![Agent status](./media/status.png)", Reading(images=1)),
    "docs-platform image": (':::image type="content" source="./media/status.png" alt-text="Agent status":::',
                            Reading(images=1)),
    # code
    "code block": ("Run:\n\n```bash\nwaagent -version\n```", Reading(commands=["waagent -version"])),
    "code in a step": ("1. Run:\n\n   ```\n   waagent -version\n   ```\n2. Retry.",
                       Reading(commands=["waagent -version"])),
    # side-by-side translations: the English source copy is not part of the text
    "side by side": ('<span data-ttu-id="a-1">Riavviare il servizio.</span><span class="sxs-lookup">'
                     '<span data-stu-id="a-1">Restart the service.</span></span>', Reading()),
    "side by side in a step": ('1. <span data-ttu-id="a-2">Primo passo</span><span class="sxs-lookup">'
                               '<span data-stu-id="a-2">First step</span></span>', Reading()),
}


@pytest.mark.parametrize("case", CASES)
def test_parser_and_guide_classify_alike(case: str) -> None:
    markdown, expected = CASES[case]
    parsed, parsed_text = parser_reading(markdown)
    shown, shown_text = guide_reading(markdown)
    assert parsed == expected, "parser"
    assert shown == expected, "guide"
    if not (expected.callouts or expected.includes or expected.images):
        # Plain content: the Guide shows the text the parser read (code blocks aside).
        assert shown_text == parsed_text


@pytest.mark.parametrize("case", ["side by side", "side by side in a step"])
def test_side_by_side_source_is_dropped_by_both(case: str) -> None:
    markdown, _ = CASES[case]
    _, parsed_text = parser_reading(markdown)
    _, shown_text = guide_reading(markdown)
    assert "Restart" not in parsed_text + shown_text and "First step" not in parsed_text + shown_text
    assert parsed_text in ("Riavviare il servizio.", "Primo passo") and shown_text == parsed_text
