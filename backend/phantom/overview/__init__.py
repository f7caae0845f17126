"""Read-only overviews for executives and compliance officers, aggregated from the other
domains' services (never their tables)."""
