"""Every operation the client sends parses and validates against the checked-in
schema.graphql (which lint keeps equal to the server's), and the client package imports
nothing from the server's."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import build_schema, parse, validate

from phantom_client import operations

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = build_schema((ROOT / "schema.graphql").read_text())
PACKAGE = ROOT / "backend" / "phantom_client"


@pytest.mark.parametrize("name", sorted(operations.CURRENT))
def test_each_operation_validates_against_the_schema(name: str) -> None:
    errors = validate(SCHEMA, parse(operations.CURRENT[name]))
    assert errors == [], f"{name}: {[e.message for e in errors]}"


def test_the_client_imports_nothing_from_the_server() -> None:
    for path in PACKAGE.glob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert name.split(".")[0] != "phantom", f"{path.name} imports {name}"
    # and importing it loads neither the server nor anything heavy
    probe = (
        "import sys, phantom_client; "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('phantom', 'strawberry', 'sqlalchemy', 'pandas', 'numpy')]; print(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_client_is_shipped_typed() -> None:
    assert (PACKAGE / "py.typed").is_file()
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert 'phantom_client = ["py.typed"]' in pyproject
    assert 'client = ["httpx>=0.28", "websockets>=13"]' in pyproject


def test_no_operation_escapes_the_checks() -> None:
    checked = set(operations.CURRENT.values())
    sent = {
        value
        for name, value in vars(operations).items()
        if name.isupper()
        and isinstance(value, str)
        and value.lstrip().startswith(("query", "mutation", "subscription"))
    }
    assert sent <= checked, sent - checked
    assert len(sent) >= 9


def test_docs_client_md_names_the_methods_and_arguments_that_exist() -> None:
    """The method table in docs/client.md against the class: a renamed method or argument
    fails here, not in an integrator's hands."""
    import inspect
    import re

    from phantom_client import Client

    table = [
        line
        for line in (ROOT / "docs" / "client.md").read_text().splitlines()
        if line.startswith("| `")
    ]
    assert len(table) >= 10
    for line in table:
        for call in re.findall(r"`(\w+)\(([^`]*)\)`", line.split("|")[1]):
            name, arguments = call
            method = getattr(Client, name, None)
            assert callable(method), f"docs/client.md names Client.{name}, which does not exist"
            parameters = inspect.signature(method).parameters
            for argument in re.findall(r"\b([a-z_]+)\b(?=[,=)]|$)", arguments + ")"):
                assert (
                    argument in parameters
                    or argument.endswith("_or_model_name")
                    or (argument in {"path_or_bytes", "version_id"})
                ), f"Client.{name} has no argument {argument!r} (docs/client.md)"
