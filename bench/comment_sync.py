"""Benchmark: Graph calls and time to sync the comments (with replies) of 100 media (a figure, not a test).

Three ways over the same world, against the sandbox in process (no socket, so the time is mostly the
per-call overhead on both sides):

- `expansion+batch` — what `clipper.inbox.sync` does: the media list with `comments.limit(50){…,replies{…}}`
  expanded (one call per page of media), then batch requests for media with more than 50 comments;
- `per-media` — the media list, then `GET /{media-id}/comments?fields=…,replies{…}` for each media;
- `per-comment` — per media comments, then `GET /{comment-id}/replies` for each comment (the naive N+1).

Then the local write path, over what `expansion+batch` fetched, into a fresh migrated SQLite database
(`--database-url` for another one), first sync (all new) then a re-sync (all known):

- `write per-row` — `store.save_comment` per comment (a savepoint + INSERT + flush each; the old path);
- `write bulk` — `sync.save_found` (what the backfill does: multi-row INSERTs, one read, one flush).

    .venv/bin/python bench/comment_sync.py                  # 100 media, 8 comments each, 2 replies each
    .venv/bin/python bench/comment_sync.py --media 100 --comments 60 --replies 1

Fetch times are mostly the emulator's: it scans every comment of the world for each `replies` edge it
renders (`World.comments_of`), so they grow with comments × comments, on every strategy alike.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import delete, pool

from clipper import migrate
from clipper.accounts.models import Account
from clipper.db import create_engine, create_session_factory, load_models, unit_of_work
from clipper.inbox import fetch, schedule, store, sync
from clipper.inbox.fetch import fetch_recent_comments
from clipper.inbox.models import InboxComment
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.schemas import Comment
from clipper.users.models import User
from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig
from graph_sandbox.engagement.comment_writes import add_comment
from graph_sandbox.state import Sandbox
from graph_sandbox.world import Media

BASE = "http://sandbox.bench"


def _populate(sandbox: Sandbox, media_count: int, comments: int, replies: int) -> str:
    """Give the first IG account `media_count` fresh media with comments and replies; its id."""
    world, now = sandbox.world, sandbox.clock.now()
    ig = next(iter(world.ig_users.values()))
    for existing in [m for m in world.media.values() if m.ig_user_id == ig.id]:
        del world.media[existing.id]
    for index in range(media_count):
        when = now - timedelta(minutes=index + 1)
        media = Media(
            world.ids.media(), ig.id, "IMAGE", "FEED", when, f"bench{index}", f"{BASE}/p/bench{index}/"
        )
        world.media[media.id] = media
        for number in range(comments):
            top = add_comment(world, media, from_id="9" * 15, username="fan", text=f"c{number}", now=when)
            for _ in range(replies):
                add_comment(
                    world,
                    media,
                    from_id=ig.id,
                    username=ig.username,
                    text="thanks",
                    now=when,
                    parent_id=top.id,
                )
    return ig.id


async def expansion_and_batch(api: InstagramGraphAPI, ig_id: str, media: int) -> int:
    found, _ = await fetch_recent_comments(api, ig_id, media)
    return sum(len(c) + sum(len(x.replies.data) if x.replies else 0 for x in c) for c in found.values())


async def per_media(api: InstagramGraphAPI, ig_id: str, media: int) -> int:
    items = await api.get_user_media(ig_id, fields="id", limit=100, max_items=media)
    total = 0
    for item in items:
        comments = await api.get_media_comments(item.id)
        total += len(comments) + sum(len(c.replies.data) if c.replies else 0 for c in comments)
    return total


async def per_comment(api: InstagramGraphAPI, ig_id: str, media: int) -> int:
    items = await api.get_user_media(ig_id, fields="id", limit=100, max_items=media)
    total = 0
    for item in items:
        comments = await api.get_media_comments(item.id, fields="id,text,timestamp,username")
        total += len(comments)
        for comment in comments:
            total += len(await api.get_replies(comment.id))
    return total


Strategy = Callable[[InstagramGraphAPI, str, int], Awaitable[int]]
Found = dict[str, list[Comment]]
Writer = Callable[[Any, Account, Found], Awaitable[None]]


def flatten(comments: list[Comment], media_id: str) -> list[store.SeenComment]:
    """Each comment, then its replies, as the store sees them."""
    seen = []
    for comment in comments:
        seen.append(fetch.seen_comment(comment, media_id))
        replies = comment.replies.data if comment.replies else []
        seen += [fetch.seen_comment(reply, media_id, parent_id=comment.id) for reply in replies]
    return seen


async def write_per_row(session: Any, account: Account, found: Found) -> None:
    for media_id, comments in found.items():
        known = await store.media_comments(session, account.id, media_id)
        for item in flatten(comments, media_id):
            await store.save_comment(session, account=account, seen=item, known=known)


async def write_bulk(session: Any, account: Account, found: Found) -> None:
    await sync.save_found(session, account=account, found=found, report=schedule.SyncReport())


async def time_writes(database_url: str, ig_id: str, found: Found) -> None:
    """Each writer twice over `found`: into an empty table (all new), then again (all known)."""
    load_models()
    engine = create_engine(database_url, poolclass=pool.NullPool)
    factory = create_session_factory(engine)
    try:
        async with unit_of_work(factory) as session:
            user = User(email="bench@example.com", password_hash="!")
            session.add(user)
            await session.flush()
            account = Account(user_id=user.id, platform="instagram", platform_account_id=ig_id)
            session.add(account)
        writers: dict[str, Writer] = {"write per-row": write_per_row, "write bulk": write_bulk}
        rows = sum(len(flatten(comments, media_id)) for media_id, comments in found.items())
        for name, writer in writers.items():
            for label in ("new", "known"):
                async with unit_of_work(factory) as session:
                    started = time.perf_counter()
                    await writer(session, await session.get_one(Account, account.id), found)
                elapsed = time.perf_counter() - started
                print(f"{name + ' (' + label + ')':<27} {rows:>7} {elapsed:>8.2f}")  # noqa: T201
            async with unit_of_work(factory) as session:
                await session.execute(delete(InboxComment))
    finally:
        await engine.dispose()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--media", type=int, default=100)
    parser.add_argument("--comments", type=int, default=8)
    parser.add_argument("--replies", type=int, default=2)
    parser.add_argument("--database-url", default="", help="an empty migrated database (default: SQLite)")
    return parser.parse_args(argv)


async def main(args: argparse.Namespace) -> dict[str, tuple[int, int]]:
    """Print the figures; → (HTTP calls, items) per fetch strategy."""
    fetched: dict[str, tuple[int, int]] = {}
    app = create_sandbox_app(SandboxConfig(public_url=BASE))
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE) as http,
    ):
        sandbox: Sandbox = app.state.sandbox
        ig_id = _populate(sandbox, args.media, args.comments, args.replies)
        token = (await http.post("/_admin/tokens/issue", json={})).json()["access_token"]
        calls: list[Any] = []
        api = InstagramGraphAPI(
            token, base_url=f"{BASE}/graph", http_client=http, on_call=lambda *row: calls.append(row)
        )
        strategies: dict[str, Strategy] = {
            "expansion+batch": expansion_and_batch,
            "per-media": per_media,
            "per-comment": per_comment,
        }
        print(f"{args.media} media x {args.comments} comments x {args.replies} replies")  # noqa: T201
        print(f"{'strategy':<16} {'HTTP calls':>10} {'items':>7} {'seconds':>8}")  # noqa: T201
        for name, strategy in strategies.items():
            calls.clear()
            started = time.perf_counter()
            items = await strategy(api, ig_id, args.media)
            elapsed = time.perf_counter() - started
            print(f"{name:<16} {len(calls):>10} {items:>7} {elapsed:>8.2f}")  # noqa: T201
            fetched[name] = (len(calls), items)
        found, _ = await fetch_recent_comments(api, ig_id, args.media)
    print(f"{'write path':<27} {'rows':>7} {'seconds':>8}")  # noqa: T201
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        await asyncio.to_thread(migrate.upgrade, url)
        await time_writes(url, ig_id, found)
    return fetched


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
