"""Fenced code blocks of docs/*.md, with the role their info string gives them.

```` ```bash example ```` (also ``python``, ``graphql`` and ``js`` examples) is run by
tests/docs/test_examples.py against the real stack; ``output``, ``config`` and
``excerpt`` blocks are not examples (what a command prints, a file's content, a piece of
a schema or code); ``manual`` blocks are commands for infrastructure the test suite
cannot stand up (a cloud, a cluster, a browser). There is no role for an API example
that is not run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

ROLES = {"example", "output", "config", "excerpt", "manual"}
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Block:
    path: Path
    line: int  # of the opening fence, 1-based
    language: str
    role: str | None
    text: str

    @property
    def where(self) -> str:
        return f"{self.path.name}:{self.line}"


def blocks(path: Path) -> list[Block]:
    found: list[Block] = []
    lines = path.read_text().split("\n")
    index = 0
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        words = opening["info"].split()
        body: list[str] = []
        end = index + 1
        while end < len(lines):
            closing = FENCE.match(lines[end])
            if (
                closing is not None
                and closing["fence"][0] == fence[0]
                and len(closing["fence"]) >= len(fence)
                and not closing["info"].strip()
            ):
                break
            body.append(lines[end][indent:] if lines[end][:indent].isspace() else lines[end])
            end += 1
        else:
            raise ValueError(f"{path.name}:{index + 1}: a code block is never closed")
        language = words[0] if words else ""
        role = next((w for w in words[1:] if w in ROLES), None)
        found.append(Block(path, index + 1, language, role, "\n".join(body) + "\n"))
        index = end + 1
    return found
