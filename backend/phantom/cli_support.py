"""What the ``phantom`` command and the domains' command groups (``audit/cli.py``)
share: running a coroutine, failing with a message, the ``--json`` flag, the tenant
named on the command line."""

from __future__ import annotations

import asyncio
import json
from typing import Annotated, Any, NoReturn

import typer

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


def fail(message: str, as_json: bool, code: int = 2) -> NoReturn:
    if as_json:
        typer.echo(json.dumps({"ok": False, "error": message}))
    else:
        typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def run(coro: Any, as_json: bool = False) -> Any:
    """Runs a command's coroutine, then disposes of the engine; a ``PhantomError`` is the
    command's error message (exit 2)."""
    from phantom.db import dispose_engine
    from phantom.kit.errors import PhantomError

    async def main() -> Any:
        try:
            return await coro
        finally:
            await dispose_engine()

    try:
        return asyncio.run(main())
    except PhantomError as error:
        fail(error.message, as_json)


async def tenant_named(slug: str) -> Any:
    """The tenant named on the command line (NOT_FOUND otherwise, exit 2)."""
    from phantom.db import transaction
    from phantom.identity.tenants import tenants

    async with transaction(None) as session:
        return await tenants.by_slug(session, slug)
