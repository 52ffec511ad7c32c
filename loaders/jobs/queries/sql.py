"""SQL text shared by the fleet index and the views: literals, and the keys of a VM and of an error."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def vm_key(table: str = "") -> str:
    """The VM of a job row (CASE rather than coalesce: the fallback string is built only when needed)."""
    t = f"{table}." if table else ""
    return f"(CASE WHEN {t}vm_id IS NULL THEN {t}vault_id || '/' || lower({t}vm_name) ELSE {t}vm_id END)"


def error_key(table: str = "") -> str:
    t = f"{table}." if table else ""
    return f"coalesce({t}error_code, CAST({t}error_code_int AS VARCHAR))"


def quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def in_list(values: Sequence[str]) -> str:
    return "(" + ", ".join(map(quote, values)) + ")"


def timestamp_literal(value: dt.datetime) -> str:
    """A timestamp literal (our own datetimes only, so no quoting concerns)."""
    return f"TIMESTAMP '{value.isoformat(sep=' ')}'"


def latest_value(column: str) -> str:
    """The value of `column` on the latest row (by start time, then job id), NULL included."""
    return f"arg_max({{'v': {column}}}, (start_time, job_id)).v"


def earliest_value(column: str) -> str:
    return f"arg_min({{'v': {column}}}, (start_time, job_id)).v"
