"""docs/api.md's operations table is the schema's, with the permissions each field checks
(tests/graphql/test_schema_permissions.py holds operations.json to what they check)."""

from __future__ import annotations

import pytest
from graphql import build_schema

from phantom.config import REPO_ROOT
from phantom.graphql.operations import (
    BEGIN,
    END,
    operation_permissions,
    operations_table,
    with_table,
)
from phantom.graphql.schema import schema


def test_the_table_in_api_md_is_the_generated_one() -> None:
    document = (REPO_ROOT / "docs" / "api.md").read_text()
    table = operations_table(schema._schema, operation_permissions())
    assert with_table(document, table) == document, (
        "docs/api.md's operations table is stale: "
        "run `phantom schema operations --write docs/api.md`"
    )


def test_every_root_field_has_a_row_and_nothing_else_does() -> None:
    table = operations_table(schema._schema, operation_permissions())
    root_fields = sum(
        len(schema._schema.get_type(t).fields)  # type: ignore[union-attr]
        for t in ("Query", "Mutation", "Subscription")
    )
    assert table.count("\n") - 2 == root_fields
    assert "| `predict(modelVersionId: ID!, rows: JSON!, explain: Boolean!)` | mutation |" in table


SMALL = build_schema(
    'type Query { """models:read. One model."""\n model(id: ID!): Int\n'
    ' old: Int @deprecated(reason: "Use model; removal after 2027-07-01") }'
)


def test_a_field_without_documented_permissions_fails_the_generation() -> None:
    with pytest.raises(KeyError, match="model"):
        operations_table(SMALL, {"Query.old": []})
    with pytest.raises(KeyError, match=r"Query\.gone"):
        operations_table(SMALL, {"Query.model": [], "Query.old": [], "Query.gone": []})


def test_rows_say_permission_and_deprecation() -> None:
    table = operations_table(SMALL, {"Query.model": ["models:read"], "Query.old": []})
    assert "| `model(id: ID!)` | query | `Int` | `models:read` | One model. |" in table
    assert "| `old` | query | `Int` | (signed in) | **deprecated**: Use model;" in table


def test_markers_are_required_and_only_the_table_between_them_changes() -> None:
    with pytest.raises(ValueError, match="markers"):
        with_table("no markers here", "| t |\n")
    document = f"before\n{BEGIN}\nold | table\n{END}\nafter\n"
    assert with_table(document, "| t |\n") == f"before\n{BEGIN}\n\n| t |\n\n{END}\nafter\n"
