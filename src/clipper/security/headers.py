"""Security headers on every answer: a CSP fit for the built UI, no framing, no sniffing, a referrer policy.

The UI (Vite's build) loads only its own scripts and styles; pictures and videos also come from Meta's
CDNs (https) and from blob: previews. Pages that are not ours to shape keep a CSP that only forbids
framing: the sandbox's login dialog, the OAuth callback page (its inline script reports the result to
the opener) and the interactive API docs (they load Swagger UI from a CDN).
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

UI_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob: https:",
        "media-src 'self' blob: https:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)
FRAMING_ONLY_POLICY = "frame-ancestors 'none'"
_OWN_PAGES_ELSEWHERE = ("/sandbox", "/api/v1/oauth/", "/docs", "/redoc")


def policy_for(path: str) -> str:
    """The Content-Security-Policy of an answer at `path`."""
    return FRAMING_ONLY_POLICY if path.startswith(_OWN_PAGES_ELSEWHERE) else UI_POLICY


class SecurityHeadersMiddleware:
    """Add the headers to every HTTP answer; a header the handler set itself is kept."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = policy_for(str(scope.get("path", "")))

        async def _send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
            await send(message)

        await self.app(scope, receive, _send)
