"""The tables the page draws: the articles × languages matrix (cell texts, cell styles, the cell a
click picked) and the structure of two versions side by side."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.docs_qa.labels import difference_label, kind_label, matrix_cell_style, matrix_cell_text
from dashboard.docs_qa.matrix import Matrix
from dashboard.docs_qa.side_by_side import StructureRow


def matrix_table(matrix: Matrix, locale: str | None = None) -> pd.DataFrame:
    """One row per article, one column per language, each cell its text (counts, MT, stale)."""
    rows = [[matrix_cell_text(matrix.cells[(article, loc)], locale) for loc in matrix.locales]
            for article in matrix.articles]
    return pd.DataFrame(rows, index=pd.Index(list(matrix.articles), name="article"), columns=list(matrix.locales))


def matrix_styles(matrix: Matrix) -> pd.DataFrame:
    """The CSS of every cell of `matrix_table`, same shape."""
    rows = [[matrix_cell_style(matrix.cells.get((article, loc))) for loc in matrix.locales]
            for article in matrix.articles]
    return pd.DataFrame(rows, index=pd.Index(list(matrix.articles), name="article"), columns=list(matrix.locales))


def picked_cell(matrix: Matrix, cells: Sequence[Sequence[object]]) -> tuple[str, str] | None:
    """(article, locale) of the first selected grid cell, as Streamlit reports it: (row position, column)."""
    for row, column in (tuple(cell)[:2] for cell in cells if len(cell) >= 2):
        if isinstance(row, int) and 0 <= row < len(matrix.articles) and column in matrix.locales:
            return matrix.articles[row], str(column)
    return None


DIFFERENCE_STYLE = "background-color: #fce8b2; color: #202124"
MISSING_STYLE = "background-color: #f4c7c3; color: #202124"


def structure_table(rows: Sequence[StructureRow], locale: str | None = None) -> pd.DataFrame:
    """One line per aligned item: what it is (indented by depth), each side's text and line, the difference."""
    return pd.DataFrame({
        "item": ["    " * row.depth + f"{kind_label(row.kind, locale)} · {row.id}" for row in rows],
        "left": [row.left.text if row.left else "" for row in rows],
        "left_line": [row.left.line if row.left and row.left.line else None for row in rows],
        "right": [row.right.text if row.right else "" for row in rows],
        "right_line": [row.right.line if row.right and row.right.line else None for row in rows],
        "difference": [difference_label(row.difference, locale) for row in rows],
    }, columns=["item", "left", "left_line", "right", "right_line", "difference"])


def structure_styles(rows: Sequence[StructureRow]) -> pd.DataFrame:
    """Differences highlighted: missing and extra items in red, changed ones in amber."""
    styles = []
    for row in rows:
        style = "" if not row.differs else MISSING_STYLE if row.difference in ("missing", "extra") else DIFFERENCE_STYLE
        styles.append([style] * 6)
    return pd.DataFrame(styles, columns=["item", "left", "left_line", "right", "right_line", "difference"])
