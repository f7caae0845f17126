"""The GraphQL operations of model documentation, and generating a report."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.fixtures import gql

DOCUMENT = """mutation Doc($input: SetModelDocumentationInput!) {
  setModelDocumentation(input: $input) { id intendedUse owner limitations } }"""
GENERATE = """mutation Gen($id: ID!) { generateModelReport(modelVersionId: $id) {
  id modelVersionId generatedAt generatedBy htmlSha256 pdfSha256 bytes htmlUrl pdfUrl } }"""
VERSION = """query V($id: ID!) { modelVersion(id: $id) { id modelName version metrics { name value }
  intendedUse owner limitations latestReport { id } reports(first: 5) { id generatedAt } } }"""


async def generate(
    client: httpx.AsyncClient, headers: dict[str, str], version: str
) -> dict[str, Any]:
    body = await gql(client, GENERATE, {"id": version}, headers)
    assert "errors" not in body, body
    report: dict[str, Any] = body["data"]["generateModelReport"]
    return report


def url(version: str, kind: str = "pdf") -> str:
    return f"/api/v1/model-versions/{version}/report.{kind}"
