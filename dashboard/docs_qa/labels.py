"""Words of the Docs QA views in the reader's language: severities, coverage statuses, rule scopes.

Values from the lint and the coverage matrix stay language-free ("error", "stale"); they become
words only when shown. Messages of the lint itself are the CLI's, in English, as in CI logs.
"""
from __future__ import annotations

from dashboard.core.i18n import N_, current_locale, language_name, translate, translate_plural
from dashboard.docs_qa.coverage import CoverageCell
from dashboard.docs_qa.findings import NO_LOCALE

SEVERITY_LABELS: dict[str, str] = {
    "error": N_("Error"),
    "warning": N_("Warning"),
    "info": N_("Info"),
}
SEVERITY_MARKS = {"error": "✖", "warning": "▲", "info": "ℹ"}

STATUS_LABELS: dict[str, str] = {
    "source": N_("Source"),
    "complete": N_("Complete"),
    "differs": N_("Differs"),
    "stale": N_("Stale"),
    "missing": N_("Missing"),
    "no-source": N_("No source"),
}
# A symbol beside each word, so the matrix reads at a glance and never by colour alone.
STATUS_MARKS = {"source": "◆", "complete": "✓", "differs": "≠", "stale": "↺", "missing": "✗", "no-source": "?"}

SCOPE_LABELS: dict[str, str] = {
    "article": N_("Article"),
    "translation": N_("Translation"),
}

SORT_LABELS: dict[str, str] = {
    "severity": N_("Severity, then file"),
    "file": N_("File and line"),
    "rule": N_("Rule, then file"),
}


def severity_label(severity: str, locale: str | None = None, marked: bool = False) -> str:
    message = SEVERITY_LABELS.get(severity)
    word = translate(message, locale) if message else severity
    return f"{SEVERITY_MARKS[severity]} {word}" if marked and severity in SEVERITY_MARKS else word


def status_label(status: str, locale: str | None = None) -> str:
    message = STATUS_LABELS.get(status)
    return translate(message, locale) if message else status


def scope_label(scope: str, locale: str | None = None) -> str:
    message = SCOPE_LABELS.get(scope)
    return translate(message, locale) if message else scope


def sort_label(order: str, locale: str | None = None) -> str:
    message = SORT_LABELS.get(order)
    return translate(message, locale) if message else order


def locale_label(tag: str, locale: str | None = None) -> str:
    """'it-it' -> 'Italian (it-it)' in the reader's language; files outside a locale folder say so."""
    if tag == NO_LOCALE:
        return translate("No language folder", locale)
    name = language_name(tag, locale or current_locale())
    return f"{name} ({tag})" if name != tag else tag


def differences_label(count: int, locale: str | None = None) -> str:
    return translate_plural("{count} difference", "{count} differences", count, locale)


def cell_text(cell: CoverageCell, locale: str | None = None) -> str:
    """One matrix cell: symbol, status, and the structural differences when there are any."""
    text = f"{STATUS_MARKS.get(cell.status, '')} {status_label(cell.status, locale)}".strip()
    if cell.status in ("differs", "stale") and cell.differences.count:
        text += f" · {differences_label(cell.differences.count, locale)}"
    return text
