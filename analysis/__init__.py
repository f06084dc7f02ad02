"""Statistics for survey results: counts in, frozen result objects out. Pure: no web, database or plotting."""
