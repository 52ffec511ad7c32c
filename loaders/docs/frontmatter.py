"""Article headers: YAML front matter, or the 2016 `<properties .../>` + `<tags .../>` header."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import yaml

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


def _json_safe(value: object) -> object:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


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
    try:
        loaded = yaml.load("\n".join(block), Loader=_YamlLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        reason = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        front.problems.append(Problem(line, f"invalid YAML front matter: {reason}", kind="yaml"))
        front.metadata = _loose_pairs(block)
        return front
    if loaded is None:
        return front
    if not isinstance(loaded, dict):
        front.problems.append(Problem(2, "front matter is not a key: value mapping", kind="yaml"))
        return front
    front.metadata = {str(k): _json_safe(v) for k, v in loaded.items()}
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
_DATE_FORMATS = ("%m/%d/%Y", "%Y-%m-%d", "%m/%d/%y", "%Y/%m/%d", "%d.%m.%Y", "%m-%d-%Y")


def parse_date(value: object) -> dt.date | None:
    """ms.date as written by the docs platform (08/17/2017, 2017-08-17); None when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip().strip("'\"")
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
