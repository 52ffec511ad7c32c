"""Small layout helpers shared by pages: they draw already-prepared content, nothing more."""
from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from dashboard.i18n import _
from dashboard.render import STYLESHEET, Segment, escape_markdown

# Code-fence languages used by the docs platform, mapped to what the highlighter knows.
_CODE_LANGUAGES = {
    "azurecli": "bash", "azurecli-interactive": "bash", "azurepowershell": "powershell",
    "azurepowershell-interactive": "powershell", "console": "bash", "cmd": "batch", "ps": "powershell",
    "shell": "bash", "sh": "bash", "terminal": "bash",
}


def page_style() -> None:
    st.html(STYLESHEET)


def code_language(language: str) -> str | None:
    name = language.strip().lower()
    return _CODE_LANGUAGES.get(name, name) or None


def show_segments(segments: Sequence[Segment]) -> None:
    """Draw rendered article content in order: prose, copyable commands, callouts."""
    for segment in segments:
        if segment.kind == "html":
            # Sanitised by dashboard.render (nh3 allow-list); never raw article HTML.
            st.markdown(segment.html, unsafe_allow_html=True)
        elif segment.kind == "code":
            st.code(segment.code, language=code_language(segment.language), wrap_lines=True)
        elif segment.kind == "callout":
            if segment.callout in ("WARNING", "CAUTION", "IMPORTANT"):
                label = _("Warning") if segment.callout != "IMPORTANT" else _("Important")
                st.warning(f"**{label}:** {segment.markdown}", icon=":material/warning:")
            else:
                label = _("Tip") if segment.callout == "TIP" else _("Note")
                st.info(f"**{label}:** {segment.markdown}", icon=":material/info:")
        elif segment.kind == "include":
            st.caption(_("Shared text not shown here: {name}", name=escape_markdown(segment.target.rsplit("/", 1)[-1])))
