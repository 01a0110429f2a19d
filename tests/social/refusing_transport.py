"""A Graph transport on which chosen calls find nothing listening: the connection is really refused.

A matching request goes to a loopback port nothing listens on (`closed_port`), so the operating system
refuses the connection and httpx raises its own ConnectError before a byte of the request is written;
every other request goes on to the app's transport (the sandbox, in process).
"""

from __future__ import annotations

import httpx

from tests.fixtures.live_server import closed_port


class RefusingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; `refuse(marker, times)` makes the next matching requests find no listener."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.network = httpx.AsyncHTTPTransport()
        self.nowhere = closed_port()
        self.marker = b""
        self.left = 0
        self.refused = 0

    def refuse(self, marker: str, *, times: int) -> None:
        """Refuse the next `times` requests whose URL or body holds `marker` (e.g. `media_publish`)."""
        self.marker, self.left = marker.encode(), times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.left > 0:
            body = await request.aread()
            if self.marker in str(request.url).encode() or self.marker in body:
                self.left -= 1
                self.refused += 1
                url = request.url.copy_with(scheme="http", host="127.0.0.1", port=self.nowhere)
                unsent = httpx.Request(request.method, url, headers=request.headers, content=body)
                return await self.network.handle_async_request(unsent)
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.network.aclose()
        await self.inner.aclose()
