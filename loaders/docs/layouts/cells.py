"""Table cells as text: their inline HTML (<br>, <ol>/<ul>/<li>) as Markdown lines and lists, the
items of a cell that lists several things, plain text, and solution blocks with the row's line."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..blocks import classify_link
from ..model import Block, Command, Link, Step

_BREAK = re.compile(r"<\s*/?\s*br\s*/?\s*>", re.IGNORECASE)
_LIST_TAG = re.compile(r"<\s*(/?)\s*(ol|ul|li)\b[^>]*>", re.IGNORECASE)
_ITEM = re.compile(r"^(?:(?P<number>\d{1,3})[.)]|[-*+•])\s+(?P<text>.*)$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LINK_TARGET = re.compile(r"(?<!!)\[([^\]]*)\]\(\s*<?([^)\s>]*)>?[^)]*\)")
_CODE = re.compile(r"(?<!`)`([^`]+)`(?!`)")
_TAG = re.compile(r"<[^>]+>")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])\*(?!\s)|(?<=\S)\*(?![\w*])")
_SPACES = re.compile(r"\s+")
LineKind = str  # "step", "bullet" or "text"


@dataclass(frozen=True)
class CellLine:
    kind: LineKind
    text: str  # Markdown of the line, list marker removed
    number: int | None = None  # the number of a "step" line
    more: tuple[str, ...] = ()  # lines that continue a list item after a <br>


def cell_markdown(raw: str) -> str:
    """A cell's inline HTML written as Markdown: <br> as a line break, <li> as list lines."""
    text = _BREAK.sub("\n", raw)
    if "<" not in text:
        return text
    out: list[str] = []
    lists: list[list] = []  # [tag, items so far]
    position = 0
    for match in _LIST_TAG.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        closing, tag = match.group(1), match.group(2).lower()
        if tag in ("ol", "ul"):
            if closing:
                if lists:
                    lists.pop()
            else:
                lists.append([tag, 0])
            out.append("\n\n")
        elif closing:
            out.append("\n")
        else:
            current = lists[-1] if lists else ["ul", 0]
            current[1] += 1
            out.append(f"\n{current[1]}. " if current[0] == "ol" else "\n- ")
    out.append(text[position:])
    return "".join(out)


def cell_lines(raw: str) -> list[CellLine | None]:
    """The lines of a cell; None marks a paragraph break."""
    lines: list[CellLine | None] = []
    for part in cell_markdown(raw).split("\n"):
        stripped = part.strip()
        if not stripped:
            if lines and lines[-1] is not None:
                lines.append(None)
            continue
        item = _ITEM.match(stripped)
        previous = lines[-1] if lines else None
        if item is None and previous is not None and previous.kind != "text":
            lines[-1] = CellLine(previous.kind, previous.text, previous.number, (*previous.more, stripped))
        elif item is None:
            lines.append(CellLine("text", stripped))
        elif item.group("number"):
            lines.append(CellLine("step", item.group("text"), int(item.group("number"))))
        else:
            lines.append(CellLine("bullet", item.group("text")))
    while lines and lines[-1] is None:
        lines.pop()
    return lines


def plain(markdown: str) -> str:
    """Visible text of a line of cell Markdown: links to their text, tags and emphasis removed."""
    text = _LINK.sub(r"\1", markdown)
    text = _TAG.sub(" ", text)
    text = _EMPHASIS.sub("", text).replace("`", "")
    return _SPACES.sub(" ", text).strip()


def items(lines: list[CellLine | None]) -> list[list[CellLine]]:
    """What a cell lists: each list item (with its continuation lines), else the whole cell as one.

    Text around several items ("for two reasons:", "then retry") is no item of its own; it is
    kept only when the cell lists a single item.
    """
    found: list[list[CellLine]] = []
    around: list[CellLine] = []
    for line in lines:
        if line is None:
            continue
        if line.kind == "text":
            around.append(line)
        else:
            found.append([CellLine("text", part) for part in (line.text, *line.more)])
    if not found:
        return [around] if around else []
    return [[*around, *found[0]]] if len(found) == 1 else found


def markdown_of(lines: list[CellLine | None]) -> str:
    """Cell lines back as Markdown: text lines with hard breaks, lists numbered as written."""
    out: list[str] = []
    previous: CellLine | None = None
    for line in lines:
        if line is None:
            out.append("\n\n")
            previous = None
            continue
        if previous is not None:
            if previous.kind == "text" and line.kind == "text":
                out.append("  \n")
            elif (previous.kind == "text") != (line.kind == "text"):
                out.append("\n\n")
            else:
                out.append("\n")
        if line.kind == "step":
            marker = f"{line.number}. "
        elif line.kind == "bullet":
            marker = "- "
        else:
            marker = ""
        out.append(marker + "".join([line.text, *(f"  \n{' ' * len(marker)}{more}" for more in line.more)]))
        previous = line
    return "".join(out).strip()


def blocks_of(lines: list[CellLine | None], line: int) -> list[Block]:
    """Paragraph, steps and bullet blocks of cell lines, all on the row's source line.

    A block's source stays on one line (its parts joined with <br>) so that what the lint reads
    of it keeps the row's line number.
    """
    blocks: list[Block] = []
    group: list[CellLine] = []

    def flush() -> None:
        if not group:
            return
        kind = group[0].kind
        if kind == "text":
            blocks.append(Block("paragraph", line, line, " <br> ".join(part.text for part in group)))
        else:
            steps = [Step(part.number if kind == "step" else None, plain(" ".join((part.text, *part.more))), line)
                     for part in group]
            blocks.append(Block("steps" if kind == "step" else "bullets", line, line,
                                " <br> ".join(" <br> ".join((part.text, *part.more)) for part in group), steps=steps))
        group.clear()

    for part in lines:
        if part is None or (group and group[0].kind != part.kind):
            flush()
        if part is not None:
            group.append(part)
    flush()
    return blocks


def _texts(lines: list[CellLine | None]) -> list[str]:
    return [part for line in lines if line is not None for part in (line.text, *line.more)]


def commands_of(lines: list[CellLine | None], line: int) -> list[Command]:
    """Inline code of cell lines, on the row's line."""
    return [Command(code.strip(), line, "inline") for text in _texts(lines) for code in _CODE.findall(text)
            if code.strip()]


def links_of(lines: list[CellLine | None], line: int) -> list[Link]:
    """Links of cell lines, on the row's line."""
    return [Link(match.group(1).strip(), match.group(2), classify_link(match.group(2)), line)
            for text in _texts(lines) for match in _LINK_TARGET.finditer(text)]
