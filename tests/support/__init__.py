"""Helpers the tests share: a Streamlit server and Chromium (`browser`), a local Azure Resource Manager
stand-in (`mock_azure`), fleet stores built for tests (`fleet_stores`) and an HTML probe (`html_probe`)."""
