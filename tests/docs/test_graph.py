"""GuideGraph over a small three-locale docs tree (tests/data/graph/<locale>/*.md)."""
from __future__ import annotations

import shutil
from pathlib import Path

from loaders.docs import align, load, load_graph, load_tree

TREE = Path(__file__).resolve().parents[1] / "data" / "graph"


def test_locales_and_articles(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    assert graph.locales() == ["de-de", "en-us", "it-it"]
    assert [a.title for a in graph.articles("it-it")] == ["Errori del widget"]
    assert graph.article("widget-errors", "de-de").title == "Widget-Fehler"
    assert graph.article("no-such-article", "en-us") is None


def test_find_error_in_reader_locale_marks_older_translation_stale(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    match = graph.find_error("widget-offline", "it-it")
    article, error, used, stale = match.article, match.error, match.locale, match.stale
    assert used == "it-it" and stale is True  # 2024-01-15 translation of a 2024-03-10 source
    assert error.title == "WidgetOffline - Il widget non è raggiungibile"
    assert error.causes == ["network-down", "agent-stopped-windows"]
    assert article.cause("agent-stopped-windows").platforms == ["windows"]


def test_newer_translation_is_not_stale(cache_dir: Path) -> None:
    match = load_graph(TREE).find_error("widget-offline", "de-de")
    assert match.locale == "de-de" and match.stale is False


def test_missing_error_falls_back_to_source_language(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    match = graph.find_error("widget-full", "it-it")
    assert match is not None
    assert match.locale == "en-us" and match.stale is False
    assert match.error.causes == ["disk-full"]
    assert graph.find_error("widget-full", "it-it", fallback=None) is None
    assert graph.find_error("no-such-error", "it-it") is None


def test_find_code(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    assert graph.find_code("widgetoffline", "de-de").error.id == "widget-offline"
    assert graph.find_code("WidgetFull", "de-de").locale == "en-us"


def test_alignment_reports_missing_ids(cache_dir: Path) -> None:
    alignment = align(load_tree([TREE]))
    assert alignment.errors["widget-offline"] == ["de-de", "en-us", "it-it"]
    assert alignment.errors["widget-full"] == ["en-us"]
    assert alignment.missing_causes("de-de") == ["agent-stopped-windows", "disk-full"]
    assert alignment.cause_orders["widget-offline"]["de-de"] == ["network-down"]
    assert alignment.order_disagreements() == {
        "widget-offline": {
            "de-de": ["network-down"],
            "en-us": ["network-down", "agent-stopped-windows"],
            "it-it": ["network-down", "agent-stopped-windows"],
        }
    }


def test_cache_is_used_and_invalidated_by_content(cache_dir: Path, tmp_path: Path) -> None:
    tree = tmp_path / "docs"
    shutil.copytree(TREE, tree)
    first = load_graph(tree)
    entries = list(cache_dir.rglob("*.pickle"))
    assert len(entries) == 3
    again = load_graph(tree)
    assert [e.id for e in again.article("widget-errors", "en-us").errors] == ["widget-offline", "widget-full"]
    assert again.article("widget-errors", "en-us").text == first.article("widget-errors", "en-us").text

    source = tree / "en-us" / "widget-errors.md"
    renamed = source.read_text(encoding="utf-8").replace('name="widget-full"', 'name="widget-is-full"')
    source.write_text(renamed, encoding="utf-8")
    changed = load_graph(tree)
    assert [e.id for e in changed.article("widget-errors", "en-us").errors] == ["widget-offline", "widget-is-full"]
    assert len(list(cache_dir.rglob("*.pickle"))) == 4


def test_cached_article_moved_to_another_locale_folder(cache_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "fr-fr").mkdir()
    copy = tmp_path / "fr-fr" / "widget-errors.md"
    shutil.copyfile(TREE / "de-de" / "widget-errors.md", copy)
    load_graph(TREE)  # caches the de-de bytes
    (article,) = load_tree([copy])
    assert article.path == str(copy) and article.locale == "fr-fr"


def test_parallel_parse_matches_sequential(many_articles: list[Path]) -> None:
    paths = many_articles
    parallel = load.load_articles(paths, use_cache=False, workers=2)
    sequential = load.load_articles(paths, use_cache=False, workers=1)
    assert [a.path for a in parallel] == [str(p) for p in paths]
    assert [[e.id for e in a.errors] for a in parallel] == [[e.id for e in a.errors] for a in sequential]
    assert parallel[7].errors[1].id == "widget-full-7"


# --- GuideGraph.lookup: the one decision of which section, in which language -----------------------

SLUG = "widget-errors"


def test_lookup_found_in_the_requested_locale(cache_dir: Path) -> None:
    match = load_graph(TREE).lookup(SLUG, "widget-offline", "de-de")
    assert (match.locale, match.requested_locale, match.fallback, match.why, match.stale) == (
        "de-de", "de-de", False, None, False)
    assert match.error.title == "WidgetOffline - Das Widget ist nicht erreichbar"
    assert match.translation is match.article and match.source.locale == "en-us"


def test_lookup_reads_the_requested_locale_as_written_or_by_language(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    for asked in ("DE_de", "de-AT", "de"):
        assert graph.lookup(SLUG, "widget-offline", asked).locale == "de-de", asked


def test_lookup_falls_back_to_the_source_when_the_section_is_missing(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    match = graph.lookup(SLUG, "widget-full", "it-it")
    assert (match.locale, match.requested_locale, match.fallback, match.why, match.stale) == (
        "en-us", "it-it", True, "missing", False)
    assert match.error.causes == ["disk-full"] and match.translation is None
    # a language the graph does not have at all is missing too
    french = graph.lookup(SLUG, "widget-offline", "fr-fr")
    assert (french.locale, french.requested_locale, french.why) == ("en-us", "fr-fr", "missing")


def test_lookup_falls_back_to_the_source_when_the_translation_is_stale(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    match = graph.lookup(SLUG, "widget-offline", "it-it")  # 2024-01-15 translation of a 2024-03-10 source
    assert (match.locale, match.fallback, match.why, match.stale) == ("en-us", True, "stale", False)
    assert match.translation.locale == "it-it" and str(match.translation.date) == "2024-01-15"
    kept = graph.lookup(SLUG, "widget-offline", "it-it", stale_fallback=False)
    assert (kept.locale, kept.fallback, kept.why, kept.stale) == ("it-it", False, None, True)
    assert kept.error.title == "WidgetOffline - Il widget non è raggiungibile"


def test_lookup_of_what_no_locale_has(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    assert graph.lookup(SLUG, "no-such-error", "it-it") is None
    assert graph.lookup("no-such-article", "widget-offline", "en-us") is None


def test_lookup_in_another_language_when_neither_reader_nor_source_has_it(tmp_path: Path) -> None:
    shutil.copytree(TREE, tmp_path / "docs")
    extra = "---\nms.date: 06/01/2024\n---\n# J\n\n## <a name=\"only-here\"></a>OnlyHere\n\n**Error code**: OnlyHere\n"
    (tmp_path / "docs" / "de-de" / "widget-errors.md").write_text(extra, encoding="utf-8")
    match = load_graph(tmp_path / "docs", cache=False).lookup(SLUG, "only-here", "it-it")
    assert (match.locale, match.requested_locale, match.fallback, match.why) == ("de-de", "it-it", True, "no-source")


def test_lookup_names_the_older_translation_that_lacks_the_section(cache_dir: Path) -> None:
    graph = load_graph(TREE)
    match = graph.lookup(SLUG, "widget-full", "it-it")  # the 2024-01-15 Italian article has no WidgetFull
    assert match.why == "missing" and match.older_translation is not None
    assert match.older_translation.locale == "it-it" and str(match.older_translation.date) == "2024-01-15"
    assert match.older_error is None  # no Italian error stands for it
    # German is newer than the source: nothing older to offer, it just lacks the section
    german = graph.lookup(SLUG, "widget-full", "de-de")
    assert german.why == "missing" and german.older_translation is None and german.older_error is None
    # found in the reader's language: nothing to offer either
    assert graph.lookup(SLUG, "widget-offline", "it-it", stale_fallback=False).older_translation is None


def test_counterpart_by_id_code_or_nearly_identical_id(tmp_path: Path) -> None:
    from loaders.docs.graph import counterpart
    from loaders.docs.parse import parse_text

    older = parse_text(
        "---\nms.date: 01/01/2017\n---\n# Old\n\n## <a name=\"vm-agent-unable-toocommunicate\"></a>Agente\n\n"
        "- **Causa 1: [Rete](#rete)**\n\n## <a name=\"disk-full\"></a>Disco pieno\n\n**Error code**: DiskFull\n\n"
        "## <a name=\"rete\"></a>Rete\n\nAprire la porta 443.\n", path="it-it/a.md")
    newer = parse_text(
        "---\nms.date: 01/01/2025\n---\n# New\n\n## <a name=\"UserErrorAgentDown-vm-agent-unable-to-communicate\"></a>"
        "UserErrorAgentDown - VM agent unable to communicate\n\n**Error code**: UserErrorAgentDown\n\nRestart it.\n\n"
        "## <a name=\"snapshot-disk-full\"></a>Disk full\n\n**Error code**: DiskFull\n\nFree space.\n\n"
        "## <a name=\"quota\"></a>Quota\n\n**Error code**: QuotaReached\n\nRaise it.\n", path="en-us/a.md")
    by_id = {e.id: e for e in newer.errors}
    assert counterpart(older, by_id["UserErrorAgentDown-vm-agent-unable-to-communicate"]).id == \
        "vm-agent-unable-toocommunicate"
    assert counterpart(older, by_id["snapshot-disk-full"]).id == "disk-full"  # shared code
    assert counterpart(older, by_id["quota"]) is None


def test_lookup_on_the_corpus_offers_the_older_italian_version(corpus_dir: Path) -> None:
    graph = load_graph(corpus_dir / "articles")
    slug = "backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout"
    english = graph.article(slug, "en-us")
    italian = graph.article(slug, "it-it")
    assert english.date > italian.date
    error = next(e for e in english.errors if "UserErrorGuestAgentStatusUnavailable" in e.codes)
    match = graph.lookup(slug, error.id, "it-it")
    assert (match.locale, match.why) == ("en-us", "missing")
    assert match.older_translation is italian
    assert match.older_error is not None and match.older_error in italian.errors
    assert match.older_error.id.startswith("vm-agent-unable-to")
