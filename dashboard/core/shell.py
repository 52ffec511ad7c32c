"""What every page shares: page setup, the language picker, the docs source field, the menu."""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from dashboard.core import docs_root, registry, sign_in, url_state, widgets
from dashboard.core.i18n import (
    LOCALE_STATE_KEY,
    SOURCE_LOCALE,
    UI_LOCALES,
    _,
    current_locale,
    language_name,
    normalize_locale,
    translate,
)
from dashboard.core.links import GUIDE_URL_PATH
from dashboard.core.registry import default_page, page

LANG_PARAM = "lang"
PAGE_PARAM = "page"
DOCS_PARAM = "docs"
DOCS_STATE_KEY = "docs_path"  # the folder typed in the sidebar ("" or None: the default)
LOCALE_WIDGET_KEY = "ui_locale_picker"
DOCS_WIDGET_KEY = "docs_path_field"
APP_TITLE = "Backup Triage"  # product name, not translated
# A file of the app's own: a Material symbol as page icon would have every browser fetch it from Google's
# font host, which a machine without internet access (or a reader who expects none) does not get.
PAGE_ICON = Path(__file__).resolve().parents[1] / "assets" / "page-icon.svg"


def configure_page() -> None:
    # The sidebar's state is Streamlit's default ("auto"): open on a wide window, closed on a phone,
    # where an open sidebar would cover the whole page.
    st.set_page_config(page_title=APP_TITLE, page_icon=str(PAGE_ICON), layout="wide")
    widgets.app_style()


def browser_locale() -> str | None:
    try:
        return st.context.locale
    except Exception:  # older front ends or bare script runs have no browser context
        return None


def select_locale() -> str:
    """The language picker; its value lives in session state and in `?lang=` on every page."""
    url_state.adopt_from_url(
        st.query_params, st.session_state, (LANG_PARAM,), LOCALE_STATE_KEY,
        normalize=lambda values: normalize_locale(values[0]),
        default=lambda: normalize_locale(browser_locale()) or SOURCE_LOCALE,
    )
    # A stale or hand-edited value must not break the picker.
    if st.session_state.get(LOCALE_STATE_KEY) not in UI_LOCALES:
        st.session_state[LOCALE_STATE_KEY] = SOURCE_LOCALE
    remember_locale = widgets.bind_to_state(LOCALE_STATE_KEY, LOCALE_WIDGET_KEY, allowed=UI_LOCALES)
    st.sidebar.selectbox(
        _("Language"),
        options=UI_LOCALES,
        format_func=language_name,  # each language's own name: the labels never change
        key=LOCALE_WIDGET_KEY,
        # Always set (from the URL, the browser or English), so neither empty nor "required": with
        # index=0 Streamlit offers no way to clear it and shows no "(required)" mark next to the label.
        index=0,
        placeholder=_("Choose an option"),  # never shown, but Streamlit's own is English
        on_change=remember_locale,
        help=_("Language of the menus and of the troubleshooting articles."),
    )
    locale = st.session_state[LOCALE_STATE_KEY]
    url_state.publish_to_url(st.query_params, st.session_state, {LANG_PARAM: locale})
    return locale


def current_docs_root() -> docs_root.DocsRoot:
    """The docs folder chosen for this session (field, else BACKUP_TRIAGE_DOCS, else docs_source/)."""
    chosen, origin = docs_root.choose_docs_path(st.session_state.get(DOCS_STATE_KEY))
    return docs_root.inspect_docs_root(chosen, origin)


def usable_docs_root() -> docs_root.DocsRoot:
    """The chosen docs folder; when it cannot be read the page says why and stops here."""
    from dashboard.core.render import escape_markdown

    docs = current_docs_root()
    folder = escape_markdown(str(docs.path))
    if docs.status == "missing":
        st.error(_("The docs folder {path} does not exist. Enter another folder in the sidebar.", path=folder))
        st.stop()
    if docs.status == "not-a-folder":
        st.error(_("{path} is a file, not a folder. Enter the folder that holds the articles.", path=folder))
        st.stop()
    if docs.status == "empty":
        st.warning(_("The docs folder {path} holds no Markdown articles (*.md).", path=folder))
        st.stop()
    return docs


def docs_source() -> None:
    """The docs folder field, kept in `?docs=` so a view of another docs tree can be shared by link;
    pages read the choice with `current_docs_root()`. On a shared deployment only a user whose role
    allows it gets the field, or a folder from a link: the others read the configured folder."""
    if not sign_in.current_access().may_change_docs:
        st.session_state[DOCS_STATE_KEY] = None
        return
    url_state.adopt_from_url(st.query_params, st.session_state, (DOCS_PARAM,), DOCS_STATE_KEY,
                             normalize=lambda values: (values[0] or "").strip() or None)
    chosen, origin = docs_root.choose_docs_path(st.session_state.get(DOCS_STATE_KEY))
    remember_folder = widgets.bind_to_state(DOCS_STATE_KEY, DOCS_WIDGET_KEY, empty="")
    st.sidebar.text_input(
        _("Docs folder"),
        key=DOCS_WIDGET_KEY,
        on_change=remember_folder,
        placeholder=str(chosen) if origin != "field" else "",
        help=_("Folder of troubleshooting articles: one sub-folder per language (en-us, it-it, ...) "
               "or the folder of a single language. Leave empty to use {variable} or the built-in "
               "articles.", variable=docs_root.ENV_VAR),
    )
    typed = (st.session_state.get(DOCS_STATE_KEY) or "").strip()
    url_state.publish_to_url(st.query_params, st.session_state, {DOCS_PARAM: typed or None})


def docs_link_value() -> str | None:
    """The docs folder typed in the sidebar, for links that open a new session (None: the default)."""
    return (st.session_state.get(DOCS_STATE_KEY) or "").strip() or None


def navigation() -> StreamlitPage:
    """The menu from the page registry, titles in the reader's language.

    Every registered page keeps its own URL (/guide, ...), so deep links work. The app's root URL
    serves a hidden start page that forwards to `?page=<url_path>` or to the registry's default,
    carrying the other query parameters along."""
    specs = list(registry.PAGES)  # read at call time: a registry extended at run time is honoured
    pages = {
        spec.url_path: st.Page(str(spec.path), title=translate(spec.title), icon=spec.icon,
                               url_path=spec.url_path, help=translate(spec.help) if spec.help else None)
        for spec in specs
    }

    def start() -> None:
        target = default_page(specs, url_state.first_value(st.query_params, PAGE_PARAM))
        carried = {name: value for name, value in st.query_params.to_dict().items() if name != PAGE_PARAM}
        st.switch_page(pages[target.url_path], query_params=carried)

    home = st.Page(start, title=APP_TITLE, url_path="start", default=True, visibility="hidden")
    return st.navigation([home, *pages.values()], position="sidebar")


def open_guide(article: str | None, error: str | None, cause: str | None = None, locale: str | None = None) -> None:
    """Switch to the Guide page at an error (by id or error code), in the reader's language.
    The same view as the link `links.guide_link(...)`."""
    guide = page(GUIDE_URL_PATH)
    if guide is None:
        st.error(_("The Guide page is not available."))
        return
    params = {LANG_PARAM: locale or current_locale(), "article": article, "error": error, "cause": cause}
    st.switch_page(str(guide.path), query_params={name: value for name, value in params.items() if value})
