from __future__ import annotations

from phantom.kit.errors import Conflict, Forbidden


class ApprovalRequired(Conflict):
    def __init__(self, stage: str) -> None:
        super().__init__(
            f"Promoting to {stage} requires a second person's approval: use requestPromotion "
            "(someone else holding models:approve then decides with decidePromotion)."
        )


class OwnRequest(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "A promotion request must be decided by someone other than the person who made "
            "it (four-eyes rule), whatever their roles."
        )


class NotRequester(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only the person who made a promotion request can withdraw it.")


class NotPending(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"This promotion request is {status}; only a PENDING one can change.")


class Expired(Conflict):
    def __init__(self) -> None:
        super().__init__(
            "This promotion request expired before it was decided; make a new one with "
            "requestPromotion."
        )
