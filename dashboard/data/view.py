"""What the Data page shows, decided without Streamlit: the table of rejected records."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.core.formatting import MISSING, format_datetime
from dashboard.fleet.view import Table
from loaders.jobs.schema import QuarantineRow

RAW_CHARACTERS = 300  # of a rejected record shown in the table


def rejected_table(rows: Sequence[QuarantineRow], locale: str | None = None) -> Table:
    """One row per rejected record: where it came from, why, the start of the record and when it was
    rejected, that time shown as the reader's medium date and time (the column keys stay stable; the page
    labels them)."""
    frame = pd.DataFrame({
        "source": [r.source for r in rows], "location": [r.location for r in rows],
        "reason": [r.reason for r in rows], "raw": [(r.raw or "")[:RAW_CHARACTERS] for r in rows],
        "time": pd.to_datetime(pd.Series([r.quarantined_at for r in rows], dtype="object")),
    })
    return Table(frame, {"time": lambda v: MISSING if pd.isna(v) else format_datetime(v, locale, "medium")},
                 "rejected-records.csv")
