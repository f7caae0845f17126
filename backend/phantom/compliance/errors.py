from __future__ import annotations

from phantom.kit.errors import BadUserInput, Conflict, Forbidden


class FourEyesViolation(Forbidden):
    def __init__(self) -> None:
        super().__init__(
            "A data subject request must be approved or rejected by someone other than the "
            "person who requested it (four-eyes rule)."
        )


class RequestNotInState(Conflict):
    def __init__(self, status: str, needed: str) -> None:
        super().__init__(f"This request is {status}; it must be {needed} for that.")


class CannotEraseYourself(BadUserInput):
    def __init__(self) -> None:
        super().__init__("You cannot execute an erasure of your own account.")
