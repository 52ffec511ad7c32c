"""The Guide's search box in the real app (AppTest): code, pasted multi-line message, localized title,
words, and an unknown text answered with its closest matches."""
from __future__ import annotations

import pytest

from dashboard.core.i18n import translate
from loaders.docs.graph import load_graph
from loaders.jobs.catalog import load_catalog

QUERY_KEY = "guide_query"
AGENT_ARTICLE = "vm-agent-extension-failures"
AGENT_ERROR = "usererrorguestagentstatusunavailable"


@pytest.fixture
def guide(run_app):
    def run(**query: str):
        return run_app(None, page="guide", **query)

    return run


def search(app, text: str):
    app.text_area(key=QUERY_KEY).set_value(text).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def hit_buttons(app) -> list[str]:
    return [b.label for b in app.button if (b.key or "").startswith("guide_hit_")]


def test_an_error_code_opens_its_error(guide) -> None:
    app = search(guide(lang="en-us"), "  usererrorguestagentstatusunavailable ")
    assert app.query_params["error"] == AGENT_ERROR and app.query_params["article"] == AGENT_ARTICLE
    assert hit_buttons(app) == []  # one certain answer: opened, no list


def test_a_pasted_multi_line_portal_message_with_its_recommendation(guide) -> None:
    message = load_catalog().entries["UserErrorGuestAgentStatusUnavailable"].message
    pasted = "Error\n" + message.upper().replace(" with ", "\n  with ") + "\n\nRecommended action: check the agent."
    app = search(guide(lang="it-it"), pasted)
    assert app.query_params["error"] == AGENT_ERROR
    first_cause = translate("Cause {number}: {title}", "it-it", number=1, title="")
    assert any(e.label.startswith(first_cause) for e in app.expander)


def test_a_localized_title_finds_the_error(guide, docs_source_dir) -> None:
    graph = load_graph(docs_source_dir)
    japanese = graph.article(AGENT_ARTICLE, "ja-jp").error(AGENT_ERROR).title.split(" - ", 1)[1]
    app = search(guide(lang="ja-jp"), japanese)
    assert app.query_params["error"] == AGENT_ERROR


def test_words_give_ranked_results_to_choose_from(guide) -> None:
    app = search(guide(lang="en-us"), "agent communicate")
    buttons = hit_buttons(app)
    assert len(buttons) >= 2 and any("UserErrorGuestAgentStatusUnavailable" in label for label in buttons)
    assert "error" not in app.query_params  # several answers: the reader chooses
    index = next(n for n, label in enumerate(buttons) if "UserErrorGuestAgentStatusUnavailable" in label)
    app.button(key=f"guide_hit_{index}").click().run()
    assert app.query_params["error"] == AGENT_ERROR


def test_an_unknown_text_says_so_and_offers_the_closest(guide) -> None:
    app = search(guide(lang="de-de"), "zzqx plorf wibble")
    assert [w.value for w in app.warning] == [translate("No error matches this text exactly. The closest ones:",
                                                        "de-de")]
    assert 1 <= len(hit_buttons(app)) <= 8
    app.button(key="guide_hit_0").click().run()
    assert app.query_params["error"] and app.expander
