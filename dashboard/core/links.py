"""Deep links between pages: every page that points at an error's guidance builds it here."""
from __future__ import annotations

from urllib.parse import urlencode

GUIDE_URL_PATH = "guide"  # the Guide page's URL path; the page registry and every deep link rely on it


def guide_link(locale: str, article: str | None = None, error: str | None = None, cause: str | None = None,
               base: str = GUIDE_URL_PATH, docs: str | None = None) -> str:
    """Deep link to the Guide page: `guide?lang=..&article=..&error=..&cause=..[&docs=..]` (relative, so
    it works under any base URL). A link opens a new session: `docs` carries the docs folder the reader
    chose, without which the new session would read the built-in articles instead."""
    params = {"lang": locale, "article": article, "error": error, "cause": cause, "docs": docs}
    return f"{base}?{urlencode({k: v for k, v in params.items() if v})}"
