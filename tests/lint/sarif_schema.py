"""SARIF checks: the official SARIF 2.1.0 JSON schema (as Microsoft's SARIF SDK ships it in the npm
package @microsoft/jest-sarif, fetched once with `npm pack` into .cache/), and on top of it the parts
GitHub code scanning requires (docs.github.com, "SARIF support for code scanning")."""
from __future__ import annotations

import functools
import json
import shutil
import subprocess
import tarfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCHEMA_PACKAGE = "@microsoft/jest-sarif@1.0.0-beta.0"
SCHEMA_MEMBER = "package/lib/schemas/sarif-2.1.0-rtm.5.json"
SCHEMA_CACHE = REPO / ".cache" / "sarif-schema"


@functools.cache
def official_schema() -> dict:
    """The OASIS SARIF 2.1.0 schema (draft-04), from the package that ships it; a machine without npm
    fails here with what to install rather than validating less."""
    target = SCHEMA_CACHE / Path(SCHEMA_MEMBER).name
    if not target.is_file():
        npm = shutil.which("npm")
        assert npm, "npm is needed once to fetch the official SARIF schema (apt-get install npm)"
        SCHEMA_CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run([npm, "pack", SCHEMA_PACKAGE, "--pack-destination", str(SCHEMA_CACHE), "--silent"],
                       check=True, timeout=300, capture_output=True)
        tarball = next(SCHEMA_CACHE.glob("microsoft-jest-sarif-*.tgz"))
        with tarfile.open(tarball) as archive:
            member = archive.extractfile(SCHEMA_MEMBER)
            assert member is not None, f"{SCHEMA_MEMBER} is not in {tarball.name}"
            target.write_bytes(member.read())
    schema = json.loads(target.read_text(encoding="utf-8"))
    assert "SARIF" in schema["title"] and "2.1.0" in schema["title"], schema["title"]
    return schema

LOCATION = {
    "type": "object", "required": ["physicalLocation"], "properties": {"physicalLocation": {
        "type": "object", "required": ["artifactLocation", "region"], "properties": {
            "artifactLocation": {"type": "object", "required": ["uri"]},
            "region": {"type": "object", "required": ["startLine"], "properties": {
                "startLine": {"type": "integer", "minimum": 1},
                "startColumn": {"type": "integer", "minimum": 1}}}}}},
}

GITHUB_SARIF = {
    "type": "object",
    "required": ["version", "runs", "$schema"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "minItems": 1, "items": {
            "type": "object",
            "required": ["tool", "results"],
            "properties": {
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name", "rules"],
                    "properties": {"rules": {"type": "array", "items": {
                        "type": "object",
                        "required": ["id", "name", "shortDescription", "fullDescription", "helpUri",
                                     "defaultConfiguration"],
                        "properties": {
                            "shortDescription": {"type": "object", "required": ["text"]},
                            "fullDescription": {"type": "object", "required": ["text"]},
                            "helpUri": {"type": "string", "format": "uri", "pattern": "^[a-z]+:"},
                            "defaultConfiguration": {"type": "object", "required": ["level"], "properties": {
                                "level": {"enum": ["error", "warning", "note", "none"]}}},
                        }}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object",
                    "required": ["ruleId", "ruleIndex", "level", "message", "locations"],
                    "properties": {
                        "level": {"enum": ["error", "warning", "note", "none"]},
                        "message": {"type": "object", "required": ["text"]},
                        "locations": {"type": "array", "minItems": 1, "items": LOCATION},
                        # further places of the same finding, and the source article of a translation finding
                        "relatedLocations": {"type": "array", "uniqueItems": True, "items": {
                            **LOCATION, "required": ["id", "physicalLocation", "message"], "properties": {
                                **LOCATION["properties"], "id": {"type": "integer", "minimum": 0},
                                "message": {"type": "object", "required": ["text"]}}}},
                    }}},
            }}},
    },
}


def checked_run(sarif_text: str) -> dict:
    """The one run of a SARIF log, once the log is valid SARIF 2.1.0 (the official schema), valid for
    code scanning, and every result's ruleIndex points at the driver rule of its ruleId."""
    import jsonschema

    log = json.loads(sarif_text)
    official = jsonschema.Draft4Validator(official_schema(), format_checker=jsonschema.FormatChecker())
    problems = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in official.iter_errors(log)]
    assert problems == [], problems[:5]
    jsonschema.validate(log, GITHUB_SARIF)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        ids = [related["id"] for related in result.get("relatedLocations", [])]
        assert len(ids) == len(set(ids)), "relatedLocations ids are unique within a result"
    return run
