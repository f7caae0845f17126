"""The encrypted, tamper-evident audit log (docs/compliance.md).

Other domains record with::

    from phantom import audit

    await audit.record(
        session,
        actor=audit.Actor.from_principal(principal),
        action="identity.token.created",
        resource=("api_token", token.id),
        details={"name": token.name},
        subjects={principal.user_id: {"email": principal.email}},
    )
"""

from phantom.audit.chain import (
    Actor,
    ActorType,
    Outcome,
    RecordedEvent,
    record,
    record_separately,
)

__all__ = ["Actor", "ActorType", "Outcome", "RecordedEvent", "record", "record_separately"]
