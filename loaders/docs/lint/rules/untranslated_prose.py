"""TS109 untranslated-prose: a paragraph left identical to the source once code and URLs are removed."""
from __future__ import annotations

import re
from collections.abc import Iterator

from loaders.docs.lint.context import TranslationContext
from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.lint.findings import Hit
from loaders.docs.lint.registry import Example, Rule
from loaders.docs.lint.rules._translation import prose
from loaders.docs.model import Article

TABLE_DELIMITER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*\|", re.M)
WORD = re.compile(r"[^\W\d_]{2,}")
# paths, file names, dotted keys and key=value settings are not prose even when they read as words
TECHNICAL = re.compile(r"\S*(?:[/\\=@]|\w[._:]\w)\S*")


def paragraphs(facts: ArticleFacts) -> list[tuple[int, str]]:
    """(first line, prose) of every paragraph, list items and quotes included."""
    found = []
    for line, raw in facts.paragraphs:
        if TABLE_DELIMITER.search(raw):
            continue  # a table: cells of names and values, compared by the other rules
        text = "\n".join(part.lstrip(" >\t") for part in raw.split("\n"))
        text = re.sub(r"^\s*(?:[-*+]|\d+[.)])\s+", "", text)
        found.append((line, prose(text).lower()))
    return found


def check(article: Article, ctx: TranslationContext) -> Iterator[Hit]:
    min_words = int(ctx.option("min-words"))
    source_paragraphs = ctx.workspace.memo(("paragraphs", id(ctx.source)), lambda: paragraphs(ctx.source_facts))
    by_text: dict[str, int] = {}
    for line, text in source_paragraphs:
        by_text.setdefault(text, line)
    for line, text in paragraphs(ctx.facts):
        if text not in by_text or len(WORD.findall(TECHNICAL.sub(" ", text))) < min_words:
            continue
        yield Hit(line, f"paragraph is identical to the source's (source line {by_text[text]}) apart from code and "
                  "URLs; expected it translated", None, ctx.source_shown_path, by_text[text])


RULE = Rule(
    id="TS109",
    alias="untranslated-prose",
    severity="warning",
    description="A paragraph of the translation is identical to a source paragraph once code and URLs are removed.",
    rationale="Left-over source text is a sentence the reader cannot read. Paragraphs with fewer than "
    "`min-words` words (product names, labels) are not reported.",
    scope="translation",
    check=check,
    options={"min-words": 4},
    bad=Example("# Backup non riuscito\n\nRestart the agent and retry the backup.\n",
                source="# Backup fails\n\nRestart the agent and retry the backup.\n", locale="it-it"),
    good=Example("# Backup non riuscito\n\nRiavviare l'agente e ripetere il backup.\n",
                 source="# Backup fails\n\nRestart the agent and retry the backup.\n", locale="it-it"),
)
