"""infra/terraform read with python-hcl2 (the terraform binary and its providers cannot be
installed on our machines): every file parsed, blocks indexed by module directory."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2] / "infra" / "terraform"


def plain(value: Any) -> Any:
    """python-hcl2 keeps a string literal's quotes and marks blocks: drop both."""
    if isinstance(value, str):
        return value[1:-1] if len(value) >= 2 and value[0] == value[-1] == '"' else value
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {plain(k): plain(v) for k, v in value.items() if k != "__is_block__"}
    return value


@dataclass
class Module:
    path: Path
    resources: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    data: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    variables: dict[str, dict[str, Any]] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    modules: dict[str, dict[str, Any]] = field(default_factory=dict)
    text: str = ""

    def resource(self, kind: str, name: str) -> dict[str, Any]:
        return self.resources[(kind, name)]

    def of_kind(self, kind: str) -> dict[str, dict[str, Any]]:
        return {name: body for (k, name), body in self.resources.items() if k == kind}


def parse(path: Path) -> dict[str, Any]:
    with path.open() as handle:
        return plain(hcl2.load(handle))  # type: ignore[no-any-return]


@cache
def module(relative: str) -> Module:
    """The .tf files of one directory under infra/terraform ("" is the root module)."""
    found = Module(ROOT / relative)
    for path in sorted(found.path.glob("*.tf")):
        found.text += path.read_text()
        parsed = parse(path)
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                for name, body in named.items():
                    found.resources[(kind, name)] = body
        for block in parsed.get("data", []):
            for kind, named in block.items():
                for name, body in named.items():
                    found.data[(kind, name)] = body
        for block in parsed.get("variable", []):
            found.variables.update(block)
        for block in parsed.get("output", []):
            found.outputs.update(block)
        for block in parsed.get("module", []):
            found.modules.update(block)
    return found


def tf_files() -> list[Path]:
    return sorted(ROOT.rglob("*.tf"))
