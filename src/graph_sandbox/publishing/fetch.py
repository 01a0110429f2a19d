"""Download media the way Meta's fetcher does: plain US-ASCII http(s) URLs, a 200 answer, a size cap."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from graph_sandbox.config import SandboxConfig
from graph_sandbox.exposure import media_host_allowed
from graph_sandbox.media_inspect import MediaProblem, fetch_problem


@dataclass(frozen=True)
class Fetched:
    """The body of a successful fetch; `truncated` when it went past the cap."""

    data: bytes
    content_type: str
    truncated: bool = False


# Redirects followed one hop at a time, so that every hop passes the host check (httpx's default is 20).
MAX_REDIRECTS = 10


async def fetch_media(
    client: httpx.AsyncClient, url: str, *, max_bytes: int, config: SandboxConfig | None = None
) -> Fetched | MediaProblem:
    """GET `url` through the sandbox's client; a MediaProblem (9004/2207052) when it cannot be fetched.

    With `config`, a host the sandbox may not reach (graph_sandbox.exposure) is "could not be fetched",
    whether named by `url` or by a redirect on the way.
    """
    target = url
    for _ in range(MAX_REDIRECTS + 1):
        if not target.isascii() or not target.lower().startswith(("http://", "https://")):
            return fetch_problem(url)
        if config is not None and not media_host_allowed(config, target):
            return fetch_problem(url)
        chunks: list[bytes] = []
        size = 0
        try:
            async with client.stream("GET", target, follow_redirects=False) as response:
                if response.is_redirect and response.headers.get("location"):
                    target = str(response.url.join(response.headers["location"]))
                    continue
                if response.status_code != 200:
                    return fetch_problem(url)
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > max_bytes:
                        break
                content_type = response.headers.get("content-type", "application/octet-stream")
        except (httpx.HTTPError, ValueError):
            return fetch_problem(url)
        return Fetched(b"".join(chunks), content_type, truncated=size > max_bytes)
    return fetch_problem(url)
