"""`python -m loaders jobs ...` (placeholder until the jobs commands land)."""
from __future__ import annotations


def register(sub) -> None:
    pass
