"""Recovery Services job resources (REST `backupJobs` list/get bodies, `az backup job` output,
Resource Graph rows) to JobRows.

The same JobResource shape arrives in several envelopes: a list page `{"value": [...],
"nextLink": ...}`, a single job, a JSON list of pages, a plain list of jobs (`az backup job list`),
a Resource Graph response `{"data": [...]}`, or an example of the REST API specification
(`{"parameters": {...}, "responses": {"200": {"body": <one of the above>}}}`). Field quirks handled:
`/Subscriptions/` ids, integer or string `errorCode`, `errorDetails` missing/null/[], ISO-8601, .NET or
str(timedelta) durations, `+00:00`/`Z`/7-digit fractions, flat Resource Graph rows without `properties`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from loaders.jobs.importers.base import Parsed, RecordError
from loaders.jobs.normalize import (
    check_job_times,
    first_text,
    normalize_backup_management_type,
    normalize_operation,
    normalize_os_type,
    normalize_status,
    parse_bool,
    parse_datetime,
    parse_duration,
    parse_error_code,
    parse_vault_id,
    vault_arm_id,
    vm_from_container,
)
from loaders.jobs.schema import JobRow


def _lower_keys(obj: dict[str, Any]) -> dict[str, Any]:
    return {str(k).lower(): v for k, v in obj.items()}


_JOB_PROPERTY_KEYS = frozenset({"jobType", "operation", "entityFriendlyName"})


def is_job_object(value: Any) -> bool:
    """A backup job resource: its id names a job under a vault, or its properties are a Job's."""
    if not isinstance(value, dict):
        return False
    ident = value.get("id")
    if isinstance(ident, str) and "/backupjobs/" in ident.lower():
        return True
    props = value.get("properties")
    return isinstance(props, dict) and bool(_JOB_PROPERTY_KEYS & props.keys())


def is_page(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("value"), list)


# Responses of an API example that can carry jobs: list and get answer 200; the others are accepted too.
EXAMPLE_STATUSES = ("200", "201", "202")


def is_api_example(value: Any) -> bool:
    """An example file of the REST API specification: the request's parameters and the responses."""
    return (isinstance(value, dict) and isinstance(value.get("parameters"), dict)
            and isinstance(value.get("responses"), dict))


def example_bodies(example: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """(JSONPath, body) of each response of an API example that has a body, in the order of EXAMPLE_STATUSES."""
    for status in EXAMPLE_STATUSES:
        response = example["responses"].get(status)
        if isinstance(response, dict) and "body" in response:
            yield f'$.responses["{status}"].body', response["body"]


def _field(obj: dict[str, Any], name: str, parse: Any) -> Any:
    try:
        return parse(obj.get(name.lower()))
    except ValueError as exc:
        raise RecordError(f"{name}: {exc}") from None


def job_to_row(job: dict[str, Any], source: str, ingest_time: dt.datetime) -> JobRow:
    """One JobResource (or a flat Resource Graph row) to a JobRow; RecordError when it cannot be."""
    top = _lower_keys(job)
    props_raw = top.get("properties")
    if props_raw is not None and not isinstance(props_raw, dict):
        raise RecordError(f"properties is {type(props_raw).__name__}, expected an object")
    props = _lower_keys(props_raw) if isinstance(props_raw, dict) else top

    ref = parse_vault_id(top.get("id") if isinstance(top.get("id"), str) else None)
    if ref is not None:
        subscription, resource_group, vault_name, vault_id = (
            ref.subscription_id, ref.resource_group, ref.vault_name, ref.vault_id)
    else:
        subscription = first_text(top.get("subscriptionid"))
        resource_group = first_text(top.get("resourcegroup"))
        vault_name = first_text(top.get("vaultname"))
        if not (subscription and resource_group and vault_name):
            raise RecordError("no vault: `id` is not a Recovery Services backup job id "
                              f"({top.get('id')!r}) and subscriptionId/resourceGroup/vaultName are incomplete")
        subscription = subscription.lower()
        vault_id = vault_arm_id(subscription, resource_group, vault_name)
    job_id = (ref.job_name if ref and ref.job_name else None) or first_text(top.get("name"), props.get("jobid"))
    if not job_id:
        raise RecordError("no job id: neither `id` ends in /backupJobs/<id> nor `name` is set")

    start = _field(props, "startTime", parse_datetime)
    end = _field(props, "endTime", parse_datetime)
    duration = _field(props, "duration", parse_duration)
    try:
        check_job_times(start, end, duration, ingest_time, ("startTime", "endTime", "duration"))
    except ValueError as exc:
        raise RecordError(str(exc)) from None
    if duration is None and start is not None and end is not None:
        duration = (end - start).total_seconds()

    user_triggered = _field(props, "isUserTriggered", parse_bool)
    if user_triggered is None:  # Resource Graph rows projected as in the documented sample query
        user_triggered = _field(props, "adhoc", parse_bool)
    container_vm_id, container_vm = vm_from_container(first_text(props.get("containername")), subscription)
    extended = props.get("extendedinfo") if isinstance(props.get("extendedinfo"), dict) else {}
    property_bag = extended.get("propertyBag") if isinstance(extended.get("propertyBag"), dict) else {}

    code_number, code_name, message = None, None, None
    details = props.get("errordetails")
    if details is not None:
        if isinstance(details, dict):
            details = [details]
        if not isinstance(details, list):
            raise RecordError(f"errorDetails is {type(details).__name__}, expected a list")
        first = next((d for d in details if isinstance(d, dict)), None)
        if first is not None:
            first = _lower_keys(first)
            try:
                code = parse_error_code(first.get("errorcode"))
            except ValueError as exc:
                raise RecordError(f"errorDetails[0].errorCode: {exc}") from None
            code_number, code_name = code.number, code.name
            message = first_text(first.get("errorstring"), first.get("errormessage"))
    if message is None:
        message = first_text(extended.get("dynamicErrorMessage"))

    return JobRow(
        vault_id=vault_id,
        job_id=job_id,
        subscription_id=subscription,
        resource_group=resource_group,
        vault_name=vault_name,
        region=first_text(top.get("location")),
        vm_id=container_vm_id,
        vm_name=first_text(props.get("entityfriendlyname"), props.get("friendlyname"),
                           property_bag.get("VM Name"), container_vm),
        os_type=normalize_os_type(first_text(props.get("ostype"))),
        backup_management_type=normalize_backup_management_type(props.get("backupmanagementtype")),
        operation=normalize_operation(props.get("operation")),
        status=normalize_status(props.get("status")),
        is_scheduled=None if user_triggered is None else not user_triggered,
        start_time=start,
        end_time=end,
        duration_s=duration,
        error_code_int=code_number,
        error_code=code_name,
        error_message=message,
        guide_article=None,
        guide_error_id=None,
        error_category=None,
        source=source,
        ingest_time=ingest_time,
    )


def iter_jobs(doc: Any) -> Iterator[tuple[str, Any]]:
    """(JSON path, candidate job) for every record of a parsed REST/CLI/Resource Graph document."""
    if isinstance(doc, dict):
        if is_page(doc):
            for i, item in enumerate(doc["value"]):
                yield f"$.value[{i}]", item
        elif isinstance(doc.get("data"), list):
            for i, item in enumerate(doc["data"]):
                yield f"$.data[{i}]", item
        else:
            yield "$", doc
    elif isinstance(doc, list):
        for i, element in enumerate(doc):
            if is_page(element):
                for j, item in enumerate(element["value"]):
                    yield f"$[{i}].value[{j}]", item
            else:
                yield f"$[{i}]", element


def add_job(parsed: Parsed, location: str, job: Any, ingest_time: dt.datetime) -> None:
    too_deep = parsed.too_deep_reason(location)
    if too_deep:
        parsed.reject(location, too_deep, job)
        return
    if not isinstance(job, dict):
        parsed.reject(location, f"expected a job object, found {type(job).__name__}", job)
        return
    if not is_job_object(job):
        parsed.reject(location, "not a backup job: `id` names no /backupJobs/ and `properties` hold no job fields", job)
        return
    try:
        row = job_to_row(job, parsed.source, ingest_time)
    except RecordError as exc:
        parsed.reject(location, str(exc), job)
        return
    except Exception as exc:  # a shape no rule foresaw must cost this record, not the file
        parsed.reject(location, f"could not read this record ({type(exc).__name__}: {exc})", job)
        return
    parsed.add_row(location, row, None)


def is_null_page(value: Any) -> bool:
    """A list page whose `value` is null instead of a list: some tools write that for "no jobs"."""
    return (isinstance(value, dict) and "value" in value and value["value"] is None
            and set(value) <= _PAGE_KEYS)


_PAGE_KEYS = frozenset({"value", "nextLink", "@odata.nextLink", "odata.nextLink"})


def expand_page(value: Any) -> list[Any] | None:
    return value["value"] if is_page(value) else None
