"""The ``ModelReport`` GraphQL type (``ModelVersion.reports`` and ``latestReport`` live in
``automl/schema.py`` with the rest of ``ModelVersion``)."""

from __future__ import annotations

import uuid
from datetime import datetime

import strawberry
from strawberry import Info

from phantom.graphql.context import Context
from phantom.identity.loaders import display_name_loader
from phantom.reports import models


@strawberry.type(description="A generated model report; its SHA-256s are in the audit log.")
class ModelReport:
    id: strawberry.ID
    model_version_id: strawberry.ID
    generated_at: datetime
    html_sha256: str = strawberry.field(description="Hex SHA-256 of the stored HTML.")
    pdf_sha256: str = strawberry.field(description="Hex SHA-256 of the stored PDF.")
    bytes: float = strawberry.field(description="HTML plus PDF.")
    html_url: str = strawberry.field(description="GET it (the REST route; ?id= this report).")
    pdf_url: str
    generated_by_id: strawberry.Private[uuid.UUID | None]

    @strawberry.field(description="The display name of who generated it.")
    async def generated_by(self, info: Info[Context, None]) -> str | None:
        if self.generated_by_id is None:
            return None
        return await display_name_loader(info.context).load(self.generated_by_id)

    @classmethod
    def from_model(cls, report: models.ModelReport) -> ModelReport:
        base = f"/api/v1/model-versions/{report.model_version_id}/report"
        return cls(
            id=strawberry.ID(str(report.id)),
            model_version_id=strawberry.ID(str(report.model_version_id)),
            generated_at=report.generated_at,
            html_sha256=report.html_sha256,
            pdf_sha256=report.pdf_sha256,
            bytes=float(report.bytes),
            html_url=f"{base}.html?id={report.id}",
            pdf_url=f"{base}.pdf?id={report.id}",
            generated_by_id=report.generated_by,
        )
