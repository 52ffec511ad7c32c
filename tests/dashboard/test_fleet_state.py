"""The Fleet filters between a shared link, the session and the widgets, without a browser."""
from __future__ import annotations

import datetime as dt

from dashboard.core import url_state
from dashboard.fleet import state as fleet_state
from dashboard.fleet.filters import DEFAULT_RANGE, FilterState, to_query
from loaders.jobs.queries import FilterOptions

OPTIONS = FilterOptions(
    subscriptions=("sub-a", "sub-b"), vaults=("vault-1", "vault-2"), regions=("westeurope", "eastus"),
    os_types=("Windows", "Linux"), operations=("Backup", "Restore"), statuses=("Completed", "Failed"),
    min_time=dt.datetime(2026, 1, 1), max_time=dt.datetime(2026, 3, 1),
)


def test_state_round_trips_through_the_session() -> None:
    session: dict = {}
    state = FilterState(range="custom", start_day=dt.date(2026, 2, 1), end_day=dt.date(2026, 2, 9),
                        vaults=("vault-2",), rpo_hours=36)
    fleet_state.store_state(session, state)
    assert fleet_state.stored_state(session) == state
    assert all(key.startswith(fleet_state.STATE) for key in session)


def test_a_new_link_replaces_the_session_once_and_unknown_values_are_named() -> None:
    session: dict = {}
    fleet_state.store_state(session, FilterState(range="7d"))
    query = {"range": "14d", "vault": "vault-1,vault-9"}
    notes = fleet_state.adopt_link(query, session, OPTIONS)
    assert fleet_state.stored_state(session).range == "14d"
    assert fleet_state.stored_state(session).vaults == ("vault-1",)
    assert any("vault-9" in note for note in notes)
    url_state.publish_to_url(query, session, to_query(fleet_state.current_state(session)))
    assert query["vault"] == "vault-1"
    # A widget changes the session afterwards: the URL the page wrote itself does not undo that.
    fleet_state.store_state(session, FilterState(range="90d"))
    assert fleet_state.adopt_link(query, session, OPTIONS) == []
    assert fleet_state.stored_state(session).range == "90d"


def test_a_custom_range_picked_half_way_counts_as_the_default() -> None:
    session: dict = {}
    fleet_state.store_state(session, FilterState(range="custom"))
    assert fleet_state.current_state(session).range == DEFAULT_RANGE
