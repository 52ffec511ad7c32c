"""The test suite of Backup Triage."""
