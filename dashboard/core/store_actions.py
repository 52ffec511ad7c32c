"""What the Data page (and the Fleet page's first start) do to the store, without Streamlit: create the
sample fleet, import uploaded export files, sync from Azure, remove the sample fleet and clear the
store.

Each action opens the store for writing through `fleet_store.writing`, reports progress through a plain
callback and returns a small report the page shows.
"""
from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from dashboard.core import fleet_store
from loaders.jobs.azure import SyncProgress, SyncReport, SyncStatus, default_credential, sync_vaults
from loaders.jobs.importers import ImportReport, import_files
from loaders.jobs.sample import SAMPLE_SOURCE, SampleReport, generate_sample
from loaders.jobs.schema import QuarantineRow

# The embedded default: what the dashboard creates in an empty store.
SAMPLE_VMS, SAMPLE_DAYS, SAMPLE_SEED = 2000, 90, 7

Progress = Callable[[float, str], None]  # (fraction done, what is happening)


def create_sample(path: Path | None = None, vms: int = SAMPLE_VMS, days: int = SAMPLE_DAYS, seed: int = SAMPLE_SEED,
                  now: dt.datetime | None = None, progress: Progress | None = None,
                  only_if_new: bool = False) -> SampleReport | None:
    """Generate the sample fleet into the store. With `only_if_new`, do nothing (None) unless the store
    is still new when the write lock is held, so two first starts at once create it once."""
    with fleet_store.writing(path) as store:
        if only_if_new and not fleet_store.store_is_new(store):
            return None

        def tick(done: int, total: int) -> None:
            if progress:
                progress(done / total if total else 1.0, f"{done}/{total}")

        return generate_sample(store, vms=vms, days=days, seed=seed, now=now, progress=tick)


def sample_jobs(info: Any) -> int:
    """How many jobs of the store's summary (`Store.info()`) come from the sample fleet."""
    return int(info.sources.get(SAMPLE_SOURCE, 0))


def remove_sample(path: Path | None = None) -> int:
    """Delete the sample fleet's jobs, keeping every imported or synced job; how many were deleted."""
    with fleet_store.writing(path) as store:
        return store.delete_source(SAMPLE_SOURCE).jobs


@dataclass(frozen=True)
class ClearReport:
    """What emptying the store deleted."""

    jobs: int
    rejected: int
    sync_scopes: int


def clear_store(path: Path | None = None) -> ClearReport:
    """Empty the store: every job, rejected record and sync watermark (the next sync reads from the
    start again). The store file stays, and the dashboard does not refill it with the sample."""
    with fleet_store.writing(path) as store:
        report = ClearReport(jobs=store.job_count(), rejected=store.quarantine_count(),
                             sync_scopes=len(store.sync_states()))
        store.clear()
    return report


@dataclass(frozen=True)
class Upload:
    """A file handed to the page: its name as the user knows it and its bytes."""

    name: str
    data: bytes


def safe_name(name: str, index: int) -> str:
    """The upload's base name without any folder part, so it cannot point outside the temporary folder."""
    base = PurePath(name.replace("\\", "/")).name.strip().lstrip(".")
    return base or f"upload-{index + 1}"


def import_uploads(uploads: Sequence[Upload], path: Path | None = None,
                   progress: Progress | None = None) -> list[ImportReport]:
    """Import the uploaded files as if they were files on disk: written under their own names into a
    temporary folder (quarantine locations then name the file the user uploaded), imported, removed.
    Reports carry the uploaded name as their path."""
    if not uploads:
        return []
    with tempfile.TemporaryDirectory(prefix="backup-triage-upload-") as folder:
        paths: list[Path] = []
        names: dict[str, str] = {}
        for index, upload in enumerate(uploads):
            # One sub-folder per file: two uploads with the same name stay two files.
            target = Path(folder) / str(index) / safe_name(upload.name, index)
            target.parent.mkdir()
            target.write_bytes(upload.data)
            paths.append(target)
            names[str(target)] = upload.name
        done: list[ImportReport] = []

        def tick(report: ImportReport) -> None:
            done.append(report)
            if progress:
                progress(len(done) / len(paths), names.get(report.path, report.path))

        with fleet_store.writing(path) as store:
            reports = import_files(store, paths, progress=tick)
    for report in reports:
        report.path = names.get(report.path, report.path)
    return reports


def import_rows(reports: Iterable[ImportReport]) -> list[dict[str, Any]]:
    """One row per file for the page's table (keys are stable; the page translates the headers)."""
    return [{
        "file": r.path, "format": r.description if r.format else None, "read": r.read, "inserted": r.inserted,
        "updated": r.updated, "quarantined": r.quarantined, "duplicates": r.duplicates,
        "not_stored": r.not_stored,
        "problem": "; ".join(([r.error] if r.error else []) + r.warnings) or None,
    } for r in reports]


def quarantine(path: Path | None = None, limit: int = 500) -> tuple[list[QuarantineRow], int]:
    """The latest rejected records and how many there are in all."""
    with fleet_store.reading(path) as store:
        return store.quarantine(limit=limit), store.quarantine_count()


# -- Azure --------------------------------------------------------------------------------------------------
def parse_scopes(text: str) -> list[str]:
    """Subscription ids or vault resource ids, one per line (commas and blanks also separate)."""
    return list(dict.fromkeys(part.strip() for part in text.replace(",", "\n").split() if part.strip()))


def sync_from_azure(scopes: list[str], credential: Any = None, path: Path | None = None,
                    progress: SyncProgress | None = None,
                    status: Callable[[SyncStatus], None] | None = None) -> SyncReport:
    """Run `loaders.jobs.azure.sync_vaults(store, credential, scopes, progress=..., status=...)`;
    `progress` is called with (vaults done, vaults in total, message), `status` with the running
    totals (vaults done, jobs fetched, rate, time left), both in the calling thread. Without a
    credential, the Azure SDK's default chain is used (environment, managed identity, Azure CLI
    login); it is never stored."""
    if credential is None:
        credential = default_credential()
    with fleet_store.writing(path) as store:
        return sync_vaults(store, credential, scopes, progress=progress, status=status)
