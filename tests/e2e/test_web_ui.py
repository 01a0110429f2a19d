"""Serving the built UI next to the API: SPA fallback, reserved paths, caching, and the no-build page."""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from pathlib import Path

import httpx
from fastapi import FastAPI

from clipper.web import mount_web_ui


class TestServedUi:
    def test_ui_routes_fall_back_to_the_app_shell(self, server: str) -> None:
        for path in ("/", "/accounts", "/posts/42", "/inbox?tab=messages"):
            response = httpx.get(f"{server}{path}")
            assert response.status_code == 200, path
            assert '<div id="root">' in response.text
            assert response.headers["cache-control"] == "no-cache"

    def test_hashed_assets_are_cached_for_good(self, server: str) -> None:
        shell = httpx.get(server).text
        asset = re.search(r'src="(/assets/[^"]+\.js)"', shell)
        assert asset is not None
        response = httpx.get(f"{server}{asset.group(1)}")
        assert response.status_code == 200
        assert "immutable" in response.headers["cache-control"]

    def test_api_and_operations_paths_keep_their_routes(self, server: str) -> None:
        missing = httpx.get(f"{server}/api/v1/no-such-thing")
        assert missing.status_code == 404
        assert missing.json()["error"] == "NotFound"
        assert httpx.get(f"{server}/healthz").json()["status"] == "ok"
        assert "swagger-ui" in httpx.get(f"{server}/docs").text
        assert httpx.get(f"{server}/metrics").headers["content-type"].startswith("text/plain")
        assert "Log in as" in httpx.get(f"{server}/sandbox/dialog/oauth", params=_dialog_params()).text

    def test_only_reads_fall_back(self, server: str) -> None:
        assert httpx.post(f"{server}/accounts").status_code in (404, 405)


def _dialog_params() -> dict[str, str]:
    from clipper.config import SANDBOX_APP_ID

    return {"client_id": SANDBOX_APP_ID, "redirect_uri": "http://127.0.0.1/cb", "scope": "public_profile"}


def _get(app: FastAPI, *paths: str) -> list[httpx.Response]:
    """GET through the ASGI app on a thread of its own (Playwright may hold this thread's event loop)."""

    async def fetch() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return [await client.get(path) for path in paths]

    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, fetch()).result()


class TestWithoutABuild:
    def test_the_api_starts_and_the_root_says_how_to_build(self, tmp_path: Path) -> None:
        app = FastAPI()

        @app.get("/api/v1/ping")
        def ping() -> dict[str, bool]:
            return {"ok": True}

        assert mount_web_ui(app, tmp_path / "missing") is False
        root, ping_response, missing = _get(app, "/", "/api/v1/ping", "/api/v1/nothing")
        assert root.status_code == 503
        assert "npm ci" in root.text
        assert "npm run build" in root.text
        assert ping_response.json() == {"ok": True}
        assert missing.status_code == 404

    def test_files_outside_the_build_are_never_served(self, tmp_path: Path) -> None:
        dist = tmp_path / "dist"
        dist.mkdir()
        (dist / "index.html").write_text("<html>shell</html>")
        (tmp_path / "secret.txt").write_text("nope")
        app = FastAPI()
        mount_web_ui(app, dist)
        for response in _get(app, "/..%2Fsecret.txt", "/../secret.txt", "/%2e%2e/secret.txt"):
            assert "nope" not in response.text
