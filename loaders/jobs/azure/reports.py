"""What a sync says about itself: per vault (`VaultReport`), for the whole run (`SyncReport`), and
while it runs (`SyncStatus`: vaults done, jobs fetched, rate, time left)."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# (vaults done, vaults in total, message); the total is at least 1 and may grow while
# subscriptions are being listed.
SyncProgress = Callable[[int, int, str], None]


@dataclass
class VaultReport:
    vault_id: str
    vault_name: str
    resource_group: str
    subscription_id: str
    window_start: dt.datetime | None = None
    window_end: dt.datetime | None = None
    pages: int = 0
    read: int = 0  # items listed, readable or not
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    repeated: int = 0  # items listed again within this sync (the service repeated them across pages/windows)
    damaged_pages: int = 0  # pages whose body was not valid JSON (quarantined; intact jobs kept)
    details_fetched: int = 0
    responses: dict[int, int] = field(default_factory=dict)  # HTTP status -> count, retries included
    watermark: dt.datetime | None = None  # stored after this sync (None: unchanged or never set)
    complete: bool = False  # every window was read to its last page
    error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def adds_up(self) -> bool:
        return self.read == self.inserted + self.updated + self.quarantined + self.repeated

    @property
    def throttled(self) -> int:
        return self.responses.get(429, 0)

    def summary(self) -> str:
        head = f"{self.vault_name} ({self.resource_group}, {self.subscription_id})"
        counts = (f"{self.pages} pages, read {self.read} = {self.inserted} inserted + {self.updated} updated"
                  f" + {self.quarantined} quarantined + {self.repeated} repeated")
        extras = []
        if self.damaged_pages:
            extras.append(f"{self.damaged_pages} damaged pages")
        if self.details_fetched:
            extras.append(f"{self.details_fetched} job details fetched")
        if self.throttled:
            extras.append(f"throttled {self.throttled}x")
        if extras:
            counts += f" ({', '.join(extras)})"
        if self.error:
            return f"{head}: FAILED: {self.error}; so far {counts}"
        return f"{head}: {counts}"


@dataclass
class SyncReport:
    vaults: list[VaultReport] = field(default_factory=list)
    scope_errors: list[str] = field(default_factory=list)  # subscriptions that could not be listed, bad scopes
    credential_error: str | None = None  # no token could be obtained at all
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None
    concurrency: int = 1  # vaults read at once
    pauses: int = 0  # times all readers were held back (few remaining reads, Retry-After)

    @property
    def ok(self) -> bool:
        return not self.scope_errors and self.credential_error is None and all(v.ok for v in self.vaults)

    @property
    def failed(self) -> list[VaultReport]:
        return [v for v in self.vaults if not v.ok]

    def total(self, name: str) -> int:
        return sum(getattr(v, name) for v in self.vaults)

    def lines(self) -> list[str]:
        out = [v.summary() for v in self.vaults]
        for report in self.vaults:
            out += [f"  warning: {w}" for w in report.warnings]
        out += [f"error: {e}" for e in self.scope_errors]
        if self.credential_error:
            out.append(f"error: {self.credential_error}")
        if self.failed:
            out.append("failed (read again from their watermark by the next sync): "
                       + ", ".join(v.vault_name for v in self.failed))
        out.append(
            f"total: {len(self.vaults) - len(self.failed)} of {len(self.vaults)} vaults synced;"
            f" read {self.total('read')} = {self.total('inserted')} inserted + {self.total('updated')} updated"
            f" + {self.total('quarantined')} quarantined + {self.total('repeated')} repeated")
        return out

    def as_dict(self) -> dict[str, Any]:
        def plain(value: Any) -> Any:
            return value.isoformat() if isinstance(value, dt.datetime) else value

        return {
            "ok": self.ok,
            "vaults": [{k: plain(v) for k, v in {**report.__dict__, "ok": report.ok}.items()}
                       for report in self.vaults],
            "scope_errors": self.scope_errors,
            "credential_error": self.credential_error,
            "started_at": plain(self.started_at),
            "finished_at": plain(self.finished_at),
            "concurrency": self.concurrency,
            "pauses": self.pauses,
        }


@dataclass(frozen=True)
class SyncStatus:
    """A running sync at one moment."""

    vaults_done: int
    vaults_total: int
    jobs: int  # items read so far, over all vaults
    elapsed: float  # seconds since the sync started
    failed: int = 0

    @property
    def rate(self) -> float:
        """Jobs read per second so far."""
        return self.jobs / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left, from the time the finished vaults took; None before the first one finishes."""
        if self.vaults_done <= 0 or self.elapsed <= 0:
            return None
        return max(0.0, self.elapsed / self.vaults_done * (self.vaults_total - self.vaults_done))

    def line(self) -> str:
        eta = "ETA --" if self.eta is None else f"ETA {format_seconds(self.eta)}"
        failed = f", {self.failed} failed" if self.failed else ""
        return (f"{self.vaults_done}/{self.vaults_total} vaults{failed}, {self.jobs:,} jobs, "
                f"{self.rate:,.0f} jobs/s, {eta}")


SyncStatusCallback = Callable[[SyncStatus], None]


def format_seconds(seconds: float) -> str:
    """`42 s`, `3 min 05 s`, `2 h 10 min`."""
    whole = int(round(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
