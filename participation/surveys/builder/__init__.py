"""Building surveys: settings, pages, questions, options, conditions, preview and participation codes."""
