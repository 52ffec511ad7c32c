"""The Fleet page: filters, cached fleet summaries, charts and the view models of its tables."""
