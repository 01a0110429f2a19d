"""Operator commands mounted at the top level of `clipper`: backup, restore and doctor."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from clipper.backup import BackupError, backup, restore
from clipper.config import Settings
from clipper.doctor import render, run_doctor


def _default_archive() -> Path:
    return Path(f"clipper-backup-{datetime.now(UTC):%Y%m%dT%H%M%SZ}.tar.gz")


def backup_command(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Archive to write.", show_default=False)
    ] = None,
) -> None:
    """Back up the SQLite database (online, while serving) and the media folder into one archive."""
    archive = output or _default_archive()
    try:
        report = backup(Settings(), archive)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    key_note = " and the development key file" if report.includes_dev_key else ""
    typer.echo(f"wrote {report.archive}: the database, {report.media_files} media file(s){key_note}")


def restore_command(
    archive: Annotated[Path, typer.Argument(help="An archive written by `clipper backup`.")],
    force: Annotated[bool, typer.Option(help="Replace an existing database and media folder.")] = False,
) -> None:
    """Restore a `clipper backup` archive (stop the server and workers first)."""
    try:
        report = restore(Settings(), archive, force=force)
    except BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    typer.echo(
        f"restored the database and {report.media_files} media file(s) from {archive}; "
        "run `clipper db upgrade` if it came from an older version"
    )


def doctor_command() -> None:
    """Check settings, database, Redis, media, stored tokens, the Meta app and every connected account."""
    checks = asyncio.run(run_doctor(Settings()))
    typer.echo(render(checks))
    if not all(check.ok for check in checks):
        raise typer.Exit(code=1)


def register_operations(app: typer.Typer) -> None:
    """Add the operator commands to the `clipper` app."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    app.command("doctor")(doctor_command)
