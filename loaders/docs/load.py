"""Articles from files, the one way the graph, the Guide, Docs QA and the lint get them: find the
files (`discover`), take each from the cache or parse it, in worker processes when there are many
(`load_files`, `load_tree`).

Worker processes are forked only from a process that runs a single thread: `fork` copies the
calling thread alone, so a lock another thread holds (a web server's, a host application's) would
stay locked in the child forever. A multi-threaded process (the Streamlit server) starts its
workers from a fork server, or spawns them where there is none.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import Literal

from loaders.files import describe_os_error, read_file_bytes, why_unreadable

from .cache import ArticleCache, content_key
from .frontmatter import key_line
from .locale import DEFAULT_LOCALE, locale_and_origin, locale_problems, locale_under, resolve_locale
from .model import Article, Include, Problem
from .parse import parse_text

ARTICLE_SUFFIXES = (".md",)
MARKDOWN_SUFFIXES = (".md", ".markdown")
INCLUDES_FOLDER = "includes"  # fragments other articles include, not articles themselves
PARALLEL_THRESHOLD = 24  # below this, starting workers costs more than it saves
MAX_WORKERS = 8
# The parser reports the header's problems (bytes, front matter, date) before the locale's, and the
# body's after them: an article re-placed under another path or locale keeps that order.
_HEADER_PROBLEMS = frozenset({"encoding", "yaml", "front-matter"})

InputErrorKind = Literal["missing", "unreadable", "no-articles", "unlistable", "outside"]
Derive = Callable[[Article], object]


# --------------------------------------------------------------------------- discovery


@dataclass(frozen=True)
class InputError:
    """A named path that yields no file to read: missing, unreadable, or a folder without articles."""

    path: str
    message: str
    kind: InputErrorKind = "unreadable"


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)
    errors: list[InputError] = field(default_factory=list)


def file_key(path: Path) -> Path:
    """The path with symlinks resolved, to recognise one file reached twice; a symlink loop
    (which `resolve()` refuses with RuntimeError) keys as its absolute path."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return Path(os.path.abspath(path))


def is_within(path: Path, root: Path) -> bool:
    """Whether `path`, symlinks resolved, lies inside the folder `root` (symlinks resolved too)."""
    return file_key(path).is_relative_to(file_key(root))


def _outside(candidate: Path, folder: str | os.PathLike[str]) -> InputError:
    # The message names the link inside the folder, never where it points.
    return InputError(str(candidate), f"is a link to a file outside {folder}; it is not read", "outside")


class _InsideCheck:
    """Whether a file listed under `folder` really lies inside it. Only a symlink below the folder can
    lead out, so a path without one needs no resolving (most of a warm load was spent resolving); a path
    through a symlink is resolved and compared with the resolved folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.real_folder = file_key(folder)
        self._linked_dirs: dict[Path, bool] = {}

    def __call__(self, candidate: Path) -> bool:
        if candidate.is_symlink() or self._through_link(candidate.parent):
            return file_key(candidate).is_relative_to(self.real_folder)
        return True

    def _through_link(self, directory: Path) -> bool:
        if directory == self.folder or directory == directory.parent:
            return False
        if directory not in self._linked_dirs:
            self._linked_dirs[directory] = directory.is_symlink() or self._through_link(directory.parent)
        return self._linked_dirs[directory]


def discover(
    paths: Iterable[str | os.PathLike[str]],
    *,
    suffixes: Sequence[str] = ARTICLE_SUFFIXES,
    skip_includes: bool = True,
    one_entry_per_file: bool = False,
    exclude: Callable[[Path], bool] | None = None,
) -> Discovery:
    """The files under `paths`: folders are searched recursively for files with one of `suffixes`
    (any case); named files are taken as they are, in the order given.

    In a folder, entries that are not regular files are kept when their name fits (a broken
    symlink, a named pipe): reading them fails with a message naming them, so they are reported
    rather than silently left out. `skip_includes` leaves out files under an `includes/` folder;
    `one_entry_per_file` lists a file reached through several paths (symlinks) once. A file found
    in a folder through a symlink that leads outside that folder is not listed but reported
    ("outside"), so that a docs tree cannot make the reader open files elsewhere on the machine.
    """
    wanted = tuple(suffix.lower() for suffix in suffixes)
    found = Discovery()
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            try:
                candidates = sorted(
                    p for p in path.rglob("*")
                    if p.suffix.lower() in wanted and not p.is_dir()
                    and not (skip_includes and INCLUDES_FOLDER in p.relative_to(path).parts[:-1])
                )
            except OSError as exc:
                found.errors.append(InputError(str(raw), f"cannot list folder: {exc.strerror or exc}", "unlistable"))
                continue
            if not candidates:
                found.errors.append(InputError(str(raw), "no Markdown (.md) files in this folder", "no-articles"))
        elif path.is_file():
            candidates = [path]
        elif not path.is_symlink() and not path.exists():
            found.errors.append(InputError(str(raw), "no such file or folder", "missing"))
            continue
        else:
            reason = why_unreadable(path)
            found.errors.append(InputError(str(raw), reason or "not a regular file or folder", "unreadable"))
            continue
        inside = _InsideCheck(path) if path.is_dir() else None
        for candidate in candidates:
            if inside is not None and not inside(candidate):
                found.errors.append(_outside(candidate, raw))
                continue
            key = file_key(candidate) if one_entry_per_file else candidate
            if key in seen or (exclude is not None and exclude(candidate)):
                continue
            seen.add(key)
            found.files.append(candidate)
    return found


# --------------------------------------------------------------------------- loading


@dataclass
class LoadedArticle:
    path: str
    article: Article | None  # None when the file could not be read or is over the size limit
    derived: object = None  # what `derive` computed where the article was parsed; None from the cache
    read_error: OSError | None = None
    size: int | None = None  # the file's size, when it is over the limit (it is then not read)
    cached: bool = False


def load_files(
    paths: Sequence[str | os.PathLike[str]],
    *,
    locales: Sequence[str | None] | None = None,
    use_cache: bool = True,
    max_size: int | None = None,
    derive: Derive | None = None,
    workers: int | None = None,
) -> list[LoadedArticle]:
    """Each file, in order: read, taken from the cache when its bytes were parsed before, else parsed
    (in worker processes when there are many) and stored.

    `locales[i]` is the locale the caller gives file i (None: the article's metadata, else its folder).
    `derive` (a module-level function, so that workers can run it) computes more from each article
    it parses, while its text is at hand; its result comes back as `derived`.
    """
    cache = ArticleCache.configured() if use_cache else None
    results: list[LoadedArticle | None] = [None] * len(paths)
    todo: list[tuple[int, str, bytes, str | None, str]] = []
    for position, path in enumerate(paths):
        name = os.fspath(path)
        locale = locales[position] if locales is not None else None
        try:
            if max_size is not None:
                size = os.stat(name).st_size
                if size > max_size:
                    results[position] = LoadedArticle(name, None, size=size)
                    continue
            data = read_file_bytes(name)
        except OSError as exc:
            results[position] = LoadedArticle(name, None, read_error=exc)
            continue
        digest = content_key(data)
        hit = cache.get(digest, data) if cache is not None else None
        if hit is not None:
            results[position] = LoadedArticle(name, _placed(hit.article, name, hit.locale, locale), cached=True)
        else:
            todo.append((position, name, data, locale, digest))

    if todo:
        parsed = _parse_all([(name, data, locale) for _, name, data, locale, _ in todo], derive, workers)
        for (position, name, _, locale, digest), (article, derived) in zip(todo, parsed, strict=False):
            results[position] = LoadedArticle(name, article, derived)
            if cache is not None:
                cache.put(digest, article, locale)
    return [result for result in results if result is not None]


def load_articles(paths: Sequence[str | os.PathLike[str]], *, use_cache: bool = True,
                  workers: int | None = None) -> list[Article]:
    """One article per file, in order; a file that cannot be read is an article holding that problem."""
    return [
        loaded.article if loaded.article is not None else unreadable_article(loaded.path, loaded.read_error)
        for loaded in load_files(paths, use_cache=use_cache, workers=workers)
    ]


def load_tree(paths: Iterable[str | os.PathLike[str]] | str | os.PathLike[str], *, cache: bool = True) -> list[Article]:
    """Parse every article under `paths` (files or folders), sorted by path.

    Files inside an `includes/` folder are fragments, not articles: they appear as the resolved
    includes of the articles that reference them. A named file that cannot be read is kept as an
    article holding that problem.
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    roots = [Path(p) for p in paths]
    found = discover(roots)
    named = [Path(error.path) for error in found.errors if error.kind in ("missing", "unreadable")]
    articles = load_articles(sorted(set(found.files) | set(named)), use_cache=cache)
    folders = [root for root in roots if root.is_dir()]
    articles = [located_under(article, folders) for article in articles]
    for article in articles:
        _confine_includes(article, folders)
    outside = [_outside_article(error) for error in found.errors if error.kind == "outside"]
    return sorted(articles + outside, key=lambda article: Path(article.path)) if outside else articles


def located_under(article: Article, folders: list[Path]) -> Article:
    """An article whose language comes from its folders reads them from the docs root down only."""
    if locale_and_origin(article.metadata, article.path)[1] != "folder":
        return article
    locale = locale_under(article.path, folders) or DEFAULT_LOCALE
    return article if locale == article.locale else dataclasses.replace(article, locale=locale)


def _confine_includes(article: Article, folders: list[Path]) -> None:
    """An include that leads out of the folders being read is left unresolved (never pointed at)."""
    if not folders:
        return
    article.includes = [
        include if not include.resolved or any(is_within(Path(include.resolved), f) for f in folders)
        else dataclasses.replace(include, resolved="")
        for include in article.includes
    ]


def _outside_article(error: InputError) -> Article:
    return Article(path=error.path, locale=resolve_locale({}, error.path, None), title="", date=None, metadata={},
                   problems=[Problem(0, f"{error.path} {error.message}", kind="io")])


def parse_article(path: str | os.PathLike[str], locale: str | None = None) -> Article:
    """Parse one file, without the cache; an unreadable file yields an article whose only content is the problem."""
    name = os.fspath(path)
    try:
        data = read_file_bytes(name)
    except OSError as exc:
        return unreadable_article(name, exc, locale)
    article = parse_text(data, name, locale)
    resolve_includes(article)
    return article


def unreadable_article(name: str, exc: OSError | None, locale: str | None = None) -> Article:
    """The stand-in for a file that cannot be read: no content, one `io` problem naming it."""
    reason = describe_os_error(exc, name) if exc is not None else "cannot be read"
    return Article(
        path=name,
        locale=resolve_locale({}, name, locale),
        title="",
        date=None,
        metadata={},
        problems=[Problem(0, f"cannot read {name}: {reason}", kind="io")],
    )


def resolve_includes(article: Article) -> None:
    """Point each include at the file it names, when that file exists next to the article."""
    if not article.includes or article.path.startswith("<"):
        return
    base = Path(article.path).parent
    resolved: list[Include] = []
    for include in article.includes:
        target = include.target.split("#", 1)[0]
        candidate = (base / target) if target and not target.startswith(("~", "/", "http:", "https:")) else None
        try:
            found = str(candidate.resolve()) if candidate is not None and candidate.is_file() else ""
        except (OSError, RuntimeError, ValueError):  # a looping or unrepresentable target stays unresolved
            found = ""
        resolved.append(Include(include.target, include.line, include.syntax, found))
    article.includes = resolved


# --------------------------------------------------------------------------- cache hits


def _placed(article: Article, path: str, parsed_with: str | None, locale: str | None) -> Article:
    """A cached article as a fresh parse of the same bytes at `path` with `locale` would be."""
    if article.path == path and parsed_with == locale:
        return article
    if any(problem.kind == "internal" for problem in article.problems):  # a failed parse read no header
        moved = dataclasses.replace(article, path=path, locale=resolve_locale({}, path, locale))
    else:
        # what the old path or locale said about the language does not hold for the new ones
        kept = [problem for problem in article.problems if problem.kind != "locale"]
        lines = article.text.split("\n", 200)[:200]  # the header is at the top
        placed = locale_problems(article.metadata, path, locale, lambda key: key_line(key, lines))
        moved = dataclasses.replace(
            article, path=path, locale=resolve_locale(article.metadata, path, locale),
            problems=_merged(kept, placed),
        )
    resolve_includes(moved)
    return moved


def _merged(problems: list[Problem], locale_problems_: list[Problem]) -> list[Problem]:
    merged = list(problems)
    for problem in locale_problems_:
        at = next(
            (index for index, other in enumerate(merged)
             if other.line > problem.line
             or (other.line == problem.line and other.kind not in _HEADER_PROBLEMS and other.kind != "locale")),
            len(merged),
        )
        merged.insert(at, problem)
    return merged


# --------------------------------------------------------------------------- parsing


def _parse_one(path: str, data: bytes, locale: str | None, derive: Derive | None) -> tuple[Article, object]:
    article = parse_text(data, path, locale)
    resolve_includes(article)
    return article, derive(article) if derive is not None else None


def _parse_batch(batch: list[tuple[str, bytes, str | None]], derive: Derive | None) -> list[tuple[Article, object]]:
    return [_parse_one(path, data, locale, derive) for path, data, locale in batch]


def worker_context() -> BaseContext:
    """How worker processes start here: forked from a single-threaded process, else from a fork
    server that has the parser imported (or spawned, where there is no fork server)."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload([__name__])  # a server already running keeps what it has
        return context
    return multiprocessing.get_context("spawn")


def _parse_all(items: list[tuple[str, bytes, str | None]], derive: Derive | None,
               workers: int | None) -> list[tuple[Article, object]]:
    cores = workers or min(os.cpu_count() or 1, MAX_WORKERS)
    if cores < 2 or len(items) <= PARALLEL_THRESHOLD:
        return _parse_batch(items, derive)
    # interleave by size so every worker gets a similar amount of text
    order = sorted(range(len(items)), key=lambda i: -len(items[i][1]))
    batches = [order[k::cores] for k in range(cores)]
    out: list[tuple[Article, object] | None] = [None] * len(items)
    try:
        with ProcessPoolExecutor(max_workers=cores, mp_context=worker_context()) as pool:
            futures = [pool.submit(_parse_batch, [items[i] for i in batch], derive) for batch in batches if batch]
            for batch, future in zip([b for b in batches if b], futures, strict=False):
                for index, parsed in zip(batch, future.result(), strict=False):
                    out[index] = parsed
    except (OSError, RuntimeError, ImportError, pickle.PicklingError):  # no worker processes here: do it in this one
        return _parse_batch(items, derive)
    return [parsed if parsed is not None else _parse_one(*items[i], derive) for i, parsed in enumerate(out)]
