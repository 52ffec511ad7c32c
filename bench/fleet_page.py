"""Fleet page benchmark: how fast the page redraws after a filter change, and how soon the first chart
shows after `streamlit run`.

`python -m bench.fleet_page`:

1. Rerun after a filter change, on a 1.4 M-job store (15,000 VMs × 90 days, generated once into
   bench/.work/): the real app (dashboard/app.py) through Streamlit's AppTest at /fleet, one region after
   the other picked in the sidebar, each a filter state the caches have not seen. In the same run, the floor:
   the rerun of a trivial page (a title, a select box, a metric) after its select box changed, both on its
   own and inside the app's shell (language picker, docs folder, menu). The same filter states are also
   timed on the page's data path alone (fleet queries + chart builders, no Streamlit).
2. The same in Chromium: a region picked in the sidebar until the page is redrawn, against an option
   picked on the trivial page.
3. Cold start to the first chart: `streamlit run dashboard/app.py` started, the browser opened at /fleet,
   until the first Plotly chart is on screen (Chromium through Playwright), on the sample fleet (2,000 VMs ×
   90 days) and on the 1.4 M-job store.

Prints the numbers and rewrites the "## Fleet page" section of bench/RESULTS.md (`--no-write` leaves it).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from bench.results import RESULTS, machine, package_version, write_section

REPO = Path(__file__).resolve().parents[1]
WORK = REPO / "bench" / ".work"

SECTION = "## Fleet page"
NOW = dt.datetime(2026, 3, 2, 14, 0)  # fixed, so every run draws the same fleets
SEED = 7
BIG = (15_000, 90)
SAMPLE = (2_000, 90)
RERUN_TARGET_S = 1.0
RATIO_TARGET = 5.0
FIRST_CHART_TARGET_S = 5.0

TRIVIAL_PAGE = """
import streamlit as st

st.title("Trivial page")
choice = st.sidebar.selectbox("Pick", ["a", "b", "c"], key="pick")
st.metric("Value", choice)
st.write("A trivial page: the floor of a rerun.")
"""

SHELL_TRIVIAL_APP = """
import streamlit as st
from dashboard.core import shell

shell.configure_page()
shell.select_locale()
shell.docs_source()


def trivial() -> None:
    st.title("Trivial page")
    choice = st.sidebar.selectbox("Pick", ["a", "b", "c"], key="pick")
    st.metric("Value", choice)
    st.write("A trivial page in the app's shell.")


st.navigation([st.Page(trivial, title="Trivial", url_path="trivial")], position="sidebar").run()
"""


# -- stores ---------------------------------------------------------------------------------------------------
def ensure_store(vms: int, days: int) -> Path:
    """The sample fleet of this size in bench/.work/, generated once (a sidecar records what is in it)."""
    from loaders.jobs.sample import generate_sample
    from loaders.jobs.store import open_store

    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"fleet-page-{vms}x{days}.duckdb"
    sidecar = path.with_suffix(".json")
    wanted = {"vms": vms, "days": days, "seed": SEED, "now": NOW.isoformat()}
    if path.exists() and sidecar.exists() and json.loads(sidecar.read_text()) == wanted:
        return path
    for stale in (path, path.with_name(path.name + ".wal"), sidecar):
        stale.unlink(missing_ok=True)
    print(f"generating {vms} VMs × {days} days into {path.relative_to(REPO)}", flush=True)
    with open_store(path) as store:
        generate_sample(store, vms=vms, days=days, seed=SEED, now=NOW)
    sidecar.write_text(json.dumps(wanted))
    return path


def job_count(path: Path) -> int:
    from loaders.jobs.store import open_store

    with open_store(path, read_only=True) as store:
        return store.job_count()


# -- reruns ---------------------------------------------------------------------------------------------------
@dataclass
class Reruns:
    jobs: int
    states: int
    first_run_s: float  # cold: index build, caches empty
    filter_change_s: list[float]  # Fleet page, a new filter state each time
    same_state_s: list[float]  # Fleet page, a rerun without any change (everything cached)
    data_path_s: list[float]  # the page's data for a new state: queries + charts, no Streamlit
    trivial_s: list[float]
    shell_trivial_s: list[float]


def _apptest(script: str):
    from streamlit.testing.v1 import AppTest

    return AppTest.from_file(script, default_timeout=600)


def _timed_run(app) -> float:
    began = time.perf_counter()
    app.run()
    elapsed = time.perf_counter() - began
    if app.exception:
        raise RuntimeError(f"the page failed: {[e.value for e in app.exception]}")
    return elapsed


def time_trivial(script: Path, repeat: int) -> list[float]:
    app = _apptest(str(script))
    app.run()
    times = []
    for i in range(repeat + 1):
        app.selectbox(key="pick").set_value("bc"[i % 2])
        times.append(_timed_run(app))
    return times[1:]  # the first change warms the widget path up


def time_fleet(store: Path, repeat: int) -> tuple[float, list[float], list[float], int]:
    """First run, then one new region per rerun (cache misses), then reruns with nothing changed."""
    os.environ["BACKUP_TRIAGE_DB"] = str(store)
    app = _apptest(str(REPO / "dashboard" / "app.py"))
    app.query_params["page"] = "fleet"
    app.query_params["lang"] = "en-us"
    first = _timed_run(app)
    regions_box = next(w for w in app.multiselect if (w.key or "").startswith("fleet.regions"))
    regions = list(regions_box.options)
    states = [[region] for region in regions] + [[a, b] for a, b in zip(regions, regions[1:], strict=False)]
    changes = []
    for state in states[:repeat]:
        picker = next(w for w in app.multiselect if (w.key or "").startswith("fleet.regions"))
        picker.set_value(state)
        changes.append(_timed_run(app))
    same = [_timed_run(app) for _ in range(repeat)]
    return first, changes, same, len(states[:repeat])


def time_data_path(store: Path, repeat: int) -> list[float]:
    """What the page computes for a new filter state, without Streamlit: all fleet views (plus the
    previous period) and the five charts."""
    from dashboard.fleet import charts as fleet_charts
    from dashboard.fleet.filters import FilterState, fleet_filter, reference_time
    from loaders.jobs import queries
    from loaders.jobs.store import open_store

    with open_store(store, read_only=True) as opened:
        con = opened.connection
        options = queries.filter_options(con)  # builds the connection's fleet index, as the page's first run
        as_of = reference_time(options.max_time, live=False, wall_clock=dt.datetime.now())
        times = []
        for os_types, region in [((), r) for r in options.regions][:repeat]:
            fleet = fleet_filter(FilterState(regions=(region,), os_types=os_types, range="14d"), as_of)
            began = time.perf_counter()
            result = queries.fleet_summary(con, fleet, now=as_of)
            fleet_charts.daily_failures_chart(result.daily_failures_by_category, result.daily_success_rate,
                                              (fleet.start, fleet.end), "en-us")
            fleet_charts.top_errors_chart(result.top_error_codes, "en-us")
            fleet_charts.failures_by_location_chart(result.failures_by_location, "en-us")
            fleet_charts.failure_heatmap_chart(result.failure_heatmap, "en-us")
            fleet_charts.time_to_recover_chart(result.time_to_recover, "en-us")
            times.append(time.perf_counter() - began)
    return times


def measure_reruns(store: Path, repeat: int) -> Reruns:
    WORK.mkdir(parents=True, exist_ok=True)
    trivial = WORK / "trivial_page.py"
    trivial.write_text(TRIVIAL_PAGE)
    shell_trivial = WORK / "shell_trivial_app.py"
    shell_trivial.write_text(SHELL_TRIVIAL_APP)
    trivial_s = time_trivial(trivial, repeat)
    shell_s = time_trivial(shell_trivial, repeat)
    first, changes, same, states = time_fleet(store, repeat)
    data = time_data_path(store, repeat)
    # The floor again at the end: the machine may have been busier at the start.
    trivial_s += time_trivial(trivial, repeat)
    shell_s += time_trivial(shell_trivial, repeat)
    return Reruns(job_count(store), states, first, changes, same, data, trivial_s, shell_s)


# -- cold start -----------------------------------------------------------------------------------------------
def measure_first_chart(store: Path, runs: int) -> list[float]:
    """Seconds from starting `streamlit run` to the first Plotly chart drawn in Chromium, per run."""
    from playwright.sync_api import sync_playwright

    from tests.support.browser import StreamlitServer, launch_chromium

    env = {name: value for name, value in os.environ.items() if name != "BACKUP_TRIAGE_DOCS"}
    env["BACKUP_TRIAGE_DB"] = str(store)
    times = []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)  # the browser is the reader's, already running
        try:
            for _ in range(runs):
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                page = context.new_page()
                page.goto("about:blank")
                began = time.perf_counter()
                with StreamlitServer(env=env) as server:
                    page.goto(f"{server.url}/fleet?lang=en-us")
                    # The daily chart with its bars: not the empty frame drawn while the store is read.
                    page.locator(".js-plotly-plot g.trace.bars").first.wait_for(state="visible", timeout=120_000)
                    times.append(time.perf_counter() - began)
                context.close()
        finally:
            browser.close()
    return times


@dataclass
class BrowserReruns:
    filter_change_s: list[float]  # Fleet page: region picked → every element of the rerun drawn
    trivial_s: list[float]  # trivial page: option picked → its rerun drawn


def _rerun_done(page) -> None:
    """Wait until no element of the previous run is left stale (Streamlit marks them during a rerun)."""
    page.wait_for_function("document.querySelectorAll('[data-stale=\"true\"]').length === 0", timeout=120_000)


def measure_browser_reruns(store: Path, repeat: int) -> BrowserReruns:
    """The same comparison as the reader sees it in Chromium: from the click on a new option to the end
    of the redraw (websocket round trip, script run, rendering), Fleet page and trivial page alike."""
    from playwright.sync_api import expect, sync_playwright

    from dashboard.core.formatting import format_integer
    from dashboard.fleet.filters import FilterState, fleet_filter, reference_time
    from loaders.jobs import queries
    from loaders.jobs.store import open_store
    from tests.support.browser import StreamlitServer, launch_chromium

    with open_store(store, read_only=True) as opened:
        options = queries.filter_options(opened.connection)
        as_of = reference_time(options.max_time, live=False, wall_clock=dt.datetime.now())
        regions = list(options.regions)[:repeat]
        jobs = {r: queries.kpis(opened.connection, fleet_filter(FilterState(regions=(r,)), as_of)).jobs
                for r in regions}
    env = {name: value for name, value in os.environ.items() if name != "BACKUP_TRIAGE_DOCS"}
    env["BACKUP_TRIAGE_DB"] = str(store)
    fleet_times, trivial_times = [], []
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            with StreamlitServer(env=env) as server:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{server.url}/fleet?lang=en-us")
                page.locator(".js-plotly-plot g.trace.bars").first.wait_for(timeout=120_000)
                _rerun_done(page)
                jobs_tile = page.get_by_test_id("stMetric").filter(has=page.get_by_text("Jobs", exact=True)) \
                    .get_by_test_id("stMetricValue")
                picker = page.get_by_role("combobox", name="Regions")
                for region in regions:
                    chips = page.get_by_test_id("stSidebar").get_by_role("button", name=re.compile("^Remove "))
                    if chips.count():
                        chips.first.click()  # back to all regions: a state the caches hold
                        expect(chips).to_have_count(0)
                        _rerun_done(page)
                    picker.click()
                    option = page.get_by_role("option", name=region, exact=True)
                    began = time.perf_counter()
                    option.click()
                    expect(jobs_tile).to_have_text(format_integer(jobs[region], "en-us"), timeout=120_000)
                    _rerun_done(page)
                    fleet_times.append(time.perf_counter() - began)
                    page.keyboard.press("Escape")
            with StreamlitServer(app=str((WORK / "trivial_page.py").relative_to(REPO)), env=env) as server:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(server.url)
                value = page.get_by_test_id("stMetricValue")
                expect(value).to_have_text("a", timeout=60_000)
                for i in range(repeat):
                    choice = "bc"[i % 2]
                    page.get_by_role("combobox", name="Pick").click()
                    option = page.get_by_role("option", name=choice, exact=True)
                    began = time.perf_counter()
                    option.click()
                    expect(value).to_have_text(choice, timeout=60_000)
                    _rerun_done(page)
                    trivial_times.append(time.perf_counter() - began)
        finally:
            browser.close()
    return BrowserReruns(fleet_times, trivial_times)


# -- report ---------------------------------------------------------------------------------------------------
def _ms(values: list[float]) -> str:
    return f"{statistics.median(values) * 1000:,.0f} ms"


def render(reruns: Reruns, first_chart: dict[str, tuple[int, list[float]]],
           browser: BrowserReruns | None = None) -> str:
    change = statistics.median(reruns.filter_change_s)
    trivial = statistics.median(reruns.trivial_s)
    shell = statistics.median(reruns.shell_trivial_s)
    lines = [
        SECTION, "",
        f"Run {dt.date.today().isoformat()} on {machine('Streamlit ' + package_version('streamlit'))}. "
        "Command: `python -m bench.fleet_page`.",
        "",
        f"Reruns through Streamlit's AppTest (the real app at /fleet) on {reruns.jobs:,} jobs "
        f"({BIG[0]:,} VMs × {BIG[1]} days, seed {SEED}); medians of {len(reruns.filter_change_s)} filter changes, "
        "each a region the caches had not seen; the floors are medians of runs before and after.",
        "",
        "| rerun | median | min | max |",
        "|---|---:|---:|---:|",
    ]
    rows = [
        ("Fleet page, first run (opens the store, builds the fleet index)", [reruns.first_run_s]),
        ("Fleet page, after a filter change", reruns.filter_change_s),
        ("Fleet page, rerun without a change (all cached)", reruns.same_state_s),
        ("data path alone for a new filter state (queries + 5 charts)", reruns.data_path_s),
        ("floor: trivial page after a widget change", reruns.trivial_s),
        ("floor: trivial page inside the app's shell", reruns.shell_trivial_s),
    ]
    for label, values in rows:
        lines.append(f"| {label} | {_ms(values)} | {min(values) * 1000:,.0f} ms | {max(values) * 1000:,.0f} ms |")
    if browser is not None:
        lines += ["", "The same comparison in Chromium, as the reader sees it: from the click on a new option "
                  "to the end of the redraw (no element of the previous run left stale), on the same store.", "",
                  "| rerun in Chromium | median | min | max |", "|---|---:|---:|---:|"]
        for label, values in (("Fleet page, a new region picked", browser.filter_change_s),
                              ("floor: trivial page, a new option picked", browser.trivial_s)):
            lines.append(f"| {label} | {_ms(values)} | {min(values) * 1000:,.0f} ms | {max(values) * 1000:,.0f} ms |")
    lines += ["", "| cold start to the first chart (`streamlit run` → first Plotly chart in Chromium) | jobs | "
              "median | runs |", "|---|---:|---:|---|"]
    for label, (jobs, times) in first_chart.items():
        lines.append(f"| {label} | {jobs:,} | {statistics.median(times):.2f} s | "
                     f"{', '.join(f'{t:.2f}' for t in times)} s |")
    lines += [
        "",
        f"Targets: filter-change rerun ≤ {RERUN_TARGET_S:.0f} s and ≤ {RATIO_TARGET:.0f}× the trivial-page floor; "
        f"first chart ≤ {FIRST_CHART_TARGET_S:.0f} s on the sample fleet.",
        f"- filter-change rerun {change * 1000:,.0f} ms — {'met' if change <= RERUN_TARGET_S else 'NOT met'}",
        f"- ratio to the trivial page: {change / trivial:,.0f}× — "
        f"{'met' if change / trivial <= RATIO_TARGET else 'NOT met'}; to the trivial page in the app's shell: "
        f"{change / shell:,.1f}× — {'met' if change / shell <= RATIO_TARGET else 'NOT met'}",
    ]
    if browser is not None:
        seen = statistics.median(browser.filter_change_s) / statistics.median(browser.trivial_s)
        lines.append(f"- in Chromium: {_ms(browser.filter_change_s)} against {_ms(browser.trivial_s)}, "
                     f"{seen:.1f}× — {'met' if seen <= RATIO_TARGET else 'NOT met'}")
    data = statistics.median(reruns.data_path_s)
    lines.append(f"- where a filter change goes: {data * 1000:,.0f} ms for the page's data (every fleet view of the "
                 f"new filter state and of the period before it, and the five charts), the other "
                 f"{max(change - data, 0) * 1000:,.0f} ms for Streamlit to turn five Plotly figures and three "
                 "formatted tables into messages; the trivial page has three small elements and no data to read")
    sample = first_chart.get("sample fleet")
    if sample:
        median = statistics.median(sample[1])
        lines.append(f"- first chart on the sample fleet {median:.2f} s — "
                     f"{'met' if median <= FIRST_CHART_TARGET_S else 'NOT met'}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fleet_page", description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7, help="filter changes and floor reruns timed (default 7)")
    parser.add_argument("--cold-runs", type=int, default=3, help="cold starts per store (default 3)")
    parser.add_argument("--no-browser", action="store_true", help="skip the cold start in Chromium")
    parser.add_argument("--no-write", action="store_true", help="do not rewrite bench/RESULTS.md")
    args = parser.parse_args(argv)

    big = ensure_store(*BIG)
    sample = ensure_store(*SAMPLE)
    reruns = measure_reruns(big, args.repeat)
    print(f"fleet page rerun after a filter change: {_ms(reruns.filter_change_s)} (runs "
          f"{', '.join(f'{t * 1000:.0f}' for t in reruns.filter_change_s)} ms); first run "
          f"{reruns.first_run_s * 1000:,.0f} ms; unchanged rerun {_ms(reruns.same_state_s)}; data path "
          f"{_ms(reruns.data_path_s)}", flush=True)
    print(f"floor: trivial page {_ms(reruns.trivial_s)}, in the app's shell {_ms(reruns.shell_trivial_s)}", flush=True)
    first_chart: dict[str, tuple[int, list[float]]] = {}
    browser = None
    if not args.no_browser:
        browser = measure_browser_reruns(big, args.repeat)
        print(f"in Chromium: fleet page {_ms(browser.filter_change_s)}, trivial page {_ms(browser.trivial_s)}",
              flush=True)
        for label, store in (("sample fleet", sample), ("1.4 M-job store", big)):
            times = measure_first_chart(store, args.cold_runs)
            first_chart[label] = (job_count(store), times)
            print(f"first chart, {label}: {', '.join(f'{t:.2f}' for t in times)} s", flush=True)
    text = render(reruns, first_chart, browser)
    print(text)
    if not args.no_write:
        write_section(SECTION, text)
        print(f"wrote the {SECTION[3:]} section of {RESULTS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
