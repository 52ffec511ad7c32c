"""The causes of an error as a checklist: which ones the reader checked or ruled out, as kept in the
session and in the link (`?checked=<cause id>,…&ruled_out=<cause id>,…`), and the checklist as
Markdown for a ticket. No Streamlit here: the page draws what these functions decide."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

CHECKED: Literal["checked"] = "checked"
RULED_OUT: Literal["ruled-out"] = "ruled-out"
CauseState = Literal["checked", "ruled-out"]
STATES: tuple[CauseState, ...] = (CHECKED, RULED_OUT)
# One URL parameter per state; a cause with neither is still to check.
URL_PARAMS: dict[CauseState, str] = {CHECKED: "checked", RULED_OUT: "ruled_out"}
SEPARATOR = ","


def parse_ticks(params: Mapping[str, str | None], cause_ids: Iterable[str]) -> dict[str, CauseState]:
    """The states a link carries, for the causes of the error shown; ids the error does not have
    are left out (a link made before the article changed), and a cause named under both states
    counts as ruled out, the later and more decided one."""
    known = set(cause_ids)
    states: dict[str, CauseState] = {}
    for state in STATES:
        for cause_id in (params.get(URL_PARAMS[state]) or "").split(SEPARATOR):
            cause_id = cause_id.strip()
            if cause_id in known:
                states[cause_id] = state
    return states


def ticks_params(states: Mapping[str, CauseState], cause_order: Sequence[str]) -> dict[str, str | None]:
    """URL parameters for `states`, cause ids in the article's order (None: the parameter goes away)."""
    ordered = list(dict.fromkeys(cause_order))
    return {param: SEPARATOR.join(c for c in ordered if states.get(c) == state) or None
            for state, param in URL_PARAMS.items()}


def with_ticks(link: str, states: Mapping[str, CauseState], cause_order: Sequence[str]) -> str:
    """A Guide link that also carries the checklist's marks."""
    extra = urlencode({k: v for k, v in ticks_params(states, cause_order).items() if v})
    if not extra:
        return link
    return f"{link}{'&' if '?' in link else '?'}{extra}"


@dataclass(frozen=True)
class ChecklistItem:
    number: int
    cause_id: str
    title: str
    state: CauseState | None


@dataclass(frozen=True)
class ChecklistWords:
    """The translated words of the Markdown checklist."""

    cause: str  # "Cause {number}: {title}" with its placeholders
    checked: str
    ruled_out: str
    code: str  # "Error code"
    link: str  # "Open in the Guide"


def progress(items: Sequence[ChecklistItem]) -> tuple[int, int, int]:
    """(checked, ruled out, total) over distinct causes."""
    states = {item.cause_id: item.state for item in items}
    return (sum(1 for s in states.values() if s == CHECKED), sum(1 for s in states.values() if s == RULED_OUT),
            len(states))


def checklist_markdown(title: str, codes: Sequence[str], items: Sequence[ChecklistItem], words: ChecklistWords,
                       link: str | None = None) -> str:
    """A GitHub-flavoured task list: checked causes ticked, ruled-out ones ticked and struck through."""
    lines = [f"**{_inline(title)}**"]
    if codes:
        lines.append(f"{words.code}: " + ", ".join(f"`{code.replace('`', '')}`" for code in codes))
    lines.append("")
    for item in items:
        label = _inline(words.cause.format(number=item.number, title=item.title))
        if item.state == CHECKED:
            lines.append(f"- [x] {label} ({words.checked})")
        elif item.state == RULED_OUT:
            lines.append(f"- [x] ~~{label}~~ ({words.ruled_out})")
        else:
            lines.append(f"- [ ] {label}")
    if link:
        lines += ["", f"[{words.link}]({link})"]
    return "\n".join(lines) + "\n"


def _inline(text: str) -> str:
    """Text on one line, with the characters that would start Markdown syntax escaped."""
    flat = " ".join(text.split())
    return "".join("\\" + c if c in "\\`*_[]<>~|#" else c for c in flat)
