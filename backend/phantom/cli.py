"""The ``phantom`` command."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from phantom.audit.cli import audit_app
from phantom.cli_support import JsonFlag, fail, run, tenant_named
from phantom.config import settings

app = typer.Typer(help="Phantom ML Studio", no_args_is_help=True, add_completion=False)
tenant_app = typer.Typer(help="Manage tenants (organizations).", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)
schema_app = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
openapi_app = typer.Typer(help="The REST contract (OpenAPI 3.1).", no_args_is_help=True)
keys_app = typer.Typer(
    help="The master key: its provider, rotation, the AWS KMS key ring.", no_args_is_help=True
)
app.add_typer(tenant_app, name="tenant")
app.add_typer(token_app, name="token")
app.add_typer(schema_app, name="schema")
app.add_typer(openapi_app, name="openapi")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")

DEMO_SLUG, DEMO_EMAIL = "demo", "admin@demo-bank.example.com"


def _check_master_key() -> None:
    """Refuse to start with a PHANTOM_MASTER_KEY that cannot open this database's data."""
    from phantom.audit.keycheck import check_master_key

    run(check_master_key())


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
    keep_alive_seconds: Annotated[
        int,
        typer.Option(
            min=1,
            max=4000,
            help="Idle keep-alive connections stay open this long; behind a load balancer, "
            "longer than its idle timeout (else it reuses connections we closed: 502s)",
        ),
    ] = 5,
) -> None:
    """Serve the API and the web app (uvicorn). On SIGTERM it stops accepting, lets the
    requests in flight finish for at most PHANTOM_SHUTDOWN_GRACE_SECONDS, closes WebSockets
    (1012, service restart), then flushes what it buffers (docs/operations.md)."""
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
        timeout_keep_alive=keep_alive_seconds,
        timeout_graceful_shutdown=settings.SHUTDOWN_GRACE_SECONDS,
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
    the slots the host is sized for; ``--queue`` splits them onto separate hosts. On
    SIGTERM each process finishes or hands back its jobs within
    PHANTOM_SHUTDOWN_GRACE_SECONDS (docs/operations.md, "Stopping and restarting")."""
    import os

    if not settings.REDIS_URL:
        fail(
            "phantom worker needs PHANTOM_REDIS_URL; `phantom standalone` runs jobs in-process.",
            False,
        )
    if queue not in ("all", "default", "training"):
        fail("--queue must be all, default or training.", False)
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
            # Dramatiq's own graceful stop: its threads get this long (default 10 min)
            "--worker-shutdown-timeout",
            str(settings.SHUTDOWN_GRACE_SECONDS * 1000),
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
    raise typer.Exit(
        supervise_workers(commands, settings.SHUTDOWN_GRACE_SECONDS + WORKER_KILL_MARGIN_SECONDS)
    )


WORKER_KILL_MARGIN_SECONDS = 10  # past the grace: Dramatiq's consumers stop, the broker closes


def supervise_workers(commands: list[tuple[list[str], dict[str, str]]], bound: float) -> int:
    """Run both Dramatiq supervisors; either ending ends both (the orchestrator restarts
    us). A signal is forwarded once; whatever still runs ``bound`` seconds later is
    killed with its whole process tree, so a stop never waits forever. The exit code:
    0 after a clean stop on a signal, else the first child's (1 if it was 0)."""
    import os
    import signal
    import subprocess
    import time

    children = [
        subprocess.Popen(args, env={**os.environ, **extra})  # noqa: S603 - our own command
        for args, extra in commands
    ]
    stop_began: list[float] = []  # when the stop began: the bound counts from there
    signalled: list[int] = []

    def forward(signum: int) -> None:
        for child in children:
            if child.poll() is None:
                child.send_signal(signum)

    def stop() -> None:
        if not stop_began:
            stop_began.append(time.monotonic())
            forward(signal.SIGTERM)

    def on_signal(signum: int, _: object) -> None:
        if signum == signal.SIGHUP:  # Dramatiq restarts its processes: not a stop
            forward(signum)
            return
        signalled.append(signum)
        stop()

    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, on_signal)
    first_code: int | None = None  # the child that ended on its own, before any stop
    while any(child.poll() is None for child in children):
        if not stop_began and any(child.returncode is not None for child in children):
            first_code = next(c.returncode for c in children if c.returncode is not None)
            stop()
        if stop_began and time.monotonic() - stop_began[0] > bound:
            for child in children:
                _kill_tree(child.pid)
        time.sleep(0.1)
    if first_code is None:
        first_code = next(c.returncode for c in children if c.returncode is not None)
        if signalled:  # a requested stop: clean unless a child says otherwise
            return max((abs(c.returncode) for c in children), default=0)
    return first_code or 1


def _kill_tree(pid: int) -> None:
    """SIGKILL to a process and every descendant (a fit's own session included)."""
    import psutil

    try:
        root = psutil.Process(pid)
        processes = [*root.children(recursive=True), root]
    except psutil.NoSuchProcess:
        return
    for process in processes:
        with contextlib.suppress(psutil.NoSuchProcess):
            process.kill()


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
    if not settings.MASTER_KEY and settings.KEY_PROVIDER == "env":
        settings.create_master_key_file()  # standalone's own choice: the key lives in ./var
    upgrade()
    _check_master_key()
    logins = run(_seed_demo())
    email, password = DEMO_EMAIL, "(unknown: delete ./var to start over)"
    if logins is not None:
        email, password = logins.admin.email, logins.admin.password

    def banner() -> None:
        typer.secho(f"\n  Phantom ML Studio is running at {url}", fg=typer.colors.GREEN, bold=True)
        typer.echo(f"  Sign in with organization '{DEMO_SLUG}', email {email}, password {password}")
        if logins is not None and settings.DEMO:
            typer.echo(
                f"  The demo team's logins (data scientist, compliance officer, executive): "
                f"{Path(settings.VAR_DIR) / 'demo-login.json'}"
            )
        typer.echo("  Press Ctrl+C to stop.\n")

    background = None
    if logins is not None and settings.DEMO:

        async def background() -> None:
            await _fill_demo(logins)

    uvicorn.run(
        create_app(in_process_worker=True, on_ready=banner, background=background),
        host=host,
        port=port,
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=settings.SHUTDOWN_GRACE_SECONDS,
        ws_max_size=1 << 20,
    )


async def _seed_demo() -> Any:
    """Create the demo tenant once (its owner's generated password is kept in
    ./var/demo-login.json, 0600); None when it exists but that file was deleted."""
    from phantom.demo.seed import create_organization

    return await create_organization(Path(settings.VAR_DIR))


async def _fill_demo(logins: Any) -> None:
    """The demo's data, in the background: a progress line per step (docs/operations.md,
    "The demo"); a failure is printed and the server stays up (the next start resumes)."""
    from phantom.demo.progress import state_path
    from phantom.demo.seed import Seeder

    def echo(line: str) -> None:
        typer.secho(line, fg=typer.colors.CYAN)

    seeder = Seeder(
        logins,
        state_path(),
        Path(settings.VAR_DIR),
        budget_seconds=settings.DEMO_TRAINING_SECONDS,
        echo=echo,
    )
    if seeder.state.done:
        return
    echo("  demo data: preparing in the background (the app is usable meanwhile)")
    with contextlib.suppress(Exception):  # printed by the seeder; the app stays up
        await seeder.run()


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
    from phantom.identity.tenants import tenants

    async def create() -> Any:
        async with transaction(None) as session:
            return await tenants.create(
                session,
                slug=slug,
                name=name,
                admin_email=admin_email,
                admin_password=admin_password,
            )

    new = run(create(), as_json)
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
    from phantom.identity.tokens import tokens

    async def create() -> Any:
        found = await tenant_named(tenant)
        async with transaction(found.id) as session:
            return await tokens.create(
                session,
                tenant_id=found.id,
                email=email,
                name=name,
                role=role,
                scopes=scope or None,
                expires_in_days=expires_in_days,
            )

    secret, token = run(create(), as_json)
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

    found = run(tenant_named(tenant))
    send_job("identity.housekeeping", tenant_id=found.id)
    typer.echo(f"queued housekeeping for {tenant}")


def _kms_provider(command: str, as_json: bool) -> Any:
    from phantom.kit import keys

    provider = keys.provider()
    if not isinstance(provider, keys.KmsKeyProvider):
        fail(
            f"`phantom keys {command}` is for PHANTOM_KEY_PROVIDER=aws-kms. With the env "
            "provider, rotate by setting a new PHANTOM_MASTER_KEY with the old one in "
            "PHANTOM_MASTER_KEY_PREVIOUS, restarting the processes, then `phantom keys rewrap`.",
            as_json,
        )
    return provider


async def _rewrap() -> dict[str, int]:
    """The one re-seal after any rotation: every wrapped audit key (data, MAC, signing,
    subject keys) goes under the master key that seals now."""
    from phantom.audit.rotation import rewrap_all
    from phantom.db import transaction

    async with transaction(None) as session:
        done = await rewrap_all(session)
    return {"keys": done.keys, "subject_keys": done.subject_keys}


@keys_app.command("status")
def keys_status(as_json: JsonFlag = False) -> None:
    """Which provider, which master key id seals, which ids still open (ids, never keys)."""
    from phantom.kit import crypto, keys

    async def status() -> dict[str, Any]:
        provider = keys.provider()
        body: dict[str, Any] = {
            "ok": True,
            "provider": provider.name,
            "current": crypto.current_key_id(),
            "keys": crypto.known_key_ids(),
        }
        if isinstance(provider, keys.KmsKeyProvider):
            body["kms_key_id"] = provider.kms_key_id
            body["ring"] = [
                {
                    "key_id": e.key_id,
                    "generation": e.generation,
                    "origin": e.origin,
                    "kms_key_arn": e.kms_key_arn,
                    "created_at": e.created_at.isoformat(),
                }
                for e in provider.ring()
            ]
        return body

    body = run(status(), as_json)
    if as_json:
        typer.echo(json.dumps(body))
        return
    typer.echo(f"provider {body['provider']}; sealing with master key id {body['current']}")
    for kid, where in body["keys"].items():
        typer.echo(f"  {kid}  {where}")


@keys_app.command("rewrap")
def keys_rewrap(as_json: JsonFlag = False) -> None:
    """After a rotation (either provider): re-seal every audit key under the current
    master key. The same as `phantom audit rewrap`."""
    done = run(_rewrap(), as_json)
    typer.echo(
        json.dumps({"ok": True, **done})
        if as_json
        else f"re-sealed {done['keys']} keys and {done['subject_keys']} subject keys"
    )


@keys_app.command("rotate")
def keys_rotate(as_json: JsonFlag = False) -> None:
    """aws-kms: a new data key from KMS seals from now on (older ones keep opening; ring
    entries wrapped by another KMS key are re-wrapped under PHANTOM_KMS_KEY_ID), then every
    audit key is re-sealed under it, as `phantom keys rewrap` does."""
    provider = _kms_provider("rotate", as_json)

    async def rotate() -> dict[str, Any]:
        new = provider.rotate()
        return {"ok": True, "current": new, **await _rewrap()}

    body = run(rotate(), as_json)
    typer.echo(
        json.dumps(body)
        if as_json
        else (
            f"master key id {body['current']} seals from now on (every process within "
            f"PHANTOM_KMS_CACHE_SECONDS); re-sealed {body['keys']} keys and "
            f"{body['subject_keys']} subject keys"
        )
    )


@keys_app.command("import-env")
def keys_import_env(as_json: JsonFlag = False) -> None:
    """From PHANTOM_MASTER_KEY to AWS KMS: wrap PHANTOM_MASTER_KEY (or standalone's key
    file) and PHANTOM_MASTER_KEY_PREVIOUS into the KMS key ring, where they keep opening
    what they sealed and never seal again. Run once with PHANTOM_KEY_PROVIDER=aws-kms and
    the old keys still set; then remove them."""
    provider = _kms_provider("import-env", as_json)
    found: list[bytes] = []
    try:
        if settings.MASTER_KEY or settings.master_key_file.exists():
            found.append(settings.master_key)
        found.extend(settings.previous_master_keys)
    except ValueError as error:
        fail(str(error), as_json)
    if not found:
        fail(
            "No key to import: set PHANTOM_MASTER_KEY (and PHANTOM_MASTER_KEY_PREVIOUS) to "
            "the keys this database was sealed with.",
            as_json,
        )

    async def wrap() -> list[str]:
        added: list[str] = provider.import_keys(found)
        return added

    added = run(wrap(), as_json)
    typer.echo(
        json.dumps({"ok": True, "imported": added})
        if as_json
        else (
            f"imported {len(added)} key(s) into the KMS key ring ({', '.join(added) or 'none new'})"
            "; now remove PHANTOM_MASTER_KEY, PHANTOM_MASTER_KEY_PREVIOUS and any "
            f"{settings.master_key_file}"
        )
    )


@app.command()
def queues(
    emf_namespace: Annotated[
        str | None,
        typer.Option(help="Print CloudWatch embedded metric format lines in this namespace"),
    ] = None,
    every: Annotated[
        float | None, typer.Option(min=1, help="Repeat every this many seconds, until stopped")
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """Jobs waiting and in flight on each worker queue (default, training): the signal
    workers scale on. Needs PHANTOM_REDIS_URL."""
    import time

    from phantom.kit.queuedepth import emf_line, queue_depths

    if not settings.REDIS_URL:
        fail("phantom queues needs PHANTOM_REDIS_URL (standalone has no queues)", as_json)
    while True:
        depths = queue_depths()
        for depth in depths:
            if emf_namespace:
                typer.echo(emf_line(depth, emf_namespace))
            elif as_json:
                typer.echo(
                    json.dumps(
                        {
                            "queue": depth.queue,
                            "waiting": depth.waiting,
                            "in_flight": depth.in_flight,
                            "depth": depth.depth,
                        }
                    )
                )
            else:
                typer.echo(f"{depth.queue}: {depth.waiting} waiting, {depth.in_flight} in flight")
        if every is None:
            return
        sys.stdout.flush()
        time.sleep(every)


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


@schema_app.command("operations")
def schema_operations(
    write: Annotated[
        Path | None, typer.Option(help="Replace the table between the markers in this file")
    ] = None,
    check: Annotated[bool, typer.Option(help="Exit 1 when --write's file is stale")] = False,
) -> None:
    """The operations table (every root field, its permission), from the schema."""
    from phantom.graphql.operations import operation_permissions, operations_table, with_table
    from phantom.graphql.schema import schema

    table = operations_table(schema._schema, operation_permissions())
    if write is None:
        typer.echo(table, nl=False)
        return
    current = write.read_text()
    try:
        updated = with_table(current, table)
    except ValueError as error:
        typer.echo(f"{write}: {error}", err=True)
        raise typer.Exit(1) from None
    if check:
        if updated != current:
            typer.echo(f"{write} is stale: `phantom schema operations --write {write}`", err=True)
            raise typer.Exit(1)
        return
    write.write_text(updated)


@schema_app.command("changelog")
def schema_changelog(
    since: Annotated[str, typer.Option("--from", help="git revision of the older schema")],
    until: Annotated[
        str | None, typer.Option("--to", help="git revision (default: the file as it is now)")
    ] = None,
    title: Annotated[str | None, typer.Option(help="the entry's heading")] = None,
    path: Annotated[str, typer.Option(help="the schema file, relative to the repository")] = (
        "schema.graphql"
    ),
) -> None:
    """A docs/changelog.md entry: what changed in schema.graphql between two revisions."""
    import subprocess

    from phantom.config import REPO_ROOT
    from phantom.graphql.changelog import diff, schema_at, section

    try:
        old = schema_at(since, path, REPO_ROOT)
        new = schema_at(until, path, REPO_ROOT) if until else (REPO_ROOT / path).read_text()
    except subprocess.CalledProcessError as error:
        typer.echo(f"git cannot show {path} there: {error.stderr.strip()[:300]}", err=True)
        raise typer.Exit(1) from None
    except ValueError as error:
        typer.echo(str(error), err=True)
        raise typer.Exit(1) from None
    typer.echo(section(title or f"{since}..{until or 'now'}", diff(old, new)))


@openapi_app.command("export")
def openapi_export(
    output: Annotated[Path | None, typer.Option(help="Write here instead of stdout")] = None,
) -> None:
    """Print the OpenAPI 3.1 document of the REST routes, as checked in at openapi.json
    and served at /api/v1/openapi.json."""
    from phantom.openapi import rendered

    document = rendered().decode()
    if output is None:
        typer.echo(document, nl=False)
        return
    try:
        output.write_text(document)
    except OSError as error:
        fail(f"cannot write {output}: {error.strerror or error}", False)


async def _prediction_log_check(session: Any) -> Any:
    from phantom.monitoring.predictionlog import verify

    return await verify(session)


def main() -> None:
    import phantom.models  # noqa: F401 - every table mapped: a domain's rows name others' (tenants)
    from phantom.audit.checks import register

    # records kept outside the chain under its proof: ``phantom audit verify`` checks them
    register("prediction log", _prediction_log_check)
    app()
