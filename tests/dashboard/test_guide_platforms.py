"""The OS switch: causes the article marks for the other operating system are hidden and counted
(dashboard/guide/platforms.py, and the real app through AppTest on the built-in articles)."""
from __future__ import annotations

import pytest

from dashboard.core.i18n import translate_plural
from dashboard.guide import platforms as pf
from dashboard.guide import view as gv
from loaders.docs.graph import load_graph

ARTICLE, ERROR = "vm-agent-extension-failures", "usererrorguestagentstatusunavailable"


@pytest.fixture(scope="module")
def causes(docs_source_dir):
    graph = load_graph(docs_source_dir)
    article = graph.article(ARTICLE, "en-us")
    return gv.cause_views(article, article.error(ERROR))


def test_default_follows_the_link_then_the_jobs_os() -> None:
    assert pf.default_platform() == "both"
    assert pf.default_platform(None, "Linux") == "linux"
    assert pf.default_platform("windows", "Linux") == "windows"
    assert pf.default_platform("Windows,Linux", None) == "both"  # a Fleet filter of both
    assert pf.default_platform("beos", "plan9") == "both"


def test_visible_causes_keep_the_order_and_count_the_hidden(causes) -> None:
    marked = {c.id: c.cause.platforms for c in causes if c.cause and c.cause.platforms}
    assert set(map(tuple, marked.values())) >= {("windows",), ("linux",)}, marked
    for platform in ("windows", "linux"):
        shown, hidden = pf.visible_causes(causes, platform)
        assert hidden == sum(1 for p in marked.values() if platform not in p) > 0
        assert [c.id for c in shown] == [c.id for c in causes if pf.applies(c, platform)]
        assert all(not c.cause.platforms or platform in c.cause.platforms for c in shown)
    assert pf.visible_causes(causes, "both") == (list(causes), 0)


def test_the_switch_hides_causes_says_how_many_and_stays_in_the_link(run_app, causes) -> None:
    app = run_app(None, page="guide", lang="fr-fr", article=ARTICLE, error=ERROR)
    count = lambda: len(app.segmented_control)  # one mark control per cause shown  # noqa: E731
    assert count() == len(causes)
    app.radio(key="guide_os").set_value("linux").run()
    shown, hidden = pf.visible_causes(causes, "linux")
    assert count() == len(shown) and app.query_params["os"] == "linux"
    note = translate_plural("{count} cause for the other operating system is hidden.",
                            "{count} causes for the other operating system are hidden.", hidden, "fr-fr")
    assert note in [c.value for c in app.caption]
    # a link with os=Windows (the Fleet page's spelling) opens with Windows
    windows = run_app(None, page="guide", lang="en-us", article=ARTICLE, error=ERROR, os="Windows")
    assert windows.radio(key="guide_os").value == "windows"
    assert len(windows.segmented_control) == len(pf.visible_causes(causes, "windows")[0])
