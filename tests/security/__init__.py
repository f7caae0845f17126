"""Regression tests that perform the attacks of the security review (issue 10)
through the real API."""
