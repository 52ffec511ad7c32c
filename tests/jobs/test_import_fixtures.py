"""Every export fixture in tests/data/jobs/ imported into a fresh store, checked against the
expected result stored next to it (<name>.expected.json)."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.importers import import_files
from loaders.jobs.store import open_store

DATA = Path(__file__).resolve().parents[1] / "data" / "jobs"
CASES = sorted(p for p in DATA.iterdir() if p.name.endswith(".expected.json"))


def _input_for(expected: Path) -> Path:
    stem = expected.name.removesuffix(".expected.json")
    matches = [p for p in DATA.iterdir() if p.stem == stem and not p.name.endswith(".expected.json")]
    assert len(matches) == 1, f"one input file for {expected.name}, found {matches}"
    return matches[0]


def _plain(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.datetime) else value


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(DATA / "catalog.yaml")


@pytest.mark.parametrize("expected_path", CASES, ids=lambda p: p.name.removesuffix(".expected.json"))
def test_fixture_import(expected_path: Path, tmp_path: Path, catalog) -> None:
    expected = json.loads(expected_path.read_text(encoding="utf-8"))
    source_file = _input_for(expected_path)
    with open_store(tmp_path / "fleet.duckdb") as store:
        [report] = import_files(store, [source_file], catalog=catalog)

        if "error" in expected:
            assert report.error is not None and expected["error"] in report.error
            assert source_file.name in report.summary()
            assert store.job_count() == 0
        else:
            assert report.error is None, report.error
            assert report.format == expected["format"]
            assert report.source == expected["source"]
            counts = {k: getattr(report, k) for k in expected["counts"]}
            assert counts == expected["counts"]
            assert report.adds_up
            for warning in expected.get("warnings", []):
                assert any(warning in w for w in report.warnings), report.warnings

            columns = [d[0] for d in store.connection.execute("SELECT * FROM jobs LIMIT 0").description]
            stored = {
                row[columns.index("job_id")]: dict(zip(columns, row, strict=False))
                for row in store.connection.execute("SELECT * FROM jobs").fetchall()
            }
            assert len(stored) == report.inserted
            for job_id, fields in expected["jobs"].items():
                assert job_id in stored, f"{job_id} not stored"
                actual = {name: _plain(stored[job_id][name]) for name in fields}
                assert actual == fields, job_id
                assert stored[job_id]["source"] == expected["source"]
            for job_id in expected.get("absent", []):
                assert job_id not in stored

        quarantined = store.quarantine(limit=None)
        assert len(quarantined) == len(expected["quarantine"])
        by_location = {q.location: q for q in quarantined}
        for item in expected["quarantine"]:
            assert item["location"] in by_location, (item["location"], list(by_location))
            row = by_location[item["location"]]
            assert item["reason"] in row.reason
            if "raw" in item:
                assert item["raw"] in (row.raw or "")
