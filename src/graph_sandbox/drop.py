"""ASGI middleware that turns a DroppedConnection into a connection that dies mid-response.

It sends a response start announcing more bytes than it delivers, then re-raises: uvicorn closes the
socket (the client sees an incomplete message) and httpx.ASGITransport re-raises the exception,
which is itself an httpx.RemoteProtocolError.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from graph_sandbox.errors import DroppedConnection


class DropConnectionMiddleware:
    """Wraps the sandbox app; see the module docstring."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except DroppedConnection:
            if not started:
                headers = [(b"content-type", b"application/json"), (b"content-length", b"4096")]
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": b'{"', "more_body": True})
            raise
