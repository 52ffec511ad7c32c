"""TS106 link-changed: a URL or link target of the source missing or altered in the translation."""
from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._sections import links_of
from loaders.docs.model import Article, Link

LOCALE_PART = re.compile(r"^[a-z]{2,3}(-[a-z]{4})?-([a-z]{2}|[0-9]{3})$", re.IGNORECASE)
# query parameters that only carry the reader's language (the LCID or a locale tag)
LANGUAGE_PARAMS = frozenset({"clcid", "lcid", "lang", "language", "locale", "mkt", "hl", "setlang"})
SIMILAR = 0.6


def normalise_url(target: str, site_hosts: frozenset[str] = frozenset()) -> str:
    """The link target with the parts a localized page legitimately changes taken out.

    Links into the docs site itself (hosts in `site_hosts`) compare by path, so
    `https://learn.microsoft.com/en-us/azure/x` and `/azure/x` are the same target.
    """
    target = target.strip().strip("<>")
    absolute = re.match(r"^[a-z][a-z0-9+.-]*://", target, re.IGNORECASE)
    if not absolute and not target.startswith("/"):
        return target
    parts = urlsplit(target)
    path = "/".join(p for p in parts.path.split("/") if not LOCALE_PART.match(p)).rstrip("/")
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if k.lower() not in LANGUAGE_PARAMS])
    host = parts.netloc.lower()
    if not absolute or host in site_hosts:
        return urlunsplit(("", "", path or "/", query, parts.fragment))
    return urlunsplit((parts.scheme.lower(), host, path, query, parts.fragment))


def _checked(links: list[Link], cause_targets: set[str]) -> list[Link]:
    return [
        link for link in links
        if link.target and link.kind in ("external", "article", "anchor", "other")
        and not (link.kind == "anchor" and link.target[1:] in cause_targets)
    ]


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    hosts = frozenset(h.lower() for h in ctx.option("site-hosts"))

    def normalise(target: str) -> str:
        return normalise_url(target, hosts)

    pairing = ctx.pairing
    source_causes = {ref.target for e in ctx.source.errors for ref in e.cause_refs}
    causes = {ref.target for e in article.errors for ref in e.cause_refs}
    for kind, pairs in (("error", pairing.errors.pairs), ("cause", pairing.causes.pairs)):
        for source_item, item, _ in pairs:
            wanted = _checked(links_of(ctx.source, source_item), source_causes)
            got = _checked(links_of(article, item), causes)
            wanted_targets = Counter(normalise(link.target) for link in wanted)
            got_targets = Counter(normalise(link.target) for link in got)
            missing = wanted_targets - got_targets
            if not missing:
                continue
            extra = got_targets - wanted_targets
            spare = [link for link in got if extra.get(normalise(link.target), 0) > 0]
            reported: Counter = Counter()
            for link in wanted:
                key = normalise(link.target)
                if reported[key] >= missing.get(key, 0):
                    continue
                reported[key] += 1
                best = max(spare, default=None,
                           key=lambda other: difflib.SequenceMatcher(None, key, normalise(other.target)).ratio())
                if best is not None and difflib.SequenceMatcher(None, key, normalise(best.target)).ratio() >= SIMILAR:
                    spare.remove(best)
                    yield Hit(best.line, f"link target {best.target} differs from the source's {link.target} in {kind} "
                              f"'{item.title}'; expected the same target", ctx.facts.column_of(best.line, best.target),
                              ctx.source_shown_path, link.line)
                else:
                    yield Hit(item.line, f"link to {link.target} of the source is missing from {kind} '{item.title}'; "
                              "expected the same link", None, ctx.source_shown_path, link.line)


SOURCE = (
    "## Backup fails\n\n**Cause 1: [Agent stopped](#agent-stopped)**\n\n## Causes and solutions\n\n"
    "### <a name=\"agent-stopped\"></a>Agent stopped\n\n"
    "Install the [latest agent](https://go.microsoft.com/fwlink/?LinkID=394789&clcid=0x409).\n"
)
HEAD = "## Backup non riuscito\n\n**Causa 1: [Agente arrestato](#agent-stopped)**\n\n## Cause e soluzioni\n\n"
RULE = Rule(
    id="TS106",
    alias="link-changed",
    severity="warning",
    description="A URL or link target of the source is missing or different in the translation.",
    rationale="Links are compared per error and cause after removing what localization may change: locale "
    "path segments (`/en-us/`) and language query parameters (`clcid`, `lang`, …); links to the docs site "
    "itself (`site-hosts`) compare by path, absolute or not. Cause-list links are checked by cause-mismatch.",
    scope="translation",
    check=check,
    options={"site-hosts": ["learn.microsoft.com", "docs.microsoft.com"]},
    bad=Example(HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n"
                "Installare l'[agente più recente](https://go.microsoft.com/fwlink/?LinkID=394788).\n",
                source=SOURCE, locale="it-it"),
    good=Example(HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n"
                 "Installare l'[agente più recente](https://go.microsoft.com/fwlink/?LinkID=394789&clcid=0x410).\n",
                 source=SOURCE, locale="it-it"),
)
