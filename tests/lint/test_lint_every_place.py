"""A finding that concerns several lines lists every one of them, in the report and in each format."""
from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from loaders.docs.lint import lint, load_config
from loaders.docs.lint.findings import Location
from loaders.docs.lint.formats import render

from .sarif_schema import checked_run

HEADER = "---\ntitle: Backup\ndescription: Causes and fixes.\nms.date: 03/02/2026\n---\n\n"
# The same mistyped cause anchor in the cause lists of three errors (lines 11, 15 and 19).
THREE_LINKS = HEADER + (
    "# Backup\n\n"
    "## Backup fails\n\n"
    "**Cause 1: [Agent stopped](#agent-stoped)**\n\n"
    "## Restore fails\n\n"
    "**Cause 1: [Agent stopped](#agent-stoped)**\n\n"
    "## Snapshot fails\n\n"
    "**Cause 1: [Agent stopped](#agent-stoped)**\n\n"
    "## Causes\n\n### Agent stopped\n\nStart it.\n"
)


@pytest.fixture()
def report(tmp_path: Path):
    (tmp_path / "en-us").mkdir()
    (tmp_path / "en-us" / "links.md").write_text(THREE_LINKS)
    return lint([tmp_path], config=load_config(start=tmp_path), base=tmp_path)


def broken(report):
    found = [f for f in report.findings if f.alias == "cause-link-target"]
    assert len(found) == 1, found
    return found[0]


def test_the_finding_names_every_line_of_the_broken_target(report):
    finding = broken(report)
    assert finding.line == 11
    assert [place.line for place in finding.locations] == [11, 15, 19]
    # columns point at the fragment on each line, as for the first one
    assert {place.column for place in finding.locations} == {finding.column}
    assert finding.others == (Location(15, finding.column), Location(19, finding.column))


def test_text_gives_every_place_a_path_line_col_line(report):
    lines = render(report, "text").splitlines()
    mine = [line for line in lines if "TS001" in line]
    assert [line.split(":")[1] for line in mine] == ["11", "15", "19"]
    assert mine[1].endswith("TS001 cause-link-target place 2 of 3 of the finding on line 11")


def test_json_lists_the_locations(report):
    data = json.loads(render(report, "json"))
    finding = next(f for f in data["findings"] if f["rule"] == "TS001")
    assert [place["line"] for place in finding["locations"]] == [11, 15, 19]


def test_csv_has_the_other_locations(report):
    rows = list(csv.DictReader(io.StringIO(render(report, "csv"))))
    row = next(r for r in rows if r["rule"] == "TS001")
    column = broken(report).column
    assert row["line"] == "11" and row["other_locations"] == f"15:{column} 19:{column}"


def test_sarif_related_locations_name_each_line(report):
    run = checked_run(render(report, "sarif"))
    result = next(r for r in run["results"] if r["ruleId"] == "TS001")
    related = result["relatedLocations"]
    assert [r["physicalLocation"]["region"]["startLine"] for r in related] == [15, 19]
    assert [r["id"] for r in related] == [1, 2]
    assert all(r["physicalLocation"]["artifactLocation"]["uri"] == "en-us/links.md" for r in related)


def test_github_annotates_each_line(report):
    lines = [line for line in render(report, "github").splitlines() if "TS001" in line]
    assert [line.split("line=")[1].split(",")[0] for line in lines] == ["11", "15", "19"]


def test_junit_failure_text_names_the_other_lines(report):
    root = ET.fromstring(render(report, "junit"))
    failure = next(case.find("failure") for case in root.iter("testcase") if "TS001" in case.get("name"))
    assert "also: en-us/links.md:15:" in failure.text and "also: en-us/links.md:19:" in failure.text


def test_a_suppressed_line_is_left_out_of_the_places(tmp_path: Path):
    text = THREE_LINKS.replace("## Restore fails\n\n", "## Restore fails\n\n<!-- backup-triage-disable TS001 -->\n")
    (tmp_path / "en-us").mkdir()
    (tmp_path / "en-us" / "links.md").write_text(text)
    finding = broken(lint([tmp_path], config=load_config(start=tmp_path), base=tmp_path))
    assert [place.line for place in finding.locations] == [11, 20]


def test_link_target_lists_every_link_to_the_missing_file(tmp_path: Path):
    (tmp_path / "en-us").mkdir()
    body = HEADER + "# Backup\n\nSee [prepare](prepare.md).\n\nThen [prepare again](prepare.md).\n"
    (tmp_path / "en-us" / "page.md").write_text(body)
    report = lint([tmp_path], config=load_config(start=tmp_path), base=tmp_path)
    finding = next(f for f in report.findings if f.alias == "link-target")
    assert [place.line for place in finding.locations] == [9, 11]


def test_duplicate_anchor_lists_every_definition(tmp_path: Path):
    (tmp_path / "en-us").mkdir()
    body = (HEADER + "# Backup\n\nSee [the fix](#fix).\n\n## <a name=\"fix\"></a>Network\n\nOpen it.\n\n"
            "## <a name=\"fix\"></a>Agent\n\nRestart it.\n\n## <a name=\"fix\"></a>Disk\n\nResize it.\n")
    (tmp_path / "en-us" / "page.md").write_text(body)
    report = lint([tmp_path], config=load_config(start=tmp_path), base=tmp_path)
    finding = next(f for f in report.findings if f.alias == "duplicate-anchor")
    assert sorted(place.line for place in finding.locations) == [11, 15, 19]


def test_the_official_schema_rejects_what_it_should(report):
    """The schema the SARIF tests validate against is the real one: a result without a message fails it."""
    import jsonschema

    from .sarif_schema import official_schema

    log = json.loads(render(report, "sarif"))
    del log["runs"][0]["results"][0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(official_schema()).validate(log)
