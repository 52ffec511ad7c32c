"""What the page shows of one finding: the lines of every place it concerns, and for a translation
finding the source-language lines it was compared with, to be read side by side."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dashboard.docs_qa.findings import Excerpt, excerpt
from loaders.docs.lint import Finding

MAX_PLACES = 20  # a finding on more lines lists the rest by number only


@dataclass(frozen=True)
class FindingDetail:
    finding: Finding
    excerpts: tuple[Excerpt, ...]  # one per place of the finding, first place first
    more_lines: tuple[int, ...]  # places past MAX_PLACES, by line number
    source: Excerpt | None  # the source-language counterpart of a translation finding

    @property
    def is_translation(self) -> bool:
        return self.source is not None


def finding_detail(finding: Finding, base: Path, context: int = 2) -> FindingDetail:
    places = finding.locations
    shown = tuple(excerpt(finding.path, place.line, base, context) for place in places[:MAX_PLACES])
    more = tuple(place.line for place in places[MAX_PLACES:])
    source = excerpt(finding.source_path, finding.source_line or 1, base, context) if finding.source_path else None
    return FindingDetail(finding, shown, more, source)


def finding_details(findings: Iterable[Finding], base: Path, context: int = 2) -> list[FindingDetail]:
    return [finding_detail(finding, base, context) for finding in findings]
