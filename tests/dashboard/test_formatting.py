"""Numbers, dates and durations in the six UI languages (CLDR conventions via Babel)."""
from __future__ import annotations

import datetime as dt
import math

import pytest

from dashboard.core import formatting as f
from dashboard.core.i18n import UI_LOCALES, translate

NBSP, NNBSP = "\u00a0", "\u202f"


def spaced(text: str) -> str:
    """Locale spacing uses (narrow) no-break spaces; compare with plain ones."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


@pytest.mark.parametrize(("locale", "integer", "decimal", "percent"), [
    ("en-us", "1,234,567", "3.14", "95.3%"),
    ("it-it", "1.234.567", "3,14", "95,3%"),
    ("de-de", "1.234.567", "3,14", "95,3 %"),
    ("fr-fr", "1 234 567", "3,14", "95,3 %"),
    ("es-es", "1.234.567", "3,14", "95,3 %"),
    ("ja-jp", "1,234,567", "3.14", "95.3%"),
])
def test_numbers_follow_the_locale(locale, integer, decimal, percent) -> None:
    assert spaced(f.format_integer(1234567, locale)) == integer
    assert spaced(f.format_decimal(3.14159, locale, digits=2)) == decimal
    assert spaced(f.format_percent(0.9534, locale)) == percent


def test_percent_digits_and_rounding() -> None:
    assert f.format_percent(0.5, "en-us", digits=0) == "50%"
    assert f.format_percent(1, "en-us", digits=2) == "100.00%"
    assert f.format_percent(0.00049, "en-us", digits=1) == "0.0%"


def test_decimal_without_fixed_digits_keeps_the_value() -> None:
    assert f.format_decimal(2.5, "de-de") == "2,5"
    assert f.format_decimal(1200, "en-us") == "1,200"


def test_compact_numbers_for_tiles() -> None:
    assert f.format_compact(1_412_345, "en-us") == "1.4M"
    assert spaced(f.format_compact(1_412_345, "de-de")) == "1,4 Mio."
    assert f.format_compact(1_412_345, "ja-jp") == "141.2万"
    assert f.format_compact(950, "en-us") == "950"


def test_signed_changes() -> None:
    assert f.format_delta(12, "en-us") == "+12"
    assert f.format_delta(-3.5, "it-it", digits=1) == "−3,5"
    assert f.format_delta(0, "en-us") == "0"
    assert f.format_percent_delta(0.012, "en-us") == "+1.2%"
    assert f.format_percent_delta(-0.05, "en-us", digits=0) == "−5%"


def test_changes_of_a_rate_are_in_percentage_points() -> None:
    assert f.format_point_delta(0.012, "en-us") == "+1.2 pp"
    assert f.format_point_delta(-0.0004, "de-de", digits=2) == "−" + translate("{points} pp", "de-de", points="0,04")
    assert f.format_point_delta(0, "ja-jp") == translate("{points} pp", "ja-jp", points="0.0")
    for locale in ("it-it", "de-de", "fr-fr", "es-es", "ja-jp"):
        assert translate("{points} pp", locale) != "{points} pp"


@pytest.mark.parametrize("format_value", [f.format_integer, f.format_decimal, f.format_percent, f.format_compact,
                                    f.format_delta, f.format_percent_delta, f.format_point_delta,
                                    f.format_duration])
def test_missing_values_show_a_dash(format_value) -> None:
    assert format_value(None, "en-us") == f.MISSING
    assert format_value(math.nan, "en-us") == f.MISSING


def test_dates_and_times() -> None:
    moment = dt.datetime(2024, 3, 5, 14, 7, tzinfo=dt.UTC)
    assert spaced(f.format_datetime(moment, "en-us", tzinfo="UTC")) == "Mar 5, 2024, 2:07:00 PM"
    assert f.format_datetime(moment, "de-de", tzinfo="Europe/Berlin") == "05.03.2024, 15:07:00"
    assert f.format_datetime(moment, "ja-jp", tzinfo="Asia/Tokyo") == "2024/03/05 23:07:00"
    assert f.format_date(dt.date(2017, 8, 17), "it-it") == "17 ago 2017"
    assert f.format_date(dt.date(2017, 8, 17), "fr-fr", style="long") == "17 août 2017"
    assert f.format_date(None, "en-us") == f.MISSING
    assert f.format_datetime(None, "en-us") == f.MISSING


def test_durations_use_up_to_two_adjacent_units() -> None:
    assert f.format_duration(dt.timedelta(hours=26, minutes=3), "en-us") == "1 day, 2 hr"
    assert f.format_duration(5400, "en-us") == "1 hr, 30 min"
    assert f.format_duration(dt.timedelta(days=3, seconds=60), "en-us") == "3 days"
    assert f.format_duration(30, "en-us") == "0 min"
    assert f.format_duration(45, "en-us", smallest="second") == "45 sec"
    assert f.format_duration(-7200, "en-us", width="long") == "−2 hours"
    assert f.format_duration(dt.timedelta(hours=26), "it-it", width="long") == "1 giorno e 2 ore"
    assert f.format_duration(dt.timedelta(hours=26), "de-de", width="long") == "1 Tag, 2 Stunden"



@pytest.mark.parametrize("locale", UI_LOCALES)
@pytest.mark.parametrize("width", ["short", "long"])
def test_durations_of_several_units_work_in_every_language(locale, width) -> None:
    """Spanish has only some of the list patterns of units in CLDR; the others are the root's."""
    one_unit = [f.format_duration(value, locale, width=width) for value in
                (dt.timedelta(days=1), dt.timedelta(hours=2), dt.timedelta(minutes=3))]
    three = f.format_duration(dt.timedelta(days=1, hours=2, minutes=3), locale, width=width, max_units=3)
    positions = [three.find(unit) for unit in one_unit]
    assert -1 not in positions and positions == sorted(positions), (three, one_unit)


def test_spanish_durations_join_as_cldr_says() -> None:
    assert f.format_duration(dt.timedelta(hours=26), "es-es") == "1 d, 2 h"
    assert f.format_duration(dt.timedelta(hours=26, minutes=3), "es-es", max_units=3) == "1 d, 2 h, 3 min"
    assert f.format_duration(dt.timedelta(hours=26, minutes=3), "es-es", width="long", max_units=3) \
        == "1 día, 2 horas y 3 minutos"

def test_month_and_weekday_names_start_on_monday() -> None:
    months, weekdays = f.month_day_names("en-us")
    assert months[0] == "Jan" and len(months) == 12
    assert weekdays[0] == "Mon" and weekdays[6] == "Sun"
    assert f.month_day_names("de-de")[1][0] == "Mo"
    assert f.month_day_names("ja-jp")[1][0] == "月"


def test_default_locale_is_the_readers() -> None:
    # Outside a Streamlit run the reader's locale is English.
    assert f.format_integer(1234) == "1,234"


def test_moments_are_the_medium_date_with_the_time_to_the_minute() -> None:
    moment = dt.datetime(2024, 3, 5, 14, 7, 41)
    assert spaced(f.format_moment(moment, "en-us")) == "Mar 5, 2024, 2:07 PM"
    assert f.format_moment(moment, "de-de") == "05.03.2024, 14:07"
    assert f.format_moment(moment, "fr-fr") == "5 mars 2024, 14:07"
    assert f.format_moment(moment, "ja-jp") == "2024/03/05 14:07"
    # A naive moment is UTC when shown in a zone, as Babel's own datetimes.
    assert f.format_moment(moment, "it-it", tzinfo="Europe/Rome") == "5 mar 2024, 15:07"
    assert f.format_moment(moment.replace(tzinfo=dt.UTC), "es-es", tzinfo="Asia/Tokyo") == "5 mar 2024, 23:07"
    assert f.format_moment(None, "en-us") == f.MISSING
