"""Content-addressed cache of parsed articles, and parallel parsing of many files.

An entry is keyed by the sha256 of the file's bytes and the parser version (a hash of the
parser's own source), so editing an article or the parser invalidates exactly what changed.
Path and locale are re-applied on a hit: the same bytes may live under another locale folder.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
from concurrent.futures import ProcessPoolExecutor
from functools import lru_cache
from pathlib import Path

from .model import Article
from .textio import UTF8_BOM, decode, read_file_bytes

PARALLEL_THRESHOLD = 24  # below this, process start-up costs more than it saves
_PARSER_MODULES = (
    "parse.py", "blocks.py", "inline.py", "structure.py", "frontmatter.py",
    "textio.py", "slug.py", "locale.py", "model.py", "cache.py",
)
CACHE_ENV = "BACKUP_TRIAGE_CACHE_DIR"
NO_CACHE_ENV = "BACKUP_TRIAGE_NO_CACHE"


@lru_cache(maxsize=1)
def parser_version() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _PARSER_MODULES:
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            digest.update(name.encode())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    if configured:
        base = Path(configured)
    else:
        from platformdirs import user_cache_dir

        base = Path(user_cache_dir("backup-triage"))
    return base / "articles" / parser_version()


def cache_enabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def _entry(directory: Path, digest: str) -> str:
    return os.path.join(directory, digest[:2], digest + ".pickle")


def _load(directory: Path, digest: str, data: bytes) -> Article | None:
    try:
        with open(_entry(directory, digest), "rb") as handle:
            article = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    if not isinstance(article, Article):
        return None
    # the text is not stored: the bytes are at hand and decode faster than a pickle loads them
    if any(problem.kind == "encoding" for problem in article.problems):
        article.text = decode(data).text
    else:
        article.text = (data[3:] if data.startswith(UTF8_BOM) else data).decode("utf-8")
    return article


def _store(directory: Path, digest: str, article: Article) -> None:
    target = _entry(directory, digest)
    try:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        temporary = f"{target}.{os.getpid()}.tmp"
        with open(temporary, "wb") as handle:
            pickle.dump(dataclasses.replace(article, text=""), handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, target)
    except OSError:
        pass  # a read-only cache only costs speed


def _relocate(article: Article, path: str) -> Article:
    from .locale import locale_problems, resolve_locale
    from .parse import resolve_includes

    # what the old path said about the language does not hold at the new one
    problems = [p for p in article.problems if p.kind != "locale"]
    problems += locale_problems(article.metadata, path, None, _header_line_finder(article))
    problems.sort(key=lambda p: p.line)
    moved = dataclasses.replace(article, path=path, locale=resolve_locale(article.metadata, path), problems=problems)
    resolve_includes(moved)
    return moved


def _header_line_finder(article: Article):
    from .frontmatter import key_line

    lines = article.text.split("\n", 200)[:200]  # the header is at the top
    return lambda key: key_line(key, lines)


def _parse_file(path: str, data: bytes) -> Article:
    from .parse import parse_text, resolve_includes

    article = parse_text(data, path)
    resolve_includes(article)
    return article


def _parse_batch(batch: list[tuple[str, bytes]]) -> list[Article]:
    return [_parse_file(path, data) for path, data in batch]


def parse_many(paths: list[Path], *, use_cache: bool = True, workers: int | None = None) -> list[Article]:
    """Parse files in order, from the cache when their bytes were seen before, in parallel when many."""
    use_cache = use_cache and cache_enabled()
    directory = cache_dir() if use_cache else None
    results: list[Article | None] = [None] * len(paths)
    todo: list[tuple[int, str, bytes, str]] = []
    for position, path in enumerate(paths):
        name = os.fspath(path)
        try:
            data = read_file_bytes(name)
        except OSError as exc:
            from .parse import unreadable_article

            results[position] = unreadable_article(name, exc)
            continue
        digest = hashlib.sha256(data).hexdigest()
        cached = _load(directory, digest, data) if directory is not None else None
        if cached is not None:
            results[position] = cached if cached.path == name else _relocate(cached, name)
        else:
            todo.append((position, name, data, digest))

    if todo:
        parsed = _parse_all([(name, data) for _, name, data, _ in todo], workers)
        for (position, _, _, digest), article in zip(todo, parsed):
            results[position] = article
            if directory is not None:
                _store(directory, digest, article)
    return [article for article in results if article is not None]


def _parse_all(items: list[tuple[str, bytes]], workers: int | None) -> list[Article]:
    cores = workers or min(os.cpu_count() or 1, 8)
    if cores < 2 or len(items) <= PARALLEL_THRESHOLD:
        return _parse_batch(items)
    # interleave by size so both workers get a similar amount of text
    order = sorted(range(len(items)), key=lambda i: -len(items[i][1]))
    batches: list[list[int]] = [[] for _ in range(cores)]
    for rank, index in enumerate(order):
        batches[rank % cores].append(index)
    out: list[Article | None] = [None] * len(items)
    try:
        with ProcessPoolExecutor(max_workers=cores) as pool:
            futures = [pool.submit(_parse_batch, [items[i] for i in batch]) for batch in batches if batch]
            for batch, future in zip([b for b in batches if b], futures):
                for index, article in zip(batch, future.result()):
                    out[index] = article
    except (OSError, RuntimeError):  # no process support here (sandbox, frozen app): do it inline
        return _parse_batch(items)
    return [article for article in out if article is not None]
