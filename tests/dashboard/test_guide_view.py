"""What the Guide shows for a reader: choices, language fallback, causes in order, links.

Fixture tree tests/data/guide/tree: en-us (source, 2024-03-01, two errors), it-it (same date, only
the first error), de-de (older than the source), ja-jp (an article that exists only in Japanese).
"""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from dashboard.core.links import guide_link
from dashboard.guide import view as gv
from loaders.docs.graph import load_graph
from loaders.docs.load import parse_article

TREE = Path(__file__).resolve().parents[1] / "data" / "guide" / "tree"
AGENT = "agent-failures"


@pytest.fixture(scope="module")
def graph():
    return load_graph(TREE, cache=False)


def choice(graph, error_id: str, locale: str = "en-us") -> gv.ErrorChoice:
    found = gv.find_choice(gv.error_choices(graph, locale), error_id)
    assert found is not None, error_id
    return found


def test_choices_are_labelled_in_the_readers_language_with_codes(graph) -> None:
    italian = {c.error_id: c for c in gv.error_choices(graph, "it-it")}
    assert set(italian) == {"agentdownerror", "diskfullerror", "quotaexceedederror"}
    assert italian["agentdownerror"].locale == "it-it"
    assert italian["agentdownerror"].label == "AgentDownError - L'agente non risponde più"
    # Not translated: labelled from the English article.
    assert italian["diskfullerror"].locale == "en-us"
    assert italian["quotaexceedederror"].locale == "ja-jp"
    assert italian["agentdownerror"].codes == ("AgentDownError",)


def test_label_adds_codes_missing_from_the_heading() -> None:
    from loaders.docs.model import Error

    assert gv.error_label(Error("x", "Agent is down", 1, 2, codes=["AgentDown"])) == "AgentDown — Agent is down"
    labelled = Error("x", "AgentDown - Agent is down", 1, 2, codes=["AgentDown"])
    assert gv.error_label(labelled) == "AgentDown - Agent is down"
    assert gv.error_label(Error("x-id", "", 1, 2)) == "x-id"


def test_find_choice_by_id_code_and_article(graph) -> None:
    choices = gv.error_choices(graph, "en-us")
    assert gv.find_choice(choices, "diskfullerror").error_id == "diskfullerror"
    assert gv.find_choice(choices, "DiskFullError").error_id == "diskfullerror"  # by code
    assert gv.find_choice(choices, None, AGENT).error_id == "agentdownerror"  # article alone: first error
    assert gv.find_choice(choices, "nope") is None
    assert gv.find_choice(choices, None) is None


def test_a_link_naming_the_wrong_article_still_finds_its_error(docs_source_dir) -> None:
    """Errors move between articles; a link keeps working when its error code is known anywhere."""
    graph = load_graph(docs_source_dir)
    choices = gv.error_choices(graph, "en-us")
    by_article: dict[str, list[gv.ErrorChoice]] = {}
    for c in choices:
        by_article.setdefault(c.article, []).append(c)
    assert len(by_article) >= 2, "docs_source has two articles"
    (first, first_errors), (second, _) = list(by_article.items())[:2]
    moved = first_errors[0]
    for wanted in (moved.error_id, moved.codes[0]):
        assert gv.find_choice(choices, wanted, second) == moved
        assert gv.find_choice(choices, wanted, "no-such-article") == moved
    # Within the named article, its own error wins over a namesake elsewhere.
    assert gv.find_choice(choices, moved.error_id, first) == moved
    assert gv.find_choice(choices, "NoSuchErrorCode", second) is None


def test_translated_error_is_shown_in_the_readers_language(graph) -> None:
    view = gv.error_view(graph, choice(graph, "agentdownerror"), "it-it")
    assert view.shown_locale == "it-it" and view.notice is None
    assert [c.id for c in view.causes] == ["agent-service-stopped", "no-outbound-network"]
    assert [c.number for c in view.causes] == [1, 2]
    assert view.causes[0].title == "Il servizio dell'agente è arrestato"


def test_missing_translation_falls_back_to_english(graph) -> None:
    view = gv.error_view(graph, choice(graph, "diskfullerror"), "it-it")
    assert view.shown_locale == "en-us" and view.notice == "missing"
    # The order of this error's list, not the order of the sections in the article.
    assert [c.id for c in view.causes] == ["no-outbound-network", "agent-service-stopped"]


def test_language_without_any_translation_falls_back_to_english(graph) -> None:
    view = gv.error_view(graph, choice(graph, "agentdownerror"), "fr-fr")
    assert view.shown_locale == "en-us" and view.notice == "missing"


def test_stale_translation_shows_english_unless_asked(graph) -> None:
    view = gv.error_view(graph, choice(graph, "agentdownerror"), "de-de")
    assert view.notice == "stale" and view.shown_locale == "en-us"
    assert str(view.translation_date) == "2023-01-15" and str(view.source_date) == "2024-03-01"
    assert view.stale_translation is not None
    forced = gv.error_view(graph, choice(graph, "agentdownerror"), "de-de", prefer_stale_translation=True)
    assert forced.shown_locale == "de-de" and forced.notice is None
    assert [c.id for c in forced.causes] == ["agent-service-stopped"]


def test_error_only_in_another_language(graph) -> None:
    view = gv.error_view(graph, choice(graph, "quotaexceedederror"), "it-it")
    assert view.notice == "no-source" and view.shown_locale == "ja-jp"


def test_english_reader_sees_english_without_notice(graph) -> None:
    view = gv.error_view(graph, choice(graph, "agentdownerror"), "en-us")
    assert view.shown_locale == "en-us" and view.notice is None and view.stale_translation is None


def test_cause_listed_without_a_section_is_kept_as_a_placeholder(tmp_path) -> None:
    article = tmp_path / "en-us" / "x.md"
    article.parent.mkdir()
    article.write_text(
        "---\nms.date: 01/01/2024\n---\n# X\n\n## <a name=\"e1\"></a>E1 - Broken\n\n**Error code**: E1\n\n"
        "- **Cause 1: [Listed but absent](#absent)**\n- **Cause 2: [Present](#present)**\n\n"
        "## Causes and solutions\n\n### <a name=\"present\"></a>Present\n\nFix it.\n", encoding="utf-8")
    graph = load_graph(tmp_path, cache=False)
    view = gv.error_view(graph, choice(graph, "e1"), "en-us")
    assert [(c.id, c.cause is None) for c in view.causes] == [("absent", True), ("present", False)]
    assert view.causes[0].title == "Listed but absent"


def test_links_inside_articles(graph) -> None:
    view = gv.error_view(graph, choice(graph, "agentdownerror"), "it-it")
    resolve = gv.link_resolver(graph, view, "it-it")
    assert resolve("#no-outbound-network") == \
        "guide?lang=it-it&article=agent-failures&error=agentdownerror&cause=no-outbound-network"
    assert resolve("#diskfullerror") is None  # not in the Italian article
    assert resolve("agent-failures.md#agentdownerror") == "guide?lang=it-it&article=agent-failures&error=agentdownerror"
    assert resolve("../other/quota-failures.md") == "guide?lang=it-it&article=quota-failures"
    assert resolve("https://portal.azure.com") == "https://portal.azure.com"
    assert resolve("//example.com/a") == "https://example.com/a"
    assert resolve("./media/picture.png") is None
    assert resolve("unknown-article.md") is None
    assert resolve("#heading-that-is-not-a-cause") is None


def test_guide_link_shape() -> None:
    assert guide_link("ja-jp", "a b", "e&1") == "guide?lang=ja-jp&article=a+b&error=e%261"
    assert guide_link("en-us") == "guide?lang=en-us"
    assert guide_link("en-us", "a", docs="/srv/docs/it-it") == "guide?lang=en-us&article=a&docs=%2Fsrv%2Fdocs%2Fit-it"


def test_links_inside_articles_keep_the_chosen_docs_folder(graph) -> None:
    """A link opens a new session: without the folder it would read the built-in articles."""
    view = gv.error_view(graph, choice(graph, "agentdownerror"), "it-it")
    resolve = gv.link_resolver(graph, view, "it-it", docs=str(TREE))
    for href in ("#no-outbound-network", "agent-failures.md#agentdownerror", "../other/quota-failures.md"):
        assert parse_qs(urlparse(resolve(href)).query)["docs"] == [str(TREE)]
    assert resolve("https://portal.azure.com") == "https://portal.azure.com"


def test_problems_name_file_and_line(tmp_path, corpus_dir) -> None:
    (tmp_path / "broken.md").write_bytes(b"---\ntitle: [unclosed\nms.date: 13/45/2020\n---\n# T\n")
    graph = load_graph(tmp_path, cache=False)
    problems = gv.graph_problems(graph)
    assert problems and all(p.path.endswith("broken.md") and p.line >= 1 and p.message for p in problems)


def test_corpus_locale_folder_keeps_the_articles_cause_order(corpus_dir) -> None:
    folder = corpus_dir / "articles" / "it-it" / "2017-10-05"
    graph = load_graph(folder, cache=False)
    choices = gv.error_choices(graph, "it-it")
    article = parse_article(next(folder.rglob("*.md")))
    assert [c.error_id for c in choices] == [e.id for e in article.errors]
    for error in article.errors:
        view = gv.error_view(graph, gv.find_choice(choices, error.id), "it-it")
        assert [c.id for c in view.causes] == error.causes
        assert [c.number for c in view.causes] == list(range(1, len(error.causes) + 1))


def test_choices_offer_the_readers_language_first_and_name_the_others(graph) -> None:
    choices = gv.error_choices(graph, "it-it")
    assert [c.locale for c in choices] == ["it-it", "en-us", "ja-jp"]
    names = {"it-it": "italiano", "en-us": "inglese", "ja-jp": "giapponese"}
    labels = [gv.picker_label(c, "it-it", names) for c in choices]
    assert labels[0] == "AgentDownError - L'agente non risponde più"
    assert labels[1].endswith(" · inglese") and labels[2].endswith(" · giapponese")


def test_choices_on_the_corpus_tree_put_every_italian_title_first(corpus_dir) -> None:
    corpus = load_graph(corpus_dir / "articles")
    choices = gv.error_choices(corpus, "it-it")
    italian = [c for c in choices if c.locale == "it-it"]
    assert italian and choices[:len(italian)] == italian
    newest = {e.id for a in corpus.articles("it-it") for e in a.errors} & {c.error_id for c in italian}
    assert newest == {c.error_id for c in italian}
    # after them the source language, then every other one, each named
    rest = [c.locale for c in choices[len(italian):]]
    assert rest[0] == "en-us" and rest == sorted(rest, key=lambda loc: (loc != "en-us", loc))


def test_an_error_only_the_newer_english_article_has_offers_the_older_italian_version(corpus_dir) -> None:
    corpus = load_graph(corpus_dir / "articles")
    choices = gv.error_choices(corpus, "it-it")
    english = gv.find_choice(choices, "UserErrorGuestAgentStatusUnavailable")
    assert english is not None and english.locale == "en-us"
    view = gv.error_view(corpus, english, "it-it")
    assert view.notice == "older-version" and view.shown_locale == "en-us"
    assert view.older_article == english.article and view.older_date < view.source_date
    older = gv.find_choice(choices, view.older_error_id, view.older_article)
    assert older is not None and older.locale == "it-it"
    opened = gv.error_view(corpus, older, "it-it")
    assert opened.shown_locale == "it-it" and opened.notice == "outdated"
