"""The `clipper` command line: run the API or the sandbox, migrate the database, print the version."""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
import socket
import sys
from typing import Annotated, Any

import typer
import uvicorn
from prometheus_client import start_http_server
from sqlalchemy.exc import SQLAlchemyError

import clipper
from clipper import __version__, migrate
from clipper.config import Settings
from clipper.observability import configure_logging, serve_metrics_on
from clipper.operations_cli import register_operations
from clipper.security import FernetKeyError, TokenCipher
from clipper.settings_checks import InsecureSettings, check_production

app = typer.Typer(help="Content Clipper: Instagram publishing, inbox and analytics.", no_args_is_help=True)
db_app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")


def _add_domain_commands() -> None:
    """Mount the typer `app` of every `clipper.<domain>.cli` module as `clipper <domain> …`."""
    for module in sorted(pkgutil.iter_modules(clipper.__path__), key=lambda found: found.name):
        if not module.ispkg:
            continue
        name = f"clipper.{module.name}.cli"
        if importlib.util.find_spec(name) is None:
            continue
        domain_cli = importlib.import_module(name)
        app.add_typer(domain_cli.app, name=getattr(domain_cli, "COMMAND_NAME", module.name))


HostOption = Annotated[str, typer.Option(help="Interface to listen on.")]
FdOption = Annotated[
    int | None,
    typer.Option(
        "--fd",
        help="Serve on this inherited socket, already bound and listening, instead of binding "
        "--host/--port (systemd socket activation, or a parent process that holds the port).",
        show_default=False,
    ),
]
DatabaseUrlOption = Annotated[
    str | None, typer.Option("--database-url", help="Overrides DATABASE_URL.", show_default=False)
]


@app.command()
def version() -> None:
    """Print the version."""
    print(f"content-clipper {__version__}")


@app.command()
def serve(
    host: HostOption = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    reload: Annotated[bool, typer.Option(help="Restart when the code changes (development).")] = False,
    fd: FdOption = None,
) -> None:
    """Run the API (and, in sandbox mode, the Graph API sandbox under /sandbox)."""
    settings = Settings()
    _refuse_unsafe(settings)
    _refuse_unmigrated(settings)
    configure_logging(settings.log_level, json=settings.log_json)
    # log_config=None: uvicorn keeps its hands off logging, so its lines pass our redaction.
    options: dict[str, Any] = {"factory": True, "log_config": None, "proxy_headers": True}
    if fd is not None:
        serve_on_fd(uvicorn.Config("clipper.main:create_app", **options), fd)
        return
    uvicorn.run("clipper.main:create_app", host=host, port=port, reload=reload, **options)


def _refuse_unsafe(settings: Settings) -> None:
    """Exit with the reason, before starting a server, when the settings would make the app refuse."""
    try:
        check_production(settings)
        TokenCipher.from_settings(settings)
    except (InsecureSettings, FernetKeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        raise typer.Exit(code=1) from None


def _refuse_unmigrated(settings: Settings) -> None:
    """Exit with the command to run when the database is unreachable or behind the migrations."""
    try:
        pending = migrate.pending_message(settings.database_url)
    except (SQLAlchemyError, OSError) as exc:
        print(f"error: cannot reach the database ({type(exc).__name__}): check DATABASE_URL", file=sys.stderr)
        raise typer.Exit(code=1) from None
    if pending:
        print(f"error: {pending}", file=sys.stderr)
        raise typer.Exit(code=1)


@app.command()
def sandbox(
    host: HostOption = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8100,
    fd: FdOption = None,
) -> None:
    """Run the Graph API sandbox standalone, with the same app id and secret as the product."""
    from clipper.main import sandbox_app

    settings = Settings()
    configure_logging(settings.log_level, json=settings.log_json)
    if fd is not None:
        host, port = _address_of(fd)
    sandbox = sandbox_app(settings, public_url=f"http://{_url_host(host)}:{port}")
    if fd is not None:
        serve_on_fd(uvicorn.Config(sandbox, log_config=None), fd)
        return
    uvicorn.run(sandbox, host=host, port=port, log_config=None)


def serve_on_fd(config: uvicorn.Config, fd: int) -> None:
    """Serve `config` on the inherited listening socket `fd`.

    Not uvicorn's own `fd=`: it wraps the socket as AF_UNIX whatever it is, so asyncio never sets
    TCP_NODELAY on the connections it accepts, and a response written in two parts waits for the
    client's delayed ACK (40 ms on Linux). A socket object made from the fd knows its real family.
    """
    uvicorn.Server(config).run(sockets=[socket.socket(fileno=fd)])


def _address_of(fd: int) -> tuple[str, int]:
    """The host and port the inherited socket `fd` is bound to (the socket stays open)."""
    with socket.socket(fileno=os.dup(fd)) as duplicate:
        address = duplicate.getsockname()
    return str(address[0]), int(address[1])


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


@app.command()
def worker(
    metrics_port: Annotated[
        int | None,
        typer.Option(help="Serve this worker's Prometheus metrics at :PORT/metrics.", show_default=False),
    ] = None,
    metrics_host: Annotated[str, typer.Option(help="Interface for --metrics-port.")] = "127.0.0.1",
    metrics_fd: Annotated[
        int | None,
        typer.Option(
            help="Serve the metrics on this inherited socket, already bound and listening, instead of "
            "--metrics-port.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run a standalone worker: publishing sweep, background jobs and periodic jobs (needs REDIS_URL)."""
    from clipper.worker import run_worker

    settings = Settings()
    _refuse_unsafe(settings)
    _refuse_unmigrated(settings)
    configure_logging(settings.log_level, json=settings.log_json)
    # Publishing happens here, so its counters live here: Prometheus scrapes each worker too.
    if metrics_fd is not None:
        serve_metrics_on(metrics_fd)
    elif metrics_port is not None:
        start_http_server(metrics_port, addr=metrics_host)
    if not settings.redis_url:
        print(
            "warning: REDIS_URL is not set, so this worker only sees jobs it queues itself; "
            "`make run` already runs an embedded worker",
            file=sys.stderr,
        )
    run_worker(settings)


@db_app.command("upgrade")
def db_upgrade(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "heads",
    database_url: DatabaseUrlOption = None,
) -> None:
    """Apply the migrations up to REVISION (default: the newest)."""
    url = database_url or Settings().database_url
    migrate.upgrade(url, revision)
    print(f"database at {migrate.describe(migrate.current_revisions(url))}")


@db_app.command("current")
def db_current(database_url: DatabaseUrlOption = None) -> None:
    """Print the revision the database is at, and whether it is the newest."""
    current = migrate.current_revisions(database_url or Settings().database_url)
    state = "behind: run `clipper db upgrade`" if migrate.behind_heads(current) else "up to date"
    print(f"{migrate.describe(current)} ({state})")


_add_domain_commands()
register_operations(app)
