"""Link a job's error to troubleshooting guidance through the error catalog: `job_guidance` gives
the article slug, error id and category a job row stores.

Order: the string code name (Log Analytics `JobFailureCode`), then the integer code (REST
`errorCode`), then the English message, where the catalog allows a prefix match because older
service messages carried a " - <recommendation>" tail. An error the catalog does not know stays
visible: category "unknown", raw code and message kept. A job without any error gets no
guidance at all, except a Failed job that carries no error details: it did fail, so it is
counted as "unknown" rather than vanishing from failure statistics.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from loaders.jobs.catalog import load_catalog
from loaders.jobs.schema import FAILED, UNKNOWN_CATEGORY, JobRow


class CatalogLike(Protocol):
    def match(self, code: str | None = None, message: str | None = None,
              numeric: int | None = None) -> Any: ...


@dataclass(frozen=True)
class JobGuidance:
    article: str | None
    error_id: str | None
    category: str | None
    code: str | None = None  # the catalog's code name, when the job carried only a number or a message

    @property
    def known(self) -> bool:
        return self.article is not None or (self.category not in (None, UNKNOWN_CATEGORY))


NO_ERROR_GUIDANCE = JobGuidance(None, None, None)
UNKNOWN_GUIDANCE = JobGuidance(None, None, UNKNOWN_CATEGORY)


def job_guidance(catalog: CatalogLike | None, code: str | None, numeric: int | None,
                 message: str | None, failed: bool = False) -> JobGuidance:
    if not (code or numeric is not None or message):
        return UNKNOWN_GUIDANCE if failed else NO_ERROR_GUIDANCE
    if catalog is None:
        return UNKNOWN_GUIDANCE
    entry = None
    if code:
        entry = catalog.match(code=code)
    if entry is None and numeric is not None:
        entry = catalog.match(numeric=numeric)
    if entry is None and message:
        entry = catalog.match(message=message)
    if entry is None:
        return UNKNOWN_GUIDANCE
    return JobGuidance(
        article=getattr(entry, "article", None) or None,
        error_id=getattr(entry, "error_id", None) or None,
        category=getattr(entry, "category", None) or UNKNOWN_CATEGORY,
        code=getattr(entry, "code", None) or None,
    )


class Resolver:
    """Resolves many rows against one catalog, remembering each distinct error it has seen."""

    def __init__(self, catalog: CatalogLike | None) -> None:
        self.catalog = catalog
        self._seen: dict[tuple, JobGuidance] = {}

    def guidance_for(self, code: str | None, numeric: int | None, message: str | None,
                     failed: bool = False) -> JobGuidance:
        key = (code, numeric, message, failed)
        hit = self._seen.get(key)
        if hit is None:
            hit = self._seen[key] = job_guidance(self.catalog, code, numeric, message, failed)
        return hit

    def apply(self, row: JobRow) -> JobRow:
        """Set the row's guide fields (in place; the row is returned). A code name learnt from the
        catalog fills a missing `error_code`, so REST jobs (integer codes only) group with Log
        Analytics ones."""
        found = self.guidance_for(row.error_code, row.error_code_int, row.error_message, row.status == FAILED)
        row.error_code = row.error_code or found.code
        row.guide_article = found.article
        row.guide_error_id = found.error_id
        row.error_category = found.category
        return row

    def apply_all(self, rows: Iterable[JobRow]) -> list[JobRow]:
        return [self.apply(row) for row in rows]


def load_default_catalog() -> tuple[CatalogLike | None, str | None]:
    """The project's catalog (docs_source/catalog.yaml), or None and the reason it cannot be loaded."""
    try:
        return load_catalog(), None
    except (OSError, ValueError) as exc:
        return None, str(exc)
