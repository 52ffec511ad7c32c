"""Which language an article is in: its metadata first, then a locale-shaped folder, then en-us."""
from __future__ import annotations

import re
from pathlib import PurePath

DEFAULT_LOCALE = "en-us"
_LOCALE_SHAPE = re.compile(r"^[a-z]{2,3}-[a-z]{2}$|^[a-z]{2}-han[st]$", re.IGNORECASE)
_METADATA_KEYS = ("ms.contentlocale", "ms.locale", "locale")


def normalise_locale(value: str) -> str:
    return value.strip().replace("_", "-").lower()


def locale_from_path(path: str) -> str | None:
    for part in reversed(PurePath(path).parts[:-1]):
        if _LOCALE_SHAPE.match(part):
            return part.lower()
    return None


def resolve_locale(metadata: dict[str, object], path: str, explicit: str | None = None) -> str:
    if explicit:
        return normalise_locale(explicit)
    for key in _METADATA_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and _LOCALE_SHAPE.match(normalise_locale(value)):
            return normalise_locale(value)
    return locale_from_path(path) or DEFAULT_LOCALE
