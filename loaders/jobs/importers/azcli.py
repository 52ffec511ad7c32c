"""`az backup job list` / `az backup job show` output.

The CLI serialises the SDK's JobResource with knack's `todict`: the same camelCase keys as REST,
plus a top-level `resourceGroup`; datetimes as `isoformat()` (`+00:00`), durations as
`str(timedelta)` (`0:00:31.306629`, `1 day, 2:03:04`). The REST mapping handles all of these, so
this module only recognises the shape.
"""
from __future__ import annotations

from typing import Any


def is_cli_job(job: dict[str, Any]) -> bool:
    """The CLI adds `resourceGroup` next to the ARM fields of every job it prints."""
    return "resourceGroup" in job and ("properties" in job or "id" in job)
