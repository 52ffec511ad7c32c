"""How the dashboard reaches the job store: read-only for the views, read-write only to add data.

The views share one read-only connection per store file and process. The fleet queries keep a compact
index of the jobs in that connection's temporary tables, built on the first query after the data
changed, so a long-lived connection makes every later filter change cheap. Queries on it take turns
(a DuckDB connection is not for concurrent use). A write from the app (Data page, first-start sample)
closes the shared connection first, since DuckDB refuses a read-write connection next to a read-only
one; the next read opens it again. After `IDLE_SECONDS` without use the connection is closed too, so the
command line (`python -m loaders jobs import ...`) can write to the file while the dashboard sits idle.
"""
from __future__ import annotations

import atexit
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loaders.jobs.queries import FilterOptions, filter_options
from loaders.jobs.store import Store, StoreInfo, default_db_path, open_store
from loaders.jobs.timeutil import utc_now  # noqa: F401 - the Fleet page and the notebook read the clock here

IDLE_SECONDS = 120.0


class _SharedReaders:
    """One read-only Store per file, used by one caller at a time, closed when idle or before a write."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._stores: dict[Path, Store] = {}
        self._last_used: dict[Path, float] = {}
        self._reaper: threading.Thread | None = None

    @contextmanager
    def use(self, path: Path) -> Iterator[Store]:
        with self.lock:
            store = self._stores.get(path)
            if store is None:
                store = open_store(path, read_only=True)
                self._stores[path] = store
                self._start_reaper()
            try:
                yield store
            finally:
                self._last_used[path] = time.monotonic()

    def close(self, path: Path | None = None) -> None:
        with self.lock:
            for key in [path] if path is not None else list(self._stores):
                store = self._stores.pop(key, None)
                if store is not None:
                    store.close()

    def _start_reaper(self) -> None:
        if self._reaper is None or not self._reaper.is_alive():
            self._reaper = threading.Thread(target=self._close_idle, name="fleet-store-idle", daemon=True)
            self._reaper.start()

    def _close_idle(self) -> None:
        while True:
            time.sleep(min(max(IDLE_SECONDS / 4, 0.05), 1.0))
            # Never wait for a query in progress: an idle connection is, by definition, not locked.
            if not self.lock.acquire(blocking=False):
                continue
            try:
                now = time.monotonic()
                for path in [p for p, used in self._last_used.items() if now - used > IDLE_SECONDS]:
                    self._last_used.pop(path, None)
                    store = self._stores.pop(path, None)
                    if store is not None:
                        store.close()
                if not self._stores:
                    self._reaper = None
                    return
            finally:
                self.lock.release()


_READERS = _SharedReaders()
# Close the shared connections before the interpreter tears DuckDB down.
atexit.register(lambda: _READERS.close())


def store_path() -> Path:
    """The store the dashboard shows: BACKUP_TRIAGE_DB, else the loaders' default file."""
    return default_db_path()


@contextmanager
def reading(path: Path | None = None) -> Iterator[Store]:
    """The store's shared read-only connection, for this caller alone until the block ends."""
    with _READERS.use(_key(path)) as store:
        yield store


@contextmanager
def writing(path: Path | None = None) -> Iterator[Store]:
    """The store opened for writing; readers of this process wait until the block ends."""
    target = _key(path)
    with _READERS.lock:
        _READERS.close(target)
        store = open_store(target)
        try:
            yield store
        finally:
            store.close()


def release(path: Path | None = None) -> None:
    """Close the shared read-only connection(s) now (the next read opens them again)."""
    _READERS.close(None if path is None else _key(path))


def _key(path: Path | str | None) -> Path:
    """One key per file, however the path was written."""
    return Path(path or store_path()).expanduser().resolve()


def file_signature(path: Path) -> tuple:
    """Changes whenever the store file (or its write-ahead log) is written: lets a rerun skip opening
    the store when nothing changed."""
    parts = []
    for candidate in (path, path.with_name(path.name + ".wal")):
        try:
            stat = candidate.stat()
        except OSError:
            parts.append(None)
        else:
            parts.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
    return (str(path), *parts)


@dataclass(frozen=True)
class StoreSnapshot:
    """What the pages need to know about the store before asking it anything else."""

    path: str
    version: str
    info: StoreInfo
    options: FilterOptions
    live: bool  # a sync keeps it current (read at the wall clock); else a snapshot of the past
    new: bool  # never used: no jobs, nothing rejected, no sync

    @property
    def empty(self) -> bool:
        return self.info.jobs == 0


def store_is_new(store: Store) -> bool:
    """Never used: no jobs, nothing rejected, no sync, no jobs ever written and nothing ever deleted.
    Only then does the dashboard fill it by itself; a store someone emptied or only imported bad files
    into is left for them to fill."""
    return (store.job_count() == 0 and store.quarantine_count() == 0 and not store.sync_states()
            and store.info().last_ingest_time is None and not store.was_emptied())


def snapshot(store: Store) -> StoreSnapshot:
    info = store.info()
    return StoreSnapshot(path=str(store.path), version=info.version, info=info,
                         options=filter_options(store.connection), live=info.last_sync_time is not None,
                         new=info.jobs == 0 and store_is_new(store))

