"""Run the rules over a set of files and collect findings.

`lint(paths)` is the whole pipeline: find the files, read and parse each once, run every
article rule on each file, pair each translation with its source-language article and run
the translation rules, then drop what inline suppressions cover and apply configured severities.
A rule that raises becomes a TS000 internal-error finding for that file; every other rule and file
is still checked.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from loaders.docs.lint.anchors import anchor_ids
from loaders.docs.lint.config import ActiveRule, LintConfig, check_locale, load_config
from loaders.docs.lint.context import ArticleContext, TranslationContext
from loaders.docs.lint.facts import ArticleFacts
from loaders.docs.lint.findings import SEVERITY_RANK, Finding, Hit, Location
from loaders.docs.lint.prepare import PARSER_FAILURE, TOO_LARGE, Prepared, prepare_many, prepare_one
from loaders.docs.lint.registry import Rule, rules_by_key
from loaders.docs.lint.rules import ALL_RULES
from loaders.docs.lint.rules.internal_error import internal_error
from loaders.docs.lint.suppress import find_suppressions
from loaders.docs.lint.tree import (
    InputError,
    SourceChoice,
    choose_source,
    discover,
    display_path,
    file_key,
    locale_index,
    locale_of,
    same_article,
)
from loaders.docs.load import located_under
from loaders.docs.locale import locale_under
from loaders.docs.model import Article, is_stale


@dataclass
class LoadedFile:
    path: Path
    shown: str
    article: Article
    linted: bool = True  # False for a source article read only to compare a translation with


@dataclass
class LintReport:
    findings: list[Finding]
    files: list[str]  # shown paths of every linted file
    input_errors: list[InputError]
    rules: list[ActiveRule]
    sources: dict[str, tuple[str, str]] = field(default_factory=dict)  # translation -> (source, how)
    notes: list[str] = field(default_factory=list)  # run-level remarks (e.g. no source-language files)
    base: Path = field(default_factory=Path.cwd)  # paths in findings are relative to this folder
    help_uri: str | None = None  # where rule documentation is published (SARIF helpUri)

    @property
    def exit_code(self) -> int:
        if self.input_errors:
            return 2
        return 1 if any(f.severity == "error" for f in self.findings) else 0

    def summary(self) -> dict[str, object]:
        counts = {name: 0 for name in SEVERITY_RANK}
        by_rule: dict[str, int] = {}
        for finding in self.findings:
            counts[finding.severity] += 1
            by_rule[finding.rule] = by_rule.get(finding.rule, 0) + 1
        return {
            "files": len(self.files),
            "findings": len(self.findings),
            "errors": counts["error"],
            "warnings": counts["warning"],
            "info": counts["info"],
            "by_rule": dict(sorted(by_rule.items())),
            "input_errors": [{"path": e.path, "message": e.message} for e in self.input_errors],
            "exit_code": self.exit_code,
        }


class Workspace:
    """Every file of the run, parsed once, plus cached look-ups rules share (existence, anchors)."""

    def __init__(self, config: LintConfig, base: Path | None = None, source_locale: str = "en-us",
                 rule_names: dict[str, str] | None = None) -> None:
        self.config = config
        # id or alias -> id of every rule known to this run, active or not: what a suppression may name
        self.rule_names = rule_names or {}
        self.source_locale = source_locale
        self.has_source_files = False  # whether any linted file is in the source locale
        self.base = base or Path.cwd()
        self.files: dict[Path, LoadedFile] = {}
        self._facts: dict[int, ArticleFacts] = {}
        self._exists: dict[Path, bool] = {}
        self._anchors: dict[int, frozenset[str]] = {}
        self._memo: dict[tuple, object] = {}

    # -- loading -------------------------------------------------------------------------------
    def load(self, path: Path, linted: bool = True) -> LoadedFile | InputError:
        key = file_key(path)
        if key in self.files:
            loaded = self.files[key]
            loaded.linted = loaded.linted or linted
            return loaded
        return self.add(path, prepare_one(str(path), locale_of(path), self.config.max_file_size), linted)

    def add(self, path: Path, prepared: Prepared, linted: bool = True) -> LoadedFile | InputError:
        shown = display_path(path, self.base)
        if prepared.article is None:
            return InputError(shown, prepared.error or "cannot read")
        loaded = LoadedFile(path, shown, prepared.article, linted)
        self.files[file_key(path)] = loaded
        if prepared.derived is not None:
            self._facts[id(prepared.article)] = ArticleFacts.seeded(prepared.article, prepared.derived)
        return loaded

    # -- shared look-ups -----------------------------------------------------------------------
    def facts(self, article: Article) -> ArticleFacts:
        key = id(article)
        if key not in self._facts:
            self._facts[key] = ArticleFacts(article)
        return self._facts[key]

    def exists(self, path: Path) -> bool:
        key = Path(str(path))
        if key not in self._exists:
            try:
                self._exists[key] = path.exists()
            except OSError:
                self._exists[key] = False
        return self._exists[key]

    def article_at(self, path: Path) -> Article | None:
        """The parsed article at `path` (loading it, unlinted, when it is outside the run)."""
        if path.suffix.lower() not in (".md", ".markdown") or not self.exists(path):
            return None
        loaded = self.load(path, linted=False)
        return loaded.article if isinstance(loaded, LoadedFile) else None

    def anchors(self, article: Article) -> frozenset[str]:
        """Every fragment id a link may target in `article`: explicit anchors and heading ids."""
        key = id(article)
        if key not in self._anchors:
            self._anchors[key] = anchor_ids(article, self.facts(article))
        return self._anchors[key]

    def source_for(self, path: Path) -> SourceChoice | None:
        """The source-language article the file at `path` is compared with (None for source files)."""
        loaded = self.files.get(file_key(path))
        if loaded is None or not loaded.article.locale or loaded.article.locale == self.source_locale:
            return None
        return self.memo(("source", file_key(path)), lambda: _find_source(self, loaded, self.source_locale))

    def memo(self, key: tuple, compute):
        """A value computed once per run (articles live as long as the run, so their ids are stable)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def shown(self, path: Path) -> str:
        return display_path(path, self.base)


def _collect(
    rule: ActiveRule, hits: Iterable[Hit], loaded: LoadedFile, suppressions, findings: list[Finding]
) -> None:
    for hit in hits:
        if any(s.covers(rule.rule.id, hit.line) for s in suppressions):
            continue
        findings.append(
            Finding(
                rule=rule.rule.id,
                alias=rule.rule.alias,
                severity=rule.severity,
                path=loaded.shown,
                line=max(1, hit.line),
                column=hit.column,
                locale=loaded.article.locale or None,
                message=hit.message,
                source_path=hit.source_path,
                source_line=hit.source_line,
                others=_other_places(rule, hit, suppressions),
            )
        )


def _other_places(rule: ActiveRule, hit: Hit, suppressions) -> tuple[Location, ...]:
    """The hit's further places that no suppression covers, each once, in line order, never its first."""
    first = (max(1, hit.line), hit.column)
    places: dict[tuple[int, int | None], Location] = {}
    for place in hit.others:
        line = max(1, place.line)
        key = (line, place.column)
        if key == first or key in places or any(s.covers(rule.rule.id, line) for s in suppressions):
            continue
        places[key] = Location(line, place.column)
    return tuple(sorted(places.values(), key=lambda p: (p.line, p.column or 0)))


def _twin_path(path: Path, source_locale: str, workspace: Workspace) -> Path | None:
    """The file at the same relative path in the source-locale folder, if it exists."""
    index = locale_index(path)
    if index is None:
        return None
    root = Path(*path.parts[:index]) if index else Path(".")
    rest = path.parts[index + 1 :]
    try:
        folders = [p for p in root.iterdir() if p.name.lower() == source_locale and p.is_dir()]
    except OSError:
        return None
    for folder in folders:
        twin = folder.joinpath(*rest)
        if workspace.exists(twin):
            return twin
    return None


def _find_source(workspace: Workspace, loaded: LoadedFile, source_locale: str) -> SourceChoice | None:
    path = loaded.path
    twin = _twin_path(path, source_locale, workspace)
    if twin is not None:
        source = workspace.article_at(twin)
        if source is not None:
            return SourceChoice(source, twin, "same path")
    candidates = [
        (f.article, f.path)
        for f in workspace.files.values()
        if f.article.locale == source_locale and same_article(f.path, path)
    ]
    return choose_source(loaded.article, path, candidates, workspace.config.source_vintage)


def lint(
    paths: Sequence[str | Path],
    config: LintConfig | None = None,
    source_locale: str | None = None,
    rules: Sequence[Rule] | None = None,
    base: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> LintReport:
    """Lint the Markdown files under `paths` (files or folders) with the configured rules (default: all).

    `progress(done, total)` is called once the files are read (0 of total) and after each file is checked."""
    rules = ALL_RULES if rules is None else rules
    config = config or load_config()
    source_locale = check_locale(source_locale or config.source_locale)
    active = config.active_rules(rules)
    lookup = {key: rule.id for key, rule in rules_by_key(rules).items()}
    known = [*ALL_RULES, *(rule for rule in rules if rule not in ALL_RULES)]
    workspace = Workspace(config, base, source_locale,
                          {key: rule.id for key, rule in rules_by_key(known).items()})
    found = discover(paths, config.exclude, workspace.base)
    input_errors = list(found.errors)
    folders = [Path(p) for p in paths if Path(p).is_dir()]
    items = [(str(path), locale_under(path, folders), config.max_file_size) for path in found.files]
    for path, prepared in zip(found.files, prepare_many(items), strict=False):
        if prepared.article is not None:
            prepared = dataclasses.replace(prepared, article=located_under(prepared.article, folders))
        result = workspace.add(path, prepared)
        if isinstance(result, InputError):
            input_errors.append(result)
    linted = [f for f in list(workspace.files.values()) if f.linted]
    article_rules = [r for r in active if r.rule.scope == "article"]
    translation_rules = [r for r in active if r.rule.scope == "translation"]
    findings: list[Finding] = []
    report = LintReport(
        findings, [f.shown for f in linted], input_errors, active, base=workspace.base, help_uri=config.help_uri
    )
    has_source = any(f.article.locale == source_locale for f in linted)
    workspace.has_source_files = has_source
    if progress is not None:
        progress(0, len(linted))
    for done, loaded in enumerate(linted, start=1):
        try:
            _lint_file(loaded, workspace, article_rules, translation_rules, lookup, report)
        except Exception as exc:  # outside any one rule (suppressions, choosing the source): lose only this file
            findings.append(internal_error("the lint", loaded.shown, loaded.article.locale or None, exc))
        if progress is not None:
            progress(done, len(linted))
    if translation_rules and not has_source and any(f.article.locale for f in linted):
        report.notes.append(f"no {source_locale} articles among the linted files: translations were "
                            f"compared only with {source_locale} files found at the same path on disk")
    findings.sort(key=Finding.sort_key)
    return report


def _lint_file(
    loaded: LoadedFile,
    workspace: Workspace,
    article_rules: Sequence[ActiveRule],
    translation_rules: Sequence[ActiveRule],
    lookup: dict[str, str],
    report: LintReport,
) -> None:
    """Every article rule on one file and, for a translation, every translation rule against its source."""
    article = loaded.article
    facts = workspace.facts(article)
    suppressions = find_suppressions(article.text, lookup, lambda: facts.top_level_blocks)
    unparsed = _unparsed(article)
    for rule in article_rules:
        if unparsed and rule.rule.needs_parsed_article:
            continue
        ctx = ArticleContext(loaded.path, loaded.shown, rule.options, facts, workspace)
        _run_rule(rule, partial(rule.rule.run_article, article, ctx), loaded, suppressions, report.findings)
    source_locale = workspace.source_locale
    if not translation_rules or not article.locale or article.locale == source_locale or unparsed:
        return
    choice = workspace.source_for(loaded.path)
    if choice is None or _unparsed(choice.article):
        return
    source_shown = workspace.shown(choice.path)
    report.sources[loaded.shown] = (source_shown, choice.how)
    outdated = is_stale(article, choice.article) and not workspace.config.compare_outdated
    for rule in translation_rules:
        if outdated and rule.rule.same_revision_only:
            continue
        ctx = TranslationContext(
            loaded.path, loaded.shown, rule.options, facts, workspace,
            source=choice.article, source_path=choice.path, source_shown_path=source_shown,
            source_facts=workspace.facts(choice.article), source_how=choice.how,
        )
        _run_rule(rule, partial(rule.rule.run_translation, article, ctx), loaded, suppressions, report.findings,
                  source_shown)


def _run_rule(
    rule: ActiveRule,
    run: Callable[[], Iterable[Hit]],
    loaded: LoadedFile,
    suppressions,
    findings: list[Finding],
    source_shown: str | None = None,
) -> None:
    """Collect one rule's findings on one file; a rule that raises is reported, and costs only itself."""
    try:
        _collect(rule, run(), loaded, suppressions, findings)
    except Exception as exc:  # any defect of one rule: the other rules and files must still be checked
        failed = f"rule {rule.rule.id} {rule.rule.alias}"
        findings.append(internal_error(failed, loaded.shown, loaded.article.locale or None, exc, source_shown))


def _unparsed(article: Article) -> bool:
    return any(p.kind in (TOO_LARGE, PARSER_FAILURE) for p in article.problems)

