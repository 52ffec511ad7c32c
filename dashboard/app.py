"""Backup Triage dashboard entry point: `streamlit run dashboard/app.py` (the project installed, as `make run`
does, so `dashboard` and `loaders` import from anywhere).

Runs on every rerun of every page: page setup, the language, sign-in (when configured), the shared sidebar,
then the selected page.
"""
from __future__ import annotations

from dashboard.core import shell, sign_in

shell.configure_page()
shell.select_locale()
sign_in.require_sign_in()  # off unless [auth] is configured in the secrets
shell.docs_source()
shell.navigation().run()
