"""What the recognisers have found so far: errors and causes, and the sections they took."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Cause, Error
from ..outline import Outline


@dataclass
class Found:
    outline: Outline
    errors: list[Error] = field(default_factory=list)
    causes: list[Cause] = field(default_factory=list)
    error_sections: set[int] = field(default_factory=set)  # sections whose own text is an error
    cause_sections: set[int] = field(default_factory=set)  # sections whose whole subtree is a cause
    _ids: set[str] | None = None

    def claimed(self, position: int) -> bool:
        """The section is an error, a cause, or inside a cause's subtree: its text is taken."""
        sections = self.outline.sections
        current: int | None = position
        while current is not None:
            if current in self.cause_sections or (current == position and current in self.error_sections):
                return True
            current = sections[current].parent
        return False

    def unique_id(self, *candidates: str) -> str:
        """The first candidate no heading, error or cause of the article uses yet (suffixed if all are)."""
        if self._ids is None:
            self._ids = {h.id for h in self.outline.headings}
            self._ids.update(e.id for e in self.errors)
            self._ids.update(c.id for c in self.causes)
        wanted = [c for c in candidates if c]
        chosen = next((c for c in wanted if c not in self._ids), "")
        if not chosen:
            base, suffix = wanted[-1], 2
            while f"{base}-{suffix}" in self._ids:
                suffix += 1
            chosen = f"{base}-{suffix}"
        self._ids.add(chosen)
        return chosen

    def add_error(self, error: Error, section: int | None = None) -> None:
        self.errors.append(error)
        if section is not None:
            self.error_sections.add(section)
        if self._ids is not None:
            self._ids.add(error.id)

    def add_cause(self, cause: Cause, section: int | None = None) -> None:
        self.causes.append(cause)
        if section is not None:
            self.cause_sections.add(section)
        if self._ids is not None:
            self._ids.add(cause.id)
