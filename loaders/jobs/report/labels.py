"""The report's words and formats in six languages: gettext catalogs read with Babel, numbers and dates
through Babel's CLDR data (the medium date, which reads the same day everywhere)."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path

from babel.dates import format_datetime
from babel.numbers import format_decimal, format_percent
from babel.support import NullTranslations

from loaders.translations import compile_catalog

LOCALES_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "report"
REPORT_LOCALES = ("en-us", "it-it", "de-de", "fr-fr", "es-es", "ja-jp")
MISSING = "–"


def report_locale(tag: str | None) -> str:
    """One of REPORT_LOCALES for a language tag ("it", "it-IT", "ja_JP"); English otherwise."""
    language = (tag or "").replace("_", "-").split("-")[0].lower()
    return next((loc for loc in REPORT_LOCALES if loc.split("-")[0] == language), REPORT_LOCALES[0])


def _babel(locale: str) -> str:
    language, _, region = report_locale(locale).partition("-")
    return f"{language}_{region.upper()}"


def catalog_path(locale: str) -> Path:
    return LOCALES_DIR / report_locale(locale).split("-")[0] / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def _translations(locale: str) -> NullTranslations:
    return compile_catalog(catalog_path(locale), _babel(locale), DOMAIN)


def T_(message: str, locale: str, /, **values: object) -> str:
    """`message` in `locale`, placeholders filled."""
    text = _translations(report_locale(locale)).gettext(message)
    return text.format(**values) if values else text


def integer(value: int | float | None, locale: str) -> str:
    return MISSING if value is None else format_decimal(int(value), locale=_babel(locale))


def decimal(value: float | None, locale: str, digits: int = 1) -> str:
    if value is None or value != value:
        return MISSING
    return format_decimal(round(float(value), digits), format=f"#,##0.{'0' * digits}", locale=_babel(locale))


def percent(value: float | None, locale: str) -> str:
    return MISSING if value is None else format_percent(value, format="#,##0.0%", locale=_babel(locale))


def moment(value: dt.datetime | None, locale: str) -> str:
    if value is None or value != value:
        return MISSING
    return format_datetime(value, format="medium", locale=_babel(locale))
