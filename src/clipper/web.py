"""Serve the built web UI at `/`, with the single-page-app fallback.

The build is `frontend/dist` in a checkout, `clipper/_web` inside an installed package.

Any GET that no API route or mount answers gets the file it names in the build, else `index.html`,
so the UI's own routes (`/accounts`, `/posts/42` …) survive a reload. Paths that belong to the API
or operations (`/api`, `/sandbox`, `/docs`, `/healthz`, `/metrics` …) never fall back: a wrong API URL
stays a 404.
Without a build the API still starts; `/` then explains how to build the UI.
"""

from __future__ import annotations

from pathlib import Path

import structlog
from fastapi import FastAPI
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.types import Receive, Scope, Send

log = structlog.get_logger(__name__)

# The build bundled in an installed package (setup.py puts it there), else the checkout's frontend build
# (an editable install runs from the source tree).
_BUNDLED_DIST_DIR = Path(__file__).resolve().parent / "_web"
_CHECKOUT_DIST_DIR = Path(__file__).resolve().parents[2] / "frontend" / "dist"
DEFAULT_DIST_DIR = _BUNDLED_DIST_DIR if (_BUNDLED_DIST_DIR / "index.html").is_file() else _CHECKOUT_DIST_DIR
RESERVED_PREFIXES = ("api", "sandbox", "docs", "redoc", "openapi.json", "healthz", "metrics")
# Vite names files under assets/ by content hash: they never change, so browsers may keep them.
_IMMUTABLE = "public, max-age=31536000, immutable"

_NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Content Clipper: web UI not built</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1f2430}
code{background:#f1f2f6;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><main><h1>The web UI is not built</h1>
<p>The API is running (see <a href="/docs">/docs</a>), but <code>frontend/dist</code> does not exist.</p>
<p>Build it with <code>make run</code>, or
<code>cd frontend &amp;&amp; npm ci &amp;&amp; npm run build</code>,
then reload this page.</p></main></body></html>
"""


def is_reserved(path: str) -> bool:
    """True for paths owned by the API, the sandbox or the operations endpoints."""
    first = path.strip("/").split("/", 1)[0]
    return first in RESERVED_PREFIXES


def _inside(root: Path, path: str) -> Path | None:
    """The existing file at `path` under `root`, or None (also for any escape out of `root`)."""
    candidate = (root / path).resolve()
    if not candidate.is_relative_to(root) or not candidate.is_file():
        return None
    return candidate


def _ui_response(root: Path, index: Path, built: bool, path: str) -> Response:
    if not built:
        return HTMLResponse(_NOT_BUILT, status_code=503)
    found = _inside(root, path) if path else None
    if found is not None:
        cache = _IMMUTABLE if path.startswith("assets/") else "no-cache"
        return FileResponse(found, headers={"Cache-Control": cache})
    return FileResponse(index, headers={"Cache-Control": "no-cache"})


def mount_web_ui(app: FastAPI, dist_dir: Path | None = None) -> bool:
    """Serve the UI for every GET no route or mount answers; True when a build was found.

    It is the router's not-found fallback rather than a catch-all route, so routes added later
    (by other code or tests) still take precedence.
    """
    root = (dist_dir or DEFAULT_DIST_DIR).resolve()
    index = root / "index.html"
    built = index.is_file()
    if not built:
        log.warning("web UI not built: serving the API only", dist_dir=str(root))
    not_found = app.router.default

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", "/")).removeprefix(str(scope.get("root_path", "")))
        if scope["type"] != "http" or scope.get("method") not in ("GET", "HEAD") or is_reserved(path):
            await not_found(scope, receive, send)
            return
        await _ui_response(root, index, built, path.lstrip("/"))(scope, receive, send)

    app.router.default = serve
    return built
