"""Helpers shared by the Graph client tests (a module of its own: tests/ is not a package)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

TOKEN = "EAAGtesttoken0123456789abcdef"
APP_ID = "1234567890"
APP_SECRET = "s3cr3t-app-secret-value"

Handler = Callable[[httpx.Request], httpx.Response]


def graph_error(
    code: int, message: str = "boom", *, subcode: int | None = None, status: int = 400, **extra: Any
) -> httpx.Response:
    """An error answer in Meta's envelope."""
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code, **extra}
    if subcode is not None:
        error["error_subcode"] = subcode
    error.setdefault("fbtrace_id", "AbCdEfGh123")
    return httpx.Response(status, json={"error": error})
