"""PostgreSQL row-level security for tenant-owned tables, for use in migrations.

Every ``TenantScoped`` table gets ``ENABLE`` and ``FORCE ROW LEVEL SECURITY`` and one
policy: a row is visible and writable when its ``tenant_id`` is the transaction's
``app.tenant_id``, or when the transaction is a system one (``app.system = 'on'``:
credential lookups before the tenant is known, tenant creation, schedulers). Both are set
per transaction by ``db.py``; outside a transaction that set them, nothing is visible.
``FORCE`` applies the policy to the tables' owner too; only a superuser or a
``BYPASSRLS`` role escapes it, so the application's role must be neither.
(After a transaction-local setting ends, ``current_setting(..., true)`` is ``''``, not
NULL, hence ``NULLIF``.) SQLite (standalone, one process, one tenant's laptop) has no RLS.
"""

from __future__ import annotations

from alembic import op

POLICY = "tenant_isolation"
CONDITION = (
    "current_setting('app.system', true) = 'on' "
    "OR tenant_id = NULLIF(current_setting('app.tenant_id', true), '')::uuid"
)


def enable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'ALTER TABLE "{table}" ENABLE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" FORCE ROW LEVEL SECURITY')
    op.execute(f'CREATE POLICY {POLICY} ON "{table}" USING ({CONDITION}) WITH CHECK ({CONDITION})')


def disable_tenant_rls(table: str) -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f'DROP POLICY IF EXISTS {POLICY} ON "{table}"')
    op.execute(f'ALTER TABLE "{table}" NO FORCE ROW LEVEL SECURITY')
    op.execute(f'ALTER TABLE "{table}" DISABLE ROW LEVEL SECURITY')
