"""Model documentation end to end, on a real trained version: documentation edited
(bounded, escaped), a report generated (HTML and PDF stored, both SHA-256s in the audit
chain), served by REST, and proven by ``phantom audit verify-report`` and by proof.py on
its own. Another tenant's ids are NOT_FOUND/404; anonymous and read-only callers are
refused."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pypdf
import pytest

from phantom.audit import proof
from phantom.audit.proof import REPORT_ACTION, REPORT_RESOURCE
from phantom.audit.service import recorded_details
from phantom.db import transaction
from phantom.reports.render import _num
from tests.audit.support import add_member
from tests.reports.conftest import World
from tests.reports.support import DOCUMENT, GENERATE, VERSION, generate, url
from tests.support.fixtures import error_codes, gql
from tests.support.servers import PHANTOM

pytestmark = pytest.mark.slow  # the package's model is a real fit; the CLI runs as a process

HOSTILE = '<script>alert("owned")</script><img src=x onerror=alert(1)>'


def phantom(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PHANTOM, *args], capture_output=True, text=True, timeout=180, stdin=subprocess.DEVNULL
    )


def pdf_text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


async def test_no_report_yet_is_a_clear_404(client: httpx.AsyncClient, world: World) -> None:
    response = await client.get(url(world.theirs), headers=world.other.bearer)
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "NOT_FOUND"
    assert "No report has been generated for version 1 of 'Their model' yet" in error["message"]


async def test_a_generated_report_holds_the_model_and_its_metrics(
    client: httpx.AsyncClient, world: World
) -> None:
    # given documentation with hostile text
    doc = {
        "modelVersionId": world.version,
        "intendedUse": f"Flag card payments for review. {HOSTILE}",
        "owner": "Fraud analytics team",
        "limitations": "Trained on one month of data.\nNot for wire transfers.",
    }
    body = await gql(client, DOCUMENT, {"input": doc}, world.tenant.bearer)
    assert "errors" not in body, body
    assert body["data"]["setModelDocumentation"]["owner"] == "Fraud analytics team"
    version = (await gql(client, VERSION, {"id": world.version}, world.tenant.bearer))["data"]
    metrics = version["modelVersion"]["metrics"]
    # when
    report = await generate(client, world.tenant.bearer, world.version)
    pdf = await client.get(url(world.version), headers=world.tenant.bearer)
    html = await client.get(url(world.version, "html"), headers=world.tenant.bearer)
    # then: the stored bytes, whose digests the API reports
    assert pdf.status_code == html.status_code == 200, (pdf.text, html.text)
    assert hashlib.sha256(pdf.content).hexdigest() == report["pdfSha256"]
    assert hashlib.sha256(html.content).hexdigest() == report["htmlSha256"]
    assert report["bytes"] == len(pdf.content) + len(html.content)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == (
        f'attachment; filename="model-report-Fraud-detector-v1-{report["id"][:8]}.pdf"'
    )
    assert "sandbox" in html.headers["content-security-policy"]
    # the PDF opens, and names the model and its metrics
    text = pdf_text(pdf.content)
    assert "Fraud detector — version 1" in text
    assert metrics, "the version has holdout metrics"
    for metric in metrics:
        assert metric["name"] in text, metric
        assert _num(metric["value"]) in text, metric
    assert "Fraud analytics team" in text
    assert "Not for wire transfers." in text
    assert "patient_id" in text, "the dropped identifier column, and why"
    assert "Permutation importance (holdout)" in text
    assert '<script>alert("owned")</script>' in text, "shown as the text it is"
    # the HTML escapes the hostile text
    page = html.text
    assert "<script" not in page
    assert "<img" not in page
    assert "&lt;script&gt;alert(&#34;owned&#34;)&lt;/script&gt;" in page
    # the reproducibility record, from the training job: the libraries that fit it
    assert "The reproducibility record: not available for this version." not in page
    assert "autogluon.tabular" in page
    # and the chain recorded both digests, in the header and the details
    async with transaction(world.tenant.id) as session:
        events = [e async for e in recorded_details(session, REPORT_ACTION, REPORT_RESOURCE)]
    resource_id, details = events[-1]
    assert proof.report_hashes(resource_id) == (
        report["id"],
        report["htmlSha256"],
        report["pdfSha256"],
    )
    assert details is not None
    assert details["html_sha256"] == report["htmlSha256"]
    assert details["pdf_sha256"] == report["pdfSha256"]
    assert details["model"] == "Fraud detector"
    assert details["version"] == 1


async def test_reports_are_listed_newest_first(client: httpx.AsyncClient, world: World) -> None:
    first = await generate(client, world.tenant.bearer, world.version)
    # POST to the REST URL generates too, and answers the new file
    posted = await client.post(url(world.version, "html"), headers=world.tenant.bearer)
    assert posted.status_code == 201, posted.text
    second = posted.headers["x-report-id"]
    body = await gql(client, VERSION, {"id": world.version}, world.tenant.bearer)
    found = body["data"]["modelVersion"]
    assert found["latestReport"]["id"] == second
    ids = [r["id"] for r in found["reports"]]
    assert ids.index(second) < ids.index(first["id"])
    # an earlier report stays downloadable by id
    old = await client.get(url(world.version) + f"?id={first['id']}", headers=world.tenant.bearer)
    assert old.status_code == 200
    assert hashlib.sha256(old.content).hexdigest() == first["pdfSha256"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"intendedUse": "x" * 5001}, "shorten it to at most 5000"),
        ({"owner": "y" * 201}, "shorten it to at most 200"),
        ({"owner": "Risk\nteam"}, "The owner is one line"),
        ({"limitations": "bad\x00byte"}, "Remove the control characters"),
        ({}, "Give at least one of"),
    ],
)
async def test_bad_documentation_is_refused(
    client: httpx.AsyncClient, world: World, changes: dict[str, str], message: str
) -> None:
    body = await gql(
        client,
        DOCUMENT,
        {"input": {"modelVersionId": world.version, **changes}},
        world.tenant.bearer,
    )
    assert error_codes(body) == ["BAD_USER_INPUT"], body
    assert message in body["errors"][0]["message"]


async def test_another_tenants_versions_and_reports_are_not_found(
    client: httpx.AsyncClient, world: World
) -> None:
    theirs = await generate(client, world.other.bearer, world.theirs)
    ours = world.tenant.bearer
    for query, variables in (
        (GENERATE, {"id": world.theirs}),
        (DOCUMENT, {"input": {"modelVersionId": world.theirs, "owner": "me"}}),
        (GENERATE, {"id": "not-a-uuid"}),
    ):
        body = await gql(client, query, variables, ours)
        assert error_codes(body) == ["NOT_FOUND"], body
    body = await gql(client, VERSION, {"id": world.theirs}, ours)
    assert error_codes(body) == ["NOT_FOUND"], body
    assert body["data"]["modelVersion"] is None
    for path in (
        url(world.theirs),
        url(world.theirs, "html"),
        url(world.version) + f"?id={theirs['id']}",  # their report under our version
        url(world.theirs) + f"?id={theirs['id']}",
        url("not-a-uuid"),
        url(world.version) + "?id=nope",
    ):
        response = await client.get(path, headers=ours)
        assert response.status_code == 404, (path, response.text)
        assert response.json()["error"]["code"] == "NOT_FOUND"
    posted = await client.post(url(world.theirs), headers=ours)
    assert posted.status_code == 404
    # their documentation is untouched
    mine = await gql(client, VERSION, {"id": world.theirs}, world.other.bearer)
    assert mine["data"]["modelVersion"]["owner"] is None


async def test_anonymous_and_read_only_callers_are_refused(
    client: httpx.AsyncClient, world: World
) -> None:
    await generate(client, world.tenant.bearer, world.version)
    # anonymous
    assert (await client.get(url(world.version))).status_code == 401
    assert (await client.post(url(world.version))).status_code == 401
    body = await gql(client, GENERATE, {"id": world.version})
    assert error_codes(body) == ["UNAUTHENTICATED"]
    # a viewer (models:read) reads reports but neither issues nor documents
    viewer = await add_member(world.tenant, ["viewer"])
    headers = {"Authorization": f"Bearer {viewer.token}"}
    assert (await client.get(url(world.version), headers=headers)).status_code == 200
    refused = await client.post(url(world.version), headers=headers)
    assert refused.status_code == 403, refused.text
    assert "models:promote" in refused.json()["error"]["message"]
    body = await gql(client, GENERATE, {"id": world.version}, headers)
    assert error_codes(body) == ["FORBIDDEN"]
    body = await gql(
        client, DOCUMENT, {"input": {"modelVersionId": world.version, "owner": "x"}}, headers
    )
    assert error_codes(body) == ["FORBIDDEN"]


async def test_verify_report_passes_the_issued_file_and_refuses_an_edited_one(
    client: httpx.AsyncClient, world: World, tmp_path: Path
) -> None:
    report = await generate(client, world.tenant.bearer, world.version)
    content = (await client.get(url(world.version), headers=world.tenant.bearer)).content
    original = tmp_path / "report.pdf"
    original.write_bytes(content)
    edited = tmp_path / "edited.pdf"
    changed = bytearray(content)
    changed[len(changed) // 2] ^= 0x01  # one byte
    edited.write_bytes(bytes(changed))
    # the original passes, naming model, version, when and by whom
    ok = phantom("audit", "verify-report", str(original), "--tenant", world.tenant.slug)
    assert ok.returncode == 0, (ok.stdout, ok.stderr)
    assert "ISSUED: the PDF of the report on model 'Fraud detector' version 1" in ok.stdout
    assert world.tenant.admin_email in ok.stdout
    assert report["id"] in ok.stdout
    as_json = phantom(
        "audit", "verify-report", str(original), "--tenant", world.tenant.slug, "--json"
    )
    verdict = json.loads(as_json.stdout)
    assert verdict["ok"] is True
    assert verdict["report"]["id"] == report["id"]
    # one byte changed: refused
    bad = phantom("audit", "verify-report", str(edited), "--tenant", world.tenant.slug)
    assert bad.returncode == 1
    assert "NOT ISSUED" in bad.stderr
    assert "The file was changed" in bad.stderr
    # another tenant's chain never recorded it
    other = phantom("audit", "verify-report", str(original), "--tenant", world.other.slug)
    assert other.returncode == 1
    assert "NOT ISSUED" in other.stderr
    # unreadable file
    missing = phantom("audit", "verify-report", str(tmp_path / "nope.pdf"), "--tenant", "x")
    assert missing.returncode == 2
    # the offline verifier agrees, from an export, on its own
    export = tmp_path / "export.jsonl"
    done = phantom("audit", "export", "--tenant", world.tenant.slug, "--output", str(export))
    assert done.returncode == 0, done.stderr
    tool = tmp_path / "auditor" / "proof.py"
    tool.parent.mkdir()
    shutil.copy(proof.__file__, tool)
    assert offline(tool, export, original) == (0, True)
    assert offline(tool, export, edited) == (1, False)
    their_export = tmp_path / "theirs.jsonl"
    done = phantom("audit", "export", "--tenant", world.other.slug, "--output", str(their_export))
    assert done.returncode == 0, done.stderr
    assert offline(tool, their_export, original) == (1, False)


def offline(tool: Path, export: Path, report: Path) -> tuple[int, Any]:
    """proof.py in isolated mode (-I): no PYTHONPATH, no Phantom, only its own folder; the
    signing key pinned as an auditor does (here read from the export the server wrote)."""
    header = json.loads(export.read_text().splitlines()[0])
    key_id = header["signing_keys"][0]["key_id"]
    result = subprocess.run(
        [
            sys.executable,
            "-I",
            str(tool),
            str(export),
            "--expect-key",
            key_id,
            "--report",
            str(report),
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tool.parent,
    )
    body = json.loads(result.stdout)
    return result.returncode, body["report"]["issued"]


async def test_a_promotion_request_cites_the_report_and_the_next_report_shows_the_decision(
    client: httpx.AsyncClient, world: World
) -> None:
    from tests.support.approvals import DECIDE, REQUEST, approver_of

    # given a report the requester generated
    report = await generate(client, world.tenant.bearer, world.version)
    # when they ask for production, and a second person approves
    asked = await gql(
        client,
        REQUEST.replace("canDecide", "canDecide reportId reportSha256"),
        {"i": {"modelVersionId": world.version, "stage": "PRODUCTION", "justification": "Q4"}},
        world.tenant.bearer,
    )
    assert "errors" not in asked, asked
    request = asked["data"]["requestPromotion"]
    # then the request names exactly that report, which the approver downloads by its id
    assert (request["reportId"], request["reportSha256"]) == (report["id"], report["pdfSha256"])
    approver = await approver_of(world.tenant)
    seen = await client.get(url(world.version) + f"?id={request['reportId']}", headers=approver)
    assert hashlib.sha256(seen.content).hexdigest() == request["reportSha256"]
    decided = await gql(
        client, DECIDE, {"id": request["id"], "approve": True, "comment": "Validated"}, approver
    )
    assert decided["data"]["decidePromotion"]["status"] == "APPROVED", decided
    # and the next report's approval history holds the request, its decision and its report
    later = await generate(client, world.tenant.bearer, world.version)
    text = pdf_text((await client.get(url(world.version), headers=world.tenant.bearer)).content)
    assert later["id"] != report["id"]
    assert "Validated" in text
    assert "APPROVED" in text
    assert report["pdfSha256"][:16] in text.replace("\n", "")
