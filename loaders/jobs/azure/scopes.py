"""What a sync covers: vault resource ids given directly, and subscriptions whose Recovery
Services vaults are listed through ARM (`GET /subscriptions/{id}/providers/
Microsoft.RecoveryServices/vaults`, sent through the backup client's own pipeline so it gets the
same credential, retries and pacing; azure-mgmt-recoveryservices is not needed)."""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from azure.core.rest import HttpRequest

from loaders.jobs.azure.client import VAULTS_API_VERSION
from loaders.jobs.normalize import parse_vault_id

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_SUBSCRIPTION = re.compile(rf"^(?:/subscriptions/)?(?P<sub>{_GUID})/?$", re.IGNORECASE)
_WHOLE_VAULT_ID = re.compile(
    r"^/subscriptions/[^/]+/resourcegroups/[^/]+/providers/microsoft\.recoveryservices/vaults/[^/]+/?$",
    re.IGNORECASE,
)
MAX_VAULT_LIST_PAGES = 1000  # a guard against a service that keeps handing out the same link


@dataclass(frozen=True)
class VaultTarget:
    vault_id: str  # lower-cased canonical ARM id (the key jobs are stored under)
    subscription_id: str
    resource_group: str
    vault_name: str
    location: str | None = None

    @property
    def label(self) -> str:
        return f"{self.vault_name} (resource group {self.resource_group}, subscription {self.subscription_id})"


@dataclass
class Scopes:
    vaults: list[VaultTarget] = field(default_factory=list)
    subscriptions: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)  # messages naming each scope that is neither


def vault_target(arm_id: str, location: str | None = None) -> VaultTarget | None:
    """The vault an ARM id names, or None when it names no vault or something below one."""
    if not _WHOLE_VAULT_ID.match(arm_id.strip()):
        return None
    ref = parse_vault_id(arm_id.strip())
    if ref is None:
        return None
    return VaultTarget(ref.vault_id, ref.subscription_id, ref.resource_group, ref.vault_name, location)


def classify_scopes(scopes: Iterable[str]) -> Scopes:
    """Split scopes into vault ids and subscription ids (`<guid>` or `/subscriptions/<guid>`);
    duplicates are dropped, anything else is named in `invalid`."""
    out = Scopes()
    seen: set[str] = set()
    for raw in scopes:
        text = (raw or "").strip()
        sub = _SUBSCRIPTION.match(text)
        if sub:
            key = sub.group("sub").lower()
            if key not in seen:
                seen.add(key)
                out.subscriptions.append(key)
            continue
        target = vault_target(text)
        if target is None:
            out.invalid.append(f"{raw!r} is neither a subscription id nor a Recovery Services vault resource id "
                               "(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.RecoveryServices/vaults/<name>)")
            continue
        if target.vault_id not in seen:
            seen.add(target.vault_id)
            out.vaults.append(target)
    return out


def list_vaults(client: Any, subscription_id: str, call_kwargs: dict[str, Any]) -> list[VaultTarget]:
    """Recovery Services vaults of a subscription that the identity may read, following nextLink."""
    url: str | None = (f"/subscriptions/{quote(subscription_id)}/providers/Microsoft.RecoveryServices/vaults"
                       f"?api-version={VAULTS_API_VERSION}")
    found: list[VaultTarget] = []
    pages = 0
    while url and pages < MAX_VAULT_LIST_PAGES:
        pages += 1
        response = client.send_request(HttpRequest("GET", url), **call_kwargs)
        response.raise_for_status()
        body = response.json()
        for item in body.get("value") or []:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            target = vault_target(item["id"], item.get("location") if isinstance(item.get("location"), str) else None)
            if target is not None:
                found.append(target)
        url = body.get("nextLink") or None
    return found


def vault_location(client: Any, target: VaultTarget, call_kwargs: dict[str, Any]) -> str | None:
    """The Azure region of one vault (GET on the vault resource)."""
    url = (f"/subscriptions/{quote(target.subscription_id)}/resourceGroups/{quote(target.resource_group)}"
           f"/providers/Microsoft.RecoveryServices/vaults/{quote(target.vault_name)}"
           f"?api-version={VAULTS_API_VERSION}")
    response = client.send_request(HttpRequest("GET", url), **call_kwargs)
    response.raise_for_status()
    body = response.json()
    location = body.get("location") if isinstance(body, dict) else None
    return location if isinstance(location, str) and location else None
