"""Benchmark: calls/s and latency of `InstagramGraphAPI` against the sandbox (a figure, not a test).

The sandbox runs in a separate process behind uvicorn, on a loopback socket this process opened, so the
numbers include real HTTP: connection pooling, keep-alive, JSON encoding on both sides. Each round runs
one read-heavy workload that a sync job would run (profile, media page, one media node, container status).

    .venv/bin/python bench/graph_client.py               # 2,000 calls, 16 in flight
    .venv/bin/python bench/graph_client.py --calls 5000 --concurrency 32
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

from clipper.instagram import InstagramGraphAPI
from graph_sandbox.config import SandboxConfig
from graph_sandbox.permissions import PRODUCT_PERMISSIONS

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, for the `tests` package
from tests.fixtures.live_server import listening_socket, origin_of  # noqa: E402

Call = Callable[[], Awaitable[object]]


def _start_sandbox(sock: socket.socket) -> subprocess.Popen[bytes]:
    """The sandbox in a process of its own, serving on `sock` (inherited)."""
    command = [sys.executable, "-m", "graph_sandbox", "--fd", str(sock.fileno())]
    return subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, pass_fds=[sock.fileno()]
    )


async def _wait_until_up(url: str) -> None:
    async with httpx.AsyncClient() as client:
        for _ in range(200):
            try:
                await client.get(f"{url}/_admin/state")
                return
            except httpx.TransportError:
                await asyncio.sleep(0.05)
    raise RuntimeError(f"the sandbox at {url} did not start")


async def _page_token(url: str) -> tuple[str, str]:
    """A Page token and its IG user id, minted through the admin API."""
    async with httpx.AsyncClient(base_url=url) as admin:
        issued = await admin.post(
            "/_admin/tokens/issue", json={"kind": "USER_LONG", "scopes": list(PRODUCT_PERMISSIONS)}
        )
        user_token = issued.json()["access_token"]
        pages = await admin.get(
            "/graph/v24.0/me/accounts",
            params={"access_token": user_token, "fields": "access_token,instagram_business_account"},
        )
    page = next(item for item in pages.json()["data"] if "instagram_business_account" in item)
    return page["access_token"], page["instagram_business_account"]["id"]


def _workload(api: InstagramGraphAPI, ig_user_id: str, media_id: str) -> list[Call]:
    return [
        lambda: api.get_instagram_account_info(ig_user_id),
        lambda: api.get_user_media(ig_user_id, limit=10, max_items=10),
        lambda: api.get_media_details(media_id),
        lambda: api.get_content_publishing_limit(ig_user_id),
    ]


async def _run(calls: list[Call], total: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue: asyncio.Queue[Call] = asyncio.Queue()
    for index in range(total):
        queue.put_nowait(calls[index % len(calls)])

    async def worker() -> None:
        while not queue.empty():
            call = queue.get_nowait()
            started = time.perf_counter()
            await call()
            latencies.append(time.perf_counter() - started)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies


async def main(total: int, concurrency: int) -> None:
    sock = listening_socket()
    url = origin_of(sock)
    process = _start_sandbox(sock)
    try:
        await _wait_until_up(url)
        token, ig_user_id = await _page_token(url)
        config = SandboxConfig()
        async with InstagramGraphAPI(
            token, base_url=f"{url}/graph", app_id=config.app_id, app_secret=config.app_secret
        ) as api:
            media = await api.get_user_media(ig_user_id, limit=1, max_items=1)
            calls = _workload(api, ig_user_id, media[0]["id"])
            await _run(calls, 50, concurrency)  # warm the pool and the sandbox
            started = time.perf_counter()
            latencies = await _run(calls, total, concurrency)
            elapsed = time.perf_counter() - started
    finally:
        process.terminate()
        process.wait(timeout=10)
        sock.close()
    ordered = sorted(latencies)
    print(f"Graph client against the sandbox over HTTP ({total} calls, {concurrency} in flight)")
    print(f"  calls/s        {total / elapsed:10.1f}")
    print(f"  mean latency   {statistics.fmean(latencies) * 1000:10.2f} ms")
    print(f"  p50 latency    {ordered[len(ordered) // 2] * 1000:10.2f} ms")
    print(f"  p99 latency    {ordered[int(len(ordered) * 0.99) - 1] * 1000:10.2f} ms")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=16)
    arguments = parser.parse_args()
    asyncio.run(main(arguments.calls, arguments.concurrency))
