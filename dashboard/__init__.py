"""Backup Triage dashboard: the Streamlit app (`streamlit run dashboard/app.py`).

Page modules only lay out widgets; everything they show comes from the small tested modules here
(i18n, formatting, docs source, guide view, rendering) and from `loaders`.
"""
