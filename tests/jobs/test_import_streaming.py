"""Big CSV exports are read line by line and stored in batches. Every CSV fixture, streamed in
batches as small as one record, must give the same counts, jobs and quarantine as when it is
read whole: duplicates of a job that fall into different batches included."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.guidance import Resolver
from loaders.jobs.importers import import_file
from loaders.jobs.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "jobs"
CSV_INPUTS = sorted(DATA.glob("*.csv"))
COUNTS = ("read", "inserted", "updated", "quarantined", "duplicates")


def _import(tmp_path: Path, name: str, source: Path, **options) -> tuple[dict, list, list, int]:
    """(counts and error, stored jobs, quarantine, number of store writes) of one import."""
    resolver = Resolver(load_catalog(DATA / "catalog.yaml"))
    with open_store(tmp_path / f"{name}.duckdb") as store:
        before = int(store.version().split(":")[1])
        report = import_file(store, source, resolver, **options)
        writes = int(store.version().split(":")[1]) - before
        jobs = store.connection.execute("SELECT * EXCLUDE (ingest_time) FROM jobs ORDER BY vault_id, job_id").fetchall()
        quarantine = sorted((q.location, q.reason, q.raw) for q in store.quarantine(limit=None))
        counts = {key: getattr(report, key) for key in (*COUNTS, "error")}
        assert report.adds_up, report.summary()
        return counts, jobs, quarantine, writes


@pytest.mark.parametrize("source", CSV_INPUTS, ids=lambda p: p.name)
@pytest.mark.parametrize("batch_rows", [1, 2])
def test_streamed_csv_matches_whole_file_import(source: Path, batch_rows: int, tmp_path: Path) -> None:
    whole = _import(tmp_path, "whole", source)
    streamed = _import(tmp_path, "streamed", source, stream_from=0, batch_rows=batch_rows)
    assert streamed[:3] == whole[:3]


def test_streaming_writes_in_batches_and_counts_a_job_seen_in_two_batches_once(tmp_path: Path) -> None:
    # la-export.csv logs job ...0e01 twice (InProgress, then Failed): with one record per batch
    # the second record rewrites the first, which must count as a duplicate, not an update
    counts, jobs, _, writes = _import(tmp_path, "streamed", DATA / "la-export.csv", stream_from=0, batch_rows=1)
    assert counts == {"read": 5, "inserted": 4, "updated": 0, "quarantined": 0, "duplicates": 1, "error": None}
    assert writes > 3  # several batches, not one transaction
    whole_counts, _, _, whole_writes = _import(tmp_path, "whole", DATA / "la-export.csv")
    assert whole_counts == counts and whole_writes < writes
