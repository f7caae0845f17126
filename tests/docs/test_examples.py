"""Every code example in docs/ runs, against the real stack, as a reader would copy it.

One ``phantom api`` and one ``phantom worker`` on the test database and Redis serve the
whole module; a tenant named in the examples' variables (``$TOKEN``, ``$DATASET``...)
is set up once with a small churn dataset (and ``loans.csv`` to upload). The examples run
in page order (api.md first, then by file name) in one working directory, and variables a
bash example sets (``JOB=$(curl ... | jq ...)``) stay set for the next, as in one
terminal. The reader's identity provider runs here too, and their webhook receivers (the
examples in alerts.md) listen on ``$PORT``.

A fenced block that is not an example must say what it is (``output``, ``config``,
``excerpt``, ``manual``: tests/docs/blocks.py), so a new example cannot
slip in unexecuted."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
import websockets

from phantom.authz.permissions import P
from phantom.config import REPO_ROOT
from tests.automl.forecast_support import seasonal
from tests.automl.support import start, to_csv
from tests.datasets.support import upload
from tests.docs import runner
from tests.docs.blocks import ROLES, Block, blocks
from tests.docs.runner import problems, run_bash, run_graphql, run_js, run_python
from tests.graphql.test_schema_permissions import member_with
from tests.support import gqlws
from tests.support.approvals import approver_of
from tests.support.fixtures import TenantFixture, create_tenant
from tests.support.oidc_provider import oidc_provider
from tests.support.servers import api_server, free_port, running

DOCS = REPO_ROOT / "docs"
EXECUTED = {"bash", "python", "graphql", "js"}


def all_blocks() -> list[Block]:
    """api.md first (readers start there, and its training example makes ``$VERSION``),
    then the other pages by file name."""
    pages = sorted(DOCS.glob("*.md"), key=lambda page: (page.name != "api.md", page.name))
    return [b for path in pages for b in blocks(path)]


def examples() -> list[Block]:
    return [b for b in all_blocks() if b.role == "example"]


def churn(rows: int = 300, seed: int = 7) -> pd.DataFrame:
    """Customers who leave more often on the basic plan, early, and when charged more."""
    rng = np.random.default_rng(seed)
    tenure = rng.integers(1, 73, rows)
    plan = rng.choice(["basic", "plus", "premium"], rows, p=[0.5, 0.3, 0.2])
    charges = (rng.normal(60, 20, rows) + (plan == "premium") * 30).clip(10, 200).round(2)
    risk = -1.0 + 2.5 * (plan == "basic") - tenure / 12 + (charges - 60) / 15
    left = rng.random(rows) < 1 / (1 + np.exp(-risk))
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(rows)],
            "tenure": tenure,
            "plan": plan,
            "monthly_charges": charges,
            "churn": np.where(left, "yes", "no"),
        }
    )


def loans(rows: int = 600, seed: int = 11) -> pd.DataFrame:
    """Loan applications approved less often for women and the young (the fairness
    report's material: gender and age band are protected attributes)."""
    rng = np.random.default_rng(seed)
    income = rng.normal(55_000, 15_000, rows).clip(15_000, 150_000).round(-2)
    debt_ratio = rng.uniform(0.05, 0.6, rows).round(3)
    gender = rng.choice(["F", "M"], rows)
    age_band = rng.choice(["18-29", "30-49", "50+"], rows, p=[0.3, 0.4, 0.3])
    score = (income - 55_000) / 15_000 - 4 * (debt_ratio - 0.3) - 0.6 * (gender == "F")
    score = score - 0.4 * (age_band == "18-29")
    approved = rng.random(rows) < 1 / (1 + np.exp(-score))
    return pd.DataFrame(
        {
            "applicant_id": [f"A{i:05d}" for i in range(rows)],
            "income": income,
            "debt_ratio": debt_ratio,
            "gender": gender,
            "age_band": age_band,
            "approved": np.where(approved, "yes", "no"),
        }
    )


CRM = """customer_id,name,email
C-10021,Ana Ruiz,ana.ruiz@example.org
C-10022,Tom Berg,tom.berg@example.org
C-10023,Lea Stein,lea.stein@example.org
C-10024,Max Ito,max.ito@example.org
"""


@dataclass
class World:
    url: str
    workdir: Path
    tenant: TenantFixture
    env: dict[str, str]


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    logs = tmp_path_factory.mktemp("docs-logs")
    with (
        api_server(logs) as url,
        running(["worker", "--processes", "1", "--threads", "2"], log=logs / "worker.log"),
    ):
        yield url


@pytest.fixture(scope="module")
def elsewhere(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """The other services the pages name, on this machine: the identity provider
    (sso.md's issuer) and a free port for the reader's webhook receiver (alerts.md's
    receivers listen on ``$PORT``; the tests allow webhooks to private addresses).
    Answers that port."""
    port = free_port()
    with oidc_provider(tmp_path_factory.mktemp("docs-idp")) as provider:
        runner.ELSEWHERE.update(
            {
                "https://hooks.example.com": f"http://127.0.0.1:{port}",
                "https://login.bank.example": provider.issuer,
            }
        )
        try:
            yield port
        finally:
            runner.ELSEWHERE.clear()


@pytest.fixture(scope="module")
async def world(servers: str, elsewhere: int, tmp_path_factory: pytest.TempPathFactory) -> World:
    """The reader's organization: an owner's token (and email, ``$EMAIL``), ``churn.csv``
    in the working directory, that file uploaded (``$DATASET``), ``loans.csv`` (loan
    applications), ``sales.csv`` (monthly sales per store) and ``crm.csv`` (customers),
    which examples upload, the auditor's ``proof.py``, a second member who may approve
    promotions, a third who may approve data subject requests, and the port the reader's
    webhook receiver listens on (``$PORT``). The model (``$VERSION``) is the one the
    reader trains in docs/api.md's training example."""
    missing = [tool for tool in ("curl", "jq", "bash") if shutil.which(tool) is None]
    assert not missing, f"the examples need {missing} installed (apt-get install curl jq)"
    workdir = tmp_path_factory.mktemp("docs-reader")
    tenant = await create_tenant("Acme Bank")
    content = to_csv(churn())
    (workdir / "churn.csv").write_bytes(content)
    (workdir / "loans.csv").write_bytes(to_csv(loans()))
    # monthly sales of two stores, four years: what docs/api.md's forecasting example uploads
    (workdir / "sales.csv").write_bytes(to_csv(seasonal(series=2, points=48)))
    # customers by name: what docs/api.md's data subject request erases one of
    (workdir / "crm.csv").write_text(CRM)
    # the offline verifier an auditor is given (docs/compliance.md)
    shutil.copy(REPO_ROOT / "backend" / "phantom" / "audit" / "proof.py", workdir / "proof.py")
    async with httpx.AsyncClient(base_url=servers, timeout=60) as client:
        uploaded = await upload(client, tenant.bearer, content, filename="churn.csv", name="Churn")
    approver = await approver_of(tenant)
    officer = await member_with(tenant, {P.PRIVACY_APPROVE})  # approves data subject requests
    env = {
        "TOKEN": tenant.token,
        "PHANTOM_TOKEN": tenant.token,
        "APPROVER_TOKEN": approver["Authorization"].removeprefix("Bearer "),
        "OFFICER_TOKEN": officer,
        "DATASET": uploaded["data"]["uploadDataset"]["id"],
        "TENANT": tenant.slug,
        "EMAIL": tenant.admin_email,
        "PHANTOM_URL": servers,
        "PORT": str(elsewhere),
        "PATH": f"{Path(sys.executable).parent}:/usr/bin:/bin",
    }
    return World(servers, workdir, tenant, env)


def test_every_code_block_is_an_example_or_says_what_it_is() -> None:
    unmarked = [f"{b.where} ({b.language or 'no language'})" for b in all_blocks() if not b.role]
    assert not unmarked, (
        "code blocks in docs/ must be executed examples (```bash example, ```python example) "
        f"or say what they are ({', '.join(sorted(ROLES - {'example'}))}): {unmarked}"
    )
    wrong = [b.where for b in examples() if b.language not in EXECUTED]
    assert not wrong, f"examples run as bash, python, graphql or js; these are none: {wrong}"


@pytest.mark.parametrize("block", examples(), ids=lambda b: b.where)
def test_example(world: World, block: Block) -> None:
    if block.language == "python":
        run_python(block, world.url, world.env, world.workdir)
        return
    if block.language == "js":
        run_js(block, world.url, world.env, world.workdir)
        return
    if block.language == "graphql":
        calls = run_graphql(block, world.url, world.env)
    else:
        calls, variables = run_bash(block, world.url, world.env, world.workdir)
        world.env.update(variables)
    mismatches = [
        f"{c.command}\n  -> {p}\n  answered: {c.answer[:3000]}" for c in calls for p in problems(c)
    ]
    assert not mismatches, f"{block.where}:\n" + "\n".join(mismatches)


# --- what the Subscriptions section says a client must handle ----------------------------

PROGRESS = "subscription($id: ID!) { trainingProgress(jobId: $id) { sequence status } }"


async def a_job_of(world: World) -> str:
    """The job the training example started, or (this test alone) a new one, cancelled."""
    if "JOB" in world.env:
        return world.env["JOB"]
    async with httpx.AsyncClient(base_url=world.url, timeout=60) as client:
        body = await start(
            client,
            world.tenant.bearer,
            datasetId=world.env["DATASET"],
            target="churn",
            engine="SKLEARN",
            timeBudgetSeconds=20,
        )
        job_id: str = body["data"]["startTraining"]["id"]
        await client.post(
            "/graphql",
            json={
                "query": "mutation($id: ID!) { cancelTraining(id: $id) { id } }",
                "variables": {"id": job_id},
            },
            headers=world.tenant.bearer,
        )
    return job_id


async def test_a_refused_token_closes_the_socket_with_4403_forbidden(world: World) -> None:
    for token in ("phm_not-a-token", "", "x" * 5000, world.tenant.token[:-2] + "zz"):
        async with gqlws.connect(world.url) as ws:
            await ws.send(
                {"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}}
            )
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await ws.receive()
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4403, "Forbidden")


async def test_an_unknown_or_foreign_job_is_not_found_and_the_socket_stays_open(
    world: World,
) -> None:
    other = await create_tenant("Beta Insurance")
    foreign = await a_job_of(world)  # the world's job, followed by another organization
    for token, job_id in (
        (world.tenant.token, "00000000-0000-4000-8000-000000000000"),
        (other.token, foreign),
    ):
        async with gqlws.connect(world.url) as ws:
            assert (await ws.init({"authorization": f"Bearer {token}"}))["type"] == "connection_ack"
            op = await ws.subscribe(PROGRESS, {"id": job_id})
            message = await ws.receive()
            assert (message["type"], message["id"]) == ("next", op), message
            assert message["payload"]["data"] is None
            [error] = message["payload"]["errors"]
            assert error["extensions"]["code"] == "NOT_FOUND", error
            assert (await ws.receive())["type"] == "complete"
            await ws.send({"type": "ping"})  # the socket is still open for other operations
            assert (await ws.receive())["type"] == "pong"


async def test_a_foreign_origin_may_open_a_token_socket_but_never_a_cookie_one(
    world: World,
) -> None:
    """The origin check guards cookie sockets; a browser app on an integrator's origin
    authenticates with a token in connection_init (issue 18: it got 403 at the handshake
    while the docs said the origin list was for cookie sockets)."""
    foreign = "https://integrator.example.org"
    async with gqlws.connect(world.url, origin=foreign) as ws:
        token = {"authorization": f"Bearer {world.tenant.token}"}
        assert (await ws.init(token))["type"] == "connection_ack"
    # without a token, the same socket authenticates with nothing and is refused
    async with gqlws.connect(world.url, origin=foreign) as ws:
        await ws.send({"type": "connection_init", "payload": {}})
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await ws.receive()
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 4403
    # a cookie sent cross-site (even a stale one) keeps the handshake refused
    cookie = {"Cookie": "phantom_session=whatever-the-browser-holds"}
    with pytest.raises(websockets.InvalidStatus) as refused:
        async with gqlws.connect(world.url, headers=cookie, origin=foreign):
            pass
    assert refused.value.response.status_code == 403
    async with gqlws.connect(world.url, origin=world.url) as ws:  # the app's own origin
        assert (await ws.init({"authorization": f"Bearer {world.tenant.token}"}))[
            "type"
        ] == "connection_ack"
