"""A Log Analytics tabular answer as a DataFrame, in the shape each view returns."""
from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from loaders.jobs.guidance import CatalogLike
from loaders.jobs.schema import UNKNOWN_CATEGORY

# Log Analytics writes "None" (or nothing) where a job has no failure code.
_NO_CODE = ("", "none", "n/a")


def table_frame(table: Any) -> pd.DataFrame:
    """A LogsTable (columns, rows) to a DataFrame; datetimes as naive UTC."""
    columns = [str(c) for c in table.columns]
    rows = [[_plain(value) for value in row] for row in table.rows]
    return pd.DataFrame(rows, columns=columns)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(dt.UTC).replace(tzinfo=None)
    return value


def with_categories(frame: pd.DataFrame, catalog: CatalogLike | None) -> pd.DataFrame:
    """`error_code` (from JobFailureCode) and its catalog `category` ("unknown" when the catalog does
    not know the code), as the local views name them."""
    out = frame.rename(columns={"JobFailureCode": "error_code"})
    if "error_code" not in out.columns:
        return out
    codes = [None if not isinstance(c, str) or c.strip().lower() in _NO_CODE else c for c in out["error_code"]]
    out["error_code"] = pd.Series(codes, index=out.index, dtype=object)
    out["category"] = [_category(catalog, code) for code in codes]
    return out


def _category(catalog: CatalogLike | None, code: str | None) -> str:
    entry = catalog.match(code=code) if catalog is not None and code else None
    return entry.category if entry is not None else UNKNOWN_CATEGORY


def daily_failures_by_category(frame: pd.DataFrame) -> pd.DataFrame:
    """The daily trend as the Fleet chart draws it: failed jobs per day and category."""
    if frame.empty:
        return pd.DataFrame({"day": [], "category": [], "failed": []})
    grouped = frame.groupby(["day", "category"], as_index=False)["failed"].sum()
    return grouped.sort_values(["day", "category"], ignore_index=True)
