"""What the Fleet page shows, from real query results: KPI tiles, guidance targets, tables and CSV."""
from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pandas as pd
import pytest

from dashboard.core.formatting import format_datetime, format_integer, format_moment, format_percent
from dashboard.core.i18n import translate, translate_plural
from dashboard.fleet import view
from dashboard.fleet.labels import job_source_label
from loaders.jobs.queries import FleetFilter, fleet_summary
from loaders.jobs.store import open_store
from tests.support.fleet_stores import HAND_BUILT_END, HAND_BUILT_START, make_hand_built_store, make_sample_store

SAMPLE_END = dt.datetime(2026, 3, 2)
WEEK = FleetFilter(dt.datetime.combine(HAND_BUILT_START, dt.time()),
                   dt.datetime.combine(HAND_BUILT_END, dt.time()) + dt.timedelta(days=1))


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    path = make_sample_store(tmp_path_factory.mktemp("sample") / "fleet.duckdb")
    with open_store(path, read_only=True) as store:
        # 60 days of data: the last 30 have a full previous period to compare with.
        return fleet_summary(store.connection, FleetFilter.last_days(SAMPLE_END, 30), now=SAMPLE_END)


@pytest.fixture(scope="module")
def hand_built(tmp_path_factory):
    path = make_hand_built_store(tmp_path_factory.mktemp("hand") / "fleet.duckdb")
    with open_store(path, read_only=True) as store:
        return fleet_summary(store.connection, WEEK, now=WEEK.end)


def tiles_by_key(result, locale="en-us"):
    return {tile.key: tile for tile in view.kpi_tiles(result, locale)}


def test_kpi_tiles_show_the_query_totals_and_their_change(sample) -> None:
    tiles = tiles_by_key(sample)
    k, p = sample.kpis, sample.previous_kpis
    assert p.jobs > 0
    assert tiles["jobs"].value == format_integer(k.jobs, "en-us") and tiles["jobs"].raw_delta == k.jobs - p.jobs
    assert tiles["success_rate"].raw_value == k.success_rate
    assert tiles["success_rate"].raw_delta == pytest.approx(k.success_rate - p.success_rate)
    assert tiles["failed"].value == format_integer(k.failed, "en-us")
    assert tiles["failed"].raw_delta == k.failed - p.failed
    assert tiles["affected_vms"].raw_delta == k.affected_vms - p.affected_vms
    assert tiles["rpo_breach"].raw_value == sample.rpo_breaches == len(sample.rpo_breach)
    assert tiles["rpo_breach"].raw_delta == sample.rpo_breaches - sample.previous_rpo_breaches
    # More failures is bad news; more jobs is neither.
    assert tiles["failed"].delta_color == tiles["affected_vms"].delta_color == tiles["rpo_breach"].delta_color \
        == "inverse"
    assert tiles["success_rate"].delta_color == "normal" and tiles["jobs"].delta_color == "off"
    for tile in tiles.values():
        assert tile.delta is not None
        sign = "-" if tile.raw_delta < 0 else "+" if tile.raw_delta > 0 else ""
        assert (tile.streamlit_delta or "").startswith(sign)  # Streamlit reads the direction from "-"


def test_kpi_tiles_in_german_use_german_numbers(sample) -> None:
    tiles = tiles_by_key(sample, "de-de")
    assert tiles["jobs"].label == translate("Jobs", "de-de") == "Aufträge"
    assert tiles["success_rate"].value == format_percent(sample.kpis.success_rate, "de-de", 1)
    assert "," in tiles["success_rate"].value and "%" in tiles["success_rate"].value
    assert tiles["rpo_breach"].label == translate("Over RPO ({hours} h)", "de-de", hours="24")


def test_no_change_is_shown_without_a_previous_period(sample) -> None:
    empty_before = dataclasses.replace(sample, previous_kpis=dataclasses.replace(
        sample.previous_kpis, jobs=0, completed=0, failed=0, warnings=0, success_rate=None, affected_vms=0))
    for tile in view.kpi_tiles(empty_before, "it-it"):
        assert tile.delta is None and tile.streamlit_delta is None
        assert translate("The previous period of the same length has no jobs to compare with.", "it-it") in tile.help


def test_small_success_rate_changes_are_not_rounded_away(sample) -> None:
    nudged = dataclasses.replace(sample, previous_kpis=dataclasses.replace(
        sample.previous_kpis, success_rate=sample.kpis.success_rate - 0.0004))
    delta = tiles_by_key(nudged)["success_rate"].delta
    assert delta == "+0.04 pp"  # percentage points: the rate rose from x% to x.04%


def test_guide_targets_of_known_and_unknown_errors(hand_built) -> None:
    top = hand_built.top_error_codes
    for row in top.to_dict("records"):
        target = view.guide_target(row)
        if row["category"] == "unknown":
            assert target is None and view.guide_url(target, "it-it") is None
        else:
            assert target == view.GuideTarget(row["guide_article"], row["guide_error_id"])
            url = view.guide_url(target, "it-it")
            assert url == f"guide?lang=it-it&article={row['guide_article']}&error={row['guide_error_id']}"


def test_selection_events_give_row_positions() -> None:
    assert view.selected_rows({"selection": {"rows": [3], "columns": []}}) == [3]
    assert view.selected_rows({"selection": {"rows": []}}) == []
    assert view.selected_rows(None) == []
    event = {"selection": {"points": [{"customdata": [2, "15", "3", "msg"], "x": 15}], "box": [], "lasso": []}}
    assert view.selected_points(event) == [2]
    assert view.selected_points({"selection": {"points": [{"x": 1}]}}) == []
    assert view.row_at(pd.DataFrame({"a": [1, 2]}), 1) == {"a": 2}
    assert view.row_at(pd.DataFrame({"a": [1, 2]}), 5) is None


def test_top_errors_table_keeps_unknown_codes_with_their_raw_message(hand_built) -> None:
    table = view.top_errors_table(hand_built.top_error_codes, "fr-fr")
    code, message, category, failed, vms, guide = table.frame.columns
    assert (code, category, guide) == (translate("Error code", "fr-fr"), translate("Category", "fr-fr"),
                                       translate("Guidance", "fr-fr"))
    rows = table.frame.to_dict("records")
    top = hand_built.top_error_codes.to_dict("records")
    assert len(rows) == len(top)
    for shown, raw in zip(rows, top, strict=False):
        assert shown[failed] == raw["failed"] and shown[vms] == raw["vms"]
        assert shown[message] == raw["error_message"]
        if raw["category"] == "unknown":
            assert shown[category] == translate("Unknown error", "fr-fr")
            assert pd.isna(shown[guide])
            assert shown[code] == raw["error_code"]  # "UserErrorMysteryGlitch", "130002": shown as such
        else:
            assert shown[guide].startswith("guide?lang=fr-fr&")


def test_vm_tables_format_for_reading_and_export_raw_values(hand_built) -> None:
    table = view.top_failing_vms_table(hand_built.top_failing_vms, "de-de")
    header = translate("Last successful backup (UTC)", "de-de")
    raw = hand_built.top_failing_vms
    assert list(table.frame[translate("Failures in a row", "de-de")]) == list(raw["current_streak"])
    never = translate("never", "de-de")
    shown = [table.formats[header](value) for value in table.frame[header]]
    assert shown == [never if pd.isna(v) else format_datetime(v, "de-de", "medium") for v in raw["last_success"]]
    # CSV: UTF-8 with BOM, the same headers, ISO times, plain numbers.
    data = table.csv()
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == list(table.frame.columns)
    assert list(back[translate("Failed jobs", "de-de")]) == list(raw["failed"])
    expected_times = ["" if pd.isna(v) else v.strftime("%Y-%m-%dT%H:%M:%SZ") for v in raw["last_success"]]
    assert [("" if pd.isna(v) else v) for v in back[header]] == expected_times


def test_rpo_table_lists_vms_that_never_succeeded(hand_built) -> None:
    table = view.rpo_breach_table(hand_built.rpo_breach, "en-us")
    since = translate("Since last success", "en-us")
    names = list(table.frame[translate("VM", "en-us")])
    assert names == list(hand_built.rpo_breach["vm_name"].fillna(""))
    never_row = [i for i, h in enumerate(hand_built.rpo_breach["hours_since"]) if pd.isna(h)]
    assert never_row, "the hand-built fleet has a VM without any successful backup (vm-d)"
    assert table.formats[since](table.frame[since].iloc[never_row[0]]) == "never"
    other = [i for i in range(len(table.frame)) if i not in never_row][0]
    assert "day" in table.formats[since](table.frame[since].iloc[other]) or "hr" in \
        table.formats[since](table.frame[since].iloc[other])
    styled = view.styled(table, rows=2)
    assert len(styled.data) == min(2, len(table.frame))
    # Long resource ids go to the CSV only.
    resource_id = translate("Resource ID", "en-us")
    assert resource_id not in styled.data.columns
    assert list(pd.read_csv(io.BytesIO(table.csv()), encoding="utf-8-sig")[resource_id]) == \
        list(hand_built.rpo_breach["vm_id"])


def test_source_lines_name_the_store_sources_and_times(tmp_path) -> None:
    path = make_hand_built_store(tmp_path / "fleet.duckdb")
    with open_store(path, read_only=True) as store:
        info = store.info()
    as_of = dt.datetime(2026, 1, 11)
    lines = view.source_lines(info, as_of, live=False, locale="en-us")
    assert lines[0] == f"Store: {path}"
    assert lines[1] == "Sources: fixture (44)"
    assert lines[2] == "Jobs: 44"
    assert lines[3] == "Last sync: never"
    assert lines[-1] == f"Figures as of {format_moment(as_of, 'en-us')} UTC (end of the stored data)"
    japanese = view.source_lines(info, as_of, live=True, locale="ja-jp")
    assert japanese[2] == translate("Jobs: {count}", "ja-jp", count="44") and "(" not in japanese[-1]


def test_the_collapsed_source_panel_names_sources_jobs_and_time(tmp_path) -> None:
    path = make_hand_built_store(tmp_path / "fleet.duckdb")
    with open_store(path, read_only=True) as store:
        info = store.info()
    as_of = dt.datetime(2026, 1, 11)
    assert view.source_label(info, as_of, "en-us") == \
        f"Data source: fixture · 44 jobs · figures as of {format_moment(as_of, 'en-us')} UTC"
    assert view.source_label(info, as_of, "de-de").startswith("Datenquelle: fixture · 44 Aufträge")


def test_sources_are_named_in_the_readers_language(tmp_path) -> None:
    """The sample fleet and the Azure sync are words, translated; imported files keep their file label."""
    path = make_sample_store(tmp_path / "fleet.duckdb", vms=5, days=3)
    with open_store(path, read_only=True) as store:
        info = store.info()
    assert set(info.sources) == {"sample"}
    as_of = dt.datetime(2026, 3, 2)
    for locale in ("en-us", "ja-jp", "it-it"):
        name = translate("sample fleet", locale)
        assert view.source_lines(info, as_of, False, locale)[1] == translate(
            "Sources: {sources}", locale, sources=f"{name} ({format_integer(info.jobs, locale)})")
        assert view.source_label(info, as_of, locale) == translate(
            "Data source: {sources} · {count} jobs · figures as of {time} UTC", locale, sources=name,
            count=format_integer(info.jobs, locale), time=format_moment(as_of, locale))
    assert translate("sample fleet", "ja-jp") != "sample fleet"
    assert job_source_label("azure-rest", "de-de") == translate("Azure sync", "de-de")
    assert job_source_label("log-analytics:export.csv", "de-de") == "log-analytics:export.csv"


def test_the_collapsed_source_panel_counts_imported_files(tmp_path) -> None:
    """A store fed by many exports: the one-line label counts the files, the open panel names them."""
    from types import SimpleNamespace

    info = SimpleNamespace(sources={"sample": 100, "az-cli:a.json": 4, "log-analytics:b.csv": 5}, jobs=109)
    as_of = dt.datetime(2026, 1, 11)
    for locale in ("en-us", "fr-fr", "ja-jp"):
        label = view.source_label(info, as_of, locale)
        assert "a.json" not in label and "b.csv" not in label
        assert translate("sample fleet", locale) in label
        assert translate_plural("{count} imported file", "{count} imported files", 2, locale) in label
    assert view.source_label(info, as_of, "en-us").startswith("Data source: sample fleet, 2 imported files · ")


def test_the_rpo_tile_compares_with_a_count_at_a_stated_moment(sample) -> None:
    """Over RPO is a state at one moment: its change is against the same count at another moment, said
    with that moment, not "against a period"; and the help says which time of a backup counts."""
    previous = sample.filter.previous()
    moment = dt.datetime(2026, 1, 31)
    for locale, given, stated in (("en-us", None, sample.now - sample.filter.length), ("de-de", moment, moment)):
        tile = {t.key: t for t in view.kpi_tiles(sample, locale, rpo_compared_at=given)}["rpo_breach"]
        assert translate("Compared with the same count at {time} UTC, over the VMs with a job in the previous "
                         "period.", locale, time=format_moment(stated, locale)) in tile.help
        assert translate("VMs whose latest successful backup is older than {hours} hours (or that never had one) "
                         "at {time} UTC. A backup counts from its start time, the time of its recovery point, "
                         "not from when it finished.", locale, hours="24",
                         time=format_moment(sample.now, locale)) in tile.help
        period = translate("Change against {start} – {end}.", locale, start=format_moment(previous.start, locale),
                           end=format_moment(previous.end, locale))
        assert period not in tile.help
        # The period tiles still compare with the previous period.
        assert period in {t.key: t for t in view.kpi_tiles(sample, locale)}["jobs"].help
