"""The documentation of the rules: docs/rules.md is generated from the rules and up to date, and
every rule's "reported" example is reported by it while its "not reported" example is not."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.docs.lint import lint
from loaders.docs.lint.config import config_from_table
from loaders.docs.lint.docs import render
from loaders.docs.lint.registry import Example
from loaders.docs.lint.rules import ALL_RULES

REPO = Path(__file__).resolve().parents[2]


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))


def _lint_example(tmp_path: Path, rule, example: Example) -> list[str]:
    article = tmp_path / example.locale / "articles" / "example.md"
    _write(article, example.text)
    if example.source is not None:
        _write(tmp_path / "en-us" / "articles" / "example.md", example.source)
    for name, content in example.files.items():
        _write(article.parent / name, content)
    config = config_from_table(dict(example.config), "example")
    report = lint([tmp_path], config=config, rules=[rule], base=tmp_path)
    return [f"{f.path}:{f.line} {f.message}" for f in report.findings
            if f.rule == rule.id and f.locale == example.locale]


def test_rules_page_is_generated_from_the_rules():
    assert (REPO / "docs" / "rules.md").read_text(encoding="utf-8") == render(list(ALL_RULES)), (
        "docs/rules.md is stale: python -m loaders.docs.lint.docs > docs/rules.md"
    )


def test_ids_and_aliases_are_unique_and_well_formed():
    ids = [rule.id for rule in ALL_RULES]
    aliases = [rule.alias for rule in ALL_RULES]
    assert len(set(ids)) == len(ids) and len(set(aliases)) == len(aliases)
    for rule in ALL_RULES:
        assert rule.id[:2] == "TS" and rule.id[2:].isdigit() and len(rule.id) == 5
        assert rule.alias == rule.alias.lower() and " " not in rule.alias
        assert rule.severity in ("error", "warning", "info")
        assert rule.description.endswith(".") and "\n" not in rule.description


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.alias)
def test_reported_example_is_reported(tmp_path, rule):
    assert _lint_example(tmp_path, rule, rule.bad)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.alias)
def test_not_reported_example_is_not_reported(tmp_path, rule):
    assert _lint_example(tmp_path, rule, rule.good) == []
