"""Survey results: SQL aggregates, small-cell suppression, charts, the results pages and report."""
