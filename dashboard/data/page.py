"""Data page: what the job store holds, and the ways to fill it: the sample fleet, uploaded job exports
(with what was rejected and why) and, when the sync module is installed, a sync from Azure."""
from __future__ import annotations

import streamlit as st

from dashboard.core import fleet_store, sign_in, store_actions, widgets
from dashboard.core.formatting import format_integer, format_megabytes
from dashboard.core.i18n import _, current_locale, ngettext
from dashboard.core.render import escape_markdown
from dashboard.data import view as data_view
from dashboard.fleet import view as fleet_view
from loaders.jobs.azure import SyncStatus

REPORT_KEY = "data.last_report"  # what the last action did, shown after the rerun that follows it
CONFIRM_KEY = "data.confirm"  # the deletion waiting for the reader's "yes": "sample" or "clear"
UPLOAD_KEY = "data.upload"
IMPORT_ROWS_KEY = "data.import_rows"  # the last import's per-file counts, shown until the session ends

locale = current_locale()
path = fleet_store.store_path()
st.title(_("Data"))
st.caption(_("The dashboard reads its jobs from one store file. Fill it with the sample fleet, with job exports "
             "from Azure, or from Azure directly."))

# -- the store --------------------------------------------------------------------------------------------
try:
    with fleet_store.reading(path) as store:
        info = store.info()
except Exception as exc:  # a damaged or locked store is reported, never a blank page
    st.error(_("The job store {path} cannot be opened: {reason}", path=escape_markdown(str(path)),
               reason=escape_markdown(str(exc))))
    st.stop()

st.subheader(_("Job store"), anchor=False)
columns = st.columns(4)
columns[0].metric(_("Jobs"), format_integer(info.jobs, locale), border=True)
columns[1].metric(_("Rejected records"), format_integer(info.quarantined, locale), border=True)
store_line, sources_line, _jobs_line, sync_line, import_line = fleet_view.source_lines(info, None, False, locale)[:5]
for line in (store_line, sources_line, import_line, sync_line):
    st.markdown("- " + escape_markdown(line))
st.caption(_("Set {variable} to use another store file.", variable="`BACKUP_TRIAGE_DB`"))

last = st.session_state.pop(REPORT_KEY, None)
if last is not None:
    kind, payload = last
    if kind == "sample":
        st.success(_("Sample fleet created: {jobs} jobs ({inserted} new, {updated} updated) for {vms} VMs over "
                     "{days} days, in {seconds} s.", jobs=format_integer(payload.jobs, locale),
                     inserted=format_integer(payload.inserted or 0, locale),
                     updated=format_integer(payload.updated or 0, locale), vms=format_integer(payload.vms, locale),
                     days=format_integer(payload.days, locale), seconds=format_integer(payload.seconds, locale)),
                   icon=":material/check_circle:")
    elif kind == "sync":
        ok, lines = payload
        if ok:
            st.success(_("Sync finished."), icon=":material/check_circle:")
        else:
            st.warning(_("The sync finished with problems; the vaults that could be read were stored."),
                       icon=":material/warning:")
        st.code("\n".join(lines), language=None, wrap_lines=True)
    elif kind == "removed":
        st.success(ngettext("Sample fleet removed: {jobs} job deleted.", "Sample fleet removed: {jobs} jobs deleted.",
                            payload, jobs=format_integer(payload, locale)), icon=":material/check_circle:")
    elif kind == "cleared":
        st.success(_("The store is empty: {jobs} jobs, {rejected} rejected records and {scopes} sync watermarks "
                     "deleted.", jobs=format_integer(payload.jobs, locale),
                     rejected=format_integer(payload.rejected, locale),
                     scopes=format_integer(payload.sync_scopes, locale)), icon=":material/check_circle:")
    elif kind == "error":
        st.error(payload)

# -- what only a user allowed to change the store sees -----------------------------------------------------
if not sign_in.current_access().may_change_store:
    st.info(_("Importing, syncing, generating or deleting jobs needs the team lead or admin role. You are signed in "
              "as {user}.", user=escape_markdown(sign_in.current_access().user or "")), icon=":material/lock:")
    st.stop()

# -- removing data ----------------------------------------------------------------------------------------
sample_count = store_actions.sample_jobs(info)
if st.session_state.get(CONFIRM_KEY) == "sample" and not sample_count:
    st.session_state.pop(CONFIRM_KEY)
with st.container(horizontal=True):
    if sample_count and st.button(_("Remove the sample fleet"), key="data.remove_sample", icon=":material/delete:",
                                  help=_("Deletes the sample's jobs; imported and synced jobs stay.")):
        st.session_state[CONFIRM_KEY] = "sample"
    if (info.jobs or info.quarantined) and st.button(
            _("Clear the store"), key="data.clear_store", icon=":material/delete_forever:",
            help=_("Deletes every job, rejected record and sync watermark in the store.")):
        st.session_state[CONFIRM_KEY] = "clear"

pending = st.session_state.get(CONFIRM_KEY)
if pending:
    if pending == "sample":
        st.warning(_("Delete the {count} jobs of the sample fleet? Imported and synced jobs stay.",
                     count=format_integer(sample_count, locale)), icon=":material/warning:")
        confirm = ngettext("Yes, delete {jobs} job", "Yes, delete {jobs} jobs", sample_count,
                           jobs=format_integer(sample_count, locale))
    else:
        st.warning(_("Delete everything in the store: {jobs} jobs and {rejected} rejected records? This cannot be "
                     "undone.", jobs=format_integer(info.jobs, locale),
                     rejected=format_integer(info.quarantined, locale)),
                   icon=":material/warning:")
        confirm = _("Yes, empty the store")
    with st.container(horizontal=True):
        confirmed = st.button(confirm, key="data.confirm_delete", type="primary", icon=":material/delete:")
        if st.button(_("Cancel"), key="data.cancel_delete"):
            st.session_state.pop(CONFIRM_KEY, None)
            st.rerun()
    if confirmed:
        st.session_state.pop(CONFIRM_KEY, None)
        try:
            st.session_state[REPORT_KEY] = ("removed", store_actions.remove_sample(path)) if pending == "sample" \
                else ("cleared", store_actions.clear_store(path))
        except Exception as exc:
            st.session_state[REPORT_KEY] = ("error", _("The jobs could not be deleted: {reason}",
                                                       reason=escape_markdown(str(exc))))
        st.rerun()

# -- sample fleet -----------------------------------------------------------------------------------------
st.subheader(_("Sample fleet"), anchor=False)
st.caption(_("A realistic, repeatable fleet of Azure VM backup jobs: the same settings always give the same "
             "jobs, and generating again updates them instead of adding copies."))
with st.form("data.sample"):
    left, middle, right = st.columns(3)
    vms = left.number_input(_("VMs"), min_value=1, max_value=100_000, value=store_actions.SAMPLE_VMS, step=100)
    days = middle.number_input(_("Days of history"), min_value=1, max_value=365, value=store_actions.SAMPLE_DAYS)
    seed = right.number_input(_("Seed"), min_value=0, max_value=2**31 - 1, value=store_actions.SAMPLE_SEED,
                              help=_("The same seed gives the same fleet."))
    generate = st.form_submit_button(_("Generate the sample fleet"), icon=":material/auto_awesome:")
if generate:
    bar = st.progress(0.0, text=_("Generating…"))
    try:
        report = store_actions.create_sample(
            path, vms=int(vms), days=int(days), seed=int(seed),
            progress=lambda f, _d: bar.progress(min(f, 1.0), text=_("Generating… {percent}", percent=f"{f:.0%}")),
        )
    except Exception as exc:
        st.session_state[REPORT_KEY] = ("error", _("The sample could not be created: {reason}",
                                                   reason=escape_markdown(str(exc))))
    else:
        st.session_state[REPORT_KEY] = ("sample", report)
    st.rerun()

# -- import -------------------------------------------------------------------------------------------------
st.subheader(_("Import job exports"), anchor=False)
st.caption(_("Files from `az backup job list`, saved REST API responses, or Log Analytics exports of "
             "AddonAzureBackupJobs (CSV or JSON). The format is recognised from the content. Jobs already in "
             "the store are updated, never duplicated; records that cannot be read are kept aside with the reason."))
uploads = st.file_uploader(_("Job export files"), accept_multiple_files=True, key=UPLOAD_KEY)
widgets.translated_uploader(
    UPLOAD_KEY, choose=_("Choose files"), drop=_("Drop the files here"),
    instructions=_("or drag them here · up to {size} per file",
                   size=format_megabytes(st.get_option("server.maxUploadSize"), locale)))
if st.button(_("Import"), disabled=not uploads, icon=":material/upload_file:", type="primary"):
    bar = st.progress(0.0, text=_("Importing…"))
    files = [store_actions.Upload(upload.name, upload.getvalue()) for upload in uploads]
    try:
        reports = store_actions.import_uploads(files, path, progress=lambda f, name: bar.progress(
            min(f, 1.0), text=_("Imported {file}", file=name)))
    except Exception as exc:
        bar.empty()
        st.error(_("The import failed: {reason}", reason=escape_markdown(str(exc))))
    else:
        st.session_state[IMPORT_ROWS_KEY] = store_actions.import_rows(reports)
        st.rerun()  # the store summary above was drawn before the import: draw it again

rows = st.session_state.get(IMPORT_ROWS_KEY)
if rows:
    total = sum(row["inserted"] + row["updated"] for row in rows)
    failed = [row for row in rows if row["problem"] or row["quarantined"]]
    st.markdown(ngettext("**{count} file read**", "**{count} files read**", len(rows))
                + " · " + _("{jobs} jobs written", jobs=format_integer(total, locale)))
    # Empty cells rather than Streamlit's "None"; a file whose format was not recognised says so.
    shown = [{**row, "format": row["format"] or _("not recognised"), "problem": row["problem"] or ""}
             for row in rows]
    st.dataframe(shown, hide_index=True, width="stretch", key="data.import_table", column_config={
        "file": _("File"), "format": _("Format"), "read": _("Read"), "inserted": _("Inserted"),
        "updated": _("Updated"), "quarantined": _("Rejected"), "duplicates": _("Older copies"),
        "not_stored": _("Not stored"),
        "problem": _("Problems"),
    })
    if failed:
        st.warning(ngettext("{count} file had problems: see the last column and the rejected records below.",
                            "{count} files had problems: see the last column and the rejected records below.",
                            len(failed)), icon=":material/warning:")

# -- quarantine ---------------------------------------------------------------------------------------------
st.subheader(_("Rejected records"), anchor=False)
rejected, rejected_total = store_actions.quarantine(path)
if not rejected:
    st.caption(_("None: every record read so far was stored."))
else:
    st.caption(ngettext("{count} record could not be stored; the latest are listed with where they came from and why.",
                        "{count} records could not be stored; the latest are listed with where they came from and why.",
                        rejected_total))
    st.dataframe(
        fleet_view.styled(data_view.rejected_table(rejected, locale)),
        hide_index=True, width="stretch", key="data.quarantine_table", column_config={
            "source": _("Source"), "location": _("Location"), "reason": _("Reason"), "raw": _("Record"),
            "time": _("Rejected at (UTC)"),
        })

# -- Azure --------------------------------------------------------------------------------------------------
st.subheader(_("Sync from Azure"), anchor=False)
st.caption(_("Reads the backup jobs of your Recovery Services vaults with your Azure sign-in (environment, "
             "managed identity or `az login`); only jobs newer than the last sync are fetched."))
with st.form("data.sync"):
    scopes_text = st.text_area(_("Subscriptions or vaults"), placeholder="00000000-0000-0000-0000-000000000000\n"
                               "/subscriptions/…/resourceGroups/…/providers/Microsoft.RecoveryServices/vaults/…",
                               help=_("One subscription id or vault resource id per line."))
    start_sync = st.form_submit_button(_("Sync now"), icon=":material/sync:")
if start_sync:
    scopes = store_actions.parse_scopes(scopes_text)
    if not scopes:
        st.warning(_("Enter at least one subscription or vault."))
    else:
        bar = st.progress(0.0, text=_("Syncing…"))
        totals = st.empty()

        def progress(done: int, total: int, message: str) -> None:
            bar.progress(min(done / max(total, 1), 1.0), text=escape_markdown(str(message)))

        def status(now: SyncStatus) -> None:
            totals.caption(escape_markdown(now.line()))

        try:
            result = store_actions.sync_from_azure(scopes, path=path, progress=progress, status=status)
        except Exception as exc:
            bar.empty()
            st.error(_("The sync failed: {reason}", reason=escape_markdown(str(exc))))
        else:
            st.session_state[REPORT_KEY] = ("sync", (result.ok, result.lines()))
            st.rerun()
