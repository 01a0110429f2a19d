"""Domain errors with their HTTP status, and the handlers that render them as JSON.

ClipperError                      500  base: `{"error": "<ClassName>", "detail": "<what to do>"}`
├── NotFound                      404  missing, or not yours
├── Conflict                      409  the current state forbids the request
│   ├── ReconnectRequired         409  the account's token is gone: connect it again
│   └── PermissionMissing         409  a Meta permission was not granted (names it)
├── InvalidInput                  422  the request is well-formed but not acceptable
├── Unauthorized                  401  no valid session or token
├── Forbidden                     403  authenticated, but not allowed
├── TooManyRequests               429  slow down (carries `retry_after` seconds)
└── ServiceUnavailable            503  a dependency is down: try again later
"""

from __future__ import annotations

from typing import Any, ClassVar

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger(__name__)


class ClipperError(Exception):
    """An expected failure with the HTTP status it maps to and a message a user can act on."""

    status_code: int = 500
    default_message: ClassVar[str] = "Something went wrong on our side; try again later."

    def __init__(self, message: str | None = None, status_code: int | None = None) -> None:
        self.message = message or self.default_message
        if status_code is not None:
            self.status_code = status_code
        super().__init__(self.message)

    @property
    def error(self) -> str:
        return type(self).__name__

    def headers(self) -> dict[str, str]:
        return {}

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "detail": self.message}


class NotFound(ClipperError):
    status_code = 404
    default_message = "Not found."


class Conflict(ClipperError):
    status_code = 409
    default_message = "The request conflicts with the current state."


class ReconnectRequired(Conflict):
    default_message = "The account's access has expired or was revoked: connect it again."


class TokenRevoked(ReconnectRequired):
    """Meta refused the account's token (190): every call for it fails until it is reconnected, so a job
    working through the account's parts stops at the first one."""

    @property
    def error(self) -> str:
        # Answers as the ReconnectRequired clients already handle.
        return ReconnectRequired.__name__


class PermissionMissing(Conflict):
    """A Meta permission the action needs was not granted."""

    def __init__(self, permission: str, message: str | None = None) -> None:
        self.permission = permission
        super().__init__(
            message or f"The permission '{permission}' was not granted: reconnect the account and allow it."
        )

    def body(self) -> dict[str, Any]:
        return {**super().body(), "permission": self.permission}


class InvalidInput(ClipperError):
    status_code = 422
    default_message = "The request is not valid."


class Unauthorized(ClipperError):
    status_code = 401
    default_message = "Sign in first."


class Forbidden(ClipperError):
    status_code = 403
    default_message = "You are not allowed to do this."


class TooManyRequests(ClipperError):
    status_code = 429
    default_message = "Too many requests: slow down and try again later."

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}

    def body(self) -> dict[str, Any]:
        return {**super().body(), "retry_after": self.retry_after}


class ServiceUnavailable(ClipperError):
    status_code = 503
    default_message = "A service we depend on is unavailable: try again in a minute."

    def __init__(self, message: str | None = None, *, retry_after: int | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message)

    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


# Framework errors (unknown path, wrong method) use the same envelope as ours.
_HTTP_ERROR_NAMES = {
    400: "InvalidInput",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "InvalidInput",
    429: "TooManyRequests",
    503: "ServiceUnavailable",
}
INTERNAL_ERROR_BODY = {"error": "InternalError", "detail": ClipperError.default_message}


async def _clipper_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ClipperError)
    return JSONResponse(exc.body(), status_code=exc.status_code, headers=exc.headers())


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    name = _HTTP_ERROR_NAMES.get(exc.status_code, "ClientError" if exc.status_code < 500 else "InternalError")
    detail = exc.detail if isinstance(exc.detail, str) else "The request failed."
    return JSONResponse({"error": name, "detail": detail}, status_code=exc.status_code, headers=exc.headers)


def _field_name(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    # Only the location and pydantic's message: the offending input may hold a password or token.
    fields = [
        {"field": _field_name(err.get("loc", ())), "message": str(err.get("msg", ""))} for err in exc.errors()
    ]
    detail = "Some fields are missing or invalid: " + ", ".join(field["field"] for field in fields) + "."
    return JSONResponse({"error": "InvalidInput", "detail": detail, "fields": fields}, status_code=422)


class CatchAllMiddleware:
    """Turn an unexpected exception into a logged, generic 500 that leaks no internals."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def _send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, _send)
        except Exception as exc:
            # Handled here rather than re-raised (as Starlette's ServerErrorMiddleware does) so the
            # server does not log the same error a second time, unredacted.
            if started:
                raise
            log.error(
                "unhandled error",
                method=scope.get("method"),
                path=scope.get("path"),
                error_type=type(exc).__name__,
                exc_info=exc,
            )
            await JSONResponse(INTERNAL_ERROR_BODY, status_code=500)(scope, receive, send)


def register_exception_handlers(app: FastAPI) -> None:
    """Render ClipperError, HTTP and validation errors, and unexpected exceptions as `{"error", "detail"}`."""
    app.add_exception_handler(ClipperError, _clipper_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(CatchAllMiddleware)
