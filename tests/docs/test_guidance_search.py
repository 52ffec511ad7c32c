"""One search box: codes, numbers, pasted portal and `az backup job show` text, localized titles and
words, on the built-in articles and on the corpus (loaders.guidance.search)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from loaders.docs.graph import load_graph
from loaders.guidance.search import CONFIDENT_SCORE, SearchIndex, closeness, normalise_query
from loaders.jobs.catalog import load_catalog

AGENT = ("vm-agent-extension-failures", "usererrorguestagentstatusunavailable")


@pytest.fixture(scope="module")
def catalog():
    return load_catalog()


@pytest.fixture(scope="module")
def index(docs_source_dir, catalog):
    return SearchIndex.build(load_graph(docs_source_dir), catalog)


def keys(result) -> list[tuple[str, str]]:
    return [(hit.article, hit.error_id) for hit in result.hits]


@pytest.mark.parametrize("query", ["UserErrorGuestAgentStatusUnavailable", "  usererrorguestagentstatusunavailable\n",
                                   "Error code: USERERRORGUESTAGENTSTATUSUNAVAILABLE"])
def test_an_error_code_in_any_case_and_spacing(index, query) -> None:
    result = index.search(query)
    assert result.found and result.certain
    assert keys(result)[0] == AGENT and result.best.how == "code" and result.best.score == 100


def test_a_numeric_code(index, catalog) -> None:
    entry = next(e for e in catalog.entries.values() if e.numeric)
    result = index.search(str(entry.numeric[0]))
    assert result.certain and keys(result) == [(entry.article, entry.error_id)] and result.best.how == "number"


def test_the_portal_message_with_and_without_its_recommendation_over_several_lines(index, catalog) -> None:
    entry = catalog.entries["UserErrorGuestAgentStatusUnavailable"]
    for pasted in (entry.message, f"{entry.message.upper()} - Ensure the VM agent is running.",
                   "\n".join(f"  {word}" for word in entry.message.split()) + "\n\nRecommended action: retry",
                   entry.variants[0]):
        result = index.search(pasted)
        assert result.certain, pasted
        assert keys(result)[0] == AGENT and result.best.how == "message", pasted


def test_the_json_of_az_backup_job_show(index, catalog) -> None:
    entry = next(e for e in catalog.entries.values() if e.numeric and e.message)
    shown = json.dumps({"name": "6f1c2d3e-0000-4000-8000-000000000001", "properties": {
        "status": "Failed", "startTime": "2026-05-02T22:30:04.1234567Z", "entityFriendlyName": "vm-app01",
        "errorDetails": [{"errorCode": entry.numeric[0], "errorString": entry.message,
                          "recommendations": ["Retry the operation after a few minutes."]}]}}, indent=2)
    result = index.search(shown)
    assert result.certain and keys(result)[0] == (entry.article, entry.error_id)


def test_a_localized_title_and_words_of_a_title(index, docs_source_dir) -> None:
    graph = load_graph(docs_source_dir)
    for locale in ("it-it", "ja-jp", "de-de"):
        article = graph.article(AGENT[0], locale)
        title = article.error(AGENT[1]).title.split(" - ", 1)[1]  # the translated words, without the code
        result = index.search(title)
        assert result.found and keys(result)[0] == AGENT, (locale, title)
    words = index.search("agent communicate")
    assert words.found and AGENT in keys(words) and all(h.score >= CONFIDENT_SCORE for h in words.hits)


def test_a_mistyped_code_finds_its_error(index) -> None:
    result = index.search("UserErrorGuestAgentStatusUnavailabel")
    assert result.found and keys(result)[0] == AGENT and result.best.how == "words"


def test_unknown_input_says_so_and_offers_the_closest(index) -> None:
    result = index.search("qwzx plorf")
    assert not result.found and result.hits and len(result.hits) <= 8
    assert all(hit.score < CONFIDENT_SCORE for hit in result.hits)
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)


def test_nothing_to_search() -> None:
    empty = SearchIndex([])
    assert empty.search("UserErrorX").hits == () and not empty.search("UserErrorX").found
    assert SearchIndex([]).search(None).query == ""
    assert normalise_query(" a\r\n\tb ") == "a b" and normalise_query(42) == ""


def test_closeness_counts_words_held_by_the_text() -> None:
    assert closeness("agent communicate", "vm agent unable to communicate with azure backup") == 100
    assert closeness("エージェント", "vm エージェントが応答しません") == 100
    assert closeness("agent", "") == 0 and closeness("", "text") == 0
    assert closeness("disk full", "the vm agent is stopped") < CONFIDENT_SCORE


def test_on_the_corpus_tree_an_error_code_line_is_found_without_the_catalog(corpus_dir: Path) -> None:
    graph = load_graph(corpus_dir / "articles")
    index = SearchIndex.build(graph)
    english = graph.article("backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout", "en-us")
    error = next(e for e in english.errors if e.codes)
    result = index.search(error.codes[0].lower())
    # every vintage and language whose error-code line names it
    assert result.found and error.id in [hit.error_id for hit in result.hits]
    assert {hit.how for hit in result.hits} == {"code"}
    italian = graph.article("backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout", "it-it")
    title = " ".join(italian.errors[2].title.split())
    assert keys(index.search(title))[0][1] == italian.errors[2].id
