"""UI translation: gettext catalogs (dashboard/locales/<ll>/LC_MESSAGES/messages.po) read with Babel.

The .po files are compiled in memory on first use (no build step, so `make run` stays one command)
and kept for the life of the process. Mark strings with `_()` (translated now, in the reader's
language) or `N_()` (marked for extraction, translated later with `translate()`).
"""
from __future__ import annotations

import functools
import re
import string
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from babel import Locale, UnknownLocaleError
from babel.support import NullTranslations

from loaders.translations import compile_catalog

LOCALES_DIR = Path(__file__).resolve().parents[1] / "locales"
DOMAIN = "messages"
SOURCE_LOCALE = "en-us"
# Display order of the language picker.
UI_LOCALES: tuple[str, ...] = ("en-us", "it-it", "de-de", "fr-fr", "es-es", "ja-jp")
# Session-state key holding the reader's UI locale; shared by every page.
LOCALE_STATE_KEY = "ui_locale"

_TAG = re.compile(r"^([A-Za-z]{2,3})(?:[-_]([A-Za-z]{2,4}))?")


def normalize_locale(tag: str | None) -> str | None:
    """Map a language tag ("it", "it-IT", "it_it", "IT-it") to one of UI_LOCALES, or None."""
    if not tag:
        return None
    match = _TAG.match(str(tag).strip())
    if not match:
        return None
    language = match.group(1).lower()
    region = (match.group(2) or "").lower()
    exact = f"{language}-{region}"
    if exact in UI_LOCALES:
        return exact
    return next((loc for loc in UI_LOCALES if loc.split("-")[0] == language), None)


def language_code(locale: str) -> str:
    """'it-it' -> 'it': the catalog folder name."""
    return locale.split("-")[0].lower()


def babel_locale(locale: str) -> str:
    """'it-it' -> 'it_IT', the identifier Babel's formatters expect."""
    language, _, region = locale.partition("-")
    return f"{language.lower()}_{region.upper()}" if region else language.lower()


def language_name(locale: str, in_locale: str | None = None) -> str:
    """A language's name: in its own language by default ('Italiano', '日本語'), as readers look
    for it in a picker, or in `in_locale` for use inside a sentence ('Italian')."""
    try:
        parsed = Locale.parse(babel_locale(locale))
        name = parsed.get_language_name(babel_locale(in_locale) if in_locale else None) or locale
    except (UnknownLocaleError, ValueError, TypeError):
        return locale
    return name[:1].upper() + name[1:] if in_locale is None else name


def language_names(locales: Iterable[str], in_locale: str | None = None) -> dict[str, str]:
    """Each locale's language name in `in_locale`; languages that occur in several variants get the
    variant too ('Chinese (Simplified, China)', 'Chinese (Traditional, Taiwan)'), so no two read alike."""
    names = {locale: language_name(locale, in_locale) for locale in dict.fromkeys(locales)}
    taken = Counter(names.values())
    for locale, name in names.items():
        if taken[name] > 1:
            try:
                names[locale] = Locale.parse(babel_locale(locale)).get_display_name(
                    babel_locale(in_locale) if in_locale else None) or locale
            except (UnknownLocaleError, ValueError, TypeError):
                names[locale] = locale
    return names


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / language_code(locale) / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def load_translations(locale: str) -> NullTranslations:
    """Compiled catalog for a UI locale; a missing catalog falls back to the source strings."""
    return compile_catalog(catalog_path(locale), babel_locale(locale), DOMAIN)


def translate(message: str, locale: str | None = None, /, **values: object) -> str:
    """Translate `message` into `locale` (default: the reader's), then fill `{name}` placeholders."""
    text = load_translations(normalize_locale(locale) or current_locale()).gettext(message)
    return text.format(**values) if values else text


def translate_plural(
    singular: str, plural: str, count: int, locale: str | None = None, /, **values: object
) -> str:
    """Plural-aware translation; `{count}` is always available to the message."""
    catalog = load_translations(normalize_locale(locale) or current_locale())
    return catalog.ngettext(singular, plural, count).format(count=count, **values)


def _(message: str, /, **values: object) -> str:
    """Translate into the reader's language (see `current_locale`)."""
    return translate(message, None, **values)


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet (module-level constants)."""
    return message


def ngettext(singular: str, plural: str, count: int, /, **values: object) -> str:
    return translate_plural(singular, plural, count, None, **values)


def current_locale() -> str:
    """The reader's UI locale: per browser session when running under Streamlit, else English."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover - streamlit is a runtime dependency
        return SOURCE_LOCALE
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return SOURCE_LOCALE
    value = ctx.session_state[LOCALE_STATE_KEY] if LOCALE_STATE_KEY in ctx.session_state else None
    return normalize_locale(value) or SOURCE_LOCALE


def placeholders(message: str) -> set[str]:
    """Names of `{name}` placeholders in a message (for catalog checks)."""
    return {field for _, field, _, _ in string.Formatter().parse(message) if field is not None}
