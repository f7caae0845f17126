from __future__ import annotations

from phantom.kit.errors import BadUserInput, Conflict, PhantomError


class AuditKeyUnavailable(PhantomError):
    """A wrapped key or a ciphertext does not open: a wrong master key, or tampering."""

    def __init__(self, detail: str) -> None:
        super().__init__(
            "An audit key could not be opened with PHANTOM_MASTER_KEY "
            f"(or PHANTOM_MASTER_KEY_PREVIOUS): {detail}."
        )


class MasterKeyMismatch(PhantomError):
    """Start-up refuses to run with a master key that cannot open this database's data."""


class InvalidAuditAction(BadUserInput):
    def __init__(self, action: str) -> None:
        super().__init__(
            f"Invalid audit action '{action[:100]}': use dotted lower-case words such as "
            "'identity.token.created'."
        )


class AuditDetailsTooLarge(BadUserInput):
    def __init__(self, size: int, limit: int, unit: str = "bytes") -> None:
        super().__init__(f"An audit event is limited to {limit} {unit}; got {size}.")


class ExportTooLarge(BadUserInput):
    def __init__(self, count: int, limit: int) -> None:
        super().__init__(
            f"An export through the API is limited to {limit} events; this range has "
            f"{count}. Export smaller ranges (fromSeq/toSeq) or use `phantom audit export`."
        )


class ExportRangeInvalid(BadUserInput):
    def __init__(self) -> None:
        super().__init__("fromSeq must be at least 1 and not after toSeq.")


class AuditChainUnverified(Conflict):
    """The chain since the last valid checkpoint does not verify: nothing is signed (a
    signature would vouch for a forgery) and nothing is purged."""

    def __init__(self, first_bad_seq: int | None, reason: str | None) -> None:
        self.first_bad_seq, self.reason = first_bad_seq, reason
        super().__init__(
            f"The audit chain does not verify from seq {first_bad_seq} ({reason}); nothing "
            "was signed. Run `phantom audit verify` and investigate."
        )
