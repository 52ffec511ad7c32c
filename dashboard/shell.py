"""What every page shares: page setup, the language picker, the docs source field, the menu."""
from __future__ import annotations

import streamlit as st

from dashboard import docs_root, url_state
from dashboard.i18n import (
    LOCALE_STATE_KEY, SOURCE_LOCALE, UI_LOCALES, _, language_name, normalize_locale, translate,
)
from dashboard.registry import available_pages, default_page

LANG_PARAM = "lang"
PAGE_PARAM = "page"
DOCS_FIELD_KEY = "docs_path"
APP_TITLE = "Backup Triage"  # product name, not translated


def configure_page() -> None:
    st.set_page_config(page_title=APP_TITLE, page_icon=":material/health_and_safety:", layout="wide",
                       initial_sidebar_state="expanded")


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
    locale = st.sidebar.selectbox(
        _("Language"),
        options=UI_LOCALES,
        format_func=language_name,
        key=LOCALE_STATE_KEY,
        help=_("Language of the menus and of the troubleshooting articles."),
    )
    url_state.publish_to_url(st.query_params, st.session_state, {LANG_PARAM: locale})
    return locale


def current_docs_root() -> docs_root.DocsRoot:
    """The docs folder chosen for this session (field, else BACKUP_TRIAGE_DOCS, else docs_source/)."""
    chosen, origin = docs_root.choose_docs_path(st.session_state.get(DOCS_FIELD_KEY))
    return docs_root.inspect_docs_root(chosen, origin)


def docs_source() -> None:
    """The docs folder field; pages read the choice with `current_docs_root()`."""
    chosen, origin = docs_root.choose_docs_path(st.session_state.get(DOCS_FIELD_KEY))
    st.sidebar.text_input(
        _("Docs folder"),
        key=DOCS_FIELD_KEY,
        placeholder=str(chosen) if origin != "field" else "",
        help=_("Folder of troubleshooting articles: one sub-folder per language (en-us, it-it, ...) "
               "or the folder of a single language. Leave empty to use {variable} or the built-in "
               "articles.", variable=docs_root.ENV_VAR),
    )


def navigation() -> st.navigation:
    """The menu from the page registry, titles in the reader's language.

    Every registered page keeps its own URL (/guide, ...), so deep links work. The app's root URL
    serves a hidden start page that forwards to `?page=<url_path>` or to the registry's default,
    carrying the other query parameters along."""
    specs = available_pages()
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
