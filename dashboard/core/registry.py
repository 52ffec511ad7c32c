"""The pages of the app, in menu order. Adding a page is one `PageSpec(...)` line in PAGES.

Titles and help texts are message ids (marked with N_) translated when the menu is built, so the
menu follows the reader's language.

Each page is `dashboard/<area>/page.py`; there is no dashboard/pages/ on purpose: a `pages/` folder beside the entry
script switches Streamlit to its folder-based page discovery, which conflicts with st.navigation.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from dashboard.core.i18n import N_

DASHBOARD_DIR = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PageSpec:
    script: str  # path relative to dashboard/, e.g. "guide/page.py"
    url_path: str  # the page's URL: /<url_path>?query...; deep links rely on it
    title: str  # msgid, translated at run time
    icon: str  # Material symbol, e.g. ":material/menu_book:"
    help: str = ""  # msgid shown as the menu tooltip
    default: bool = False  # opened at "/" when no ?page= is given

    @property
    def path(self) -> Path:
        return DASHBOARD_DIR / self.script


# Fleet opens first: a team lead must see where backups fail without looking for it.
PAGES: tuple[PageSpec, ...] = (
    PageSpec("fleet/page.py", "fleet", N_("Fleet"), ":material/monitoring:",
             N_("Where backups fail across the fleet, and the fix for each error."), default=True),
    PageSpec("guide/page.py", "guide", N_("Guide"), ":material/menu_book:",
             N_("Causes and solutions for each backup error, in your language.")),
    PageSpec("data/page.py", "data", N_("Data"), ":material/database:",
             N_("Job store: sample fleet, imported exports, rejected records, sync.")),
    PageSpec("docs_qa/page.py", "docs-qa", N_("Docs QA"), ":material/fact_check:",
             N_("Lint findings and translation coverage of the docs folder.")),
)


def page(url_path: str) -> PageSpec | None:
    return next((spec for spec in PAGES if spec.url_path == url_path), None)


def default_page(pages: list[PageSpec], requested: str | None = None) -> PageSpec:
    """The page opened at the app's root URL: `?page=<url_path>` if it names one, else the
    page flagged default, else the first."""
    wanted = (requested or "").strip().strip("/").lower()
    return (
        next((p for p in pages if p.url_path == wanted), None)
        or next((p for p in pages if p.default), None)
        or pages[0]
    )
