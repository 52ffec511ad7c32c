"""Layout of the fleet beside the Guide: the failed job a link came from, the period's top errors as
entry points, and the evidence for the error shown. The numbers come from dashboard/guide/evidence.py
over the fleet queries; this module only draws them."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence

import streamlit as st

from dashboard.core.formatting import format_delta, format_duration, format_integer, format_moment
from dashboard.core.i18n import _, ngettext
from dashboard.core.render import escape_markdown
from dashboard.guide import evidence, fleet_data
from dashboard.guide.fleet_data import FleetScope
from dashboard.guide.view import ErrorChoice, find_choice
from loaders.jobs.schema import JobRow


def show_job(job: JobRow, locale: str) -> None:
    """The failed job a link names: VM, vault, time, code and the message as the service gave it."""
    code = job.error_code or (str(job.error_code_int) if job.error_code_int is not None else _("no error code"))
    with st.container(border=True):
        st.markdown(_("**Failed job** {job} · VM **{vm}** · vault {vault} · {time}",
                      job=f"`{job.job_id.replace('`', '')}`", vm=escape_markdown(job.vm_name or job.vm_id or "?"),
                      vault=escape_markdown(job.vault_name or job.vault_id),
                      time=format_moment(job.start_time, locale)))
        st.markdown(_("**Error code:** {code}", code=f"`{code.replace('`', '')}`"))
        if job.error_message:
            st.text(job.error_message)  # as the service wrote it, never read as Markdown


def _trend(top: evidence.TopError, locale: str) -> str:
    if top.change == 0:
        return _("same as the period before")
    return _("{change} against the period before", change=format_delta(top.change, locale))


def show_top_errors(scope: FleetScope | None, choices: Sequence[ErrorChoice], choose: Callable[[str], None],
                    locale: str) -> None:
    """With no error chosen: the period's most frequent errors, each opening its guidance."""
    if scope is None:
        st.caption(_("No jobs in the store yet: generate the sample or import job exports on the Data page to "
                     "start here from the fleet's most frequent errors."))
        return
    tops = evidence.top_errors(fleet_data.errors(scope), fleet_data.errors(scope, previous=True))
    if not tops:
        st.caption(_("No failed jobs in the Fleet page's period."))
        return
    st.subheader(_("The fleet's top errors"), anchor="top-errors")
    st.caption(_("Failed jobs of the Fleet page's period ({start} – {end}), most frequent first.",
                 start=format_moment(scope.fleet.start, locale),
                 end=format_moment(scope.fleet.end - dt.timedelta(minutes=1), locale)))
    for number, top in enumerate(tops):
        choice = find_choice(choices, top.error_id, top.article) if top.error_id else None
        choice = choice or (find_choice(choices, top.code) if top.code else None)
        name = top.code or _("(no error code)")
        left, right = st.columns([3, 2])
        left.button(escape_markdown(name), key=f"guide_top_{number}", disabled=choice is None,
                    on_click=choose, args=(choice.key,) if choice else (), icon=":material/arrow_right:",
                    type="tertiary", help=escape_markdown(top.message or "") if choice else
                    _("None of the loaded articles describes this error."))
        right.caption(ngettext("{failed} failed job", "{failed} failed jobs", top.failed,
                               failed=format_integer(top.failed, locale)) + " · "
                      + ngettext("{vms} VM", "{vms} VMs", top.vms, vms=format_integer(top.vms, locale))
                      + " · " + _trend(top, locale))


def show_evidence(scope: FleetScope | None, choice: ErrorChoice, codes: Sequence[str], locale: str) -> None:
    """For the error shown: failures and VMs in the period, the VMs failing with it now, time to recover."""
    with st.expander(_("In the fleet"), icon=":material/monitoring:", expanded=True):
        if scope is None:
            st.caption(_("No jobs in the store: import job exports or generate the sample on the Data page to "
                         "see how many VMs fail with this error."))
            return
        found = evidence.error_evidence(codes, choice.article, choice.error_id, fleet_data.errors(scope),
                                        fleet_data.errors(scope, previous=True), fleet_data.failing_vms(scope),
                                        fleet_data.recovery(scope))
        if not found.codes:
            st.caption(_("No job of the Fleet page's period failed with this error."))
            return
        for code in found.codes:
            columns = st.columns(4)
            columns[0].metric(_("Failed jobs · {code}", code=code.code), format_integer(code.failed, locale),
                              delta=format_delta(code.failed - code.previous_failed, locale), delta_color="inverse",
                              help=_("In the Fleet page's period, against the period of the same length before."))
            columns[1].metric(_("VMs"), format_integer(code.vms, locale), help=_("Distinct VMs with this error."))
            columns[2].metric(_("Open incidents"), format_integer(code.open_incidents, locale),
                              help=_("VMs whose backups still fail since this error first appeared."))
            columns[3].metric(_("Median time to recover"),
                              format_duration(dt.timedelta(hours=code.median_hours), locale)
                              if code.median_hours is not None else "–",
                              help=_("From the first failure to the next successful backup."))
        now = found.failing_now
        st.caption(ngettext("{vms} VM fails with this error now.", "{vms} VMs fail with this error now.",
                            len(now), vms=format_integer(len(now), locale)))
        if len(now):
            st.dataframe(now, hide_index=True, width="stretch", column_config={
                "vm_name": _("VM"), "vault_name": _("Vault"), "current_streak": _("Failures in a row"),
                "last_success": st.column_config.DatetimeColumn(_("Last success"))})
