"""Which export a file is, from its content (never from its name)."""
from __future__ import annotations

import re
from typing import Any

from loaders.jobs.importers import azcli
from loaders.jobs.importers.loganalytics import is_la_record
from loaders.jobs.importers.rest import example_bodies, is_api_example, is_job_object, is_null_page, is_page

# format -> (source label prefix, description shown to the user)
EXPORT_FORMATS: dict[str, tuple[str, str]] = {
    "az-cli": ("az-cli", "az backup job JSON"),
    "rest": ("rest", "REST backupJobs JSON"),
    "rest-example": ("rest", "REST API example JSON"),
    "resource-graph": ("resource-graph", "Resource Graph JSON"),
    "la-rows": ("log-analytics", "Log Analytics JSON rows"),
    "la-query": ("log-analytics", "Log Analytics query JSON"),
    "la-csv": ("log-analytics", "Log Analytics CSV"),
}
EXPECTED = ("expected az backup job JSON, a REST backupJobs response, or a Log Analytics "
            "AddonAzureBackupJobs export (CSV or JSON)")

_BINARY_SIGNATURES = {
    b"PK\x03\x04": "a ZIP archive (an Excel workbook?); export the data as CSV or JSON",
    b"\xd0\xcf\x11\xe0": "a legacy Office document; export the data as CSV or JSON",
    b"%PDF": "a PDF document",
    b"\x1f\x8b": "a gzip archive; decompress it first",
    b"PAR1": "a Parquet file",
    b"SQLite format 3": "an SQLite database",
}


def binary_kind(data: bytes) -> str | None:
    """A description when the bytes are clearly not a text export."""
    for signature, description in _BINARY_SIGNATURES.items():
        if data.startswith(signature):
            return description
    head = data[:4096]
    if b"\x00" in head and not (head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff")):
        return "binary data"
    return None


def looks_like_json(text: str) -> bool:
    return text.lstrip()[:1] in ("{", "[")


_JOB_LIST_FORMATS = ("rest", "az-cli", "resource-graph")


def example_body(example: Any) -> tuple[str, Any] | None:
    """(JSONPath, body) of the first response of a REST API example whose body holds jobs, or None."""
    if not is_api_example(example):
        return None
    return next(((path, body) for path, body in example_bodies(example) if detect_json(body) in _JOB_LIST_FORMATS),
                None)


def detect_json(doc: Any) -> str | None:
    """Format of a parsed JSON document, or None."""
    if isinstance(doc, dict):
        if is_api_example(doc):
            return "rest-example" if example_body(doc) is not None else None
        if is_null_page(doc):
            return "rest"
        if isinstance(doc.get("tables"), list):
            return "la-query"
        if is_page(doc):
            return "rest" if _holds_jobs(doc["value"]) else None
        if isinstance(doc.get("data"), list) and ("totalRecords" in doc or "$skipToken" in doc or "count" in doc):
            return "resource-graph" if _holds_jobs(doc["data"]) else None
        if is_job_object(doc):
            return "az-cli" if azcli.is_cli_job(doc) else "rest"
        if is_la_record(doc):
            return "la-rows"
        return None
    if isinstance(doc, list):
        sample = next((item for item in doc if isinstance(item, dict)), None)
        if sample is None:
            return "rest" if not doc else None
        if is_page(sample):
            pages = [p for p in doc if is_page(p)]
            return "rest" if _holds_jobs([job for page in pages for job in page["value"]]) else None
        if is_la_record(sample):
            return "la-rows"
        if is_job_object(sample):
            return "az-cli" if azcli.is_cli_job(sample) else "rest"
    return None


def _holds_jobs(items: list[Any]) -> bool:
    """An empty list is a valid (empty) result; a non-empty one must contain at least one job."""
    return not items or any(is_job_object(item) for item in items)


def detect_broken_json(text: str) -> str | None:
    """Format of a JSON text that does not parse as a whole, from the keys it contains."""
    head = text[:200_000]
    if re.search(r'"tables"\s*:', head) and re.search(r'"columns"\s*:', head):
        return "la-query"
    if re.search(r'"jobuniqueid', head, re.IGNORECASE):
        return "la-rows"
    if re.search(r"/backupjobs/", head, re.IGNORECASE) or re.search(r'"properties"\s*:', head):
        if re.search(r'"totalRecords"\s*:', head):
            return "resource-graph"
        return "az-cli" if re.search(r'"resourceGroup"\s*:\s*"', head) else "rest"
    return None
