"""Reading one vault's `backupJobs` list page by page through the SDK client's pipeline, following
`nextLink` as the SDK pager does, surviving pages whose body is not valid JSON.

When a page cannot be decoded it is requested again (a cut-off transfer is usually transient); if
it stays damaged, the intact job objects in it are kept, the page is reported as damaged, and
reading resumes from the `nextLink` still legible in the body. When that link is lost too, the
rest of the list cannot be reached: `LostPages` says so and the caller keeps the watermark where it was.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from azure.core.exceptions import DecodeError
from azure.core.rest import HttpRequest

from loaders.jobs.importers import rest
from loaders.jobs.importers.jsonscan import salvage

_NEXT_LINK = re.compile(r'"nextLink"\s*:\s*("(?:[^"\\]|\\.)*"|null)')


@dataclass
class Page:
    number: int  # 1-based, counted over the whole read
    items: list[tuple[int, Any]]  # (index in the page, the item as raw JSON)
    damage: str | None = None  # why the page body was not usable as a whole
    body: str | None = None  # the damaged body, for the quarantine


class LostPages(Exception):
    """Pages after a damaged one are out of reach: the damaged body names no next page."""


JOBS_API_VERSION = "2026-10-01"  # the api-version azure-mgmt-recoveryservicesbackup 11.2 sends


def first_page_url(client: Any, vault_name: str, resource_group: str, job_filter: str) -> str:
    config = getattr(client, "_config", None)
    subscription = getattr(config, "subscription_id", "")
    return (f"/subscriptions/{quote(subscription, safe='')}/resourceGroups/{quote(resource_group, safe='')}"
            f"/providers/Microsoft.RecoveryServices/vaults/{quote(vault_name, safe='')}/backupJobs"
            f"?api-version={_api_version(client)}&$filter={quote(job_filter, safe='')}")


def _api_version(client: Any) -> str:
    return getattr(getattr(client, "_config", None), "api_version", None) or JOBS_API_VERSION


def next_page_url(link: str, api_version: str) -> str:
    """The service's nextLink, as the SDK follows it: as given (host included), with the client's
    own api-version in place of whatever the link carries."""
    parts = urlsplit(link)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k.lower() != "api-version"]
    query.append(("api-version", api_version))
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote)))


def read_pages(client: Any, vault_name: str, resource_group: str, job_filter: str,
               call_kwargs: dict[str, Any], damaged_page_retries: int = 1) -> Iterator[Page]:
    """The vault's list, page by page, through the client's own pipeline (credential, retries,
    pacing) as raw JSON: the items are stored as they came, so they are not turned into SDK models
    first (which costs more than everything else a sync does with a job)."""
    url: str | None = first_page_url(client, vault_name, resource_group, job_filter)
    api_version = _api_version(client)
    number = 0
    retries_left = damaged_page_retries
    while url:
        body = _page_body(client, url, call_kwargs)
        try:
            doc = json.loads(body)
            if not isinstance(doc, dict) or not isinstance(doc.get("value"), list):
                raise ValueError("no `value` list")
        except ValueError as exc:
            if retries_left > 0:  # a cut-off transfer is usually transient: ask for the same page again
                retries_left -= 1
                continue
            retries_left = damaged_page_retries
            number += 1
            items, next_link, ends = salvage_page(body)
            reason = f"page body is not a readable job list ({_reason(exc)}); {len(items)} intact job(s) kept"
            yield Page(number, items, damage=reason, body=body)
            if next_link is None:
                if ends:
                    return
                raise LostPages(f"page {number} is damaged and its link to the next page cannot be read; "
                                "later pages were not fetched") from None
            url = next_page_url(next_link, api_version)
            continue
        number += 1
        retries_left = damaged_page_retries
        yield Page(number, list(enumerate(doc["value"])))
        link = doc.get("nextLink")
        url = next_page_url(link, api_version) if isinstance(link, str) and link else None


def _page_body(client: Any, url: str, call_kwargs: dict[str, Any]) -> str:
    try:
        response = client.send_request(HttpRequest("GET", url), **call_kwargs)
    except DecodeError as exc:  # the pipeline could not decode the JSON body: it is read as damaged
        response = exc.response
        if response is None:
            raise
        return response.text()
    response.raise_for_status()
    return response.text()


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:200]


def salvage_page(body: str) -> tuple[list[tuple[int, Any]], str | None, bool]:
    """(intact job objects, nextLink if legible, whether the body says it is the last page)."""
    try:
        doc = json.loads(body)
    except ValueError:
        doc = None
    if isinstance(doc, dict):
        value = doc.get("value")
        items = list(enumerate(value)) if isinstance(value, list) else []
        link = doc.get("nextLink")
        return items, link if isinstance(link, str) and link else None, not link
    records, _damages = salvage(body, "{", is_record=rest.is_job_object, is_container=rest.is_page)
    items = [(i, record.value) for i, record in enumerate(records)]
    match = _NEXT_LINK.search(body)
    if match is None:
        return items, None, False
    literal = json.loads(match.group(1))
    return items, literal or None, literal is None
