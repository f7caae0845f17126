"""Uploading through real multipart requests (the GraphQL multipart request spec)."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx

from phantom.kit.storage import get_store

UPLOAD = """
mutation Upload($name: String!, $file: Upload!) {
  uploadDataset(name: $name, file: $file) {
    id name status error sourceFormat originalFilename sizeBytes contentHash
    rowCount columnCount createdBy
    profile {
      rows
      columns {
        name type missingCount missingPercent distinctCount min max mean std
        minText maxText histogram { lower upper count } topValues { value count }
      }
      suggestedTargets { column taskType reason }
    }
  }
}
"""


def multipart(name: str, filename: str, content: bytes) -> dict[str, Any]:
    operations = {"query": UPLOAD, "variables": {"name": name, "file": None}}
    return {
        "data": {
            "operations": json.dumps(operations),
            "map": json.dumps({"0": ["variables.file"]}),
        },
        "files": {"0": (filename, content, "application/octet-stream")},
    }


async def upload(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    content: bytes,
    *,
    filename: str = "data.csv",
    name: str = "Customers",
) -> dict[str, Any]:
    response = await client.post("/graphql", headers=headers, **multipart(name, filename, content))
    body: dict[str, Any] = response.json()
    return body


def stored_files(tenant_id: uuid.UUID) -> list[Path]:
    root = Path(get_store().path(f"tenants/{tenant_id}"))
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def message(body: dict[str, Any]) -> str:
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    assert errors[0]["extensions"]["code"] == "BAD_USER_INPUT", body
    text: str = errors[0]["message"]
    return text
