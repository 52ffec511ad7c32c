"""Guide page: pick an error, read its causes in order and how to fix each one, in your language.

Deep link: guide?lang=it-it&article=<article>&error=<error id or code>[&cause=<cause id>]
"""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard.core import shell, url_state, widgets
from dashboard.core.formatting import format_date
from dashboard.core.graph_cache import guide_graph
from dashboard.core.i18n import _, current_locale, language_name, language_names, ngettext
from dashboard.core.links import guide_link
from dashboard.core.render import escape_markdown, render_solution
from dashboard.guide import checklist, finder, fleet_data, fleet_panel, platforms
from dashboard.guide import view as guide_view
from loaders.docs.model import Cause

ERROR_KEY = "guide_error"
STALE_KEY = "guide_show_stale"
QUERY_KEY = "guide_query"
TICKS_KEY = "guide_ticks"  # {choice key: {cause id: "checked" | "ruled-out"}}, for the whole session
TICKS_FROM_URL_KEY = "guide_ticks_from_url"
OS_KEY = "guide_os"
SXS_KEY = "guide_side_by_side"  # kept for the session: every error opens side by side once chosen
APPLIED_QUERY_KEY = "guide_query_applied"  # the query whose one certain answer was last selected

locale = current_locale()
widgets.page_style()
st.title(_("Troubleshooting guide"))
st.caption(_("Choose the error a backup job failed with: its causes are listed in the order to check "
             "them, each with its solution."))

docs = shell.usable_docs_root()
folder = escape_markdown(str(docs.path))

try:
    graph = guide_graph(docs)
except Exception as exc:  # the loader promises problems, not exceptions; still, never a blank page
    st.error(_("The articles in {path} could not be read: {reason}", path=folder, reason=escape_markdown(str(exc))))
    st.stop()

problems = guide_view.graph_problems(graph)
choices = guide_view.error_choices(graph, locale)


def show_problems() -> None:
    if not problems:
        return
    with st.expander(ngettext("{count} problem found while reading the articles",
                              "{count} problems found while reading the articles", len(problems)),
                     icon=":material/report:"):
        st.caption(_("The rest of each article is still shown; fix these lines in the source files."))
        st.dataframe(
            [{"file": _relative(p.path), "line": p.line, "problem": p.message} for p in problems],
            column_config={"file": _("File"), "line": _("Line"), "problem": _("Problem")},
            hide_index=True, width="stretch",
        )


def _relative(path: str) -> str:
    try:
        return Path(path).resolve().relative_to(docs.path).as_posix()
    except ValueError:
        return path


if not choices:
    st.warning(ngettext(
        "No troubleshooting articles in {path}: its Markdown file has no error section.",
        "No troubleshooting articles in {path}: none of its {count} Markdown files has an error section.",
        docs.markdown_count, path=folder))
    show_problems()
    st.stop()

# -- error picker, in step with ?article=&error= --------------------------------------------------
by_key = {choice.key: choice for choice in choices}
names = language_names([*graph.locales(), locale], locale)  # zh-cn and zh-tw must not both read "Chinese"
preferred_locale = next(iter(guide_view.reading_order(graph, locale)), None)
if st.session_state.get(ERROR_KEY) not in by_key:
    st.session_state[ERROR_KEY] = None
# A link from a failed job (?vault=&job=) opens that job's error, for that job's OS.
job_asked = url_state.first_value(st.query_params, "vault"), url_state.first_value(st.query_params, "job")
job_row = fleet_data.job(*job_asked) if all(job_asked) else None
if job_row is not None and not url_state.first_value(st.query_params, "error"):
    job_error = job_row.guide_error_id or job_row.error_code or (
        str(job_row.error_code_int) if job_row.error_code_int is not None else None)
    if job_error:
        st.query_params["error"] = job_error
        if job_row.guide_article:
            st.query_params["article"] = job_row.guide_article
    if job_row.os_type and not url_state.first_value(st.query_params, "os"):
        st.query_params["os"] = job_row.os_type.lower()
url_state.adopt_from_url(
    st.query_params, st.session_state, ("article", "error"), ERROR_KEY,
    normalize=lambda values: getattr(guide_view.find_choice(choices, values[1], values[0]), "key", None),
)

# -- one search box: codes, numbers, pasted portal or `az backup job show` text, titles in any language --
query = st.text_area(
    _("Find an error"), key=QUERY_KEY, height=68,
    placeholder=_("Paste the error from the portal or from az backup job show, or type an error code or "
                  "words of its title"),
    help=_("Error codes, numeric codes, the whole message with or without its recommendation, several lines "
           "of a job's details, or words of a title in any language of the articles. Ctrl+Enter searches."),
)
result = finder.search(docs, query)
hits = guide_view.hit_choices(result, choices)
if result.query and st.session_state.get(APPLIED_QUERY_KEY) != result.query:
    st.session_state[APPLIED_QUERY_KEY] = result.query
    if result.certain and hits:
        st.session_state[ERROR_KEY] = hits[0][0].key


def choose(key: str) -> None:
    st.session_state[ERROR_KEY] = key


if result.query and not hits:
    st.warning(_("No error of the loaded articles matches this text."), icon=":material/search_off:")
elif result.query and not (result.certain and st.session_state.get(ERROR_KEY) == hits[0][0].key):
    if result.found:
        st.caption(ngettext("{count} matching error:", "{count} matching errors, best first:", len(hits)))
    else:
        st.warning(_("No error matches this text exactly. The closest ones:"), icon=":material/search_off:")
    for number, (choice, _hit) in enumerate(hits):
        st.button(escape_markdown(guide_view.picker_label(choice, preferred_locale, names)), key=f"guide_hit_{number}",
                  on_click=choose, args=(choice.key,), type="tertiary", icon=":material/arrow_right:",
                  help=_("Open this error"))

wanted_error = url_state.first_value(st.query_params, "error")
linked = guide_view.find_choice(choices, wanted_error, url_state.first_value(st.query_params, "article"))
selected_key = widgets.localized_selectbox(
    _("Error"),
    options=list(by_key),
    format_func=lambda key: guide_view.picker_label(by_key[key], preferred_locale, names),
    state_key=ERROR_KEY,
    placeholder=_("Type an error code or words of its title"),
    help=_("Errors of all loaded articles, with their error codes, those in your language first; an error "
           "only another language describes names that language. Type to search."),
)
selected = by_key.get(selected_key) if selected_key else None
url_state.publish_to_url(st.query_params, st.session_state, {
    "article": selected.article if selected else None,
    "error": selected.error_id if selected else None,
})
if selected is None or selected != linked:
    # The cause to open and the ticks belong to the error of the link they came with.
    for name in ("cause", "vault", "job", *checklist.URL_PARAMS.values()):
        st.query_params.pop(name, None)

articles_count = len({c.article for c in choices})
st.caption(ngettext("{count} error", "{count} errors", len(choices)) + " · "
           + ngettext("{count} article", "{count} articles", articles_count) + " · "
           + _("Languages: {languages}", languages=", ".join(names[loc] for loc in graph.locales())) + " · "
           + _("Folder: {path}", path=folder))

if wanted_error and linked is None:
    st.warning(_("The link asks for the error {error}, which none of the loaded articles describes.",
                 error=escape_markdown(wanted_error)))
if all(job_asked) and job_row is None:
    st.warning(_("The link names the job {job} of vault {vault}, which the job store does not hold.",
                 job=escape_markdown(job_asked[1]), vault=escape_markdown(job_asked[0])), icon=":material/link_off:")
elif job_row is not None and selected is not None and selected == linked:
    fleet_panel.show_job(job_row, locale)
fleet_scope = fleet_data.fleet_scope(st.session_state)

if selected is None:
    st.info(_("Choose an error above to see its causes and solutions."), icon=":material/search:")
    fleet_panel.show_top_errors(fleet_scope, choices, choose, locale)
    show_problems()
    st.stop()

# -- the error, in the reader's language when possible ------------------------------------------------
stale_requested = bool(st.session_state.get(STALE_KEY, False))
view = guide_view.error_view(graph, selected, locale, prefer_stale_translation=stale_requested)
if view is None:
    st.error(_("The error {error} could not be found in the loaded articles.",
               error=escape_markdown(selected.error_id)))
    st.stop()

reader_language = names.get(locale) or language_name(locale, locale)
shown_language = names.get(view.shown_locale) or language_name(view.shown_locale, locale)
if view.notice == "older-version":
    older_date = format_date(view.older_date, locale)
    if view.older_error_id:
        st.info(_("An older {language} version of this article ({translated}) describes this error; the newer "
                  "English article ({source}) is shown.", language=reader_language, translated=older_date,
                  source=format_date(view.source_date, locale)), icon=":material/translate:")
    else:
        st.info(_("The older {language} version of this article ({translated}) does not describe this error; it "
                  "is shown from the newer English article ({source}).", language=reader_language,
                  translated=older_date, source=format_date(view.source_date, locale)), icon=":material/translate:")
    if st.button(_("Open the older {language} version", language=reader_language), icon=":material/history:",
                 help=_("The translation may miss causes or steps added to the English article since.")):
        shell.open_guide(view.older_article, view.older_error_id)
elif view.notice == "missing":
    st.info(_("This error is not available in {language} yet; it is shown in English.", language=reader_language),
            icon=":material/translate:")
elif view.notice == "no-source" and locale.split("-")[0] == "en":
    st.info(_("This error is not available in English; it is shown in {shown}.", shown=shown_language),
            icon=":material/translate:")
elif view.notice == "no-source":
    st.info(_("This error is available neither in {language} nor in English; it is shown in {shown}.",
              language=reader_language, shown=shown_language), icon=":material/translate:")
elif view.notice == "outdated":
    st.warning(_("This {language} text ({translated}) is older than the English article ({source}), which no "
                 "longer describes this error.", language=reader_language,
                 translated=format_date(view.translation_date, locale),
                 source=format_date(view.source_date, locale)), icon=":material/update:")
if view.stale_translation is not None:
    if view.notice == "stale":
        st.warning(_("The {language} translation ({translated}) is older than the English article ({source}); "
                     "the English text is shown.", language=reader_language,
                     translated=format_date(view.translation_date, locale),
                     source=format_date(view.source_date, locale)), icon=":material/update:")
    st.toggle(_("Show the older {language} translation", language=reader_language), key=STALE_KEY,
              help=_("The translation may miss causes or steps added to the English article since."))

st.header(escape_markdown(" ".join(view.error.title.split()) or view.error.id), anchor=view.error.id)
if view.error.codes:
    st.markdown(ngettext("**Error code:** {codes}", "**Error codes:** {codes}", len(view.error.codes),
                         codes=", ".join(f"`{code.replace('`', '')}`" for code in view.error.codes)))
for message in view.error.messages:
    st.markdown(_("**Error message:** {message}", message=escape_markdown(" ".join(message.split()))))

fleet_panel.show_evidence(fleet_scope, selected, view.error.codes, locale)

resolve_link = guide_view.link_resolver(graph, view, locale, docs=shell.docs_link_value())
opened_cause = url_state.first_value(st.query_params, "cause")
source_language = names.get(graph.source() or "", "English")


def show_cause(cause: Cause) -> None:
    if cause.platforms:
        st.caption(_("Applies to: {platforms}", platforms=", ".join(
            {"windows": "Windows", "linux": "Linux"}.get(p, p) for p in cause.platforms)))
    widgets.show_segments(render_solution(cause.markdown, resolve_link))


STATE_ICONS = {checklist.CHECKED: ":material/check_circle:", checklist.RULED_OUT: ":material/block:"}
STATE_NAMES = {checklist.CHECKED: _("Checked"), checklist.RULED_OUT: _("Ruled out")}


def set_tick(error_key: str, cause_id: str, widget_key: str) -> None:
    ticks = st.session_state.setdefault(TICKS_KEY, {}).setdefault(error_key, {})
    state = st.session_state.get(widget_key)
    if state in checklist.STATES:
        ticks[cause_id] = state
    else:
        ticks.pop(cause_id, None)


if view.causes:
    cause_order = [c.id for c in view.causes]
    ticks = st.session_state.setdefault(TICKS_KEY, {}).setdefault(selected.key, {})
    params = tuple(checklist.URL_PARAMS.values())
    url_state.adopt_from_url(st.query_params, st.session_state, params, TICKS_FROM_URL_KEY,
                             normalize=lambda values: checklist.parse_ticks(dict(zip(params, values, strict=True)),
                                                                            cause_order))
    from_link = st.session_state.pop(TICKS_FROM_URL_KEY, None)
    if from_link is not None:
        ticks.clear()
        ticks.update(from_link)
    st.subheader(_("Causes and solutions"), anchor="causes")
    url_state.adopt_from_url(st.query_params, st.session_state, ("os",), OS_KEY,
                             normalize=lambda values: platforms.default_platform(values[0]),
                             default=lambda: platforms.default_platform())
    platform = st.radio(
        _("Operating system of the VM"), platforms.PLATFORMS, key=OS_KEY, horizontal=True,
        format_func={"both": _("Both"), "windows": "Windows", "linux": "Linux"}.get,
        help=_("Hide the causes the article marks for the other operating system."))
    url_state.publish_to_url(st.query_params, st.session_state, {"os": None if platform == "both" else platform})
    shown_causes, hidden = platforms.visible_causes(view.causes, platform)
    st.caption(ngettext("Check the cause below.", "Check the {count} causes in this order.", len(shown_causes)) + " "
               + _("Mark each one as checked or ruled out: the marks stay in the link."))
    if hidden:
        st.caption(ngettext("{count} cause for the other operating system is hidden.",
                            "{count} causes for the other operating system are hidden.", hidden),
                   help=_("Choose Both to show them."))
    beside = None
    if view.source_error is not None:
        url_state.adopt_from_url(st.query_params, st.session_state, ("sxs",), SXS_KEY,
                                 normalize=lambda values: values[0] == "1")
        if st.toggle(_("Side by side with English"), key=SXS_KEY,
                     help=_("Each cause in {language} next to the English article's, to compare or to read "
                            "what a translation leaves unclear.", language=shown_language)):
            beside = [other for _cause, other in guide_view.side_by_side(view)]
        url_state.publish_to_url(st.query_params, st.session_state, {"sxs": "1" if beside is not None else None})
    items = []
    shown_ids = {id(cause) for cause in shown_causes}
    for position, cause_view in enumerate(view.causes):
        if id(cause_view) not in shown_ids:
            continue
        state = ticks.get(cause_view.id)
        items.append(checklist.ChecklistItem(cause_view.number, cause_view.id, cause_view.title, state))
        label = _("Cause {number}: {title}", number=cause_view.number, title=escape_markdown(cause_view.title))
        left, right = st.columns([5, 2])
        with left, st.expander(label, expanded=cause_view.id == opened_cause or len(view.causes) == 1,
                               icon=STATE_ICONS.get(state)):
            if cause_view.cause is None:
                st.warning(_("The article lists this cause but has no section for it."))
            elif beside is not None:
                shown_side, source_side = st.columns(2)
                with shown_side:
                    st.caption(_("This section is not translated into {language} yet; it is shown in English.",
                                 language=shown_language) if cause_view.fallback else shown_language)
                    show_cause(cause_view.cause)
                with source_side:
                    st.caption(source_language)
                    if beside[position] is None:
                        st.caption(_("The English article has no section for this cause."))
                    else:
                        show_cause(beside[position])
            else:
                if cause_view.fallback:
                    st.caption(_("This section is not translated into {language} yet; it is shown in English.",
                                 language=shown_language))
                show_cause(cause_view.cause)
        tick_key = f"guide_tick__{selected.key}__{position}"
        if st.session_state.get(tick_key) != state:
            st.session_state[tick_key] = state
        with right:
            st.segmented_control(
                _("Cause {number}", number=cause_view.number), options=checklist.STATES, key=tick_key,
                format_func=STATE_NAMES.get, label_visibility="collapsed", on_change=set_tick,
                args=(selected.key, cause_view.id, tick_key),
                help=_("Checked: you verified this cause. Ruled out: it is not the cause here. Click again to clear."))
    url_state.publish_to_url(st.query_params, st.session_state, checklist.ticks_params(ticks, cause_order))
    done, ruled_out, total = checklist.progress(items)
    st.caption(_("{checked} of {total} checked, {ruled_out} ruled out", checked=done, total=total,
                 ruled_out=ruled_out))
    words = checklist.ChecklistWords(_("Cause {number}: {title}"), _("checked"), _("ruled out"), _("Error code"),
                                     _("Open in the Guide"))
    share = checklist.with_ticks(guide_link(locale, selected.article, selected.error_id, docs=shell.docs_link_value()),
                                 ticks, cause_order)
    base = (st.context.url or "").split("?")[0].rsplit("/", 1)[0]
    with st.expander(_("Copy the checklist as Markdown"), icon=":material/content_copy:"):
        st.code(checklist.checklist_markdown(" ".join(view.error.title.split()) or view.error.id, view.error.codes,
                                             items, words, f"{base}/{share}" if base else share),
                language="markdown")
else:
    st.subheader(_("Solution"), anchor="solution")
    widgets.show_segments(render_solution(view.error.markdown, resolve_link))

st.caption(_("Source: {file} · {language} · updated {date}", file=escape_markdown(_relative(view.article.path)),
             language=shown_language, date=format_date(view.article.date, locale)))
show_problems()
