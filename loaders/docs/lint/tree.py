"""The set of files a lint run looks at: discovery, locale of each file, and its source-language twin."""
from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from loaders.docs.load import MARKDOWN_SUFFIXES, Discovery, InputError, file_key
from loaders.docs.load import discover as discover_files
from loaders.docs.locale import is_locale_folder, locale_from_path
from loaders.docs.model import Article
from loaders.docs.slug import article_slug

__all__ = [
    "Discovery", "InputError", "SourceChoice", "choose_source", "discover", "display_path", "file_key",
    "locale_index", "locale_of", "locale_root", "relative_key", "same_article",
]


def display_path(path: Path | str, base: Path | None = None) -> str:
    """The path as shown in findings: relative to the working directory when that is shorter."""
    path = Path(path)
    base = base or Path.cwd()
    try:
        relative = os.path.relpath(path, base)
    except ValueError:  # another drive on Windows
        return path.as_posix()
    absolute = os.path.abspath(path)  # not resolve(): a symlink is shown where it is, not where it points
    chosen = relative if not relative.startswith("..") or len(relative) < len(absolute) else absolute
    return Path(chosen).as_posix()


def _excluded(path: Path, patterns: Sequence[str], base: Path) -> bool:
    if not patterns:
        return False
    shown = display_path(path, base)
    return any(fnmatch.fnmatch(shown, pattern) or fnmatch.fnmatch(path.as_posix(), pattern) for pattern in patterns)


def discover(paths: Iterable[str | Path], exclude: Sequence[str] = (), base: Path | None = None) -> Discovery:
    """Markdown files under the given paths (folders recursively, include fragments too, since they
    are checked like articles); named files are taken as they are; each file once."""
    base = base or Path.cwd()
    return discover_files(paths, suffixes=MARKDOWN_SUFFIXES, skip_includes=False, one_entry_per_file=True,
                          exclude=lambda path: _excluded(path, exclude, base))


def same_article(a: Path, b: Path) -> bool:
    """Two files of one article (in two locales or two revisions): the same slug, in any case."""
    return article_slug(a).casefold() == article_slug(b).casefold()


def locale_index(path: Path) -> int | None:
    """Index in `path.parts` of the locale folder (`en-us`, `zh-tw`...), the last one when nested."""
    parts = path.parts[:-1]
    for index in range(len(parts) - 1, -1, -1):
        if is_locale_folder(parts[index]):  # one notion of a locale folder for the graph and the lint
            return index
    return None


def locale_of(path: Path) -> str | None:
    return locale_from_path(path)


def relative_key(path: Path) -> tuple[str, ...] | None:
    """The path after the locale folder, the part that is the same in every language."""
    index = locale_index(path)
    if index is None:
        return None
    return tuple(part.lower() for part in path.parts[index + 1 :])


def locale_root(path: Path) -> Path | None:
    index = locale_index(path)
    if index is None:
        return None
    return Path(*path.parts[:index]) if index else Path(".")


@dataclass(frozen=True)
class SourceChoice:
    article: Article
    path: Path
    how: str  # "same path", "nearest ms.date", "newest"


def choose_source(
    translation: Article,
    translation_path: Path,
    candidates: Sequence[tuple[Article, Path]],
    vintage: str = "nearest",
) -> SourceChoice | None:
    """The source-language article a translation is compared against.

    Same relative path after the locale folder first. Otherwise, among source articles with the
    same slug: "nearest" takes the oldest source whose ms.date is not older than the
    translation's (the revision the translation was made from, or the first one after it), falling
    back to the newest; "newest" always takes the newest.
    """
    if not candidates:
        return None
    key = relative_key(translation_path)
    root = locale_root(translation_path)
    for article, path in candidates:
        if relative_key(path) == key and _same(locale_root(path), root):
            return SourceChoice(article, path, "same path")
    named = [(a, p) for a, p in candidates if same_article(p, translation_path)]
    if not named:
        return None

    def newest_key(item: tuple[Article, Path]) -> tuple:
        article, path = item
        return (article.date is not None, article.date or 0, path.as_posix())

    if vintage == "nearest" and translation.date is not None:
        later = [item for item in named if item[0].date is not None and item[0].date >= translation.date]
        if later:
            article, path = min(later, key=lambda item: (item[0].date, item[1].as_posix()))
            return SourceChoice(article, path, "nearest ms.date")
    article, path = max(named, key=newest_key)
    return SourceChoice(article, path, "newest")


def _same(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return a is b
    return file_key(a) == file_key(b)
