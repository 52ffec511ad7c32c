"""The stand-in's two query services, answered from the same vaults and jobs as the ARM routes:
Resource Graph `resources` (RecoveryServicesResources rows, `$skipToken` paging) and the Log Analytics
query API (`AddonAzureBackupJobs` rows kept per workspace). Neither runs KQL: Resource Graph reads the
start time out of the product's query, Log Analytics its `TimeGenerated` bounds, and both answer the
raw rows in that range, so the product's own de-duplication is what the tests see. Canned answers in
`MockAzure.la_answers` are served first (for the aggregate queries)."""
from __future__ import annotations

import base64
import datetime as dt
import json
import re
from typing import Any

from .generated import failure_code_name
from .server import ArmError, MockAzure, MockVault

_DATETIME = re.compile(r"\bdatetime\(([^)]+)\)")
LA_COLUMNS = (("TimeGenerated", "datetime"), ("JobUniqueId", "string"), ("SchemaVersion", "string"),
              ("ResourceId", "string"), ("SubscriptionId", "string"), ("ResourceGroupName", "string"),
              ("VaultName", "string"), ("BackupItemFriendlyName", "string"), ("BackupManagementType", "string"),
              ("JobOperation", "string"), ("JobStatus", "string"), ("JobFailureCode", "string"),
              ("JobStartDateTime", "datetime"), ("JobDurationInSecs", "real"), ("AdHocOrScheduledJob", "string"))


def _moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(dt.UTC).replace(tzinfo=None)


def _offset(token: str | None) -> int:
    return int(json.loads(base64.b64decode(token))["offset"]) if token else 0


def answer_resource_graph(azure: MockAzure, body: dict[str, Any]) -> dict[str, Any]:
    query = body.get("query") or ""
    if "RecoveryServicesResources" not in query:
        raise ArmError(400, "BadRequest", "unknown table")
    found = _DATETIME.search(query)
    start = _moment(found.group(1)) if found else dt.datetime.min
    subscriptions = {s.lower() for s in body.get("subscriptions") or []}
    rows = []
    for vault in azure.vaults.values():
        if vault.subscription_id.lower() not in subscriptions:
            continue
        for job in vault.jobs:
            props = job.get("properties") or {}
            began = props.get("startTime")
            if not began or _moment(began) < start:
                continue
            rows.append({"id": job["id"], "name": job["name"], "subscriptionId": vault.subscription_id,
                         "resourceGroup": vault.resource_group.lower(), "location": vault.location,
                         "properties": props})
    rows.sort(key=lambda r: r["id"].lower())
    options = body.get("options") or {}
    top = int(options.get("$top") or 1000)
    offset = _offset(options.get("$skipToken"))
    page = rows[offset: offset + top]
    answer: dict[str, Any] = {"totalRecords": len(rows), "count": len(page), "resultTruncated": "false",
                              "data": page, "facets": []}
    if offset + top < len(rows):
        answer["$skipToken"] = base64.b64encode(json.dumps({"offset": offset + top}).encode()).decode()
    return answer


def answer_log_analytics(azure: MockAzure, workspace: str, body: dict[str, Any]) -> dict[str, Any]:
    if azure.la_answers:
        return azure.la_answers.pop(0)
    if workspace not in azure.workspaces:
        raise ArmError(404, "WorkspaceNotFoundError", f"workspace {workspace} not found")
    bounds = [_moment(m) for m in _DATETIME.findall(body.get("query") or "")]
    after, until = (bounds + [dt.datetime.min, dt.datetime.max])[:2] if bounds else (dt.datetime.min, dt.datetime.max)
    rows = [row for row in azure.workspaces[workspace]
            if after < _moment(row[0]) <= until and row[8] == "IaaSVM"]
    return {"tables": [{"name": "PrimaryResult", "columns": [{"name": n, "type": t} for n, t in LA_COLUMNS],
                        "rows": rows}]}


def add_workspace(azure: MockAzure, workspace: str, vaults: list[MockVault], v1_twins: bool = True) -> None:
    """Records the vaults' diagnostic settings would have sent for their jobs: an InProgress record a
    minute after the start, the final one a minute after the end, each also as a V1 twin."""
    rows: list[list[Any]] = []
    for vault in vaults:
        for job in vault.jobs:
            props = job["properties"]
            start = _moment(props["startTime"])
            records = [("InProgress", start + dt.timedelta(minutes=1), None)]
            if props["status"] != "InProgress":
                end = _moment(props["endTime"])
                records.append((props["status"], end + dt.timedelta(minutes=1), failure_code_name(job)))
            for status, logged, code in records:
                for schema in ("V2", "V1") if v1_twins else ("V2",):
                    duration = None if status == "InProgress" else (_moment(props["endTime"]) - start).total_seconds()
                    rows.append([logged.isoformat() + "Z", job["name"], schema, vault.arm_id, vault.subscription_id,
                                 vault.resource_group, vault.name, props["entityFriendlyName"], "IaaSVM", "Backup",
                                 status, code or "None", start.isoformat() + "Z", duration, "Scheduled"])
    azure.workspaces[workspace.lower()] = rows
