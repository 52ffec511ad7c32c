"""Widget state ↔ query parameters: links win when they change, widgets win otherwise."""
from __future__ import annotations

from dashboard.core.url_state import adopt_from_url, first_value, publish_to_url

NAMES = ("lang",)


def normalize(values):
    return values[0].lower() if values[0] in ("it-it", "de-de", "IT-IT", "en-us") else None


def test_first_visit_takes_the_link_value() -> None:
    params, state = {"lang": "IT-IT"}, {}
    assert adopt_from_url(params, state, NAMES, "locale", normalize, default=lambda: "en-us") == "it-it"


def test_first_visit_without_link_uses_the_default() -> None:
    params, state = {}, {}
    assert adopt_from_url(params, state, NAMES, "locale", normalize, default=lambda: "en-us") == "en-us"


def test_widget_change_is_not_undone_by_the_old_url_then_published() -> None:
    params, state = {"lang": "it-it"}, {}
    adopt_from_url(params, state, NAMES, "locale", normalize)
    publish_to_url(params, state, {"lang": state["locale"]})
    state["locale"] = "de-de"  # the reader picks another language
    assert adopt_from_url(params, state, NAMES, "locale", normalize) == "de-de"
    publish_to_url(params, state, {"lang": "de-de"})
    assert params == {"lang": "de-de"}


def test_a_new_link_in_the_same_session_wins() -> None:
    params, state = {"lang": "it-it"}, {}
    adopt_from_url(params, state, NAMES, "locale", normalize)
    publish_to_url(params, state, {"lang": "it-it"})
    params["lang"] = "de-de"  # followed a link
    assert adopt_from_url(params, state, NAMES, "locale", normalize) == "de-de"


def test_invalid_link_values_are_ignored() -> None:
    params, state = {"lang": "xx"}, {"locale": "it-it"}
    assert adopt_from_url(params, state, NAMES, "locale", normalize, default=lambda: "en-us") == "it-it"


def test_publishing_none_removes_the_parameter_and_lists_collapse() -> None:
    params, state = {"lang": ["de-de", "it-it"], "other": "1"}, {}
    assert first_value(params, "lang") == "it-it"
    publish_to_url(params, state, {"lang": None})
    assert params == {"other": "1"}
    assert first_value({"x": ""}, "x") is None


def test_several_parameters_form_one_link() -> None:
    names = ("article", "error")
    params, state = {"article": "a", "error": "e1"}, {}
    adopt_from_url(params, state, names, "choice", lambda v: f"{v[0]}/{v[1]}")
    assert state["choice"] == "a/e1"
    publish_to_url(params, state, {"article": "a", "error": "e1"})
    params["article"] = "b"  # same error id, other article: a new link
    assert adopt_from_url(params, state, names, "choice", lambda v: f"{v[0]}/{v[1]}") == "b/e1"
