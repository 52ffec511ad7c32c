"""Layout recognisers: each reads one way troubleshooting articles write their errors and causes
(README "Article layouts understood"). They run in order on the outline of an article, and each
takes only sections the ones before it left: the heading layouts first, tables last."""
from __future__ import annotations

from ..model import Cause, Error, Problem
from ..outline import Outline
from .cause_sections import recognise_cause_sections
from .error_table import recognise_tables
from .found import Found
from .linked import recognise_linked
from .problem_sections import recognise_problem_sections

__all__ = ["recognise"]


def recognise(outline: Outline, problems: list[Problem]) -> tuple[list[Error], list[Cause]]:
    """The errors (in document order) and causes of an article; what is not understood becomes a problem."""
    found = Found(outline)
    recognise_linked(found, problems)
    recognise_cause_sections(found)
    recognise_problem_sections(found)
    recognise_tables(found, problems)
    errors = sorted(found.errors, key=lambda error: error.line)
    causes = sorted(found.causes, key=lambda cause: cause.line)
    return errors, causes
