"""Lint configuration: `[tool.backup-triage.lint]` in pyproject.toml, or a TOML file given with --config.

    [tool.backup-triage.lint]
    source-locale = "en-us"          # the language translations are compared against
    source-vintage = "nearest"       # "nearest" or "newest" (see docs/rules.md, "Which source")
    compare-outdated = false         # also diff translations older than their source, item by item
    disable = ["cause-unreferenced"] # rule ids or aliases
    enable = ["heading-jump"]        # rules that are off by default
    required-metadata = ["title", "description", "ms.date"]
    heading-jump = "info"            # severity of heading-jump, or "off"
    max-file-size = 5000000          # bytes; bigger files are reported, not parsed
    exclude = ["**/includes/**"]     # glob patterns (relative paths) not linted as articles
    help-uri = "https://example.org/docs/rules.md"  # where docs/rules.md is published (SARIF helpUri)

    [tool.backup-triage.lint.severity]
    step-numbering = "error"         # or "warning", "info", "off"

    [tool.backup-triage.lint.rules.heading-jump]
    max-jump = 1                     # per-rule options, see docs/rules.md
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loaders.docs.lint.findings import SEVERITIES, Severity
from loaders.docs.lint.registry import Rule, rules_by_key
from loaders.docs.lint.rules import ALL_RULES
from loaders.docs.locale import LOCALE_SHAPE, normalise_locale
from loaders.files import describe_os_error, open_regular_file

try:  # Python 3.11+
    import tomllib
except ModuleNotFoundError:  # pragma: no cover - Python 3.10 without tomli
    tomllib = None  # type: ignore[assignment]

TABLE = ("tool", "backup-triage", "lint")
DEFAULT_MAX_FILE_SIZE = 5_000_000
SOURCE_VINTAGES = ("nearest", "newest")
LOCALE_TAG = LOCALE_SHAPE
KNOWN_KEYS = {
    "source-locale", "source-vintage", "disable", "enable", "required-metadata", "heading-jump",
    "max-file-size", "exclude", "severity", "rules", "help-uri", "compare-outdated",
}


class ConfigError(ValueError):
    """The configuration cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class ActiveRule:
    rule: Rule
    severity: Severity
    options: Mapping[str, Any]


@dataclass(frozen=True)
class LintConfig:
    source_locale: str = "en-us"
    source_vintage: str = "nearest"
    compare_outdated: bool = False
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: Mapping[str, str] = field(default_factory=dict)  # rule id or alias -> severity | "off"
    rule_options: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)  # id or alias -> options
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    exclude: tuple[str, ...] = ()
    help_uri: str | None = None
    origin: str = "defaults"  # where the values came from, for messages

    def active_rules(self, rules: Iterable[Rule]) -> list[ActiveRule]:
        """The rules that run, each with its effective severity and options."""
        rules = list(rules)
        # names are checked against every rule, so a run with a subset accepts the same configuration
        table = rules_by_key([*ALL_RULES, *(r for r in rules if r not in ALL_RULES)])

        def lookup(name: str, key: str) -> Rule:
            rule = table.get(name.lower())
            if rule is None:
                raise ConfigError(f"{self.origin}: {key}: unknown rule {name!r} (see --list-rules)")
            return rule

        enabled = {rule.id for rule in table.values() if rule.enabled_by_default}
        enabled |= {lookup(name, "enable").id for name in self.enable}
        enabled -= {lookup(name, "disable").id for name in self.disable}
        severity: dict[str, Severity] = {}
        for name, value in self.severity.items():
            rule = lookup(name, "severity")
            if value == "off":
                enabled.discard(rule.id)
            else:
                severity[rule.id] = value  # type: ignore[assignment]
                enabled.add(rule.id)
        options: dict[str, dict[str, Any]] = {}
        for name, values in self.rule_options.items():
            rule = lookup(name, "rules")
            unknown = sorted(set(values) - set(rule.options))
            if unknown:
                known = ", ".join(sorted(rule.options)) or "none"
                raise ConfigError(
                    f"{self.origin}: rules.{rule.alias}: unknown option(s) {', '.join(unknown)} "
                    f"(known: {known})"
                )
            options.setdefault(rule.id, {}).update(values)
        active = []
        for rule in rules:
            if rule.id not in enabled:
                continue
            merged = dict(rule.options)
            merged.update(options.get(rule.id, {}))
            active.append(ActiveRule(rule, severity.get(rule.id, rule.severity), merged))
        return active


def _expect(value: Any, kind: type | tuple[type, ...], where: str) -> Any:
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ConfigError(f"{where}: expected {names}, got {type(value).__name__} {value!r}")
    return value


def _string_list(value: Any, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    _expect(value, list, where)
    return tuple(_expect(item, str, where) for item in value)


def _severity(value: Any, where: str) -> str:
    _expect(value, str, where)
    if value not in (*SEVERITIES, "off"):
        raise ConfigError(f"{where}: severity must be one of {', '.join(SEVERITIES)}, off; got {value!r}")
    return value


def check_locale(tag: str, where: str = "source locale") -> str:
    """A locale tag such as en-us or zh-tw (also written it_IT), normalised to lower case and
    hyphens; anything else is refused."""
    if not isinstance(tag, str) or not LOCALE_TAG.match(normalise_locale(tag)):
        raise ConfigError(f"{where}: {tag!r} is not a locale tag like en-us, de-de or zh-tw")
    return normalise_locale(tag)


def _source_vintage(value: Any, where: str) -> str:
    _expect(value, str, where)
    if value not in SOURCE_VINTAGES:
        raise ConfigError(f"{where} must be one of {', '.join(SOURCE_VINTAGES)}; got {value!r}")
    return value


def _help_uri(value: Any, where: str) -> str:
    _expect(value, str, where)
    if not re.match(r"^[a-z][a-z0-9+.-]*://", value, re.IGNORECASE):
        raise ConfigError(f"{where} must be an absolute URI; got {value!r}")
    return value


def _max_file_size(value: Any, where: str) -> int:
    _expect(value, int, where)
    if value <= 0:
        raise ConfigError(f"{where} must be positive; got {value}")
    return value


def config_from_table(table: Mapping[str, Any], origin: str) -> LintConfig:
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise ConfigError(
            f"{origin}: unknown key(s) {', '.join(unknown)} (known: {', '.join(sorted(KNOWN_KEYS))})"
        )
    values: dict[str, Any] = {"origin": origin}
    if "source-locale" in table:
        values["source_locale"] = check_locale(_expect(table["source-locale"], str, f"{origin}: source-locale"),
                                               f"{origin}: source-locale")
    if "source-vintage" in table:
        values["source_vintage"] = _source_vintage(table["source-vintage"], f"{origin}: source-vintage")
    for key, attr in (("enable", "enable"), ("disable", "disable"), ("exclude", "exclude")):
        if key in table:
            values[attr] = _string_list(table[key], f"{origin}: {key}")
    if "compare-outdated" in table:
        values["compare_outdated"] = _expect(table["compare-outdated"], bool, f"{origin}: compare-outdated")
    if "help-uri" in table:
        values["help_uri"] = _help_uri(table["help-uri"], f"{origin}: help-uri")
    if "max-file-size" in table:
        values["max_file_size"] = _max_file_size(table["max-file-size"], f"{origin}: max-file-size")
    severity: dict[str, str] = {}
    if "heading-jump" in table:
        severity["heading-jump"] = _severity(table["heading-jump"], f"{origin}: heading-jump")
    for name, value in _expect(table.get("severity", {}), dict, f"{origin}: severity").items():
        severity[name] = _severity(value, f"{origin}: severity.{name}")
    values["severity"] = severity
    options: dict[str, dict[str, Any]] = {}
    if "required-metadata" in table:  # shorthand for rules.metadata-required.keys
        keys = _string_list(table["required-metadata"], f"{origin}: required-metadata")
        options["metadata-required"] = {"keys": list(keys)}
    for name, value in _expect(table.get("rules", {}), dict, f"{origin}: rules").items():
        options.setdefault(name, {}).update(_expect(value, dict, f"{origin}: rules.{name}"))
    values["rule_options"] = options
    return LintConfig(**values)


def _read_toml(path: Path) -> dict[str, Any]:
    if tomllib is None:  # pragma: no cover
        raise ConfigError(f"{path}: reading TOML needs Python 3.11 or newer")
    try:
        # a pipe is fine (--config <(...)); a FIFO nobody writes to reads as empty instead of blocking
        with open_regular_file(path, allow_pipe=True) as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read configuration: {describe_os_error(exc, path)}") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 text (byte {exc.start})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from exc


def _lint_table(data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    node: Any = data
    for key in TABLE:
        if not isinstance(node, Mapping) or key not in node:
            return None
        node = node[key]
    return node


def load_config(path: str | Path | None = None, start: str | Path | None = None) -> LintConfig:
    """Read the configuration.

    With `path`: that file, either a pyproject.toml-style file holding `[tool.backup-triage.lint]` or a
    plain TOML file whose top level is the lint table. Without: the nearest pyproject.toml from `start`
    (default: the working directory) upwards; defaults when there is none.
    """
    if path is not None:
        path = Path(path)
        data = _read_toml(path)
        table = _lint_table(data)
        if table is None:
            table = data
        return config_from_table(_expect(table, dict, str(path)), str(path))
    directory = Path(start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            table = _lint_table(_read_toml(candidate))
            if table is None:
                return LintConfig()
            return config_from_table(_expect(table, dict, f"{candidate} [tool.backup-triage.lint]"),
                                     f"{candidate} [tool.backup-triage.lint]")
    return LintConfig()
