"""Backup Triage dashboard entry point: `streamlit run dashboard/app.py` (the project installed, as `make run`
does, so `dashboard` and `loaders` import from anywhere).

Runs on every rerun of every page: page setup, the shared sidebar, then the selected page.
"""
from __future__ import annotations

from dashboard.core import shell

shell.configure_page()
shell.select_locale()
shell.docs_source()
shell.navigation().run()
