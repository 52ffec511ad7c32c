"""Numbers, percentages, dates and durations in the reader's language (Babel, CLDR data).

Every function takes a UI locale ("it-it"); None means the reader's current locale. Values that are
missing (None / NaN) come back as an en dash so tables never show "nan".
"""
from __future__ import annotations

import copy
import datetime as dt
import math
from decimal import Decimal
from typing import Literal

from babel import Locale, dates, numbers, units

from dashboard.core.i18n import babel_locale, current_locale, normalize_locale, translate

MISSING = "–"
Number = int | float | Decimal
DateStyle = Literal["short", "medium", "long", "full"]


def _locale(locale: str | None) -> Locale:
    return Locale.parse(babel_locale(normalize_locale(locale) or current_locale()))


def _with_fraction_digits(pattern: numbers.NumberPattern, digits: int) -> numbers.NumberPattern:
    """The locale's own pattern (grouping, sign placement, spacing) with a fixed fraction length."""
    fixed = copy.copy(pattern)
    fixed.frac_prec = (digits, digits)
    return fixed


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_integer(value: Number | None, locale: str | None = None) -> str:
    """1234567 -> '1,234,567' / '1.234.567'."""
    if _missing(value):
        return MISSING
    return numbers.format_decimal(round(value), format="#,##0", locale=_locale(locale))


def format_decimal(value: Number | None, locale: str | None = None, digits: int | None = None) -> str:
    """Locale-grouped decimal; `digits` fixes the number of fraction digits."""
    if _missing(value):
        return MISSING
    loc = _locale(locale)
    if digits is None:
        return numbers.format_decimal(value, locale=loc)
    return _with_fraction_digits(loc.decimal_formats[None], digits).apply(value, loc)


def format_percent(value: Number | None, locale: str | None = None, digits: int = 1) -> str:
    """A ratio (0.953) as a percentage with the locale's sign and spacing ('95.3%', '95,3 %')."""
    if _missing(value):
        return MISSING
    loc = _locale(locale)
    return _with_fraction_digits(loc.percent_formats[None], digits).apply(value, loc)


def format_compact(value: Number | None, locale: str | None = None, digits: int = 1) -> str:
    """Short form for KPI tiles: 1412345 -> '1.4M', '1,4 Mio.', '141.2万'."""
    if _missing(value):
        return MISSING
    return numbers.format_compact_decimal(value, locale=_locale(locale), fraction_digits=digits)


def format_delta(value: Number | None, locale: str | None = None, digits: int = 0) -> str:
    """A signed change ('+12', '−3,5') for 'against previous period' captions."""
    if _missing(value):
        return MISSING
    text = format_decimal(abs(value), locale, digits)
    if value > 0:
        return f"+{text}"
    if value < 0:
        return f"−{text}"
    return text


def format_percent_delta(value: Number | None, locale: str | None = None, digits: int = 1) -> str:
    """A signed change of a ratio in percentage points of the ratio itself ('+1.2%')."""
    if _missing(value):
        return MISSING
    text = format_percent(abs(value), locale, digits)
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else text


def format_point_delta(value: Number | None, locale: str | None = None, digits: int = 1) -> str:
    """A signed change of a ratio in percentage points ('+1.2 pp'): a success rate going from 97% to
    98% changed by one point, not by one per cent, and '+1%' would not tell which is meant."""
    if _missing(value):
        return MISSING
    points = translate("{points} pp", locale, points=format_decimal(abs(value) * 100, locale, digits))
    return f"+{points}" if value > 0 else f"−{points}" if value < 0 else points


def format_datetime(
    value: dt.datetime | None,
    locale: str | None = None,
    style: DateStyle | str = "medium",
    tzinfo: dt.tzinfo | str | None = None,
) -> str:
    """Date and time; aware values are shown in `tzinfo` (default: as given)."""
    if value is None:
        return MISSING
    zone = dates.get_timezone(tzinfo) if isinstance(tzinfo, str) else tzinfo
    return dates.format_datetime(value, style, tzinfo=zone, locale=_locale(locale))


def format_moment(value: dt.datetime | None, locale: str | None = None, tzinfo: dt.tzinfo | str | None = None) -> str:
    """A moment as captions, tiles and tables show it: the medium date and the time to the minute
    ('Mar 5, 2024, 2:07 PM', '05.03.2024, 14:07', '5 mars 2024, 14:07', '2024/03/05 14:07').

    An English UI is read the world over, where "3/5/24" is the 3rd of May for many and the 5th of
    March for others: the medium date spells the month (or, in German and Japanese, puts a four-digit
    year where no one misreads it) in every language."""
    if value is None:
        return MISSING
    loc = _locale(locale)
    zone = dates.get_timezone(tzinfo) if isinstance(tzinfo, str) else tzinfo
    if zone is not None:
        # As Babel does: a naive value is UTC.
        value = (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(zone)
    return (dates.get_datetime_format("medium", locale=loc).replace("'", "")
            .replace("{1}", dates.format_date(value, "medium", locale=loc))
            .replace("{0}", dates.format_time(value, "short", locale=loc)))


def format_date(value: dt.date | dt.datetime | None, locale: str | None = None,
                style: DateStyle | str = "medium") -> str:
    if value is None:
        return MISSING
    return dates.format_date(value, style, locale=_locale(locale))


def format_time(value: dt.datetime | dt.time | None, locale: str | None = None,
                style: DateStyle | str = "short") -> str:
    """A time of day as given, to the minute by default ('2:00 PM', '14:00')."""
    if value is None:
        return MISSING
    return dates.format_time(value, style, locale=_locale(locale))


def format_megabytes(value: Number | None, locale: str | None = None) -> str:
    """A size in megabytes with the language's unit ('200 MB', '200 Mo')."""
    if _missing(value):
        return MISSING
    return units.format_unit(value, "digital-megabyte", length="short", locale=_locale(locale))


_UNITS: tuple[tuple[str, int], ...] = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))


def format_duration(
    value: dt.timedelta | Number | None,
    locale: str | None = None,
    width: Literal["long", "short", "narrow"] = "short",
    max_units: int = 2,
    smallest: Literal["day", "hour", "minute", "second"] = "minute",
) -> str:
    """A duration with up to `max_units` units ('1 day, 2 hr', '1 Tg., 2 Std.'); numbers are seconds."""
    if _missing(value):
        return MISSING
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else float(value)
    sign = "−" if seconds < 0 else ""
    remaining = round(abs(seconds))
    loc = _locale(locale)
    units = _UNITS[: [name for name, _ in _UNITS].index(smallest) + 1]
    parts: list[str] = []
    for name, size in units:
        count, remaining = divmod(remaining, size)
        if count and len(parts) < max_units:
            parts.append(dates.format_timedelta(dt.timedelta(seconds=count * size), threshold=1e9,
                                                granularity=name, format=width, locale=loc))
        elif parts:
            # Units are contiguous: "1 day, 5 min" would hide the hours in between.
            break
    if not parts:
        return dates.format_timedelta(dt.timedelta(0), granularity=smallest, threshold=1e9,
                                      format=width, locale=loc)
    return sign + join_units(parts, "unit-short" if width != "long" else "unit", loc)


# CLDR's fallback for list pattern parts a language leaves out (the root locale's), and the styles a
# missing style falls back to (as Babel's `format_list` looks them up).
_ROOT_LIST_PATTERN = {"start": "{0}, {1}", "middle": "{0}, {1}", "end": "{0}, {1}", "2": "{0}, {1}"}
_LIST_STYLE_FALLBACKS = {"unit": ("unit-short", "standard"), "unit-short": ("standard",)}


def join_units(parts: list[str], style: str, loc: Locale) -> str:
    """The parts joined as the language lists units ('1 día, 2 h').

    CLDR gives some languages only the pattern parts that differ from the root locale (Spanish units:
    only "end"), and Babel's `format_list` does not fill in the rest: it fails on two or more units."""
    if not parts:
        return ""
    found = next(loc.list_patterns[name] for name in (style, *_LIST_STYLE_FALLBACKS.get(style, ("standard",)))
                 if name in loc.list_patterns)
    patterns = {**_ROOT_LIST_PATTERN, **dict(found)}
    if len(parts) == 1:
        return parts[0]
    if len(parts) == 2:
        return patterns["2"].format(*parts)
    text = patterns["start"].format(parts[0], parts[1])
    for part in parts[2:-1]:
        text = patterns["middle"].format(text, part)
    return patterns["end"].format(text, parts[-1])


def month_day_names(locale: str | None = None) -> tuple[list[str], list[str]]:
    """(month names, weekday names Monday first) in the locale's standalone abbreviated form."""
    loc = _locale(locale)
    months = [loc.months["stand-alone"]["abbreviated"][m] for m in range(1, 13)]
    weekdays = [loc.days["stand-alone"]["abbreviated"][d] for d in range(7)]
    return months, weekdays
