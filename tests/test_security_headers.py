"""Security headers on every answer, and /metrics only for local clients or a scraper with the token."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from clipper.config import Settings

REMOTE = ("203.0.113.9", 40000)


def remote_client(app: FastAPI) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app, client=REMOTE), base_url="http://testserver"
    )


class TestSecurityHeaders:
    @pytest.mark.parametrize("path", ["/", "/login", "/healthz", "/api/v1/auth/me", "/api/v1/nothing-here"])
    async def test_every_answer_carries_them(self, app_client: httpx.AsyncClient, path: str) -> None:
        response = await app_client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy
        assert "script-src 'self'" in policy
        assert "default-src 'self'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response.headers["X-Frame-Options"] == "DENY"

    @pytest.mark.parametrize("path", ["/sandbox/graph/me", "/docs", "/api/v1/oauth/instagram/callback"])
    async def test_pages_not_built_by_the_ui_still_refuse_framing(
        self, app_client: httpx.AsyncClient, path: str
    ) -> None:
        response = await app_client.get(path)
        assert response.headers["Content-Security-Policy"] == "frame-ancestors 'none'"
        assert response.headers["X-Content-Type-Options"] == "nosniff"

    async def test_a_handlers_own_referrer_policy_is_kept(self, app_client: httpx.AsyncClient) -> None:
        response = await app_client.get("/api/v1/oauth/instagram/callback", params={"state": "x"})
        assert response.headers["Referrer-Policy"] == "no-referrer"


class TestMetrics:
    async def test_answers_a_local_client(self, app_client: httpx.AsyncClient) -> None:
        response = await app_client.get("/metrics")
        assert response.status_code == 200
        assert "publish_latency_seconds" in response.text

    async def test_refuses_a_remote_client(self, app: FastAPI, app_client: httpx.AsyncClient) -> None:
        del app_client  # lifespan running
        async with remote_client(app) as remote:
            response = await remote.get("/metrics", headers={"Authorization": "Bearer guess"})
        assert response.status_code == 403
        assert "publish_latency_seconds" not in response.text

    async def test_answers_a_remote_scraper_with_the_token(self, settings: Settings) -> None:
        from clipper.main import create_app

        app = create_app(settings.model_copy(update={"metrics_token": "scrape-0123456789abcdef"}))
        async with app.router.lifespan_context(app), remote_client(app) as remote:
            wrong = await remote.get("/metrics", headers={"Authorization": "Bearer scrape-wrong"})
            right = await remote.get("/metrics", headers={"Authorization": "Bearer scrape-0123456789abcdef"})
        assert wrong.status_code == 403
        assert right.status_code == 200
