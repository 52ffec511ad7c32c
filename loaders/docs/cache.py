"""Content-addressed store of parsed articles.

An entry is keyed by the sha256 of the file's bytes under a folder named by the parser version (a
hash of the source of every module of this package), so editing an article or the parser
invalidates exactly what changed. An entry keeps the article as parsed, without its text (the bytes
at hand decode faster than a pickle loads it), and the locale the parser was given; where the same
bytes are found at another path or read with another locale, loaders.docs.load re-places them.
"""
from __future__ import annotations

import dataclasses
import hashlib
import os
import pickle
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from platformdirs import user_cache_dir

from .model import Article
from .textio import UTF8_BOM, decode

CACHE_ENV = "BACKUP_TRIAGE_CACHE_DIR"
NO_CACHE_ENV = "BACKUP_TRIAGE_NO_CACHE"
PACKAGE_DIR = Path(__file__).resolve().parent
# The shared modules below loaders/ that the parser uses (the layer contract keeps this list short).
SHARED_MODULES = tuple(PACKAGE_DIR.parent / name for name in ("files.py", "values.py"))


@lru_cache(maxsize=1)
def parser_version() -> str:
    """A hash of every module of this package and its sub-packages (the layout recognisers among
    them) and of the shared modules it uses: whatever the parser depends on changes it."""
    digest = hashlib.sha256()
    for module in (*sorted(PACKAGE_DIR.rglob("*.py")), *SHARED_MODULES):
        digest.update(module.relative_to(PACKAGE_DIR.parent).as_posix().encode())
        digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV)
    base = Path(configured) if configured else Path(user_cache_dir("backup-triage"))
    return base / "articles" / parser_version()


def cache_enabled() -> bool:
    return os.environ.get(NO_CACHE_ENV, "") in ("", "0")


def content_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class CachedArticle:
    article: Article
    locale: str | None  # the locale the parser was given; None: read from the metadata and the path


class ArticleCache:
    """Parsed articles on disk; a missing, unreadable or foreign entry is a miss, never an error."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @classmethod
    def configured(cls) -> ArticleCache | None:
        """The cache the environment asks for; None when `BACKUP_TRIAGE_NO_CACHE` turns it off."""
        return cls(cache_dir()) if cache_enabled() else None

    def _entry(self, digest: str) -> str:
        return os.path.join(self.directory, digest[:2], digest + ".pickle")

    def get(self, digest: str, data: bytes) -> CachedArticle | None:
        """The entry for these bytes (`digest` is their content_key), with the text put back."""
        try:
            with open(self._entry(digest), "rb") as handle:
                entry = pickle.load(handle)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
            return None
        if not isinstance(entry, CachedArticle) or not isinstance(entry.article, Article):
            return None
        article = entry.article
        if any(problem.kind == "encoding" for problem in article.problems):
            article.text = decode(data).text
        else:
            article.text = (data[3:] if data.startswith(UTF8_BOM) else data).decode("utf-8")
        return entry

    def put(self, digest: str, article: Article, locale: str | None) -> None:
        target = self._entry(digest)
        try:
            os.makedirs(os.path.dirname(target), exist_ok=True)
            temporary = f"{target}.{os.getpid()}.{threading.get_ident()}.tmp"  # two loads may store one entry at once
            with open(temporary, "wb") as handle:
                entry = CachedArticle(dataclasses.replace(article, text=""), locale)
                pickle.dump(entry, handle, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temporary, target)
        except OSError:
            pass  # a read-only cache only costs speed
