"""`clipper users create EMAIL` and `clipper users token EMAIL`: account administration on the database."""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer
from pydantic import ValidationError

from clipper.config import Settings
from clipper.db import create_engine, create_session_factory, unit_of_work
from clipper.errors import ClipperError, NotFound
from clipper.observability import configure_logging
from clipper.users import api_tokens, service
from clipper.users.schemas import ApiTokenCreate, RegisterRequest, normalize_email

COMMAND_NAME = "users"
app = typer.Typer(help="User accounts and their personal API tokens.", no_args_is_help=True)


@app.callback()
def _logging() -> None:
    """Log to stderr, so stdout carries only what a script captures (the token)."""
    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)


DatabaseUrlOption = Annotated[
    str | None, typer.Option("--database-url", help="Overrides DATABASE_URL.", show_default=False)
]


async def _create(database_url: str, data: RegisterRequest) -> int:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            return (await service.register_user(session, data=data)).id
    finally:
        await engine.dispose()


async def _token(database_url: str, email: str, data: ApiTokenCreate) -> str:
    engine = create_engine(database_url)
    try:
        async with unit_of_work(create_session_factory(engine)) as session:
            user = await service.get_user_by_email(session, email=normalize_email(email))
            if user is None:
                raise NotFound(f"No user with the email {normalize_email(email)}.")
            issued = await api_tokens.create_api_token(
                session, user=user, name=data.name, expires_in_days=data.expires_in_days
            )
            return issued.token
    finally:
        await engine.dispose()


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code=1)


def _invalid(exc: ValidationError) -> typer.Exit:
    reasons = "; ".join(f"{'.'.join(map(str, err['loc']))}: {err['msg']}" for err in exc.errors())
    return _fail(reasons)


@app.command("create")
def create(
    email: str,
    database_url: DatabaseUrlOption = None,
    password: Annotated[
        str,
        typer.Option(prompt=True, hide_input=True, confirmation_prompt=True, help="Prompted when omitted."),
    ] = "",
) -> None:
    """Create a user who can then sign in to the web UI and the API."""
    try:
        data = RegisterRequest(email=email, password=password)
        user_id = asyncio.run(_create(database_url or Settings().database_url, data))
    except ValidationError as exc:
        raise _invalid(exc) from None
    except ClipperError as exc:
        raise _fail(exc.message) from None
    typer.echo(f"Created user {user_id} ({data.email}).")


@app.command("token")
def token(
    email: str,
    database_url: DatabaseUrlOption = None,
    name: Annotated[str, typer.Option(help="Shown in the token list.")] = "clipper CLI",
    expires_in_days: Annotated[int | None, typer.Option(help="Never expires when omitted.")] = None,
) -> None:
    """Mint a personal API token for the user and print it (only the token goes to stdout)."""
    try:
        data = ApiTokenCreate(name=name, expires_in_days=expires_in_days)
        secret = asyncio.run(_token(database_url or Settings().database_url, email, data))
    except ValidationError as exc:
        raise _invalid(exc) from None
    except ClipperError as exc:
        raise _fail(exc.message) from None
    typer.echo("Store it now, it is not shown again; use it as CLIPPER_TOKEN.", err=True)
    typer.echo(secret)
