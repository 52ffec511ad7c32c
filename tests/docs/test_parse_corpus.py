"""The real corpus: every file parses, the target article always yields errors with causes,
the seed article yields its exact graph, and translations of one vintage align by id."""
from __future__ import annotations

from pathlib import Path

import pytest

from loaders.docs import align, load_tree, parse_article
from loaders.docs.align import group_by_article

pytestmark = pytest.mark.corpus

TARGET = "backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout.md"
SEED = "seed/it-it/2017-08-18/articles/backup/" + TARGET

# Read from the seed file by hand: the five error headings (h2 with <a name>) and, under each,
# the "Causa N: [..](#target)" h5 entries in the order written.
NO_INTERNET = "the-vm-has-no-internet-access"
AGENT_WINDOWS = "the-agent-installed-in-the-vm-but-unresponsive-for-windows-vms"
AGENT_LINUX = "the-agent-installed-in-the-vm-is-out-of-date-for-linux-vms"
SNAPSHOT = "the-snapshot-status-cannot-be-retrieved-or-a-snapshot-cannot-be-taken"
EXTENSION = "the-backup-extension-fails-to-update-or-load"
SEED_ERRORS = {
    "vm-agent-unable-to-communicate-with-azure-backup": [NO_INTERNET, AGENT_WINDOWS, AGENT_LINUX, SNAPSHOT, EXTENSION],
    "snapshot-operation-failed-due-to-no-network-connectivity-on-the-virtual-machine": [
        NO_INTERNET, SNAPSHOT, EXTENSION,
    ],
    "vmsnapshot-extension-operation-failed": [SNAPSHOT, EXTENSION, NO_INTERNET, AGENT_WINDOWS, AGENT_LINUX],
    "unable-to-perform-the-operation-as-the-vm-agent-is-not-responsive": [AGENT_WINDOWS, AGENT_LINUX, NO_INTERNET],
    "backup-failed-with-an-internal-error---please-retry-the-operation-in-a-few-minutes": [
        NO_INTERNET, AGENT_WINDOWS, AGENT_LINUX, SNAPSHOT, EXTENSION,
    ],
}
SEED_CAUSES = [NO_INTERNET, AGENT_WINDOWS, AGENT_LINUX, SNAPSHOT, EXTENSION]


def _corpus_files(corpus_dir: Path, *sets: str) -> list[Path]:
    return sorted(path for name in sets for path in (corpus_dir / name).rglob("*.md"))


def test_every_corpus_file_parses(corpus_dir: Path) -> None:
    files = _corpus_files(corpus_dir, "articles", "siblings", "bench", "seed", "includes")
    assert len(files) > 200
    for path in files:
        article = parse_article(path)
        internal = [p for p in article.problems if p.kind in ("internal", "io")]
        assert not internal, f"{path}: {internal}"
        assert article.content_hash and article.locale


def test_every_target_article_has_errors_with_causes(corpus_dir: Path) -> None:
    files = [p for p in _corpus_files(corpus_dir, "articles", "seed") if p.name == TARGET]
    assert len(files) >= 40
    for path in files:
        article = parse_article(path)
        with_causes = [error for error in article.errors if error.causes]
        assert with_causes, f"{path}: no error with causes"
        assert article.causes, f"{path}: no cause sections"


def test_seed_article_graph(corpus_dir: Path) -> None:
    article = parse_article(corpus_dir / SEED)
    assert article.locale == "it-it"
    assert article.date is not None and article.date.isoformat() == "2017-08-17"
    assert {error.id: error.causes for error in article.errors} == SEED_ERRORS
    assert [error.id for error in article.errors] == list(SEED_ERRORS)
    for error in article.errors:
        assert [ref.number for ref in error.cause_refs] == list(range(1, len(error.causes) + 1))
        assert [ref.cause_id for ref in error.cause_refs] == error.causes
    assert [cause.id for cause in article.causes] == SEED_CAUSES
    causes = {cause.id: cause for cause in article.causes}
    assert causes[AGENT_WINDOWS].platforms == ["windows"]
    assert causes[AGENT_LINUX].platforms == ["linux"]
    assert causes[NO_INTERNET].platforms == []
    # the Windows agent steps skip number 3, as written
    steps = next(block for block in causes[AGENT_WINDOWS].blocks if block.kind == "steps")
    assert [step.number for step in steps.steps] == [1, 2, 4, 5, 6, 7]
    assert any(block.kind == "callout" and block.callout == "NOTE" for block in causes[AGENT_LINUX].blocks)
    assert {"ps -e", "service walinuxagent start", "service waagent start"} <= {
        command.text for command in causes[AGENT_LINUX].commands
    }
    table = next(block for block in causes[SNAPSHOT].blocks if block.kind == "table")
    assert len(table.rows) == 6 and len(table.rows[0]) == 2
    assert [include.target for include in article.includes] == ["../../includes/support-disclaimer.md"]
    assert article.problems == []


def test_translations_of_one_vintage_align(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "articles").glob(f"*/2017-10-05/articles/backup/{TARGET}"))
    assert len(files) >= 8
    alignment = align(load_tree(files, cache=False))
    assert len(alignment.locales) == len(files)
    every = set(alignment.locales)
    # error ids come from the English-derived anchors, so every translation has all of them
    assert set(alignment.errors) == set(SEED_ERRORS)
    assert all(set(labels) == every for labels in alignment.errors.values())
    assert alignment.order_disagreements() == {}
    for error_id, orders in alignment.cause_orders.items():
        assert all(order == SEED_ERRORS[error_id] for order in orders.values()), error_id


def test_side_by_side_vintage_agrees_where_anchors_agree(corpus_dir: Path) -> None:
    # some of these translations re-derived their anchors from a damaged English source,
    # so not every locale shares every error id; those that do must agree on the order
    files = sorted((corpus_dir / "articles").glob(f"*/2017-11-28/articles/backup/{TARGET}"))
    assert len(files) >= 8
    alignment = align(load_tree(files, cache=False))
    shared = {error: labels for error, labels in alignment.errors.items() if len(labels) > 1}
    assert len(shared) >= 3
    assert alignment.order_disagreements() == {}
    for error_id in set(SEED_ERRORS) & set(alignment.errors):
        for order in alignment.cause_orders[error_id].values():
            assert order == SEED_ERRORS[error_id], error_id


def test_cause_ids_agree_where_anchors_agree(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "articles").glob(f"*/2017-10-05/articles/backup/{TARGET}"))
    alignment = align(load_tree(files, cache=False))
    assert set(alignment.causes) == set(SEED_CAUSES)
    assert all(len(labels) == len(files) for labels in alignment.causes.values())


def test_2016_layout_causes_from_numbered_headings(corpus_dir: Path) -> None:
    files = sorted((corpus_dir / "articles").glob(f"*/2017-04-*/articles/backup/{TARGET}"))
    assert len(files) >= 4
    alignment = align(load_tree(files, cache=False))
    # all locales keep the English anchors of the first two numbered cause headings
    assert len(alignment.errors) == 1
    (order,) = {tuple(order) for order in next(iter(alignment.cause_orders.values())).values()}
    assert order[:2] == ("cause-1-the-vm-does-not-have-internet-access",
                         "cause-2-the-microsoft-azure-vm-agent-installed-in-the-vm-is-out-of-date-for-linux-vms")


def test_includes_folder_is_not_an_article(corpus_dir: Path) -> None:
    root = corpus_dir / "articles" / "it-it" / "2017-04-13"
    articles = load_tree([root], cache=False)
    assert [Path(a.path).name for a in articles] == [TARGET]
    (include,) = articles[0].includes
    assert include.syntax == "azure-include"
    assert include.resolved and Path(include.resolved).name == "support-disclaimer.md"
    assert group_by_article(articles) == {TARGET: articles}


def test_cjk_cause_numbers_as_written(corpus_dir: Path) -> None:
    # "原因 1：" … "原因4：" (no space before the 4) in the 2020 Simplified Chinese article
    article = parse_article(next((corpus_dir / "articles" / "zh-cn").glob(f"*/articles/backup/{TARGET}")))
    error = article.error(
        "guestagentsnapshottaskstatuserror---could-not-communicate-with-the-vm-agent-for-snapshot-status")
    assert error is not None and error.codes == ["GuestAgentSnapshotTaskStatusError"]
    assert [ref.number for ref in error.cause_refs] == [1, 2, 3, 4]
    assert error.causes == [
        AGENT_WINDOWS, AGENT_LINUX, SNAPSHOT, "vm-agent-configuration-options-are-not-set-for-linux-vms",
    ]
    assert all(ref.cause_id for ref in error.cause_refs)


def test_2018_error_message_and_code_lines(corpus_dir: Path) -> None:
    article = parse_article(corpus_dir / "articles/en-us/2018-06-25/articles/backup" / TARGET)
    first = article.error("vm-agent-unable-to-communicate-with-azure-backup")
    assert first.codes == ["UserErrorGuestAgentStatusUnavailable"]
    assert first.messages == ["VM Agent unable to communicate with Azure Backup"]
    assert first.causes == SEED_ERRORS["vm-agent-unable-to-communicate-with-azure-backup"]
    internal = article.error("backup-fails-with-an-internal-error")
    assert internal.codes == ["BackUpOperationFailed", "BackUpOperationFailedV2"]
    assert len(internal.causes) == 6
    assert internal.causes[-1] == (
        "backup-service-does-not-have-permission-to-delete-the-old-restore-points-due-to-resource-group-lock"
    )
