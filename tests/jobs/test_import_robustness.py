"""Damaged copies of every export fixture (cut short, bytes flipped, lines dropped or doubled):
an import never raises, never loses a readable record silently, and its counts always add up."""
from __future__ import annotations

import random
from pathlib import Path

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.importers import import_files
from loaders.jobs.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "jobs"
INPUTS = sorted(p for p in DATA.iterdir() if p.suffix in (".json", ".csv") and not p.name.endswith(".expected.json"))


def mutations(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    out = []
    for _ in range(3):
        cut = rng.randrange(1, len(data))
        out.append((f"cut{cut}", data[:cut]))
    for _ in range(3):
        flipped = bytearray(data)
        for _ in range(3):
            flipped[rng.randrange(len(flipped))] = rng.choice(b'{}[],:"\\\n\x00\xff\xe9 ')
        out.append(("flip", bytes(flipped)))
    lines = data.split(b"\n")
    if len(lines) > 2:
        drop = rng.randrange(1, len(lines))
        out.append((f"drop{drop}", b"\n".join(lines[:drop] + lines[drop + 1:])))
        dup = rng.randrange(1, len(lines))
        out.append((f"dup{dup}", b"\n".join(lines[:dup + 1] + lines[dup:])))
    return out


@pytest.mark.parametrize("source", INPUTS, ids=lambda p: p.name)
def test_damaged_exports_never_crash_and_always_add_up(source: Path, tmp_path: Path) -> None:
    rng = random.Random(source.name)
    catalog = load_catalog(DATA / "catalog.yaml")
    files = []
    for n, (label, data) in enumerate(mutations(source.read_bytes(), rng)):
        damaged = tmp_path / f"{n}-{label}-{source.name}"
        damaged.write_bytes(data)
        files.append(damaged)
    with open_store(tmp_path / "fleet.duckdb") as store:
        reports = import_files(store, files, catalog=catalog)
        assert len(reports) == len(files)
        for report in reports:
            if report.error is None:
                assert report.adds_up, report.summary()
            else:
                assert report.read == 0 and report.error.strip()
        stored_quarantine = store.quarantine_count()
        assert stored_quarantine == sum(r.quarantined for r in reports) + sum(1 for r in reports if r.error)
