"""Benchmark: the API's lists against bare FastAPI endpoints of the same shape (figures, not a test).

The real app (`clipper serve`, the embedded default: SQLite; its worker off, so only the API is measured)
serves 100,000 posts (three accounts of one user, carousels among them) and 20,000 inbox comments
(`bench/api_lists_data.py`). A bare FastAPI app in another process answers the same paths with the
same JSON, held in memory: no database, no sign-in, no middleware. One httpx client in this process
asks both in turn, one request each, so both see the same machine load; the app is asked with a bearer
API token. Each server's CPU per request is printed too: steadier than latency on a shared machine.

Three lists, each as the UI asks for it:
- the post list: `GET /api/v1/social/?limit=50`;
- the calendar's month view six months back: `GET /api/v1/social/?from=…&to=…&limit=200` (a six-week
  grid, as the calendar page asks);
- the comment inbox: `GET /api/v1/instagram/comments?limit=100`.

Printed: p50 and p99 of each (all rounds together), their ratio to the bare endpoint with the range of
the per-round ratios (how steady it is) beside the goal (≤ 2×), and the app process's peak RSS beside its
goal (≤ 200 MB).

    .venv/bin/python bench/api_lists.py                       # 5 rounds × 200 requests per list
    .venv/bin/python bench/api_lists.py --rounds 3 --requests 100 --posts 20000
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from cryptography.fernet import Fernet
from fastapi import FastAPI, Query

from clipper import migrate
from clipper.cli import serve_on_fd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, for the `tests` package
from api_lists_data import TOKEN, seed  # noqa: E402
from tests.fixtures.live_server import clean_environ, listening_socket, origin_of, running  # noqa: E402

RATIO_GOAL = 2.0
RSS_GOAL_MB = 200.0


# Servers ----------------------------------------------------------------------------------------------


def bare_app(bodies: dict[str, Any]) -> FastAPI:
    """Bare FastAPI: the same paths and query parameters, answering the app's own JSON from memory."""
    app = FastAPI()

    @app.get("/api/v1/social/")
    async def posts(
        limit: int = 50,
        since: str | None = Query(default=None, alias="from"),
        until: str | None = Query(default=None, alias="to"),
    ) -> dict[str, Any]:
        page = bodies["month" if since and until else "posts"]
        return {"items": page["items"][:limit], "next_cursor": page["next_cursor"]}

    @app.get("/api/v1/instagram/comments")
    async def comments(limit: int = 25) -> dict[str, Any]:
        page = bodies["inbox"]
        return {"items": page["items"][:limit], "next_cursor": page["next_cursor"]}

    @app.get("/healthz")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    return app


def _serve_bare(bodies_file: str, fd: int) -> None:
    bodies = json.loads(Path(bodies_file).read_text())
    serve_on_fd(uvicorn.Config(bare_app(bodies), log_level="warning", access_log=False), fd)


@contextmanager
def _app_server(folder: Path) -> Iterator[tuple[str, int]]:
    """`clipper serve` on the seeded database; yields its origin and process id."""
    with listening_socket() as sock:
        origin = origin_of(sock)
        env = clean_environ() | {
            "ENVIRONMENT": "development",
            "DATABASE_URL": _database_url(folder),
            "DATA_DIR": str(folder),
            "BACKEND_URL": origin,
            "FRONTEND_URL": origin,
            "FERNET_KEY": Fernet.generate_key().decode("ascii"),
            "LOG_LEVEL": "WARNING",
            "WORKER_EMBEDDED": "false",
        }
        clipper = Path(sys.executable).parent / "clipper"
        argv = [clipper, "serve", "--fd", str(sock.fileno())]
        with running(
            argv, env=env, cwd=folder, log=folder / "app.log", ready_url=f"{origin}/healthz",
            pass_fds=[sock.fileno()],
        ) as process:  # fmt: skip
            yield origin, process.pid


@contextmanager
def _bare_server(folder: Path, bodies: dict[str, Any]) -> Iterator[tuple[str, int]]:
    (folder / "bodies.json").write_text(json.dumps(bodies))
    with listening_socket() as sock:
        origin = origin_of(sock)
        argv = [sys.executable, __file__, "--serve-bare", folder / "bodies.json", "--fd", str(sock.fileno())]
        with running(
            argv, env=clean_environ(), cwd=folder, log=folder / "bare.log", ready_url=f"{origin}/healthz",
            pass_fds=[sock.fileno()],
        ) as process:  # fmt: skip
            yield origin, process.pid


def _database_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'bench.db'}"


# Measuring --------------------------------------------------------------------------------------------


@dataclass
class Pair:
    """One list: its request, and the latencies of the app and of the bare endpoint, by round."""

    name: str
    path: str
    params: dict[str, str | int]
    app: list[list[float]] = field(default_factory=list)
    bare: list[list[float]] = field(default_factory=list)
    # CPU seconds each server process spent on this list's requests, and how many it answered.
    app_cpu: float = 0.0
    bare_cpu: float = 0.0
    answered: int = 0

    def clear(self) -> None:
        self.app, self.bare, self.app_cpu, self.bare_cpu, self.answered = [], [], 0.0, 0.0, 0


@dataclass(frozen=True)
class Server:
    origin: str
    pid: int


def _month_window(now: datetime) -> tuple[str, str]:
    """The calendar's six-week grid for the month six months back (weeks start on Monday)."""
    month, year = now.month - 6, now.year
    if month < 1:
        month, year = month + 12, year - 1
    first = datetime(year, month, 1, tzinfo=UTC)
    start = first - timedelta(days=first.weekday())
    return start.isoformat().replace("+00:00", "Z"), (start + timedelta(days=42)).isoformat().replace(
        "+00:00", "Z"
    )


def _pairs() -> list[Pair]:
    since, until = _month_window(datetime.now(UTC))
    return [
        Pair("post list (limit 50)", "/api/v1/social/", {"limit": 50}),
        Pair("calendar month (limit 200)", "/api/v1/social/", {"from": since, "to": until, "limit": 200}),
        Pair("comment inbox (limit 100)", "/api/v1/instagram/comments", {"limit": 100}),
    ]


def _timed(client: httpx.Client, url: str, params: dict[str, str | int], headers: dict[str, str]) -> float:
    started = time.perf_counter()
    response = client.get(url, params=params, headers=headers)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}: {response.text[:300]}")
    return elapsed * 1000


def measure(
    client: httpx.Client, app: Server, bare: Server, pairs: list[Pair], rounds: int, requests: int
) -> None:
    """Each round: every list, `requests` times, app and bare in turn (which goes first alternates)."""
    auth = {"Authorization": f"Bearer {TOKEN}"}
    for _ in range(rounds):
        for pair in pairs:
            app_times: list[float] = []
            bare_times: list[float] = []
            app_cpu, bare_cpu = _cpu_seconds(app.pid), _cpu_seconds(bare.pid)
            for number in range(requests):
                order = [(app.origin, auth, app_times), (bare.origin, {}, bare_times)]
                for origin, headers, times in order if number % 2 == 0 else order[::-1]:
                    times.append(_timed(client, origin + pair.path, pair.params, headers))
            pair.app_cpu += _cpu_seconds(app.pid) - app_cpu
            pair.bare_cpu += _cpu_seconds(bare.pid) - bare_cpu
            pair.answered += requests
            pair.app.append(app_times)
            pair.bare.append(bare_times)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of the process so far (all its threads), from `/proc/<pid>/stat`."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else math.nan


def _peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (Linux `VmHWM`)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return math.nan


def report(
    pairs: list[Pair], rss_mb: float, *, posts: int, comments: int, rounds: int, requests: int
) -> None:
    print(
        f"{posts:,} posts, {comments:,} comments on SQLite; {rounds} rounds × {requests} requests per list, "
        "app and bare in turn"
    )
    print(f"  {'list':28}{'':4}{'app ms':>9}{'bare ms':>9}{'ratio':>8}   per-round ratios   goal")
    for pair in pairs:
        for label, share in (("p50", 0.5), ("p99", 0.99)):
            app = _percentile([t for r in pair.app for t in r], share)
            bare = _percentile([t for r in pair.bare for t in r], share)
            rounds_ratio = [
                _percentile(a, share) / _percentile(b, share)
                for a, b in zip(pair.app, pair.bare, strict=True)
            ]
            verdict = "ok" if app / bare <= RATIO_GOAL else "MISSED"
            print(
                f"  {pair.name:28}{label:4}{app:9.2f}{bare:9.2f}{app / bare:7.2f}×   "
                f"{min(rounds_ratio):.2f}–{max(rounds_ratio):.2f}×{'':7}≤ {RATIO_GOAL:g}× {verdict}"
            )
    print("  server CPU per request (all threads; steadier than latency on a shared machine):")
    for pair in pairs:
        app_ms, bare_ms = 1000 * pair.app_cpu / pair.answered, 1000 * pair.bare_cpu / pair.answered
        print(f"  {pair.name:32}{app_ms:9.2f}{bare_ms:9.2f}{app_ms / bare_ms:7.2f}×")
    verdict = "ok" if rss_mb <= RSS_GOAL_MB else "MISSED"
    print(f"  {'app process peak RSS':32}{rss_mb:9.1f} MB{'':29}≤ {RSS_GOAL_MB:g} MB {verdict}")


def main(posts: int, comments: int, rounds: int, requests: int, warmup: int) -> None:
    pairs = _pairs()
    with tempfile.TemporaryDirectory() as name, ExitStack() as stack:
        folder = Path(name)
        migrate.upgrade(_database_url(folder))
        started = time.perf_counter()
        seed(_database_url(folder), posts=posts, comments=comments)
        print(f"seeded in {time.perf_counter() - started:.1f} s")
        app = Server(*stack.enter_context(_app_server(folder)))
        client = stack.enter_context(httpx.Client(timeout=30.0))
        auth = {"Authorization": f"Bearer {TOKEN}"}
        bodies = {}
        for key, pair in zip(("posts", "month", "inbox"), pairs, strict=True):
            response = client.get(app.origin + pair.path, params=pair.params, headers=auth)
            response.raise_for_status()
            bodies[key] = response.json()
            print(f"  {pair.name}: {len(bodies[key]['items'])} items, {len(response.content):,} bytes")
        bare = Server(*stack.enter_context(_bare_server(folder, bodies)))
        measure(client, app, bare, pairs, 1, warmup)
        for pair in pairs:
            pair.clear()
        measure(client, app, bare, pairs, rounds, requests)
        rss = _peak_rss_mb(app.pid)
    report(pairs, rss, posts=posts, comments=comments, rounds=rounds, requests=requests)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--requests", type=int, default=200, help="requests per list and round, to each server"
    )
    parser.add_argument("--warmup", type=int, default=50, help="requests per list before measuring")
    parser.add_argument("--serve-bare", help=argparse.SUPPRESS)
    parser.add_argument("--fd", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        _serve_bare(args.serve_bare, args.fd)
    else:
        main(args.posts, args.comments, args.rounds, args.requests, args.warmup)
