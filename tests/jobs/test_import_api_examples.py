"""Examples of the Azure REST API specification (`parameters` + `responses` → `"200": {"body": ...}`) are
imported from the body of the response that holds jobs: ours under tests/data/jobs, and the official
ones kept in ../shared/reference/examples (read at run time)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.importers import import_files
from loaders.jobs.store import open_store
from tests.support.jobs_cli import REPO, run_jobs

DATA = REPO / "tests" / "data" / "jobs"
OFFICIAL = REPO.parent / "shared" / "reference" / "examples"




def test_the_command_imports_the_jobs_of_an_example_response(tmp_path: Path) -> None:
    db = tmp_path / "fleet.duckdb"
    result = run_jobs("import", str(DATA / "rest-api-example.json"), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert ("rest-api-example.json (REST API example JSON): read 3 = 2 inserted + 0 updated + 1 quarantined"
            " + 0 duplicates") in result.stdout
    info = json.loads(run_jobs("info", "--db", str(db), "--json").stdout)
    assert info["sources"] == {"rest:rest-api-example.json": 2}


def test_a_202_body_with_jobs_is_read_when_the_200_body_holds_none(tmp_path: Path) -> None:
    example = json.loads((DATA / "rest-api-example.json").read_text(encoding="utf-8"))
    page = example["responses"]["200"]["body"]
    example["responses"] = {"200": {"body": {"operation": {"objectType": "OperationStatusInfo"}}},
                            "202": {"body": page}}
    path = tmp_path / "accepted.json"
    path.write_text(json.dumps(example), encoding="utf-8")
    with open_store(tmp_path / "fleet.duckdb") as store:
        [report] = import_files(store, [path], catalog=load_catalog(DATA / "catalog.yaml"))
        assert report.error is None and report.format == "rest-example"
        assert (report.read, report.inserted, report.quarantined) == (3, 2, 1) and report.adds_up
        [rejected] = store.quarantine(limit=None)
        assert rejected.location == 'accepted.json:$.responses["202"].body.value[2]'


def test_an_example_without_jobs_is_named_as_such(tmp_path: Path) -> None:
    path = tmp_path / "trigger-export.json"
    path.write_text(json.dumps({"parameters": {"api-version": "2026-10-01"},
                                "responses": {"202": {"headers": {"Retry-After": 60}}}}), encoding="utf-8")
    with open_store(tmp_path / "fleet.duckdb") as store:
        [report] = import_files(store, [path], catalog=load_catalog(DATA / "catalog.yaml"))
    assert report.error and "a REST API example whose responses (200, 201, 202) hold no backup jobs" in report.error


@pytest.mark.parametrize("name, read, inserted, duplicates, status", [
    # Both listed jobs carry the same placeholder name: the later one, Completed, is kept.
    ("spec-2025-02-01-ListJobs.json", 2, 1, 1, "Completed"),
    ("spec-2026-10-01-ListJobsWithAllSupportedFilters.json", 1, 1, 0, "InProgress"),
    ("spec-2026-10-01-GetJobDetails.json", 1, 1, 0, "InProgress"),
])
def test_official_examples_are_imported(tmp_path: Path, name: str, read: int, inserted: int, duplicates: int,
                                        status: str) -> None:
    assert OFFICIAL.is_dir(), f"the reference examples are missing: {OFFICIAL}"
    with open_store(tmp_path / "fleet.duckdb") as store:
        [report] = import_files(store, [OFFICIAL / name], catalog=load_catalog(DATA / "catalog.yaml"))
        assert report.error is None, report.error
        assert (report.read, report.inserted, report.quarantined, report.duplicates) == (read, inserted, 0, duplicates)
        assert store.connection.execute("SELECT vault_name, status FROM jobs").fetchall() == [
            ("NetSDKTestRsVault", status)]


def test_an_official_example_of_another_operation_is_not_a_job_export(tmp_path: Path) -> None:
    with open_store(tmp_path / "fleet.duckdb") as store:
        [report] = import_files(store, [OFFICIAL / "spec-2026-10-01-ExportJobsOperationResult.json"],
                                catalog=load_catalog(DATA / "catalog.yaml"))
        assert report.error and "hold no backup jobs" in report.error and store.job_count() == 0
