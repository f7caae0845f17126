"""v1 only grows: the checked-in schema against the last release's, and the changelog's
diff on schemas built to break."""

from __future__ import annotations

from datetime import date

from phantom.config import REPO_ROOT
from phantom.graphql.changelog import diff, removal_problems, section

TODAY = date(2026, 12, 6)
BEFORE = """
type Query {
  model(id: ID!): Model
  legacy: Int @deprecated(reason: "Use model; removal after 2026-06-01")
  pending: Int @deprecated(reason: "Use model; removal after 2027-09-01")
}
type Model { id: ID! name: String! stage: Stage! }
enum Stage { NONE STAGING PRODUCTION }
"""


def drop(sdl: str, field: str) -> str:
    return "\n".join(line for line in sdl.split("\n") if not line.startswith(f"  {field}:"))


def test_the_schema_keeps_everything_the_last_release_had() -> None:
    released = (REPO_ROOT / "schema.released.graphql").read_text()
    current = (REPO_ROOT / "schema.graphql").read_text()
    assert removal_problems(released, current, date.today()) == []


def test_a_removed_field_is_breaking_in_the_changelog_and_refused() -> None:
    after = BEFORE.replace("name: String! ", "")
    changes = diff(BEFORE, after)
    assert changes.breaking == ["Field Model.name was removed."]
    assert "**Breaking**\n\n- Field Model.name was removed." in section("next", changes)
    [problem] = removal_problems(BEFORE, after, TODAY)
    assert "Model.name was removed" in problem
    assert "deprecate it first" in problem


def test_a_changed_type_and_a_removed_enum_value_are_breaking() -> None:
    after = BEFORE.replace("name: String!", "name: Int!").replace(" STAGING", "")
    changes = diff(BEFORE, after)
    assert set(changes.breaking) == {
        "Field Model.name changed type from String! to Int!.",
        "Enum value Stage.STAGING was removed.",
    }
    assert len(removal_problems(BEFORE, after, TODAY)) == 2


def test_additions_are_listed_and_allowed() -> None:
    after = BEFORE.replace("stage: Stage! }", "stage: Stage! owner: String }").replace(
        "PRODUCTION }", "PRODUCTION ARCHIVED }\ntype Report { id: ID! }"
    )
    changes = diff(BEFORE, after)
    assert changes.breaking == []
    assert set(changes.added) == {"`Model.owner`", "`Stage.ARCHIVED`", "`Report`"}
    assert removal_problems(BEFORE, after, TODAY) == []


def test_a_deprecated_field_goes_only_after_its_removal_date() -> None:
    past = drop(BEFORE, "legacy")
    assert removal_problems(BEFORE, past, TODAY) == []
    early = drop(BEFORE, "pending")
    [problem] = removal_problems(BEFORE, early, TODAY)
    assert "before its removal date" in problem


def test_a_new_deprecation_needs_a_removal_date_six_months_out() -> None:
    def deprecating(reason: str) -> str:
        return BEFORE.replace("name: String!", f'name: String! @deprecated(reason: "{reason}")')

    assert removal_problems(BEFORE, deprecating("Use title; removal after 2027-07-01"), TODAY) == []
    for reason in ("Use title", "Use title; removal after 2027-01-01", "removal after soon"):
        [problem] = removal_problems(BEFORE, deprecating(reason), TODAY)
        assert "at least 6 months out" in problem, reason
    assert diff(BEFORE, deprecating("Use title")).deprecated == ["`Model.name`: Use title"]


def test_malformed_schema_text_is_refused() -> None:
    import pytest
    from graphql import GraphQLSyntaxError

    with pytest.raises(GraphQLSyntaxError):
        diff(BEFORE, "type Query {")


def test_the_changelog_command_writes_an_entry_and_refuses_an_unknown_revision() -> None:
    import subprocess
    import sys
    from pathlib import Path

    phantom = str(Path(sys.executable).with_name("phantom"))
    first = subprocess.run(
        ["git", "log", "--reverse", "--format=%H", "--", "schema.graphql"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    same = subprocess.run(
        [phantom, "schema", "changelog", "--from", first, "--to", first, "--title", "t"],
        capture_output=True,
        text=True,
    )
    assert same.returncode == 0, same.stderr
    assert same.stdout == "## t\n\nNo change to the schema.\n\n"
    for revision in ("no-such-revision", "--upload-pack=touch /tmp/x", "HEAD:../../etc"):
        refused = subprocess.run(
            [phantom, "schema", "changelog", "--from", revision], capture_output=True, text=True
        )
        assert refused.returncode != 0, revision
        assert "Traceback" not in refused.stderr, refused.stderr
