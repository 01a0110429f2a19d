"""Caps on request bodies and on how slowly they may arrive: 413 past a route's cap, 408 when too slow.

Routes that read their own body open their unit of work only after it (see `deps.SessionAfterBody`), so
a slow client costs a coroutine rather than the database; these limits bound even that. A small body
(JSON, a webhook delivery, a bulk file) must arrive whole within `BODY_READ_TIMEOUT_SECONDS`; a clip
upload may take as long as it needs but never pause longer than that.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from clipper.clips.storage import PayloadTooLarge, limit_message
from clipper.clips.upload import MULTIPART_OVERHEAD
from clipper.config import Settings
from clipper.errors import ClipperError


class RequestTimeout(ClipperError):
    status_code = 408
    default_message = "The request body arrived too slowly: send it again."


@dataclass(frozen=True, slots=True)
class BodyLimit:
    """How large a route's body may be, and whether it must arrive whole within the read timeout."""

    max_bytes: int
    too_large: str
    whole_within_timeout: bool = True


def body_limit(settings: Settings, *, api_prefix: str, method: str, path: str) -> BodyLimit | None:
    """The limit for a request to our API; None for the UI, health checks and the mounted sandbox."""
    if not path.startswith(api_prefix + "/"):
        return None
    route = path[len(api_prefix) :]
    if method == "POST" and route.rstrip("/") == "/clips":
        upload = settings.max_upload_bytes
        return BodyLimit(upload + MULTIPART_OVERHEAD, limit_message(upload), whole_within_timeout=False)
    if route.startswith("/webhooks/"):
        return _limit(settings.max_webhook_body_bytes, "webhook delivery", "MAX_WEBHOOK_BODY_BYTES")
    if route.rstrip("/") == "/social/bulk":
        return _limit(settings.max_bulk_body_bytes, "bulk upload", "MAX_BULK_BODY_BYTES")
    return _limit(settings.max_json_body_bytes, "request body", "MAX_JSON_BODY_BYTES")


def _limit(max_bytes: int, what: str, setting: str) -> BodyLimit:
    return BodyLimit(max_bytes, f"The {what} is larger than the {max_bytes:,} bytes accepted ({setting}).")


def _too_large(limit: BodyLimit) -> PayloadTooLarge:
    return PayloadTooLarge(limit.too_large)


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class _GuardedBody:
    """The app's `receive`, counting body bytes and timing the client until the body is complete."""

    def __init__(self, receive: Receive, limit: BodyLimit, timeout: float) -> None:
        self._receive, self._limit, self._timeout = receive, limit, timeout
        loop = asyncio.get_running_loop()
        self._deadline = loop.time() + timeout if limit.whole_within_timeout else None
        self.received = 0
        self.complete = False
        self.refusal: ClipperError | None = None

    async def receive(self) -> Message:
        if self.refusal is not None:
            raise self.refusal
        if self.complete:
            # After the body only `http.disconnect` comes, which a streaming response waits for.
            return await self._receive()
        try:
            async with asyncio.timeout(self._wait()):
                message = await self._receive()
        except TimeoutError:
            self.refusal = RequestTimeout()
            raise self.refusal from None
        if message["type"] == "http.request":
            self.received += len(message.get("body", b""))
            self.complete = not message.get("more_body", False)
            if self.received > self._limit.max_bytes:
                self.refusal = _too_large(self._limit)
                raise self.refusal
        return message

    def _wait(self) -> float:
        if self._deadline is None:
            return self._timeout
        return max(0.0, self._deadline - asyncio.get_running_loop().time())


async def _reply(error: ClipperError, scope: Scope, receive: Receive, send: Send) -> None:
    # The rest of the body is never read: the connection cannot be reused.
    headers = {**error.headers(), "Connection": "close"}
    await JSONResponse(error.body(), status_code=error.status_code, headers=headers)(scope, receive, send)


class RequestLimitsMiddleware:
    """Refuse bodies over their route's cap (413) and bodies that arrive too slowly (408)."""

    def __init__(self, app: ASGIApp, *, settings: Settings, api_prefix: str) -> None:
        self.app, self.settings, self.api_prefix = app, settings, api_prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = None
        if scope["type"] == "http":
            limit = body_limit(
                self.settings, api_prefix=self.api_prefix, method=scope["method"], path=scope["path"]
            )
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > limit.max_bytes:
            await _reply(_too_large(limit), scope, receive, send)
            return
        await self._guarded(
            scope, _GuardedBody(receive, limit, self.settings.body_read_timeout_seconds), send
        )

    async def _guarded(self, scope: Scope, body: _GuardedBody, send: Send) -> None:
        started = False

        async def _send(message: Message) -> None:
            nonlocal started
            # Once the body was refused, whatever the app makes of the cut-off body is replaced by ours.
            if body.refusal is None or started:
                started = started or message["type"] == "http.response.start"
                await send(message)

        try:
            await self.app(scope, body.receive, _send)
        except Exception:
            if body.refusal is None or started:
                raise
        if body.refusal is not None and not started:
            await _reply(body.refusal, scope, body.receive, send)
