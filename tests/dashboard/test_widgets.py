"""Layout functions shared by the pages: the style rules that put the file uploader's words in the page's language."""
from __future__ import annotations

from dashboard.core import widgets


def test_widget_keys_become_the_class_streamlit_gives_the_element() -> None:
    assert widgets.key_class("data.upload") == "st-key-data-upload"
    assert widgets.key_class(" a b/c_d-e ") == "st-key-a-b-c_d-e"


def test_css_strings_cannot_break_out_of_the_style() -> None:
    text = 'Fichiers "CSV" \\ </style><script>alert(1)</script>\nsuite'
    literal = widgets.css_string(text)
    assert literal.startswith('"') and literal.endswith('"')
    inner = literal[1:-1]
    assert '"' not in inner and "<" not in inner and ">" not in inner and "\n" not in inner
    assert "\\22 " in inner and "\\3c " in inner and "\\a " in inner and "\\5c " in inner
    assert "Fichiers" in inner and "suite" in inner


def test_the_uploader_style_swaps_every_english_word_of_the_uploader() -> None:
    style = widgets.uploader_style("data.upload", "Dateien auswählen", "bis zu 200 MB", "Hier ablegen")
    assert style.startswith("<style>") and style.endswith("</style>") and style.count("<") == 2
    assert '"Dateien auswählen"' in style and '"bis zu 200 MB"' in style and '"Hier ablegen"' in style
    assert style.count(".st-key-data-upload ") >= 6  # every rule is scoped to that one uploader
    # The English button caption, the limit line and the dragging hint are hidden, not only covered.
    hidden = style.split("{display:none}")[0]
    for part in ("[data-testid=stMarkdownContainer]", "[data-testid=stFileUploaderDropzoneInstructions] span",
                 "> div:not([data-testid]) > span"):
        assert part in hidden
