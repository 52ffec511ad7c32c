"""Reading and parsing files, in parallel when there are many: the costly half of a lint run.

Each file is decoded, parsed into an Article and read at block level once; what the rules need
from the block reading (lists, code lines, paragraphs) travels back with the Article, the token
stream itself does not.
"""
from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.model import Article, Problem

PARALLEL_THRESHOLD = 24  # below this, starting workers costs more than it saves
TOO_LARGE = "too-large"
PARSER_FAILURE = "parser-failure"


@dataclass
class Prepared:
    path: str
    article: Article | None  # None when the file could not be read
    derived: dict[str, object] | None
    error: str | None = None  # why it could not be read


def placeholder(path: str, locale: str | None, problem: Problem) -> Article:
    return Article(path=path, locale=locale or "", title="", date=None, metadata={}, problems=[problem])


def prepare_one(path: str, locale: str | None, max_size: int) -> Prepared:
    from loaders.docs.parse import parse_text
    from loaders.docs.textio import describe_os_error, read_file_bytes

    try:
        size = os.stat(path).st_size
        if size > max_size:
            problem = Problem(1, f"file is {size:,} bytes, over the {max_size:,}-byte limit (max-file-size); not parsed",
                              kind=TOO_LARGE)
            return Prepared(path, placeholder(path, locale, problem), None)
        data = read_file_bytes(path)
    except OSError as exc:
        return Prepared(path, None, None, f"cannot read: {describe_os_error(exc, path)}")
    try:
        article = parse_text(data, path, locale=locale)
    except Exception as exc:  # a parser bug must cost one file, not the run
        problem = Problem(1, f"the article could not be parsed ({type(exc).__name__}: {exc})", kind=PARSER_FAILURE)
        return Prepared(path, placeholder(path, locale, problem), None)
    if not article.locale and locale:
        article.locale = locale
    try:
        derived = ArticleFacts(article).derived()
    except Exception:  # the rules will recompute lazily and report what fails
        derived = None
    return Prepared(path, article, derived)


def _batch(items: list[tuple[str, str | None, int]]) -> list[Prepared]:
    return [prepare_one(*item) for item in items]


def prepare_many(items: list[tuple[str, str | None, int]], workers: int | None = None) -> list[Prepared]:
    """prepare_one for each (path, locale, max size), in order; in worker processes when there are many."""
    cores = workers or min(os.cpu_count() or 1, 4)
    # forking copies only the calling thread; with other threads alive (a host app, a test runner's
    # helpers) a lock they hold could stay locked in the child forever, so stay in this process then
    single_threaded = threading.active_count() == 1
    if (cores < 2 or len(items) < PARALLEL_THRESHOLD or not single_threaded
            or "fork" not in multiprocessing.get_all_start_methods()):
        return _batch(items)
    sizes = []
    for path, _, _ in items:
        try:
            sizes.append(os.stat(path).st_size)
        except OSError:
            sizes.append(0)
    order = sorted(range(len(items)), key=lambda i: -sizes[i])
    batches = [order[k::cores] for k in range(cores)]
    out: list[Prepared | None] = [None] * len(items)
    try:
        with ProcessPoolExecutor(max_workers=cores, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_batch, [items[i] for i in batch]) for batch in batches if batch]
            for batch, future in zip([b for b in batches if b], futures):
                for index, prepared in zip(batch, future.result()):
                    out[index] = prepared
    except (OSError, RuntimeError, ImportError):  # no worker processes here: do it in this one
        return _batch(items)
    return [p if p is not None else prepare_one(*items[i]) for i, p in enumerate(out)]
