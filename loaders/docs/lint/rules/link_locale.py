"""TS020 link-locale: a link to a Microsoft site with a locale segment (`/en-us/`) in a translated article."""
from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from loaders.docs.lint.context import ArticleContext
from loaders.docs.lint.findings import Hit, Location
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.model import Article

LOCALE_SEGMENT = re.compile(r"/([a-z]{2,3}(?:-[a-z]{4})?-(?:[a-z]{2}|\d{3}))(?=/|$)", re.IGNORECASE)


def _on_hosts(host: str, hosts: frozenset[str]) -> bool:
    return any(host == name or host.endswith("." + name) for name in hosts)


def check(article: Article, ctx: ArticleContext) -> Iterator[Hit]:
    locale = (article.locale or "").lower()
    if not locale or locale == ctx.workspace.source_locale:
        return
    hosts = frozenset(name.lower() for name in ctx.option("hosts"))
    places: dict[tuple[str, str], list[tuple[int, int | None]]] = {}  # (url, segment) -> every line using it
    for link in article.links:
        if link.kind != "external":
            continue
        target = link.target.strip().strip("<>")
        try:
            parts = urlsplit(target)
            host = (parts.hostname or "").lower()
        except ValueError:
            continue  # a malformed URL is not this rule's to report
        if not _on_hosts(host, hosts):
            continue
        match = next((m for m in LOCALE_SEGMENT.finditer(parts.path) if m.group(1).lower() != locale), None)
        if match is None:
            continue
        segment = match.group(1)
        places.setdefault((target, segment), []).append(
            (link.line, ctx.facts.column_of(link.line, "/" + segment + "/") or ctx.facts.column_of(link.line, target)))
    for (target, segment), lines in places.items():
        (line, column), *others = lines
        url = urlsplit(target)
        path = url.path.replace("/" + segment, "", 1)
        also = f" (and {len(others)} more link{'s' if len(others) > 1 else ''} to it)" if others else ""
        yield Hit(line, f"link to {url.hostname}{url.path} hard-codes the locale /{segment}/ in a {locale} "
                  f"article{also}, so its readers land on the {segment.lower()} page; expected it without the "
                  f"locale segment ({url.hostname}{path}), which the site serves in the reader's language",
                  column, others=tuple(Location(other_line, other_column) for other_line, other_column in others))


RULE = Rule(
    id="TS020",
    alias="link-locale",
    severity="warning",
    description="A translated article links to a Microsoft site with a hard-coded locale segment such as /en-us/.",
    rationale="A locale in the path pins the page's language: the translation's readers are sent to the "
    "English page. Without the segment the site serves each reader's own language. Only links to the "
    "`hosts` (and their subdomains) in articles of a locale other than the source locale are checked; the "
    "article's own locale is accepted. Each URL is one finding that lists every line linking to it.",
    scope="article",
    check=check,
    options={"hosts": ["microsoft.com", "azure.com", "msdn.com"]},
    bad=Example(
        "# Backup non riuscito\n\nInstallare [.NET 4.5](https://learn.microsoft.com/en-us/dotnet/framework/install).\n",
        locale="it-it",
    ),
    good=Example(
        "# Backup non riuscito\n\nInstallare [.NET 4.5](https://learn.microsoft.com/dotnet/framework/install).\n",
        locale="it-it",
    ),
)
