"""``setModelDocumentation`` and ``generateModelReport`` (models:promote; see service.py
for why). Reading is through ``ModelVersion.reports``/``latestReport`` and REST."""

from __future__ import annotations

import strawberry
from strawberry import Info

from phantom.automl.schema import ModelVersion
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.reports.service import LIMITS, Documentation, reports
from phantom.reports.types import ModelReport


@strawberry.input(description="Omitted or null fields stay as they are; an empty string clears.")
class SetModelDocumentationInput:
    model_version_id: strawberry.ID
    intended_use: str | None = strawberry.field(
        default=None, description=f"What the model is for; at most {LIMITS['intended_use']}."
    )
    owner: str | None = strawberry.field(
        default=None, description=f"A person or team, one line; at most {LIMITS['owner']}."
    )
    limitations: str | None = strawberry.field(
        default=None, description=f"Known limitations; at most {LIMITS['limitations']}."
    )


@strawberry.type
class ReportMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description="models:promote. Edit a version's documentation (shown in its reports).",
    )
    async def set_model_documentation(
        self, info: Info[Context, None], input: SetModelDocumentationInput
    ) -> ModelVersion:
        changes = Documentation(input.intended_use, input.owner, input.limitations)
        async with info.context.session() as session:
            version = await reports.document(
                session,
                info.context.require_principal(),
                parse_id(input.model_version_id, "Model version"),
                changes,
            )
        return ModelVersion.from_model(version)

    @strawberry.mutation(
        extensions=authenticated(),
        description=(
            "models:promote. Render the version's report (HTML and PDF), store both and "
            "record their SHA-256s in the audit log."
        ),
    )
    async def generate_model_report(
        self, info: Info[Context, None], model_version_id: strawberry.ID
    ) -> ModelReport:
        async with info.context.session() as session:
            report = await reports.generate(
                session,
                info.context.require_principal(),
                parse_id(model_version_id, "Model version"),
            )
        return ModelReport.from_model(report)
