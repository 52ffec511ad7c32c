"""Keep only some findings of a run: by rule, severity, locale and article.

The same selection serves `python -m loaders lint --rule/--severity/--locale/--article` and the
Docs QA page's filters, so a filtered download is byte for byte the filtered CLI run.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from functools import cached_property

from loaders.docs.lint.engine import LintReport
from loaders.docs.lint.findings import Finding
from loaders.docs.slug import article_slug

NO_LOCALE = ""  # the locale value of files outside any locale folder


@dataclass(frozen=True)
class FindingSelection:
    """Which findings to keep; an empty collection keeps every value. Rules match by ID or alias,
    locales case-insensitively, articles by file name without extension (the same in every locale)."""

    rules: Collection[str] = ()
    severities: Collection[str] = ()
    locales: Collection[str] = ()
    articles: Collection[str] = ()

    @property
    def everything(self) -> bool:
        return not (self.rules or self.severities or self.locales or self.articles)

    @cached_property
    def _locales(self) -> frozenset[str]:  # once per selection, not once per finding
        return frozenset(value.lower() for value in self.locales)

    def accepts(self, finding: Finding) -> bool:
        locales = self._locales
        return ((not self.rules or finding.rule in self.rules or finding.alias in self.rules)
                and (not self.severities or finding.severity in self.severities)
                and (not locales or (finding.locale or NO_LOCALE).lower() in locales)
                and (not self.articles or article_slug(finding.path) in self.articles))


def select_findings(findings: Iterable[Finding], selection: FindingSelection) -> list[Finding]:
    return [finding for finding in findings if selection.accepts(finding)]


def select_report(report: LintReport, selection: FindingSelection) -> LintReport:
    """The same run with only the selected findings, in the run's order; summary and exit status
    follow the findings kept, as a CI step running only these rules would see them."""
    if selection.everything:
        return report
    return dataclasses.replace(report, findings=select_findings(report.findings, selection))
