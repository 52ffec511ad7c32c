"""Live sync of backup jobs from Azure Recovery Services vaults: `sync_vaults(store, credential, scopes)`.

Modules: `client` (SDK client, retries, pacing, failure messages), `scopes` (vault ids and subscriptions),
`window` (the time windows asked for and the watermark), `pages` (a vault's job list page by page,
surviving damaged pages), `sync` (the steps of a sync and its report).
"""
from __future__ import annotations

from loaders.jobs.azure.client import ARM_SCOPE, SyncOptions
from loaders.jobs.azure.scopes import Scopes, VaultTarget, classify_scopes
from loaders.jobs.azure.sync import (
    SYNC_SOURCE,
    SyncProgress,
    SyncReport,
    VaultReport,
    as_datetime,
    default_credential,
    sync_vaults,
)

__all__ = [
    "ARM_SCOPE",
    "SYNC_SOURCE",
    "Scopes",
    "SyncOptions",
    "SyncProgress",
    "SyncReport",
    "VaultReport",
    "VaultTarget",
    "as_datetime",
    "classify_scopes",
    "default_credential",
    "sync_vaults",
]
