"""One tiny article per Markdown construct (tests/data/parse/<case>.md) and its expected graph
(<case>.expected.json).

Expectation files are written by hand and list only what the case is about; each key present is compared
exactly (so they are not regenerated: see tests/support/golden.py for the files that are).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.docs import parse_article
from loaders.docs.model import Article, Cause, Error

DATA = Path(__file__).resolve().parents[1] / "data" / "parse"
# a case in a locale-named folder (xx-yy/case.md) is about locales taken from the path
CASES = sorted(path.relative_to(DATA).with_suffix("").as_posix() for path in DATA.rglob("*.md"))


def _error_view(error: Error) -> dict:
    return {
        "id": error.id,
        "title": error.title,
        "line": error.line,
        "codes": error.codes,
        "numeric_codes": error.numeric_codes,
        "messages": error.messages,
        "causes": error.causes,
        "numbers": [ref.number for ref in error.cause_refs],
        "cause_ids": [ref.cause_id for ref in error.cause_refs],
        "ref_titles": [ref.title for ref in error.cause_refs],
        "layout": error.layout,
        "blocks": [block.kind for block in error.blocks],
        "markdown": error.markdown,
    }


def _cause_view(cause: Cause) -> dict:
    return {
        "id": cause.id,
        "title": cause.title,
        "line": cause.line,
        "platforms": cause.platforms,
        "blocks": [block.kind for block in cause.blocks],
        "callouts": [block.callout for block in cause.blocks if block.kind == "callout"],
        "steps": [[step.number for step in block.steps] for block in cause.blocks if block.steps],
        "rows": next((block.rows for block in cause.blocks if block.kind == "table"), []),
        "commands": [command.text for command in cause.commands],
        "links": [[link.kind, link.target.lstrip("#") if link.kind == "anchor" else link.target]
                  for link in cause.links],
        "markdown": cause.markdown,
    }


def _article_view(article: Article) -> dict:
    return {
        "locale": article.locale,
        "title": article.title,
        "date": article.date.isoformat() if article.date else None,
        "line_endings": article.line_endings,
        "metadata": article.metadata,
        "headings": [[h.level, h.id, h.text] for h in article.headings],
        "includes": [{"target": i.target, "syntax": i.syntax, "line": i.line} for i in article.includes],
        "errors": [_error_view(e) for e in article.errors],
        "causes": [_cause_view(c) for c in article.causes],
        "problems": [{"line": p.line, "kind": p.kind, "message": p.message} for p in article.problems],
    }


def _assert_matches(actual: object, expected: object, where: str) -> None:
    if isinstance(expected, dict):
        assert isinstance(actual, dict), f"{where}: expected an object, got {actual!r}"
        for key, value in expected.items():
            if key == "markdown_contains":
                assert value in actual["markdown"], f"{where}: markdown lacks {value!r}"
            elif key == "markdown_lacks":
                assert value not in actual["markdown"], f"{where}: markdown has {value!r}"
            else:
                assert key in actual, f"{where}: no field {key!r}"
                _assert_matches(actual[key], value, f"{where}.{key}")
    elif isinstance(expected, list) and expected and isinstance(expected[0], dict):
        assert isinstance(actual, list) and len(actual) == len(expected), (
            f"{where}: expected {len(expected)} items, got {json.dumps(actual, ensure_ascii=False, default=str)}"
        )
        for index, (item, wanted) in enumerate(zip(actual, expected, strict=False)):
            _assert_matches(item, wanted, f"{where}[{index}]")
    else:
        assert actual == expected, f"{where}: expected {expected!r}, got {actual!r}"


def test_every_case_has_an_expectation() -> None:
    assert len(CASES) >= 15
    missing = [case for case in CASES if not (DATA / f"{case}.expected.json").is_file()]
    assert not missing


@pytest.mark.parametrize("case", CASES)
def test_fixture(case: str) -> None:
    article = parse_article(DATA / f"{case}.md")
    expected = json.loads((DATA / f"{case}.expected.json").read_text(encoding="utf-8"))
    _assert_matches(_article_view(article), expected, case)
