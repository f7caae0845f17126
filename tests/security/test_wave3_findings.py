"""Attacks on issue 14's model governance (four-eyes promotion, signed model reports,
explanations and input warnings). Each test performs the attack through the real API
(or the real offline verifier) and asserts the safe behaviour, so it failed while the
attack worked."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from phantom.audit import proof
from phantom.authz.permissions import P
from tests.explain.support import anomaly_version, graphql_predict
from tests.graphql.test_schema_permissions import member_with
from tests.security.model_support import fit_model, register
from tests.support.fixtures import TenantFixture, error_codes, gql

REQUEST = """mutation($i: RequestPromotionInput!) { requestPromotion(input: $i) { id status } }"""
DECIDE = """mutation($id: ID!, $approve: Boolean!, $comment: String) {
  decidePromotion(id: $id, approve: $approve, comment: $comment) { id status } }"""
PROMOTE = """mutation($id: ID!, $stage: ModelStage!) {
  promoteModelVersion(id: $id, stage: $stage) { id stage } }"""
STAGE = "query($id: ID!) { modelVersion(id: $id) { stage } }"
DOCUMENT = """mutation($i: SetModelDocumentationInput!) {
  setModelDocumentation(input: $i) { id owner } }"""


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fit_model(tmp_path_factory.mktemp("anomaly"))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def raw_graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any], headers: dict[str, str]
) -> dict[str, Any]:
    """A body whose strings may hold JSON escapes Python's json writes differently (a lone
    surrogate, ``\\ud800``, which ``json.loads`` accepts): sent byte for byte."""
    body = json.dumps({"query": query, "variables": variables}).replace("\\\\ud800", "\\ud800")
    answer = await client.post(
        "/graphql", content=body, headers={**headers, "content-type": "application/json"}
    )
    found: dict[str, Any] = answer.json()
    return found


# --- four-eyes: a request outlives the state it asked about -----------------------------


async def test_an_approval_cannot_bring_back_a_version_archived_after_the_request(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    # given: a data scientist asks for PRODUCTION; before anyone decides, the version is
    # taken out of service (archiving is never held back: a model found wrong goes at once)
    version = str(await register(tenant.id, model_dir))
    approver = bearer(await member_with(tenant, {P.MODELS_READ, P.MODELS_APPROVE}))
    asked = await gql(
        client,
        REQUEST,
        {"i": {"modelVersionId": version, "stage": "PRODUCTION", "justification": "AUC 0.91"}},
        tenant.bearer,
    )
    assert "errors" not in asked, asked
    archived = await gql(client, PROMOTE, {"id": version, "stage": "ARCHIVED"}, tenant.bearer)
    assert archived["data"]["promoteModelVersion"]["stage"] == "ARCHIVED", archived
    # when: an approver approves the old request, which the SPA still offers
    decided = await gql(
        client, DECIDE, {"id": asked["data"]["requestPromotion"]["id"], "approve": True}, approver
    )
    # then: refused, saying why; the archived version stays out of service
    assert error_codes(decided) == ["CONFLICT"], decided
    assert "since the request" in decided["errors"][0]["message"]
    stage = await gql(client, STAGE, {"id": version}, tenant.bearer)
    assert stage["data"]["modelVersion"]["stage"] == "ARCHIVED"
    # rejecting it is still possible (it changes nothing), and a new request can follow
    rejected = await gql(
        client,
        DECIDE,
        {"id": asked["data"]["requestPromotion"]["id"], "approve": False, "comment": "archived"},
        approver,
    )
    assert rejected["data"]["decidePromotion"]["status"] == "REJECTED", rejected


# --- documentation: text that is not Unicode --------------------------------------------


async def test_documentation_that_is_not_unicode_is_bad_input_not_a_server_error(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    version = str(await register(tenant.id, model_dir))
    for field in ("intendedUse", "owner", "limitations"):
        body = await raw_graphql(
            client, DOCUMENT, {"i": {"modelVersionId": version, field: "a\\ud800b"}}, tenant.bearer
        )
        assert error_codes(body) == ["BAD_USER_INPUT"], (field, body)
        assert "Unicode" in body["errors"][0]["message"]


# --- serving: one caller's number beyond the models' 32-bit floats -------------------------


async def test_a_number_too_large_for_the_model_is_a_bad_row_not_a_failed_batch(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    # given: a version trained on people (ages 18 to 90), and a caller sending 1e308 (a
    # finite JSON number) while another caller's ordinary row may share the micro-batch
    version = await anomaly_version(client, tenant)
    hostile = [{"age": 1e308, "region": "north", "income": 50.0}]
    ordinary = [{"age": 40, "region": "north", "income": 50.0}]
    for explain in (False, True):
        bad, good = await asyncio.gather(
            graphql_predict(client, tenant, version, hostile, explain),
            graphql_predict(client, tenant, version, ordinary, explain),
        )
        # then: the hostile row is refused as bad input, naming it; the other is scored
        assert error_codes(bad) == ["BAD_USER_INPUT"], bad
        assert "Row 1, column 'age'" in bad["errors"][0]["message"]
        assert "errors" not in good, good
    answer = await client.post(
        f"/api/v1/models/{version}/predict?explain=true",
        json={"rows": [{"age": 40, "income": -1e39}]},
        headers=tenant.bearer,
    )
    assert answer.status_code == 400, answer.text
    assert "column 'income'" in answer.json()["error"]["message"]


# --- the offline verifier: an export nobody signed ----------------------------------------


def forged_export(tenant_id: str, pdf_sha256: str) -> list[str]:
    """An export anyone can write: one report event naming the file's SHA-256, and a
    checkpoint over it signed by a key the forger made (and lists in the export)."""
    private = Ed25519PrivateKey.generate()
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    key_id = proof.public_key_id(public)
    details = b"forged"
    header: dict[str, Any] = {
        "tenant_id": tenant_id,
        "seq": 1,
        "occurred_at": "2026-12-07T10:12:03.120000Z",
        "actor_type": "USER",
        "actor_id": str(uuid.uuid4()),
        "credential_id": None,
        "actor_label": "dana@bank.example.com",
        "action": proof.REPORT_ACTION,
        "resource_type": proof.REPORT_RESOURCE,
        "resource_id": proof.report_resource_id(str(uuid.uuid4()), "0" * 64, pdf_sha256),
        "outcome": "SUCCESS",
        "request_id": None,
        "subjects": None,
        "key_id": None,
    }
    digest = proof.details_digest(details)
    head = proof.event_hash(proof.ZERO_HASH, header, digest)
    signed_at = "2026-12-07T10:12:04.000000Z"
    signature = private.sign(proof.checkpoint_message(tenant_id, 1, head, signed_at))
    lines: list[dict[str, Any]] = [
        {
            "format": proof.EXPORT_FORMAT,
            "tenant_id": tenant_id,
            "from_seq": 1,
            "to_seq": 1,
            "anchor_hash": proof.ZERO_HASH.hex(),
            "signing_keys": [{"key_id": key_id, "public_key": base64.b64encode(public).decode()}],
        },
        {
            "type": "event",
            **header,
            "details_digest": digest.hex(),
            "hash": head.hex(),
            "details": base64.b64encode(details).decode(),
        },
        {
            "type": "checkpoint",
            "seq": 1,
            "head_hash": head.hex(),
            "signed_at": signed_at,
            "key_id": key_id,
            "signature": base64.b64encode(signature).decode(),
        },
    ]
    return [json.dumps(line) + "\n" for line in lines]


def test_the_offline_verifier_never_calls_a_report_issued_on_a_key_the_export_names_itself(
    tmp_path: Path,
) -> None:
    # given: a forged PDF, and an export written for it (no server, no key of the bank's)
    forged = tmp_path / "model-report.pdf"
    forged.write_bytes(b"%PDF-1.7\n% a model report the bank never issued\n")
    sha256 = hashlib.sha256(forged.read_bytes()).hexdigest()
    export = tmp_path / "export.jsonl"
    export.write_text("".join(forged_export(str(uuid.uuid4()), sha256)))
    # when: an auditor runs proof.py on them as a standalone tool, without --expect-key
    tool = tmp_path / "auditor" / "proof.py"
    tool.parent.mkdir()
    tool.write_text(Path(proof.__file__).read_text())
    result = subprocess.run(
        [sys.executable, "-I", str(tool), str(export), "--report", str(forged), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tool.parent,
    )
    # then: no verdict of "issued": without a pinned key the export proves nothing
    body = json.loads(result.stdout)
    assert result.returncode == 2, (result.returncode, body)
    assert body["ok"] is False
    assert "--expect-key" in body["error"]
