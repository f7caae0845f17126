"""Fill the demo organization the way its members would, through the domains' services:

1. the owner invites a data scientist, a compliance officer and an executive (each
   accepts with a password, saved with the owner's in ``VAR_DIR/demo-login.json``);
2. the data scientist uploads the bundled loan applications (``data/``, CC0);
3. trains a credit default model on them (AutoGluon, a short budget);
4. promotes it to STAGING, documents it; the owner sets its value model (EUR) and the
   serving threshold worth the most; the data scientist requests PRODUCTION and the
   compliance officer approves (four eyes, the default policy);
5. the loan origination system (the owner's API token) scores applications over the last
   30 days, debt-to-income creeping up over the last ten; outcomes arrive for most
   applications older than two days;
6. the data scientist refreshes the model's health: drift and alerts come from the real
   monitoring computation on that history;
7. a challenger is trained and its PRODUCTION promotion requested (left pending), and
   the compliance officer opens a data subject access request for one of the
   bank's customers (by ``customer_id``).

History in the past needs one thing no user can do: predictions logged with earlier
times (``predictions.predict(at=...)``). Everything else (validation, permissions,
tenant scoping, the audit chain) is the services' own. Each step records what it made in
the state file (progress.py) before the next starts, so a restart resumes where the
last one stopped and never seeds twice.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np

from phantom.approvals.service import approvals
from phantom.automl.models import Engine
from phantom.automl.service import training
from phantom.automl.tasks import TaskType
from phantom.automl.validation import StartRequest
from phantom.compliance.models import RequestKind
from phantom.compliance.service import compliance
from phantom.datasets.service import Upload, datasets
from phantom.db import transaction
from phantom.demo import applicants as a
from phantom.demo.progress import STEPS, DemoState, load
from phantom.identity.members import members
from phantom.identity.principal import Principal
from phantom.identity.tenants import tenants
from phantom.identity.tokens import tokens
from phantom.kit.leases import TERMINAL, JobStatus
from phantom.monitoring.outcomes import OutcomeIn, outcomes
from phantom.monitoring.predictionlog import prediction_log
from phantom.monitoring.service import monitoring
from phantom.registry.models import ModelStage
from phantom.registry.service import registry
from phantom.reports.service import Documentation, reports
from phantom.serving.service import predictions
from phantom.value.service import ValueSettings, values

log = logging.getLogger(__name__)

SLUG, NAME = "demo", "Demo Bank"
ADMIN_EMAIL = "admin@demo-bank.example.com"
MODEL = "Credit default"
TEAM = (  # (key, display name, email, role)
    ("scientist", "Dana Data Scientist", "dana@demo-bank.example.com", "data_scientist"),
    ("officer", "Colin Compliance", "colin@demo-bank.example.com", "compliance_officer"),
    ("executive", "Eve Executive", "eve@demo-bank.example.com", "executive"),
)
HISTORY_DAYS = 30
CALL_HOURS = (8, 11, 14, 17)  # UTC hours the origination system scores a batch each day
ROWS_PER_CALL = (55, 70)
DSR_CUSTOMER = "C0100001"  # an applicant of the bundled data set (its access request)
DRIFT_DAYS = 10  # debt-to-income creeps up over the last ten days
OUTCOME_LAG_DAYS = 2  # outcomes (an early-default flag) arrive two days on: realized
# value shows in the current month from its third day
OUTCOME_SHARE = 0.7
LATEST_ROWS = 260  # the last hour: enough rows (>= min rows) for the hourly drift check
VALUE = {  # EUR per decision; "yes" (default) is the positive class
    "true_positive_value": 400.0,  # a defaulter declined: collection costs avoided
    "true_negative_value": 950.0,  # a good loan granted: its margin
    "false_positive_cost": 950.0,  # a good customer declined: the margin lost
    "false_negative_cost": 6500.0,  # a defaulter granted: the loss given default
}
MONTHLY_VOLUME = 7200

RunJob = Callable[[uuid.UUID, uuid.UUID], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Login:
    name: str
    email: str
    password: str
    role: str


@dataclass(frozen=True, slots=True)
class Logins:
    tenant_id: uuid.UUID
    admin: Login
    team: tuple[Login, ...]

    def to_json(self) -> dict[str, Any]:
        def one(login: Login) -> dict[str, str]:
            return {
                "name": login.name,
                "email": login.email,
                "password": login.password,
                "role": login.role,
            }

        return {
            "organization": SLUG,
            "tenant_id": str(self.tenant_id),
            "email": self.admin.email,
            "password": self.admin.password,
            "members": [one(m) for m in self.team],
        }


def login_path(var_dir: Path) -> Path:
    return var_dir / "demo-login.json"


def _read_logins(path: Path) -> Logins | None:
    try:
        data = json.loads(path.read_text())
        team = tuple(
            Login(m["name"], m["email"], m["password"], m["role"]) for m in data.get("members", [])
        )
        admin = Login("Admin", data["email"], data["password"], "owner")
        return Logins(uuid.UUID(data["tenant_id"]), admin, team)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _older_login(path: Path) -> tuple[str, str] | None:
    """(email, password) of a login file without the tenant's id (the first releases)."""
    try:
        data = json.loads(path.read_text())
        return str(data["email"]), str(data["password"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _save_logins(path: Path, logins: Logins) -> None:
    """Owner-only from its first byte (created 0600, never readable under the umask)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(descriptor, 0o600)  # an existing file keeps its mode through O_CREAT
    with os.fdopen(descriptor, "w") as file:
        file.write(json.dumps(logins.to_json(), indent=1))


async def create_organization(var_dir: Path) -> Logins | None:
    """The demo organization and its owner, once (fast: at start-up, before the URL is
    printed). None when it exists but its login file is gone (its password is unknown)."""
    path = login_path(var_dir)
    found = _read_logins(path)
    if found is not None:
        return found
    from phantom.identity.errors import TenantSlugTaken

    older = _older_login(path)
    if older is not None:  # saved before the demo had data: the owner's login only
        async with transaction(None) as session:
            tenant = await tenants.by_slug(session, SLUG)
        logins = Logins(tenant.id, Login("Admin", older[0], older[1], "owner"), ())
        _save_logins(path, logins)
        return logins

    password = secrets.token_urlsafe(12)
    try:
        async with transaction(None) as session:
            new = await tenants.create(
                session, slug=SLUG, name=NAME, admin_email=ADMIN_EMAIL, admin_password=password
            )
    except TenantSlugTaken:
        return None
    logins = Logins(new.tenant.id, Login("Admin", ADMIN_EMAIL, password, "owner"), ())
    _save_logins(path, logins)
    return logins


async def _principal(tenant_id: uuid.UUID, email: str) -> Principal:
    """A short-lived API token of the member, named for what it is for: the demo's
    actions are theirs in the audit log, made with a credential the members page shows."""
    async with transaction(tenant_id) as session:
        secret, _ = await tokens.create(
            session, tenant_id=tenant_id, email=email, name="Demo setup", expires_in_days=1
        )
    async with transaction(None) as session:
        return await tokens.principal_for(session, secret)


async def _no_throttle(_: str) -> None:
    return None


class Seeder:
    """One run of the demo's preparation; ``run_job`` (tests) runs a queued training job
    itself, else the worker (standalone's in-process one) does and the seeder waits."""

    def __init__(
        self,
        logins: Logins,
        state_file: Path,
        var_dir: Path,
        *,
        budget_seconds: int = 25,
        run_job: RunJob | None = None,
        echo: Callable[[str], None] = print,
    ) -> None:
        # the file is the truth: an earlier run may have added the team since ``logins``
        self.logins = _read_logins(login_path(var_dir)) or logins
        self.tenant_id = logins.tenant_id
        self.state_file = state_file
        self.var_dir = var_dir
        self.budget_seconds = budget_seconds
        self.run_job = run_job
        self.echo = echo
        self.state = load(state_file) or DemoState(tenant_id=str(self.tenant_id))
        self.as_: dict[str, Principal] = {}

    # --- bookkeeping ----------------------------------------------------------------

    def _step(self, number: int, detail: str = "") -> None:
        self.state.step, self.state.error = number, None
        self.state.label = STEPS[number - 1] + (f" ({detail})" if detail else "")
        self.state.save(self.state_file)

    def _announce(self, number: int) -> None:
        self._step(number)
        self.echo(f"  demo data: step {number} of {len(STEPS)}: {STEPS[number - 1]}")

    def _made(self, **results: Any) -> None:
        self.state.results.update(results)
        self.state.save(self.state_file)

    def _has(self, key: str) -> bool:
        return key in self.state.results

    def _id(self, key: str) -> uuid.UUID:
        return uuid.UUID(str(self.state.results[key]))

    # --- the run --------------------------------------------------------------------

    async def run(self) -> DemoState:
        if self.state.done:
            return self.state
        started = time.monotonic()
        try:
            await self._team()
            await self._upload()
            await self._train_first()
            await self._to_production()
            await self._history()
            await self._health()
            await self._challenger_and_request()
        except asyncio.CancelledError:
            self.state.label = f"interrupted at: {self.state.label}; resumes at the next start"
            self.state.save(self.state_file)
            raise
        except Exception as failure:
            log.exception("demo preparation failed")
            self.state.error = f"{type(failure).__name__}: {failure}"[:500]
            self.state.save(self.state_file)
            self.echo(f"  demo data: step {self.state.step} failed: {self.state.error}")
            raise
        self.state.done = True
        self.state.label = "ready"
        self.state.save(self.state_file)
        self.echo(f"  demo data: ready in {time.monotonic() - started:.0f} s")
        return self.state

    async def _who(self, key: str) -> Principal:
        """The member called ``key`` in TEAM ("admin": the owner), as a principal."""
        if key not in self.as_:
            email = self.logins.admin.email
            if key != "admin":
                email = next(e for k, _, e, _ in TEAM if k == key)
            self.as_[key] = await _principal(self.tenant_id, email)
        return self.as_[key]

    async def _team(self) -> None:
        self._announce(1)
        if len(self.logins.team) == len(TEAM):
            return
        admin = await self._who("admin")
        made = list(self.logins.team)
        known = {m.email for m in made}
        for _, name, email, role in TEAM:
            if email in known:
                continue
            password = secrets.token_urlsafe(12)
            async with transaction(self.tenant_id) as session:
                invited = await members.invite(
                    session, admin, email=email, display_name=name, roles=[role]
                )
            if invited.secret is None:
                raise RuntimeError("the demo organization signs in with passwords, not SSO")
            async with transaction(None) as session:
                await members.accept_invitation(
                    session,
                    secret=invited.secret,
                    password=password,
                    ip=None,
                    user_agent="phantom standalone (demo setup)",
                    throttle=_no_throttle,
                )
            made.append(Login(name, email, password, role))
            self.logins = Logins(self.tenant_id, self.logins.admin, tuple(made))
            _save_logins(login_path(self.var_dir), self.logins)

    async def _upload(self) -> None:
        self._announce(2)
        if self._has("dataset"):
            return
        scientist = await self._who("scientist")
        data = a.CSV.read_bytes()
        async with transaction(self.tenant_id) as session:
            dataset = await datasets.upload(
                session,
                scientist,
                name="Loan applications 2023-2025",
                upload=Upload(a.CSV.name, io.BytesIO(data)),
            )
        self._made(dataset=str(dataset.id))

    async def _train(self, step: int, key: str) -> uuid.UUID:
        """Start (once) and wait for a training job; the version it registered."""
        scientist = await self._who("scientist")
        if self._has(f"{key}_job"):
            async with transaction(self.tenant_id) as session:
                job = await training.get(session, scientist, self._id(f"{key}_job"))
            if job.status in (JobStatus.FAILED, JobStatus.CANCELLED):
                del self.state.results[f"{key}_job"]
        if not self._has(f"{key}_job"):
            request = StartRequest(
                dataset_id=self._id("dataset"),
                target=a.TARGET,
                task_type=TaskType.BINARY,
                time_budget_seconds=self.budget_seconds,
                metric=None,
                engine=Engine.AUTOGLUON,
                model_name=MODEL,
                excluded_columns=[a.ID_COLUMN],
            )
            async with transaction(self.tenant_id) as session:
                job = await training.start(session, scientist, request)
            self._made(**{f"{key}_job": str(job.id)})
        job_id = self._id(f"{key}_job")
        if self.run_job is not None:
            await self.run_job(self.tenant_id, job_id)
        deadline = time.monotonic() + self.budget_seconds * 4 + 900
        while True:
            async with transaction(self.tenant_id) as session:
                job = await training.get(session, scientist, job_id)
                status, progress = job.status, job.progress
                version = await registry.of_job(session, scientist, job_id)
            if status in TERMINAL:
                break
            if time.monotonic() > deadline:
                raise TimeoutError(f"the demo's training job {job_id} did not finish")
            self._step(step, f"{status.lower()}, {100 * (progress or 0):.0f} %")
            await asyncio.sleep(1.0)
        if status != JobStatus.SUCCEEDED or version is None:
            raise RuntimeError(f"the demo's training job ended {status}: {job.error}")
        self._made(**{key: str(version.id)})
        return version.id

    async def _train_first(self) -> None:
        self._announce(3)
        if not self._has("first"):
            await self._train(3, "first")

    async def _to_production(self) -> None:
        self._announce(4)
        if self._has("production_request"):
            return
        version_id = self._id("first")
        scientist, admin = await self._who("scientist"), await self._who("admin")
        officer = await self._who("officer")
        async with transaction(self.tenant_id) as session:
            found = await registry.get(session, scientist, version_id)
            if found.stage == ModelStage.NONE.value:
                await registry.promote(session, scientist, version_id, ModelStage.STAGING)
            await reports.document(
                session,
                scientist,
                version_id,
                Documentation(
                    intended_use="Scores consumer loan applications for the risk of default "
                    "in the first year; the decision (grant or decline) follows the serving "
                    "threshold. Not for mortgages or business loans.",
                    owner="Retail credit risk",
                    limitations="Trained on synthetic applications (the demo's data set); "
                    "watch debt-to-income, which moves with the cost of living.",
                ),
            )
            await registry.set_business_line(session, scientist, version_id, "Retail lending")
        async with transaction(self.tenant_id) as session:
            await values.set(
                session,
                admin,
                ValueSettings(
                    model_version_id=version_id,
                    model_id=None,
                    currency="EUR",
                    monthly_volume=MONTHLY_VOLUME,
                    true_positive_value=VALUE["true_positive_value"],
                    true_negative_value=VALUE["true_negative_value"],
                    false_positive_cost=VALUE["false_positive_cost"],
                    false_negative_cost=VALUE["false_negative_cost"],
                ),
            )
        async with transaction(self.tenant_id) as session:
            valued = await values.evaluate(session, admin, version_id, None)
            if valued.best_threshold is not None:
                await values.set_serving_threshold(
                    session, admin, version_id, valued.best_threshold
                )
        async with transaction(self.tenant_id) as session:
            request = await approvals.request(
                session,
                scientist,
                version_id,
                ModelStage.PRODUCTION.value,
                "Validated on the holdout (see the value panel); replaces the manual scorecard.",
            )
        async with transaction(self.tenant_id) as session:
            await approvals.decide(
                session,
                officer,
                request.id,
                approve=True,
                comment="Documentation and value model reviewed; approved for production.",
            )
        self._made(production_request=str(request.id))

    async def _history(self) -> None:
        """Calls of the last 30 days (each day's rows flushed as that day's batch), then
        outcomes for most of the older ones. Resumes at the first day not yet written."""
        self._announce(5)
        admin = await self._who("admin")
        version_id = self._id("first")
        now = datetime.now(UTC)
        if "history_now" not in self.state.results:
            self._made(history_now=now.isoformat(), history_days=0)
        anchor = datetime.fromisoformat(self.state.results["history_now"])
        today = anchor.replace(hour=0, minute=0, second=0, microsecond=0)
        for ago in range(HISTORY_DAYS - 1, -1, -1):
            index = HISTORY_DAYS - ago  # 1..30
            if index <= int(self.state.results["history_days"]):
                continue
            self._step(5, f"day {index} of {HISTORY_DAYS}")
            rng = np.random.default_rng(1000 + index)
            drift = max(0.0, (DRIFT_DAYS - ago) / DRIFT_DAYS) if ago < DRIFT_DAYS else 0.0
            scored: list[tuple[str, str]] = []
            for hour in CALL_HOURS:
                minute = int(rng.integers(60))
                at = today - timedelta(days=ago) + timedelta(hours=hour, minutes=minute)
                if at > anchor - timedelta(hours=2):
                    continue  # today's later hours have not happened yet
                scored += await self._score(admin, version_id, rng, drift, at)
            await prediction_log.flush()
            if ago >= OUTCOME_LAG_DAYS and scored:
                await self._outcomes(admin, version_id, rng, scored)
            self._made(history_days=index)
        if not self._has("latest"):
            rng = np.random.default_rng(99)
            at = max(anchor, now - timedelta(minutes=50)) - timedelta(minutes=10)
            await self._score(admin, version_id, rng, 1.0, at, rows=LATEST_ROWS)
            await prediction_log.flush()
            self._made(latest=at.isoformat())

    async def _score(
        self,
        principal: Principal,
        version_id: uuid.UUID,
        rng: np.random.Generator,
        drift: float,
        at: datetime,
        rows: int | None = None,
    ) -> list[tuple[str, str]]:
        """One call of the origination system; (prediction id, what happened) per row."""
        count = rows or int(rng.integers(*ROWS_PER_CALL))
        first = int(rng.integers(200_000, 9_000_000))
        frame, probability = a.applicants(count, rng, drift, first_id=first)
        actual = a.outcomes(probability, rng)
        features = frame.drop(columns=[a.ID_COLUMN])
        result = await predictions.predict(
            principal,
            features.to_dict("records"),
            "rest",
            version_id=version_id,
            at=at,
        )
        return list(zip(result.prediction_ids, actual, strict=True))

    async def _outcomes(
        self,
        principal: Principal,
        version_id: uuid.UUID,
        rng: np.random.Generator,
        scored: list[tuple[str, str]],
    ) -> None:
        known = [pair for pair in scored if rng.random() < OUTCOME_SHARE]
        if not known:
            return
        async with transaction(self.tenant_id) as session:
            await outcomes.record(
                session, principal, version_id, [OutcomeIn(i, actual) for i, actual in known]
            )

    async def _health(self) -> None:
        self._announce(6)
        if self._has("health"):
            return
        scientist = await self._who("scientist")
        async with transaction(self.tenant_id) as session:
            health = await monitoring.refresh(session, scientist, self._id("first"))
        self._made(health=health.status.value)

    async def _challenger_and_request(self) -> None:
        self._announce(7)
        if not self._has("second"):
            await self._train(7, "second")
        scientist, officer = await self._who("scientist"), await self._who("officer")
        if not self._has("pending_request"):
            async with transaction(self.tenant_id) as session:
                request = await approvals.request(
                    session,
                    scientist,
                    self._id("second"),
                    ModelStage.PRODUCTION.value,
                    "Challenger retrained on the same applications; asks to replace version 1 "
                    "now that debt-to-income drifts.",
                )
            self._made(pending_request=str(request.id))
        if not self._has("subject_request"):
            async with transaction(self.tenant_id) as session:
                asked = await compliance.create_request(
                    session,
                    officer,
                    kind=RequestKind.ACCESS,
                    identifier_column="customer_id",
                    identifier_value=DSR_CUSTOMER,
                    reason="The customer asked by letter for a copy of the personal data "
                    "the bank's models hold about them (GDPR art. 15).",
                )
            self._made(subject_request=str(asked.id))
