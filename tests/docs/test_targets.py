"""One rule for a link whose target no heading carries: the parser, the lint hint and the Guide agree
(tests/data/guide/mistyped: a cause list with one exact, one mistyped and one broken target)."""
from __future__ import annotations

from pathlib import Path

from dashboard.guide.view import cause_views
from loaders.docs.lint import lint
from loaders.docs.load import parse_article
from loaders.docs.targets import cause_for, nearest_id

FIXTURE = Path(__file__).resolve().parents[1] / "data" / "guide" / "mistyped" / "en-us" / "snapshot-failures.md"


def test_nearest_id_takes_the_one_nearly_identical_id() -> None:
    ids = ["snapshot-extension-is-stuck", "the-vm-has-no-outbound-network", "disk-resize-started"]
    assert nearest_id("snapshot-extention-is-stuck", ids) == "snapshot-extension-is-stuck"
    assert nearest_id("Snapshot-Extension-Is-Stuck", ids) == "snapshot-extension-is-stuck"
    assert nearest_id("hello-vm-has-no-outbound-network", ids) == "the-vm-has-no-outbound-network"
    assert nearest_id("disk-is-resizing", ids) is None  # similar words, another section
    assert nearest_id("anything", []) is None


def test_nearest_id_refuses_to_guess_between_two_equally_near_ids() -> None:
    assert nearest_id("agent-stopped-x", ["agent-stopped-a", "agent-stopped-b"]) is None
    assert nearest_id("agent-stopped-x", ["agent-stopped-a", "agent-stopped-a"]) == "agent-stopped-a"


def test_cause_for_follows_a_mistyped_target_and_not_a_broken_one() -> None:
    article = parse_article(FIXTURE)
    refs = article.errors[0].cause_refs
    assert [ref.target for ref in refs] == ["the-vm-has-no-outbound-network", "snapshot-extention-is-stuck",
                                           "disk-is-resizing"]
    found = [cause_for(article, ref) for ref in refs]
    assert [c.id if c else None for c in found] == ["the-vm-has-no-outbound-network", "snapshot-extension-is-stuck",
                                                   None]
    # the parser reports both broken targets, and names the section it followed
    messages = [p.message for p in article.problems if p.kind == "cause-link"]
    assert messages == ["cause link #snapshot-extention-is-stuck points to no heading in this article; "
                        "nearest heading is #snapshot-extension-is-stuck",
                        "cause link #disk-is-resizing points to no heading in this article"]


def test_lint_hint_names_the_section_the_guide_opens() -> None:
    article = parse_article(FIXTURE)
    report = lint([FIXTURE.parent])
    hints = {f.line: f.message for f in report.findings if f.rule == "TS001"}
    views = cause_views(article, article.errors[0])
    assert views[1].cause is not None and views[1].id == "snapshot-extension-is-stuck"
    assert hints[article.errors[0].cause_refs[1].line].endswith(
        f"did you mean #{views[1].id}?")
    assert views[2].cause is None and "did you mean" not in hints[article.errors[0].cause_refs[2].line]
    assert views[0].cause is not None and article.errors[0].cause_refs[0].line not in hints


def test_cause_for_on_a_corpus_translation_with_machine_translated_anchors(corpus_dir: Path) -> None:
    """cs-cz 2017-10-09: the cause list links #the-…, the headings were translated to #hello-…."""
    path = next((corpus_dir / "articles" / "cs-cz" / "2017-10-09").rglob("*snapshot-timeout.md"))
    article = parse_article(path)
    refs = [ref for error in article.errors for ref in error.cause_refs]
    broken = [ref for ref in refs if article.cause(ref.target) is None]
    assert broken, "the corpus file no longer has mistyped cause targets"
    for ref in broken:
        cause = cause_for(article, ref)
        assert cause is not None and cause.id == nearest_id(ref.target, [c.id for c in article.causes])
        assert cause.id.startswith("hello-") and ref.target.startswith("the-")
