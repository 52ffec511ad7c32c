"""A docs tree that reaches out of itself: a symlinked article and a symlinked folder leading outside
the docs root, `../` and absolute paths in includes, images and links. Nothing outside the root is
read (its marker text appears nowhere), shown (no outside path in a message a reader sees) or linked
(no href or src leading there) by the loader, the graph, the lint and the Guide's renderer."""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from dashboard.core.render import render_solution
from dashboard.guide import view as guide_view
from loaders.docs.graph import GuideGraph, load_graph
from loaders.docs.lint import lint
from loaders.docs.load import discover, load_tree

SECRET = "SECRET-OUTSIDE-7431"


@pytest.fixture
def tree(tmp_path: Path) -> dict[str, Path]:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    secret = outside / "secret.md"
    secret.write_text(f"# {SECRET}\n\n## <a name=\"secret\"></a>Secret\n\n{SECRET} text\n", encoding="utf-8")
    (outside / "folder" / "other.md").write_text(f"# {SECRET} folder\n", encoding="utf-8")
    (outside / "secret.png").write_bytes(b"\x89PNG" + SECRET.encode())
    docs = tmp_path / "docs"
    (docs / "en-us").mkdir(parents=True)
    (docs / "includes").mkdir()
    (docs / "includes" / "shared.md").write_text("Shared text inside the root.\n", encoding="utf-8")
    (docs / "en-us" / "leak.md").symlink_to(secret)
    (docs / "en-us" / "linked").symlink_to(outside / "folder", target_is_directory=True)
    (docs / "en-us" / "inside-link.md").symlink_to(docs / "includes" / "shared.md")
    (docs / "en-us" / "reach.md").write_text(textwrap.dedent(f"""\
        ---
        title: Reaching out
        description: Includes, images and links that lead out of the docs folder
        ms.date: 01/15/2025
        ---

        # Reaching out

        ## <a name="reacherror"></a>ReachError - Out of the folder

        **Error code**: ReachError

        - **Cause 1: [Paths](#paths)**

        ## Causes and solutions

        ### <a name="paths"></a>Paths

        [!INCLUDE [shared](../includes/shared.md)]

        [!INCLUDE [relative](../../outside/secret.md)]

        [!INCLUDE [absolute]({secret})]

        ![Relative image](../../outside/secret.png)

        ![Absolute image]({outside / "secret.png"})

        <img src="file://{outside / 'secret.png'}" alt="File image">

        Read [the relative link](../../outside/secret.md), [the anchored link](../../outside/secret.md#secret),
        [the absolute link]({secret}), [the file link](file://{secret}) and [the climb](../../../../../../etc/passwd).
        Back to [the error](#reacherror).
        """), encoding="utf-8")
    return {"docs": docs, "outside": outside, "secret": secret}


def test_loader_reads_nothing_outside_the_docs_root(tree) -> None:
    docs, outside = tree["docs"], tree["outside"]
    found = discover([docs])
    assert sorted(p.name for p in found.files) == ["inside-link.md", "reach.md"]
    (refused,) = [e for e in found.errors if e.kind == "outside"]
    assert refused.path == str(docs / "en-us" / "leak.md")
    assert str(outside) not in refused.message

    articles = load_tree([docs], cache=False)
    by_name = {Path(a.path).name: a for a in articles}
    assert sorted(by_name) == ["inside-link.md", "leak.md", "reach.md"]
    for article in articles:
        assert SECRET not in article.text and SECRET not in article.title
        assert Path(article.path).is_relative_to(docs)
        if article is not by_name["leak.md"]:  # the stand-in for the refused link holds no content
            assert Path(article.path).resolve().is_relative_to(docs.resolve())
    leak = by_name["leak.md"]
    assert [p.kind for p in leak.problems] == ["io"]
    assert "leak.md" in leak.problems[0].message and str(outside) not in leak.problems[0].message
    includes = {include.target: include.resolved for include in by_name["reach.md"].includes}
    assert includes["../includes/shared.md"] == str((docs / "includes" / "shared.md").resolve())
    assert includes["../../outside/secret.md"] == ""  # exists, but outside: never pointed at
    assert includes[str(tree["secret"])] == ""


def test_graph_and_guide_render_nothing_from_outside(tree) -> None:
    docs, outside = tree["docs"], tree["outside"]
    graph = load_graph(docs, cache=False)
    assert isinstance(graph, GuideGraph)
    assert all(SECRET not in a.text for locale in graph.locales() for a in graph.articles(locale))
    choices = guide_view.error_choices(graph, "en-us")
    (choice,) = [c for c in choices if c.error_id == "reacherror"]
    view = guide_view.error_view(graph, choice, "en-us")
    assert view is not None
    resolve = guide_view.link_resolver(graph, view, "en-us")
    html_parts, includes = [], []
    for cause_view in view.causes:
        for segment in render_solution(cause_view.cause.markdown, resolve):
            html_parts.append(segment.html)
            if segment.kind == "include":
                includes.append(segment.target)
    page = "\n".join(html_parts)
    assert "the relative link" in page and "the climb" in page  # the text is kept ...
    assert SECRET not in page and "src=" not in page and "<img" not in page  # ... no content or image from outside
    assert "[Relative image]" in page and "[File image]" in page
    # The only links are the Guide's own deep links (a path the author wrote may still read as text).
    hrefs = re.findall(r'href="([^"]*)"', page)
    assert hrefs and all(href.startswith("guide?") for href in hrefs), hrefs
    assert not any(str(outside) in href or "etc" in href for href in hrefs), hrefs
    # Includes are named by the Guide, never read into it.
    assert includes == ["../includes/shared.md", "../../outside/secret.md", str(tree["secret"])]


def test_lint_does_not_read_the_symlinked_article(tree) -> None:
    docs, outside = tree["docs"], tree["outside"]
    report = lint([docs], base=docs)
    refused = [e for e in report.input_errors if "leak.md" in e.path]
    assert len(refused) == 1 and "outside" in refused[0].message
    assert all("leak.md" not in f.path and "linked" not in f.path for f in report.findings)
    for finding in report.findings:
        assert SECRET not in finding.message
        assert not finding.path.startswith("..") and str(outside) not in finding.path
