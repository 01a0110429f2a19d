"""A webhook receiver on a real loopback socket: records each request and answers scripted statuses."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from tests.fixtures.live_server import listening_socket, origin_of


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next of `statuses` (then 200); `origin` once running."""

    statuses: list[int] = field(default_factory=list)
    requests: list[Received] = field(default_factory=list)
    origin: str = ""

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
            request_line, *lines = head.split("\r\n")
            method, path, _version = request_line.split(" ", 2)
            headers = {
                name.strip().lower(): value.strip()
                for name, value in (line.split(":", 1) for line in lines if ":" in line)
            }
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.requests.append(Received(method, path, headers, body))
            status = self.statuses.pop(0) if self.statuses else 200
            extra = "Location: https://elsewhere.example/\r\n" if 300 <= status < 400 else ""
            head = f"HTTP/1.1 {status} Scripted\r\n{extra}Content-Length: 2\r\nConnection: close\r\n\r\n"
            writer.write(head.encode() + b"ok")
            await writer.drain()
        finally:
            writer.close()
            with contextlib.suppress(ConnectionError):
                await writer.wait_closed()

    @asynccontextmanager
    async def running(self) -> AsyncIterator[Receiver]:
        """Serve on a fresh loopback port for the block."""
        sock = listening_socket()
        server = await asyncio.start_server(self._handle, sock=sock)
        self.origin = origin_of(sock)
        try:
            yield self
        finally:
            server.close()
            await server.wait_closed()
