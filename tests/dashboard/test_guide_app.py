"""The Guide page in the real app, through Streamlit's AppTest (dashboard/app.py, st.navigation)."""
from __future__ import annotations

import re
import shutil

import pytest
from babel import Locale

from dashboard.core.i18n import translate
from dashboard.core.render import escape_markdown
from loaders.docs.graph import load_graph
from loaders.docs.load import parse_article

ERROR_KEY = "guide_error"


@pytest.fixture
def open_guide(run_app):
    """The app at ?page=guide (its root URL opens the Fleet page)."""

    def run(folder, **query: str):
        return run_app(folder, page="guide", **query)

    return run


def error_box(app):
    """The error picker: one widget per UI language (its labels are translated)."""
    boxes = [box for box in app.selectbox if (box.key or "").startswith(ERROR_KEY + "__")]
    assert len(boxes) == 1, [box.key for box in app.selectbox]
    return boxes[0]


# the parse problems, the Markdown checklist, the fleet's evidence
NOT_CAUSES = (":material/report:", ":material/content_copy:", ":material/monitoring:")


def labels(app) -> list[str]:
    """Labels of the cause expanders."""
    return [e.label for e in app.expander if e.proto.icon not in NOT_CAUSES]


def test_language_switch_changes_ui_and_article_text(open_guide, guide_tree) -> None:
    app = open_guide(guide_tree, error="agentdownerror")
    assert app.title[0].value == "Troubleshooting guide"
    assert labels(app) == ["Cause 1: The agent service is stopped", "Cause 2: The VM has no outbound network"]
    assert app.header[0].value == escape_markdown("AgentDownError - The agent stopped answering")

    app.selectbox(key="ui_locale_picker").set_value("it-it").run()
    assert not app.exception
    assert app.title[0].value == translate("Troubleshooting guide", "it-it") != "Troubleshooting guide"
    assert app.selectbox(key="ui_locale_picker").label == translate("Language", "it-it")
    assert labels(app) == ["Causa 1: Il servizio dell'agente è arrestato", "Causa 2: La VM non ha rete in uscita"]
    assert app.header[0].value == escape_markdown("AgentDownError - L'agente non risponde più")
    assert app.query_params["lang"] == "it-it" and app.query_params["error"] == "agentdownerror"
    # The selection survives the language switch and stays usable: pick the other error in Italian.
    assert error_box(app).value == "agent-failures/agentdownerror"
    error_box(app).set_value("agent-failures/diskfullerror").run()
    assert labels(app) == ["Causa 1: The VM has no outbound network", "Causa 2: The agent service is stopped"]
    app.selectbox(key="ui_locale_picker").set_value("en-us").run()
    assert error_box(app).value == "agent-failures/diskfullerror"
    assert labels(app) == ["Cause 1: The VM has no outbound network", "Cause 2: The agent service is stopped"]


def test_language_switch_on_the_built_in_articles(open_guide, docs_source_dir) -> None:
    """The product's own articles: every language switch shows the translated error and causes."""
    graph = load_graph(docs_source_dir)
    english = {(a.path.rsplit("/", 1)[-1], e.id): e for a in graph.articles("en-us") for e in a.errors}
    italian = {a.path.rsplit("/", 1)[-1]: a for a in graph.articles("it-it")}
    pair = next(((name, error_id) for (name, error_id) in english
                 if name in italian and italian[name].error(error_id) and italian[name].error(error_id).causes), None)
    assert pair is not None, "docs_source has no error translated into Italian"
    name, error_id = pair
    it_article = italian[name]
    it_error = it_article.error(error_id)

    app = open_guide(None, lang="en-us", error=error_id, article=name.removesuffix(".md"))
    english_labels = labels(app)
    assert english_labels and all(label.startswith("Cause ") for label in english_labels)

    app.selectbox(key="ui_locale_picker").set_value("it-it").run()
    assert not app.exception
    expected = [translate("Cause {number}: {title}", "it-it", number=ref.number or n,
                          title=escape_markdown(" ".join(it_article.cause(ref.target).title.split())))
                for n, ref in enumerate(it_error.cause_refs, start=1)]
    assert labels(app) == expected
    assert labels(app) != english_labels
    assert app.header[0].value == escape_markdown(" ".join(it_error.title.split()))


def test_picking_an_error_shows_its_causes_in_order(open_guide, corpus_locale_folder) -> None:
    """BACKUP_TRIAGE_DOCS pointing at a corpus locale folder; each error's causes in list order."""
    article = parse_article(next(corpus_locale_folder.rglob("*.md")))
    app = open_guide(corpus_locale_folder)
    assert error_box(app).value is None
    assert len(error_box(app).options) == len(article.errors)
    for error in article.errors:
        key = f"{article.path.rsplit('/', 1)[-1].removesuffix('.md')}/{error.id}"
        error_box(app).set_value(key).run()
        assert not app.exception
        titles = [escape_markdown(" ".join(article.cause(c).title.split())) for c in error.causes]
        assert labels(app) == [f"Cause {n}: {t}" for n, t in enumerate(titles, start=1)]
        assert app.query_params["error"] == error.id
    # The corpus folder has only Italian: an English reader is told so.
    assert any("it is shown in" in i.value for i in app.info)


def test_deep_link_selects_language_error_and_cause(open_guide, guide_tree) -> None:
    app = open_guide(guide_tree, lang="it-it", error="AgentDownError", cause="no-outbound-network")
    assert app.session_state["ui_locale"] == "it-it"
    assert error_box(app).key == "guide_error__it-it"
    assert error_box(app).value == "agent-failures/agentdownerror"
    assert app.title[0].value == translate("Troubleshooting guide", "it-it")
    expanded = {e.label: e.proto.expanded for e in app.expander if e.proto.icon not in NOT_CAUSES}
    assert expanded == {"Causa 1: Il servizio dell'agente è arrestato": False,
                        "Causa 2: La VM non ha rete in uscita": True}
    # The link is rewritten to the canonical error id.
    assert app.query_params["error"] == "agentdownerror"
    assert app.query_params["article"] == "agent-failures"


def test_deep_link_to_an_unknown_error_says_so(open_guide, guide_tree) -> None:
    app = open_guide(guide_tree, lang="en-us", error="NoSuchErrorCode")
    assert error_box(app).value is None
    assert any("NoSuchErrorCode" in w.value for w in app.warning)


def test_missing_translation_and_stale_translation_notices(open_guide, guide_tree) -> None:
    app = open_guide(guide_tree, lang="it-it", error="diskfullerror")
    assert any(translate("This error is not available in {language} yet; it is shown in English.", "it-it",
                         language="italiano") == i.value for i in app.info)
    assert labels(app)[0] == "Causa 1: The VM has no outbound network"

    app = open_guide(guide_tree, lang="de-de", error="agentdownerror")
    assert len(app.warning) == 1 and "15.01.2023" in app.warning[0].value and "01.03.2024" in app.warning[0].value
    assert labels(app)[0] == "Ursache 1: The agent service is stopped"
    app.toggle[0].set_value(True).run()
    assert labels(app) == ["Ursache 1: Der Agentdienst ist beendet"]


def test_article_html_is_sanitised(open_guide, guide_tree) -> None:
    app = open_guide(guide_tree, lang="en-us", error="agentdownerror")
    html = [m.value for m in app.markdown if m.proto.allow_html]
    assert html, "solutions are rendered as sanitised HTML"
    joined = "\n".join(html).lower()
    assert "<script" not in joined and "onclick" not in joined
    # A javascript: link is no link to the Markdown reader: it stays inert text.
    assert not re.search(r"=\"\s*javascript:", joined) and "[unsafe link](javascript:alert(1))" in joined
    assert 'href="https://portal.azure.com" target="_blank" rel="noopener noreferrer nofollow"' in joined
    assert '<a href="https://example.com/docs" target="_blank" rel="noopener noreferrer nofollow">' in joined
    # An in-page link inside a callout becomes a deep link to that cause.
    notes = [value for value in html if 'class="bt-article bt-callout bt-callout-info"' in value]
    assert len(notes) == 1 and "<strong>Note</strong>" in notes[0]
    assert 'href="guide?lang=en-us&amp;article=agent-failures&amp;error=agentdownerror&amp;cause=no-outbound-network"' \
        in notes[0]
    assert [c.value for c in app.code if c.language != "markdown"] == ["Restart-Service -Name SampleGuestAgent"]


def test_folder_with_a_malformed_file_keeps_the_good_articles(open_guide, guide_tree, tmp_path) -> None:
    shutil.copytree(guide_tree / "en-us", tmp_path / "en-us")
    (tmp_path / "en-us" / "broken.md").write_text(
        "---\ntitle: [unclosed\nms.date: 99/99/2024\n---\n# Broken\n\n```\nnever closed\n", encoding="utf-8")
    (tmp_path / "en-us" / "garbage.md").write_bytes(b"\xff\xfe\x00\x00garbage\x80\x81")
    app = open_guide(tmp_path, lang="en-us", error="agentdownerror")
    assert labels(app) == ["Cause 1: The agent service is stopped", "Cause 2: The VM has no outbound network"]
    problems = [e for e in app.expander if e.proto.icon == ":material/report:"]
    assert len(problems) == 1
    table = app.dataframe[0].value
    assert "en-us/broken.md" in set(table["file"])
    assert (table["line"] >= 1).all() and table["problem"].str.len().min() > 0


def test_empty_missing_and_non_troubleshooting_folders(open_guide, tmp_path) -> None:
    app = open_guide(tmp_path / "does-not-exist")
    assert app.error and "does not exist" in app.error[0].value
    assert not app.selectbox(key="ui_locale_picker").disabled

    app = open_guide(tmp_path)
    assert app.warning and "holds no Markdown articles" in app.warning[0].value

    (tmp_path / "readme.md").write_text("# Notes\n\nNothing to troubleshoot here.\n", encoding="utf-8")
    app = open_guide(tmp_path)
    assert app.warning and "No troubleshooting articles" in app.warning[0].value


def test_sidebar_field_points_at_another_folder(open_guide, guide_tree, corpus_locale_folder) -> None:
    app = open_guide(guide_tree)
    assert len(error_box(app).options) == 3
    app.text_input(key="docs_path_field").set_value(str(corpus_locale_folder)).run()
    assert not app.exception
    article = parse_article(next(corpus_locale_folder.rglob("*.md")))
    assert len(error_box(app).options) == len(article.errors)
    # The folder goes into the link, so the view can be shared; clearing the field takes it out.
    assert app.query_params["docs"] == str(corpus_locale_folder)
    app.text_input(key="docs_path_field").set_value("").run()
    assert "docs" not in app.query_params and len(error_box(app).options) == 3


def test_a_link_names_the_docs_folder(open_guide, guide_tree, corpus_locale_folder) -> None:
    article = parse_article(next(corpus_locale_folder.rglob("*.md")))
    app = open_guide(guide_tree, lang="it-it", error=article.errors[0].id,
                     docs=str(corpus_locale_folder))
    assert app.text_input(key="docs_path_field").value == str(corpus_locale_folder)
    assert len(error_box(app).options) == len(article.errors)
    assert error_box(app).value.endswith("/" + article.errors[0].id)
    # It stays with the session on the other pages, and back.
    app.switch_page("docs_qa/page.py").run()
    assert app.query_params["docs"] == str(corpus_locale_folder)
    app.switch_page("guide/page.py").run()
    assert len(error_box(app).options) == len(article.errors)


def test_every_widget_has_a_label_and_help(open_guide, guide_tree) -> None:
    app = open_guide(guide_tree, lang="de-de", error="agentdownerror")
    widgets = [*app.selectbox, *app.text_input, *app.toggle]
    assert widgets
    for widget in widgets:
        assert widget.label.strip(), widget
        assert widget.help, widget.label


def test_another_page_opens_the_guide_at_an_error(run_app, guide_tree, tmp_path, monkeypatch) -> None:
    """What the Fleet page does when a top error is clicked: shell.open_guide(article, error)."""
    from dashboard.core import registry

    links = tmp_path / "links.py"
    links.write_text(
        "import streamlit as st\nfrom dashboard.core import shell\n"
        "st.title('Links')\n"
        "if st.button('Open the guide', help='Open the guide at the disk error'):\n"
        "    shell.open_guide('agent-failures', 'DiskFullError')\n", encoding="utf-8")
    extra = registry.PageSpec(str(links), "links", "Links", ":material/link:")
    monkeypatch.setattr(registry, "PAGES", (*registry.PAGES, extra))

    app = run_app(guide_tree, page="links", lang="it-it")
    assert app.title[0].value == "Links"
    app.button[0].click().run()
    assert not app.exception
    assert app.title[0].value == translate("Troubleshooting guide", "it-it")
    assert error_box(app).value == "agent-failures/diskfullerror"
    assert labels(app) == ["Causa 1: The VM has no outbound network", "Causa 2: The agent service is stopped"]
    assert app.query_params["lang"] == "it-it" and app.query_params["error"] == "diskfullerror"


def test_two_variants_of_one_language_are_named_apart(open_guide, guide_tree, tmp_path) -> None:
    for folder in ("en-us", "zh-cn", "zh-tw"):
        (tmp_path / folder).mkdir()
        shutil.copy(guide_tree / "en-us" / "agent-failures.md", tmp_path / folder / "agent-failures.md")
    app = open_guide(tmp_path, lang="en-us", error="agentdownerror")
    caption = next(c.value for c in app.caption if c.value.startswith("1 error") or "Languages:" in c.value)
    languages = caption.split("Languages: ")[1].split(" · ")[0]
    simplified, traditional = (Locale.parse(tag).get_display_name("en") for tag in ("zh_CN", "zh_TW"))
    assert simplified != traditional
    assert languages == f"English, {simplified}, {traditional}"


def test_a_mistyped_cause_target_opens_the_section_the_lint_names(open_guide, guide_tree) -> None:
    mistyped = guide_tree.parent / "mistyped"
    app = open_guide(mistyped, lang="en-us", error="SnapshotTimeout", cause="snapshot-extension-is-stuck")
    assert labels(app) == ["Cause 1: The VM has no outbound network", "Cause 2: The snapshot extension is stuck",
                           "Cause 3: The disk is being resized"]
    expanded = [e for e in app.expander if e.proto.expanded and e.proto.icon not in NOT_CAUSES]
    assert [e.label for e in expanded] == ["Cause 2: The snapshot extension is stuck"]
    assert "Remove the snapshot extension from the VM." in "".join(m.value for m in expanded[0].markdown)
    # only the target that is near no heading says so
    no_section = translate("The article lists this cause but has no section for it.", "en-us")
    assert [w.value for w in app.warning] == [no_section]
    # an in-page link with the same typo leads to the same cause
    links = "".join(m.value for m in app.markdown if m.proto.allow_html)
    assert "error=snapshottimeout&amp;cause=snapshot-extension-is-stuck" in links


def test_corpus_tree_offers_italian_first_and_opens_the_older_italian_version(open_guide, corpus_dir) -> None:
    """The corpus folder as docs root: fifteen languages, several vintages of one article."""
    graph = load_graph(corpus_dir / "articles")
    slug = "backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout"
    italian_titles = [" ".join(e.title.split()) for e in graph.article(slug, "it-it").errors]
    app = open_guide(corpus_dir / "articles", lang="it-it", error="UserErrorGuestAgentStatusUnavailable")
    shown = list(error_box(app).options)  # as the reader sees them
    assert shown[:len(italian_titles)] == italian_titles
    english_name = Locale.parse("en").get_display_name("it")
    assert all(" · " in label for label in shown[len(italian_titles):])
    assert shown[len(italian_titles)].endswith(" · " + english_name)
    # the English error, and the Italian version it has instead of "not yet available"
    assert app.query_params["error"].startswith("UserErrorGuestAgentStatusUnavailable")
    assert not any("non è ancora disponibile" in i.value for i in app.info)
    older = translate("Open the older {language} version", "it-it",
                      language=Locale.parse("it").get_display_name("it"))
    assert [b.label for b in app.button] == [older]
    app.button[0].click().run()
    assert not app.exception
    italian = graph.article(slug, "it-it")
    opened = app.query_params["error"]
    assert italian.error(opened) is not None and opened.startswith("vm-agent-unable-to")
    assert app.header[0].value == escape_markdown(" ".join(italian.error(opened).title.split()))
    assert labels(app)[0].startswith(translate("Cause {number}: {title}", "it-it", number=1, title=""))
