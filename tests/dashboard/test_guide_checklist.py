"""The causes as a checklist: marks from and to the link, progress, Markdown for a ticket
(dashboard/guide/checklist.py), and the same through the real app (AppTest)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from dashboard.core.i18n import translate
from dashboard.guide import checklist as cl

ORDER = ["agent-service-stopped", "no-outbound-network", "disk-full"]
WORDS = cl.ChecklistWords("Cause {number}: {title}", "checked", "ruled out", "Error code", "Open in the Guide")


def test_marks_from_a_link_keep_only_the_errors_causes() -> None:
    params = {"checked": "agent-service-stopped, gone-cause", "ruled_out": "no-outbound-network"}
    assert cl.parse_ticks(params, ORDER) == {"agent-service-stopped": "checked", "no-outbound-network": "ruled-out"}
    assert cl.parse_ticks({"checked": None, "ruled_out": ""}, ORDER) == {}
    # named under both: ruled out
    assert cl.parse_ticks({"checked": "disk-full", "ruled_out": "disk-full"}, ORDER) == {"disk-full": "ruled-out"}


def test_marks_to_a_link_in_the_articles_order_and_back() -> None:
    states = {"disk-full": "checked", "agent-service-stopped": "checked", "no-outbound-network": "ruled-out"}
    params = cl.ticks_params(states, ORDER)
    assert params == {"checked": "agent-service-stopped,disk-full", "ruled_out": "no-outbound-network"}
    assert cl.parse_ticks(params, ORDER) == states
    assert cl.ticks_params({}, ORDER) == {"checked": None, "ruled_out": None}
    link = cl.with_ticks("guide?lang=it-it&error=x", states, ORDER)
    query = parse_qs(urlparse(link).query)
    assert query["checked"] == ["agent-service-stopped,disk-full"] and query["lang"] == ["it-it"]
    assert cl.with_ticks("guide?error=x", {}, ORDER) == "guide?error=x"


def test_markdown_ticks_checked_and_strikes_ruled_out_causes() -> None:
    items = [cl.ChecklistItem(1, ORDER[0], "The agent *service* is stopped", "checked"),
             cl.ChecklistItem(2, ORDER[1], "The VM has no\noutbound network", "ruled-out"),
             cl.ChecklistItem(3, ORDER[2], "The disk is full", None)]
    text = cl.checklist_markdown("AgentDown - The agent stopped", ["AgentDown"], items, WORDS, "http://h/guide?e=1")
    assert text.splitlines() == [
        "**AgentDown - The agent stopped**",
        "Error code: `AgentDown`",
        "",
        r"- [x] Cause 1: The agent \*service\* is stopped (checked)",
        "- [x] ~~Cause 2: The VM has no outbound network~~ (ruled out)",
        "- [ ] Cause 3: The disk is full",
        "",
        "[Open in the Guide](http://h/guide?e=1)",
    ]
    assert cl.progress(items) == (1, 1, 3)


# -- through the app -------------------------------------------------------------------------------

def marks(app) -> list[str | None]:
    return [control.value for control in app.segmented_control]


def test_marks_go_into_the_link_and_a_new_session_opening_it_sees_them(run_app, guide_tree) -> None:
    app = run_app(guide_tree, page="guide", lang="it-it", error="agentdownerror")
    assert marks(app) == [None, None]
    app.segmented_control[0].set_value("checked").run()
    app.segmented_control[1].set_value("ruled-out").run()
    assert app.query_params["checked"] == "agent-service-stopped"
    assert app.query_params["ruled_out"] == "no-outbound-network"
    icons = [e.proto.icon for e in app.expander if e.label.startswith("Caus")]
    assert icons == [":material/check_circle:", ":material/block:"]
    markdown = next(c.value for c in app.code if c.language == "markdown")
    assert "- [x] " + translate("Cause {number}: {title}", "it-it", number=1, title="") in markdown
    assert "checked=agent-service-stopped&ruled_out=no-outbound-network" in markdown

    shared = {name: app.query_params[name] for name in ("lang", "article", "error", "checked", "ruled_out")}
    colleague = run_app(guide_tree, page="guide", **shared)
    assert marks(colleague) == ["checked", "ruled-out"]
    # clearing a mark takes it out of the link
    colleague.segmented_control[0].set_value(None).run()
    assert "checked" not in colleague.query_params and colleague.query_params["ruled_out"] == "no-outbound-network"


def test_marks_belong_to_their_error_and_stay_in_the_session(run_app, guide_tree) -> None:
    app = run_app(guide_tree, page="guide", lang="en-us", error="agentdownerror")
    app.segmented_control[1].set_value("checked").run()
    box = next(b for b in app.selectbox if (b.key or "").startswith("guide_error__"))
    box.set_value("agent-failures/diskfullerror").run()
    assert marks(app) == [None, None] and "checked" not in app.query_params
    box = next(b for b in app.selectbox if (b.key or "").startswith("guide_error__"))
    box.set_value("agent-failures/agentdownerror").run()
    assert marks(app) == [None, "checked"] and app.query_params["checked"] == "no-outbound-network"


def test_a_link_with_unknown_causes_marks_nothing(run_app, guide_tree) -> None:
    app = run_app(guide_tree, page="guide", lang="en-us", error="agentdownerror", checked="no-such-cause")
    assert marks(app) == [None, None] and "checked" not in app.query_params
