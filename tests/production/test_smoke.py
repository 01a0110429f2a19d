"""Production smoke test: the compose services as processes, the standalone sandbox standing in for Meta.

`clipper db upgrade`, two `clipper serve` and two `clipper worker` processes run with ENVIRONMENT=production,
the settings deploy/docker-compose.yml fixes (tests/production/shape.py reads them from there) and
real-looking site secrets. The public origin is https://clipper.test: the test and the sandbox reach it
through HostMap, which plays DNS plus a TLS reverse proxy in front of the two API processes. The only
settings beyond the compose file point Meta's three hosts at the sandbox (GRAPH_BASE_URL, GRAPH_DIALOG_URL,
GRAPH_RUPLOAD_URL, over plain http on loopback, which ALLOW_INSECURE_GRAPH_HOSTS lets production accept) and
give this run its own job queue name (WORKER_QUEUE).

A user signs up, connects Instagram, the operator subscribes the app's webhooks, a post is published, a
follower's comment arrives by webhook, insights are read and `clipper doctor` passes; then one API and one
worker process restart while a post is due, and everything is still there and published exactly once.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import secrets
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from tests.clips.clip_helpers import upload_ok, wait_done
from tests.fixtures.auth import SignedUp, login, signup
from tests.fixtures.live_server import (
    clean_environ,
    listening_socket,
    origin_of,
    port_of,
    start,
    stop,
    wait_until_answering,
)
from tests.fixtures.media_factory import jpeg
from tests.fixtures.oauth_flow import connect_instagram
from tests.fixtures.postgres import throwaway_database
from tests.production import shape
from tests.production.host_map import HostMap

ADMIN_URL = os.environ.get("TEST_DATABASE_URL", "")
REDIS_URL = os.environ.get("TEST_REDIS_URL", "")
PUBLIC_HOST = "clipper.test"
PUBLIC_ORIGIN = f"https://{PUBLIC_HOST}"
HERE = Path(__file__).resolve().parent
STARTUP_SECONDS = 60.0

pytestmark = [
    pytest.mark.skipif(
        not (ADMIN_URL and REDIS_URL),
        reason="needs PostgreSQL and Redis: set TEST_DATABASE_URL and TEST_REDIS_URL",
    ),
    pytest.mark.slow,
    pytest.mark.timeout(420),
]


class Site:
    """The processes of one production site, their settings and logs."""

    def __init__(self, folder: Path, database_url: str) -> None:
        self.folder = folder
        # Held for the whole run, as systemd's socket units hold them: each process serves on its socket
        # (`--fd`), and a restarted one takes over the same socket, with the connections queued meanwhile.
        self.sockets = {
            name: listening_socket() for name in ("sandbox", "api1", "api2", "worker1", "worker2")
        }
        self.api_ports = [port_of(self.sockets[name]) for name in ("api1", "api2")]
        self.worker_metrics_ports = [port_of(self.sockets[name]) for name in ("worker1", "worker2")]
        self.app_id = str(10**15 + secrets.randbelow(9 * 10**15))
        self.app_secret = secrets.token_hex(16)
        self.verify_token = secrets.token_urlsafe(24)
        sandbox = origin_of(self.sockets["sandbox"])
        site = {
            "INSTAGRAM_CLIENT_ID": self.app_id,
            "INSTAGRAM_CLIENT_SECRET": self.app_secret,
            "BACKEND_URL": PUBLIC_ORIGIN,
            "FRONTEND_URL": PUBLIC_ORIGIN,
            "FERNET_KEY": Fernet.generate_key().decode("ascii"),
            "WEBHOOK_VERIFY_TOKEN": self.verify_token,
        }
        assert sorted(site) == sorted(shape.site_settings())
        self.env = clean_environ() | shape.fixed_settings("app") | site
        self.env |= {"DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "DATA_DIR": str(folder / "data")}
        self.env |= {
            "GRAPH_BASE_URL": f"{sandbox}/graph",
            "GRAPH_DIALOG_URL": f"{sandbox}/dialog/oauth",
            "GRAPH_RUPLOAD_URL": f"{sandbox}/rupload",
            "ALLOW_INSECURE_GRAPH_HOSTS": "true",
            "WORKER_QUEUE": f"smoke:{secrets.token_hex(4)}",
            # Its own Redis namespace: earlier runs' sign-up throttle on the shared Redis never applies.
            "REDIS_KEY_PREFIX": f"smoke-{secrets.token_hex(4)}:",
        }
        self.processes: dict[str, subprocess.Popen[bytes]] = {}
        self.sandbox_url = sandbox

    def run(self, service: str) -> None:
        """A one-shot compose service (migrate), to completion."""
        done = subprocess.run(
            self._argv(shape.command(service)),
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()

    def start(self, name: str) -> None:
        """`api1`, `api2`, `worker1`, `worker2` or `sandbox`."""
        fd = self.sockets[name].fileno()
        if name == "sandbox":
            ports = ",".join(map(str, self.api_ports))
            argv = [sys.executable, str(HERE / "sandbox_host.py"), str(fd), PUBLIC_HOST, ports]
        elif name.startswith("api"):
            argv = self._argv(shape.on_socket(shape.command("app"), fd))
        else:
            argv = self._argv(shape.on_socket(shape.command("worker"), fd, option="metrics-"))
        self.processes[name] = start(argv, env=self.env, cwd=self.folder, log=self._log(name), pass_fds=[fd])

    def stop(self, name: str) -> int:
        return stop(self.processes.pop(name), timeout=30)

    def stop_all(self) -> None:
        for name in list(self.processes):
            self.stop(name)
        for sock in self.sockets.values():
            sock.close()

    def _log(self, name: str) -> Path:
        return self.folder / f"{name}.log"

    async def wait_up(self, name: str) -> None:
        if name == "sandbox":
            url = f"{self.sandbox_url}/_admin/state"
        elif name.startswith("api"):
            url = f"http://127.0.0.1:{self.api_ports[int(name[-1]) - 1]}/healthz"
        else:
            return
        await asyncio.to_thread(
            wait_until_answering, url, self.processes[name], self._log(name), STARTUP_SECONDS
        )

    @staticmethod
    def _argv(arguments: list[str]) -> list[str]:
        return [str(Path(sys.executable).with_name(arguments[0])), *arguments[1:]]

    def proof(self, token: str) -> str:
        return hmac.new(self.app_secret.encode(), token.encode(), hashlib.sha256).hexdigest()


@contextmanager
def _running(site: Site) -> Iterator[Site]:
    try:
        yield site
    finally:
        site.stop_all()


@pytest.fixture
async def site(tmp_path: Path) -> AsyncIterator[Site]:
    async with throwaway_database(ADMIN_URL, "clipper_smoke") as database_url:
        with _running(Site(tmp_path, database_url)) as running:
            running.run("migrate")
            for name in ("sandbox", "api1", "api2", "worker1", "worker2"):
                running.start(name)
            for name in ("sandbox", "api1", "api2"):
                await running.wait_up(name)
            yield running


@pytest.fixture
async def public(site: Site) -> AsyncIterator[httpx.AsyncClient]:
    """A client for https://clipper.test (both API processes, in turn) and the sandbox's own URLs."""
    transport = HostMap(PUBLIC_HOST, [("127.0.0.1", port) for port in site.api_ports])
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_ORIGIN, timeout=30.0) as client:
        yield client


async def _poll(description: str, read: Any, done: Any, timeout: float = 90.0) -> Any:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        value = await read()
        if done(value):
            return value
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail(f"{description}: still {value!r} after {timeout:.0f} s")
        await asyncio.sleep(0.5)


async def _post_status(public: httpx.AsyncClient, user: SignedUp, post_id: int) -> dict[str, Any]:
    response = await public.get(f"/api/v1/social/{post_id}", headers=user.headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def _published(public: httpx.AsyncClient, site: Site, ig_user_id: str) -> list[dict[str, Any]]:
    body = (
        await public.get(f"{site.sandbox_url}/_admin/published", params={"ig_user_id": ig_user_id})
    ).json()
    items: list[dict[str, Any]] = body["accounts"].get(ig_user_id, [])
    return items


async def _comments(public: httpx.AsyncClient, user: SignedUp) -> list[dict[str, Any]]:
    response = await public.get("/api/v1/instagram/comments", headers=user.headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


class TestProductionSmoke:
    async def test_sign_up_connect_publish_webhook_insights_then_restarts_lose_nothing(
        self, site: Site, public: httpx.AsyncClient
    ) -> None:
        # The operator subscribes the app's webhooks, as in the App Dashboard: Meta verifies the callback.
        app_token = f"{site.app_id}|{site.app_secret}"
        subscribed = await public.post(
            f"{site.sandbox_url}/graph/v24.0/{site.app_id}/subscriptions",
            data={
                "object": "instagram",
                "callback_url": f"{PUBLIC_ORIGIN}/api/v1/webhooks/instagram",
                "fields": "comments,mentions,messages,story_insights",
                "verify_token": site.verify_token,
                "access_token": app_token,
                "appsecret_proof": site.proof(app_token),
            },
        )
        assert subscribed.json() == {"success": True}, subscribed.text

        user = await signup(public)
        account = await connect_instagram(public, user.headers)
        ig_user_id = account["platform_account_id"]
        assert account["webhook_problem"] is None

        clip = await upload_ok(public, user, jpeg(640, 640), "photo.jpg")
        clip = await wait_done(public, user, clip["id"], timeout=90)
        assert clip["status"] == "ready", clip
        created = await public.post(
            "/api/v1/social/",
            json={"platform": "instagram", "account_id": account["id"], "clip_id": clip["id"],
                  "media_type": "IMAGE", "caption": "Smoke test, first post"},
            headers=user.headers,
        )  # fmt: skip
        assert created.status_code in (200, 201), created.text
        post_id = created.json()["id"]
        published = await public.post(f"/api/v1/social/{post_id}/publish", headers=user.headers)
        assert published.status_code == 202, published.text
        post = await _poll(
            "the first post",
            lambda: _post_status(public, user, post_id),
            lambda body: body["status"] in ("published", "failed"),
        )
        assert post["status"] == "published", post
        media_id = post["platform_post_id"]

        # A follower comments: the sandbox delivers the signed webhook to https://clipper.test.
        comment = await public.post(
            f"{site.sandbox_url}/_admin/simulate/comment",
            json={"media_id": media_id, "username": "a.follower", "text": "Lovely light!"},
        )
        assert comment.status_code == 200, comment.text
        assert [delivery["status"] for delivery in comment.json()["deliveries"]] == ["delivered"]
        comments = await _poll(
            "the webhook comment in the inbox",
            lambda: _comments(public, user),
            lambda items: any(item.get("text") == "Lovely light!" for item in items),
        )

        insights = await public.get(
            f"/api/v1/instagram/accounts/{account['id']}/insights", headers=user.headers
        )
        assert insights.status_code == 200, insights.text
        assert insights.json()["metrics"]

        # The operator's check of the whole set-up, with the site's settings.
        doctor = subprocess.run(
            Site._argv(["clipper", "doctor"]), env=site.env, cwd=site.folder, capture_output=True, text=True,
            check=False, timeout=120,
        )  # fmt: skip
        assert doctor.returncode == 0, doctor.stdout + doctor.stderr
        assert doctor.stdout.rstrip().endswith("all checks passed")

        # A post due in a few seconds, then one API process and one worker restart meanwhile.
        due = (datetime.now(UTC) + timedelta(seconds=4)).isoformat()
        scheduled = await public.post(
            "/api/v1/social/",
            json={"platform": "instagram", "account_id": account["id"], "clip_id": clip["id"],
                  "media_type": "IMAGE", "caption": "Smoke test, across restarts", "scheduled_for": due},
            headers=user.headers,
        )  # fmt: skip
        assert scheduled.status_code in (200, 201), scheduled.text
        scheduled_id = scheduled.json()["id"]
        # uvicorn shuts down gracefully, then re-raises SIGTERM (systemd and Docker count it as clean).
        assert site.stop("api1") in (0, -signal.SIGTERM)
        assert site.stop("worker1") == 0
        site.start("api1")
        site.start("worker1")
        await site.wait_up("api1")

        after = await _poll(
            "the post scheduled across the restarts",
            lambda: _post_status(public, user, scheduled_id),
            lambda body: body["status"] in ("published", "failed"),
        )
        assert after["status"] == "published", after
        assert (await login(public, user.email, user.password)).status_code == 200
        accounts = (await public.get("/api/v1/accounts", headers=user.headers)).json()
        assert [item["id"] for item in accounts["items"]] == [account["id"]]
        assert (await _post_status(public, user, post_id))["status"] == "published"
        # The inbox sync may have brought older comments in meanwhile; none of those seen before is gone.
        now_seen = await _comments(public, user)
        assert {item["id"] for item in comments} <= {item["id"] for item in now_seen}
        assert [item["text"] for item in now_seen].count("Lovely light!") == 1
        captions = sorted(item["params"]["caption"] for item in await _published(public, site, ig_user_id))
        assert captions == ["Smoke test, across restarts", "Smoke test, first post"]
        # Publishing happened in the workers: their own /metrics count it (the restarted one from zero).
        published_counts = []
        for port in site.worker_metrics_ports:
            exposition = (await public.get(f"http://127.0.0.1:{port}/metrics")).text
            samples = [line for line in exposition.splitlines() if line.startswith("publish_success_total ")]
            published_counts.append(float(samples[0].split()[1]))
        assert 1 <= sum(published_counts) <= 2, published_counts
        # LOG_FORMAT=json: every process writes one JSON object per line, for the log shipper.
        for name in ("api2", "worker2"):
            text = (site.folder / f"{name}.log").read_text(encoding="utf-8")
            lines = [line for line in text.splitlines() if line.strip()]
            assert lines, name
            assert all(json.loads(line)["event"] for line in lines[-20:]), name
