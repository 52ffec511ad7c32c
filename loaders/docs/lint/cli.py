"""`python -m loaders lint PATH [PATH ...]`: the docs lint on the command line.

Exit status: 0 no error-level finding, 1 at least one, 2 usage error or unreadable input.
"""
from __future__ import annotations

import argparse
import json
import sys

from loaders.docs.lint.config import ConfigError, LintConfig, check_locale, load_config
from loaders.docs.lint.engine import lint
from loaders.docs.lint.findings import SEVERITIES
from loaders.docs.lint.formats import render
from loaders.docs.lint.formats.text import summary_line
from loaders.docs.lint.registry import Rule
from loaders.docs.lint.rules import ALL_RULES
from loaders.docs.lint.selection import FindingSelection, select_report

FORMAT_NAMES = ("text", "json", "sarif", "github", "junit", "csv")


def register(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "lint",
        help="check troubleshooting articles and their translations",
        description="Check troubleshooting articles (cause links, numbering, anchors, metadata, includes, "
        "links) and compare each translation with its source-language article.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="Markdown files or folders (searched recursively)")
    parser.add_argument("--source-locale", metavar="LOCALE",
                        help="language translations are compared with (default en-us)")
    parser.add_argument("--format", choices=FORMAT_NAMES, default="text", help="output format (default text)")
    parser.add_argument("--config", metavar="FILE", help="TOML file with the lint settings (default: pyproject.toml)")
    parser.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    selection = parser.add_argument_group(
        "selection", "report only some findings (repeat a flag or separate values with commas; the exit status "
        "follows the findings reported)")
    selection.add_argument("--rule", action="append", metavar="RULE",
                           help="rule ID or alias, e.g. TS003 or step-numbering")
    selection.add_argument("--severity", action="append", metavar="SEVERITY", help="error, warning or info")
    selection.add_argument("--locale", action="append", metavar="LOCALE", help="language folder, e.g. it-it")
    selection.add_argument("--article", action="append", metavar="NAME",
                           help="article file name without .md, in every language")
    parser.add_argument("--output", "-o", metavar="FILE", help="write the report to FILE instead of standard output")
    parser.set_defaults(handler=run)
    return parser


def _rule_lines(config: LintConfig, rules: list[Rule]) -> list[str]:
    active = {a.rule.id: a for a in config.active_rules(rules)}
    width = max(len(rule.alias) for rule in rules)
    lines = []
    for rule in rules:
        state = active[rule.id].severity if rule.id in active else "off"
        note = "" if state == rule.severity else f" (default {rule.severity if rule.enabled_by_default else 'off'})"
        lines.append(f"{rule.id}  {rule.alias:<{width}}  {state:<7}  {rule.description}{note}")
    return lines


def _list_rules(config: LintConfig, fmt: str) -> str:
    rules = list(ALL_RULES)
    if fmt == "json":
        active = {a.rule.id: a for a in config.active_rules(rules)}
        data = [
            {
                "id": rule.id,
                "alias": rule.alias,
                "default_severity": rule.severity,
                "enabled_by_default": rule.enabled_by_default,
                "severity": active[rule.id].severity if rule.id in active else "off",
                "scope": rule.scope,
                "description": rule.description,
                "options": dict(active[rule.id].options) if rule.id in active else dict(rule.options),
            }
            for rule in rules
        ]
        return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    return "\n".join(_rule_lines(config, rules)) + "\n"


def _write(text: str, output: str | None) -> bool:
    if output is None:
        # UTF-8 whatever the terminal's locale: reports are read by tools
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8", "backslashreplace"))
        sys.stdout.buffer.flush()
        return True
    try:
        with open(output, "w", encoding="utf-8", errors="backslashreplace", newline="\n") as handle:
            handle.write(text)
    except OSError as exc:
        print(f"lint: cannot write {output}: {exc.strerror or exc}", file=sys.stderr)
        return False
    return True


def _values(given: list[str] | None) -> tuple[str, ...]:
    return tuple(value.strip() for item in given or () for value in item.split(",") if value.strip())


def _selection(args: argparse.Namespace) -> FindingSelection:
    severities = _values(args.severity)
    unknown = [value for value in severities if value not in SEVERITIES]
    if unknown:
        raise ConfigError(f"--severity {', '.join(unknown)}: expected one of {', '.join(SEVERITIES)}")
    return FindingSelection(rules=_values(args.rule), severities=severities, locales=_values(args.locale),
                            articles=_values(args.article))


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
        if args.source_locale is not None:
            check_locale(args.source_locale, "--source-locale")
        if args.list_rules:
            return 0 if _write(_list_rules(config, args.format), args.output) else 2
        if not args.paths:
            print("lint: give at least one PATH (a Markdown file or a folder), or --list-rules", file=sys.stderr)
            return 2
        selection = _selection(args)
        report = select_report(lint(args.paths, config=config, source_locale=args.source_locale), selection)
    except ConfigError as exc:
        print(f"lint: {exc}", file=sys.stderr)
        return 2
    for error in report.input_errors:
        print(f"lint: {error.path}: {error.message}", file=sys.stderr)
    for note in report.notes:
        print(f"lint: note: {note}", file=sys.stderr)
    if not _write(render(report, args.format), args.output):
        return 2
    if args.format == "text":
        print(summary_line(report), file=sys.stderr)
    return report.exit_code
