"""Which language an article is in: its metadata first, then a locale-shaped folder, then en-us."""
from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import PurePath

from babel import localedata

from .model import Problem

DEFAULT_LOCALE = "en-us"
# language-region (it-it, es-419), language-script-region (sr-latn-rs), language-script (zh-hans).
# A script alone is limited to the scripts docs folders use, so that "api-docs" is no locale.
LOCALE_SHAPE = re.compile(
    r"^[a-z]{2,3}(?:-[a-z]{4})?-(?:[a-z]{2}|[0-9]{3})$|^[a-z]{2,3}-(?:hans|hant|latn|cyrl|arab)$", re.IGNORECASE
)
_METADATA_KEYS = ("ms.contentlocale", "ms.locale", "locale")


def normalise_locale(value: str) -> str:
    return value.strip().replace("_", "-").lower()


def is_locale_folder(name: str) -> bool:
    """`it-it`, `zh-TW`, `pt_BR`: a folder named like a locale."""
    return bool(LOCALE_SHAPE.match(normalise_locale(name)))


def _nearest_locale(parts: tuple[str, ...]) -> str | None:
    for part in reversed(parts):
        if is_locale_folder(part):
            return normalise_locale(part)
    return None


def locale_from_path(path: str | PurePath) -> str | None:
    """The locale folder nearest to a file: `docs/it-it/2017-10-05/x.md` → it-it."""
    return _nearest_locale(PurePath(path).parts[:-1])


def locale_under(path: str | PurePath, roots: Iterable[str | PurePath]) -> str | None:
    """The locale folder nearest to a file found under one of the docs folders `roots`, looking only
    at that folder's own name and the folders below it: where a checkout happens to sit (`/home/de-de/docs`,
    `/tmp/my-qa`) says nothing about the language of its articles. A file under none of `roots` (named
    on its own) is read by all its parent folders, as `locale_from_path` does."""
    file = PurePath(path)
    containing = [PurePath(root) for root in roots if file.is_relative_to(PurePath(root))]
    if not containing:
        return locale_from_path(file)
    root = max(containing, key=lambda folder: len(folder.parts))
    return _nearest_locale((root.name, *file.relative_to(root).parts[:-1]))


def locale_of_folder(path: str | PurePath) -> str | None:
    """The locale a folder belongs to: its own name, else the nearest locale folder above it."""
    return _nearest_locale(PurePath(path).parts)


def resolve_locale(metadata: dict[str, object], path: str, explicit: str | None = None) -> str:
    return locale_and_origin(metadata, path, explicit)[0]


def locale_and_origin(metadata: dict[str, object], path: str, explicit: str | None = None) -> tuple[str, str]:
    """(locale, where it came from: "given", the metadata key, "folder" or "default")."""
    if explicit:
        return normalise_locale(explicit), "given"
    for key in _METADATA_KEYS:
        value = metadata.get(key)
        if isinstance(value, str) and LOCALE_SHAPE.match(normalise_locale(value)):
            return normalise_locale(value), key
    from_path = locale_from_path(path)
    return (from_path, "folder") if from_path else (DEFAULT_LOCALE, "default")


@lru_cache(maxsize=256)
def is_known_language(locale: str) -> bool:
    """Whether the language part of a locale code is one CLDR knows (it-it yes, xx-yy no)."""
    return localedata.exists(locale.split("-", 1)[0].lower())


def locale_problems(metadata: dict[str, object], path: str, explicit: str | None = None,
                    line_of=lambda key: 1) -> list[Problem]:
    """What is wrong with how the article names its language: a metadata value that is not a
    locale code (`x-klingon`, `Italian`), or a locale whose language does not exist (`xx-yy`).
    The article keeps the locale it resolves to; these only explain it."""
    resolved, origin = locale_and_origin(metadata, path, explicit)
    problems: list[Problem] = []
    for key in _METADATA_KEYS:
        value = metadata.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        if not isinstance(value, str) or not LOCALE_SHAPE.match(normalise_locale(value)):
            problems.append(Problem(
                line_of(key),
                f"{key} {value!r} is not a locale code such as it-it or zh-tw; the article is read as {resolved}",
                kind="locale",
            ))
    if LOCALE_SHAPE.match(resolved) and not is_known_language(resolved):
        where = {"folder": "the folder name", "given": "the caller"}.get(origin, origin)
        problems.append(Problem(
            line_of(origin) if origin in _METADATA_KEYS else 1,
            f"locale {resolved} (from {where}) names no known language; the article is kept under {resolved}",
            kind="locale",
        ))
    return problems
