"""The errors a sample fleet emits: every code of the error catalog plus a few no guide covers, with the
weights to draw them in each situation (one-off failures, streaks, the regional incident, deleted VMs)."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from loaders.jobs.catalog import Catalog
from loaders.jobs.sample.assumptions import (
    CATEGORY_WEIGHTS,
    CODE_WEIGHTS,
    DELETED_VM_CODES,
    INCIDENT_CATEGORY_WEIGHTS,
    INCIDENT_CODES,
    NO_RECOVERY_DELAY,
    RECOVERY,
    STREAK_CATEGORY_WEIGHTS,
    UNKNOWN_ERRORS,
)
from loaders.jobs.schema import UNKNOWN_CATEGORY


@dataclass(frozen=True)
class ErrorKind:
    """One error as a failed sample job carries it."""

    code: str | None
    code_int: int | None
    message: str | None
    guide_article: str | None
    guide_error_id: str | None
    category: str


@dataclass(frozen=True)
class ErrorPalette:
    """Every error the sample can emit, with the weights to draw them per situation."""

    kinds: tuple[ErrorKind, ...]
    backup: np.ndarray  # weights over kinds for one-off backup failures
    restore: np.ndarray
    configure: np.ndarray
    streak: np.ndarray
    incident: np.ndarray
    deleted: np.ndarray
    unknown: np.ndarray
    recovery: np.ndarray  # per kind: the `Recovery` of its category (lasting share, mean extra days, unfixed share)


def _phase(operations: Sequence[str]) -> set[str]:
    """The job phases an entry's operations belong to: backup, restore (any kind) or configure."""
    phases = set()
    for operation in operations or ():
        name = operation.lower().replace(" ", "").replace("-", "").replace("_", "")
        phases.add("restore" if "restore" in name else "configure" if name.startswith("configure") else
                   "backup" if name.startswith("backup") else name)
    return phases or {"backup"}


def build_palette(catalog: Catalog) -> ErrorPalette:
    """The sample's errors: every catalog entry (in code order, so the catalog's file order does not
    matter) and the unknown codes the catalog does not know."""
    entries = sorted(catalog.entries.values(), key=lambda e: e.code)
    if not entries:
        raise ValueError("the error catalog is empty: the sample needs its codes")
    kinds = [
        ErrorKind(e.code, (list(e.numeric)[0] if e.numeric else None), e.message or None, e.article or None,
                  e.error_id or None, e.category or UNKNOWN_CATEGORY)
        for e in entries
    ]
    known = {e.code.lower() for e in entries}
    unknown_start = len(kinds)
    unknown_weights = []
    for unknown_error in UNKNOWN_ERRORS:
        if unknown_error.code is not None and unknown_error.code.lower() in known:
            continue  # the catalog learned it: no longer an unknown code
        kinds.append(ErrorKind(unknown_error.code, unknown_error.code_int, unknown_error.message, None, None,
                               UNKNOWN_CATEGORY))
        unknown_weights.append(unknown_error.weight)
    phases = [_phase(e.operations) for e in entries]

    def by_category(category_weights: Mapping[str, float], phase: str) -> np.ndarray:
        w = np.zeros(len(kinds))
        cats: dict[str, list[int]] = {}
        for i, e in enumerate(entries):
            if phase in phases[i] and e.category in category_weights:
                cats.setdefault(e.category, []).append(i)
        for cat, idx in cats.items():
            code_w = np.array([CODE_WEIGHTS.get(entries[i].code, 1.0) for i in idx])
            w[idx] = category_weights[cat] * code_w / code_w.sum()
        return w

    def by_phase(phase: str) -> np.ndarray:
        w = np.array([1.0 if phase in phases[i] else 0.0 for i in range(len(entries))]
                     + [0.0] * (len(kinds) - unknown_start))
        return w

    def by_codes(codes: tuple[str, ...]) -> np.ndarray:
        w = np.array([1.0 if k.code in codes and i < unknown_start else 0.0 for i, k in enumerate(kinds)])
        return w

    def normalised(*candidates: np.ndarray) -> np.ndarray:
        for w in candidates:  # first non-empty candidate wins
            if w.sum() > 0:
                return w / w.sum()
        return np.full(len(kinds), 1.0 / len(kinds))

    backup = normalised(by_category(CATEGORY_WEIGHTS, "backup"), by_phase("backup"))
    unknown = np.zeros(len(kinds))
    unknown[unknown_start:] = unknown_weights
    incident_codes = by_codes(INCIDENT_CODES)
    incident = normalised(
        by_category(INCIDENT_CATEGORY_WEIGHTS, "backup") + incident_codes / max(incident_codes.sum(), 1) * 0.5, backup
    )
    return ErrorPalette(
        kinds=tuple(kinds),
        backup=backup,
        restore=normalised(by_phase("restore"), backup),
        configure=normalised(by_phase("configure"), backup),
        streak=normalised(by_category(STREAK_CATEGORY_WEIGHTS, "backup"), backup),
        incident=incident,
        deleted=normalised(by_codes(DELETED_VM_CODES), by_category({"platform": 1.0}, "backup"), backup),
        unknown=normalised(unknown, backup),
        recovery=np.array([RECOVERY.get(k.category, NO_RECOVERY_DELAY) for k in kinds], dtype=float).reshape(-1, 3),
    )
