"""A record with a value nested thousands of levels deep costs that record only: it is quarantined with
its location and why, every other record of the file is imported, and the depth is never built in memory."""
from __future__ import annotations

import json
import tracemalloc
from pathlib import Path

import pytest

from loaders.jobs.catalog import load_catalog
from loaders.jobs.importers import import_files
from loaders.jobs.store import open_store
from tests.support.jobs_cli import REPO, run_jobs

DATA = REPO / "tests" / "data" / "jobs"
LEVELS = 100_000
DEEP = '{"a": ' * LEVELS + "1" + "}" * LEVELS
MARK = "deep value goes here"  # written in place of DEEP, then replaced in the JSON text
REASON = "nested more than 100 levels deep"


def deep_copy_of(fixture: str, record: str) -> str:
    """The fixture's text with the record at `record` (keys and indices, such as "value.2") holding a value
    nested LEVELS deep."""
    doc = json.loads((DATA / fixture).read_text(encoding="utf-8"))
    target = doc
    for part in record.split("."):
        target = target[int(part)] if isinstance(target, list) else target[part]
    if isinstance(target, dict):
        holder = target["properties"] if isinstance(target.get("properties"), dict) else target
        holder["extendedInfo"] = MARK
    else:  # a Log Analytics row array: one cell holds it
        target[-1] = MARK
    return json.dumps(doc, indent=2).replace(json.dumps(MARK), DEEP)


def rest_page_with_four_jobs() -> str:
    """rest-page.json plus a fourth job (a copy of the first under a new id) whose properties hold the deep value."""
    doc = json.loads((DATA / "rest-page.json").read_text(encoding="utf-8"))
    extra = json.loads(json.dumps(doc["value"][0]))
    extra["id"] = extra["id"][:-2] + "99"
    extra["name"] = extra["name"][:-2] + "99"
    extra["properties"]["extendedInfo"] = MARK
    doc["value"].append(extra)
    return json.dumps(doc, indent=2).replace(json.dumps(MARK), DEEP)




def test_the_command_imports_the_good_jobs_of_a_page_and_quarantines_the_deep_one(tmp_path: Path) -> None:
    page = tmp_path / "deep-page.json"
    page.write_text(rest_page_with_four_jobs(), encoding="utf-8")
    db = tmp_path / "fleet.duckdb"
    result = run_jobs("import", str(page), "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "deep-page.json (REST backupJobs JSON): read 4 = 3 inserted + 0 updated + 1 quarantined + 0 duplicates" \
        in result.stdout
    listing = json.loads(run_jobs("quarantine", "--db", str(db), "--json").stdout)
    assert [(q["location"], q["source"]) for q in listing] == [("deep-page.json:$.value[3]", "rest:deep-page.json")]
    assert REASON in listing[0]["reason"] and "$.value[3].properties.extendedInfo.a.a" in listing[0]["reason"]
    assert json.loads(run_jobs("info", "--db", str(db), "--json").stdout)["jobs"] == 3


@pytest.mark.parametrize("fixture, record, location, fmt", [
    ("rest-page.json", "value.1", "$.value[1]", "rest"),
    ("az-cli-list.json", "2", "$[2]", "az-cli"),
    ("resource-graph.json", "data.0", "$.data[0]", "resource-graph"),
    ("la-rows.json", "1", "$[1]", "la-rows"),
    ("la-query.json", "tables.0.rows.0", "$.tables[0].rows[0]", "la-query"),
])
def test_every_json_format_keeps_its_other_records(tmp_path: Path, fixture: str, record: str, location: str,
                                                     fmt: str) -> None:
    name = f"deep-{fixture}"
    path = tmp_path / name
    path.write_text(deep_copy_of(fixture, record), encoding="utf-8")
    expected = json.loads((DATA / fixture.replace(".json", ".expected.json")).read_text(encoding="utf-8"))["counts"]
    catalog = load_catalog(DATA / "catalog.yaml")
    with open_store(tmp_path / "fleet.duckdb") as store:
        import_files(open_store(tmp_path / "warm-up.duckdb"), [DATA / fixture], catalog=catalog)  # lazy imports done
        tracemalloc.start()
        try:
            [report] = import_files(store, [path], catalog=catalog)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        assert report.error is None, report.error
        assert report.format == fmt
        assert report.read == report.inserted + report.updated + report.quarantined + report.duplicates
        assert report.read == expected["read"]
        assert report.quarantined == expected["quarantined"] + 1
        [deep] = [q for q in store.quarantine(limit=None) if REASON in q.reason]
        assert deep.location == f"{name}:{location}"
        assert store.job_count() == report.inserted > 0
    # A few copies of the 0.7 MB text; a decoded structure of that depth would take tens of megabytes.
    assert peak < 8 * path.stat().st_size, (peak, path.stat().st_size)


def test_a_damaged_file_with_a_deep_record_keeps_its_intact_records(tmp_path: Path) -> None:
    text = rest_page_with_four_jobs()
    cut = tmp_path / "deep-cut.json"
    cut.write_text(text[:text.rindex("nextLink") + 5], encoding="utf-8")  # a download cut short at its end
    with open_store(tmp_path / "fleet.duckdb") as store:
        [report] = import_files(store, [cut], catalog=load_catalog(DATA / "catalog.yaml"))
        assert report.error is None, report.error
        assert report.adds_up and report.inserted == 3
        [deep] = [q for q in store.quarantine(limit=None) if REASON in q.reason]
        job_start = text.rindex("\n    {", 0, text.index(DEEP)) + 1  # the fourth job's opening brace
        assert deep.location == f"deep-cut.json:{text.count(chr(10), 0, job_start) + 1}"
        assert "warning: not valid JSON" not in report.summary() and any("not valid JSON" in w for w in report.warnings)
