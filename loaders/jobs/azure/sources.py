"""What the Resource Graph and Log Analytics sources share: turning a batch of raw records into
stored rows, and a per-scope report."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from loaders.jobs.azure.client import needs_plain_http
from loaders.jobs.guidance import Resolver
from loaders.jobs.importers.base import Parsed
from loaders.jobs.store import Store


@dataclass
class ScopeReport:
    """One subscription batch (Resource Graph) or workspace (Log Analytics)."""

    scope: str
    requests: int = 0
    read: int = 0
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    collapsed: int = 0  # records of a job already read in this sync (repeats, V1/V2 twins)
    watermark: dt.datetime | None = None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    def summary(self) -> str:
        counts = (f"{self.requests} requests, read {self.read} = {self.inserted} inserted + {self.updated} updated"
                  f" + {self.quarantined} quarantined + {self.collapsed} collapsed")
        return f"{self.scope}: FAILED: {self.error}; so far {counts}" if self.error else f"{self.scope}: {counts}"


@dataclass
class SourceReport:
    source: str
    scopes: list[ScopeReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.scopes)

    def total(self, name: str) -> int:
        return sum(getattr(s, name) for s in self.scopes)

    def lines(self) -> list[str]:
        failed = [s for s in self.scopes if not s.ok]
        out = [s.summary() for s in self.scopes]
        out.append(f"total: {len(self.scopes) - len(failed)} of {len(self.scopes)} scopes synced from {self.source};"
                   f" read {self.total('read')} = {self.total('inserted')} inserted + {self.total('updated')} updated"
                   f" + {self.total('quarantined')} quarantined + {self.total('collapsed')} collapsed")
        return out


def store_parsed(store: Store, parsed: Parsed, resolver: Resolver, report: ScopeReport) -> None:
    """Upsert the rows of one response (one transaction) and quarantine what could not be read."""
    rows = [resolver.apply(row) for _, row, _ in parsed.rows]
    held = store.held_keys((row.vault_id, row.job_id) for row in rows)
    store.upsert_jobs(rows, parsed.source)
    store.add_quarantine(parsed.rejected)
    fresh = {(row.vault_id.lower(), row.job_id.lower()) for row in rows}
    report.updated += len(fresh & held)
    report.inserted += len(fresh - held)
    report.quarantined += len(parsed.rejected)


def client_kwargs(options: Any, **endpoint: str | None) -> dict[str, Any]:
    """Retry settings of `options` (SyncOptions) for an azure-core client, plus its endpoint if given."""
    kwargs: dict[str, Any] = {"retry_total": options.retry_total, "retry_backoff_factor": options.retry_backoff_factor,
                              "retry_backoff_max": options.retry_backoff_max}
    kwargs.update({name: value for name, value in endpoint.items() if value})
    return kwargs


def plain_http_kwargs(url: str | None) -> dict[str, Any]:
    # Bearer tokens over plain HTTP are refused unless asked per call: only for local endpoints.
    return {"enforce_https": False} if needs_plain_http(url) else {}
