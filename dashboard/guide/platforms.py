"""Which causes apply to the reader's VMs: Windows, Linux or both. A cause applies to every VM unless
the article marks it for one platform (its id or title names Windows or Linux)."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from dashboard.guide.view import CauseView

Platform = Literal["both", "windows", "linux"]
PLATFORMS: tuple[Platform, ...] = ("both", "windows", "linux")


def default_platform(requested: object = None, job_os: object = None) -> Platform:
    """The link's choice when it names one, else the failed job's OS when known, else both."""
    for value in (requested, job_os):
        if isinstance(value, str) and value.strip().lower() in PLATFORMS:
            return value.strip().lower()  # type: ignore[return-value]
    return "both"


def applies(cause: CauseView, platform: Platform) -> bool:
    if platform == "both" or cause.cause is None or not cause.cause.platforms:
        return True
    return platform in cause.cause.platforms


def visible_causes(causes: Sequence[CauseView], platform: Platform) -> tuple[list[CauseView], int]:
    """The causes that apply, in order, and how many were left out."""
    shown = [cause for cause in causes if applies(cause, platform)]
    return shown, len(causes) - len(shown)
