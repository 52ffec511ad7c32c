"""Our own article set: every article in every UI language, with the same graph in each.

Translations change prose only. Ids, cause orders, error codes and messages, commands, URLs and the
numbers in steps must be identical to the en-us source, and a translation must not be older than it.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

from loaders.docs.load import parse_article
from loaders.docs.model import Article, Block
from loaders.jobs.catalog import normalise_message

REPO = Path(__file__).resolve().parents[2]
DOCS = REPO / "docs_source"
SOURCE = "en-us"
UI_LOCALES = ("en-us", "it-it", "de-de", "fr-fr", "es-es", "ja-jp")
LOCALE_FOLDER = re.compile(r"^[a-z]{2,3}-[a-z]{2}$")
REQUIRED_METADATA = ("title", "description", "ms.date", "ms.topic", "ms.service", "author")
CODE_LANGUAGES = {"powershell", "azurepowershell", "bash", "azurecli", "console", "cmd", "ini", "json", "kusto", "text"}

LOCALES = sorted(set(UI_LOCALES) | {p.name for p in DOCS.iterdir() if p.is_dir() and LOCALE_FOLDER.match(p.name)})
SLUGS = sorted(p.stem for p in (DOCS / SOURCE).glob("*.md"))
FILES = sorted(DOCS.glob("*/*.md"))
PAIRS = [(slug, locale) for slug in SLUGS for locale in LOCALES if locale != SOURCE]

_articles: dict[Path, Article] = {}


def article_at(path: Path) -> Article:
    if path not in _articles:
        _articles[path] = parse_article(path)
    return _articles[path]


def pair(slug: str, locale: str) -> tuple[Article, Article]:
    """(source, translation); fails with a clear message when the translation doesn't exist."""
    translation = DOCS / locale / f"{slug}.md"
    assert translation.is_file(), f"docs_source/{locale}/{slug}.md is missing (source: docs_source/{SOURCE}/{slug}.md)"
    return article_at(DOCS / SOURCE / f"{slug}.md"), article_at(translation)


def pair_id(value: object) -> str:
    return str(value)


# --- helpers that reduce an article to what must not change in translation ------------------------

_FENCE = re.compile(r"^\s*(```|~~~)")
_INLINE_CODE = re.compile(r"`[^`]*`")
_URL = re.compile(r"https?://\S+|\]\([^)]*\)|<[^>]+>")
_LIST_MARKER = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+", re.MULTILINE)


def _without_code(source: str) -> str:
    kept, fenced = [], False
    for line in source.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
            continue
        if not fenced:
            kept.append(line)
    return _INLINE_CODE.sub(" ", "\n".join(kept))


def step_numbers(blocks: list[Block]) -> Counter[str]:
    """Digits written in the prose of numbered steps (list markers, code and URLs left out)."""
    found: Counter[str] = Counter()
    for block in blocks:
        if block.kind == "steps":
            prose = _LIST_MARKER.sub(" ", _URL.sub(" ", _without_code(block.source)))
            found.update(re.findall(r"\d+", unicodedata.normalize("NFKC", prose)))
    return found


def all_code_blocks(article: Article) -> dict[str, list[tuple[str, str]]]:
    """Fenced code per cause, including fences nested in steps (read from the commands)."""
    return {
        cause.id: [(c.language, c.text) for c in cause.commands if c.kind == "block"] for cause in article.causes
    }


def inline_code(article: Article) -> dict[str, Counter[str]]:
    return {cause.id: Counter(c.text for c in cause.commands if c.kind == "inline") for cause in article.causes}


# --- each translation against its source -----------------------------------------------------------


def test_there_is_something_to_check() -> None:
    assert len(SLUGS) >= 2, "docs_source/en-us should hold at least two articles"
    assert set(UI_LOCALES) <= set(LOCALES)


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_translation_exists(slug: str, locale: str) -> None:
    pair(slug, locale)


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_same_error_and_cause_ids(slug: str, locale: str) -> None:
    source, translation = pair(slug, locale)
    assert [e.id for e in translation.errors] == [e.id for e in source.errors]
    assert [c.id for c in translation.causes] == [c.id for c in source.causes]


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_same_cause_order_per_error(slug: str, locale: str) -> None:
    source, translation = pair(slug, locale)
    expected = {e.id: [(r.number, r.target) for r in e.cause_refs] for e in source.errors}
    actual = {e.id: [(r.number, r.target) for r in e.cause_refs] for e in translation.errors}
    assert actual == expected


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_same_codes_and_english_messages(slug: str, locale: str) -> None:
    source, translation = pair(slug, locale)
    for error in source.errors:
        other = translation.error(error.id)
        assert other is not None, f"{error.id} missing"
        assert other.codes == error.codes, error.id
        assert len(other.messages) == len(error.messages), error.id
        # The portal shows the English message, so it stays English; a translated gloss may follow it.
        for english, shown in zip(error.messages, other.messages, strict=False):
            assert normalise_message(shown).startswith(normalise_message(english)), (error.id, shown)


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_same_commands(slug: str, locale: str) -> None:
    source, translation = pair(slug, locale)
    assert all_code_blocks(translation) == all_code_blocks(source)
    expected, actual = inline_code(source), inline_code(translation)
    for cause_id, code in expected.items():
        assert actual.get(cause_id) == code, f"inline code differs in {cause_id}"
    for error in source.errors:
        other = translation.error(error.id)
        assert other is not None and sorted(c for b in other.blocks for c in _INLINE_CODE.findall(b.source)) == sorted(
            c for b in error.blocks for c in _INLINE_CODE.findall(b.source)
        ), f"inline code differs in {error.id}"


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_same_urls(slug: str, locale: str) -> None:
    source, translation = pair(slug, locale)
    assert sorted(link.target for link in translation.links) == sorted(link.target for link in source.links)


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_same_numbers_in_steps(slug: str, locale: str) -> None:
    source, translation = pair(slug, locale)
    for cause in source.causes:
        other = translation.cause(cause.id)
        assert other is not None, f"{cause.id} missing"
        steps = [[s.number for s in b.steps] for b in cause.blocks if b.kind == "steps"]
        assert [[s.number for s in b.steps] for b in other.blocks if b.kind == "steps"] == steps, cause.id
        assert step_numbers(other.blocks) == step_numbers(cause.blocks), cause.id


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_translation_not_older_than_source(slug: str, locale: str) -> None:
    source, translation = pair(slug, locale)
    assert source.date is not None and translation.date is not None
    assert translation.date >= source.date, f"ms.date {translation.date} is older than the source's {source.date}"


@pytest.mark.parametrize(("slug", "locale"), PAIRS, ids=pair_id)
def test_translation_declares_its_locale(slug: str, locale: str) -> None:
    _, translation = pair(slug, locale)
    assert str(translation.metadata.get("ms.contentlocale", "")).lower() == locale
    assert translation.locale == locale


# --- every file on its own ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_parses_without_problems(path: Path) -> None:
    article = article_at(path)
    assert not article.problems, [f"line {p.line}: {p.message}" for p in article.problems]
    assert article.errors and article.causes


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_front_matter(path: Path) -> None:
    article = article_at(path)
    missing = [key for key in REQUIRED_METADATA if not str(article.metadata.get(key) or "").strip()]
    assert not missing, f"missing front matter: {missing}"
    assert article.metadata["ms.topic"] == "troubleshooting"
    assert article.metadata["ms.service"] == "azure-backup"
    assert re.fullmatch(r"\d{2}/\d{2}/\d{4}", str(article.metadata["ms.date"])) and article.date is not None


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_cause_lists_are_complete_and_resolve(path: Path) -> None:
    article = article_at(path)
    cause_ids = {c.id for c in article.causes}
    referenced = set()
    for error in article.errors:
        assert error.codes, f"{error.id} has no error code line"
        assert error.cause_refs, f"{error.id} has no causes"
        assert [r.number for r in error.cause_refs] == list(range(1, len(error.cause_refs) + 1)), error.id
        for ref in error.cause_refs:
            assert ref.target in cause_ids, f"{error.id}: cause link #{ref.target} has no section"
            referenced.add(ref.target)
    assert cause_ids == referenced, f"causes never referenced: {sorted(cause_ids - referenced)}"
    anchors = {h.id for h in article.headings} | {a for h in article.headings for a in h.explicit_anchors}
    for link in article.links:
        if link.kind == "anchor":
            assert link.target.lstrip("#") in anchors, f"line {link.line}: #{link.target} doesn't exist"
        elif link.kind == "article":
            target, _, anchor = link.target.partition("#")
            other = path.parent / target
            assert other.is_file(), f"line {link.line}: {link.target} doesn't exist"
            if anchor:
                assert article_at(other).error(anchor) or article_at(other).cause(anchor), link.target


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_error_ids_follow_the_first_code(path: Path) -> None:
    for error in article_at(path).errors:
        assert error.id == error.codes[0].lower(), error.id


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_solutions_have_steps_commands_and_platform_marks(path: Path) -> None:
    article = article_at(path)
    kinds = Counter(b.kind for c in article.causes for b in c.blocks)
    callouts = {b.callout.upper() for c in article.causes for b in c.blocks if b.kind == "callout"}
    assert kinds["table"] >= 1 and "NOTE" in callouts and callouts & {"WARNING", "TIP"}
    for cause in article.causes:
        assert any(b.kind == "steps" for b in cause.blocks), f"{cause.id} has no numbered steps"
        for block in cause.blocks:
            if block.kind == "steps":
                numbers = [s.number for s in block.steps]
                assert numbers == list(range(1, len(numbers) + 1)), f"{cause.id}: steps numbered {numbers}"
        for command in cause.commands:
            if command.kind == "block":
                assert command.language in CODE_LANGUAGES, f"{cause.id}: code block language {command.language!r}"
        for platform in ("windows", "linux"):
            if cause.id.endswith(f"-{platform}"):
                assert cause.platforms == [platform], f"{cause.id}: heading should name {platform}"
