"""notebooks/fleet-review.ipynb runs top to bottom on a sample fleet, and shows what the queries say."""
from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from dashboard.core.formatting import format_integer
from dashboard.core.i18n import translate
from dashboard.fleet.charts import TOP_BARS
from dashboard.fleet.filters import FilterState, fleet_filter, reference_time
from loaders.jobs import queries
from loaders.jobs.store import DB_ENV_VAR, open_store
from tests.support.fleet_stores import make_sample_store

REPO = Path(__file__).resolve().parents[2]
NOTEBOOK = REPO / "notebooks" / "fleet-review.ipynb"
PLOTLY_MIME = "application/vnd.plotly.v1+json"


def outputs_text(cell) -> str:
    parts = []
    for output in cell.get("outputs", []):
        parts.append(output.get("text", ""))
        data = output.get("data", {})
        parts.append(data.get("text/plain", ""))
        parts.append(data.get("text/html", ""))
        if PLOTLY_MIME in data:  # a Plotly figure, as fig.show() hands it to Jupyter
            parts.append(json.dumps(data[PLOTLY_MIME], ensure_ascii=False))
    return "\n".join(parts)


def figures(notebook) -> list[dict]:
    return [output["data"][PLOTLY_MIME] for cell in notebook.cells if cell.cell_type == "code"
            for output in cell.get("outputs", []) if PLOTLY_MIME in output.get("data", {})]


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    db = make_sample_store(tmp_path_factory.mktemp("notebook") / "fleet.duckdb")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    with pytest.MonkeyPatch.context() as env:  # the kernel inherits the environment
        env.setenv(DB_ENV_VAR, str(db))
        env.setenv("PYTHONPATH", str(REPO))  # the checkout under test, not an installed copy
        client.execute()  # raises CellExecutionError on the first failing cell
    return db, notebook


def test_the_notebook_runs_top_to_bottom_on_the_sample_fleet(executed) -> None:
    _db, notebook = executed
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.get("execution_count") for cell in code_cells)
    assert not [o for cell in code_cells for o in cell.get("outputs", []) if o.get("output_type") == "error"]


def test_its_kpis_and_charts_are_those_of_the_queries(executed) -> None:
    db, notebook = executed
    with open_store(db, read_only=True) as store:
        options = queries.filter_options(store.connection)
        as_of = reference_time(options.max_time, live=False, wall_clock=dt.datetime(2100, 1, 1))
        kpis = queries.kpis(store.connection, fleet_filter(FilterState(), as_of))
        location = queries.failures_by_location(store.connection, fleet_filter(FilterState(), as_of))
    text = "\n".join(outputs_text(cell) for cell in notebook.cells if cell.cell_type == "code")
    assert format_integer(kpis.jobs, "it-it") in text and format_integer(kpis.failed, "it-it") in text
    titles = [figure["layout"]["title"]["text"] for figure in figures(notebook)]
    # The vault chart names its cut only when more vaults failed than it shows.
    vaults = (translate("Failed jobs by vault and region (top {count} vaults)", "it-it", count=TOP_BARS)
              if (location["failed"] > 0).sum() > TOP_BARS else translate("Failed jobs by vault and region", "it-it"))
    assert titles == [translate(title, "it-it") if title else vaults for title in (
        "Failed jobs per day by error category, and success rate", "Top error codes", None,
        "Failed jobs by weekday and hour (UTC)", "Time to recover per error code")]
    daily = figures(notebook)[0]
    assert sum(sum(trace["y"]) for trace in daily["data"] if trace["type"] == "bar") == kpis.failed


def test_it_looks_up_guidance_in_the_chosen_language(executed) -> None:
    _db, notebook = executed
    guidance = [outputs_text(cell) for cell in notebook.cells if cell.cell_type == "code"
                and "resolve_guidance(catalog, graph" in cell.source][0]
    assert "-> found" in guidance and "it-it" in guidance
