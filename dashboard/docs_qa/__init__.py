"""The Docs QA page: lint findings and translation coverage of the docs folder."""
