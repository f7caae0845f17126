"""The import rules of ``backend/phantom`` (docs/architecture.md, "Adding a domain").

Layers, lowest first: ``config`` < ``kit`` < ``db`` < domains < composition. A module
imports only from its own layer or below, and a domain asks another domain through its
service or a loader, never its tables. Imports are read with ``ast`` from the source:
inside functions too (a lazy import is still a dependency), but not under
``if TYPE_CHECKING:`` (annotations only, never run).
"""

from __future__ import annotations

import ast
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1] / "backend"
DOMAINS_LISTED = frozenset(
    {
        "activity",
        "audit",
        "authz",
        "automl",
        "compliance",
        "datasets",
        "identity",
        "registry",
        "serving",
    }
)
COMPOSITION = frozenset(
    {
        "phantom.actors",
        "phantom.app",
        "phantom.cli",
        "phantom.demo",
        "phantom.demo.applicants",
        "phantom.demo.progress",
        "phantom.demo.schema",
        "phantom.demo.seed",
        "phantom.graphql.schema",
        "phantom.graphql.view",
        "phantom.models",
        "phantom.openapi",
    }
)
BELOW_DOMAINS = ("phantom.config", "phantom.kit")  # all that kit and db may import
TABLE_MODULES = frozenset({"models", "repository"})  # a domain's tables: its own business


@dataclass(frozen=True, slots=True)
class Import:
    importer: str
    imported: str
    path: Path
    line: int

    def __str__(self) -> str:
        where = self.path.relative_to(PACKAGE_ROOT.parent)
        return f"{self.importer} imports {self.imported} ({where}:{self.line})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


class _ImportCollector(ast.NodeVisitor):
    """Every import statement that runs, with the module it names (``from a import b``
    names ``a.b`` when that is a module, else ``a``)."""

    def __init__(self, importer: str, is_package: bool, modules: set[str]) -> None:
        self.package = importer if is_package else importer.rpartition(".")[0]
        self.modules = modules
        self.found: list[tuple[str, int]] = []

    def visit_If(self, node: ast.If) -> None:
        test = node.test
        if (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
            isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
        ):
            for statement in node.orelse:
                self.visit(statement)
            return
        self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self.found.append((alias.name, node.lineno))

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        base = node.module or ""
        if node.level:
            anchor = self.package.split(".")
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        for alias in node.names:
            candidate = f"{base}.{alias.name}"
            self.found.append((candidate if candidate in self.modules else base, node.lineno))


def collect_imports() -> list[Import]:
    paths = sorted((PACKAGE_ROOT / "phantom").rglob("*.py"))
    modules = {module_name(p) for p in paths}
    imports = []
    for path in paths:
        importer = module_name(path)
        collector = _ImportCollector(importer, path.name == "__init__.py", modules)
        collector.visit(ast.parse(path.read_text(), filename=str(path)))
        imports.extend(
            Import(importer, imported, path, line)
            for imported, line in sorted(set(collector.found))
            if imported in modules and imported != importer
        )
    return imports


IMPORTS = collect_imports()


def domains() -> set[str]:
    """The listed domains, and any new top-level package with a ``service.py``."""
    found = {p.parent.name for p in (PACKAGE_ROOT / "phantom").glob("*/service.py")}
    return set(DOMAINS_LISTED) | found


def domain_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[1] in domains() else None


def in_layer(module: str, prefixes: Iterable[str]) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


def import_cycles(imports: Iterable[Import]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan's algorithm)."""
    graph: dict[str, set[str]] = defaultdict(set)
    for i in imports:
        graph[i.importer].add(i.imported)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


# --- the rules: each returns the imports that break it ---------------------------------


def loop_imports(imports: list[Import]) -> list[Import]:
    cycles = [set(cycle) for cycle in import_cycles(imports)]
    return [i for i in imports if any({i.importer, i.imported} <= c for c in cycles)]


def kit_reaching_up(imports: list[Import]) -> list[Import]:
    return [
        i
        for i in imports
        if in_layer(i.importer, ["phantom.kit"]) and not in_layer(i.imported, BELOW_DOMAINS)
    ]


def db_reaching_up(imports: list[Import]) -> list[Import]:
    return [
        i for i in imports if i.importer == "phantom.db" and not in_layer(i.imported, BELOW_DOMAINS)
    ]


def other_domains_tables(imports: list[Import]) -> list[Import]:
    found = []
    for i in imports:
        source, target = domain_of(i.importer), domain_of(i.imported)
        if source and target and source != target:
            if i.imported.rpartition(".")[2] in TABLE_MODULES:
                found.append(i)
    return found


def domain_importing_composition(imports: list[Import]) -> list[Import]:
    return [i for i in imports if domain_of(i.importer) and i.imported in COMPOSITION]


def report(rule: str, violations: list[Import]) -> str:
    lines = "\n".join(f"  {v}" for v in sorted(violations, key=str))
    return f"{rule}; these imports break it:\n{lines}"


def test_no_import_cycle() -> None:
    violations = loop_imports(IMPORTS)
    cycles = import_cycles(violations)
    assert not cycles, "\n".join(
        report(
            f"Import loop through {', '.join(cycle)}: the lower module must not import "
            "the higher one",
            [i for i in violations if i.importer in cycle and i.imported in cycle],
        )
        for cycle in cycles
    )


def test_kit_imports_only_config_and_kit() -> None:
    violations = kit_reaching_up(IMPORTS)
    assert not violations, report(
        "phantom.kit may import only phantom.config and phantom.kit.* (it sits below db "
        "and every domain)",
        violations,
    )


def test_db_imports_no_domain() -> None:
    violations = db_reaching_up(IMPORTS)
    assert not violations, report(
        "phantom.db may import only phantom.config and phantom.kit.* (phantom.models "
        "collects the domains' tables)",
        violations,
    )


def test_domains_never_read_other_domains_tables() -> None:
    violations = other_domains_tables(IMPORTS)
    assert not violations, report(
        "A domain never imports another domain's models or repository: ask its service or a loader",
        violations,
    )


def test_domains_never_import_the_composition_layer() -> None:
    violations = domain_importing_composition(IMPORTS)
    assert not violations, report(
        f"A domain never imports the composition layer ({', '.join(sorted(COMPOSITION))}): "
        "the composition layer imports the domains",
        violations,
    )
