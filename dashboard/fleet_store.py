"""How the dashboard reaches the job store: read-only for the views, read-write only to add data.

The store is opened for the length of one script run and closed again, so the command line
(`python -m loaders jobs import ...`) can write to it between two reruns. Inside the app process a
readers/writer lock keeps a write (Data page, first-start sample) from meeting an open read-only
connection to the same file, which DuckDB refuses.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from loaders.jobs.queries import FilterOptions, filter_options
from loaders.jobs.store import Store, StoreInfo, default_db_path, open_store


class _ReadWriteLock:
    """Many readers or one writer; writers wait for readers to leave and take precedence over new ones."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writing = False
        self._waiting_writers = 0

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            while self._writing or self._waiting_writers:
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                self._cond.notify_all()

    @contextmanager
    def writing(self) -> Iterator[None]:
        with self._cond:
            self._waiting_writers += 1
            while self._writing or self._readers:
                self._cond.wait()
            self._waiting_writers -= 1
            self._writing = True
        try:
            yield
        finally:
            with self._cond:
                self._writing = False
                self._cond.notify_all()


_LOCK = _ReadWriteLock()


def store_path() -> Path:
    """The store the dashboard shows: BACKUP_TRIAGE_DB, else the loaders' default file."""
    return default_db_path()


@contextmanager
def reading(path: Path | None = None) -> Iterator[Store]:
    """The store opened read-only for the duration of the block."""
    with _LOCK.reading():
        store = open_store(path or store_path(), read_only=True)
        try:
            yield store
        finally:
            store.close()


@contextmanager
def writing(path: Path | None = None) -> Iterator[Store]:
    """The store opened for writing; readers of this process wait until the block ends."""
    with _LOCK.writing():
        store = open_store(path or store_path())
        try:
            yield store
        finally:
            store.close()


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
    """Never used: no jobs, nothing rejected, no sync. Only then does the dashboard fill it by itself;
    a store someone emptied or only imported bad files into is left for them to fill."""
    return store.job_count() == 0 and store.quarantine_count() == 0 and not store.sync_states()


def snapshot(store: Store) -> StoreSnapshot:
    info = store.info()
    return StoreSnapshot(path=str(store.path), version=info.version, info=info,
                         options=filter_options(store.connection), live=info.last_sync_time is not None,
                         new=info.jobs == 0 and store_is_new(store))


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)

