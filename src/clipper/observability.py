"""Logging (structlog, token redaction, stdlib routed through it) and the Prometheus metrics."""

from __future__ import annotations

import logging
import re
import socket
import sys
import threading
from collections.abc import Mapping
from typing import Any, TextIO
from wsgiref.simple_server import WSGIRequestHandler

import structlog
from prometheus_client import Counter, Gauge, Histogram, make_wsgi_app
from prometheus_client.exposition import ThreadingWSGIServer
from structlog.typing import EventDict, Processor, WrappedLogger

MASK = "***"

# A key is sensitive when it names a credential; `token_expires_at` or `token_type` are not.
_SENSITIVE_KEY = re.compile(
    r"(^|[_\-])(token|secret|password|passwd|appsecret_proof|authorization|cookie|fernet_keys?|api_key|signature)$"
    r"|password|^(access|refresh|page)_token",
    re.IGNORECASE,
)
_QUERY_SECRET = re.compile(
    r"(?P<key>(?<![A-Za-z0-9])(?:access_token|input_token|fb_exchange_token|refresh_token|client_secret"
    r"|appsecret_proof|password|token|secret|signature)|(?<=[?&])code)=(?P<value>[^&\s\"'<>,;)}\]]+)",
    re.IGNORECASE,
)
_AUTH_HEADER = re.compile(r"\b(?P<scheme>Bearer|OAuth)\s+(?P<value>[A-Za-z0-9._~+/=\-]{8,})", re.IGNORECASE)
# A signed media URL nested inside another URL's query (`image_url=…%3Fexpires%3D…%26signature%3D…`).
_ENCODED_SIGNATURE = re.compile(r"(?P<key>signature%3D)[0-9A-Fa-f]+", re.IGNORECASE)
# Meta user/page tokens start with EAA; the rest of the token is long base64-ish text.
_META_TOKEN = re.compile(r"\bEAA[A-Za-z0-9]{16,}")
# JSON text such as '{"access_token": "…"}' inside a message or a response body.
_JSON_SECRET = re.compile(
    r"(?P<key>\"(?:[a-z_]*token|[a-z_]*secret|password|appsecret_proof)\"\s*:\s*)\"[^\"]*\"",
    re.IGNORECASE,
)


def redact_text(text: str) -> str:
    """Mask credentials that appear inside free text, URLs and JSON snippets."""
    text = _QUERY_SECRET.sub(lambda m: f"{m['key']}={MASK}", text)
    text = _ENCODED_SIGNATURE.sub(lambda m: f"{m['key']}{MASK}", text)
    text = _AUTH_HEADER.sub(lambda m: f"{m['scheme']} {MASK}", text)
    text = _JSON_SECRET.sub(lambda m: f'{m["key"]}"{MASK}"', text)
    return _META_TOKEN.sub(MASK, text)


def redact(value: Any) -> Any:
    """Return a copy of `value` with sensitive mapping keys and token-like strings masked."""
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, Mapping):
        return {
            key: MASK if isinstance(key, str) and _is_sensitive_key(key) and item else redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return type(value)(redact(item) for item in value)
    return value


def _is_sensitive_key(key: str) -> bool:
    return bool(_SENSITIVE_KEY.search(key))


def redact_processor(_logger: WrappedLogger, _method: str, event_dict: EventDict) -> EventDict:
    """structlog processor: mask credentials anywhere in the event, including formatted tracebacks."""
    redacted: EventDict = redact(event_dict)
    return redacted


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.PositionalArgumentsFormatter(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]


def build_formatter(*, json: bool) -> structlog.stdlib.ProcessorFormatter:
    """The formatter every log record goes through: render exceptions, redact, then render the line."""
    renderer: Processor = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=_shared_processors(),
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Tracebacks become text before redaction so a token inside an exception is masked too.
            structlog.processors.format_exc_info,
            redact_processor,
            renderer,
        ],
    )


class _ClipperHandler(logging.StreamHandler[TextIO]):
    """Our root handler, told apart from others so a second setup replaces it instead of adding one."""


def configure_logging(level: str = "INFO", *, json: bool = False, stream: TextIO | None = None) -> None:
    """Route structlog and the stdlib `logging` through one redacting formatter on the root logger."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *_shared_processors(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        # Not cached: structlog.testing.capture_logs must keep working on module-level loggers.
        cache_logger_on_first_use=False,
    )
    root = logging.getLogger()
    for existing in [handler for handler in root.handlers if isinstance(handler, _ClipperHandler)]:
        root.removeHandler(existing)
    handler = _ClipperHandler(stream or sys.stderr)
    handler.setFormatter(build_formatter(json=json))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn installs its own handlers; let its records reach ours (and get redacted) instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers.clear()
        uvicorn_logger.propagate = True
        uvicorn_logger.disabled = False
        uvicorn_logger.setLevel(logging.NOTSET)


OAUTH_SUCCESS = Counter("oauth_success_total", "Accounts connected through OAuth")
OAUTH_FAILURE = Counter("oauth_failure_total", "OAuth connection attempts that failed", ["reason"])
PUBLISH_SUCCESS = Counter("publish_success_total", "Posts published")
PUBLISH_FAILURE = Counter("publish_failure_total", "Posts that failed to publish", ["reason"])
GRAPH_API_CALLS = Counter(
    "graph_api_calls_total",
    "Graph API calls by endpoint, HTTP status and Meta error code",
    ["endpoint", "status", "code"],
)
GRAPH_API_CALL_SECONDS = Histogram(
    "graph_api_call_seconds",
    "Graph API call duration",
    ["endpoint"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
TOKEN_EXPIRY_EVENTS = Counter("token_expiry_events_total", "Access tokens found expired or revoked")
PUBLISH_QUEUE_DEPTH = Gauge("publish_queue_depth", "Posts due for publishing and not yet claimed")
PUBLISH_LATENCY_SECONDS = Histogram(
    "publish_latency_seconds",
    "Time from a post being due (or requested) to it being published",
    buckets=(0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0),
)

OUTGOING_WEBHOOK_ATTEMPTS = Counter(
    "outgoing_webhook_attempts_total", "Outgoing webhook attempts by result", ["result"]
)


def record_graph_call(endpoint: str, status: int | None, code: int | None, seconds: float) -> None:
    """Count and time one Graph API call (the `on_call` hook of InstagramGraphAPI)."""
    GRAPH_API_CALLS.labels(
        endpoint=endpoint,
        status=str(status) if status is not None else "network_error",
        code=str(code) if code is not None else "",
    ).inc()
    GRAPH_API_CALL_SECONDS.labels(endpoint=endpoint).observe(seconds)


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log (as prometheus_client's own exporter)."""


def serve_metrics_on(fd: int) -> None:
    """Prometheus's text format on the inherited listening socket `fd`, from a daemon thread: what
    `prometheus_client.start_http_server` does on a port it binds itself."""
    server = ThreadingWSGIServer(("", 0), _QuietHandler, bind_and_activate=False)
    server.socket.close()
    server.socket = socket.socket(fileno=fd)
    host, port = server.socket.getsockname()[:2]
    server.server_address = (host, port)
    server.server_name, server.server_port = host, port
    server.setup_environ()
    server.set_app(make_wsgi_app())
    threading.Thread(target=server.serve_forever, name="metrics", daemon=True).start()
