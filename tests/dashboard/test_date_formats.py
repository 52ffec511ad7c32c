"""Dates the dashboard shows are unambiguous in every UI language: no "11/3/26" (3 November or 11 March?).

Every text of the Fleet, Data and Guide pages is read from the elements the real app sends: labels, help
texts, captions, markdown, tile values, the display values of tables and the chart specifications."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from google.protobuf.json_format import MessageToDict
from streamlit import dataframe_util

from dashboard.core.formatting import format_datetime, format_moment
from dashboard.core.i18n import UI_LOCALES
from loaders.jobs.importers import import_files
from loaders.jobs.store import DB_ENV_VAR, open_store
from tests.support.fleet_stores import make_sample_store

BAD_ROWS = Path(__file__).resolve().parents[1] / "data" / "jobs" / "la-bad-rows.csv"
# Day, month and a two-digit year in either order, with slashes, dots or dashes ("3/11/26", "11.03.26").
AMBIGUOUS_DATE = re.compile(r"(?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2}(?!\d)")


@pytest.fixture(scope="module")
def store(tmp_path_factory) -> Path:
    path = make_sample_store(tmp_path_factory.mktemp("dates") / "fleet.duckdb", vms=60, days=30)
    with open_store(path) as writable:
        import_files(writable, [BAD_ROWS])  # an import time and rejected records to show
    return path


def texts(node) -> Iterator[str]:
    """Every string the element tree under `node` carries, table cells as they are displayed."""
    children = getattr(node, "children", None)
    if children is not None:
        for child in children.values():
            yield from texts(child)
    proto = getattr(node, "proto", None)
    if proto is None:
        return
    if node.type == "dataframe":  # Arrow bytes: read the cells, never the encoded bytes
        shown = proto.arrow_data.styler.display_values or proto.arrow_data.data
        frame = dataframe_util.convert_arrow_bytes_to_pandas_df(shown)
        yield from (str(value) for value in frame.to_numpy().ravel())
        yield from (str(column) for column in frame.columns)
        return
    if node.type == "plotly_chart":
        yield proto.spec
        return
    yield from strings(MessageToDict(proto))


def strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def shown(run_app, monkeypatch, db: Path, **query: str) -> list[str]:
    monkeypatch.setenv(DB_ENV_VAR, str(db))  # after run_app's own store: this one
    return list(texts(run_app(**query)._tree))


@pytest.mark.parametrize("locale", UI_LOCALES)
def test_no_page_shows_a_date_with_a_two_digit_year(run_app, monkeypatch, store, locale) -> None:
    for page, extra in (("fleet", {"range": "7d"}), ("fleet", {}), ("data", {}), ("guide", {})):
        found = [(text[:200], match) for text in shown(run_app, monkeypatch, store, page=page, lang=locale, **extra)
                 for match in AMBIGUOUS_DATE.findall(text)]
        assert not found, (page, found[:5])


@pytest.mark.parametrize("locale", UI_LOCALES)
def test_times_are_the_medium_date_with_the_time(run_app, monkeypatch, store, locale) -> None:
    """The Fleet's data source line and the Data page's rejected records show the languages' medium
    date, which names the month or puts the four-digit year where no one misreads it."""
    with open_store(store, read_only=True) as reading:
        info = reading.info()
        rejected = reading.quarantine(limit=1)[0]
    # markdown escapes taken out
    fleet = " ".join(shown(run_app, monkeypatch, store, page="fleet", lang=locale)).replace("\\", "")
    assert format_moment(info.last_ingest_time, locale) in fleet
    data = shown(run_app, monkeypatch, store, page="data", lang=locale)
    assert format_datetime(rejected.quarantined_at, locale, "medium") in data
    assert AMBIGUOUS_DATE.search(format_moment(dt.datetime(2026, 3, 11, 9, 5), locale)) is None
