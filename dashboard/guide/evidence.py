"""The fleet beside the Guide, decided without Streamlit: the period's top errors as entry points (with
their change against the period before), and for the error shown how often and on how many VMs it
failed, which VMs fail with it now and how long it takes to recover. Inputs are the frames of the fleet
queries (`top_error_codes`, `top_failing_vms`, `time_to_recover`), so the numbers are the Fleet page's."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd


@dataclass(frozen=True)
class TopError:
    code: str | None  # None: a failure without a code, known by its message
    message: str | None
    failed: int
    vms: int
    previous_failed: int  # in the period of the same length just before
    article: str | None  # the guidance the catalog gave the jobs, if any
    error_id: str | None

    @property
    def change(self) -> int:
        return self.failed - self.previous_failed


@dataclass(frozen=True)
class CodeEvidence:
    code: str
    failed: int
    vms: int
    previous_failed: int
    median_hours: float | None  # time to recover, None when no run recovered in the period
    open_incidents: int


@dataclass(frozen=True)
class ErrorEvidence:
    codes: list[CodeEvidence]
    failing_now: pd.DataFrame = field(repr=False)  # vm_name, vault_name, current_streak, last_success

    @property
    def failed(self) -> int:
        return sum(c.failed for c in self.codes)


def _count(value: object) -> int:
    return 0 if value is None or (isinstance(value, float) and math.isnan(value)) else int(value)


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)


def _previous_by_code(previous: pd.DataFrame) -> dict[str | None, int]:
    counts: dict[str | None, int] = {}
    for row in previous.itertuples(index=False):
        key = _text(row.error_code) or _text(row.error_message)
        counts[key] = counts.get(key, 0) + _count(row.failed)
    return counts


def top_errors(current: pd.DataFrame, previous: pd.DataFrame, limit: int = 10) -> list[TopError]:
    """The period's most frequent errors, each with its count in the period before."""
    before = _previous_by_code(previous)
    found = []
    for row in current.head(limit).itertuples(index=False):
        code, message = _text(row.error_code), _text(row.error_message)
        found.append(TopError(code, message, _count(row.failed), _count(row.vms), before.get(code or message, 0),
                              _text(row.guide_article), _text(row.guide_error_id)))
    return found


def error_evidence(codes: Iterable[str], article: str, error_id: str, current: pd.DataFrame,
                   previous: pd.DataFrame, failing: pd.DataFrame, recover: pd.DataFrame) -> ErrorEvidence:
    """The fleet's evidence for one error: its codes as the articles write them, and the codes whose
    jobs the catalog led to this error (`guide_article`, `guide_error_id`)."""
    wanted = {code.casefold() for code in codes}
    mine = current[current["error_code"].fillna("").str.casefold().isin(wanted)
                   | ((current["guide_article"] == article) & (current["guide_error_id"] == error_id))]
    before = _previous_by_code(previous)
    recovery = {_text(r.error_code): r for r in recover.itertuples(index=False)}
    rows = []
    for row in mine.itertuples(index=False):
        code = _text(row.error_code) or _text(row.error_message) or ""
        ttr = recovery.get(code)
        median = None if ttr is None or _text(ttr.median_hours) is None else float(ttr.median_hours)
        rows.append(CodeEvidence(code, _count(row.failed), _count(row.vms), before.get(code, 0), median,
                                 _count(ttr.open_incidents) if ttr is not None else 0))
    shown = {r.code.casefold() for r in rows}
    now = failing[(failing["current_streak"].fillna(0) > 0)
                  & failing["last_error_code"].fillna("").str.casefold().isin(shown)]
    return ErrorEvidence(rows, now[["vm_name", "vault_name", "current_streak", "last_success"]]
                         .sort_values(["current_streak", "vm_name"], ascending=[False, True]).reset_index(drop=True))
