"""The process's Casbin enforcer (RBAC with domains; domain = tenant).

Loaded from the database through ``casbin-async-sqlalchemy-adapter`` plus the built-in
roles' grants from ``permissions.MATRIX``. A reload builds a new enforcer and swaps the
reference, so a check never sees a half-built policy, whichever thread or event loop
asks. The enforcer is marked stale by a broadcast from whichever process changed a
policy (``kit.broadcast``, Redis), and reloaded at least every 60 s as a backstop for
lost notifications. The reload happens lazily, on the next check.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

import casbin
from casbin import persist
from casbin_async_sqlalchemy_adapter import Adapter
from sqlalchemy.ext.asyncio import AsyncSession

from phantom.authz.models import CasbinRule
from phantom.authz.permissions import MATRIX
from phantom.db import get_engine
from phantom.kit.broadcast import broadcast
from phantom.kit.loops import PerLoop

MODEL_PATH = Path(__file__).with_name("model.conf")
BACKSTOP_RELOAD_SECONDS = 60.0
ANY_DOMAIN = "*"


class PolicyAdapter(Adapter):  # type: ignore[misc]
    """The maintained adapter, plus the built-in roles' grants, which are code."""

    async def load_policy(self, model: Any) -> None:
        for role, permissions in MATRIX.items():
            for permission in sorted(permissions):
                line = f"p, {role.value}, {ANY_DOMAIN}, {permission.resource}, {permission.action}"
                persist.load_policy_line(line, model)
        await super().load_policy(model)


def writer(session: AsyncSession) -> Adapter:
    """An adapter that writes in the caller's transaction (it never commits itself), so a
    policy change commits or rolls back with the change that caused it."""
    return Adapter(get_engine(), db_class=CasbinRule, db_session=session)


class EnforcerHolder:
    def __init__(self) -> None:
        self._enforcer: casbin.AsyncEnforcer | None = None
        self._loaded_at = 0.0
        # a change notice bumps the version; an enforcer is fresh when it was loaded
        # after the latest notice (a notice during a load makes the next check reload)
        self._version = 0
        self._loaded_version = -1
        self._locks: PerLoop[asyncio.Lock] = PerLoop(asyncio.Lock)
        # decisions of the current enforcer: a decision depends only on the loaded policy,
        # and Casbin's own evaluation was 11 % of a warm predict call's CPU (py-spy)
        self._decided_by: casbin.AsyncEnforcer | None = None
        self._decisions: dict[tuple[str, str, str, str], bool] = {}
        broadcast.on("authz.policy", self._on_change)

    def _on_change(self, _: dict[str, Any]) -> None:
        self._version += 1

    def _fresh(self) -> casbin.AsyncEnforcer | None:
        expired = time.monotonic() - self._loaded_at > BACKSTOP_RELOAD_SECONDS
        stale = self._loaded_version != self._version
        return None if stale or expired else self._enforcer

    async def get(self) -> casbin.AsyncEnforcer:
        enforcer = self._fresh()
        if enforcer is not None:
            return enforcer
        async with self._locks.get():  # one reload per loop at a time
            enforcer = self._fresh()
            if enforcer is None:
                enforcer = await self._load()
        return enforcer

    async def allowed(self, user: str, tenant: str, resource: str, action: str) -> bool:
        """The current policy's decision, remembered until the policy is reloaded (a new
        enforcer starts with no decisions, so a change is seen exactly when it was)."""
        enforcer = await self.get()
        if enforcer is not self._decided_by:
            self._decided_by, self._decisions = enforcer, {}
        key = (user, tenant, resource, action)
        decision = self._decisions.get(key)
        if decision is None:
            decision = bool(enforcer.enforce(user, tenant, resource, action))
            if len(self._decisions) >= MAX_DECISIONS:
                self._decisions = {}
            self._decisions[key] = decision
        return decision

    async def _load(self) -> casbin.AsyncEnforcer:
        broadcast.start()
        version, started = self._version, time.monotonic()
        adapter = PolicyAdapter(get_engine(), db_class=CasbinRule)
        enforcer = casbin.AsyncEnforcer(str(MODEL_PATH), adapter)
        await enforcer.load_policy()
        self._enforcer, self._loaded_at, self._loaded_version = enforcer, started, version
        return enforcer


MAX_DECISIONS = 100_000
holder = EnforcerHolder()
