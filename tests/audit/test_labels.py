"""Every action the code base records has a plain-English label (``audit/labels.py``).

The actions are read from the source with ``ast``, as ``tests/test_architecture.py``
reads imports: the ``action=`` of every ``record``/``record_separately`` call (a string,
either branch of a conditional, a module constant, the values of a constant dict, or an
f-string's family completed from the enum it formats), the codes passed to the domains'
own ``_record`` helpers, and ``graphql.<field>`` for every mutation (the safety net)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from phantom.audit.labels import ACTION_LABELS, MUTATION_LABELS, action_label, all_labels
from phantom.compliance.models import RequestStatus
from phantom.kit.leases import JobStatus

PACKAGE = Path(__file__).resolve().parents[2] / "backend" / "phantom"
CODE = re.compile(r"^[a-z_]+(\.[a-z_]+)+$")
RECORDERS = {"record", "record_separately"}
HELPERS = {"_record"}  # a domain's own wrapper: (session, principal, "code", ...)
# what each f-string family formats into its code (the values it can take)
FAMILIES: dict[str, set[str]] = {
    "automl.training.": {s.value.lower() for s in JobStatus},
    "batch.prediction.": {s.value.lower() for s in JobStatus},
    "compliance.request.": {s.value for s in RequestStatus},
    "alerts.alert.": {"acknowledged", "resolved"},
}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _constants(tree: ast.Module) -> dict[str, list[str]]:
    """Module-level ``NAME = "code"`` and ``NAME = {...: "code"}``."""
    found: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
            if not isinstance(target, ast.Name):
                continue
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                found[target.id] = [value.value]
            elif isinstance(value, ast.Dict):
                found[target.id] = [
                    v.value
                    for v in value.values
                    if isinstance(v, ast.Constant) and isinstance(v.value, str)
                ]
    return found


def _codes(
    value: ast.expr, constants: dict[str, list[str]], where: str
) -> tuple[set[str], set[str]]:
    """(codes, f-string family prefixes) an ``action=`` expression can produce."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return {value.value}, set()
    if isinstance(value, ast.IfExp):
        a, fa = _codes(value.body, constants, where)
        b, fb = _codes(value.orelse, constants, where)
        return a | b, fa | fb
    if isinstance(value, ast.JoinedStr):
        first = value.values[0]
        assert isinstance(first, ast.Constant), where
        return set(), {str(first.value)}
    if isinstance(value, ast.Name):
        return set(constants.get(value.id, [])), set()
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Name):
        return set(constants.get(value.value.id, [])), set()
    raise AssertionError(f"{where}: an action this test cannot read: {ast.dump(value)}")


def recorded_actions() -> tuple[set[str], set[str]]:
    sources = {
        path: ast.parse(path.read_text(), str(path)) for path in sorted(PACKAGE.rglob("*.py"))
    }
    constants: dict[str, list[str]] = {}
    for tree in sources.values():
        for name, values in _constants(tree).items():
            constants.setdefault(name, []).extend(values)
    codes: set[str] = set()
    families: set[str] = set()
    for path, tree in sources.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name, where = _name(node.func), f"{path.relative_to(PACKAGE)}:{node.lineno}"
            if name in RECORDERS:
                for keyword in node.keywords:
                    if keyword.arg == "action":
                        if isinstance(keyword.value, ast.Name) and keyword.value.id == "action":
                            continue  # a helper passing its argument on (read below)
                        found, prefixes = _codes(keyword.value, constants, where)
                        codes |= found
                        families |= prefixes
            elif name in HELPERS:
                codes |= {
                    a.value
                    for a in node.args
                    if isinstance(a, ast.Constant)
                    and isinstance(a.value, str)
                    and CODE.match(a.value)
                }
    return codes, families


def test_every_recorded_action_has_a_label() -> None:
    codes, families = recorded_actions()
    # the scan reads what it should (a scan that finds nothing would pass anything)
    assert {
        "datasets.dataset.uploaded",
        "identity.member.invited",
        "authz.role.created",
        "registry.promotion.expired",
        "audit.retention.purged",
        "predictions.logged",
    } <= codes
    assert families >= {"automl.training.", "alerts.alert.", "graphql."}
    unknown = families - set(FAMILIES) - {"graphql."}
    assert not unknown, f"f-string actions this test cannot enumerate: {unknown}"
    for prefix in families - {"graphql."}:
        codes |= {prefix + suffix for suffix in FAMILIES[prefix]}
    missing = sorted(code for code in codes if action_label(code) is None)
    assert not missing, f"add these to ACTION_LABELS in audit/labels.py: {missing}"


def test_every_mutation_has_a_label_for_the_safety_net() -> None:
    from phantom.graphql.schema import schema

    mutation = schema.get_type_by_name("Mutation")
    fields = {f.python_name for f in mutation.fields}  # type: ignore[union-attr]
    missing = sorted(fields - set(MUTATION_LABELS))
    assert not missing, f"add these to MUTATION_LABELS in audit/labels.py: {missing}"
    assert action_label("graphql.upload_dataset") == "Upload a dataset"


def test_labels_are_sentences_and_unique() -> None:
    for code, label in all_labels().items():
        assert CODE.match(code), code
        assert label[:1].isupper(), (code, label)
        assert not label.endswith("."), (code, label)
    assert len(set(ACTION_LABELS.values())) == len(ACTION_LABELS)
