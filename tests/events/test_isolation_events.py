"""`GET /api/v1/events` for two users: each stream carries its own user's comment and DM events only."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI

from tests.fixtures.inbox import WEBHOOK_URL, busiest_media, connect
from tests.fixtures.oauth_flow import sandbox_admin


class Stream:
    """An open `text/event-stream` response, read event by event."""

    def __init__(self) -> None:
        self.status: int | None = None
        self.chunks: asyncio.Queue[str] = asyncio.Queue()
        self.buffer = ""

    async def next_block(self) -> str:
        while "\n\n" not in self.buffer:
            self.buffer += await asyncio.wait_for(self.chunks.get(), timeout=10)
        block, self.buffer = self.buffer.split("\n\n", 1)
        return block

    async def next_event(self) -> tuple[str, dict[str, Any]]:
        """The next event (keep-alive comments skipped): its type and its data."""
        while True:
            block = await self.next_block()
            fields = dict(line.split(": ", 1) for line in block.splitlines() if not line.startswith(":"))
            if fields:
                return fields["event"], json.loads(fields["data"])["data"]

    def pending(self) -> str:
        """What arrived and was not read yet."""
        while not self.chunks.empty():
            self.buffer += self.chunks.get_nowait()
        return self.buffer


async def events_until(stream: Stream, kind: str) -> list[tuple[str, dict[str, Any]]]:
    """The stream's events up to and including the first of type `kind`."""
    found = [await stream.next_event()]
    while found[-1][0] != kind:
        found.append(await stream.next_event())
    return found


@asynccontextmanager
async def open_stream(app: FastAPI, headers: dict[str, str]) -> AsyncIterator[Stream]:
    """Call the ASGI app directly (httpx's ASGI transport waits for the whole body, which never ends)."""
    stream = Stream()
    leave = asyncio.Event()
    requested = False

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await leave.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            stream.status = message["status"]
        elif message["type"] == "http.response.body" and message.get("body"):
            stream.chunks.put_nowait(message["body"].decode())

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": "/api/v1/events",
        "raw_path": b"/api/v1/events",
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in {"host": "testserver", **headers}.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    task = asyncio.create_task(app(scope, receive, send))
    try:
        assert await stream.next_block() == ": connected"
        assert stream.status == 200
        yield stream
    finally:
        leave.set()
        await asyncio.wait_for(task, timeout=10)


class TestEventsStreamIsolation:
    async def test_a_user_never_receives_another_users_comment_or_message(self, client, app, signup):
        alice = await connect(client, signup)
        bob = await connect(client, signup, username="sandbox.studio")
        patched = await client.patch("/sandbox/_admin/config", json={"webhook_callback_url": WEBHOOK_URL})
        assert patched.status_code == 200
        alice_media = await busiest_media(client, alice.ig_id)
        bob_media = await busiest_media(client, bob.ig_id)

        async with open_stream(app, alice.headers) as alices, open_stream(app, bob.headers) as bobs:
            # One at a time: the webhook jobs share the test's database connection.
            await sandbox_admin(client, "simulate/comment", {"media_id": alice_media, "text": "For Alice"})
            await app.state.worker.drain()
            await sandbox_admin(client, "simulate/message", {"ig_user_id": alice.ig_id, "text": "DM Alice"})
            await app.state.worker.drain()
            await sandbox_admin(client, "simulate/comment", {"media_id": bob_media, "text": "For Bob"})
            await app.state.worker.drain()

            alice_events = await events_until(alices, "message.created")
            # Events reach a stream in the order they were published: Alice's came before Bob's.
            bob_events = await events_until(bobs, "comment.created")
            left_for_bob = bobs.pending()

        created = [(kind, data["text"]) for kind, data in alice_events if kind.endswith(".created")]
        assert created == [("comment.created", "For Alice"), ("message.created", "DM Alice")]
        assert {data["account_id"] for _kind, data in alice_events} == {alice.account["id"]}
        assert [(kind, data["text"]) for kind, data in bob_events if kind.endswith(".created")] == [
            ("comment.created", "For Bob")
        ]
        assert {data["account_id"] for _kind, data in bob_events} == {bob.account["id"]}
        assert "Alice" not in left_for_bob
