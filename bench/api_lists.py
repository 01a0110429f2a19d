"""Benchmark: the API's lists against bare FastAPI endpoints of the same shape (figures, not a test).

The real app (`clipper serve`, the embedded default: SQLite; its worker off, so only the API is measured)
serves a database of 100,000 posts (three accounts of one user, carousels among them) and 20,000 inbox
comments. A bare FastAPI app in another process answers the same paths with the same JSON, held in
memory: no database, no sign-in, no middleware. One httpx client in this process asks both in turn, one
request each, so both see the same machine load; the app is asked with a bearer API token.

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
from sqlalchemy import create_engine, insert

from clipper import migrate
from clipper.accounts.models import Account
from clipper.cli import serve_on_fd
from clipper.clips.models import Clip, ClipKind
from clipper.inbox.models import InboxComment
from clipper.security import hash_token
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.users.models import ApiToken, User

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the checkout, for the `tests` package
from tests.fixtures.live_server import clean_environ, listening_socket, origin_of, running  # noqa: E402

TOKEN = "clp_" + "b" * 43
RATIO_GOAL = 2.0
RSS_GOAL_MB = 200.0
ACCOUNTS = 3
CAROUSEL_EVERY = 20


# Seeding ----------------------------------------------------------------------------------------------


def _timeline(events: list[tuple[datetime, str, str | None]]) -> list[dict[str, Any]]:
    return [
        {"at": at.isoformat(), "event": event, "detail": detail, "count": 1} for at, event, detail in events
    ]


# Set on some posts only: every row names them (an executemany takes the same columns in each row).
_POST_OUTCOME = (
    "error_message", "last_error_code", "published_at", "container_id", "platform_post_id", "platform_url",
    "publish_sent_at",
)  # fmt: skip


def _post_row(number: int, total: int, now: datetime, accounts: list[int], clip: int) -> dict[str, Any]:
    """Post `number` of `total`, due times spread over two years ending two months from `now`."""
    due = now - timedelta(days=670) + timedelta(days=730) * number / total
    created = due - timedelta(days=3)
    carousel = number % CAROUSEL_EVERY == 0
    row: dict[str, Any] = dict.fromkeys(_POST_OUTCOME, None) | {
        "user_id": 1,
        "account_id": accounts[number % len(accounts)],
        "clip_id": None if carousel else clip,
        "platform": "instagram",
        "title": f"Post {number}",
        "caption": f"Post {number}: a caption of ordinary length about the product, the team and the week. "
        "Thanks for following along, more soon!",
        "hashtags": json.dumps(["brand", "launch", "behindthescenes", f"week{number % 52}"]),
        "media_type": MediaType.CAROUSEL if carousel else MediaType.IMAGE,
        "options": {"first_comment": "Link in bio"} if number % 7 == 0 else {},
        "scheduled_for": due,
        "attempts": 0,
        "next_attempt_at": None,
        "uploads_pending": [],
        "created_at": created,
        "updated_at": created,
    }
    events = [(created, "scheduled", f"for {due.isoformat()}")]
    if due > now:
        row |= {"status": PostStatus.SCHEDULED, "next_attempt_at": due}
    elif number % 100 == 0:
        failure = {"error_message": "The media could not be fetched.", "last_error_code": "9004"}
        row |= {"status": PostStatus.FAILED, "attempts": 3, **failure}
        events += [(due, "publishing", None), (due + timedelta(seconds=9), "failed", "9004")]
    else:
        done = due + timedelta(seconds=6)
        row |= {
            "status": PostStatus.PUBLISHED,
            "attempts": 1,
            "published_at": done,
            "container_id": f"1790{number:012d}",
            "platform_post_id": f"1800{number:012d}",
            "platform_url": f"https://www.instagram.com/p/B{number:010d}/",
            "publish_sent_at": done - timedelta(seconds=1),
            "updated_at": done,
        }
        events += [(due, "publishing", None), (done, "published", row["platform_url"])]
    row["timeline"] = _timeline(events)
    return row


def _comment_row(number: int, total: int, now: datetime, accounts: list[int]) -> dict[str, Any]:
    """Comment `number` of `total`, spread over the last 90 days on 300 media."""
    media = number % 300
    at = now - timedelta(days=90) + timedelta(days=90) * number / total
    return {
        "account_id": accounts[number % len(accounts)],
        "platform_comment_id": f"1780{number:012d}",
        "media_id": f"1790{media:012d}",
        "parent_platform_id": None,
        "author_id": f"{number % 5000:017d}",
        "author_username": f"follower_{number % 5000}",
        "text": f"Comment {number}: love this, where can I buy it? 😍",
        "commented_at": at,
        "from_account": number % 10 == 9,
        "hidden": number % 25 == 0,
        "answered": number % 3 == 0,
        "deleted": False,
        "media_caption": f"Media {media}: a caption cut short at one hundred characters for the inbox",
        "media_permalink": f"https://www.instagram.com/p/M{media:010d}/",
        "media_product_type": "FEED",
        "media_thumbnail_url": f"https://scontent.cdninstagram.com/v/t51/{media}.jpg",
        "created_at": at,
        "updated_at": at,
    }


def seed(database_url: str, *, posts: int, comments: int) -> None:
    """One user with a bearer API token, three accounts, `posts` posts and `comments` comments."""
    now = datetime.now(UTC)
    engine = create_engine(database_url.replace("+aiosqlite", ""))
    with engine.begin() as db:
        db.execute(insert(User.__table__), [{"id": 1, "email": "bench@example.com", "password_hash": "x"}])
        db.execute(
            insert(ApiToken.__table__),
            [{"user_id": 1, "name": "bench", "prefix": TOKEN[:12], "token_hash": hash_token(TOKEN)}],
        )
        accounts = list(range(1, ACCOUNTS + 1))
        db.execute(
            insert(Account.__table__),
            [
                {
                    "id": n,
                    "user_id": 1,
                    "platform": "instagram",
                    "platform_account_id": f"1784{n:012d}",
                    "account_username": f"brand_{n}",
                }  # fmt: skip
                for n in accounts
            ],
        )
        db.execute(
            insert(Clip.__table__),
            [
                {
                    "id": 1,
                    "user_id": 1,
                    "filename": "a.jpg",
                    "storage_key": "clips/1/a.jpg",
                    "content_type": "image/jpeg",
                    "kind": ClipKind.IMAGE,
                }
            ],  # fmt: skip
        )
        for start in range(0, posts, 10_000):
            rows = [_post_row(n, posts, now, accounts, 1) for n in range(start, min(posts, start + 10_000))]
            db.execute(insert(SocialPost.__table__), rows)
        carousels = range(1, posts + 1, CAROUSEL_EVERY)  # ids follow insertion order, from 1
        db.execute(
            insert(SocialPostMedia.__table__),
            [
                {"post_id": post, "clip_id": 1, "position": p, "container_id": f"1791{post:09d}{p}"}
                for post in carousels
                for p in range(3)
            ],  # fmt: skip
        )
        db.execute(
            insert(InboxComment.__table__),
            [_comment_row(n, comments, now, accounts) for n in range(comments)],
        )
    engine.dispose()


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
