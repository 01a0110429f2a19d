"""`clipper posts create|list|publish|check`, over the REST API with a personal token."""

from __future__ import annotations

import json
from typing import Annotated, Any

import httpx
import typer
from rich.console import Console
from rich.table import Table

from clipper.config import Settings

COMMAND_NAME = "posts"
app = typer.Typer(help="Posts: create, list, publish and check.", no_args_is_help=True)
console = Console()

ApiUrlOption = Annotated[
    str | None, typer.Option("--api-url", envvar="CLIPPER_API_URL", help="API base (default: BACKEND_URL).")
]
TokenOption = Annotated[
    str, typer.Option("--token", envvar="CLIPPER_TOKEN", help="Personal API token (POST /auth/tokens).")
]


def _client(api_url: str | None, token: str) -> httpx.Client:
    base = (api_url or Settings().backend_url).rstrip("/")
    return httpx.Client(base_url=f"{base}/api/v1", headers={"Authorization": f"Bearer {token}"}, timeout=30.0)


def _answer(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        body = (
            response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
        )
        reasons = body.get("reasons") or []
        console.print(f"[red]error:[/red] {body.get('detail', response.text)}")
        for reason in reasons:
            console.print(f"  - {reason}")
        raise typer.Exit(code=1)
    return response.json() if response.content else None


@app.command()
def create(
    token: TokenOption,
    account: Annotated[list[int], typer.Option("--account", help="Account id (repeat for several).")],
    clip: Annotated[list[int], typer.Option("--clip", help="Clip id (repeat, in order, for a carousel).")],
    media_type: Annotated[str, typer.Option("--type", help="IMAGE, REELS, CAROUSEL or STORIES.")] = "IMAGE",
    caption: Annotated[str | None, typer.Option(help="Caption text.")] = None,
    hashtag: Annotated[list[str] | None, typer.Option("--hashtag", help="Hashtag (repeat).")] = None,
    at: Annotated[str | None, typer.Option("--at", help="ISO 8601 time with offset; absent = draft.")] = None,
    options: Annotated[
        str | None, typer.Option(help='Options as JSON, e.g. \'{"first_comment": "hi"}\'.')
    ] = None,
    api_url: ApiUrlOption = None,
) -> None:
    """Create a post (one per --account)."""
    body: dict[str, Any] = {"account_ids": account, "media_type": media_type.upper(), "caption": caption}
    body |= {"clip_ids": clip} if media_type.upper() == "CAROUSEL" else {"clip_id": clip[0] if clip else None}
    body |= {
        "hashtags": hashtag or [],
        "scheduled_for": at,
        "options": json.loads(options) if options else None,
    }
    with _client(api_url, token) as client:
        created = _answer(client.post("/social/", json=body))
    for post in created["items"]:
        console.print(f"post {post['id']}: {post['status']}")


@app.command("list")
def list_posts(
    token: TokenOption,
    status: Annotated[str | None, typer.Option(help="Only posts in this status.")] = None,
    limit: Annotated[int, typer.Option(help="How many.")] = 50,
    api_url: ApiUrlOption = None,
) -> None:
    """List your posts, newest first."""
    params: dict[str, Any] = {"limit": limit} | ({"status": status} if status else {})
    with _client(api_url, token) as client:
        page = _answer(client.get("/social/", params=params))
    table = Table("id", "type", "status", "scheduled for", "url / error")
    for post in page["items"]:
        table.add_row(
            str(post["id"]),
            post["media_type"],
            post["status"],
            post["scheduled_for"] or "",
            post["platform_url"] or post["error_message"] or "",
        )
    console.print(table)


@app.command()
def publish(token: TokenOption, post_id: int, api_url: ApiUrlOption = None) -> None:
    """Publish a post now (or retry a failed one)."""
    with _client(api_url, token) as client:
        post = _answer(client.post(f"/social/{post_id}/publish"))
    console.print(f"post {post['id']}: {post['status']} (the worker publishes it within a second)")


@app.command()
def check(token: TokenOption, post_id: int, api_url: ApiUrlOption = None) -> None:
    """Check an unconfirmed post with Instagram now."""
    with _client(api_url, token) as client:
        post = _answer(client.post(f"/social/{post_id}/check"))
    console.print(f"post {post['id']}: {post['status']} — {post['next_step'] or 'checking now'}")
