"""Every domain's tables on one metadata, for Alembic (``migrations/env.py``), the grants
``phantom migrate`` gives the application role, and tests that walk every table. This
module imports the domains so that ``db.py`` never has to: it sits with the composition
root, above the domains."""

from __future__ import annotations

from types import ModuleType

from sqlalchemy import MetaData

from phantom.alerts import models as alerts_models
from phantom.approvals import models as approvals_models
from phantom.audit import models as audit_models
from phantom.authz import models as authz_models
from phantom.automl import models as automl_models
from phantom.batch import models as batch_models
from phantom.compliance import models as compliance_models
from phantom.datasets import models as datasets_models
from phantom.db import Base
from phantom.identity import models as identity_models
from phantom.identity.sso import models as sso_models
from phantom.kit.idempotency import idempotency_table
from phantom.kit.keys import ring_table
from phantom.kit.storage import deletions_table
from phantom.monitoring import models as monitoring_models
from phantom.registry import models as registry_models
from phantom.reports import models as reports_models
from phantom.value import models as value_models
from phantom.webhooks import models as webhooks_models

MODEL_MODULES: tuple[ModuleType, ...] = (
    audit_models,
    authz_models,
    automl_models,
    batch_models,
    compliance_models,
    datasets_models,
    identity_models,
    monitoring_models,
    sso_models,
    registry_models,
    reports_models,
    alerts_models,
    webhooks_models,
    approvals_models,
    value_models,
)

# The KMS key ring (kit/keys.py) and the object deletions outbox (kit/storage.py) are
# defined in kit, below db; they join the one metadata here.
MASTER_DATA_KEYS = ring_table(Base.metadata)
OBJECT_DELETIONS = deletions_table(Base.metadata)
# So is the idempotency keys' table (kit/idempotency.py), tenant-owned (row-level security).
IDEMPOTENCY_KEYS = idempotency_table(Base.metadata)


def every_table() -> MetaData:
    """The one metadata, with every domain's tables registered on it."""
    return Base.metadata
