"""Schema-wide authorization. The fields come from the schema at test time, so a new field
is covered without editing this file:

1. every root field declares ``authenticated()`` or ``public()``;
2. without credentials, every protected field is UNAUTHENTICATED, with no data;
3. called with every permission, a field checks at least one permission (service-level
   ``@requires``), unless it is listed as self-service below; a field that checks none
   fails the test;
4. for each permission a field checks, a member whose role has every permission but that
   one gets FORBIDDEN, with no data;
5. every ID argument (required or optional, top level or in an input; custom role names
   too), filled with each real id of the right kind from another tenant that holds one of
   every kind, answers as an unknown id does (NOT_FOUND when required), with no trace of
   that tenant, and leaves its data unchanged; an ID argument whose kind is not declared
   in ID_KINDS fails the run.
Subscriptions are driven through the schema in-process (the WebSocket transport has its
own tests in tests/activity and tests/test_processes.py).
"""

from __future__ import annotations

import asyncio
import json
import secrets
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)
from starlette.requests import Request
from strawberry.permission import PermissionExtension

from phantom.authz.permissions import P
from phantom.authz.service import authz, checked_permissions
from phantom.db import transaction
from phantom.graphql.context import Context
from phantom.graphql.operations import operation_permissions
from phantom.graphql.permissions import IsAuthenticated, IsPublic
from phantom.graphql.schema import schema
from phantom.identity.principal import Principal
from phantom.identity.sso.provisioning import provision_member
from phantom.identity.tokens import tokens
from tests.alerts.support import open_drift_alert
from tests.automl.support import start
from tests.support.fixtures import TenantFixture, create_tenant, error_codes
from tests.support.models import payments, train_version, upload_payments

# Fields that need a credential and nothing more: they only show the caller themself.
SELF_SERVICE = {"viewer"}
SAMPLES = {
    "ID": "00000000-0000-4000-8000-000000000000",
    "String": "x",
    "Int": 1,
    "Float": 1.0,
    "Boolean": True,
    "JSON": {},
    "DateTime": "2026-01-01T00:00:00+00:00",
    "Upload": "x",  # sent as JSON: the field refuses it as BAD_USER_INPUT after its checks
}
OPERATIONS = {"Query": "query", "Mutation": "mutation", "Subscription": "subscription"}


def root_fields() -> list[tuple[str, str]]:
    found = []
    for root, operation in OPERATIONS.items():
        definition = schema.get_type_by_name(root)
        assert definition is not None
        found += [(operation, f.python_name) for f in definition.fields]  # type: ignore[union-attr]
    return found


def graphql_field(operation: str, python_name: str) -> tuple[str, GraphQLField]:
    root = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}[operation]
    definition = schema.get_type_by_name(root)
    strawberry_field = next(f for f in definition.fields if f.python_name == python_name)  # type: ignore[union-attr]
    name = schema.config.name_converter.get_graphql_name(strawberry_field)
    root_type = schema._schema.get_type(root)
    return name, root_type.fields[name]  # type: ignore[union-attr]


def sample(type_: GraphQLInputType) -> Any:
    if isinstance(type_, GraphQLNonNull):
        return sample(type_.of_type)
    if isinstance(type_, GraphQLList):
        return [sample(type_.of_type)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            name: sample(f.type)
            for name, f in type_.fields.items()
            if isinstance(f.type, GraphQLNonNull)
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType)
    return SAMPLES[type_.name]


def document(
    operation: str,
    name: str,
    field: GraphQLField,
    overrides: dict[tuple[str, ...], str] | None = None,
) -> tuple[str, dict[str, Any]]:
    """The smallest valid document calling the field, with required arguments filled
    (and the optional ones ``overrides`` names)."""
    named = {path[0] for path in overrides or {}}
    required = {
        k: a for k, a in field.args.items() if isinstance(a.type, GraphQLNonNull) or k in named
    }
    params = ", ".join(f"${k}: {a.type}" for k, a in required.items())
    args = ", ".join(f"{k}: ${k}" for k in required)
    returned = get_named_type(field.type)
    selection = ""
    if isinstance(returned, GraphQLObjectType):  # a connection also says how many it found
        selection = (
            " { __typename totalCount }" if "totalCount" in returned.fields else (" { __typename }")
        )
    query = (
        f"{operation}{f'({params})' if params else ''} "
        f"{{ {name}{f'({args})' if args else ''}{selection} }}"
    )
    variables = {
        k: sample(a.type) for k, a in required.items() if isinstance(a.type, GraphQLNonNull)
    }
    for path, value in (overrides or {}).items():
        variables = with_id(variables, path, value)
    return query, variables


def id_arguments(field: GraphQLField) -> list[tuple[str, ...]]:
    """Paths to the required ID arguments, top level or inside a required input object."""
    paths: list[tuple[str, ...]] = []
    for name, argument in field.args.items():
        if not isinstance(argument.type, GraphQLNonNull):
            continue
        inner = argument.type.of_type
        if getattr(inner, "name", "") == "ID":
            paths.append((name,))
        elif isinstance(inner, GraphQLInputObjectType):
            paths += [
                (name, key)
                for key, f in inner.fields.items()
                if isinstance(f.type, GraphQLNonNull)
                and getattr(f.type.of_type, "name", "") == "ID"
            ]
    return paths


def with_id(variables: dict[str, Any], path: tuple[str, ...], value: str) -> dict[str, Any]:
    if len(path) == 1:
        return {**variables, path[0]: value}
    current = variables.get(path[0], {})
    if isinstance(current, list):  # a list of input objects: one item, holding the id
        return {**variables, path[0]: [{**(current[0] if current else {}), path[1]: value}]}
    return {**variables, path[0]: {**current, path[1]: value}}


def has_data(body: dict[str, Any]) -> bool:
    return any(value is not None for value in (body.get("data") or {}).values())


# --- members with chosen permissions -------------------------------------------------------


async def principal_of(token: str) -> Principal:
    async with transaction(None) as session:
        return await tokens.principal_for(session, token)


async def member_with(tenant: TenantFixture, permissions: set[P]) -> str:
    """A new member of ``tenant`` whose only role grants exactly ``permissions``; returns
    an API token of theirs."""
    owner = await principal_of(tenant.token)
    role = "r_" + secrets.token_hex(6)
    email = f"{role}@{tenant.slug}.example.com"
    async with transaction(tenant.id) as session:
        await authz.create_role(
            session, owner, name=role, description="", permissions=[p.value for p in permissions]
        )
    async with transaction(tenant.id) as session:
        await provision_member(
            session,
            tenant_id=tenant.id,
            email=email,
            display_name=role,
            roles=[role],
            sso_subject=f"test|{role}",
        )
        secret, _ = await tokens.create(session, tenant_id=tenant.id, email=email, name="t")
    return secret


@dataclass
class World:
    tenant: TenantFixture
    other: TenantFixture
    without: dict[P, str]  # a token with every permission but the key

    @property
    def everything(self) -> str:
        return self.tenant.token  # the owner holds every permission


@pytest.fixture(scope="module")
async def world() -> World:
    tenant, other = await create_tenant("Alpha Bank"), await create_tenant("Beta Insurance")
    without = {p: await member_with(tenant, set(P) - {p}) for p in P}
    return World(tenant, other, without)


# --- calling a field ----------------------------------------------------------------------


async def call(
    client: httpx.AsyncClient,
    operation: str,
    python_name: str,
    token: str | None,
    overrides: dict[tuple[str, ...], str] | None = None,
) -> dict[str, Any]:
    name, field = graphql_field(operation, python_name)
    query, variables = document(operation, name, field, overrides)
    if operation == "subscription":
        return await subscribe_once(query, variables, token)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await client.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    body: dict[str, Any] = response.json()
    return body


async def subscribe_once(
    query: str, variables: dict[str, Any], token: str | None
) -> dict[str, Any]:
    """The subscription's first result, in-process, with the token's principal; no error
    within a second means it is streaming."""
    context = Context(connection=Request({"type": "http", "headers": [], "method": "POST"}))
    if token is not None:
        context.set_principal(await principal_of(token), None)
        context.ws_authorization = f"Bearer {token}"
    result = await schema.subscribe(query, variable_values=variables, context_value=context)
    if isinstance(result, AsyncIterator):
        try:
            first = await asyncio.wait_for(anext(result), 1.0)  # type: ignore[arg-type]
        except TimeoutError:
            return {"data": None, "errors": []}
        finally:
            await result.aclose()  # type: ignore[attr-defined]
    else:
        first = result
    errors = [{"message": e.message, "extensions": e.extensions or {}} for e in first.errors or []]
    return {"data": first.data, "errors": errors}


# --- the tests ------------------------------------------------------------------------------


@pytest.mark.parametrize(("operation", "name"), root_fields())
def test_every_root_field_declares_who_may_call_it(operation: str, name: str) -> None:
    root = {"query": "Query", "mutation": "Mutation", "subscription": "Subscription"}[operation]
    definition = schema.get_type_by_name(root)
    field = next(f for f in definition.fields if f.python_name == name)  # type: ignore[union-attr]
    declared = {
        type(permission)
        for extension in field.extensions
        if isinstance(extension, PermissionExtension)
        for permission in extension.permissions
    }
    message = f"{root}.{name} must declare authenticated() or public()"
    assert declared, message
    assert declared <= {IsAuthenticated, IsPublic}, message


@pytest.mark.parametrize(("operation", "name"), root_fields())
async def test_without_credentials_every_protected_field_is_unauthenticated(
    client: httpx.AsyncClient, operation: str, name: str
) -> None:
    body = await call(client, operation, name, None)
    assert error_codes(body) == ["UNAUTHENTICATED"], body
    assert not has_data(body)


@pytest.mark.parametrize(("operation", "name"), root_fields())
async def test_each_permission_a_field_needs_is_enforced(
    client: httpx.AsyncClient, world: World, operation: str, name: str
) -> None:
    # given: which permissions the field checks when the caller holds them all
    recorded: list[P] = []
    token = checked_permissions.set(recorded)
    try:
        body = await call(client, operation, name, world.everything)
    finally:
        checked_permissions.reset(token)
    assert not {"UNAUTHENTICATED", "FORBIDDEN", "INTERNAL"} & set(error_codes(body)), body
    needed = sorted(set(recorded))
    field = f"{operation.capitalize()}.{graphql_field(operation, name)[0]}"
    documented = operation_permissions().get(field)
    assert documented == [p.value for p in needed], (
        f"graphql/operations.json says {field} needs {documented}; it checks "
        f"{[p.value for p in needed]}: fix the file, then `phantom schema operations --write`"
    )
    if name in SELF_SERVICE:
        return
    assert needed, f"{operation} {name} checks no permission: declare @requires on its service"
    # then: without any one of them, FORBIDDEN and nothing else
    for permission in needed:
        body = await call(client, operation, name, world.without[permission])
        assert error_codes(body) == ["FORBIDDEN"], (permission, body)
        assert not has_data(body)


# --- another tenant's objects, by id -------------------------------------------------------

# The kind of object each ID argument names: (field, argument path) -> kind. The ID
# arguments themselves come from the schema at test time; one missing here fails
# test_every_id_argument_has_a_foreign_id_provider, so a new one cannot be skipped.
ID_KINDS = {
    ("member", ("id",)): "member",
    ("dataSubjectRequest", ("id",)): "data_subject_request",
    ("dataset", ("id",)): "dataset",
    ("datasetPreview", ("id",)): "dataset",
    ("trainingJob", ("id",)): "training_job",
    ("trainingJobs", ("datasetId",)): "dataset",
    ("auditEvents", ("filter", "actorId")): "member",
    ("auditEvents", ("filter", "subjectId")): "member",
    ("modelVersion", ("id",)): "model_version",
    ("revokeApiToken", ("id",)): "api_token",
    ("setMemberRoles", ("input", "userId")): "member",
    ("deactivateMember", ("userId",)): "member",
    ("reactivateMember", ("userId",)): "member",
    ("approveDataSubjectRequest", ("id",)): "data_subject_request",
    ("rejectDataSubjectRequest", ("id",)): "data_subject_request",
    ("executeDataSubjectRequest", ("id",)): "data_subject_request",
    ("deleteDataset", ("id",)): "dataset",
    ("startTraining", ("input", "datasetId")): "dataset",
    ("cancelTraining", ("id",)): "training_job",
    ("retrainFromJob", ("jobId",)): "training_job",
    ("promoteModelVersion", ("id",)): "model_version",
    ("setModelBusinessLine", ("modelVersionId",)): "model_version",
    ("requestPromotion", ("input", "modelVersionId")): "model_version",
    ("decidePromotion", ("id",)): "promotion_request",
    ("withdrawPromotionRequest", ("id",)): "promotion_request",
    ("predict", ("modelVersionId",)): "model_version",
    ("modelHealth", ("modelVersionId",)): "model_version",
    ("refreshModelHealth", ("modelVersionId",)): "model_version",
    ("recordOutcomes", ("modelVersionId",)): "model_version",
    ("recordOutcomes", ("outcomes", "predictionId")): "prediction",
    ("trainingProgress", ("jobId",)): "training_job",
    ("alerts", ("modelVersionId",)): "model_version",
    ("batchPrediction", ("id",)): "batch_prediction",
    ("batchPredictions", ("modelVersionId",)): "model_version",
    ("startBatchPrediction", ("input", "modelVersionId")): "model_version",
    ("startBatchPrediction", ("input", "datasetId")): "dataset",
    ("cancelBatchPrediction", ("id",)): "batch_prediction",
    ("batchPredictionProgress", ("jobId",)): "batch_prediction",
    ("alertRules", ("modelVersionId",)): "model_version",
    ("setAlertRules", ("input", "modelVersionId")): "model_version",
    ("generateModelReport", ("modelVersionId",)): "model_version",
    ("setModelDocumentation", ("input", "modelVersionId")): "model_version",
    ("acknowledgeAlert", ("id",)): "alert",
    ("resolveAlert", ("id",)): "alert",
    ("webhookDeliveries", ("webhookId",)): "webhook",
    ("deleteWebhook", ("id",)): "webhook",
    ("modelValue", ("modelVersionId",)): "model_version",
    ("valueModel", ("modelVersionId",)): "model_version",
    ("setServingThreshold", ("modelVersionId",)): "model_version",
    ("setValueModel", ("input", "modelVersionId")): "model_version",
    ("setValueModel", ("input", "modelId")): "registered_model",
}
# Custom roles are named, not numbered: their name arguments get the same treatment.
NAME_KINDS = {
    ("deleteRole", ("name",)): "role",
    ("updateRole", ("input", "name")): "role",
}
# Where a kind's ids are listed, as the other tenant sees them.
LISTINGS = {
    "member": "{ members(first: 100) { edges { node { id } } } }",
    "api_token": "{ apiTokens(first: 100, includeRevoked: true) { edges { node { id } } } }",
    "dataset": "{ datasets(first: 100) { edges { node { id } } } }",
    "training_job": "{ trainingJobs(first: 100) { edges { node { id } } } }",
    "model_version": "{ modelVersions(first: 100) { edges { node { id } } } }",
    "data_subject_request": "{ dataSubjectRequests(first: 100) { edges { node { id } } } }",
    "batch_prediction": "{ batchPredictions(first: 100) { edges { node { id } } } }",
    "alert": "{ alerts(first: 100) { edges { node { id } } } }",
    "webhook": "{ webhooks(first: 100) { edges { node { id } } } }",
    "promotion_request": "{ promotionRequests(first: 100) { edges { node { id } } } }",
}
SNAPSHOT = """{
  members(first: 100) { edges { node { id email roles status } } }
  apiTokens(first: 100, includeRevoked: true) { edges { node { id name revokedAt scopes } } }
  roles { name permissions memberCount }
  datasets(first: 100) { edges { node { id name status } } }
  trainingJobs(first: 100) { edges { node { id status message } } }
  modelVersions(first: 100) { edges { node { id version stage stageChangedAt } } }
  dataSubjectRequests(first: 100) { edges { node { id status decidedAt executedAt } } }
  batchPredictions(first: 100) { edges { node { id status rowsScored } } }
  alerts(first: 100) { edges { node { id status severity value count lastSeenAt } } }
  webhooks(first: 100) { edges { node { id url events } } }
  promotionRequests(first: 100) { edges { node { id status decidedAt comment } } }
  promotionPolicy { productionRequiresApproval stagingRequiresApproval requestTtlHours }
}"""


def is_id(type_: Any) -> bool:
    return getattr(get_named_type(type_), "name", "") == "ID"


def all_id_arguments(field: GraphQLField) -> list[tuple[str, ...]]:
    """Every ID argument, required or not, top level or inside an input object."""
    paths: list[tuple[str, ...]] = []
    for name, argument in field.args.items():
        named = get_named_type(argument.type)
        if is_id(argument.type):
            paths.append((name,))
        elif isinstance(named, GraphQLInputObjectType):
            paths += [(name, key) for key, f in named.fields.items() if is_id(f.type)]
    return paths


def id_fields() -> list[tuple[str, str, tuple[str, ...]]]:
    return [
        (operation, name, path)
        for operation, name in root_fields()
        for path in all_id_arguments(graphql_field(operation, name)[1])
    ]


@dataclass
class Victim:
    tenant: TenantFixture
    ids: dict[str, list[str]]  # kind -> the tenant's ids of that kind
    canaries: list[str]  # strings only the victim's data holds


async def as_victim(
    client: httpx.AsyncClient, tenant: TenantFixture, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    body: dict[str, Any] = (
        await client.post(
            "/graphql", json={"query": query, "variables": variables}, headers=tenant.bearer
        )
    ).json()
    assert "errors" not in body, body
    return body


@pytest.fixture(scope="module")
async def victim(world: World, app: Any) -> Victim:
    """The other tenant, with at least one object of every kind an ID argument names,
    each carrying a canary string."""
    tenant, canary = world.other, f"canary{secrets.token_hex(4)}"
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        for query, variables in [
            (
                "mutation($i: CreateRoleInput!) { createRole(input: $i) { name } }",
                {"i": {"name": f"{canary}_role", "permissions": ["datasets:read"]}},
            ),
            (
                "mutation($i: InviteMemberInput!) { inviteMember(input: $i) { inviteUrl } }",
                {"i": {"email": f"{canary}@{tenant.slug}.example.com", "roles": ["viewer"]}},
            ),
            (
                "mutation($n: String!) { createApiToken(input: {name: $n}) { token } }",
                {"n": f"{canary}-token"},
            ),
            (
                "mutation($i: CreateDataSubjectRequestInput!) { "
                "createDataSubjectRequest(input: $i) { id } }",
                {"i": {"kind": "ACCESS", "subjectEmail": tenant.admin_email, "reason": canary}},
            ),
        ]:
            await as_victim(client, tenant, query, variables)
        await as_victim(
            client,
            tenant,
            "mutation($i: CreateWebhookInput!) { createWebhook(input: $i) { secret } }",
            {"i": {"url": f"https://{canary}.example.com/hook", "events": ["alert.opened"]}},
        )
        dataset = await upload_payments(client, tenant, f"{canary} payments")
        version = await train_version(client, tenant, dataset, f"{canary} model")  # SUCCEEDED
        await as_victim(
            client,
            tenant,
            "mutation($i: RequestPromotionInput!) { requestPromotion(input: $i) { id } }",
            {
                "i": {
                    "modelVersionId": version["id"],
                    "stage": "PRODUCTION",
                    "justification": canary,
                }
            },
        )
        await as_victim(
            client,
            tenant,
            "mutation($i: StartBatchPredictionInput!) { startBatchPrediction(input: $i) { id } }",
            {"i": {"modelVersionId": version["id"], "datasetId": dataset}},
        )
        await open_drift_alert(tenant.id, uuid.UUID(str(version["id"])), f"{canary}_feature")
        scored = await client.post(  # logged predictions, for the prediction ids
            f"/api/v1/models/{version['id']}/predict",
            json={"rows": payments(3).to_dict("records")},
            headers=tenant.bearer,
        )
        assert scored.status_code == 200, scored.text
        queued = await start(
            client,
            tenant.bearer,
            datasetId=dataset,
            taskType="ANOMALY_DETECTION",
            timeBudgetSeconds=5,
            modelName=f"{canary} queued",
        )
        assert "errors" not in queued, queued
        ids = {}
        for kind, query in LISTINGS.items():
            (listing,) = (await as_victim(client, tenant, query, {}))["data"].values()
            ids[kind] = [edge["node"]["id"] for edge in listing["edges"]]
        ids["role"] = [f"{canary}_role"]
        ids["prediction"] = scored.json()["predictionIds"]
        models = "{ modelVersions(first: 100) { edges { node { modelId } } } }"
        listed = (await as_victim(client, tenant, models, {}))["data"]["modelVersions"]
        ids["registered_model"] = sorted({edge["node"]["modelId"] for edge in listed["edges"]})
    return Victim(tenant, ids, [canary, tenant.slug, tenant.admin_email, *ids["model_version"]])


def test_every_id_argument_has_a_foreign_id_provider() -> None:
    found = {(graphql_field(op, name)[0], path) for op, name, path in id_fields()}
    missing = found - set(ID_KINDS)
    assert not missing, f"say which kind of object these ID arguments name: {missing}"
    assert not set(ID_KINDS) - found, "ID_KINDS names arguments the schema no longer has"
    # roles are named; prediction ids come from the other tenant's predict answers
    assert set(ID_KINDS.values()) | set(NAME_KINDS.values()) <= set(LISTINGS) | {
        "role",
        "prediction",
        "registered_model",  # from the model versions' modelId
    }


@pytest.mark.slow  # the other tenant's model version is a real fit in a child process
async def test_the_other_tenant_holds_every_kind(victim: Victim) -> None:
    for kind in {*ID_KINDS.values(), *NAME_KINDS.values()}:
        assert victim.ids.get(kind), f"seed the other tenant with a {kind}"


def fields_with_ids() -> list[tuple[str, str]]:
    found = {(op, name) for op, name, _ in id_fields()}
    named = {graphql_field(op, name)[0]: (op, name) for op, name in root_fields()}
    found |= {named[field] for field, _ in NAME_KINDS}
    return sorted(found)


def foreign_arguments(graphql_name: str, field: GraphQLField) -> list[tuple[tuple[str, ...], str]]:
    paths = [(path, ID_KINDS[(graphql_name, path)]) for path in all_id_arguments(field)]
    return paths + [(path, kind) for (f, path), kind in NAME_KINDS.items() if f == graphql_name]


def without(body: dict[str, Any], value: str) -> str:
    return json.dumps(body, sort_keys=True).replace(value, "<id>")


@pytest.mark.slow
@pytest.mark.parametrize(("operation", "name"), fields_with_ids())
async def test_another_tenants_ids_are_not_found(
    client: httpx.AsyncClient, world: World, victim: Victim, operation: str, name: str
) -> None:
    # given: the other tenant's data before
    caller = world.tenant
    before = await as_victim(client, victim.tenant, SNAPSHOT, {})
    graphql_name, field = graphql_field(operation, name)
    for path, kind in foreign_arguments(graphql_name, field):
        required = isinstance(field.args[path[0]].type, GraphQLNonNull)
        unknown = str(uuid.uuid4()) if kind != "role" else f"r_{secrets.token_hex(6)}"
        # the answer to an id that exists nowhere
        expected = await call(client, operation, name, caller.token, {path: unknown})
        if required:
            assert error_codes(expected) == ["NOT_FOUND"], (path, expected)
            assert not has_data(expected)
        for foreign in victim.ids[kind]:
            # when: the caller, holding every permission in its own tenant, names one of theirs
            body = await call(client, operation, name, caller.token, {path: foreign})
            # then: the same answer as for an unknown id, with nothing of the other tenant
            assert without(body, foreign) == without(expected, unknown), (path, kind, body)
            for canary in victim.canaries:  # (the id sent may be echoed, nothing else)
                assert canary not in without(body, foreign), (path, canary, body)
    # and nothing of theirs changed
    assert await as_victim(client, victim.tenant, SNAPSHOT, {}) == before
