"""Article headers: YAML front matter, or the 2016 `<properties .../>` + `<tags .../>` header."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

from loaders.values import MAX_NESTING, MAX_VALUES, TooManyValues, json_safe, nesting_depth

from .model import Problem

try:  # the C loader is several times faster; fall back when libyaml is absent
    _YamlLoader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover
    _YamlLoader = yaml.SafeLoader  # type: ignore[misc]

_YAML_FENCE = re.compile(r"^---\s*$")
_YAML_END = re.compile(r"^(?:---|\.\.\.)\s*$")
_ATTRIBUTE = re.compile(r"""([\w.:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_LOOSE_PAIR = re.compile(r"^([A-Za-z_][\w.\-]*)\s*:\s*(.*?)\s*$")
_HEADER_TAGS = ("properties", "tags")


@dataclass
class FrontMatter:
    kind: str  # "yaml", "properties" or "none"
    metadata: dict[str, object] = field(default_factory=dict)
    body_start: int = 0  # 0-based index of the first body line
    problems: list[Problem] = field(default_factory=list)


class _TextDatesLoader(_YamlLoader):  # type: ignore[misc,valid-type]
    """Leaves timestamps as written: for a header whose date YAML resolves but cannot build
    (2017-02-30), so that one bad value costs that value, not the whole header."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, pattern) for tag, pattern in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _YamlLoader.yaml_implicit_resolvers.items()
}

def _loose_pairs(lines: list[str]) -> dict[str, object]:
    """Salvage `key: value` pairs from a block YAML refused, so ms.date & co. survive a typo."""
    found: dict[str, object] = {}
    for line in lines:
        match = _LOOSE_PAIR.match(line)
        if match:
            value = match.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            found[match.group(1)] = value
    return found


def _parse_yaml(lines: list[str]) -> FrontMatter:
    end = next((i for i in range(1, len(lines)) if _YAML_END.match(lines[i])), None)
    if end is None:
        return FrontMatter(
            "none",
            problems=[Problem(1, "front matter opened with --- is never closed; read as body", kind="front-matter")],
        )
    block = lines[1:end]
    front = FrontMatter("yaml", body_start=end + 1)
    text = "\n".join(block)
    if nesting_depth(text) > MAX_NESTING:
        return _refused(front, block, f"front matter is nested more than {MAX_NESTING} levels deep; "
                                      "only its plain key: value lines were read")
    try:
        try:
            loaded = yaml.load(text, Loader=_YamlLoader)
        except (ValueError, OverflowError):  # a date YAML recognises but cannot build (2017-02-30)
            loaded = yaml.load(text, Loader=_TextDatesLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return _refused(front, block, f"invalid YAML front matter: {reason}", line)
    except (ValueError, OverflowError, TypeError, RecursionError) as exc:
        return _refused(front, block, f"invalid YAML front matter: {type(exc).__name__}: {exc}")
    if loaded is None:
        return front
    if not isinstance(loaded, dict):
        what = "a list" if isinstance(loaded, list) else f"a single {type(loaded).__name__} value"
        front.problems.append(
            Problem(2, f"front matter is {what}, not a key: value mapping; it was ignored", kind="yaml"))
        return front
    try:
        front.metadata = json_safe(loaded)  # type: ignore[assignment]
    except (TooManyValues, RecursionError):
        return _refused(front, block, f"front matter stands for more than {MAX_VALUES:,} values "
                                      "(YAML aliases?); only its plain key: value lines were read")
    return front


def _refused(front: FrontMatter, block: list[str], message: str, line: int = 2) -> FrontMatter:
    front.problems.append(Problem(line, message, kind="yaml"))
    front.metadata = _loose_pairs(block)
    return front


def _parse_properties(lines: list[str], first: int) -> FrontMatter:
    front = FrontMatter("properties")
    index = first
    for tag in _HEADER_TAGS:
        while index < len(lines) and not lines[index].strip():
            index += 1
        if index >= len(lines) or not lines[index].lstrip().lower().startswith("<" + tag):
            break
        start = index
        while index < len(lines) and "/>" not in lines[index] and not lines[index].rstrip().endswith(">"):
            index += 1
        if index >= len(lines):
            front.problems.append(Problem(start + 1, f"<{tag}> header is never closed", kind="front-matter"))
            index = start + 1
            break
        chunk = "\n".join(lines[start : index + 1])
        for match in _ATTRIBUTE.finditer(chunk):
            front.metadata[match.group(1)] = match.group(2) if match.group(2) is not None else match.group(3)
        index += 1
    front.body_start = index
    if "pageTitle" in front.metadata and "title" not in front.metadata:
        front.metadata["title"] = front.metadata["pageTitle"]
    return front


def key_line(key: str, header_lines: list[str]) -> int:
    """1-based line of `key: …` (YAML) or `key="…"` (<tags> header) among the header lines; 1 when absent."""
    pattern = re.compile(rf"(?:^|[\s<]){re.escape(key)}\s*[:=]")
    return next((i + 1 for i, text in enumerate(header_lines) if pattern.search(text)), 1)


def split_front_matter(lines: list[str]) -> FrontMatter:
    """Read the header at the top of `lines` (newline-free lines of the whole file)."""
    if not lines:
        return FrontMatter("none")
    if _YAML_FENCE.match(lines[0]):
        return _parse_yaml(lines)
    first = 0
    while first < len(lines) and not lines[first].strip():
        first += 1
    if first < len(lines) and lines[first].lstrip().lower().startswith("<properties"):
        return _parse_properties(lines, first)
    return FrontMatter("none")


_US_DATE = re.compile(r"^(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})$")
_ISO_DATE = re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")
_TIME_OF_DAY = re.compile(
    r"(?<=\d)(?:T|\s+)\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[AP]M)?\s*(?:Z|UTC|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)
_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%Y/%m/%d", "%d.%m.%Y", "%m-%d-%Y")


def parse_date(value: object) -> dt.date | None:
    """ms.date as written by the docs platform (08/17/2017, 2017-08-17); None when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().strip("'\"")
    text = _TIME_OF_DAY.sub("", text)  # 2017-08-17T10:00:00Z, 08/17/2017 10:00 AM: the date is enough
    quick = _US_DATE.match(text) or _ISO_DATE.match(text)
    if quick:
        parts = quick.groupdict()
        try:
            return dt.date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        except ValueError:
            return None
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None
