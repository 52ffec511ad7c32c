"""The Fleet page's filters between the URL, the session and the sidebar widgets.

The filters live in plain session-state entries (prefix `fleet.`), so they survive a visit to another
page; a shared link (`?range=..&vault=..`) replaces them once, when it is first seen; the widgets are
bound to the entries rather than owning them, because Streamlit forgets a widget's value when its page
is not shown.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, MutableMapping
from typing import Any

import streamlit as st

from dashboard.core import url_state, widgets
from dashboard.core.formatting import format_moment
from dashboard.core.i18n import _, translate
from dashboard.fleet import filters as fleet_filters
from dashboard.fleet.filters import CUSTOM, RANGE_LABELS, FilterState
from dashboard.fleet.labels import operation_label
from loaders.jobs.queries import FilterOptions

STATE = "fleet."  # prefix of the plain session-state entries holding the filters (kept across pages)
LINK_KEY = STATE + "link"
FIELDS = ("range", "days", *fleet_filters.LIST_PARAMS, "rpo_hours")


def stored_state(session: Mapping[str, Any]) -> FilterState:
    saved = {name: session.get(STATE + name) for name in FIELDS}
    days = saved.pop("days") or (None, None)
    values = {name: value for name, value in saved.items() if value is not None}
    values["start_day"], values["end_day"] = (tuple(days) + (None, None))[:2]
    for name in fleet_filters.LIST_PARAMS:
        values[name] = tuple(values.get(name) or ())
    return FilterState(**values)


def store_state(session: MutableMapping[str, Any], state: FilterState) -> None:
    for name in ("range", *fleet_filters.LIST_PARAMS, "rpo_hours"):
        session[STATE + name] = getattr(state, name)
    session[STATE + "days"] = (state.start_day, state.end_day) if state.start_day else None


def adopt_link(query: Mapping[str, Any], session: MutableMapping[str, Any], options: FilterOptions) -> list[str]:
    """Take the filters of a link seen for the first time, else keep the session's; either way drop the
    values this store does not have. Returns what the link asked for and could not get."""
    previous_link = session.get(LINK_KEY)
    link = url_state.adopt_from_url(query, session, fleet_filters.URL_PARAMS, LINK_KEY,
                                    normalize=lambda _token: fleet_filters.parse_query(query))
    if link is not None and link is not previous_link:
        state, dropped = fleet_filters.restrict(link.state, options)
        store_state(session, state)
        return link.problems + dropped
    state, _dropped = fleet_filters.restrict(stored_state(session), options)
    store_state(session, state)
    return []


def current_state(session: Mapping[str, Any]) -> FilterState:
    """The filters as the widgets left them; a custom range picked half-way counts as the default one."""
    state = stored_state(session)
    if state.range == CUSTOM and not (state.start_day and state.end_day):
        state = dataclasses.replace(state, range=fleet_filters.DEFAULT_RANGE)
    return state


def filter_sidebar(sidebar: Any, options: FilterOptions, values: Mapping[str, tuple], as_of: dt.datetime,
                   locale: str) -> None:
    """The filter widgets, each bound to its session-state entry."""
    session = st.session_state
    sidebar.header(_("Filters"))
    remember = widgets.bind_to_state(STATE + "range", widgets.localized_key(STATE + "range"),
                                     allowed=tuple(RANGE_LABELS))
    chosen_range = sidebar.selectbox(
        _("Time range"), options=list(RANGE_LABELS), format_func=lambda key: translate(RANGE_LABELS[key], locale),
        key=widgets.localized_key(STATE + "range"), on_change=remember, placeholder=_("Choose an option"),
        help=_("Periods end at {time} UTC, the time the figures are read at.",
               time=format_moment(as_of, locale)))
    if chosen_range == CUSTOM:
        first = (options.min_time or as_of).date()
        last = max((options.max_time or as_of).date(), as_of.date())
        if not session.get(STATE + "days"):
            start_default, end_default = fleet_filters.period(FilterState(), as_of)
            session[STATE + "days"] = (max(start_default.date(), first), min(end_default.date(), last))
        remember = widgets.bind_to_state(STATE + "days", STATE + "days_picker")
        sidebar.date_input(_("Dates (UTC)"), min_value=first, max_value=last, key=STATE + "days_picker",
                           on_change=remember, format="YYYY-MM-DD",
                           help=_("First and last day, both included."))

    list_labels = {
        "subscriptions": (_("Subscriptions"), None),
        "vaults": (_("Vaults"), None),
        "regions": (_("Regions"), None),
        "os_types": (_("Operating systems"), None),
        "operations": (_("Operations"), lambda value: operation_label(value, locale)),
    }
    for name, (label, formatter) in list_labels.items():
        # Translated option labels get one widget per language (see widgets.localized_selectbox).
        widget_key = widgets.localized_key(STATE + name) if formatter else STATE + name + "_picker"
        remember = widgets.bind_to_state(STATE + name, widget_key)
        if session.get(widget_key) is None:
            session[widget_key] = []
        else:
            session[widget_key] = list(session[widget_key])
        sidebar.multiselect(label, options=list(values[name]), key=widget_key, on_change=remember,
                            format_func=formatter or str, placeholder=_("All"),
                            # Empty already means all; Streamlit's "Select all" entry is English-only and
                            # would put every value into the URL.
                            select_all=False)

    remember = widgets.bind_to_state(STATE + "rpo_hours", STATE + "rpo_picker")
    sidebar.number_input(_("RPO threshold (hours)"), min_value=fleet_filters.RPO_LIMITS[0],
                         max_value=fleet_filters.RPO_LIMITS[1], step=1, key=STATE + "rpo_picker",
                         on_change=remember,
                         help=_("A VM whose latest successful backup is older than this is in RPO breach."))
    sidebar.button(_("Reset filters"), on_click=lambda: store_state(session, FilterState()),
                   icon=":material/filter_alt_off:")
