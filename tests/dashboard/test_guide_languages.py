"""Languages on the Guide: a cause the translation has no section for is shown from English with a
notice, and the side-by-side view puts each cause next to the English one, aligned by cause
(tests/data/guide/tree, and a copy whose Italian article lost one section)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dashboard.core.i18n import translate
from dashboard.guide import view as gv
from loaders.docs.graph import load_graph

TREE = Path(__file__).resolve().parents[1] / "data" / "guide" / "tree"


@pytest.fixture
def partly_translated(tmp_path) -> Path:
    """The Italian article without its section for the second cause (the list still names it)."""
    shutil.copytree(TREE, tmp_path / "docs")
    italian = tmp_path / "docs" / "it-it" / "agent-failures.md"
    text = italian.read_text(encoding="utf-8")
    italian.write_text(text[:text.index('### <a name="no-outbound-network">')], encoding="utf-8")
    return tmp_path / "docs"


def choice(graph, error_id: str, locale: str) -> gv.ErrorChoice:
    return gv.find_choice(gv.error_choices(graph, locale), error_id)


def test_a_missing_section_is_taken_from_english(partly_translated) -> None:
    graph = load_graph(partly_translated, cache=False)
    view = gv.error_view(graph, choice(graph, "agentdownerror", "it-it"), "it-it")
    assert view.shown_locale == "it-it"
    assert [(c.id, c.fallback) for c in view.causes] == [("agent-service-stopped", False),
                                                         ("no-outbound-network", True)]
    english = graph.article("agent-failures", "en-us")
    assert view.causes[1].cause is english.cause("no-outbound-network")
    assert view.causes[0].cause is view.article.cause("agent-service-stopped")


def test_side_by_side_pairs_causes_by_id_then_by_position() -> None:
    graph = load_graph(TREE, cache=False)
    view = gv.error_view(graph, choice(graph, "agentdownerror", "it-it"), "it-it")
    english = graph.article("agent-failures", "en-us")
    pairs = gv.side_by_side(view)
    assert [(c.id, o.id) for c, o in pairs] == [("agent-service-stopped", "agent-service-stopped"),
                                                ("no-outbound-network", "no-outbound-network")]
    assert all(o is english.cause(o.id) for _c, o in pairs)
    # English shown: nothing to put beside it
    shown_in_english = gv.error_view(graph, choice(graph, "agentdownerror", "en-us"), "en-us")
    assert shown_in_english.source_article is None
    assert [o for _c, o in gv.side_by_side(shown_in_english)] == [None, None]


def test_the_app_shows_the_fallback_notice_and_both_languages_side_by_side(run_app, partly_translated) -> None:
    app = run_app(partly_translated, page="guide", lang="it-it", error="agentdownerror")
    notice = translate("This section is not translated into {language} yet; it is shown in English.", "it-it",
                       language="italiano")
    assert [c.value for c in app.caption].count(notice) == 1
    app.toggle(key="guide_side_by_side").set_value(True).run()
    assert app.query_params["sxs"] == "1"
    captions = [c.value for c in app.caption]
    # the translated cause is labelled Italian; the one taken from English says so
    assert captions.count("italiano") == 1 and captions.count(notice) == 1 and captions.count("inglese") == 2
    html = " ".join(m.value for m in app.markdown if m.proto.allow_html)
    assert "Riavvia il servizio" in html and "Restart the service" in html

    # the link keeps the view
    shared = run_app(partly_translated, page="guide", lang="it-it", error="agentdownerror", sxs="1")
    assert shared.toggle(key="guide_side_by_side").value is True
