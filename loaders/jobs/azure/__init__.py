"""Live sync of backup jobs from Azure Recovery Services vaults: `sync_vaults(store, credential, scopes)`.

Modules: `client` (SDK client, retries, pacing, failure messages), `scopes` (vault ids and subscriptions),
`window` (the time windows asked for and the watermark), `pages` (a vault's job list page by page,
surviving damaged pages), `reader` (one vault read in a worker thread, as events), `reports` (what a
sync says about itself, also while it runs), `sync` (readers in a bounded pool, one writer).
"""
from __future__ import annotations

from loaders.jobs.azure.client import ARM_SCOPE, SyncOptions
from loaders.jobs.azure.reports import SyncProgress, SyncReport, SyncStatus, VaultReport, format_seconds
from loaders.jobs.azure.scopes import Scopes, VaultTarget, classify_scopes
from loaders.jobs.azure.sync import SYNC_SOURCE, as_datetime, default_credential, sync_vaults

__all__ = [
    "ARM_SCOPE",
    "SYNC_SOURCE",
    "Scopes",
    "SyncOptions",
    "SyncProgress",
    "SyncReport",
    "SyncStatus",
    "VaultReport",
    "VaultTarget",
    "as_datetime",
    "classify_scopes",
    "default_credential",
    "format_seconds",
    "sync_vaults",
]
