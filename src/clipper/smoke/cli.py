"""`clipper smoke`: run the checklist against a running server (`--server`), or the sandbox in process."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated

import httpx
import typer

from clipper import migrate
from clipper.config import Settings
from clipper.doctor.report import Check
from clipper.smoke.checklist import Smoke

COMMAND_NAME = "smoke"

app = typer.Typer(help="Run the manual testing checklist end to end.")


@app.callback(invoke_without_command=True)
def smoke(
    flavour: Annotated[str, typer.Option(help="Login flavour: facebook or instagram.")] = "facebook",
    server: Annotated[
        str | None,
        typer.Option(
            help="A running Clipper's URL (needed against Meta); default: the app in process.",
            show_default=False,
        ),
    ] = None,
    token: Annotated[
        str | None,
        typer.Option(
            envvar="CLIPPER_TOKEN",
            help="An API token of the user to run as (with --server).",
            show_default=False,
        ),
    ] = None,
    wait: Annotated[
        float, typer.Option(help="Seconds to wait for each login, comment, DM or publish.")
    ] = 300,
) -> None:
    """Connect, read the account, post an image and a video, comment, DM, read insights, disconnect.

    Each step prints ✓ or ✗ with the fix; the exit code is 1 when any step failed.
    """
    if flavour not in ("facebook", "instagram"):
        typer.echo("error: --flavour must be facebook or instagram", err=True)
        raise typer.Exit(code=2)
    if server is not None and not token:
        typer.echo("error: --server needs --token (or CLIPPER_TOKEN): an API token of the user to run as, "
                   "from POST /api/v1/auth/tokens", err=True)  # fmt: skip
        raise typer.Exit(code=2)
    outcomes = asyncio.run(_run(flavour=flavour, server=server, token=token or "", wait=wait))
    failed = [outcome for outcome in outcomes if not outcome.ok]
    typer.echo(f"{len(outcomes) - len(failed)}/{len(outcomes)} checks passed")
    if failed:
        raise typer.Exit(code=1)


async def _run(*, flavour: str, server: str | None, token: str, wait: float) -> list[Check]:
    if server is not None:
        async with httpx.AsyncClient(base_url=server, timeout=60.0) as client:
            headers = {"Authorization": f"Bearer {token}"}
            return await Smoke(client, headers, flavour=flavour, wait_seconds=wait).run()
    settings = Settings()
    if not settings.sandbox_mode:
        typer.echo("error: against Meta, run `clipper serve` where Meta can reach it and pass --server: "
                   "the login callback and the media URLs must be public", err=True)  # fmt: skip
        raise typer.Exit(code=2)
    # The app's request log would bury the checklist: only its warnings and errors are shown.
    async with in_process(settings.model_copy(update={"log_level": "WARNING"})) as client:
        headers = await throwaway_user(client)
        return await Smoke(client, headers, flavour=flavour, wait_seconds=wait).run()


@asynccontextmanager
async def in_process(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app and its mounted sandbox in this process, with its own worker, over ASGI (no socket)."""
    from clipper.main import create_app

    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    application = create_app(settings.model_copy(update={"worker_embedded": True}))
    transport = httpx.ASGITransport(app=application)
    # The app's Graph calls and the sandbox's media fetches reach this same app in process.
    application.state.graph_transport = transport
    async with application.router.lifespan_context(application):
        async with httpx.AsyncClient(transport=transport, base_url=settings.backend_url) as client:
            yield client


async def throwaway_user(client: httpx.AsyncClient) -> dict[str, str]:
    """Register a user of this run only and sign in; → its Authorization header."""
    email = f"smoke-{secrets.token_hex(6)}@example.com"
    password = secrets.token_urlsafe(18)
    registered = await client.post("/api/v1/auth/register", json={"email": email, "password": password})
    registered.raise_for_status()
    signed_in = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    signed_in.raise_for_status()
    return {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
