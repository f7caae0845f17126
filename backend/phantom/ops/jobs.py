"""Operations' own job: pending object deletions (``kit/storage.py``), swept."""

from __future__ import annotations

import logging

from phantom.db import transaction
from phantom.kit.jobs import actor
from phantom.kit.storage import sweep_deletions as sweep

log = logging.getLogger(__name__)


@actor("ops.sweep_deletions", max_retries=0, time_limit=600_000)
async def sweep_deletions() -> None:
    async with transaction(None) as session:
        deleted, failing = await sweep(session)
    if failing:
        log.warning("stored objects still not deleted", extra={"failing": failing})
    elif deleted:
        log.info("stored objects deleted by the sweep", extra={"deleted": deleted})
