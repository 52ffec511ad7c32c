"""Backup Triage loaders: read troubleshooting articles and backup job data into typed models."""
