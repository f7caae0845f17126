from __future__ import annotations

from phantom.kit.errors import Conflict, NotFound


class RoleNotFound(NotFound):
    def __init__(self, name: str) -> None:
        super().__init__(f"Role '{name[:64]}'")


class RoleInUse(Conflict):
    def __init__(self, name: str, holders: int) -> None:
        super().__init__(
            f"The role '{name}' is held by {holders} member(s): give them another role first."
        )
