"""TS000 internal-error: a rule (or the lint itself) failed on a file.

Not a check of documents, so not one of `ALL_RULES`: it cannot be enabled, disabled, given another
severity or suppressed in a document. The engine reports it in place of a traceback, so that one
defective rule costs only its own findings for that one file; the other rules and files go on.
"""
from __future__ import annotations

import traceback
from pathlib import Path

from loaders.docs.lint.findings import Finding, Severity

ID = "TS000"
ALIAS = "internal-error"
SEVERITY: Severity = "error"
ANCHOR = f"{ID.lower()}-{ALIAS}"  # its section of docs/rules.md
DESCRIPTION = "A rule failed on a file: a defect of the lint, not of the article; the file was not fully checked."
RATIONALE = (
    "The run goes on without that rule for that file: every other rule's findings, for that file and all "
    "others, are still reported. The finding names the rule, the exception and where it was raised; "
    "severity error, so the run exits 1 rather than passing a file it did not check. To go on without "
    "the failing rule until it is fixed, disable that rule in the configuration."
)
MAX_DETAIL = 300


def _detail(exc: BaseException) -> str:
    """`Type: message` on one line, with the innermost place it was raised (never the whole traceback)."""
    text = " ".join(str(exc).split())
    if len(text) > MAX_DETAIL:
        text = text[: MAX_DETAIL - 1] + "…"
    detail = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    cause = exc.__cause__ if exc.__cause__ is not None else None if exc.__suppress_context__ else exc.__context__
    if cause is not None:
        detail += f" (from {type(cause).__name__})"
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        detail += f" at {Path(frames[-1].filename).name}:{frames[-1].lineno}"
    return detail


def internal_error(
    failed: str, path: str, locale: str | None, exc: BaseException, source_path: str | None = None
) -> Finding:
    """The finding that stands for `exc`, raised by `failed` (e.g. "rule TS103 cause-order") on `path`."""
    return Finding(
        rule=ID,
        alias=ALIAS,
        severity=SEVERITY,
        path=path,
        line=1,
        column=None,
        locale=locale,
        message=f"{failed} failed on {path}: {_detail(exc)}; its findings for this file may be incomplete, "
        "the other rules' are all reported (a defect of the lint, not of the article)",
        source_path=source_path,
        source_line=None,
    )
