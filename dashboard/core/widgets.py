"""Small layout functions shared by pages: they draw already-prepared content, nothing more."""
from __future__ import annotations

import re
from collections.abc import Callable, Collection, Hashable, Sequence
from typing import Any

import streamlit as st

from dashboard.core.i18n import _, current_locale
from dashboard.core.render import STYLESHEET, Segment, callout_box, escape_markdown

# Code-fence languages used by the docs platform, mapped to what the highlighter knows.
_CODE_LANGUAGES = {
    "azurecli": "bash", "azurecli-interactive": "bash", "azurepowershell": "powershell",
    "azurepowershell-interactive": "powershell", "console": "bash", "cmd": "batch", "ps": "powershell",
    "shell": "bash", "sh": "bash", "terminal": "bash",
}


def localized_key(state_key: str) -> str:
    """Widget key of a widget whose option labels are translated, in the reader's language."""
    return f"{state_key}__{current_locale()}"


def bind_to_state(state_key: str, widget_key: str, allowed: Collection[Any] | None = None,
                  empty: Any = None) -> Callable[[], None]:
    """Show the value kept in `st.session_state[state_key]` in the widget `widget_key`; returns the
    on_change callback that stores the reader's changes back.

    Streamlit forgets a widget's state when a run does not draw it (a page switch can be such a
    run); a plain session-state entry stays for the whole session, so settings and selections
    survive page switches and links can set them before the widget is drawn."""
    current = st.session_state.get(state_key)
    if current is None or (allowed is not None and current not in allowed):
        current = empty
    if widget_key not in st.session_state or st.session_state[widget_key] != current:
        st.session_state[widget_key] = current

    def remember() -> None:
        st.session_state[state_key] = st.session_state.get(widget_key)

    return remember


def localized_selectbox(label: str, options: Sequence[Hashable], format_func: Callable[[Any], str],
                        state_key: str, clearable: bool = True, **kwargs: Any) -> Any:
    """A selectbox whose option labels change with the language.

    Streamlit identifies the selected option by its label, so a label that changes under a live
    widget loses the selection. Each language therefore gets its own widget, and the selected
    option itself (language-free) lives in `st.session_state[state_key]`, the value to read,
    set (e.g. from a link) and keep across languages and pages.

    `clearable=False` for a choice that always has a value (a sort order): no clear button; the
    value kept in state must then be one of the options."""
    widget_key = localized_key(state_key)
    remember = bind_to_state(state_key, widget_key, allowed=options)
    kwargs.setdefault("placeholder", _("Choose an option"))  # Streamlit's own is English
    return st.selectbox(label, options=options, format_func=format_func, key=widget_key,
                        index=None if clearable else 0, on_change=remember, **kwargs)


# Labels in other languages run longer than in English: a tile's label wraps onto a second line
# instead of being cut off with an ellipsis ("Percentuale di suc…").
APP_STYLESHEET = (
    "<style>"
    '[data-testid="stMetricLabel"] [data-testid="stMarkdownContainer"],[data-testid="stMetricLabel"] p'
    "{white-space:normal;overflow:visible;text-overflow:clip}"
    "</style>"
)


def app_style() -> None:
    """Style rules for every page (style-only HTML takes no room on the page)."""
    st.html(APP_STYLESHEET)


def key_class(key: str) -> str:
    """The CSS class Streamlit gives the element with widget key `key` (as its front end derives it)."""
    return "st-key-" + re.sub(r"[^a-zA-Z0-9_-]", "-", key.strip())


def css_string(text: str) -> str:
    """`text` as a CSS string literal that cannot end the string, the rule or the style element."""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\<>\n\r' else c for c in text)
    return f'"{escaped}"'


def uploader_style(key: str, choose: str, instructions: str, drop: str) -> str:
    """Style rules that put `choose` (the button), `instructions` (under it) and `drop` (while files are
    dragged over it) in place of the file uploader's own words, which Streamlit writes in English only
    and offers no option to change. The uploader keeps working as it is: only its words are swapped."""
    zone = f".{key_class(key)} [data-testid=stFileUploaderDropzone]"
    return (
        "<style>"
        f"{zone} [data-testid=stBaseButton-secondary] [data-testid=stMarkdownContainer],"
        f"{zone} [data-testid=stFileUploaderDropzoneInstructions] span,"
        f"{zone} > div:not([data-testid]) > span"
        "{display:none}"
        f"{zone} [data-testid=stBaseButton-secondary] [data-has-shortcut]::after{{content:{css_string(choose)}}}"
        f"{zone} [data-testid=stFileUploaderDropzoneInstructions] > div::after"
        f"{{content:{css_string(instructions)};font-size:0.875rem}}"
        f"{zone} > div:not([data-testid])::after{{content:{css_string(drop)};font-size:1rem}}"
        # The "add more files" button's hidden caption ("add icon") is English too; its tooltip is enough.
        f".{key_class(key)} [data-testid=stBaseButton-borderlessIcon] [data-has-shortcut] > span:first-child"
        ":not(:has([data-testid]))"
        "{display:none}"
        "</style>"
    )


def translated_uploader(key: str, choose: str, instructions: str, drop: str) -> None:
    """Draw the uploader with widget key `key` in the reader's language (see `uploader_style`)."""
    st.html(uploader_style(key, choose, instructions, drop))


def page_style() -> None:
    st.html(STYLESHEET)


def code_language(language: str) -> str | None:
    name = language.strip().lower()
    return _CODE_LANGUAGES.get(name, name) or None


def show_segments(segments: Sequence[Segment]) -> None:
    """Draw rendered article content in order: prose, copyable commands, callouts."""
    for segment in segments:
        if segment.kind == "html":
            # Sanitised by dashboard.core.render (nh3 allow-list); never raw article HTML.
            st.markdown(segment.html, unsafe_allow_html=True)
        elif segment.kind == "code":
            st.code(segment.code, language=code_language(segment.language), wrap_lines=True)
        elif segment.kind == "callout":
            # A box drawn from the sanitised body: st.info would read article text as Markdown again.
            label = {"IMPORTANT": _("Important"), "WARNING": _("Warning"), "CAUTION": _("Warning"),
                     "TIP": _("Tip")}.get(segment.callout) or _("Note")
            st.markdown(callout_box(segment, label), unsafe_allow_html=True)
        elif segment.kind == "include":
            st.caption(_("Shared text not shown here: {name}", name=escape_markdown(segment.target.rsplit("/", 1)[-1])))
