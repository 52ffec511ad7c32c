"""Code fences that are never closed.

The docs platform shows the rest of such an article as code; each one is reported as a problem.
The parser then reads on as the author meant: the fence stops before the next section heading
(a `##`–`######` line after a blank line), so the sections after it keep their structure.
"""
from __future__ import annotations

import re

from markdown_it import MarkdownIt

from .model import Problem

_SECTION_HEADING = re.compile(r"^ {0,3}#{2,6}(?:[ \t]|$)")


def _shown_fence(markup: str) -> str:
    if len(markup) <= 10:
        return markup
    return f"{markup[:3]}… ({len(markup)} {'backticks' if markup[0] == '`' else 'tildes'})"


def _is_unclosed(token, lines: list[str]) -> bool:
    first, stop = token.map
    closing = lines[stop - 1].strip() if stop - 1 > first and stop - 1 < len(lines) else ""
    marker = token.markup[:1]
    return not (closing.startswith(token.markup) and not closing.strip(marker))


def unclosed_fences(tokens: list, lines: list[str]) -> list[Problem]:
    """A fence without its closing line turns the rest of the article into code."""
    found: list[Problem] = []
    for token in tokens:
        if token.type != "fence" or not token.map or not _is_unclosed(token, lines):
            continue
        found.append(Problem(
            token.map[0] + 1,
            f"code fence {_shown_fence(token.markup)} is never closed: the rest of the article is read as code",
            kind="unclosed-fence",
        ))
    return found


def _next_section_heading(lines: list[str], first: int, stop: int) -> int | None:
    for index in range(first + 2, min(stop, len(lines))):
        if _SECTION_HEADING.match(lines[index]) and not lines[index - 1].strip():
            return index
    return None


def reopen_unclosed_fences(parser: MarkdownIt, lines: list[str], tokens: list) -> tuple[list, list[Problem]]:
    """The tokens with every unclosed top-level fence cut before the next section heading, and the
    problems that name those fences."""
    problems = unclosed_fences(tokens, lines)
    if not problems:
        return tokens, problems
    position = 0
    while position < len(tokens):
        token = tokens[position]
        position += 1
        if token.type != "fence" or token.level != 0 or not token.map or not _is_unclosed(token, lines):
            continue
        first, stop = token.map
        heading = _next_section_heading(lines, first, stop)
        if heading is None:
            continue
        token.content = "".join(line + "\n" for line in lines[first + 1 : heading])
        token.map = [first, heading]
        # blank lines in front keep every line number of the text that follows
        rest = parser.parse("\n" * heading + "\n".join(lines[heading:]))
        tokens = tokens[:position] + rest
    return tokens, problems
