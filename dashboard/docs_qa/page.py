"""Docs QA page: the docs lint of the current docs folder, its findings, and translation coverage.

The same checks as `python -m loaders lint <folder>` in a docs CI, with the same configuration
(the nearest pyproject.toml), shown as filters, a findings table, exports and a coverage matrix.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dashboard.core import shell, widgets
from dashboard.core.formatting import format_date, format_integer
from dashboard.core.graph_cache import guide_graph
from dashboard.core.i18n import _, current_locale, ngettext
from dashboard.core.links import guide_link
from dashboard.core.render import escape_markdown
from dashboard.docs_qa import cell_view
from dashboard.docs_qa import findings as qa
from dashboard.docs_qa.cache import cached_report, lint_config, lint_report
from dashboard.docs_qa.coverage import coverage_matrix
from dashboard.docs_qa.drilldown import finding_detail
from dashboard.docs_qa.labels import (
    differences_label,
    locale_label,
    scope_label,
    severity_label,
    sort_label,
    status_label,
)
from dashboard.docs_qa.matrix import build_matrix, counterpart, restrict
from dashboard.docs_qa.side_by_side import compare_files
from loaders.docs.lint import list_rules
from loaders.docs.slug import article_slug

STATE_PREFIX = "docs_qa_"
SEVERITY_KEY = STATE_PREFIX + "severities"
RULE_KEY = STATE_PREFIX + "rules"
LOCALE_KEY = STATE_PREFIX + "locales"
ARTICLE_KEY = STATE_PREFIX + "articles"
SORT_KEY = STATE_PREFIX + "sort"
SELECTED_KEY = STATE_PREFIX + "selected"  # finding_key of the row last clicked
TABLE_KEY = STATE_PREFIX + "table"

locale = current_locale()
widgets.page_style()
st.title(_("Docs QA"))
st.caption(_("Checks the troubleshooting articles of the docs folder and their translations: the same "
             "rules as the docs lint in CI."))

docs = shell.usable_docs_root()
folder = escape_markdown(str(docs.path))

try:
    config = lint_config(docs)
except Exception as exc:  # ConfigError names the file and key; anything else is still shown, not raised
    st.error(_("The lint configuration for {path} cannot be used: {reason}", path=folder,
               reason=escape_markdown(str(exc))))
    st.stop()

rerun = st.button(_("Check again"), icon=":material/refresh:", key=STATE_PREFIX + "rerun",
                  help=_("Run the lint again on every file, even if nothing changed since the last check."))
try:
    report = None if rerun else cached_report(docs, config)
    if report is None:  # not checked in this state yet: show how far the check is
        bar = st.progress(0.0, text=ngettext("Checking {count} Markdown file…", "Checking {count} Markdown files…",
                                            docs.markdown_count))

        def show_progress(done: int, total: int) -> None:
            bar.progress(done / total if total else 1.0, text=_("Checked {done} of {total} files…",
                                                                done=format_integer(done, locale),
                                                                total=format_integer(total, locale)))

        report = lint_report(docs, config, progress=show_progress, fresh=rerun)
        bar.empty()
except Exception as exc:  # the lint reports problems as findings; a crash must still not blank the page
    st.error(_("The articles in {path} could not be checked: {reason}", path=folder,
               reason=escape_markdown(str(exc))))
    st.stop()

# -- summary ------------------------------------------------------------------------------------
totals = qa.severity_counts(report.findings)
tiles = st.columns(4)
tiles[0].metric(_("Files"), format_integer(len(report.files), locale), help=_("Markdown files checked."))
tiles[1].metric(_("Errors"), format_integer(totals["error"], locale),
                help=_("Findings that fail a CI run of the lint."))
tiles[2].metric(_("Warnings"), format_integer(totals["warning"], locale),
                help=_("Findings to fix, which do not fail a CI run."))
tiles[3].metric(_("Info"), format_integer(totals["info"], locale), help=_("Remarks for the writers."))
if report.exit_code == 0:
    st.success(_("A CI run of the lint on this folder passes."), icon=":material/check_circle:")
elif report.exit_code == 1:
    st.error(_("A CI run of the lint on this folder fails: fix the error findings first."),
             icon=":material/error:")
else:
    st.error(_("A CI run of the lint on this folder stops: some files cannot be read."), icon=":material/error:")
st.caption(_("Folder: {path} · Source language: {language}", path=folder,
             language=locale_label(config.source_locale, locale)))
for problem in report.input_errors:
    st.warning(_("{path}: {reason}", path=escape_markdown(problem.path), reason=escape_markdown(problem.message)))
for note in report.notes:
    st.info(escape_markdown(note), icon=":material/info:")


# -- filters: the matrix, the cell findings, the table and the filtered downloads all follow them ---------
def multiselect(label: str, options: Sequence[Any], state_key: str, format_func: Callable[[Any], str],
                translated: bool, help: str) -> list[Any]:
    """A multiselect whose choice lives in session state: it survives page switches, and one widget
    per language when its labels are translated (Streamlit matches a selection by its label)."""
    kept = [value for value in st.session_state.get(state_key) or [] if value in options]
    st.session_state[state_key] = kept
    widget_key = widgets.localized_key(state_key) if translated else state_key + "__field"
    remember = widgets.bind_to_state(state_key, widget_key, empty=[])
    return st.multiselect(label, options=list(options), format_func=format_func, key=widget_key,
                          on_change=remember, placeholder=_("All"), help=help,
                          select_all=False)  # empty means all; Streamlit's entry for it is English-only


options = qa.filter_options(report.findings)
severities: list[str] = []
rules: list[str] = []
locales: list[str] = []
articles: list[str] = []
order = qa.SORT_ORDERS[0]
if report.findings:
    columns = st.columns(5)
    with columns[0]:
        severities = multiselect(_("Severity"), options.severities, SEVERITY_KEY,
                                 lambda value: severity_label(value, locale), translated=True,
                                 help=_("Show only findings of these severities."))
    with columns[1]:
        rules = multiselect(_("Rule"), options.rules, RULE_KEY,
                            lambda value: f"{value} {options.rule_aliases.get(value, '')}".strip(), translated=False,
                            help=_("Show only findings of these rules (ID and alias)."))
    with columns[2]:
        locales = multiselect(_("Language"), options.locales, LOCALE_KEY,
                              lambda value: locale_label(value, locale), translated=True,
                              help=_("Show only findings in articles of these languages."))
    with columns[3]:
        articles = multiselect(_("Article"), options.articles, ARTICLE_KEY, str, translated=False,
                               help=_("Show only findings in these articles (file name, in every language)."))
    if st.session_state.get(SORT_KEY) not in qa.SORT_ORDERS:
        st.session_state[SORT_KEY] = qa.SORT_ORDERS[0]
    with columns[4]:
        order = widgets.localized_selectbox(_("Sort by"), options=list(qa.SORT_ORDERS),
                                            format_func=lambda value: sort_label(value, locale), state_key=SORT_KEY,
                                            clearable=False,
                                            help=_("Order of the table; column headers sort it too."))
selection = qa.FindingFilter(rules=rules, severities=severities, locales=locales, articles=articles)
selected_findings = qa.filter_findings(report.findings, selection)


# -- articles × languages ------------------------------------------------------------------------
try:
    graph = guide_graph(docs)
except Exception as exc:  # never a blank page
    st.error(_("The articles in {path} could not be read: {reason}", path=folder, reason=escape_markdown(str(exc))))
    st.stop()
st.header(_("Articles × languages"), anchor="matrix")
matrix = restrict(build_matrix(graph.articles(), selected_findings, report.base, config.source_locale),
                  locales, articles)
if not matrix.articles:
    st.info(_("No articles with a language to compare."))
else:
    st.caption(_("Each article in each language, its newest version against the newest {language} version.",
                 language=locale_label(config.source_locale, locale)))
    cell_view.show_matrix(matrix, locale)
    st.subheader(_("Findings of one article in one language"), anchor="cell")
    chosen = cell_view.chosen_cell(matrix, locale)
    if chosen is None:
        st.caption(_("Click a cell of the matrix, or choose an article and a language."))
    else:
        cell_view.show_cell(chosen, selected_findings, report.base, locale)
    if chosen is not None and chosen.shown is not None:
        st.subheader(_("Structure side by side"), anchor="side-by-side")
        left_locale = cell_view.compare_locale(matrix, chosen, locale)
        left_path = counterpart(matrix, chosen, left_locale, report.sources) if left_locale else None
        if left_path is None:
            st.info(_("No version of this article to compare it with."), icon=":material/compare:")
        else:
            cell_view.show_side_by_side(compare_files(report.base, left_path, chosen.shown.path), left_path,
                                        chosen.shown.path, locale)


# -- findings -------------------------------------------------------------------------------------
st.header(_("Findings"), anchor="findings")
if not report.findings:
    st.success(_("No findings: every article follows the rules."), icon=":material/task_alt:")
else:
    shown = qa.sort_findings(
        selected_findings,
        order or qa.SORT_ORDERS[0],
    )
    st.caption(_("{shown} of {total} findings shown. Select a row to see the lines it points at.",
                 shown=format_integer(len(shown), locale), total=format_integer(len(report.findings), locale)))
    rows = qa.table_rows(shown)
    keys = [row.key for row in rows]
    table = pd.DataFrame({
        "rule": [row.rule for row in rows],
        "severity": [severity_label(row.severity, locale, marked=True) for row in rows],
        "location": [row.location for row in rows],
        "places": [row.places for row in rows],
        "locale": [row.locale for row in rows],
        "message": [row.message for row in rows],
        "source": [row.source for row in rows],
    }, columns=["rule", "severity", "location", "places", "locale", "message", "source"])
    # A new set of rows is a new table: a selection never points at a row that moved.
    table_key = f"{TABLE_KEY}_{qa.rows_digest(keys)}"

    def remember_selection() -> None:
        selection = st.session_state.get(table_key, {}).get("selection", {})
        picked = selection.get("rows", []) if isinstance(selection, dict) else getattr(selection, "rows", [])
        st.session_state[SELECTED_KEY] = keys[picked[0]] if picked and picked[0] < len(keys) else None

    event = st.dataframe(
        table,
        column_config={
            "rule": st.column_config.TextColumn(_("Rule"), help=_("Rule ID and alias, as in the lint configuration.")),
            "severity": st.column_config.TextColumn(_("Severity")),
            "location": st.column_config.TextColumn(_("File:line"), help=_("Path relative to the docs folder.")),
            "places": st.column_config.NumberColumn(_("Lines"), help=_("How many lines the finding concerns.")),
            "locale": st.column_config.TextColumn(_("Language")),
            "message": st.column_config.TextColumn(
                _("Message"), width="large", help=_("What is wrong and what was expected, as the lint reports it.")),
            "source": st.column_config.TextColumn(
                _("Source file:line"),
                help=_("For translation findings: the source-language article compared against.")),
        },
        hide_index=True, width="stretch", key=table_key, on_select=remember_selection,
        selection_mode="single-row",
    )

    picked_rows = list(getattr(getattr(event, "selection", None), "rows", None) or [])
    if picked_rows and picked_rows[0] < len(keys):
        st.session_state[SELECTED_KEY] = keys[picked_rows[0]]

    filtered = not selection.everything
    export_sets = [("all", report)] + ([("filtered", qa.filtered_report(report, shown))] if filtered else [])
    export_labels = {
        ("all", "csv"): _("Download CSV"), ("all", "sarif"): _("Download SARIF"), ("all", "json"): _("Download JSON"),
        ("filtered", "csv"): _("Download filtered CSV"), ("filtered", "sarif"): _("Download filtered SARIF"),
        ("filtered", "json"): _("Download filtered JSON"),
    }
    for kind, exported in export_sets:
        downloads = st.container(horizontal=True)
        for fmt in qa.EXPORT_FORMATS:
            command = qa.cli_command(fmt, selection if kind == "filtered" else qa.FindingFilter())
            downloads.download_button(
                export_labels[(kind, fmt)], data=qa.export(exported, fmt), file_name=qa.export_name(fmt, kind),
                mime=qa.EXPORT_MEDIA_TYPES[fmt], icon=":material/download:", on_click="ignore",
                help=_("The same bytes as `{command}` in the docs folder.", command=command),
                key=f"{STATE_PREFIX}download_{kind}_{fmt}")
    if filtered:
        st.caption(_("“Download” gives every finding of the check; “Download filtered” only the findings shown, as "
                     "the lint's --rule, --severity, --locale and --article options select them."))

    selected = next((f for f in shown if qa.finding_key(f) == st.session_state.get(SELECTED_KEY)), None)
    if selected is not None:
        st.subheader(_("Lines of the selected finding"), anchor="finding-lines")
        st.markdown(f"**{escape_markdown(selected.rule)} {escape_markdown(selected.alias)}** · "
                    f"{severity_label(selected.severity, locale)} · {escape_markdown(selected.message)}")
        cell_view.show_finding_detail(finding_detail(selected, report.base, context=3))
        article = article_slug(selected.path)
        st.markdown(_("[Open this article in the Guide]({link})",
                      link=guide_link(locale, article, docs=shell.docs_link_value())))

# -- structure of the translations ----------------------------------------------------------------
st.header(_("Translation coverage"), anchor="coverage")
st.caption(_("Each article in each language, against the newest {language} version: missing, older (ms.date) "
             "or with errors and causes that differ.", language=locale_label(config.source_locale, locale)))
coverage = coverage_matrix(graph, config.source_locale, selected_findings)
if coverage.rows and not coverage.has_source:
    st.info(_("This folder has no {language} articles, so translations cannot be compared.",
              language=locale_label(config.source_locale, locale)), icon=":material/translate:")
if coverage.rows:
    counts = coverage.counts()
    st.caption(" · ".join(f"{status_label(status, locale)}: {format_integer(count, locale)}"
                          for status, count in counts.items() if count))
    details = [cell for row in coverage.rows for cell in row.cells.values()
               if cell.status not in ("source", "complete")]
    if details:
        with st.expander(ngettext("Details of {count} translation to check", "Details of {count} translations to check",
                                  len(details)), icon=":material/fact_check:"):
            st.dataframe(
                pd.DataFrame([{
                    "article": cell.article,
                    "locale": cell.locale,
                    "status": status_label(cell.status, locale),
                    "date": format_date(cell.date, locale),
                    "source_date": format_date(cell.source_date, locale),
                    "differences": ("" if cell.status == "missing"
                                    else differences_label(cell.differences.count, locale)),
                    "missing_errors": ", ".join(cell.differences.missing_errors),
                    "missing_causes": ", ".join(cell.differences.missing_causes),
                    "extra": ", ".join(cell.differences.extra_errors + cell.differences.extra_causes),
                    "reordered": ", ".join(cell.differences.reordered_errors),
                    "versions": cell.versions,
                    "findings": cell.findings,
                } for cell in details]),
                column_config={
                    "article": _("Article"), "locale": _("Language"), "status": _("Status"),
                    "date": st.column_config.TextColumn(_("Date"), help=_("ms.date of the newest version.")),
                    "source_date": _("Source date"), "differences": _("Differences"),
                    "missing_errors": st.column_config.TextColumn(_("Missing errors"), help=_("Error ids.")),
                    "missing_causes": st.column_config.TextColumn(_("Missing causes"), help=_("Cause ids.")),
                    "extra": st.column_config.TextColumn(_("Not in the source"), help=_("Error and cause ids.")),
                    "reordered": st.column_config.TextColumn(_("Causes reordered"),
                                                             help=_("Errors whose causes come in another order.")),
                    "versions": st.column_config.NumberColumn(_("Versions"),
                                                              help=_("Dated versions in this language.")),
                    "findings": st.column_config.NumberColumn(_("Findings"), help=_("Lint findings, all versions.")),
                },
                hide_index=True, width="stretch",
            )

# -- rules reference -------------------------------------------------------------------------------
active = {item.rule.id: item.severity for item in report.rules}
all_rules = list_rules()
with st.expander(ngettext("Rules reference: {count} rule", "Rules reference: {count} rules", len(all_rules)),
                 icon=":material/rule:"):
    st.caption(_("Severities as configured for this folder; a dash marks a rule that is off. Run "
                 "`python -m loaders lint --list-rules` for the same list."))
    st.dataframe(
        pd.DataFrame([{
            "id": rule.id,
            "alias": rule.alias,
            "severity": severity_label(active[rule.id], locale) if rule.id in active else "–",
            "default": severity_label(rule.severity, locale),
            "scope": scope_label(rule.scope, locale),
            "description": rule.description,
        } for rule in all_rules]),
        column_config={
            "id": _("ID"), "alias": _("Alias"), "severity": _("Severity"), "default": _("Default severity"),
            "scope": st.column_config.TextColumn(_("Checks"),
                                                 help=_("One article, or a translation against its source.")),
            "description": st.column_config.TextColumn(_("Description"), width="large"),
        },
        hide_index=True, width="stretch",
    )
