"""Backup Triage dashboard entry point: `streamlit run dashboard/app.py`.

Runs on every rerun of every page: page setup, the shared sidebar, then the selected page.
"""
from __future__ import annotations

import sys
from pathlib import Path

# `streamlit run dashboard/app.py` puts dashboard/ on sys.path; the packages live one level up.
_REPO = str(Path(__file__).resolve().parents[1])
if _REPO not in sys.path:
    sys.path.insert(0, _REPO)

from dashboard.core import shell  # noqa: E402

shell.configure_page()
shell.select_locale()
shell.docs_source()
shell.navigation().run()
