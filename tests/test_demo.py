"""`phantom standalone`'s demo organization, seeded for real (the seeder standalone runs in
the background) on this run's PostgreSQL database: two real AutoGluon fits (short
budgets, run here as the ``automl.train`` actor runs them: claim, then supervise), a
month of predictions through the serving service, outcomes, monitoring's own drift
computation and the alert rules. Checked through GraphQL as the demo's members see it;
then a second run adds nothing."""

from __future__ import annotations

import asyncio
import json
import stat
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest

from phantom.automl import runs
from phantom.automl.supervisor import supervise
from phantom.config import settings
from phantom.db import transaction
from phantom.demo import applicants
from phantom.demo.progress import STEPS, load, state_path
from phantom.demo.seed import Logins, Seeder, create_organization
from phantom.identity.tokens import tokens
from phantom.serving.service import predictions
from tests.support.fixtures import TenantFixture, create_tenant, gql

BUDGET = 10  # seconds per fit: medium quality, as the demo's 25


@dataclass
class Demo:
    logins: Logins
    state: dict[str, Any]
    lines: list[str]
    admin: dict[str, str]
    officer: dict[str, str]
    executive: dict[str, str]
    scientist: dict[str, str]
    other: TenantFixture


async def _run_here(tenant_id: uuid.UUID, job_id: uuid.UUID) -> None:
    claimed = await runs.claim(tenant_id, job_id)
    assert claimed is not None, "the demo's job was claimed by someone else"
    await supervise(claimed)


async def _bearer(logins: Logins, email: str) -> dict[str, str]:
    async with transaction(logins.tenant_id) as session:
        secret, _ = await tokens.create(
            session, tenant_id=logins.tenant_id, email=email, name="test"
        )
    return {"Authorization": f"Bearer {secret}"}


def _seeder(logins: Logins, lines: list[str], echo: Callable[[str], None] | None = None) -> Seeder:
    var = Path(settings.VAR_DIR)
    return Seeder(
        logins,
        state_path(),
        var,
        budget_seconds=BUDGET,
        run_job=_run_here,
        echo=echo or lines.append,
    )


@pytest.fixture(scope="module")
async def demo(app: Any) -> Demo:
    logins = await create_organization(Path(settings.VAR_DIR))
    assert logins is not None
    lines: list[str] = []

    def stop_at_history(line: str) -> None:  # a first start stopped (Ctrl+C) at step 5
        lines.append(line)
        if ": step 5 of" in line:
            raise asyncio.CancelledError

    with pytest.raises(asyncio.CancelledError):
        await _seeder(logins, lines, stop_at_history).run()
    interrupted = load(state_path())
    assert interrupted is not None
    assert not interrupted.done
    assert interrupted.label.startswith("interrupted at: scoring 30 days"), interrupted
    assert "first" in interrupted.results
    assert "history_days" not in interrupted.results
    state = await _seeder(logins, lines).run()  # the next start resumes
    assert state.error is None, state
    assert state.done, state
    saved = await create_organization(Path(settings.VAR_DIR))  # the login file, re-read
    assert saved is not None
    assert len(saved.team) == 3
    email = {m.role: m.email for m in saved.team}
    return Demo(
        logins=saved,
        state=dict(state.results),
        lines=lines,
        admin=await _bearer(saved, saved.admin.email),
        officer=await _bearer(saved, email["compliance_officer"]),
        executive=await _bearer(saved, email["executive"]),
        scientist=await _bearer(saved, email["data_scientist"]),
        other=await create_tenant("Other Bank"),
    )


@pytest.fixture
async def client(app: Any) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def _data(client: httpx.AsyncClient, query: str, headers: dict[str, str], **v: Any) -> Any:
    body = await gql(client, query, v, headers)
    assert "errors" not in body, body
    return body["data"]


VERSIONS = """query($stage: ModelStage) { modelVersions(stage: $stage, first: 50) {
  edges { node { id version stage modelName } } } }"""
HEALTH = """query($v: ID!) { modelHealth(modelVersionId: $v, window: DAY) {
  outcomes predictions windows { start predictions outcomes status
    drift { feature status psi } } } }"""
HOUR_HEALTH = """query($v: ID!) { modelHealth(modelVersionId: $v) {
  status drift { feature status psi } } }"""
ALERTS = """query($v: ID!) { alerts(modelVersionId: $v, first: 50) {
  edges { node { kind feature severity status } } } }"""
VALUE = """query($v: ID!) { modelValue(modelVersionId: $v) { servingThreshold bestThreshold
  valueModel { currency monthlyVolume } realized { predictions } } }"""
PENDING = """{ promotionRequests(status: PENDING) { edges { node { modelVersionId stage
  requestedBy } } } }"""
APPROVED = """{ promotionRequests(status: APPROVED) { edges { node { modelVersionId
  requestedBy decidedBy } } } }"""
SUBJECTS = """{ dataSubjectRequests { edges { node { id kind status subjectKind
  identifierColumn matches { datasets { rows } predictionRows } } } } }"""
OVERVIEW = """{ executiveOverview(period: 30) { modelsInProduction { modelVersionId modelName
  owner businessLine } predictionVolume { total realtimeTotal days { day realtime } }
  openAlerts { severity count } pendingApprovals { count } training { jobs succeeded } } }"""
SETUP = "{ demoSetup { step total label done error } }"
COUNTS = """{ datasets { totalCount } trainingJobs { totalCount }
  modelVersions { totalCount } }"""


def _nodes(connection: dict[str, Any]) -> list[dict[str, Any]]:
    return [edge["node"] for edge in connection["edges"]]


async def test_the_demo_has_a_model_in_production_with_value_and_history(
    demo: Demo, client: httpx.AsyncClient
) -> None:
    first = demo.state["first"]
    production = _nodes(
        (await _data(client, VERSIONS, demo.executive, stage="PRODUCTION"))["modelVersions"]
    )
    assert [v["id"] for v in production] == [first]
    assert production[0]["modelName"] == "Credit default"

    value = (await _data(client, VALUE, demo.executive, v=first))["modelValue"]
    assert value["valueModel"] == {"currency": "EUR", "monthlyVolume": 7200}
    assert value["servingThreshold"] == value["bestThreshold"] is not None
    assert sum(w["predictions"] for w in value["realized"]) > 0, "realized value from outcomes"

    health = (await _data(client, HEALTH, demo.executive, v=first))["modelHealth"]
    days = {w["start"][:10] for w in health["windows"] if w["predictions"] > 0}
    assert len(days) >= 20, days
    assert health["outcomes"] > 0
    with_outcomes = [w for w in health["windows"] if w["outcomes"] > 0]
    assert len(with_outcomes) >= 15
    # debt-to-income drifts over the last days, and only it among the strong features
    drifted = Counter(
        d["feature"]
        for w in health["windows"]
        for d in w["drift"]
        if d["status"] in ("WARN", "ALERT")
    )
    assert drifted[applicants.DRIFTING] >= 3, drifted
    assert drifted.most_common(1)[0][0] == applicants.DRIFTING, drifted


async def test_drift_alert_comes_from_monitoring(demo: Demo, client: httpx.AsyncClient) -> None:
    first = demo.state["first"]
    hour = (await _data(client, HOUR_HEALTH, demo.executive, v=first))["modelHealth"]
    status = {d["feature"]: d["status"] for d in hour["drift"]}
    assert status[applicants.DRIFTING] == "ALERT", hour
    alerts = _nodes((await _data(client, ALERTS, demo.executive, v=first))["alerts"])
    assert {
        "kind": "FEATURE_DRIFT",
        "feature": applicants.DRIFTING,
        "severity": "CRITICAL",
        "status": "OPEN",
    } in alerts, alerts


async def test_four_eyes_approval_and_a_pending_request(
    demo: Demo, client: httpx.AsyncClient
) -> None:
    approved = _nodes((await _data(client, APPROVED, demo.officer))["promotionRequests"])
    assert [r["modelVersionId"] for r in approved] == [demo.state["first"]]
    assert approved[0]["requestedBy"] != approved[0]["decidedBy"]
    assert {approved[0]["requestedBy"], approved[0]["decidedBy"]} == {
        "Dana Data Scientist",
        "Colin Compliance",
    }
    pending = _nodes((await _data(client, PENDING, demo.officer))["promotionRequests"])
    assert pending == [
        {
            "modelVersionId": demo.state["second"],
            "stage": "PRODUCTION",
            "requestedBy": "Dana Data Scientist",
        }
    ]
    subjects = _nodes((await _data(client, SUBJECTS, demo.officer))["dataSubjectRequests"])
    assert [(s["id"], s["kind"], s["status"]) for s in subjects] == [
        (demo.state["subject_request"], "ACCESS", "PENDING")
    ]
    # a customer of the bank, found in the uploaded data set
    [subject] = subjects
    assert (subject["subjectKind"], subject["identifierColumn"]) == ("IDENTIFIER", "customer_id")
    assert [d["rows"] for d in subject["matches"]["datasets"]] == [1]


async def test_the_executive_overview_is_full(demo: Demo, client: httpx.AsyncClient) -> None:
    found = (await _data(client, OVERVIEW, demo.executive))["executiveOverview"]
    assert [m["modelVersionId"] for m in found["modelsInProduction"]] == [demo.state["first"]]
    assert found["modelsInProduction"][0]["owner"] == "Retail credit risk"
    assert found["modelsInProduction"][0]["businessLine"] == "Retail lending"
    volume = found["predictionVolume"]
    assert volume["total"] == volume["realtimeTotal"] > 0
    assert sum(1 for d in volume["days"] if d["realtime"] > 0) >= 20
    assert found["pendingApprovals"]["count"] == 1
    assert any(a["count"] > 0 for a in found["openAlerts"]), found["openAlerts"]
    assert found["training"]["jobs"] == found["training"]["succeeded"] == 2


async def test_progress_is_shown_to_the_demo_organization_only(
    demo: Demo, client: httpx.AsyncClient
) -> None:
    setup = (await _data(client, SETUP, demo.executive))["demoSetup"]
    assert setup == {
        "step": len(STEPS),
        "total": len(STEPS),
        "label": "ready",
        "done": True,
        "error": None,
    }
    assert (await _data(client, SETUP, demo.other.bearer))["demoSetup"] is None
    steps = [line.split(": step ")[1].split(":")[0] for line in demo.lines if ": step " in line]
    # the interrupted start got to step 5; the next one went through all seven
    total = len(STEPS)
    assert steps == [f"{n} of {total}" for n in (1, 2, 3, 4, 5, *range(1, total + 1))]
    assert any(line.endswith("step 3 of 7: training a credit default model") for line in demo.lines)
    assert demo.lines[-1].startswith("  demo data: ready in ")


async def test_predict_logs_no_future(demo: Demo) -> None:
    """The demo's clock parameter writes history, never the future."""
    secret = demo.admin["Authorization"].removeprefix("Bearer ")
    async with transaction(None) as session:
        owner = await tokens.principal_for(session, secret)
    frame, _ = applicants.applicants(2, np.random.default_rng(0))
    rows = frame.drop(columns=[applicants.ID_COLUMN]).to_dict("records")
    later = datetime.now(UTC) + timedelta(minutes=5)
    with pytest.raises(ValueError, match="future"):
        await predictions.predict(
            owner, rows, "rest", version_id=uuid.UUID(demo.state["first"]), at=later
        )


async def test_a_second_run_adds_nothing(demo: Demo, client: httpx.AsyncClient) -> None:
    before = await _data(client, COUNTS, demo.admin)
    volume = (await _data(client, OVERVIEW, demo.executive))["executiveOverview"]
    lines: list[str] = []
    again = await _seeder(demo.logins, lines).run()
    assert again.done
    assert lines == []
    assert await _data(client, COUNTS, demo.admin) == before
    assert before == {
        "datasets": {"totalCount": 1},
        "trainingJobs": {"totalCount": 2},
        "modelVersions": {"totalCount": 2},
    }
    after = (await _data(client, OVERVIEW, demo.executive))["executiveOverview"]
    assert after["predictionVolume"]["total"] == volume["predictionVolume"]["total"]
    assert load(state_path()) is not None


async def test_a_login_file_of_the_first_releases_is_kept(demo: Demo, tmp_path: Path) -> None:
    """Before the demo had data, the file held the owner's email and password only."""
    old = {"email": demo.logins.admin.email, "password": demo.logins.admin.password}
    (tmp_path / "demo-login.json").write_text(json.dumps(old))
    (tmp_path / "demo-login.json").chmod(0o644)  # as the umask left the first releases'
    found = await create_organization(tmp_path)
    assert found is not None
    assert found.tenant_id == demo.logins.tenant_id
    assert (found.admin.email, found.admin.password) == (old["email"], old["password"])
    assert json.loads((tmp_path / "demo-login.json").read_text())["tenant_id"] == str(
        demo.logins.tenant_id
    )
    # the passwords are the owner's only, also in a file that was readable before
    assert stat.S_IMODE((tmp_path / "demo-login.json").stat().st_mode) == 0o600
