"""Docs lint: troubleshooting-aware checks of articles and their translations.

    from loaders.docs.lint import lint, list_rules
    report = lint(["docs_source"])          # LintReport: .findings, .exit_code, .summary()

The same as `python -m loaders lint docs_source`; rules live one per module in `rules/`.
"""
from __future__ import annotations

from loaders.docs.lint.config import ConfigError, LintConfig, load_config
from loaders.docs.lint.engine import LintReport, lint
from loaders.docs.lint.findings import Finding
from loaders.docs.lint.registry import Rule
from loaders.docs.lint.rules import ALL_RULES


def list_rules() -> list[Rule]:
    return list(ALL_RULES)


__all__ = ["ConfigError", "Finding", "LintConfig", "LintReport", "Rule", "lint", "list_rules", "load_config"]
