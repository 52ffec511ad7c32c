"""Words of the Docs QA views in the reader's language: severities, coverage statuses, rule scopes.

Values from the lint and the coverage matrix stay language-free ("error", "stale"); they become
words only when shown. Messages of the lint itself are the CLI's, in English, as in CI logs.
"""
from __future__ import annotations

from dashboard.core.formatting import format_integer
from dashboard.core.i18n import N_, current_locale, language_name, translate, translate_plural
from dashboard.docs_qa.coverage import CoverageCell
from dashboard.docs_qa.findings import NO_LOCALE
from dashboard.docs_qa.matrix import MatrixCell, Vintage

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


# -- the articles × languages matrix ----------------------------------------------------------------
TONE_COLOURS = {  # background of a matrix cell by its worst finding; text stays dark on every one
    "error": "#f4c7c3",
    "warning": "#fce8b2",
    "info": "#c6dafc",
    "clean": "#b7e1cd",
    "missing": "#e0e0e0",
}
TONE_LABELS: dict[str, str] = {
    "error": N_("Worst finding: error"),
    "warning": N_("Worst finding: warning"),
    "info": N_("Worst finding: info"),
    "clean": N_("No findings"),
    "missing": N_("Missing translation"),
}
MACHINE_MARK = "MT"
STALE_MARK = "↺"
CLEAN_MARK = "✓"
MISSING_MARK = "✗"


def tone_label(tone: str, locale: str | None = None) -> str:
    message = TONE_LABELS.get(tone)
    return translate(message, locale) if message else tone


def matrix_cell_text(cell: MatrixCell, locale: str | None = None) -> str:
    """One matrix cell: the counts by severity (✖ 2 ▲ 4), or ✓ without findings, then MT for a machine
    translation and ↺ for a stale one; a missing translation says so."""
    if cell.shown is None:
        return f"{MISSING_MARK} {status_label('missing', locale)}"
    counts = [f"{SEVERITY_MARKS[name]} {format_integer(cell.shown.counts[name], locale)}"
              for name in SEVERITY_MARKS if cell.shown.counts.get(name)]
    parts = [" ".join(counts) if counts else CLEAN_MARK]
    if cell.machine_translated:
        parts.append(MACHINE_MARK)
    if cell.state == "stale":
        parts.append(STALE_MARK)
    if len(cell.vintages) > 1:
        parts.append(f"({format_integer(len(cell.vintages), locale)})")
    return " · ".join(parts)


def matrix_cell_style(cell: MatrixCell | None) -> str:
    """CSS of a matrix cell: its tone as background; stale or machine translated cells in bold."""
    if cell is None:
        return ""
    style = f"background-color: {TONE_COLOURS[cell.tone]}; color: #202124"
    if cell.state == "stale" or cell.machine_translated:
        style += "; font-weight: bold"
    return style


def vintage_text(vintage: Vintage, locale: str | None = None) -> str:
    """A version in the version picker: its date folder (or ms.date) and its counts."""
    counts = [f"{SEVERITY_MARKS[name]} {format_integer(vintage.counts[name], locale)}"
              for name in SEVERITY_MARKS if vintage.counts.get(name)]
    label = vintage.label or vintage.path
    mark = f" · {MACHINE_MARK}" if vintage.machine_translated else ""
    return f"{label} · {' '.join(counts) if counts else CLEAN_MARK}{mark}"


def state_label(cell: MatrixCell, locale: str | None = None) -> str:
    """Why a cell stands out, in words."""
    if cell.state == "stale" and cell.stale_reason == "commit":
        return translate("Stale: made from another source commit (ms.sourcegitcommit)", locale)
    if cell.state == "stale":
        return translate("Stale: older ms.date than the source", locale)
    return status_label("complete" if cell.state == "current" else cell.state, locale)


DIFFERENCE_LABELS: dict[str, str] = {
    "same": N_("Same"),
    "missing": N_("Missing"),
    "extra": N_("Not in the left version"),
    "reordered": N_("Reordered"),
    "command-changed": N_("Command changed"),
    "number-changed": N_("Numbers changed"),
    "steps-changed": N_("Steps changed"),
}
DIFFERENCE_MARKS = {"same": "=", "missing": "✗", "extra": "+", "reordered": "⇅", "command-changed": "≠",
                    "number-changed": "#", "steps-changed": "≠"}
KIND_LABELS: dict[str, str] = {
    "error": N_("Error"),
    "cause": N_("Cause"),
    "steps": N_("Steps"),
    "command": N_("Command"),
    "numbers": N_("Numbers"),
}


def difference_label(difference: str, locale: str | None = None) -> str:
    message = DIFFERENCE_LABELS.get(difference)
    word = translate(message, locale) if message else difference
    return f"{DIFFERENCE_MARKS.get(difference, '')} {word}".strip()


def kind_label(kind: str, locale: str | None = None) -> str:
    message = KIND_LABELS.get(kind)
    return translate(message, locale) if message else kind
