"""Where a link to an id that no heading carries was meant to land: the one rule the parser (cause
lists), the lint (its "did you mean" hints) and the Guide (which section a cause opens) all follow."""
from __future__ import annotations

import difflib
from collections.abc import Iterable

from .model import Article, Cause, CauseRef

# Ids that differ by a typo or a machine-translation artefact ("toocommunicate", "hello-vm") stay
# above this similarity; ids of different sections of one article stay well below it.
NEAREST_ID_RATIO = 0.8


def nearest_id(target: str, ids: Iterable[str]) -> str | None:
    """The one id nearly identical to `target` (compared in lower case); None when no id is that near,
    or when two ids are equally near (a guess between two sections would mislead)."""
    wanted = target.lower()
    scored: dict[str, float] = {}
    for candidate in ids:
        if candidate and candidate not in scored:
            scored[candidate] = difflib.SequenceMatcher(None, wanted, candidate.lower()).ratio()
    ranked = sorted(((ratio, candidate) for candidate, ratio in scored.items() if ratio >= NEAREST_ID_RATIO),
                    key=lambda pair: -pair[0])
    if not ranked or (len(ranked) > 1 and ranked[1][0] == ranked[0][0]):
        return None
    return ranked[0][1]


def cause_for(article: Article, ref: CauseRef) -> Cause | None:
    """The cause section a cause-list entry leads to: the section the parser resolved it to, else the
    cause its target names (any case), else the cause whose id is nearly identical to the target."""
    for wanted in (ref.cause_id, ref.target):
        found = article.cause(wanted) if wanted else None
        if found is not None:
            return found
    folded = {cause.id.lower(): cause for cause in reversed(article.causes)}
    if ref.target.lower() in folded:
        return folded[ref.target.lower()]
    near = nearest_id(ref.target, (cause.id for cause in article.causes))
    return article.cause(near) if near else None
