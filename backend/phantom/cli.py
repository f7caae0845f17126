"""The ``phantom`` command."""

from __future__ import annotations

import asyncio
import json
import secrets
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer

from phantom.config import settings

app = typer.Typer(help="Phantom ML Studio", no_args_is_help=True, add_completion=False)
tenant_app = typer.Typer(help="Manage tenants (organizations).", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(tenant_app, name="tenant")
app.add_typer(token_app, name="token")
app.add_typer(schema_app, name="schema")
app.add_typer(audit_app, name="audit")

JsonFlag = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
DEMO_SLUG, DEMO_EMAIL = "demo", "admin@demo-bank.example.com"


def _fail(message: str, as_json: bool, code: int = 2) -> NoReturn:
    if as_json:
        typer.echo(json.dumps({"ok": False, "error": message}))
    else:
        typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def _run(coro: Any, as_json: bool = False) -> Any:
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
        _fail(error.message, as_json)


def _cli_actor() -> Any:
    """Commands are recorded as the operating-system account that ran them."""
    import getpass

    from phantom.audit import Actor

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor.system(f"cli:{user}")


def _check_master_key() -> None:
    """Refuse to start with a PHANTOM_MASTER_KEY that cannot open this database's data."""
    from phantom.audit.keycheck import check_master_key

    _run(check_master_key())


async def _tenant(slug: str) -> Any:
    """The tenant named on the command line (NOT_FOUND otherwise, exit 2)."""
    from phantom.db import transaction
    from phantom.identity.service import identity

    async with transaction(None) as session:
        return await identity.tenant_by_slug(session, slug)


def _setup_logging() -> None:
    from phantom.kit.logging import configure_logging

    configure_logging(settings.LOG_LEVEL, settings.LOG_JSON)


@app.command()
def migrate() -> None:
    """Apply database migrations (alembic upgrade head) to PHANTOM_DATABASE_URL."""
    from phantom.migrate import upgrade

    upgrade()
    _check_master_key()  # the first run seals the canary under this key
    typer.echo("database is up to date")


@app.command()
def api(
    host: Annotated[str, typer.Option(help="Interface to bind.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="uvicorn processes")] = 1,
) -> None:
    """Serve the API and the web app (uvicorn)."""
    import uvicorn

    _setup_logging()
    _check_master_key()
    uvicorn.run(
        "phantom.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        proxy_headers=True,
        ws_max_size=1 << 20,
    )


@app.command()
def worker(
    processes: Annotated[int, typer.Option(min=1, max=64)] = settings.WORKER_PROCESSES,
    threads: Annotated[int, typer.Option(min=1, max=64)] = settings.WORKER_THREADS,
    queue: Annotated[
        str, typer.Option(help="all, default (background jobs) or training (fits only)")
    ] = "all",
) -> None:
    """Run Dramatiq workers (needs PHANTOM_REDIS_URL). Training runs in its own worker
    processes, one fit each (PHANTOM_TRAINING_SLOTS of them), so fits never outnumber
    the slots the host is sized for; ``--queue`` splits them onto separate hosts."""
    import os
    import signal
    import subprocess

    if not settings.REDIS_URL:
        _fail(
            "phantom worker needs PHANTOM_REDIS_URL; `phantom standalone` runs jobs in-process.",
            False,
        )
    if queue not in ("all", "default", "training"):
        _fail("--queue must be all, default or training.", False)
    _check_master_key()

    def command(name: str, count: int, per_process: int) -> list[str]:
        return [
            sys.executable,
            "-m",
            "dramatiq",
            "phantom.actors",
            "--processes",
            str(count),
            "--threads",
            str(per_process),
            "--queues",
            name,
            "--skip-logging",
        ]

    commands: list[tuple[list[str], dict[str, str]]] = []
    if queue in ("all", "default"):
        commands.append((command("default", processes, threads), {}))
    if queue in ("all", "training"):
        commands.append(
            (command("training", settings.TRAINING_SLOTS, 1), {"dramatiq_queue_prefetch": "1"})
        )
    if len(commands) == 1:
        args, extra = commands[0]
        os.execve(sys.executable, args, {**os.environ, **extra})  # noqa: S606 - becomes the supervisor
    children = [
        subprocess.Popen(args, env={**os.environ, **extra})  # noqa: S603 - our own command
        for args, extra in commands
    ]

    def forward(signum: int, _: object) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, forward)
    _, status = os.wait()  # either supervisor ending ends both: the supervisor restarts us
    forward(signal.SIGTERM, None)
    for child in children:
        child.wait()
    raise typer.Exit(os.waitstatus_to_exitcode(status) or 1)


@app.command()
def standalone(
    host: Annotated[str, typer.Option()] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
) -> None:
    """Everything in one process: API, worker, events, SQLite under ./var, a demo tenant."""
    import uvicorn

    from phantom.app import create_app
    from phantom.migrate import upgrade

    _setup_logging()
    url = f"http://{host}:{port}"
    settings.serve_at(url)
    if not settings.MASTER_KEY:
        settings.create_master_key_file()  # standalone's own choice: the key lives in ./var
    upgrade()
    _check_master_key()
    email, password = _run(_seed_demo())

    def banner() -> None:
        typer.secho(f"\n  Phantom ML Studio is running at {url}", fg=typer.colors.GREEN, bold=True)
        typer.echo(f"  Sign in with organization '{DEMO_SLUG}', email {email}, password {password}")
        typer.echo("  Press Ctrl+C to stop.\n")

    uvicorn.run(
        create_app(in_process_worker=True, on_ready=banner),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        ws_max_size=1 << 20,
    )


async def _seed_demo() -> tuple[str, str]:
    """Create the demo tenant once; its generated password is kept in ./var (0600)."""
    from phantom.db import transaction
    from phantom.identity.errors import TenantSlugTaken
    from phantom.identity.service import identity

    saved = Path(settings.VAR_DIR) / "demo-login.json"
    if saved.exists():
        login = json.loads(saved.read_text())
        return str(login["email"]), str(login["password"])
    password = secrets.token_urlsafe(12)
    try:
        async with transaction(None) as session:
            await identity.create_tenant(
                session,
                slug=DEMO_SLUG,
                name="Demo Bank",
                admin_email=DEMO_EMAIL,
                admin_password=password,
            )
    except TenantSlugTaken:  # seeded before, but its login file was deleted
        return DEMO_EMAIL, "(unknown: delete ./var to start over)"
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_text(json.dumps({"email": DEMO_EMAIL, "password": password}))
    saved.chmod(0o600)
    return DEMO_EMAIL, password


@tenant_app.command("create")
def tenant_create(
    slug: Annotated[str, typer.Argument(help="URL-safe identifier, e.g. acme-bank")],
    name: Annotated[str, typer.Option(help="Display name")],
    admin_email: Annotated[str, typer.Option(help="The first owner's email")],
    admin_password: Annotated[str | None, typer.Option(help="Generated when omitted")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Create a tenant and its first owner. Never prompts."""
    from phantom.db import transaction
    from phantom.identity.service import identity

    async def create() -> Any:
        async with transaction(None) as session:
            return await identity.create_tenant(
                session,
                slug=slug,
                name=name,
                admin_email=admin_email,
                admin_password=admin_password,
            )

    new = _run(create(), as_json)
    result = {
        "ok": True,
        "tenant": {"id": str(new.tenant.id), "slug": new.tenant.slug, "name": new.tenant.name},
        "admin": {"id": str(new.admin.id), "email": new.admin.email},
        "generated_password": new.generated_password,
    }
    if as_json:
        typer.echo(json.dumps(result))
        return
    typer.echo(f"created tenant {new.tenant.slug} ({new.tenant.name}); owner {new.admin.email}")
    if new.generated_password:
        typer.echo(f"generated password (shown once): {new.generated_password}")


@token_app.command("create")
def token_create(
    tenant: Annotated[str, typer.Option(help="Tenant slug")],
    email: Annotated[str, typer.Option(help="The token's user")],
    name: Annotated[str, typer.Option(help="A label, e.g. 'ci-pipeline'")],
    role: Annotated[
        str | None, typer.Option(help="Narrow to a role's permissions, e.g. viewer")
    ] = None,
    scope: Annotated[
        list[str] | None, typer.Option(help="Narrow to these permissions (repeatable)")
    ] = None,
    expires_in_days: Annotated[int | None, typer.Option(help="1-366; default 90")] = 90,
    as_json: JsonFlag = False,
) -> None:
    """Create an API token for a user of a tenant. The secret is printed once."""
    from phantom.db import transaction
    from phantom.identity.service import identity

    async def create() -> Any:
        found = await _tenant(tenant)
        async with transaction(found.id) as session:
            return await identity.create_api_token(
                session,
                tenant_id=found.id,
                email=email,
                name=name,
                role=role,
                scopes=scope or None,
                expires_in_days=expires_in_days,
            )

    secret, token = _run(create(), as_json)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "token": secret,
                    "id": str(token.id),
                    "scopes": token.scopes,
                    "expires_at": token.expires_at.isoformat() if token.expires_at else None,
                }
            )
        )
    else:
        typer.echo(secret)


@app.command()
def housekeeping(tenant: Annotated[str, typer.Option(help="Tenant slug")]) -> None:
    """Queue the tenant's housekeeping job (a worker runs it)."""
    import phantom.actors  # noqa: F401 - declares the actor named below
    from phantom.kit.jobs import send_job

    found = _run(_tenant(tenant))
    send_job("identity.housekeeping", tenant_id=found.id)
    typer.echo(f"queued housekeeping for {tenant}")


@schema_app.command("export")
def schema_export(
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout")] = None,
) -> None:
    """Print the GraphQL schema (SDL), as checked in at schema.graphql."""
    from phantom.graphql.schema import schema

    sdl = schema.as_str() + "\n"
    if output is None:
        typer.echo(sdl, nl=False)
    else:
        output.write_text(sdl)


@audit_app.command("verify")
def audit_verify(
    tenant: Annotated[str, typer.Option(help="Tenant slug")],
    as_json: JsonFlag = False,
) -> None:
    """Verify a tenant's audit chain. Exit 0 when intact, 1 when tampered with."""
    from phantom.audit import Outcome, record
    from phantom.audit.proof import Result
    from phantom.audit.verify import verify_tenant_chain
    from phantom.db import transaction

    async def verify() -> Result:
        found = await _tenant(tenant)
        result = await verify_tenant_chain(found.id)
        async with transaction(found.id) as session:
            await record(
                session,
                actor=_cli_actor(),
                action="audit.chain.verified",
                resource=("audit_chain", found.id),
                outcome=Outcome.SUCCESS if result.ok else Outcome.FAILURE,
                details=result.to_json(),
            )
        return result

    result = _run(verify(), as_json)
    if as_json:
        typer.echo(json.dumps(result.to_json()))
    elif result.ok:
        reached = result.checkpoint
        signed = (
            f"; signed checkpoint at seq {reached.seq} ({reached.signed_at}, key {reached.key_id})"
            if reached
            else "; no signed checkpoint yet"
        )
        typer.echo(f"intact: {result.events} events{signed}")
    else:
        _say_tampered(result.first_bad_seq, result.reason)
    raise typer.Exit(0 if result.ok else 1)


def _say_tampered(first_bad_seq: int | None, reason: str | None) -> None:
    typer.secho(f"TAMPERED: first bad seq {first_bad_seq}: {reason}", err=True, fg=typer.colors.RED)


@audit_app.command("export")
def audit_export(
    tenant: Annotated[str, typer.Option(help="Tenant slug")],
    output: Annotated[Path, typer.Option(help="The .jsonl file to write")],
    from_seq: Annotated[int, typer.Option("--from", min=1, help="First seq")] = 1,
    to_seq: Annotated[
        int | None, typer.Option("--to", min=1, help="Last seq (default: head)")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Export a range as JSON Lines with its checkpoints and public keys (signs the head
    first). Verify it with backend/phantom/audit/proof.py, which runs on its own."""
    from phantom.audit.service import audit_service
    from phantom.audit.verify import ExportRange

    async def export() -> ExportRange:
        found = await _tenant(tenant)
        async with audit_service.exporting(
            found.id, found.slug, _cli_actor(), from_seq, to_seq
        ) as (span, lines):
            with output.open("w", encoding="utf-8") as file:
                async for line in lines:
                    file.write(line)
        return span

    span = _run(export(), as_json)
    summary = {
        "ok": True,
        "file": str(output),
        "from_seq": span.first,
        "to_seq": span.last,
        "events": span.events,
    }
    typer.echo(json.dumps(summary) if as_json else f"exported {span.events} events to {output}")


@audit_app.command("verify-export")
def audit_verify_export(
    tenant: Annotated[str, typer.Option(help="Tenant slug")],
    export: Annotated[Path, typer.Argument(help="The .jsonl file")],
    as_json: JsonFlag = False,
) -> None:
    """Verify an export with the server's keys: signatures by this organization's keys,
    and every event's MAC and purge. (Without the keys, proof.py checks hashes and
    signatures only.) Exit 0 when intact, 1 when not, 2 when unreadable."""
    from phantom.audit.proof import ExportError, Result
    from phantom.audit.verify import verify_export_with_keys

    async def verify() -> Result:
        found = await _tenant(tenant)
        try:
            lines = export.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ExportError(str(error)) from None
        return await verify_export_with_keys(found.id, lines)

    try:
        result = _run(verify(), as_json)
    except ExportError as error:
        body = {"ok": False, "error": str(error)}
        typer.echo(json.dumps(body) if as_json else f"error: {error}", err=not as_json)
        raise typer.Exit(2) from None
    if as_json:
        typer.echo(json.dumps(result.to_json()))
    elif result.ok:
        typer.echo(f"intact: {result.events} events, every MAC valid")
    else:
        _say_tampered(result.first_bad_seq, result.reason)
    raise typer.Exit(0 if result.ok else 1)


@audit_app.command("rewrap")
def audit_rewrap(as_json: JsonFlag = False) -> None:
    """After a master key rotation (new key in PHANTOM_MASTER_KEY, old one in
    PHANTOM_MASTER_KEY_PREVIOUS): re-seal every audit key under the new key."""
    from phantom.audit.rotation import Rewrapped, rewrap_all
    from phantom.db import transaction

    async def rewrap() -> Rewrapped:
        async with transaction(None) as session:
            return await rewrap_all(session)

    done = _run(rewrap(), as_json)
    result = {"ok": True, "keys": done.keys, "subject_keys": done.subject_keys}
    typer.echo(
        json.dumps(result)
        if as_json
        else f"re-sealed {done.keys} keys and {done.subject_keys} subject keys"
    )


@audit_app.command("rotate-data-key")
def audit_rotate_data_key(
    tenant: Annotated[str, typer.Option(help="Tenant slug")], as_json: JsonFlag = False
) -> None:
    """Retire the tenant's audit data key; the next event starts a new one."""
    from phantom.audit.rotation import rotate_data_key
    from phantom.db import transaction

    async def rotate() -> int:
        found = await _tenant(tenant)
        async with transaction(found.id) as session:
            return await rotate_data_key(session, _cli_actor())

    first = _run(rotate(), as_json)
    typer.echo(
        json.dumps({"ok": True, "new_key_from_seq": first})
        if as_json
        else f"data key retired; events from seq {first} use a new key"
    )


@audit_app.command("rotate-signing-key")
def audit_rotate_signing_key(
    tenant: Annotated[str, typer.Option(help="Tenant slug")], as_json: JsonFlag = False
) -> None:
    """Start a new checkpoint signing key, vouched for by the old one."""
    from phantom.audit.rotation import rotate_signing_key
    from phantom.db import transaction

    async def rotate() -> str:
        found = await _tenant(tenant)
        async with transaction(found.id) as session:
            return await rotate_signing_key(session, _cli_actor())

    key_id = _run(rotate(), as_json)
    typer.echo(
        json.dumps({"ok": True, "signing_key_id": key_id})
        if as_json
        else f"new signing key {key_id}; the old key signed the change"
    )


def main() -> None:
    import phantom.models  # noqa: F401 - every table mapped: a domain's rows name others' (tenants)

    app()
