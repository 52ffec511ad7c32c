"""Error-code catalog: which section of our articles explains a failed job's code or message.

    catalog = load_catalog()                      # docs_source/catalog.yaml
    entry = catalog.match(code="UserErrorFsFreezeFailed")
    entry = catalog.match(message="Snapshot operation failed due to COM+ error - retry later")

A job is matched by its code name first (case-insensitive, aliases included), then by the
integer code of the REST API, then by its English message: exact after normalising case,
whitespace, typographic quotes and trailing punctuation, else the longest known message that
the job message starts with (jobs append recommendations or extra sentences to the message).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from loaders.files import describe_os_error, read_file_bytes
from loaders.jobs.schema import OPERATIONS
from loaders.values import TooManyValues, nesting_depth, plain_values

__all__ = [
    "CATEGORIES",
    "Catalog",
    "CatalogEntry",
    "CatalogError",
    "DEFAULT_CATALOG",
    "code_parts",
    "codes_for_error",
    "load_catalog",
    "normalise_message",
]

DEFAULT_CATALOG = Path(__file__).resolve().parents[2] / "docs_source" / "catalog.yaml"

# The order is the one the dashboard shows groups in: closest to the VM first.
CATEGORIES = (
    "agent", "extension", "network", "snapshot", "disk", "vss", "encryption", "quota", "permissions", "platform"
)

# A known message shorter than this is too generic to claim a longer job message by prefix.
MIN_PREFIX_LENGTH = 12

_REQUIRED = ("code", "message", "article", "error", "operations", "category")
_OPTIONAL = ("numeric", "variants", "aliases")
_CODE_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
_SLUG_SHAPE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ERROR_ID_SHAPE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
# Shapes a code arrives in: "ResourceNotFound", "ResourceNotFound (320001)", "320001, ResourceNotFound", "320001".
_CODE_FORMS = (
    re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_]*)$"),
    re.compile(r"^(?P<name>[A-Za-z][A-Za-z0-9_]*)\s*\(\s*(?P<number>\d+)\s*\)$"),
    re.compile(r"^(?P<number>\d+)\s*,\s*(?P<name>[A-Za-z][A-Za-z0-9_]*)$"),
    re.compile(r"^(?P<number>\d+)$"),
)
_BREAK_TAG = re.compile(r"<br\s*/?>", re.IGNORECASE)
_TYPOGRAPHIC = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})
_TRAILING = " .!;:,"


class CatalogError(ValueError):
    """The catalog file is missing, is not valid YAML, or has invalid entries."""


@dataclass(frozen=True)
class CatalogEntry:
    code: str
    message: str  # official English message; "" when the docs give none
    article: str  # article slug: docs_source/<locale>/<article>.md
    error_id: str
    operations: tuple[str, ...]
    category: str
    numeric: tuple[int, ...] = ()
    variants: tuple[str, ...] = ()  # older / alternate English messages
    aliases: tuple[str, ...] = ()  # other spellings of the code

    @property
    def messages(self) -> tuple[str, ...]:
        """Every known English message, official first."""
        return tuple(m for m in (self.message, *self.variants) if m.strip())


def normalise_message(text: str) -> str:
    """Comparable form of a message: case, whitespace, quotes, <br> and trailing punctuation ignored."""
    text = unicodedata.normalize("NFKC", _BREAK_TAG.sub(" ", text)).translate(_TYPOGRAPHIC)
    text = " ".join(text.split()).casefold()
    if len(text) > 1 and text[0] == text[-1] == '"':
        text = text[1:-1].strip()
    return text.rstrip(_TRAILING)


def code_parts(code: object) -> tuple[str | None, int | None]:
    """(code name, number) from the shapes jobs and docs write codes in; (None, None) otherwise."""
    if code is None or isinstance(code, bool):
        return None, None
    if isinstance(code, int):
        return None, code
    text = str(code).strip()
    for form in _CODE_FORMS:
        found = form.match(text)
        if found:
            parts = found.groupdict()
            number = parts.get("number")
            return parts.get("name"), int(number) if number else None
    return None, None


def _as_int(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        return None


@dataclass
class Catalog:
    entries: dict[str, CatalogEntry]  # keyed by code, in file order
    version: int = 1
    path: str = ""
    _by_code: dict[str, CatalogEntry] = field(default_factory=dict, init=False, repr=False)
    _by_number: dict[int, CatalogEntry] = field(default_factory=dict, init=False, repr=False)
    _by_message: dict[str, CatalogEntry] = field(default_factory=dict, init=False, repr=False)
    _prefixes: list[tuple[str, CatalogEntry]] = field(default_factory=list, init=False, repr=False)

    def __post_init__(self) -> None:
        for entry in self.entries.values():
            for name in (entry.code, *entry.aliases):
                self._by_code.setdefault(name.casefold(), entry)
            for number in entry.numeric:
                self._by_number.setdefault(number, entry)
        # Official messages of every entry win over variants of another.
        for entry in self.entries.values():
            if entry.message.strip():
                self._by_message.setdefault(normalise_message(entry.message), entry)
        for entry in self.entries.values():
            for variant in entry.variants:
                self._by_message.setdefault(normalise_message(variant), entry)
        self._prefixes = sorted(
            ((text, entry) for text, entry in self._by_message.items() if len(text) >= MIN_PREFIX_LENGTH),
            key=lambda item: -len(item[0]),
        )

    def match(self, code: object = None, message: object = None, numeric: object = None) -> CatalogEntry | None:
        """The entry for a failed job; None when nothing matches. Never raises."""
        name, number = code_parts(code)
        if name is not None:
            found = self._by_code.get(name.casefold())
            if found is not None:
                return found
        for candidate in (_as_int(numeric), number):
            if candidate is not None and candidate in self._by_number:
                return self._by_number[candidate]
        if message is None:
            return None
        return self.match_message(str(message))

    def match_message(self, message: str) -> CatalogEntry | None:
        text = normalise_message(message)
        if not text:
            return None
        exact = self._by_message.get(text)
        if exact is not None:
            return exact
        for known, entry in self._prefixes:  # longest first: the most specific message wins
            if text.startswith(known) and not text[len(known)].isalnum():
                return entry
        return None

    def categories(self) -> tuple[str, ...]:
        """Every category an entry may have, in display order."""
        return CATEGORIES

    def codes_for_error(self, article: str, error_id: str) -> list[str]:
        return codes_for_error(self, article, error_id)

    def articles(self) -> list[str]:
        return list(dict.fromkeys(entry.article for entry in self.entries.values()))


def codes_for_error(catalog: Catalog, article: str, error_id: str) -> list[str]:
    """Catalog codes that lead to one error section, in catalog order."""
    return [
        entry.code
        for entry in catalog.entries.values()
        if entry.article == article and entry.error_id == error_id
    ]


# --- loading ------------------------------------------------------------------------------------


def _entry_lines(text: str) -> list[int]:
    """1-based line of each item of `entries`, for messages; empty when the shape is unexpected."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return []
    if not isinstance(root, yaml.MappingNode):
        return []
    for key, value in root.value:
        if getattr(key, "value", None) == "entries" and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []


def _string_list(raw: dict[str, Any], key: str, problems: list[str]) -> tuple[str, ...]:
    value = raw.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        problems.append(f"'{key}' must be a list of non-empty strings")
        return ()
    return tuple(value)


def _check_keys(raw: dict[str, Any], problems: list[str]) -> None:
    missing = [key for key in _REQUIRED if key not in raw]
    if missing:
        problems.append(f"missing {', '.join(missing)}")
    unknown = sorted(str(key) for key in raw if key not in _REQUIRED + _OPTIONAL)
    if unknown:
        problems.append(f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(_REQUIRED + _OPTIONAL)})")


def _operations(raw: dict[str, Any], problems: list[str]) -> list[Any]:
    operations = raw.get("operations")
    if not (isinstance(operations, list) and operations):
        problems.append("'operations' must be a non-empty list")
        return []
    for operation in operations:
        if operation not in OPERATIONS:
            problems.append(f"operation {operation!r} is not one of {', '.join(OPERATIONS)}")
    return operations


def _numeric(raw: dict[str, Any], problems: list[str]) -> list[Any]:
    numeric = raw.get("numeric") or []
    if not isinstance(numeric, list) or not all(isinstance(n, int) and not isinstance(n, bool) for n in numeric):
        problems.append("'numeric' must be a list of integers")
        return []
    return numeric


def _aliases(raw: dict[str, Any], problems: list[str]) -> tuple[str, ...]:
    aliases = _string_list(raw, "aliases", problems)
    for alias in aliases:
        if not _CODE_SHAPE.match(alias):
            problems.append(f"alias {alias!r} is not a code name")
    return aliases


def _parse_entry(raw: object, problems: list[str]) -> CatalogEntry | None:
    if not isinstance(raw, dict):
        problems.append(f"expected a mapping with keys {', '.join(_REQUIRED)}, got {type(raw).__name__}")
        return None
    _check_keys(raw, problems)
    code, message = raw.get("code"), raw.get("message", "")
    article, error_id, category = raw.get("article"), raw.get("error"), raw.get("category")
    if not (isinstance(code, str) and _CODE_SHAPE.match(code)):
        problems.append(f"code {code!r} is not a code name (letters, digits, underscore)")
    if message is None:
        message = ""
    if not isinstance(message, str):
        problems.append(f"message must be a string, got {type(message).__name__}")
    if not (isinstance(article, str) and _SLUG_SHAPE.match(article)):
        problems.append(f"article {article!r} is not an article slug (lower-case words joined by '-')")
    if not (isinstance(error_id, str) and _ERROR_ID_SHAPE.match(error_id)):
        problems.append(f"error {error_id!r} is not an error id (lower-case anchor)")
    if category not in CATEGORIES:
        problems.append(f"category {category!r} is not one of {', '.join(CATEGORIES)}")
    operations = _operations(raw, problems)
    numeric = _numeric(raw, problems)
    variants = _string_list(raw, "variants", problems)
    aliases = _aliases(raw, problems)
    if problems:
        return None
    return CatalogEntry(
        code=code,
        message=message,
        article=article,
        error_id=error_id,
        operations=tuple(operations),
        category=category,
        numeric=tuple(numeric),
        variants=variants,
        aliases=aliases,
    )


def _cross_check(entries: list[tuple[str, CatalogEntry]]) -> list[str]:
    """Codes, numbers and messages must each lead to one place."""
    problems: list[str] = []
    codes: dict[str, str] = {}
    numbers: dict[int, str] = {}
    messages: dict[str, tuple[str, CatalogEntry]] = {}
    for label, entry in entries:
        for name in (entry.code, *entry.aliases):
            other = codes.setdefault(name.casefold(), label)
            if other != label:
                problems.append(f"{label}: code {name!r} is already used by {other}")
        for number in entry.numeric:
            other = numbers.setdefault(number, label)
            if other != label:
                problems.append(f"{label}: numeric code {number} is already used by {other}")
        for text in entry.messages:
            key = normalise_message(text)
            other_label, other = messages.setdefault(key, (label, entry))
            if (other.article, other.error_id) != (entry.article, entry.error_id):
                problems.append(
                    f"{label}: message {text!r} also belongs to {other_label}, which points to another section"
                )
    return problems


# A catalog is a few hundred short values; these bounds only stop hostile files (see frontmatter).
MAX_CATALOG_NESTING = 100
MAX_CATALOG_VALUES = 1_000_000


def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and check a catalog file; CatalogError (a ValueError) names the file, line and entry."""
    source = Path(path) if path is not None else DEFAULT_CATALOG
    try:
        text = read_file_bytes(source).decode("utf-8-sig")
    except FileNotFoundError:
        raise CatalogError(f"{source}: catalog file not found") from None
    except OSError as exc:
        raise CatalogError(f"{source}: cannot read catalog: {describe_os_error(exc, source)}") from None
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{source}: not UTF-8 text (byte {exc.start})") from None
    if nesting_depth(text) > MAX_CATALOG_NESTING:
        raise CatalogError(f"{source}: invalid YAML: nested more than {MAX_CATALOG_NESTING} levels deep")
    try:
        document = plain_values(yaml.safe_load(text), MAX_CATALOG_VALUES)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f":{mark.line + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or str(exc)
        raise CatalogError(f"{source}{where}: invalid YAML: {reason}") from None
    except TooManyValues as exc:
        raise CatalogError(f"{source}: invalid YAML: its aliases stand for {exc}") from None
    except (ValueError, OverflowError, RecursionError) as exc:  # e.g. a date YAML cannot build (2024-02-30)
        raise CatalogError(f"{source}: invalid YAML: {type(exc).__name__}: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("entries"), list):
        raise CatalogError(f"{source}: expected a mapping with 'version' and an 'entries' list")
    version = document.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise CatalogError(f"{source}: 'version' must be an integer, got {version!r}")
    lines = _entry_lines(text)
    problems: list[str] = []
    parsed: list[tuple[str, CatalogEntry]] = []
    for index, raw in enumerate(document["entries"], start=1):
        line = f":{lines[index - 1]}" if index - 1 < len(lines) else ""
        code = raw.get("code") if isinstance(raw, dict) else None
        label = f"entry {index}" + (f" ({code})" if isinstance(code, str) and code else "")
        entry_problems: list[str] = []
        entry = _parse_entry(raw, entry_problems)
        problems.extend(f"{source}{line}: {label}: {problem}" for problem in entry_problems)
        if entry is not None:
            parsed.append((f"{source}{line}: {label}", entry))
    problems.extend(_cross_check(parsed))
    if problems:
        raise CatalogError("invalid catalog:\n" + "\n".join(problems))
    return Catalog(entries={entry.code: entry for _, entry in parsed}, version=version, path=str(source))
