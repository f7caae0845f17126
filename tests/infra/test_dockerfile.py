"""The Dockerfile's rules, read from the file (no Docker daemon on our machines): multi-
stage, pinned base images, the environment installed exactly from uv.lock without dev
tools, and a final stage with no compilers or installers that runs as a non-root user
with a health check. `scripts/lint` also scans it with checkov."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COMPILERS = ("gcc", "g++", "clang", "build-essential", "make", "cmake", "cargo", "rustc")


@dataclass
class Stage:
    image: str
    name: str
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [args for key, args in self.instructions if key == keyword]


def stages() -> list[Stage]:
    text = (REPO / "Dockerfile").read_text()
    logical = re.sub(r"\\\n", " ", text)  # join continuation lines
    found: list[Stage] = []
    for line in logical.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, args = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            image, _, name = args.partition(" AS ")
            found.append(Stage(image.strip(), name.strip()))
        elif found:
            found[-1].instructions.append((keyword, args.strip()))
    return found


def test_multi_stage_with_pinned_base_images() -> None:
    found = stages()
    assert len(found) >= 2
    for stage in found:
        _, _, tag = stage.image.partition(":")
        assert tag, f"{stage.image}: pin a version"
        assert tag != "latest"
        assert re.match(r"\d+\.\d+\.\d+", tag), f"{stage.image}: pin the full version"
        assert "$" not in stage.image, "a literal image, so scanners see the pin"


def test_environment_comes_from_the_lock_without_dev_tools() -> None:
    runs = " ".join(run for stage in stages() for run in stage.all("RUN"))
    syncs = re.findall(r"uv sync [^&;]*", runs)
    assert syncs
    for sync in syncs:
        assert "--frozen" in sync
        assert "--no-dev" in sync
        assert "--extra dev" not in sync
    setup = (REPO / "scripts" / "setup").read_text()
    pinned = re.search(r"UV_VERSION=(\S+)", setup)
    assert pinned
    assert f'"uv=={pinned.group(1)}"' in runs, "the image installs the uv scripts/setup pins"


def test_final_stage_is_non_root_healthy_and_has_no_compilers() -> None:
    final = stages()[-1]
    users = final.all("USER")
    assert users, "the final stage names its user"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0")
    assert final.all("HEALTHCHECK")
    check = final.all("HEALTHCHECK")[-1]
    command = json.loads(check[check.index("CMD") + 3 :].strip())
    assert command[:2] == ["python", "-c"]
    compile(command[2], "HEALTHCHECK", "exec")  # the health check is valid Python
    assert "/healthz" in command[2]
    for run in final.all("RUN"):
        words = set(re.split(r"[\s;&|]+", run))
        assert not words & set(COMPILERS), f"compiler in the final stage: {run}"
        assert "pip" not in words
        assert "uv" not in words
        assert "npm" not in words
    assert final.all("ENTRYPOINT") == ['["phantom"]']


def test_dockerignore_keeps_what_the_build_copies() -> None:
    ignored = [
        line.strip()
        for line in (REPO / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    for must in (".git", ".venv", "frontend/node_modules", "var"):
        assert must in ignored
    copied = [
        source
        for stage in stages()
        for args in stage.all("COPY")
        if not args.startswith("--from")
        for source in args.split()[:-1]
    ]
    assert "uv.lock" in copied
    for source in copied:
        top = source.rstrip("/").split("/")
        for pattern in ignored:
            assert "/".join(top[: len(pattern.split("/"))]) != pattern, (
                f"{source} is copied but .dockerignore drops it ({pattern})"
            )
