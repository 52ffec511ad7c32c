"""TS111 do-not-translate: a term that must stay verbatim (error code, cmdlet, registry key, a configured
portal string) is in the source's error or cause but not, as written, in the translation's."""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.findings import Hit, Location
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._sections import prose_blocks
from loaders.docs.lint.rules._translation import CODE_SPAN, LINK_TARGET, URL
from loaders.docs.model import Article, Cause, Error

# PowerShell's approved verbs that troubleshooting articles use, then a capitalised noun
CMDLET = re.compile(
    r"(?<![\w-])(?:Add|Backup|Clear|Connect|Copy|Disable|Enable|Export|Get|Import|Install|Invoke|Move|New|"
    r"Register|Remove|Reset|Resize|Restart|Restore|Set|Start|Stop|Test|Uninstall|Unregister|Update|Wait)"
    r"-[A-Z][A-Za-z]+(?![\w-])"
)
REGISTRY_KEY = re.compile(
    r"(?<!\w)(?:HKEY_(?:LOCAL_MACHINE|CURRENT_USER|CLASSES_ROOT|USERS|CURRENT_CONFIG)|HKLM|HKCU|HKCR)"
    r"(?:\\[^\s\\`*|<>\"'()\[\]]+)*"
)


def _words(pattern: str) -> re.Pattern[str]:
    return re.compile(r"(?<!\w)" + re.escape(pattern) + r"(?!\w)")


def _text_lines(item: Error | Cause) -> Iterator[tuple[int, str]]:
    """(line, text) of the section's title and prose, code spans, link targets and URLs taken out."""
    yield item.line, item.title
    for block in prose_blocks(item):
        for offset, raw in enumerate(block.source.split("\n")):
            text = URL.sub(" ", LINK_TARGET.sub("]", CODE_SPAN.sub(" ", raw)))
            yield block.line + offset, text


def _terms(item: Error | Cause, patterns: Iterable[tuple[str, re.Pattern[str]]]) -> dict[str, tuple[str, list[int]]]:
    """term -> (kind, the lines it is on, once per occurrence)."""
    found: dict[str, tuple[str, list[int]]] = {}
    lines = list(_text_lines(item))
    for kind, pattern in patterns:
        for line, text in lines:
            for match in pattern.finditer(text):
                term = match.group(0).rstrip(".,;:")
                found.setdefault(term, (kind, []))[1].append(line)
    return found


def _patterns(source: Article, configured: Iterable[str], ctx: TranslationContext) -> list[tuple[str, re.Pattern[str]]]:
    patterns: list[tuple[str, re.Pattern[str]]] = [("configured term", _words(term)) for term in configured if term]
    if ctx.option("error-codes"):
        codes = sorted({code for error in source.errors for code in error.codes if len(code) > 3},
                       key=len, reverse=True)
        patterns += [("error code", _words(code)) for code in codes]
    if ctx.option("cmdlets"):
        patterns.append(("cmdlet", CMDLET))
    if ctx.option("registry-keys"):
        patterns.append(("registry key", REGISTRY_KEY))
    return patterns


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    patterns = _patterns(ctx.source, ctx.option("terms"), ctx)
    if not patterns:
        return
    pairing = ctx.pairing
    for what, pairs in (("error", pairing.errors.pairs), ("cause", pairing.causes.pairs)):
        for source_item, item, _ in pairs:
            wanted = _terms(source_item, patterns)
            if not wanted:
                continue
            got = _terms(item, patterns)
            have = Counter({term: len(lines) for term, (_, lines) in got.items()})
            for term, (kind, source_lines) in wanted.items():
                if have[term] >= len(source_lines):
                    continue
                lines = got.get(term, (kind, []))[1]
                found = f"{have[term]} time{'s' if have[term] != 1 else ''}" if have[term] else "not at all"
                yield Hit(item.line, f"{kind} '{term}' is written {len(source_lines)} time"
                          f"{'s' if len(source_lines) != 1 else ''} in the source's {what} '{source_item.title}', "
                          f"{found} here; expected it verbatim (do not translate)", None,
                          ctx.source_shown_path, source_lines[0],
                          others=tuple(Location(line) for line in lines if line != item.line))


SOURCE = (
    "## Backup fails\n\n**Cause 1: [Agent stopped](#agent-stopped)**\n\n## Causes and solutions\n\n"
    "### <a name=\"agent-stopped\"></a>Agent stopped\n\n"
    "Run Restart-Service WindowsAzureGuestAgent, then check HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\GuestAgent "
    "and select **Backup now** in the vault.\n"
)
HEAD = "## Backup non riuscito\n\n**Causa 1: [Agente arrestato](#agent-stopped)**\n\n## Cause e soluzioni\n\n"
RULE = Rule(
    id="TS111",
    alias="do-not-translate",
    severity="warning",
    description="An error code, cmdlet, registry key or configured term of the source is not written verbatim "
    "in the translation.",
    rationale="Readers search the portal, the logs and the registry for these strings exactly as the product "
    "writes them; a translated cmdlet or key name does not exist. Compared per error and cause, outside code "
    "(command-changed checks code): the error codes of the source's errors, PowerShell cmdlets "
    "(`Restart-Service`), registry keys (`HKEY_LOCAL_MACHINE\\...`, `HKLM\\...`) and every string of `terms`, "
    "such as portal UI strings that stay in English. Each must occur at least as often as in the source.",
    scope="translation",
    check=check,
    options={"terms": [], "error-codes": True, "cmdlets": True, "registry-keys": True},
    bad=Example(
        HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n"
        "Eseguire Riavvia-Servizio WindowsAzureGuestAgent, quindi controllare "
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\GuestAgent e selezionare **Esegui backup ora** nell'insieme di "
        "credenziali.\n",
        source=SOURCE, locale="it-it", config={"rules": {"do-not-translate": {"terms": ["Backup now"]}}},
    ),
    good=Example(
        HEAD + "### <a name=\"agent-stopped\"></a>Agente arrestato\n\n"
        "Eseguire Restart-Service WindowsAzureGuestAgent, quindi controllare "
        "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\GuestAgent e selezionare **Backup now** nell'insieme di "
        "credenziali.\n",
        source=SOURCE, locale="it-it", config={"rules": {"do-not-translate": {"terms": ["Backup now"]}}},
    ),
)
