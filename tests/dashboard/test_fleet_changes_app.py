"""The Fleet page's "what changed", incidents and protection gaps, through AppTest, on the hand-built fleets
(tests/support/fleet_stores.py: `monday_fleet`, whose answers tests/jobs/test_fleet_changes.py works out,
and tests/data/fleet)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.i18n import translate
from tests.support.fleet_stores import make_hand_built_store, make_monday_store

SECOND_WEEK = {"from": "2026-01-08", "to": "2026-01-14"}


@pytest.fixture(scope="module")
def monday_db(tmp_path_factory) -> Path:
    return make_monday_store(tmp_path_factory.mktemp("fleet-monday") / "fleet.duckdb")


@pytest.fixture(scope="module")
def hand_built_db(tmp_path_factory) -> Path:
    return make_hand_built_store(tmp_path_factory.mktemp("fleet-hand") / "fleet.duckdb")


TABS = ("new", "rising", "falling", "started", "recovered")


def tab_table(app: AppTest, name: str):
    """The table of a "what changed" tab, or None when the tab says there is nothing."""
    tab = app.tabs[TABS.index(name)]
    return tab.dataframe[0].value if len(tab.dataframe) else None


def table_with(app: AppTest, column: str):
    """The page's one table with this column."""
    return next(frame.value for frame in app.dataframe if column in frame.value.columns)


def test_what_changed_tabs_and_tables(open_fleet, monday_db) -> None:
    app = open_fleet(monday_db, **SECOND_WEEK)
    assert "What changed" in [h.value for h in app.subheader]
    assert [t.label for t in app.tabs] == ["New error codes (3)", "Rising (2)", "Falling (1)",
                                           "VMs that started failing (1)", "VMs that recovered (2)"]
    assert tab_table(app, "new")["Error code"].tolist() == ["M", "B", "C"]
    rising = tab_table(app, "rising")
    assert rising[["Error code", "Failed jobs", "Failed jobs before", "VMs", "VMs before"]].values.tolist() == [
        ["A", 9, 1, 8, 1], ["R", 12, 2, 10, 2]]
    assert tab_table(app, "falling")["Error code"].tolist() == ["F"]
    assert tab_table(app, "started")["VM"].tolist() == ["r3-streak"]
    assert tab_table(app, "recovered")["VM"].tolist() == ["r4-07", "r4-10"]


def test_incidents_list_with_scope_and_a_filtered_view(open_fleet, monday_db) -> None:
    app = open_fleet(monday_db, **SECOND_WEEK)
    incidents = table_with(app, "Likely scope")
    assert incidents[["Error code", "Likely scope", "VMs hit", "Failed backups"]].values.tolist() == [
        ["M", "Vault v8 (r6)", 12, 12], ["R", "Vault v5 (r3)", 10, 10], ["B", "Vault v3 (r2)", 6, 12],
        ["A", "Region r1", 6, 6]]
    view = urlparse(incidents["Filtered view"].iloc[0])
    assert view.path == "fleet"
    assert parse_qs(view.query) == {"lang": ["en-us"], "range": ["custom"], "from": ["2026-01-11"],
                                    "to": ["2026-01-12"], "vault": ["v8"]}
    region_view = parse_qs(urlparse(incidents["Filtered view"].iloc[3]).query)
    assert region_view["region"] == ["r1"] and region_view["from"] == region_view["to"] == ["2026-01-10"]
    # The filtered view shows the incident's failures.
    narrowed = open_fleet(monday_db, **{k: v[0] for k, v in parse_qs(view.query).items()})
    top = next(frame.value for frame in narrowed.dataframe if (frame.key or "").startswith("fleet_top_errors_table_"))
    assert top[["Error code", "Failed jobs", "VMs"]].values.tolist() == [["M", 12, 12]]


def test_protection_gaps_beside_the_rpo_breach(open_fleet, monday_db) -> None:
    app = open_fleet(monday_db, **SECOND_WEEK)
    headers = [h.value for h in app.subheader]
    assert headers.index("VMs without any job") == headers.index("VMs in RPO breach") + 1
    gaps = table_with(app, "Silent for")
    assert gaps[["VM", "Vault", "Region"]].values.tolist() == [["r5-gone", "v7", "r5"]]
    assert any("1 VM the store knows has no job at all" in c.value for c in app.caption)


def test_new_codes_open_their_guidance(open_fleet, hand_built_db) -> None:
    app = open_fleet(hand_built_db, **{"from": "2026-01-04", "to": "2026-01-10"})
    new = tab_table(app, "new")
    links = dict(zip(new["Error code"], new["Guidance"], strict=True))
    assert set(links) == {"ExtensionSnapshotFailedNoNetwork", "UserErrorFsFreezeFailed", "130002",
                          "UserErrorMysteryGlitch"}
    guide = parse_qs(urlparse(links["ExtensionSnapshotFailedNoNetwork"]).query)
    assert guide["error"] == ["extensionsnapshotfailednonetwork"] and guide["lang"] == ["en-us"]
    assert not isinstance(links["UserErrorMysteryGlitch"], str)  # no article explains it: no link
    # X rose from 1 failure on 1 VM to 7 on 2: below the guard, so not rising.
    assert tab_table(app, "rising") is None
    assert [c.value for c in app.tabs[TABS.index("rising")].caption] == ["No error code rose by more than noise."]


@pytest.mark.parametrize("locale", ["it-it", "ja-jp"])
def test_the_sections_speak_the_reader_s_language(open_fleet, monday_db, locale) -> None:
    app = open_fleet(monday_db, lang=locale, **SECOND_WEEK)
    headers = [h.value for h in app.subheader]
    for text in ("What changed", "Incidents", "VMs without any job"):
        assert translate(text, locale) in headers and translate(text, locale) != text
    incidents = table_with(app, translate("Likely scope", locale))
    assert translate("Likely scope", locale) in incidents.columns
    assert incidents[translate("Likely scope", locale)].iloc[3] == translate("Region {region}", locale, region="r1")
