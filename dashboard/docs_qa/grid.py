"""The articles × languages matrix as the tables the page draws: cell texts, cell styles, and the
cell a click on the grid picked."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from dashboard.docs_qa.labels import matrix_cell_style, matrix_cell_text
from dashboard.docs_qa.matrix import Matrix


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
