"""The registry's root fields (names from API.md). Its types: ``registry/types.py``, and
the complete ``ModelVersion`` in ``automl/schema.py`` (see ``registry/types.py``)."""

from __future__ import annotations

import strawberry
from strawberry import Info

from phantom.automl.schema import ModelVersion
from phantom.graphql.context import Context
from phantom.graphql.ids import parse_id
from phantom.graphql.permissions import authenticated
from phantom.graphql.relay import Connection
from phantom.kit.pagination import page_request
from phantom.registry import models
from phantom.registry.service import registry


@strawberry.type
class RegistryQuery:
    @strawberry.field(extensions=authenticated(), description="models:read.")
    async def model_version(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> ModelVersion | None:
        async with info.context.session() as session:
            version = await registry.get(
                session, info.context.require_principal(), parse_id(id, "Model version")
            )
        return ModelVersion.from_model(version)

    @strawberry.field(extensions=authenticated(), description="models:read; newest first.")
    async def model_versions(
        self,
        info: Info[Context, None],
        first: int | None = 20,
        after: str | None = None,
        stage: models.ModelStage | None = None,
    ) -> Connection[ModelVersion]:
        page = page_request(first, after)
        async with info.context.session() as session:
            result = await registry.list(session, info.context.require_principal(), page, stage)
        return Connection.from_page(result, ModelVersion.from_model)


@strawberry.type(description="A registered model's business line (the executive overview's).")
class ModelBusinessLine:
    model_version_id: strawberry.ID
    model_name: str
    business_line: str | None


@strawberry.type
class RegistryMutation:
    @strawberry.mutation(
        extensions=authenticated(),
        description=(
            "models:promote. Set the business line of the version's model (free text, at most "
            "200 characters; null, omitted or blank clears it). Audited."
        ),
    )
    async def set_model_business_line(
        self,
        info: Info[Context, None],
        model_version_id: strawberry.ID,
        business_line: str | None = None,
    ) -> ModelBusinessLine:
        async with info.context.session() as session:
            model, version_id = await registry.set_business_line(
                session,
                info.context.require_principal(),
                parse_id(model_version_id, "Model version"),
                business_line,
            )
            return ModelBusinessLine(
                model_version_id=strawberry.ID(str(version_id)),
                model_name=model.name,
                business_line=model.business_line,
            )

    @strawberry.mutation(
        extensions=authenticated(),
        description="models:promote. PRODUCTION archives the model's current production version.",
    )
    async def promote_model_version(
        self, info: Info[Context, None], id: strawberry.ID, stage: models.ModelStage
    ) -> ModelVersion:
        async with info.context.session() as session:
            version = await registry.promote(
                session, info.context.require_principal(), parse_id(id, "Model version"), stage
            )
        return ModelVersion.from_model(version)
