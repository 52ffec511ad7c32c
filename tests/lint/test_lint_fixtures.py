"""Every rule against its own fixture folder: tests/data/lint/<alias>/ holds a document (or, for
translation rules, an en-us + it-it tree) that triggers it and one that does not, and expected.txt
with `path:line: message` of every finding the bad input must produce (regenerated as described in
tests/support/golden.py)."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.docs.lint import lint, load_config
from loaders.docs.lint.rules import ALL_RULES
from tests.support.golden import assert_golden

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "lint"
RULES = {rule.alias: rule for rule in ALL_RULES}


def _config(folder: Path):
    toml = folder / "lint.toml"
    return load_config(toml if toml.is_file() else None, start=folder)


def _run(folder: Path, target: str, alias: str) -> list[str]:
    """`relative path:line: message` of the findings of rule `alias` when linting `target` inside `folder`."""
    rule = RULES[alias]
    report = lint([folder / target], config=_config(folder), rules=[rule], base=folder)
    assert not report.input_errors
    return sorted(f"{f.path}:{f.line}: {f.message}" for f in report.findings if f.alias == alias)


def _target(folder: Path, kind: str) -> str:
    return f"{kind}.md" if (folder / f"{kind}.md").is_file() else kind


def test_every_rule_has_a_fixture_folder():
    assert sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) == sorted(RULES)


@pytest.mark.parametrize("alias", sorted(RULES))
def test_bad_fixture_gives_exactly_the_expected_findings(alias):
    folder = FIXTURES / alias
    found = _run(folder, _target(folder, "bad"), alias)
    assert found, "a bad fixture must produce at least one finding"
    assert_golden("".join(f"{line}\n" for line in found), folder / "expected.txt")


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
