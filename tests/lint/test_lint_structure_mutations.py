"""Every rule over structurally damaged translations of real articles (docs_source/ and the shared
corpus): cause-list entries duplicated, dropped or swapped, sections duplicated, dropped or swapped,
anchors and headings removed. No rule may fail on any of them (no internal-error finding, no
exception), and each kind of damage is reported by the rule made for it, on top of what the
undamaged translation already gets."""
from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from loaders.docs.lint import LintConfig, lint
from loaders.docs.model import Article
from loaders.docs.parse import parse_text

from .mutations import MUTATIONS, Mutation

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus" / "articles"
ST = "articles/backup/backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md"
# older translations are compared item by item too, so the structure rules run on every pair
CONFIG = LintConfig(compare_outdated=True)


@dataclass(frozen=True)
class Pair:
    name: str
    source: Path
    translation: Path
    locale: str


PAIRS = (
    Pair("docs_source it-it agent", REPO / "docs_source/en-us/vm-agent-extension-failures.md",
         REPO / "docs_source/it-it/vm-agent-extension-failures.md", "it-it"),
    Pair("docs_source ja-jp jobs", REPO / "docs_source/en-us/vm-backup-job-errors.md",
         REPO / "docs_source/ja-jp/vm-backup-job-errors.md", "ja-jp"),
    # the same revision as its source (both ms.date 01/09/2018)
    Pair("corpus cs-cz 2018", CORPUS / "en-us/2018-01-09" / ST, CORPUS / "cs-cz/2018-01-29" / ST, "cs-cz"),
    # eleven errors whose cause lists are prose links and "原因 N" entries
    Pair("corpus zh-cn 2020", CORPUS / "en-us/2025-11-12" / ST, CORPUS / "zh-cn/2020-03-05" / ST, "zh-cn"),
    # the 2016 layout: causes without a linked cause list
    Pair("corpus de-de 2016", CORPUS / "en-us/2018-01-09" / ST, CORPUS / "de-de/2017-04-20" / ST, "de-de"),
)


def _read(path: Path) -> str:
    return path.read_bytes().decode("utf-8", "surrogateescape")


def lint_translation(pair: Pair, text: str) -> list:
    """Every rule on the source and `text` as its translation; the translation's findings."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for locale, content in (("en-us", _read(pair.source)), (pair.locale, text)):
            (root / locale).mkdir()
            (root / locale / "article.md").write_bytes(content.encode("utf-8", "surrogateescape"))
        report = lint([root], config=CONFIG, base=root)
    internal = [f.message for f in report.findings if f.rule == "TS000"]
    assert internal == [], internal
    return [f for f in report.findings if f.path == f"{pair.locale}/article.md"]


@pytest.fixture(scope="module")
def baselines(corpus_dir) -> dict[str, Counter]:
    return {pair.name: Counter(f.rule for f in lint_translation(pair, _read(pair.translation))) for pair in PAIRS}


# -- what each kind of damage must produce ---------------------------------------------------------
@dataclass(frozen=True)
class Expectation:
    rule: str | None  # None: nothing new may be reported
    # whether the damage to this candidate is one the rule can see (e.g. the source has that cause)
    applies: Callable[[Article, Article, object], bool]
    # words of the new finding's message, from the candidate
    words: Callable[[object], list[str]] = lambda candidate: []


def _source_error(source: Article, error) -> object | None:
    return source.error(error.id)


def _entry_in_source(source: Article, translation: Article, chosen) -> bool:
    error, k = chosen
    source_error = _source_error(source, error)
    target = error.cause_refs[k].target
    return source_error is not None and target in source_error.causes and error.causes.count(target) == 1


def _in_source_order(source: Article, translation: Article, chosen) -> bool:
    error, k = chosen
    source_error = _source_error(source, error)
    if source_error is None:
        return False
    first, second = error.cause_refs[k].target, error.cause_refs[k + 1].target
    wanted = source_error.causes
    return first in wanted and second in wanted and wanted.index(first) < wanted.index(second)


def _cause_in_source(source: Article, translation: Article, cause) -> bool:
    return source.cause(cause.id) is not None


def _linked_cause_in_source(source: Article, translation: Article, cause) -> bool:
    linked = {ref.target for error in translation.errors for ref in error.cause_refs}
    return cause.id in linked and source.cause(cause.id) is not None


def _error_in_source(source: Article, translation: Article, error) -> bool:
    return source.error(error.id) is not None


def _both_in_source(source: Article, translation: Article, chosen) -> bool:
    return all(source.cause(cause.id) is not None for cause in chosen)


EXPECTED = {
    "entry duplicated": Expectation("TS019", lambda s, t, c: True,
                                    lambda c: [f"#{c[0].cause_refs[c[1]].target}", "already lists"]),
    "entry dropped": Expectation("TS102", _entry_in_source,
                                 lambda c: [f"#{c[0].cause_refs[c[1]].target}", "lacks cause"]),
    "entries swapped": Expectation("TS103", _in_source_order, lambda c: ["another order"]),
    "cause section duplicated": Expectation("TS102", _cause_in_source, lambda c: [f"#{c.id}", "repeats the section"]),
    "cause section dropped": Expectation("TS102", _cause_in_source, lambda c: [f"#{c.id}", "missing"]),
    "error section duplicated": Expectation("TS101", _error_in_source, lambda c: [f"#{c.id}", "repeats the section"]),
    "error section dropped": Expectation("TS101", _error_in_source, lambda c: [f"#{c.id}", "missing"]),
    # causes are matched by id, not by place: two anchored sections in another order read the same
    "cause sections swapped": Expectation(None, _both_in_source),
    "cause anchor removed": Expectation("TS001", _linked_cause_in_source, lambda c: [f"#{c.id}"]),
    "cause heading removed": Expectation("TS102", _cause_in_source, lambda c: [f"#{c.id}", "missing"]),
}


def test_every_mutation_has_an_expectation():
    assert sorted(EXPECTED) == sorted(m.kind for m in MUTATIONS)


@pytest.mark.corpus
@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.kind)
def test_each_kind_of_damage_is_reported_by_its_rule(baselines, mutation: Mutation):
    expected = EXPECTED[mutation.kind]
    checked = []
    for pair in PAIRS:
        text = _read(pair.translation)
        translation = parse_text(text, str(pair.translation))
        source = parse_text(_read(pair.source), str(pair.source))
        chosen = next((c for c in mutation.candidates(translation) if expected.applies(source, translation, c)), None)
        if chosen is None:
            continue
        damaged = mutation(text, translation, chosen)
        assert damaged is not None and damaged != text, f"{mutation.kind} did not apply to {pair.name}"
        findings = lint_translation(pair, damaged)
        new = Counter(f.rule for f in findings) - baselines[pair.name]
        if expected.rule is None:
            assert Counter(f.rule for f in findings) == baselines[pair.name], (pair.name, new)
        else:
            assert new[expected.rule] >= 1, (pair.name, dict(new))
            messages = [f.message for f in findings if f.rule == expected.rule]
            words = expected.words(chosen)
            assert any(all(word in message for word in words) for message in messages), (pair.name, words, messages)
        checked.append(pair.name)
    # each kind is seen on both of our own translations and on real corpus ones
    assert sum(name.startswith("docs_source") for name in checked) == 2, checked
    assert sum(name.startswith("corpus") for name in checked) >= 2, checked


# -- any damage, several at once -------------------------------------------------------------------
def _damage(pair: Pair, steps: list[tuple[int, int]]) -> str:
    """The translation with each (mutation, candidate) step applied in turn, re-reading it in between."""
    text = _read(pair.translation)
    for mutation_index, candidate_index in steps:
        mutation = MUTATIONS[mutation_index % len(MUTATIONS)]
        article = parse_text(text, str(pair.translation))
        candidates = mutation.candidates(article)
        if not candidates:
            continue
        changed = mutation(text, article, candidates[candidate_index % len(candidates)])
        if changed is not None:
            text = changed
    return text


STEPS = st.lists(st.tuples(st.integers(0, len(MUTATIONS) - 1), st.integers(0, 200)), min_size=1, max_size=4)


@pytest.mark.corpus
# the same examples every run, and no shrinking: a failing example of at most four steps reads as it is
@settings(max_examples=30, derandomize=True, database=None, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(pair=st.sampled_from(PAIRS), steps=STEPS)
def test_no_rule_fails_on_any_combination_of_damage(corpus_dir, pair: Pair, steps):
    lint_translation(pair, _damage(pair, steps))
