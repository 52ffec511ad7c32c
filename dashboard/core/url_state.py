"""Keep widget values and URL query parameters in step, so views can be shared by link.

The URL wins when it changes (a link was followed); otherwise the widgets win and the URL is
rewritten to match. Works on any mappings, so it is tested without a browser.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping, MutableMapping
from typing import Any

Token = tuple[str | None, ...]
_SEEN_PREFIX = "_url_seen_"


def first_value(params: Mapping[str, Any], name: str) -> str | None:
    """A query parameter as one string (AppTest and repeated keys can hand back lists)."""
    value = params.get(name)
    if isinstance(value, list):
        value = value[-1] if value else None
    return None if value is None or value == "" else str(value)


def url_token(params: Mapping[str, Any], names: tuple[str, ...]) -> Token:
    return tuple(first_value(params, name) for name in names)


def _seen_key(names: tuple[str, ...]) -> str:
    return _SEEN_PREFIX + "+".join(names)


def adopt_from_url(
    params: Mapping[str, Any],
    state: MutableMapping[str, Any],
    names: tuple[str, ...],
    key: str,
    normalize: Callable[[Token], Any],
    default: Callable[[], Any] | None = None,
) -> Any:
    """Before the widget `key` is drawn: when the URL's `names` changed since we last wrote them,
    take `normalize(values)` into state (ignored if None); else seed an empty state with default()."""
    token = url_token(params, names)
    adopted = False
    if any(value is not None for value in token) and token != state.get(_seen_key(names)):
        value = normalize(token)
        if value is not None:
            state[key] = value
            adopted = True
    if not adopted and state.get(key) is None and default is not None:
        state[key] = default()
    return state.get(key)


def publish_to_url(
    params: MutableMapping[str, Any], state: MutableMapping[str, Any], values: Mapping[str, str | None]
) -> None:
    """After the widget is drawn: write its value(s) to the URL (None removes a parameter)."""
    for name, value in values.items():
        if value is None or value == "":
            if name in params:
                del params[name]
        elif first_value(params, name) != str(value):
            params[name] = str(value)
    names = tuple(values)
    state[_seen_key(names)] = url_token(params, names)
