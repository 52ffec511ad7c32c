"""Backup job data: one normalized schema, a DuckDB store, and one module per source."""
from loaders.jobs.schema import JOB_COLUMNS, SCHEMA_VERSION, JobRow, QuarantineRow
from loaders.jobs.store import (
    DeleteReport,
    Store,
    StoreError,
    StoreInfo,
    StoreLockedError,
    UpsertResult,
    default_db_path,
    open_store,
)

__all__ = [
    "DeleteReport",
    "JOB_COLUMNS",
    "SCHEMA_VERSION",
    "JobRow",
    "QuarantineRow",
    "Store",
    "StoreError",
    "StoreInfo",
    "StoreLockedError",
    "UpsertResult",
    "default_db_path",
    "open_store",
]
