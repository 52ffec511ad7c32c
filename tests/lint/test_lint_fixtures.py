"""Every rule against its own fixture folder: tests/data/lint/<alias>/ holds a document (or, for
translation rules, an en-us + it-it tree) that triggers it and one that does not, and expected.txt
with the `path:line` of every finding the bad input must produce."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.docs.lint import lint, load_config
from loaders.docs.lint.rules import ALL_RULES

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "lint"
RULES = {rule.alias: rule for rule in ALL_RULES}


def _config(folder: Path):
    toml = folder / "lint.toml"
    return load_config(toml if toml.is_file() else None, start=folder)


def _run(folder: Path, target: str, alias: str) -> list[str]:
    """`relative path:line` of the findings of rule `alias` when linting `target` inside `folder`."""
    rule = RULES[alias]
    report = lint([folder / target], config=_config(folder), rules=[rule], base=folder)
    assert not report.input_errors
    return sorted(f"{f.path}:{f.line}" for f in report.findings if f.alias == alias)


def _target(folder: Path, kind: str) -> str:
    return f"{kind}.md" if (folder / f"{kind}.md").is_file() else kind


def test_every_rule_has_a_fixture_folder():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(RULES)


@pytest.mark.parametrize("alias", sorted(RULES))
def test_bad_fixture_gives_exactly_the_expected_findings(alias):
    folder = FIXTURES / alias
    expected = sorted(line.strip() for line in (folder / "expected.txt").read_text().splitlines() if line.strip())
    assert expected, "a bad fixture must expect at least one finding"
    assert _run(folder, _target(folder, "bad"), alias) == expected


@pytest.mark.parametrize("alias", sorted(RULES))
def test_good_fixture_gives_no_finding(alias):
    folder = FIXTURES / alias
    assert _run(folder, _target(folder, "good"), alias) == []


@pytest.mark.parametrize("alias", sorted(RULES))
def test_good_fixture_is_clean_under_every_rule(alias):
    """The good side is a correct document, so no other rule may object to it either."""
    folder = FIXTURES / alias
    config = _config(folder)
    report = lint([folder / _target(folder, "good")], config=config, base=folder)
    assert [f"{f.path}:{f.line} {f.alias}" for f in report.findings] == []
