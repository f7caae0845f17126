"""What changed between two versions of the schema, for docs/changelog.md, and the rule
that keeps v1 additive: nothing leaves the schema unless it was deprecated, with a
removal date, in the released schema (``schema.released.graphql``) and that date passed.

graphql-core finds the breaking and dangerous changes; additions and deprecations (which
it does not report) are found here by walking both schemas."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from graphql import (
    BreakingChangeType,
    DangerousChangeType,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    find_breaking_changes,
    find_dangerous_changes,
)

MIN_NOTICE = timedelta(days=183)  # "a removal date at least 6 months out"
REMOVAL_DATE = re.compile(r"[Rr]emov\w* (?:on or )?after (\d{4}-\d{2}-\d{2})")
REMOVED = {BreakingChangeType.FIELD_REMOVED, BreakingChangeType.VALUE_REMOVED_FROM_ENUM}
BUILT_IN = re.compile(r"^__")
# additions graphql-core also calls dangerous; "Added" lists them (with the enum note)
LISTED_AS_ADDED = {
    DangerousChangeType.VALUE_ADDED_TO_ENUM,
    DangerousChangeType.OPTIONAL_ARG_ADDED,
    DangerousChangeType.OPTIONAL_INPUT_FIELD_ADDED,
}


@dataclass
class Changes:
    breaking: list[str] = field(default_factory=list)
    dangerous: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    deprecated: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.breaking or self.dangerous or self.added or self.deprecated)


def _members(schema: GraphQLSchema) -> dict[str, str | None]:
    """Every type, field, argument and enum value by dotted name -> its deprecation reason
    (None when not deprecated)."""
    found: dict[str, str | None] = {}
    for name, named in schema.type_map.items():
        if BUILT_IN.match(name):
            continue
        found[name] = None
        found.update(_members_of(named))
    return found


def _members_of(named: GraphQLNamedType) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    if isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        for name, fld in named.fields.items():
            found[f"{named.name}.{name}"] = fld.deprecation_reason
            for arg_name, arg in fld.args.items():
                found[f"{named.name}.{name}({arg_name})"] = arg.deprecation_reason
    elif isinstance(named, GraphQLInputObjectType):
        for name, input_field in named.fields.items():
            found[f"{named.name}.{name}"] = input_field.deprecation_reason
    elif isinstance(named, GraphQLEnumType):
        for name, value in named.values.items():
            found[f"{named.name}.{name}"] = value.deprecation_reason
    return found


def diff(old_sdl: str, new_sdl: str) -> Changes:
    old, new = build_schema(old_sdl), build_schema(new_sdl)
    before, after = _members(old), _members(new)
    return Changes(
        breaking=[c.description for c in find_breaking_changes(old, new)],
        dangerous=[
            c.description for c in find_dangerous_changes(old, new) if c.type not in LISTED_AS_ADDED
        ],
        added=[f"`{n}`" for n in after if n not in before and _parent_existed(n, before)],
        deprecated=[
            f"`{name}`: {reason}"
            for name, reason in after.items()
            if reason is not None and before.get(name) is None
        ],
    )


def _parent_existed(name: str, before: dict[str, str | None]) -> bool:
    """List a new type once, not each of its fields too."""
    parent = name.split("(", 1)[0].rsplit(".", 1)[0] if "." in name else None
    if parent is None:
        return True
    if "(" in name:  # an argument: list it unless its field is new
        return name.split("(", 1)[0] in before
    return parent in before


def section(title: str, changes: Changes) -> str:
    """One changelog entry, in markdown."""
    lines = [f"## {title}", ""]
    if not changes:
        lines += ["No change to the schema.", ""]
    for heading, items in (
        ("Breaking", changes.breaking),
        ("Deprecated", changes.deprecated),
        ("Added", changes.added),
        ("Changed, may affect clients", changes.dangerous),
    ):
        if items:
            lines += [f"**{heading}**", ""] + [f"- {item}" for item in items] + [""]
    return "\n".join(lines)


def removal_problems(released_sdl: str, current_sdl: str, today: date) -> list[str]:
    """Why ``current`` may not follow ``released`` in v1: a breaking change other than
    removing what the released schema deprecated with a removal date now past, or a new
    deprecation without a removal date at least 6 months from today."""
    released, current = build_schema(released_sdl), build_schema(current_sdl)
    deprecated_then = _members(released)
    problems = []
    for change in find_breaking_changes(released, current):
        name = _removed_member(change.type, change.description)
        reason = deprecated_then.get(name) if name else None
        if name is None or reason is None:
            problems.append(
                f"{change.description} (breaking: v1 only adds; deprecate it first, "
                f"with a removal date at least 6 months out)"
            )
            continue
        when = _removal_date(reason)
        if when is None or when > today:
            problems.append(f"{change.description} before its removal date ({reason!r})")
    for name, reason in _members(current).items():
        if reason is None or deprecated_then.get(name) is not None:
            continue
        when = _removal_date(reason)
        if when is None or when < today + MIN_NOTICE:
            problems.append(
                f"{name} is deprecated with {reason!r}: say 'removal after YYYY-MM-DD', "
                f"at least 6 months out (after {(today + MIN_NOTICE).isoformat()})"
            )
    return problems


def _removed_member(kind: BreakingChangeType, description: str) -> str | None:
    """The dotted name a removal names ("Field Query.x was removed.", "Enum value E.V was
    removed.")."""
    if kind in REMOVED:
        found = re.match(r"(?:Field|Enum value) (\S+) was removed\.", description)
        return found.group(1) if found else None
    return None


def _removal_date(reason: str) -> date | None:
    found = REMOVAL_DATE.search(reason)
    return date.fromisoformat(found.group(1)) if found else None


def schema_at(revision: str, path: str = "schema.graphql", cwd: Path | None = None) -> str:
    """The schema file as committed at ``revision`` (git)."""
    if revision.startswith("-") or path.startswith("-"):  # never an option to git
        raise ValueError(f"{revision!r} is not a git revision")
    return subprocess.run(  # noqa: S603 - git on the developer's own repository
        ["git", "show", f"{revision}:{path}"],  # noqa: S607
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
