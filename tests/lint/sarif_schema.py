"""The parts of SARIF 2.1.0 GitHub code scanning reads (docs.github.com, "SARIF support for code scanning")."""
from __future__ import annotations

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
                        "required": ["id", "name", "shortDescription", "fullDescription", "helpUri", "defaultConfiguration"],
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
    """The one run of a SARIF log, once the log is valid for code scanning and every result's
    ruleIndex points at the driver rule of its ruleId."""
    import json

    import jsonschema

    log = json.loads(sarif_text)
    jsonschema.validate(log, GITHUB_SARIF)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        ids = [related["id"] for related in result.get("relatedLocations", [])]
        assert len(ids) == len(set(ids)), "relatedLocations ids are unique within a result"
    return run
