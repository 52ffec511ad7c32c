"""Reading one vault's `backupJobs` list page by page through the SDK pager, surviving pages
whose body is not valid JSON.

The SDK follows `nextLink` itself. When a page cannot be decoded the pager stops, so the page is
requested again (a cut-off transfer is usually transient); if it stays damaged, the intact job
objects in it are kept, the page is reported as damaged, and reading resumes from the `nextLink`
still legible in the body. When that link is lost too, the rest of the list cannot be reached:
`LostPages` says so and the caller keeps the watermark where it was.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from azure.core.exceptions import DecodeError

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


@dataclass
class PageState:
    """Kept across a damaged page: the last response seen, whatever its shape."""

    last_body: str | None = None

    def hook(self, response: Any) -> None:
        try:
            self.last_body = response.http_response.text()
        except Exception:  # a streamed or undecodable body: nothing to salvage from
            self.last_body = None


def _raw(item: Any) -> Any:
    """The item as the JSON it arrived as (azure-mgmt 11 models round-trip through as_dict)."""
    as_dict = getattr(item, "as_dict", None)
    return as_dict() if callable(as_dict) else item


def read_pages(client: Any, vault_name: str, resource_group: str, job_filter: str,
               call_kwargs: dict[str, Any], damaged_page_retries: int = 1) -> Iterator[Page]:
    state = PageState()
    previous_hook = call_kwargs.get("raw_response_hook")

    def hook(response: Any) -> None:
        state.hook(response)
        if previous_hook is not None:
            previous_hook(response)

    kwargs = {**call_kwargs, "raw_response_hook": hook}
    token: str | None = None
    number = 0
    retries_left = damaged_page_retries
    while True:
        pager = client.backup_jobs.list(vault_name, resource_group, filter=job_filter, **kwargs).by_page(
            continuation_token=token)
        try:
            while True:
                try:
                    page = next(pager)
                except StopIteration:
                    return
                items = [(i, _raw(item)) for i, item in enumerate(page)]
                number += 1
                retries_left = damaged_page_retries
                yield Page(number, items)
        except (DecodeError, ValueError, TypeError, AttributeError) as exc:
            # The pager's link for the page that failed (None: the first request).
            failed_link = pager.continuation_token
            if retries_left > 0:
                retries_left -= 1
                token = failed_link
                continue
            retries_left = damaged_page_retries
            number += 1
            body = _body_of(exc, state)
            items, next_link, ends = salvage_page(body)
            reason = f"page body is not a readable job list ({_reason(exc)}); {len(items)} intact job(s) kept"
            yield Page(number, items, damage=reason, body=body)
            if next_link is None:
                if ends:
                    return
                raise LostPages(f"page {number} is damaged and its link to the next page cannot be read; "
                                "later pages were not fetched") from None
            token = next_link


def _body_of(exc: BaseException, state: PageState) -> str:
    response = getattr(exc, "response", None)
    if response is not None:
        try:
            return response.text()
        except Exception:
            pass
    return state.last_body or ""


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
