"""One job of the store, by the vault and job id a link or an export names it by."""
from __future__ import annotations

import duckdb

from loaders.jobs.schema import JOB_COLUMNS, JobRow


def find_job(con: duckdb.DuckDBPyConnection, vault: str, job_id: str) -> JobRow | None:
    """The job `job_id` (any case) of the vault given by its ARM id or its name (any case); None when
    the store has no such job. A vault name shared by two subscriptions gives the latest such job."""
    vault, job_id = (vault or "").strip().lower(), (job_id or "").strip().lower()
    if not vault or not job_id:
        return None
    row = con.execute(
        f"SELECT {', '.join(JOB_COLUMNS)} FROM jobs "
        "WHERE lower(job_id) = ? AND (vault_id = ? OR lower(vault_name) = ?) "
        "ORDER BY start_time DESC NULLS LAST LIMIT 1", [job_id, vault, vault]).fetchone()
    return JobRow(*row) if row is not None else None
