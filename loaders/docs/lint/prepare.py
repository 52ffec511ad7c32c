"""Reading and parsing files, the costly half of a lint run, through the docs load pipeline.

Each file comes from the parse cache or is parsed (in parallel when there are many) with the locale
of its folder. A freshly parsed article is also read at block level where it was parsed; what the
rules need from that reading (lists, code lines, paragraphs) travels back with the Article, the
token stream itself does not. Articles from the cache get those facts computed when a rule asks.
"""
from __future__ import annotations

from dataclasses import dataclass

from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.load import LoadedArticle, load_files
from loaders.docs.model import Article, Problem
from loaders.files import describe_os_error

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


def block_facts(article: Article) -> dict[str, object] | None:
    """What the rules read at block level, computed where the article is parsed."""
    try:
        return ArticleFacts(article).derived()
    except Exception:  # the rules will recompute lazily and report what fails
        return None


def _prepared(loaded: LoadedArticle, locale: str | None, max_size: int) -> Prepared:
    if loaded.size is not None:
        problem = Problem(1, f"file is {loaded.size:,} bytes, over the {max_size:,}-byte limit (max-file-size); "
                          "not parsed", kind=TOO_LARGE)
        return Prepared(loaded.path, placeholder(loaded.path, locale, problem), None)
    if loaded.article is None:
        reason = ("cannot be read" if loaded.read_error is None
                  else describe_os_error(loaded.read_error, loaded.path))
        return Prepared(loaded.path, None, None, f"cannot read: {reason}")
    return Prepared(loaded.path, loaded.article, loaded.derived)


def prepare_many(items: list[tuple[str, str | None, int]], workers: int | None = None) -> list[Prepared]:
    """Each (path, locale, max size) read and parsed, in order."""
    out: list[Prepared | None] = [None] * len(items)
    for max_size in dict.fromkeys(size for _, _, size in items):
        positions = [i for i, (_, _, size) in enumerate(items) if size == max_size]
        loaded = load_files([items[i][0] for i in positions], locales=[items[i][1] for i in positions],
                            max_size=max_size, derive=block_facts, workers=workers)
        for position, result in zip(positions, loaded, strict=False):
            out[position] = _prepared(result, items[position][1], max_size)
    return [prepared for prepared in out if prepared is not None]


def prepare_one(path: str, locale: str | None, max_size: int) -> Prepared:
    return prepare_many([(path, locale, max_size)])[0]
