"""Key rotation without rewriting history.

- Master key: set the new key in ``PHANTOM_MASTER_KEY`` and the old one in
  ``PHANTOM_MASTER_KEY_PREVIOUS``, run ``phantom audit rewrap``: every wrapped audit key
  is re-sealed under the new key (the keys themselves, and so every event, are
  unchanged). Then the old key can be removed; the start-up check fails if a key still
  needs it.
- A tenant's data key: ``phantom audit rotate-data-key --tenant <slug>`` retires it; the
  next event starts a new one. Old events keep naming the key that encrypted them.
  Rotation also happens by itself long before the GCM bound (``keys.py``).
- A tenant's signing key: ``phantom audit rotate-signing-key --tenant <slug>`` records an
  event naming the new key, signs the head with the old key (so the old key vouches for
  the new one: an auditor who pinned the old key id follows the change), then switches.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from phantom.audit import keys
from phantom.audit.chain import Actor, checkpoint, record
from phantom.audit.models import AuditKey
from phantom.audit.proof import KEY_ROTATION_ACTION, public_key_id
from phantom.audit.repository import AuditRepository, RewrapRepository
from phantom.kit.rows import utcnow


@dataclass(frozen=True, slots=True)
class Rewrapped:
    keys: int
    subject_keys: int


async def rewrap_all(session: AsyncSession) -> Rewrapped:
    """Re-seal every audit key not yet under the current master key (a system session).
    Idempotent: keys already under it are skipped."""
    current = keys.master_key_id()
    repo = RewrapRepository(session)
    found = await repo.keys(older_than=current)
    for key in found:
        purpose = keys.PURPOSES[key.kind]
        raw = keys.unwrap_uncached(key.wrapped, purpose, key.tenant_id, key.id)
        key.wrapped, key.master_key_id = keys.wrap(raw, purpose, key.tenant_id, key.id), current
    subjects = await repo.subject_keys(older_than=current)
    for row in subjects:
        if row.wrapped is None:
            continue
        binding = (row.tenant_id, row.subject_id)
        raw = keys.unwrap_uncached(row.wrapped, keys.SUBJECT_KEY_PURPOSE, *binding)
        row.wrapped = keys.wrap(raw, keys.SUBJECT_KEY_PURPOSE, *binding)
        row.master_key_id = current
    await session.flush()
    return Rewrapped(len(found), len(subjects))


async def rotate_data_key(session: AsyncSession, actor: Actor) -> int:
    """Retire the tenant's data key; the rotation is itself an event (the last one under
    the old key). Returns the seq from which the new key applies."""
    repo = AuditRepository(session)
    event = await record(session, actor=actor, action="audit.keys.rotated", details={})
    head = await repo.head(lock=True)
    if head is not None and head.data_key_id is not None:
        await repo.retire_key(head.data_key_id, utcnow())
        await repo.set_head(data_key_id=None)
    return event.seq + 1


async def rotate_signing_key(session: AsyncSession, actor: Actor) -> str:
    """Returns the new signing key's id."""
    repo = AuditRepository(session)
    private, public = keys.new_signing_key()
    new_id = public_key_id(public)
    old = await repo.active_signing_key()
    await record(
        session,
        actor=actor,
        action=KEY_ROTATION_ACTION,
        resource=("signing_key", new_id),
        details={"previous_key_id": old.public_key_id if old else None},
    )
    await checkpoint(session)  # signed by the old key, covering the event above
    old = await repo.active_signing_key()
    if old is not None:
        await repo.retire_key(old.id, utcnow())
    key_id = uuid.uuid4()
    await repo.add(
        AuditKey(
            id=key_id,
            kind="signing",
            wrapped=keys.wrap(private, keys.SIGNING_KEY_PURPOSE, repo.tenant_id, key_id),
            master_key_id=keys.master_key_id(),
            public_key=public,
            public_key_id=new_id,
        )
    )
    return new_id
