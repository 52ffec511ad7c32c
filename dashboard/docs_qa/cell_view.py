"""Drawing of the Docs QA matrix, of one cell's findings and of two versions side by side (layout
only: the decisions are in matrix.py, grid.py, drilldown.py and side_by_side.py)."""
from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
import streamlit as st

from dashboard.core import widgets
from dashboard.core.formatting import format_integer
from dashboard.core.i18n import _
from dashboard.core.render import escape_markdown
from dashboard.docs_qa import grid
from dashboard.docs_qa.drilldown import FindingDetail, finding_details
from dashboard.docs_qa.findings import Excerpt, location
from dashboard.docs_qa.labels import (
    MACHINE_MARK,
    STALE_MARK,
    TONE_COLOURS,
    difference_label,
    locale_label,
    severity_label,
    state_label,
    tone_label,
    vintage_text,
)
from dashboard.docs_qa.matrix import Matrix, MatrixCell, cell_findings
from dashboard.docs_qa.side_by_side import StructureRow, difference_counts
from loaders.docs.lint import Finding

STATE_PREFIX = "docs_qa_"
MATRIX_KEY = STATE_PREFIX + "matrix"
CELL_ARTICLE_KEY = STATE_PREFIX + "cell_article"
CELL_LOCALE_KEY = STATE_PREFIX + "cell_locale"
APPLIED_CLICK_KEY = STATE_PREFIX + "cell_click"  # the grid click last turned into a choice of cell
VINTAGE_KEY = STATE_PREFIX + "vintage"
# Streamlit's markdown background colours nearest to each tone's cell colour, for the legend.
TONE_BADGES = {"error": "red", "warning": "orange", "info": "blue", "clean": "green", "missing": "gray"}
ARTICLE_WIDTH = 280  # pixels of the matrix's article column
LOCALE_WIDTH = 160  # pixels of each language column


def _digest(*parts: object) -> str:
    return hashlib.sha1("\n".join(map(str, parts)).encode("utf-8", "surrogatepass")).hexdigest()[:12]


def show_matrix(matrix: Matrix, locale: str) -> None:
    """The grid, coloured by each cell's worst finding; a click on a cell chooses it below."""
    texts = grid.matrix_table(matrix, locale)
    styles = grid.matrix_styles(matrix)
    key = f"{MATRIX_KEY}_{_digest(*matrix.articles, *matrix.locales)}"
    # Fixed widths: every language column holds the longest cell text ("✖ 12 ▲ 4 · MT · ↺ · (4)").
    column_config = {loc: st.column_config.TextColumn(loc, help=locale_label(loc, locale), width=LOCALE_WIDTH)
                     for loc in matrix.locales}
    column_config["article"] = st.column_config.TextColumn(_("Article"), pinned=True, width=ARTICLE_WIDTH)
    event = st.dataframe(texts.style.apply(lambda _frame: styles, axis=None), column_config=column_config,
                         width="stretch", key=key, on_select="rerun", selection_mode="single-cell")
    cells = list(getattr(getattr(event, "selection", None), "cells", None) or [])
    clicked = grid.picked_cell(matrix, cells)
    # A click chooses the cell once; choosing another article or language in the boxes then wins.
    if clicked is not None and st.session_state.get(APPLIED_CLICK_KEY) != clicked:
        st.session_state[APPLIED_CLICK_KEY] = clicked
        st.session_state[CELL_ARTICLE_KEY], st.session_state[CELL_LOCALE_KEY] = clicked
    legend = " ".join(f":{TONE_BADGES[tone]}-background[{escape_markdown(tone_label(tone, locale))}]"
                      for tone in TONE_COLOURS)
    st.markdown(legend)
    st.caption(_("✖ ▲ ℹ: findings by severity in the newest version; {machine}: machine translation; "
                 "{stale}: older than the source; (n): versions kept. Click a cell for its findings.",
                 machine=MACHINE_MARK, stale=STALE_MARK))


def chosen_cell(matrix: Matrix, locale: str) -> MatrixCell | None:
    """The article and language boxes (a click on the grid fills them), and the version picker."""
    columns = st.columns(2)
    with columns[0]:
        article = widgets.localized_selectbox(_("Article"), options=list(matrix.articles), format_func=str,
                                              state_key=CELL_ARTICLE_KEY, help=_("The article to look into."))
    with columns[1]:
        language = widgets.localized_selectbox(_("Language"), options=list(matrix.locales),
                                               format_func=lambda value: locale_label(value, locale),
                                               state_key=CELL_LOCALE_KEY, help=_("The language to look into."))
    cell = matrix.cell(article, language) if article and language else None
    if cell is None or len(cell.vintages) < 2:
        return cell
    labels = [vintage.label for vintage in cell.vintages]
    by_label = {vintage.label: vintage for vintage in cell.vintages}
    picked = st.radio(_("Version"), options=labels, key=f"{VINTAGE_KEY}_{_digest(article, language)}",
                      format_func=lambda label: vintage_text(by_label[label], locale), horizontal=True,
                      help=_("Dated versions of the article in this language, newest first."))
    return cell.pick(picked) if picked else cell


def _show_excerpt(caption: str, lines: Excerpt) -> None:
    st.caption(caption)
    if lines.error:
        st.warning(_("The file cannot be shown: {reason}", reason=escape_markdown(lines.error)))
    else:
        st.code(lines.numbered(), language=None, wrap_lines=True)


def show_finding_detail(detail: FindingDetail) -> None:
    """Every line the finding concerns; a translation finding's source lines beside them."""
    finding = detail.finding
    sides = st.columns(2) if detail.source is not None else [st.container()]
    with sides[0]:
        total = len(finding.locations)
        for number, lines in enumerate(detail.excerpts, start=1):
            where = escape_markdown(location(finding.path, lines.line))
            caption = _("File: {location}", location=where) if total == 1 else _(
                "File: {location} (place {number} of {total})", location=where, number=number, total=total)
            _show_excerpt(caption, lines)
        if detail.more_lines:
            st.caption(_("Also on lines {lines}", lines=", ".join(map(str, detail.more_lines))))
    if detail.source is not None:
        with sides[1]:
            _show_excerpt(_("Source: {location}", location=escape_markdown(
                location(finding.source_path, finding.source_line))), detail.source)


def show_cell(cell: MatrixCell, findings: list[Finding], base: Path, locale: str) -> None:
    """What is wrong with one article in one language: its state and its findings with their lines."""
    if cell.shown is None:
        st.warning(_("{article} has no {language} version.", article=escape_markdown(cell.article),
                     language=locale_label(cell.locale, locale)), icon=":material/translate:")
        return
    facts = [state_label(cell, locale), escape_markdown(cell.shown.path)]
    if cell.machine_translated:
        facts.append(_("machine translation (ms.translationtype: MT)"))
    st.markdown(" · ".join(facts))
    mine = cell_findings(findings, cell)
    if not mine:
        st.success(_("No findings in this version."), icon=":material/task_alt:")
        return
    st.dataframe(pd.DataFrame({
        "rule": [f"{f.rule} {f.alias}" for f in mine],
        "severity": [severity_label(f.severity, locale, marked=True) for f in mine],
        "line": [f.line for f in mine],
        "places": [len(f.locations) for f in mine],
        "message": [f.message for f in mine],
    }), column_config={
        "rule": _("Rule"), "severity": _("Severity"), "line": st.column_config.NumberColumn(_("Line")),
        "places": st.column_config.NumberColumn(_("Lines"), help=_("How many lines the finding concerns.")),
        "message": st.column_config.TextColumn(_("Message"), width="large"),
    }, hide_index=True, width="stretch", key=f"{STATE_PREFIX}cell_findings_{_digest(cell.shown.path)}")
    for detail in finding_details(mine, base):
        finding = detail.finding
        title = (f"{severity_label(finding.severity, locale, marked=True)} · {finding.rule} {finding.alias} · "
                 + _("line {line}", line=format_integer(finding.line, locale)))
        with st.expander(title):
            st.markdown(escape_markdown(finding.message))
            show_finding_detail(detail)


COMPARE_KEY = STATE_PREFIX + "compare_locale"
ONLY_DIFFERENCES_KEY = STATE_PREFIX + "only_differences"


def compare_locale(matrix: Matrix, cell: MatrixCell, locale: str) -> str | None:
    """The language set beside the chosen cell (the source language unless another is picked)."""
    others = [loc for loc in matrix.locales if loc != cell.locale]
    if not others:
        return None
    if st.session_state.get(COMPARE_KEY) not in others:
        st.session_state[COMPARE_KEY] = matrix.source_locale if matrix.source_locale in others else others[0]
    return widgets.localized_selectbox(_("Compare with"), options=others, state_key=COMPARE_KEY, clearable=False,
                                       format_func=lambda value: locale_label(value, locale),
                                       help=_("The language shown on the left; the source language by default."))


def show_side_by_side(rows: list[StructureRow], left_path: str, right_path: str, locale: str) -> None:
    """Errors, ordered causes, steps, commands and numbers of two versions, differences highlighted."""
    counts = difference_counts(rows)
    if counts:
        st.markdown(" · ".join(f"{difference_label(name, locale)}: {format_integer(count, locale)}"
                               for name, count in sorted(counts.items())))
    else:
        st.success(_("Same structure: errors, causes, steps, commands and numbers agree."), icon=":material/task_alt:")
    only = st.toggle(_("Only differences"), key=ONLY_DIFFERENCES_KEY, value=bool(counts))
    shown = [row for row in rows if row.differs] if only else rows
    if not shown:
        return
    table = grid.structure_table(shown, locale)
    styles = grid.structure_styles(shown)
    st.dataframe(table.style.apply(lambda _frame: styles, axis=None), hide_index=True, width="stretch",
                 column_config={
                     "item": st.column_config.TextColumn(_("Item"), help=_("Errors, their causes in order, and what "
                                                                           "each cause holds, aligned by id.")),
                     "left": st.column_config.TextColumn(escape_markdown(left_path), width="medium"),
                     "left_line": st.column_config.NumberColumn(_("Line")),
                     "right": st.column_config.TextColumn(escape_markdown(right_path), width="medium"),
                     "right_line": st.column_config.NumberColumn(_("Line")),
                     "difference": st.column_config.TextColumn(_("Difference")),
                 })
