from __future__ import annotations

from phantom.kit.errors import BadUserInput, Unavailable


class ExplanationTimedOut(Unavailable):
    """The explanation ran past ``PHANTOM_EXPLAIN_TIMEOUT_SECONDS``: nothing is answered
    (the rows were scored and logged; ask again without ``explain`` for the predictions)."""


class NotExplainable(BadUserInput):
    """The version cannot be explained as asked (no background sample, too many rows)."""
