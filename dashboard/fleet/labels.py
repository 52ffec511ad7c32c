"""Words of the fleet views in the reader's language: error categories, operations, error labels.

Values stored in the job store (category "agent", operation "ConfigureBackup") stay language-free;
they are turned into words only when shown. A value this module does not know is shown as it is.
"""
from __future__ import annotations

from typing import Any

import pandas as pd

from dashboard.core.i18n import N_, translate
from loaders.jobs.schema import UNKNOWN_CATEGORY

# Error categories of the catalog (docs_source/catalog.yaml), in the order charts stack them.
CATEGORY_LABELS: dict[str, str] = {
    "agent": N_("VM agent"),
    "extension": N_("Backup extension"),
    "network": N_("Network"),
    "snapshot": N_("Snapshot"),
    "disk": N_("Disks"),
    "vss": N_("VSS (Windows)"),
    "encryption": N_("Encryption"),
    "quota": N_("Limits and quotas"),
    "permissions": N_("Permissions"),
    "platform": N_("Azure platform"),
    UNKNOWN_CATEGORY: N_("Unknown error"),
}

# Job operations (JobOperationType vocabulary).
OPERATION_LABELS: dict[str, str] = {
    "Backup": N_("Backup"),
    "Restore": N_("Restore"),
    "ConfigureBackup": N_("Configure backup"),
    "DisableBackup": N_("Stop protection"),
    "DeleteBackupData": N_("Delete backup data"),
    "CrossRegionRestore": N_("Cross-region restore"),
    "UndoDelete": N_("Undelete"),
    "UpdateCustomerManagedKey": N_("Update encryption key"),
}

# Job sources named by a word rather than a file (loaders.jobs.sample.SAMPLE_SOURCE, loaders.jobs.azure.SYNC_SOURCE);
# imported files keep their label "<format>:<file name>", which names what the user imported.
SOURCE_LABELS: dict[str, str] = {
    "sample": N_("sample fleet"),
    "azure-rest": N_("Azure sync"),
}


def missing(value: Any) -> bool:
    """None, NaN, NaT or pandas' NA."""
    if value is None:
        return True
    if isinstance(value, (str, bytes, list, tuple, dict)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def category_label(category: str | None, locale: str | None = None) -> str:
    key = UNKNOWN_CATEGORY if missing(category) or not category else str(category)
    message = CATEGORY_LABELS.get(key)
    return translate(message, locale) if message else key


def operation_label(operation: str, locale: str | None = None) -> str:
    message = OPERATION_LABELS.get(operation)
    return translate(message, locale) if message else operation


def job_source_label(source: str, locale: str | None = None) -> str:
    message = SOURCE_LABELS.get(source)
    return translate(message, locale) if message else source


def shorten(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def error_label(code: Any, message: Any = None, locale: str | None = None, limit: int = 60) -> str:
    """How an error is named in charts and tables: its code; a failure without any code by its
    (shortened) raw message, so it is never lumped with others or dropped."""
    if not missing(code) and str(code).strip():
        return str(code)
    text = "" if missing(message) else str(message)
    return translate("(no code) {message}", locale, message=shorten(text, limit)) if text.strip() \
        else translate("(no code, no message)", locale)


def unique_labels(labels: list[str]) -> list[str]:
    """Chart categories must be unique: repeat labels get " (2)", " (3)"."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
