"""A public https host name served by local http processes: what DNS plus a TLS reverse proxy do.

Requests for `public_host` go to the backends in turn (the next one when a backend refuses the
connection, as a proxy's health check would), with the headers such a proxy adds; other hosts pass through.
"""

from __future__ import annotations

import itertools

import httpx


class HostMap(httpx.AsyncBaseTransport):
    def __init__(self, public_host: str, backends: list[tuple[str, int]]) -> None:
        self.public_host = public_host
        self.backends = backends
        self._turn = itertools.cycle(range(len(backends)))
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host != self.public_host:
            return await self._inner.handle_async_request(request)
        start = next(self._turn)
        error: httpx.ConnectError | None = None
        for offset in range(len(self.backends)):
            host, port = self.backends[(start + offset) % len(self.backends)]
            request.url = request.url.copy_with(scheme="http", host=host, port=port)
            request.headers["X-Forwarded-Proto"] = "https"
            request.headers["X-Forwarded-For"] = "203.0.113.7"
            try:
                return await self._inner.handle_async_request(request)
            except httpx.ConnectError as exc:
                error = exc
        assert error is not None
        raise error

    async def aclose(self) -> None:
        await self._inner.aclose()
