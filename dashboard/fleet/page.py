"""Fleet page: where backups fail, whether it is getting worse, which errors dominate, which VMs are
unprotected, and a click from any error to its guidance.

Deep link: fleet?lang=..&range=7d|14d|30d|90d|custom&from=YYYY-MM-DD&to=YYYY-MM-DD&sub=..&vault=..
&region=..&os=..&op=..&rpo=<hours> (lists comma-separated; see dashboard/fleet/filters.py).
"""
from __future__ import annotations

import functools

import streamlit as st

from dashboard.core.i18n import _, current_locale, ngettext
from dashboard.fleet import skeleton as fleet_skeleton

PAINTED_KEY = "fleet.painted"
TABLE_ROWS = 100  # rows of a long table drawn on the page; the CSV has them all
# Each tool button is a stop for the Tab key, five charts over: keep saving the picture and resetting a
# zoom (dragging still zooms).
CHART_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": [
    "lasso2d", "select2d", "zoom2d", "pan2d", "zoomIn2d", "zoomOut2d", "autoScale2d"]}

locale = current_locale()
st.title(_("Fleet backups"))
# Slots in page order, filled once the data is read. On a session's first run the first chart's slot
# shows the chart's empty frame at once, so the browser loads its charting library meanwhile.
caption_slot, source_slot, notice_slot = st.empty(), st.empty(), st.empty()
kpi_slot, daily_slot = st.empty(), st.empty()
if not st.session_state.get(PAINTED_KEY):
    daily_slot.plotly_chart(fleet_skeleton.loading_chart(locale), config=CHART_CONFIG)

# Imported after the first paint: pandas and DuckDB are most of a cold start's imports.
from dashboard.core import fleet_store, shell, store_actions, url_state  # noqa: E402
from dashboard.core.formatting import format_integer  # noqa: E402
from dashboard.core.registry import page as registered_page  # noqa: E402
from dashboard.core.render import escape_markdown  # noqa: E402
from dashboard.fleet import changes_view  # noqa: E402
from dashboard.fleet import filters as fleet_filters  # noqa: E402
from dashboard.fleet import state as fleet_state  # noqa: E402
from dashboard.fleet import summary as fleet_data  # noqa: E402
from dashboard.fleet import view as fleet_view  # noqa: E402
from dashboard.fleet.labels import UNKNOWN_CATEGORY, category_label  # noqa: E402
from loaders.jobs.queries import FALLING, MIN_VMS, NEW, RECOVERED, RISING, SIGNIFICANCE_Z, SPIKE_Z, STARTED  # noqa: E402

path = fleet_store.store_path()


def data_page_link() -> None:
    data_page = registered_page("data")
    if data_page is not None:
        st.page_link(str(data_page.path), label=_("Open the Data page"), icon=":material/database:")


# -- first start: an empty store gets the sample fleet ----------------------------------------------------
try:
    snapshot = fleet_data.store_snapshot(path)
except Exception as exc:  # a damaged or locked store must not leave a blank page
    daily_slot.empty()
    st.error(_("The job store {path} cannot be opened: {reason}", path=escape_markdown(str(path)),
               reason=escape_markdown(str(exc))))
    st.stop()

if snapshot.new or snapshot.empty:
    daily_slot.empty()
if snapshot.new:
    st.info(_("The job store is empty. Creating the sample fleet ({vms} VMs, {days} days) so there is something "
              "to look at; import your own jobs on the Data page.",
              vms=format_integer(store_actions.SAMPLE_VMS, locale), days=store_actions.SAMPLE_DAYS),
            icon=":material/hourglass_top:")
    bar = st.progress(0.0, text=_("Creating the sample fleet…"))

    def show_progress(fraction: float, _detail: str) -> None:
        bar.progress(min(fraction, 1.0), text=_("Creating the sample fleet… {percent}", percent=f"{fraction:.0%}"))

    store_actions.create_sample(path, vms=store_actions.SAMPLE_VMS, days=store_actions.SAMPLE_DAYS,
                               seed=store_actions.SAMPLE_SEED, progress=show_progress, only_if_new=True)
    st.rerun()

if snapshot.empty:
    st.warning(_("The job store {path} holds no jobs. Generate the sample fleet or import job exports on the "
                 "Data page.", path=escape_markdown(snapshot.path)))
    data_page_link()
    st.stop()

as_of = fleet_filters.reference_time(snapshot.options.max_time, snapshot.live, fleet_store.utc_now())
options = fleet_filters.option_values(snapshot.options)

# -- filters: URL -> session state -> widgets -> URL ------------------------------------------------------
link_notes = fleet_state.adopt_link(st.query_params, st.session_state, snapshot.options)
fleet_state.filter_sidebar(st.sidebar, snapshot.options, options, as_of, locale)
state = fleet_state.current_state(st.session_state)
url_state.publish_to_url(st.query_params, st.session_state, fleet_filters.to_query(state))
for note in link_notes:
    st.warning(_("The link's filter {value} does not match this store's data and was ignored.",
                 value=escape_markdown(note)), icon=":material/link_off:")

fleet = fleet_filters.fleet_filter(state, as_of)
now = fleet_filters.rpo_now(state, as_of)

# -- data ---------------------------------------------------------------------------------------------------
result = fleet_data.summary(snapshot, fleet, now, state.rpo_hours)
figures = fleet_data.figures(result, snapshot.version, fleet, now, locale)

view_key = abs(hash((fleet, now))) % 10**10  # selections belong to one filter state
daily_slot.plotly_chart(figures["daily"], key="fleet_daily", config=CHART_CONFIG)
st.session_state[PAINTED_KEY] = True

caption_slot.caption(" · ".join([fleet_view.day_range_text(fleet.start, fleet.end, locale),
                                 _("compared with the {days} days before",
                                   days=format_integer(fleet.length.days, locale)) if fleet.length.days else ""])
                     .rstrip(" ·"))
with source_slot.expander(fleet_view.source_label(snapshot.info, as_of, locale), icon=":material/database:"):
    for line in fleet_view.source_lines(snapshot.info, as_of, snapshot.live, locale):
        st.markdown("- " + escape_markdown(line))
    data_page_link()

# -- KPI tiles --------------------------------------------------------------------------------------------
# A row that wraps: on a narrow window the tiles move to a second row instead of cutting their
# figures short ("60.…"); equal heights when one tile's label takes two lines.
tiles_row = kpi_slot.container(horizontal=True, vertical_alignment="distribute")
for tile in fleet_view.kpi_tiles(result, locale, rpo_compared_at=fleet_filters.rpo_compared_at(fleet)):
    tiles_row.metric(tile.label, tile.value, delta=tile.streamlit_delta, delta_color=tile.delta_color,
                     help=tile.help, border=True, width="stretch", height="stretch")

if not result.kpis.jobs:
    # Say why everything below is empty, and what to do about it.
    if fleet_filters.narrowed(state):
        notice_slot.info(_("No jobs match these filters in this period: the chosen subscriptions, vaults, regions, "
                           "operating systems and operations have no job in common. Change a filter or use "
                           "Reset filters in the sidebar."), icon=":material/filter_alt_off:")
    else:
        notice_slot.info(_("The store has no jobs in this period. Choose a longer time range."),
                         icon=":material/date_range:")



def table_with_links(table: fleet_view.Table, key: str, rows: int | None = None) -> None:
    """A table whose guidance and filtered-view columns are links, and its CSV."""
    links = {_("Guidance"): _("Open guide"), _("Filtered view"): _("Open view")}
    st.dataframe(fleet_view.styled(table, rows), hide_index=True, width="stretch", key=key,
                 column_config={header: st.column_config.LinkColumn(header, display_text=text)
                                for header, text in links.items() if header in table.frame.columns})
    st.download_button(_("Download CSV"), table.csv(), file_name=table.csv_name, mime="text/csv",
                       key=f"{key}_download", icon=":material/download:")


# -- what changed -----------------------------------------------------------------------------------------
docs_value = shell.docs_link_value()
st.subheader(_("What changed"), anchor=False)
st.caption(_("Against the previous {days} days. A code counts as rising or falling only when its failed jobs "
             "and its affected VMs both changed by more than chance would (z ≥ {z}); smaller changes are noise.",
             days=format_integer(fleet.length.days, locale), z=f"{SIGNIFICANCE_Z:g}"))
change_tables = {trend: changes_view.code_changes_table(result.error_code_changes, trend, locale, docs_value)
                 for trend in (NEW, RISING, FALLING)}
vm_tables = {change: changes_view.vm_changes_table(result.vm_changes, change, locale, docs_value)
             for change in (STARTED, RECOVERED)}
tab_labels = {NEW: _("New error codes ({count})"), RISING: _("Rising ({count})"), FALLING: _("Falling ({count})"),
              STARTED: _("VMs that started failing ({count})"), RECOVERED: _("VMs that recovered ({count})")}
empty_texts = {NEW: _("No error code is new in this period."), RISING: _("No error code rose by more than noise."),
               FALLING: _("No error code fell by more than noise."), STARTED: _("No VM started failing."),
               RECOVERED: _("No VM recovered in this period.")}
all_tables = change_tables | vm_tables
tabs = st.tabs([tab_labels[name].format(count=format_integer(len(table.frame), locale))
                for name, table in all_tables.items()])
for tab, (name, table) in zip(tabs, all_tables.items(), strict=True):
    with tab:
        if len(table.frame):
            table_with_links(table, f"fleet_changes_{name}", TABLE_ROWS)
        else:
            st.caption(empty_texts[name])

# -- incidents --------------------------------------------------------------------------------------------
st.subheader(_("Incidents"), anchor=False)
st.caption(_("Days on which unusually many VMs of one region or vault started failing with the same error code "
             "(at least {vms} VMs, and a robust z-score of the day's count against the period and the one "
             "before of at least {z}).", vms=format_integer(MIN_VMS, locale), z=f"{SPIKE_Z:g}"))
incidents_table = changes_view.incidents_table(result.incidents, state, locale, docs_value)
if len(incidents_table.frame):
    table_with_links(incidents_table, "fleet_incidents")
else:
    st.info(_("No incident in this period: failures did not start together anywhere."), icon=":material/check_circle:")

# -- charts -------------------------------------------------------------------------------------------------
# One chart per row, each the page's full width: side by side, on a laptop screen, the long error codes
# and the German or French titles left the bars a sliver and cut the axis titles off.
top_errors = result.top_error_codes
clicked_bar = st.plotly_chart(figures["top_errors"], key=f"fleet_top_errors_chart_{view_key}", on_select="rerun",
                              selection_mode="points", config=CHART_CONFIG)
picked_row = picked_choice = None
with st.container():
    # An empty table would only say "empty", in English: the chart above already says why.
    if len(top_errors):
        st.caption(_("Click a bar or a row to open the error's causes and solutions in the Guide."))
        errors_table = fleet_view.top_errors_table(top_errors, locale, docs=shell.docs_link_value())
        code_column, message_column, guide_column = (errors_table.frame.columns[i] for i in (0, 1, -1))
        picked_row = st.dataframe(
            fleet_view.styled(errors_table), key=f"fleet_top_errors_table_{view_key}", on_select="rerun",
            selection_mode="single-row", hide_index=True, width="stretch",
            # The long English messages take what is left, so counts and the guide link stay in view.
            column_config={guide_column: st.column_config.LinkColumn(guide_column, display_text=_("Open guide")),
                           message_column: st.column_config.TextColumn(message_column, width="medium")})
        st.download_button(_("Download CSV"), errors_table.csv(), file_name=errors_table.csv_name, mime="text/csv",
                           key="fleet_download_errors", icon=":material/download:")
        # Bars and table rows answer the mouse only: the same choice from the keyboard or a screen reader.
        choice_labels = fleet_view.error_choices(top_errors, locale)
        picked_choice = st.selectbox(
            _("Open the guide for"), options=range(len(choice_labels)), format_func=choice_labels.__getitem__,
            index=None, key=f"fleet_top_errors_pick_{locale}_{view_key}", placeholder=_("Choose an error code"),
            help=_("The same as clicking a bar or a row."), width=480)

picked = (fleet_view.selected_rows(picked_row) or fleet_view.selected_points(clicked_bar)
          or ([picked_choice] if picked_choice is not None else []))[:1]
if picked:
    row = fleet_view.row_at(top_errors, picked[0])
    target = fleet_view.guide_target(row) if row else None
    if target is not None:
        shell.open_guide(target.article, target.error, locale=locale)
    elif row is not None:
        code = row.get("error_code")
        st.info(_("No article explains {code} yet. Its message as reported by Azure Backup: {message}",
                  code=escape_markdown(str(code) if isinstance(code, str) and code else _("(no code)")),
                  message=escape_markdown(str(row.get("error_message") or "–"))), icon=":material/help:")
if (top_errors["category"] == UNKNOWN_CATEGORY).any():
    st.caption(_("Errors of the category \"{category}\" match no article yet: they are listed with the message "
                 "Azure Backup reported.", category=category_label(UNKNOWN_CATEGORY, locale)))

st.plotly_chart(figures["location"], key="fleet_location", config=CHART_CONFIG)
st.plotly_chart(figures["heatmap"], key="fleet_heatmap", config=CHART_CONFIG)
st.plotly_chart(figures["recovery"], key="fleet_recovery", config=CHART_CONFIG)

# -- tables -------------------------------------------------------------------------------------------------
st.subheader(_("Top failing VMs"), anchor=False)
st.caption(_("VMs with the most failed jobs in the period; failures in a row are the scheduled backups failed "
             "since the last success."))
vms_table = fleet_view.top_failing_vms_table(result.top_failing_vms, locale)
if len(vms_table.frame):
    st.dataframe(fleet_view.styled(vms_table), hide_index=True, width="stretch", key="fleet_vms_table")
    st.download_button(_("Download CSV"), vms_table.csv(), file_name=vms_table.csv_name, mime="text/csv",
                       key="fleet_download_vms", icon=":material/download:")
else:
    st.info(_("No VM has a failed job in this period."), icon=":material/check_circle:")

st.subheader(_("VMs in RPO breach"), anchor=False)
breach_table = fleet_view.rpo_breach_table(result.rpo_breach, locale)
count = len(breach_table.frame)
st.caption(ngettext("{count} VM has no successful backup in the last {hours} hours.",
                    "{count} VMs have no successful backup in the last {hours} hours.", count,
                    hours=format_integer(result.rpo_hours, locale))
           + (" " + _("The oldest {shown} are listed; the CSV has all of them.",
                      shown=format_integer(TABLE_ROWS, locale))
              if count > TABLE_ROWS else ""))
if count:
    st.dataframe(fleet_view.styled(breach_table, TABLE_ROWS), hide_index=True, width="stretch", key="fleet_rpo_table")
    st.download_button(_("Download CSV"), breach_table.csv(), file_name=breach_table.csv_name, mime="text/csv",
                       key="fleet_download_rpo", icon=":material/download:")

st.subheader(_("VMs without any job"), anchor=False)
gaps_table = changes_view.protection_gaps_table(result.protection_gaps, locale)
st.caption(ngettext("{count} VM the store knows has no job at all in this period: protection stopped, its policy "
                    "removed, or the VM deleted while the vault still lists it.",
                    "{count} VMs the store knows have no job at all in this period: protection stopped, their "
                    "policy removed, or the VM deleted while the vault still lists it.", len(gaps_table.frame)))
if len(gaps_table.frame):
    table_with_links(gaps_table, "fleet_gaps", TABLE_ROWS)

# -- the report that travels ------------------------------------------------------------------------------
st.subheader(_("Report"), anchor=False)
st.caption(_("This view, its period and filters, as one HTML file with its charts that opens anywhere without a "
             "network, or as a Markdown digest for a chat or a ticket."))
with st.container(horizontal=True):
    for report_format, label, name, mime in (("html", _("Download HTML report"), "fleet-report.html", "text/html"),
                                             ("markdown", _("Download Markdown digest"), "fleet-report.md",
                                              "text/markdown")):
        # Built only when clicked (a callable): the HTML carries the whole charting library.
        st.download_button(label, functools.partial(fleet_data.report, result, snapshot.version, fleet, now,
                                                    result.rpo_hours, locale, report_format),
                           file_name=name, mime=mime, key=f"fleet_report_{report_format}",
                           icon=":material/description:", on_click="ignore")
