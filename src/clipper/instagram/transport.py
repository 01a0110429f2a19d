"""Building blocks of a Graph call: parameter encoding, endpoint templates, httpx failure mapping."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
from collections.abc import Mapping
from typing import Any

import httpx

from clipper.instagram.error_text import scrub
from clipper.instagram.errors import (
    ConnectionDroppedError,
    GraphConnectError,
    GraphTimeoutError,
    OutcomeUnknownError,
    TransportError,
)

Params = Mapping[str, Any]

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
UPLOAD_TIMEOUT = httpx.Timeout(300.0, connect=10.0)
DEFAULT_LIMITS = httpx.Limits(max_connections=50, max_keepalive_connections=50, keepalive_expiry=30.0)

_VERSION = re.compile(r"^v\d+\.\d+$")
_EDGES = frozenset(
    {
        "me",
        "accounts",
        "media",
        "media_publish",
        "children",
        "comments",
        "replies",
        "insights",
        "conversations",
        "messages",
        "permissions",
        "oauth",
        "access_token",
        "debug_token",
        "content_publishing_limit",
        "stories",
        "tags",
        "businesses",
        "subscribed_apps",
        "ig-api-upload",
        "message_attachments",
        "ig_hashtag_search",
        "top_media",
        "recent_media",
        "recently_searched_hashtags",
    }
)


def encode_value(value: Any) -> str:
    """Encode one parameter the way Graph expects: JSON text for lists/objects, `true`/`false` for bools."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def encode_params(params: Params | None) -> dict[str, str]:
    """Encode every parameter, dropping those that are None."""
    return {key: encode_value(value) for key, value in (params or {}).items() if value is not None}


def appsecret_proof(app_secret: str, access_token: str) -> str:
    """hex(HMAC-SHA256(key=app_secret, msg=access_token))."""
    return hmac.new(app_secret.encode(), access_token.encode(), hashlib.sha256).hexdigest()


def endpoint_template(path: str) -> str:
    """The path with every id replaced by `{id}` (for logs and metrics)."""
    segments = [segment for segment in path.strip("/").split("/") if segment]
    kept = [s if s in _EDGES or _VERSION.match(s) else "{id}" for s in segments]
    return "/" + "/".join(kept)


def first_segment(path: str) -> str | None:
    """The node a call is about (the first path segment), used to look up per-object usage."""
    segment = path.strip("/").split("/", 1)[0]
    return segment or None


# Raised by httpcore only before a byte of the request is written: while waiting for a pooled connection
# (PoolTimeout) or opening one (ConnectError/ConnectTimeout: DNS resolution, TCP connect, TLS handshake,
# proxy tunnel). Every other failure may come after the request, or part of it, was written: WriteError
# and WriteTimeout (a partial body), ReadError, ReadTimeout and RemoteProtocolError (a server that read
# the request and then closed may have acted on it), and anything unexpected.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


def transport_error(exc: httpx.TransportError, *, what: str, idempotent: bool) -> TransportError:
    """Map an httpx failure to our tree: `GraphConnectError` (a `RequestNotSentError`) only when the
    request provably never left; a non-idempotent write that may have landed is 'outcome unknown'."""
    kind = type(exc).__name__
    if isinstance(exc, NOT_SENT):
        return GraphConnectError(f"Could not connect to the Graph API for {what} ({kind}).")
    if not idempotent:
        return OutcomeUnknownError(f"No complete answer from the Graph API for {what} ({kind}).")
    if isinstance(exc, httpx.TimeoutException):
        return GraphTimeoutError(
            f"The Graph API did not answer {what} in time ({kind}).", may_have_been_processed=True
        )
    return ConnectionDroppedError(f"The connection dropped during {what} ({kind}).")


def decode_body(response: httpx.Response) -> Any:
    """The JSON body, or the text when it is not JSON."""
    try:
        return response.json()
    except ValueError:
        return response.text


class RedactSecrets(logging.Filter):
    """Scrub token-like query parameters from httpx's request log lines (OAuth calls carry them in URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str):
            record.msg = scrub(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(
                scrub(str(arg)) if isinstance(arg, str | httpx.URL) else arg for arg in record.args
            )
        return True


def install_log_redaction() -> None:
    """Attach RedactSecrets to the `httpx` logger once."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(existing, RedactSecrets) for existing in logger.filters):
        logger.addFilter(RedactSecrets())
