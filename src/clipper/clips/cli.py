"""`clipper clips add FILE…` (upload with a progress bar) and `clipper clips list`, over the REST API."""

from __future__ import annotations

import mimetypes
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn
from rich.table import Table

from clipper.config import Settings

COMMAND_NAME = "clips"
CHUNK = 256 * 1024
app = typer.Typer(help="The clip library: upload and list media.", no_args_is_help=True)
console = Console()

ApiUrlOption = Annotated[
    str | None, typer.Option("--api-url", envvar="CLIPPER_API_URL", help="API base (default: BACKEND_URL).")
]
TokenOption = Annotated[
    str, typer.Option("--token", envvar="CLIPPER_TOKEN", help="Personal API token (POST /auth/tokens).")
]


def _client(api_url: str | None, token: str) -> httpx.Client:
    base = (api_url or Settings().backend_url).rstrip("/")
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.Client(base_url=f"{base}/api/v1", headers=headers, timeout=httpx.Timeout(60.0, connect=10.0))


def multipart_body(
    path: Path, title: str | None, advance: Callable[[int], None]
) -> tuple[str, int, Iterator[bytes]]:
    """A streamed multipart body holding `title` and the file: content type, length, chunks."""
    boundary = secrets.token_hex(16)
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    head = b""
    if title:
        head += f'--{boundary}\r\nContent-Disposition: form-data; name="title"\r\n\r\n{title}\r\n'.encode()
    safe_name = path.name.replace('"', "_")
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{safe_name}"\r\n'
        f"Content-Type: {kind}\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()

    def chunks() -> Iterator[bytes]:
        yield head
        with path.open("rb") as handle:
            while chunk := handle.read(CHUNK):
                advance(len(chunk))
                yield chunk
        yield tail

    length = len(head) + path.stat().st_size + len(tail)
    return f"multipart/form-data; boundary={boundary}", length, chunks()


def _error(response: httpx.Response) -> str:
    try:
        return str(response.json().get("detail", response.text))
    except ValueError:
        return response.text


def _upload(client: httpx.Client, path: Path, title: str | None, progress: Progress) -> dict[str, Any] | None:
    task = progress.add_task(path.name, total=path.stat().st_size)
    content_type, length, body = multipart_body(path, title, lambda size: progress.advance(task, size))
    headers = {"Content-Type": content_type, "Content-Length": str(length)}
    response = client.post("/clips", content=body, headers=headers)
    if response.status_code != 201:
        progress.console.print(f"[red]✗ {path.name}: {_error(response)}[/red]")
        return None
    clip: dict[str, Any] = response.json()
    fits = [name for name, check in clip["qualification"].items() if check["ok"]]
    summary = ", ".join(fits) or "nothing yet — conform it"
    line = f"✓ {path.name} → clip {clip['id']} ({clip['kind']}; fits: {summary})"
    progress.console.print(f"[green]{line}[/green]")
    return clip


@app.command("add")
def add(
    files: Annotated[
        list[Path], typer.Argument(exists=True, dir_okay=False, readable=True, help="Files to upload.")
    ],
    token: TokenOption,
    title: Annotated[str | None, typer.Option(help="Title (only with a single file).")] = None,
    api_url: ApiUrlOption = None,
) -> None:
    """Upload image and video files to the clip library, with a progress bar."""
    columns = (TextColumn("{task.description}"), BarColumn(), DownloadColumn(), TransferSpeedColumn())
    failures = 0
    with _client(api_url, token) as client, Progress(*columns, console=console) as progress:
        for path in files:
            try:
                clip = _upload(client, path, title if len(files) == 1 else None, progress)
            except httpx.HTTPError as exc:
                progress.console.print(
                    f"[red]✗ {path.name}: could not reach the API ({type(exc).__name__})[/red]"
                )
                clip = None
            failures += clip is None
    if failures:
        raise typer.Exit(code=1)


@app.command("list")
def list_clips(
    token: TokenOption,
    limit: Annotated[int, typer.Option(min=1, max=100)] = 50,
    api_url: ApiUrlOption = None,
) -> None:
    """List your clips, newest first."""
    with _client(api_url, token) as client:
        response = client.get("/clips", params={"limit": limit})
    if response.status_code != 200:
        console.print(f"[red]{_error(response)}[/red]")
        raise typer.Exit(code=1)
    table = Table("id", "title", "kind", "size", "status", "qualifies for")
    for clip in response.json()["items"]:
        size = f"{clip['width']}×{clip['height']}" if clip["width"] else "?"
        fits = ", ".join(name for name, check in clip["qualification"].items() if check["ok"]) or "—"
        table.add_row(str(clip["id"]), clip["title"], clip["kind"], size, clip["status"], fits)
    console.print(table)
