"""Running a documented example as a reader would, and holding it to what the page says
it prints.

A bash example runs in ``bash -euo pipefail`` with real ``curl``; a python example runs
as a script with the test environment's Python, a js example with Node; a graphql
example's operations are sent one by one to ``/graphql`` with ``$TOKEN``. Only the
addresses change: the pages say ``http://127.0.0.1:8000`` or
``https://phantom.example.com``, the test server listens on a free port (and so do the
reader's webhook receiver and identity provider, ``ELSEWHERE``). Every ``curl`` the
example runs is recorded (a shell function in front of the real one), and each answer is
checked against the output documented under the command (``# {...}`` or
``# HTTP/1.1 ...`` comment lines):

- an error documented (``"errors"``/``"error"``, or a 4xx/5xx status line) must happen,
  with each documented ``"code"``; none documented, none may happen;
- every key the documented output shows must be in the answer (values are examples).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
from graphql import OperationDefinitionNode, parse, print_ast

from tests.docs.blocks import Block

DOCUMENTED_HOSTS = ("http://127.0.0.1:8000", "https://phantom.example.com")
DOCUMENTED_WS = "wss://phantom.example.com"
# other services the pages name (the reader's webhook receiver, identity provider), and
# where the test stands them up instead: filled by the world fixture
ELSEWHERE: dict[str, str] = {}
CURL_LINE = re.compile(r"^[^#]*(^|[\s(])curl\s")  # not in a comment
OUTPUT_START = re.compile(r"^\s*# (\{|HTTP/)")
# indented, JSON, or a header ("# allow: POST"; "# binary: ..." prose is not one)
CONTINUATION = re.compile(r"^\s*#(\s{2,}\S| [{\"\[]| [a-z][a-z-]*: \S+$)")
KEY = re.compile(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:')
ERROR = re.compile(r'"error"\s*:\s*\{|"errors"\s*:\s*\[\s*\{')  # not "errors": []
CODE = re.compile(r'"code"\s*:\s*"([A-Z_]+)"')
STATUS = re.compile(r"HTTP/[\d.]+ (\d{3})")
PRELUDE = """
curl() {
  local n=$(( $(ls "$DOC_CALLS" | wc -l) / 2 + 1 ))
  echo "${BASH_LINENO[0]}" > "$DOC_CALLS/$n.line"
  command curl "$@" > "$DOC_CALLS/$n"
  local status=$?
  cat "$DOC_CALLS/$n"
  return $status
}
"""

SHELL_OWN = (
    "BASH.*|LINENO|RANDOM|SRANDOM|SECONDS|EPOCH.*|PIPESTATUS|COLUMNS|LINES|OLDPWD|PWD|SHLVL"
    "|OPTIND|OPTARG|SHELL_OWN"
)
VARIABLES = (
    """SHELL_OWN='^("""
    + SHELL_OWN
    + """)$'

for __doc_name in $(compgen -v | grep -E '^[A-Z][A-Z0-9_]*$' | grep -vE "$SHELL_OWN"); do
  printf '%s=%s\\0' "$__doc_name" "${{!__doc_name}}"
done > '{path}'
"""
)


@dataclass
class Call:
    line: int  # in the block
    command: str  # the documented command's first line
    documented: str | None  # its documented output, comment marks removed
    answer: str


def localised(text: str, url: str) -> str:
    for host in DOCUMENTED_HOSTS:
        text = text.replace(host, url)
    for documented, here in ELSEWHERE.items():
        text = text.replace(documented, here)
    return text.replace(DOCUMENTED_WS, url.replace("http://", "ws://"))


def documented_outputs(text: str) -> list[tuple[int, str, str | None]]:
    """Each ``curl`` command's line (1-based), its first line, and the output documented
    after it (before the next ``curl``)."""
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if CURL_LINE.search(line)]
    found: list[tuple[int, str, str | None]] = []
    for n, start in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(lines)
        found.append((start + 1, lines[start].strip(), documented_output(lines[start + 1 : end])))
    return found


def documented_output(lines: list[str]) -> str | None:
    """The first output comment among ``lines`` (``# {...}`` and its continuation lines),
    comment marks removed; None when there is none."""
    output: list[str] | None = None
    for line in lines:
        if output is None and OUTPUT_START.match(line):
            output = [line.strip()[2:]]
        elif output is not None and CONTINUATION.match(line):
            output.append(line.strip()[1:].strip())
        elif output is not None:
            break
    return "\n".join(output) if output is not None else None


def run_bash(
    block: Block, url: str, env: dict[str, str], cwd: Path
) -> tuple[list[Call], dict[str, str]]:
    """The calls the example made, and the upper-case variables it left set."""
    calls_dir = cwd / f".calls-{block.path.stem}-{block.line}"
    calls_dir.mkdir()
    variables = cwd / f".variables-{block.path.stem}-{block.line}"
    before = cwd / f".before-{block.path.stem}-{block.line}"
    head = VARIABLES.format(path=before) + PRELUDE
    script = head + localised(block.text, url) + VARIABLES.format(path=variables)
    result = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", script],
        cwd=cwd,
        env={**os.environ, **env, "DOC_CALLS": str(calls_dir)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (
        f"{block.where} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    commands = documented_outputs(block.text)
    offset = head.count("\n")
    calls = []
    for n in range(1, len(list(calls_dir.glob("*.line"))) + 1):
        line = int((calls_dir / f"{n}.line").read_text()) - offset  # 1-based, in the block
        start, command, documented = [c for c in commands if c[0] <= line][-1]
        calls.append(Call(start, command, documented, (calls_dir / str(n)).read_text()))
    ran = {c.line for c in calls}
    missing = [f"line {n}: {c}" for n, c, _ in commands if n not in ran]
    assert not missing, f"{block.where}: documented curl commands that never ran: {missing}"
    initial, left = _variables(before), _variables(variables)
    return calls, {k: v for k, v in left.items() if initial.get(k) != v}


def _variables(path: Path) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in path.read_text().split("\0") if "=" in item)
    return {name: value for name, value in pairs}


def run_python(block: Block, url: str, env: dict[str, str], cwd: Path) -> str:
    script = cwd / f"example_{block.path.stem}_{block.line}.py"
    script.write_text(localised(block.text, url))
    result = subprocess.run(
        [sys.executable, script.name],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,  # as bash's: docs/client.md's trains and waits behind earlier jobs
    )
    assert result.returncode == 0, (
        f"{block.where} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def run_js(block: Block, url: str, env: dict[str, str], cwd: Path) -> str:
    """A JavaScript example, run as a script by Node (the frontend's runtime)."""
    script = cwd / f"example_{block.path.stem}_{block.line}.js"
    script.write_text(localised(block.text, url))
    result = subprocess.run(
        ["node", script.name],
        cwd=cwd,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, (
        f"{block.where} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
    )
    return result.stdout


def problems(call: Call) -> list[str]:
    """How the answer differs from what the page documents (empty: it matches)."""
    head, body = _split(call.answer)
    documented = call.documented or ""
    found: list[str] = []
    status = STATUS.match(head)
    documented_status = STATUS.search(documented)
    if documented_status and (not status or status[1] != documented_status[1]):
        found.append(f"status {status[1] if status else '?'}, documented {documented_status[1]}")
    try:
        parsed = json.loads(body) if body.strip() else None
    except json.JSONDecodeError:
        parsed = None
    is_error = isinstance(parsed, dict) and (bool(parsed.get("errors")) or "error" in parsed)
    documents_error = bool(ERROR.search(documented)) or bool(
        documented_status and documented_status[1] >= "400"
    )
    if is_error != documents_error:
        found.append("an error" if is_error else "no error, but one is documented")
    for code in CODE.findall(documented):
        if f'"code":"{code}"' not in body.replace(" ", ""):
            found.append(f"no {code}")
    answered = set(KEY.findall(body))
    missing = sorted(
        key
        for key in set(KEY.findall(documented)) - answered
        if not any(_empty(parent, body) for parent in _enclosing(documented, key))
    )
    if missing:
        found.append(f"keys documented but not answered: {missing}")
    return found


def _enclosing(documented: str, key: str) -> list[str]:
    """The keys whose value holds ``key``'s first occurrence in the documented output."""
    position = documented.find(f'"{key}"')
    stack: list[str | None] = []
    for match in re.finditer(r'"([A-Za-z_][A-Za-z0-9_]*)"\s*:\s*([\[{])|[\[{]|[\]}]', documented):
        if match.start() >= position:
            break
        if match[0] in "]}":
            if stack:
                stack.pop()
        else:
            stack.append(match[1])
    return [k for k in stack if k]


def _empty(key: str, body: str) -> bool:
    """An empty list, an empty object or null: where the documented keys would be, none
    are (no warnings, no intervals when the evaluation's time ran out)."""
    return re.search(rf'"{key}"\s*:\s*(\[\s*\]|\{{\s*\}}|null)', body) is not None


def _split(answer: str) -> tuple[str, str]:
    """Status line and headers (``curl -i``), and the body."""
    if answer.startswith("HTTP/"):
        head, _, body = answer.replace("\r\n", "\n").partition("\n\n")
        return head, body
    return "", answer


def graphql_operations(text: str) -> list[tuple[str, str | None]]:
    """Each operation of a GraphQL example and the output documented under it (``# {...}``
    comment lines after the operation, before the next one)."""
    document = parse(text)
    found: list[tuple[str, str | None]] = []
    for n, definition in enumerate(document.definitions):
        assert isinstance(definition, OperationDefinitionNode)
        assert definition.loc is not None
        following = document.definitions[n + 1] if n + 1 < len(document.definitions) else None
        end = following.loc.start if following is not None and following.loc else len(text)
        documented = documented_output(text[definition.loc.end : end].split("\n"))
        found.append((text[definition.loc.start : definition.loc.end], documented))
    return found


def run_graphql(block: Block, url: str, env: dict[str, str]) -> list[Call]:
    """Each operation of the block sent to ``/graphql`` with ``$TOKEN``, in order. An
    operation's variables are the shell variables of the same name in upper case
    (``$version`` is ``$VERSION``); a value that is not an ID or a String is JSON."""
    calls: list[Call] = []
    for operation, documented in graphql_operations(localised(block.text, url)):
        [definition] = parse(operation).definitions
        assert isinstance(definition, OperationDefinitionNode)
        assert definition.operation.value != "subscription", (
            f"{block.where}: a subscription example runs as Python (a WebSocket client)"
        )
        variables: dict[str, object] = {}
        for variable in definition.variable_definitions or ():
            name = variable.variable.name.value
            assert name.upper() in env, f"{block.where}: ${name} needs ${name.upper()} set"
            value = env[name.upper()]
            kind = print_ast(variable.type).rstrip("!")
            variables[name] = value if kind in ("ID", "String") else json.loads(value)
        answer = httpx.post(
            f"{url}/graphql",
            json={"query": operation, "variables": variables},
            headers={"Authorization": f"Bearer {env['TOKEN']}"},
            timeout=120,
        )
        first = operation.strip().split("\n")[0]
        calls.append(Call(block.line, first, documented, answer.text))
    return calls
