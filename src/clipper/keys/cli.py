"""`clipper keys rotate`: re-encrypt stored tokens after adding a new key at the front of FERNET_KEY."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from clipper.config import Settings
from clipper.db import create_engine, create_session_factory, unit_of_work
from clipper.keys.service import RotationReport, rotate_tokens
from clipper.security import FernetKeyError, TokenCipher

COMMAND_NAME = "keys"
app = typer.Typer(help="Encryption keys for stored tokens (FERNET_KEY).", no_args_is_help=True)


async def _rotate(database_url: str, cipher: TokenCipher) -> RotationReport:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            return await rotate_tokens(session, cipher=cipher)
    finally:
        await engine.dispose()


@app.command("rotate")
def rotate(
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="Overrides DATABASE_URL.", show_default=False)
    ] = None,
) -> None:
    """Re-encrypt every stored token under the first key of FERNET_KEY (safe to run again)."""
    settings = Settings()
    try:
        cipher = TokenCipher.from_settings(settings)
    except FernetKeyError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=1) from None
    report = asyncio.run(_rotate(database_url or settings.database_url, cipher))
    typer.echo(
        f"{report.rotated} token(s) re-encrypted, {report.current} already under the newest key, "
        f"{report.unreadable} unreadable, across {report.accounts} account(s)."
    )
    if report.unreadable:
        typer.echo(
            "Some tokens could not be decrypted with any key in FERNET_KEY: keep the old key in the list "
            "or reconnect those accounts.",
            err=True,
        )
        raise typer.Exit(code=2)
