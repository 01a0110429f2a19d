"""GraphCore: one Graph call done right (auth, appsecret_proof, usage pacing, retries, errors, logging)."""

from __future__ import annotations

import asyncio
import copy
import logging
import random
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Self

import httpx

from clipper.instagram.error_mapping import error_from_response
from clipper.instagram.errors import (
    GraphAPIResponseError,
    InstagramGraphAPIError,
    InvalidTokenError,
    RateLimitError,
    RequestNotSentError,
    RequestValidationError,
    TransientError,
    TransportError,
)
from clipper.instagram.transport import (
    DEFAULT_LIMITS,
    DEFAULT_TIMEOUT,
    Params,
    appsecret_proof,
    decode_body,
    encode_params,
    endpoint_template,
    first_segment,
    install_log_redaction,
    transport_error,
)
from clipper.instagram.usage import UsageTracker, token_fingerprint

OnCall = Callable[[str, int | None, int | None, float], None]
Sleep = Callable[[float], Awaitable[None]]
Jitter = Callable[[float], float]

DEFAULT_BASE_URL = "https://graph.facebook.com"
DEFAULT_RUPLOAD_URL = "https://rupload.facebook.com"
DEFAULT_API_VERSION = "v24.0"


# Meta's ids are digits (media, users, pages) or URL-safe base64 (conversations, messages).
_SAFE_SEGMENT = re.compile(r"[A-Za-z0-9_=-]+(?:\.[A-Za-z0-9_=-]+)*")


def _full_jitter(ceiling: float) -> float:
    return random.uniform(0.0, ceiling)  # noqa: S311 - jitter, not cryptography


@dataclass
class _Shared:
    """What every client derived by `with_token` shares: the connection pool and the usage tracker."""

    http: httpx.AsyncClient
    owns_http: bool
    usage: UsageTracker


class GraphCore:
    """Sends Graph API calls on one shared httpx.AsyncClient; the API areas are mixins on top of it.

    Usage pacing: every answer's X-App-Usage, X-Page-Usage and X-Business-Use-Case-Usage are recorded
    in `usage` (shared with the clients made by `with_token`). Before each call the client waits while
    a usage it counts against is at or above `usage_threshold` % (for `usage_pause_seconds` after that
    answer), or for the `estimated_time_to_regain_access` Meta announced. Which account a call counts
    against is learnt from the answers (see `UsageTracker`), so a call about a media or comment waits
    on its owner's usage, and a client whose token serves one account waits on that account.

    The wait is capped: when it would exceed `max_usage_wait` seconds (default 60), the call is not
    sent and `RateLimitError` is raised with `retry_after_seconds` set, so a worker can reschedule the
    job instead of holding a connection and a task for minutes.
    """

    # What the host offers (graph.instagram.com has neither; see instagram_login.for_instagram_login):
    # batch requests (Meta's "Batch Requests" guide is graph.facebook.com's) and rupload.facebook.com.
    batch_supported: bool = True
    resumable_upload: bool = True

    def __init__(
        self,
        access_token: str | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_version: str = DEFAULT_API_VERSION,
        rupload_url: str = DEFAULT_RUPLOAD_URL,
        app_id: str | None = None,
        app_secret: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_cap: float = 30.0,
        usage_threshold: float = 90.0,
        usage_pause_seconds: float = 60.0,
        max_usage_wait: float = 60.0,
        sleep: Sleep = asyncio.sleep,
        jitter: Jitter = _full_jitter,
        logger: logging.Logger | None = None,
        on_call: OnCall | None = None,
    ) -> None:
        self._token = access_token
        self.base_url = base_url.rstrip("/")
        self.api_version = api_version
        self.rupload_url = rupload_url.rstrip("/")
        self.app_id = app_id
        self._app_secret = app_secret
        self.max_retries = max_retries
        self._backoff = (backoff_base, backoff_cap)
        self._max_usage_wait = max_usage_wait
        self._sleep = sleep
        self._jitter = jitter
        self._log = logger or logging.getLogger("clipper.instagram")
        self._on_call = on_call
        owns = http_client is None
        http = http_client or httpx.AsyncClient(timeout=DEFAULT_TIMEOUT, limits=DEFAULT_LIMITS)
        usage = UsageTracker(threshold=usage_threshold, pause_seconds=usage_pause_seconds)
        self._shared = _Shared(http=http, owns_http=owns, usage=usage)
        self._is_root = True
        install_log_redaction()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(base_url={self.base_url!r}, api_version={self.api_version!r}, "
            f"app_id={self.app_id!r})"
        )

    @property
    def usage(self) -> UsageTracker:
        """The usage tracker shared by this client and those derived with `with_token`."""
        return self._shared.usage

    @property
    def http(self) -> httpx.AsyncClient:
        """The shared httpx client."""
        return self._shared.http

    def with_token(self, access_token: str) -> Self:
        """A client using another token, sharing this one's connection pool and usage tracker."""
        clone = copy.copy(self)
        clone._token = access_token
        clone._is_root = False
        return clone

    async def aclose(self) -> None:
        """Close the connection pool if this client created it (clients from `with_token` do nothing)."""
        if self._is_root and self._shared.owns_http:
            await self._shared.http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # --- secrets --------------------------------------------------------------------------------------

    def _secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self._token, self._app_secret) if s)

    def _require_token(self) -> str:
        if not self._token:
            raise InvalidTokenError("This call needs an access token; the client has none.", code=104)
        return self._token

    def _require_app(self) -> tuple[str, str]:
        if not self.app_id or not self._app_secret:
            raise RequestValidationError(
                "This call needs the client's app_id and app_secret.", option="app_secret"
            )
        return self.app_id, self._app_secret

    def _auth(self, token: str | None) -> tuple[dict[str, str], dict[str, str]]:
        """Headers and extra params authenticating a call with `token`."""
        if not token:
            return {}, {}
        params = {"appsecret_proof": appsecret_proof(self._app_secret, token)} if self._app_secret else {}
        return {"Authorization": f"Bearer {token}"}, params

    def graph_url(self, path: str) -> str:
        """The absolute URL of a Graph path on the configured host and version.

        Every segment must be an id or edge name: a control character, `?`, `#`, `%` or `..` coming
        from an id would change which URL is called, so it is refused before anything is sent.
        """
        segments = path.strip("/").split("/") if path.strip("/") else []
        if not all(_SAFE_SEGMENT.fullmatch(segment) for segment in segments):
            raise RequestValidationError(
                "That Instagram id is not valid: ids are made of letters, digits, '_', '-' and '='.",
                option="id",
            )
        return f"{self.base_url}/{self.api_version}/{path.lstrip('/')}"

    # --- one call -------------------------------------------------------------------------------------

    async def _get(self, path: str, params: Params | None = None, **kwargs: Any) -> Any:
        return await self._call("GET", path, params, idempotent=True, **kwargs)

    async def _post(self, path: str, params: Params | None = None, *, idempotent: bool, **kwargs: Any) -> Any:
        return await self._call("POST", path, params, idempotent=idempotent, **kwargs)

    async def _delete(self, path: str, params: Params | None = None, **kwargs: Any) -> Any:
        return await self._call("DELETE", path, params, idempotent=True, **kwargs)

    async def _call(
        self,
        method: str,
        path: str,
        params: Params | None = None,
        *,
        idempotent: bool,
        retry: bool = True,
        token: str | None = None,
        authenticate: bool = True,
        url: str | None = None,
        headers: Mapping[str, str] | None = None,
        content: Any = None,
        timeout: httpx.Timeout | None = None,
    ) -> Any:
        """Send one logical call, retrying transient failures when that cannot duplicate anything."""
        use_token = (token or self._require_token()) if authenticate else None
        auth_headers, auth_params = self._auth(use_token)
        encoded = {**encode_params(params), **auth_params}
        request = self._shared.http.build_request(
            method,
            url or self.graph_url(path),
            params=encoded if method != "POST" or content is not None else None,
            data=encoded if method == "POST" and content is None and encoded else None,
            headers={**auth_headers, **(headers or {})},
            content=content,
            timeout=timeout or httpx.USE_CLIENT_DEFAULT,
        )
        what = f"{method} {endpoint_template(path)}"
        token_key = token_fingerprint(use_token) if use_token else None
        attempt = 0
        reached: InstagramGraphAPIError | None = None  # an earlier attempt that may have reached Meta
        while True:
            await self._pace(path, what, token_key)
            try:
                return await self._attempt(request, path, what, idempotent=idempotent, token_key=token_key)
            except (TransientError, TransportError) as error:
                # A request that never left cannot have reached Meta, so even media_publish may be sent again.
                not_sent = isinstance(error, RequestNotSentError)
                if not (
                    retry and (idempotent or not_sent) and error.retryable and attempt < self.max_retries
                ):
                    if not_sent and reached is not None:
                        raise reached from None  # "not sent" must hold for every attempt of the call
                    raise
                reached = reached if not_sent else error
            await self._sleep(self._backoff_delay(attempt))
            attempt += 1

    def _backoff_delay(self, attempt: int) -> float:
        base, cap = self._backoff
        return self._jitter(min(cap, base * 2**attempt))

    async def _pace(self, path: str, what: str, token_key: str | None) -> None:
        """Wait before a call when the last usage headers say the limit is near."""
        wait = self._shared.usage.wait_seconds(first_segment(path), token_key=token_key)
        if wait <= 0:
            return
        if wait > self._max_usage_wait:
            raise RateLimitError(
                f"Usage headers ask to pause {wait:.0f} s before {what}.",
                retry_after_seconds=wait,
            )
        self._log.warning("graph usage near the limit: pausing %.1f s before %s", wait, what)
        await self._sleep(wait)

    async def _attempt(
        self, request: httpx.Request, path: str, what: str, *, idempotent: bool, token_key: str | None
    ) -> Any:
        started = time.perf_counter()
        try:
            response = await self._shared.http.send(request)
        except httpx.TransportError as exc:
            self._record(what, None, None, time.perf_counter() - started)
            raise transport_error(exc, what=what, idempotent=idempotent) from None
        seconds = time.perf_counter() - started
        self._shared.usage.update(response.headers, first_segment(path), token_key=token_key)
        body = decode_body(response)
        error = self._error_in(response, body)
        self._record(what, response.status_code, error.code if error else None, seconds)
        if error is not None:
            raise error
        return body

    def _error_in(self, response: httpx.Response, body: Any) -> GraphAPIResponseError | None:
        status = response.status_code
        if isinstance(body, str) and "Service Unavailable" in body:
            return TransientError("Service Unavailable", http_status=status)
        envelope_error = isinstance(body, dict) and (
            body.get("error") is not None or body.get("success") is False or "debug_info" in body
        )
        if status >= 400 or envelope_error or not isinstance(body, dict | list):
            return error_from_response(status, body, dict(response.headers), secrets=self._secrets())
        return None

    def _record(self, what: str, status: int | None, code: int | None, seconds: float) -> None:
        level = logging.INFO if status is not None and status < 400 else logging.WARNING
        self._log.log(
            level,
            "graph %s -> %s code=%s %.3fs",
            what,
            status if status is not None else "no-response",
            code,
            seconds,
            extra={"graph_endpoint": what, "graph_status": status, "graph_error_code": code},
        )
        if self._on_call is not None:
            try:
                self._on_call(what, status, code, seconds)
            except Exception:  # a metrics hook must never break a Graph call
                self._log.exception("on_call hook failed for %s", what)
