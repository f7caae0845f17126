"""``phantom audit``: verify, export and re-key the tamper-evident audit log."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from phantom.audit import Actor
from phantom.audit.checks import RecordsChecked, registered
from phantom.cli_support import JsonFlag, run, tenant_named

audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)


def _cli_actor() -> Actor:
    """Commands are recorded as the operating-system account that ran them."""
    import getpass

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Actor.system(f"cli:{user}")


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

    async def verify() -> tuple[Result, dict[str, RecordsChecked]]:
        found = await tenant_named(tenant)
        result = await verify_tenant_chain(found.id)
        records = {}
        for name, check in registered().items():
            async with transaction(found.id) as session:
                records[name] = await check(session)
        intact = result.ok and all(r.ok for r in records.values())
        async with transaction(found.id) as session:
            await record(
                session,
                actor=_cli_actor(),
                action="audit.chain.verified",
                resource=("audit_chain", found.id),
                outcome=Outcome.SUCCESS if intact else Outcome.FAILURE,
                details={**result.to_json(), "records": _records_json(records)},
            )
        return result, records

    result, records = run(verify(), as_json)
    records_ok = all(r.ok for r in records.values())
    if as_json:
        verdict = {"ok": result.ok and records_ok, "records": _records_json(records)}
        typer.echo(json.dumps({**result.to_json(), **verdict}))
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
    if not as_json:
        for name, checked in records.items():
            if checked.ok:
                typer.echo(f"{name} intact: {checked.summary}")
            for problem in checked.problems[:20]:
                typer.secho(f"{name} TAMPERED: {problem}", err=True, fg=typer.colors.RED)
    raise typer.Exit(0 if result.ok and records_ok else 1)


def _records_json(records: dict[str, RecordsChecked]) -> dict[str, Any]:
    return {
        name: {"ok": r.ok, "checked": r.summary, "problems": r.problems[:100]}
        for name, r in records.items()
    }


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
        found = await tenant_named(tenant)
        async with audit_service.exporting(
            found.id, found.slug, _cli_actor(), from_seq, to_seq
        ) as (span, lines):
            with output.open("w", encoding="utf-8") as file:
                async for line in lines:
                    file.write(line)
        return span

    span = run(export(), as_json)
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
        found = await tenant_named(tenant)
        try:
            lines = export.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise ExportError(str(error)) from None
        return await verify_export_with_keys(found.id, lines)

    try:
        result = run(verify(), as_json)
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


@audit_app.command("verify-report")
def audit_verify_report(
    file: Annotated[Path, typer.Argument(help="The report file (.pdf or .html)")],
    tenant: Annotated[str, typer.Option(help="Tenant slug")],
    as_json: JsonFlag = False,
) -> None:
    """Is this model report the one the tenant issued? Exit 0 when its SHA-256 is one the
    tenant's audit chain recorded at generation and the chain verifies; 1 otherwise (an
    edited file, another tenant's, or a tampered chain); 2 when the file is unreadable."""
    from phantom.audit import Outcome, record
    from phantom.audit.issued import IssuedReport, issued_report
    from phantom.audit.proof import Result, file_sha256
    from phantom.audit.verify import verify_tenant_chain
    from phantom.db import transaction

    try:
        sha256 = file_sha256(str(file))
    except OSError as error:
        unreadable = f"cannot read {file}: {error.strerror or error}"
        typer.echo(
            json.dumps({"ok": False, "error": unreadable}) if as_json else f"error: {unreadable}",
            err=not as_json,
        )
        raise typer.Exit(2) from None

    async def verify() -> tuple[Result, IssuedReport | None]:
        found = await tenant_named(tenant)
        result = await verify_tenant_chain(found.id)
        async with transaction(found.id) as session:
            issued = await issued_report(session, sha256) if result.ok else None
            await record(
                session,
                actor=_cli_actor(),
                action="audit.report.verified",
                resource=("model_report", issued.report_id if issued else None),
                outcome=Outcome.SUCCESS if issued else Outcome.FAILURE,
                details={"sha256": sha256, "chain_ok": result.ok, "issued": bool(issued)},
            )
        return result, issued

    result, issued = run(verify(), as_json)
    body: dict[str, Any] = {"ok": issued is not None, "sha256": sha256, "chain": result.to_json()}
    if not result.ok:
        text = (
            f"NOT VERIFIED: the audit chain does not verify (first bad seq "
            f"{result.first_bad_seq}: {result.reason}), so no report can be proven."
        )
    elif issued is None:
        text = (
            f"NOT ISSUED: no report generated in organization '{tenant}' has SHA-256 "
            f"{sha256}. The file was changed, or was not issued by this organization."
        )
    else:
        details = issued.details
        who = issued.generated_by or (f"user {issued.actor_id}" if issued.actor_id else "unknown")
        body["report"] = {
            "id": issued.report_id,
            "kind": issued.kind,
            "seq": issued.seq,
            "generated_at": issued.occurred_at.isoformat(),
            "generated_by": who,
            "model": details.get("model"),
            "version": details.get("version"),
            "model_version_id": details.get("model_version_id"),
        }
        text = (
            f"ISSUED: the {issued.kind.upper()} of the report on model "
            f"'{details.get('model', '?')}' version {details.get('version', '?')}, generated "
            f"{issued.occurred_at.isoformat()} by {who} (report {issued.report_id}, audit "
            f"event seq {issued.seq}); the audit chain verifies ({result.events} events)."
        )
    if as_json:
        typer.echo(json.dumps(body))
    elif issued is not None:
        typer.echo(text)
    else:
        typer.secho(text, err=True, fg=typer.colors.RED)
    raise typer.Exit(0 if issued is not None else 1)


@audit_app.command("rewrap")
def audit_rewrap(as_json: JsonFlag = False) -> None:
    """After a master key rotation (new key in PHANTOM_MASTER_KEY, old one in
    PHANTOM_MASTER_KEY_PREVIOUS): re-seal every audit key under the new key."""
    from phantom.audit.rotation import Rewrapped, rewrap_all
    from phantom.db import transaction

    async def rewrap() -> Rewrapped:
        async with transaction(None) as session:
            return await rewrap_all(session)

    done = run(rewrap(), as_json)
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
        found = await tenant_named(tenant)
        async with transaction(found.id) as session:
            return await rotate_data_key(session, _cli_actor())

    first = run(rotate(), as_json)
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
        found = await tenant_named(tenant)
        async with transaction(found.id) as session:
            return await rotate_signing_key(session, _cli_actor())

    key_id = run(rotate(), as_json)
    typer.echo(
        json.dumps({"ok": True, "signing_key_id": key_id})
        if as_json
        else f"new signing key {key_id}; the old key signed the change"
    )
