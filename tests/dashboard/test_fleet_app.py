"""The Fleet page in the real app (dashboard/app.py) through Streamlit's AppTest, on job stores in tmp_path."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import store_actions
from dashboard.core.formatting import format_integer, format_moment, format_percent
from dashboard.core.i18n import translate
from dashboard.fleet.filters import FilterState, fleet_filter, reference_time
from loaders.jobs import queries
from loaders.jobs.queries import FleetFilter
from loaders.jobs.store import open_store
from tests.support.fleet_stores import SAMPLE_NOW, make_hand_built_store, make_sample_store

LABELS = ("Jobs", "Success rate", "Failed jobs", "Affected VMs")


@pytest.fixture(scope="module")
def sample_db(tmp_path_factory) -> Path:
    return make_sample_store(tmp_path_factory.mktemp("fleet-app") / "fleet.duckdb")


@pytest.fixture(scope="module")
def hand_built_db(tmp_path_factory) -> Path:
    return make_hand_built_store(tmp_path_factory.mktemp("fleet-hand") / "fleet.duckdb")


def as_of(db: Path) -> dt.datetime:
    with open_store(db, read_only=True) as store:
        options = queries.filter_options(store.connection)
    return reference_time(options.max_time, live=False, wall_clock=dt.datetime(2100, 1, 1))


def expected(db: Path, fleet: FleetFilter, rpo_hours: float = 24, locale: str = "en-us") -> dict[str, str]:
    """The tiles' values as the queries give them for `fleet`."""
    with open_store(db, read_only=True) as store:
        k = queries.kpis(store.connection, fleet)
        breach = queries.rpo_breach(store.connection, fleet, min(fleet.end, as_of(db)), rpo_hours)
    hours = format_integer(rpo_hours, locale)
    return {
        translate("Jobs", locale): format_integer(k.jobs, locale),
        translate("Success rate", locale): format_percent(k.success_rate, locale, 1),
        translate("Failed", locale): format_integer(k.failed, locale),
        translate("Affected VMs", locale): format_integer(k.affected_vms, locale),
        translate("Over RPO ({hours} h)", locale, hours=hours): format_integer(len(breach), locale),
    }


def tiles(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


def picker(app: AppTest, name: str):
    found = [w for w in app.multiselect if (w.key or "").startswith(f"fleet.{name}")]
    assert len(found) == 1, [w.key for w in app.multiselect]
    return found[0]


def top_errors_table_key(app: AppTest) -> str:
    return next(d.key for d in app.dataframe if d.key and d.key.startswith("fleet_top_errors_table_"))


def test_default_view_shows_the_last_30_days_as_the_queries_count_them(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db)
    assert app.title[0].value == "Fleet backups"
    end = as_of(sample_db)
    # Read at the end of the sample's data (the hour after its latest job), not at the wall clock.
    assert SAMPLE_NOW - dt.timedelta(hours=6) <= end <= SAMPLE_NOW
    assert tiles(app) == expected(sample_db, FleetFilter.last_days(end, 30))
    # 60 days of sample data: every tile compares with the 30 days before.
    assert all(metric.proto.delta for metric in app.metric)
    assert app.query_params.get("lang") == "en-us" and "region" not in app.query_params
    # After the top errors: the top failing VMs and the RPO breach (then the VMs without any job, if any).
    keys = [frame.key or "" for frame in app.dataframe]
    top = next(i for i, key in enumerate(keys) if key.startswith("fleet_top_errors_table_"))
    headers = [list(frame.value.columns) for frame in app.dataframe][top + 1:top + 3]
    assert headers[0][:3] == ["VM", "Vault", "Region"] and headers[1][:3] == ["VM", "Vault", "Region"]
    # Every table has its CSV; the view has its HTML report and Markdown digest.
    labels = [button.proto.label for button in app.get("download_button")]
    assert labels.count("Download CSV") == len(app.dataframe)
    assert labels[-2:] == ["Download HTML report", "Download Markdown digest"]


def test_the_root_url_opens_the_fleet_and_keeps_the_link_parameters(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db, page=None, lang="it-it", range="7d")
    assert app.title[0].value == translate("Fleet backups", "it-it")
    assert tiles(app) == expected(sample_db, FleetFilter.last_days(as_of(sample_db), 7), locale="it-it")
    assert app.query_params["lang"] == "it-it" and app.query_params["range"] == "7d"
    # The menu lists the Fleet first.
    app = open_fleet(sample_db, page="guide")
    assert app.title[0].value == "Troubleshooting guide"


def test_widgets_show_no_english_only_extras(open_fleet, sample_db) -> None:
    """The language picker always has a value, so it is not marked "(required)"; the list filters
    have no "Select all" entry (Streamlit's, English only; an empty filter already means all)."""
    app = open_fleet(sample_db, lang="ja-jp")
    language = app.selectbox(key="ui_locale_picker")
    assert language.value == "ja-jp" and not language.proto.required
    for box in app.selectbox:  # the placeholder is in the page even when a value hides it
        assert box.proto.placeholder and box.proto.placeholder != "Choose an option", box.label
    assert len(app.multiselect) == 5
    for box in app.multiselect:
        assert box.proto.HasField("select_all") and box.proto.select_all == 0, box.label
    language.set_value("de-de").run()
    assert app.title[0].value == translate("Fleet backups", "de-de")
    assert app.query_params["lang"] == "de-de"
    # Few tool buttons per chart: each is a Tab stop for keyboard readers.
    charts = app.get("plotly_chart")
    assert len(charts) == 5
    for chart in charts:
        removed = set(json.loads(chart.proto.config)["modeBarButtonsToRemove"])
        assert {"zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d"} <= removed


def test_changing_filters_changes_the_kpis_as_the_queries_say(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db)
    with open_store(sample_db, read_only=True) as store:
        options = queries.filter_options(store.connection)
    region, os_type = options.regions[0], "Windows"
    picker(app, "regions").set_value([region]).run()
    assert not app.exception
    assert tiles(app) == expected(sample_db, FleetFilter.last_days(as_of(sample_db), 30, regions=(region,)))
    assert app.query_params["region"] == region

    picker(app, "os_types").set_value([os_type]).run()
    picker(app, "operations").set_value(["Backup"]).run()
    narrowed = FleetFilter.last_days(as_of(sample_db), 30, regions=(region,), os_types=(os_type,),
                                     operations=("Backup",))
    assert tiles(app) == expected(sample_db, narrowed)
    assert (app.query_params["os"], app.query_params["op"]) == (os_type, "Backup")

    range_box = next(box for box in app.selectbox if (box.key or "").startswith("fleet.range"))
    range_box.set_value("7d").run()
    week = FleetFilter.last_days(as_of(sample_db), 7, regions=(region,), os_types=(os_type,), operations=("Backup",))
    assert tiles(app) == expected(sample_db, week)
    assert app.query_params["range"] == "7d"

    app.number_input(key="fleet.rpo_picker").set_value(6).run()
    assert tiles(app) == expected(sample_db, week, rpo_hours=6)
    assert app.query_params["rpo"] == "6"

    app.button[0].click().run()  # reset filters
    assert tiles(app) == expected(sample_db, FleetFilter.last_days(as_of(sample_db), 30))
    assert not {"region", "os", "op", "range", "rpo"} & set(app.query_params)


def test_a_deep_link_restores_the_view(open_fleet, sample_db) -> None:
    with open_store(sample_db, read_only=True) as store:
        options = queries.filter_options(store.connection)
    vaults = options.vaults[:2]
    app = open_fleet(sample_db, lang="de-de", range="14d", vault=",".join(vaults), os="Linux", rpo="48")
    assert app.title[0].value == translate("Fleet backups", "de-de")
    assert picker(app, "vaults").value == list(vaults)
    assert picker(app, "os_types").value == ["Linux"]
    assert app.number_input(key="fleet.rpo_picker").value == 48
    fleet = FleetFilter.last_days(as_of(sample_db), 14, vaults=vaults, os_types=("Linux",))
    assert tiles(app) == expected(sample_db, fleet, rpo_hours=48, locale="de-de")
    assert app.query_params["vault"] == ",".join(vaults) and app.query_params["rpo"] == "48"


def test_filters_with_nothing_in_common_say_so_instead_of_empty_tables(open_fleet, sample_db) -> None:
    end = as_of(sample_db)
    with open_store(sample_db, read_only=True) as store:
        options = queries.filter_options(store.connection)
        pair = next((sub, vault) for sub in options.subscriptions for vault in options.vaults
                    if queries.kpis(store.connection, FleetFilter.last_days(end, 30, subscriptions=(sub,),
                                                                            vaults=(vault,))).jobs == 0)
    app = open_fleet(sample_db, lang="it-it", sub=pair[0], vault=pair[1])
    assert tiles(app)[translate("Jobs", "it-it")] == "0"
    notices = [i.value for i in app.info]
    assert any(translate("Reset filters", "it-it") in text for text in notices), notices
    # No table that would only say "empty" (Streamlit's word, in English), no CSV of nothing; only the report.
    assert not app.dataframe
    assert [b.proto.label for b in app.get("download_button")] == [
        translate("Download HTML report", "it-it"), translate("Download Markdown digest", "it-it")]
    assert translate("No VM has a failed job in this period.", "it-it") in notices

    app.button[0].click().run()  # reset filters
    assert not any(translate("Reset filters", "it-it") in i.value for i in app.info)
    assert any((frame.key or "").startswith("fleet_top_errors_table_") for frame in app.dataframe)
    assert len(app.dataframe) >= 3  # top errors, top failing VMs, RPO breach, and what changed


def test_a_link_with_dates_shows_that_period(open_fleet, hand_built_db) -> None:
    app = open_fleet(hand_built_db, **{"from": "2026-01-04", "to": "2026-01-10"})
    week = FleetFilter(dt.datetime(2026, 1, 4), dt.datetime(2026, 1, 11))
    assert tiles(app) == expected(hand_built_db, week)
    assert app.date_input(key="fleet.days_picker").value == (dt.date(2026, 1, 4), dt.date(2026, 1, 10))
    assert app.query_params["range"] == "custom"


def test_link_values_this_store_does_not_know_are_reported(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db, region="mars-north", vault="no-such-vault")
    warnings = " ".join(w.value for w in app.warning)
    assert "region=mars-north" in warnings and "vault=no-such-vault" in warnings
    assert tiles(app) == expected(sample_db, FleetFilter.last_days(as_of(sample_db), 30))
    assert "region" not in app.query_params


def test_filters_survive_a_switch_to_another_page_and_back(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db)
    region = picker(app, "regions").options[-1]
    picker(app, "regions").set_value([region]).run()
    narrowed = tiles(app)
    app.switch_page("guide/page.py").run()
    assert app.title[0].value == "Troubleshooting guide"
    app.switch_page("fleet/page.py").run()
    assert not app.exception
    assert picker(app, "regions").value == [region]
    assert tiles(app) == narrowed
    assert app.query_params["region"] == region


def test_selecting_a_top_error_opens_its_guidance_in_the_reader_language(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db, lang="it-it")
    with open_store(sample_db, read_only=True) as store:
        top = queries.top_error_codes(store.connection, FleetFilter.last_days(as_of(sample_db), 30))
    position = next(i for i, row in enumerate(top.to_dict("records")) if row["guide_error_id"])
    row = top.iloc[position]
    app.session_state[top_errors_table_key(app)] = {"selection": {"rows": [position], "columns": []}}
    app.run()
    assert not app.exception
    assert app.title[0].value == translate("Troubleshooting guide", "it-it")
    assert app.query_params["lang"] == "it-it"
    assert (app.query_params["article"], app.query_params["error"]) == (row["guide_article"], row["guide_error_id"])
    assert row["error_code"] in app.header[0].value  # the error's section, with its code


def test_clicking_a_bar_opens_the_same_guidance(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db, lang="fr-fr")
    chart_key = next(key for key in app.session_state if str(key).startswith("fleet_top_errors_chart_"))
    with open_store(sample_db, read_only=True) as store:
        top = queries.top_error_codes(store.connection, FleetFilter.last_days(as_of(sample_db), 30))
    app.session_state[chart_key] = {"selection": {"points": [{"customdata": [0]}], "box": [], "lasso": []}}
    app.run()
    assert not app.exception
    assert app.title[0].value == translate("Troubleshooting guide", "fr-fr")
    assert app.query_params["error"] == top.iloc[0]["guide_error_id"]


def test_guide_links_in_the_table_carry_the_chosen_docs_folder(open_fleet, sample_db, tmp_path) -> None:
    """The table's links open a new tab, a new session: the docs folder typed in the sidebar goes along."""
    app = open_fleet(sample_db)
    table = next(frame.value for frame in app.dataframe if (frame.key or "").startswith("fleet_top_errors_table_"))
    assert not any("docs=" in str(link) for link in table.iloc[:, -1])
    app.text_input(key="docs_path_field").set_value(str(tmp_path)).run()
    table = next(frame.value for frame in app.dataframe if (frame.key or "").startswith("fleet_top_errors_table_"))
    links = [link for link in table.iloc[:, -1] if isinstance(link, str)]
    assert links and all(parse_qs(urlparse(link).query)["docs"] == [str(tmp_path)] for link in links)


def test_picking_a_top_error_in_the_list_opens_its_guidance(open_fleet, sample_db) -> None:
    """The keyboard's way to what a click on a bar or a row does."""
    app = open_fleet(sample_db, lang="de-de")
    with open_store(sample_db, read_only=True) as store:
        top = queries.top_error_codes(store.connection, FleetFilter.last_days(as_of(sample_db), 30))
    position = next(i for i, row in enumerate(top.to_dict("records")) if row["guide_error_id"])
    picker = next(box for box in app.selectbox if (box.key or "").startswith("fleet_top_errors_pick_"))
    assert picker.label == translate("Open the guide for", "de-de") and picker.value is None
    assert len(picker.options) == len(top)
    assert picker.options[position].startswith(top.iloc[position]["error_code"] + " (")
    picker.set_value(position).run()
    assert not app.exception
    assert app.title[0].value == translate("Troubleshooting guide", "de-de")
    assert (app.query_params["lang"], app.query_params["error"]) == ("de-de", top.iloc[position]["guide_error_id"])


def test_an_unknown_code_shows_its_raw_message_instead(open_fleet, hand_built_db) -> None:
    app = open_fleet(hand_built_db, **{"from": "2026-01-04", "to": "2026-01-10"})
    with open_store(hand_built_db, read_only=True) as store:
        top = queries.top_error_codes(store.connection, FleetFilter(dt.datetime(2026, 1, 4), dt.datetime(2026, 1, 11)))
    position = list(top["error_code"]).index("UserErrorMysteryGlitch")
    table = next(frame for frame in app.dataframe if frame.key == top_errors_table_key(app))
    assert "UserErrorMysteryGlitch" in list(table.value.iloc[:, 0])
    app.session_state[top_errors_table_key(app)] = {"selection": {"rows": [position], "columns": []}}
    app.run()
    assert not app.exception
    assert app.title[0].value == "Fleet backups"  # stayed: no article to open
    info = " ".join(i.value for i in app.info)
    assert "UserErrorMysteryGlitch" in info and "A mysterious glitch stopped the restore." in info


def test_ui_language_changes_labels_and_number_formats(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db)
    app.selectbox(key="ui_locale_picker").set_value("ja-jp").run()
    assert app.title[0].value == translate("Fleet backups", "ja-jp") == "フリートのバックアップ"
    assert tiles(app) == expected(sample_db, FleetFilter.last_days(as_of(sample_db), 30), locale="ja-jp")
    assert picker(app, "operations").label == translate("Operations", "ja-jp")


def test_first_start_on_an_empty_store_creates_the_sample(open_fleet, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(store_actions, "SAMPLE_VMS", 40)
    monkeypatch.setattr(store_actions, "SAMPLE_DAYS", 10)
    db = tmp_path / "new" / "fleet.duckdb"
    app = open_fleet(db)
    with open_store(db, read_only=True) as store:
        info = store.info()
    assert info.sources == {"sample": info.jobs} and info.jobs > 0
    assert app.title[0].value == "Fleet backups" and len(app.metric) == 5
    state = FilterState()
    assert tiles(app) == expected(db, fleet_filter(state, as_of(db)))


def test_a_store_without_jobs_but_with_history_is_left_alone(open_fleet, tmp_path) -> None:
    db = tmp_path / "fleet.duckdb"
    with open_store(db) as store:
        store.set_watermark("rest", "vault-a", dt.datetime(2026, 1, 1))
    app = open_fleet(db)
    with open_store(db, read_only=True) as store:
        assert store.job_count() == 0
    assert app.warning and not app.metric


def test_the_daily_chart_marks_the_partial_days_of_a_rolling_period(open_fleet, sample_db) -> None:
    app = open_fleet(sample_db, range="7d", lang="fr-fr")
    end = as_of(sample_db)
    assert end.minute == 0 and end.hour != 0  # read mid-day: the week's first and last days are partial
    daily = json.loads(app.get("plotly_chart")[0].proto.spec)
    names = [trace.get("name") for trace in daily["data"]]
    assert translate("Partial day", "fr-fr") in names
    dotted = [t for t in daily["data"] if t["type"] == "scatter" and t["line"].get("dash") == "dot"]
    assert {x[:10] for x in dotted[0]["x"] if x} >= {(end - dt.timedelta(days=7)).date().isoformat(),
                                                     end.date().isoformat()}


def test_the_rpo_change_is_against_the_count_at_the_end_of_the_previous_period(open_fleet, sample_db) -> None:
    """Custom dates up to the day the data ends: the period reaches past the time the figures are read at,
    so the previous period's end and "now" moved back by the period's length are two moments."""
    end = as_of(sample_db)
    first = end.date() - dt.timedelta(days=10)
    app = open_fleet(sample_db, range="custom", **{"from": first.isoformat(), "to": end.date().isoformat()})
    fleet = fleet_filter(FilterState(range="custom", start_day=first, end_day=end.date()), end)
    assert fleet.end > end and end - fleet.length != fleet.start
    with open_store(sample_db, read_only=True) as store:
        now = len(queries.rpo_breach(store.connection, fleet, end, 24))
        before = len(queries.rpo_breach(store.connection, fleet.previous(), fleet.start, 24))
    tile = next(metric for metric in app.metric if metric.label == "Over RPO (24 h)")
    assert tile.value == format_integer(now, "en-us")
    change = now - before
    assert tile.proto.delta == (f"+{change}" if change > 0 else f"-{-change}" if change < 0 else "0")
    moment = format_moment(fleet.start, "en-us")
    assert f"Compared with the same count at {moment} UTC" in tile.help
    assert "Change against" not in tile.help
    assert "start time" in tile.help
