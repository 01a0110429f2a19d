"""Which exception an answer from Meta is: `error_from_response(status, body, headers)` picks the leaf of
`clipper.instagram.errors`'s tree for an error envelope (or a 5xx or rupload answer without one)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from clipper.instagram.error_text import scrub, user_message_for
from clipper.instagram.errors import (
    AccountNotDiscoverableError,
    ContainerExpiredError,
    GraphAPIResponseError,
    InvalidParameterError,
    InvalidTokenError,
    MediaNotReadyError,
    MediaValidationError,
    MessagingWindowError,
    NotFoundError,
    PermissionDeniedError,
    PublishingQuotaError,
    RateLimitError,
    TransientError,
    UnknownGraphError,
    UploadFailedError,
)
from clipper.instagram.usage import parse_business_usage

__all__ = ["error_from_response"]

_TOKEN_CODES = frozenset({102, 104, 190})
_RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, *range(80000, 80015)})
_MEDIA_CODES = frozenset({352, 9004, *range(36000, 36005)})
_EXPIRED = frozenset({(-2, 2207020), (24, 2207008)})
_TRANSIENT_MEDIA_SUBCODES = frozenset({2207001, 2207003, 2207032, 2207082})


def _classify_subcode(code: int | None, subcode: int | None) -> type[GraphAPIResponseError] | None:
    """Leaves decided by a publishing or messaging subcode (they override the generic code)."""
    if code == 10 and subcode == 2534022:
        return MessagingWindowError
    if subcode == 2207013:
        return AccountNotDiscoverableError
    if code == 9007 or subcode == 2207027:
        return MediaNotReadyError
    if subcode == 2207042:
        return PublishingQuotaError
    if (code, subcode) in _EXPIRED or subcode in (2207020, 2207008):
        return ContainerExpiredError
    if (subcode is not None and 2207000 <= subcode <= 2207999) or code in _MEDIA_CODES:
        return MediaValidationError
    return None


def _classify(
    code: int | None, subcode: int | None, http_status: int, transient: bool
) -> type[GraphAPIResponseError]:
    """Pick the leaf class for an error answer."""
    if code in _TOKEN_CODES:
        return InvalidTokenError
    by_subcode = _classify_subcode(code, subcode)
    if by_subcode is not None:
        return by_subcode
    if code in _RATE_LIMIT_CODES or (code is None and http_status == 429):
        return RateLimitError
    if code in (3, 10) or (code is not None and 200 <= code <= 299):
        return PermissionDeniedError
    if code == 100:
        return NotFoundError if subcode == 33 else InvalidParameterError
    if code in (1, 2) or transient or http_status >= 500:
        return TransientError
    return NotFoundError if http_status == 404 else UnknownGraphError


def _as_int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _decode(body: Any) -> Any:
    if isinstance(body, bytes | bytearray):
        body = body.decode("utf-8", "replace")
    if isinstance(body, str):
        try:
            return json.loads(body)
        except ValueError:
            return body
    return body


def _retry_after(headers: Mapping[str, str] | None, cls: type[GraphAPIResponseError]) -> float | None:
    if cls is not RateLimitError or not headers:
        return None
    lowered = {k.lower(): v for k, v in headers.items()}
    minutes = [
        entry.estimated_time_to_regain_access
        for entries in parse_business_usage(lowered.get("x-business-use-case-usage")).values()
        for entry in entries
    ]
    longest = max(minutes, default=0)
    if longest > 0:
        return float(longest * 60)
    seconds = _as_int(lowered.get("retry-after"))
    return float(seconds) if seconds and seconds > 0 else None


def error_from_response(
    status: int,
    body: Any,
    headers: Mapping[str, str] | None = None,
    *,
    secrets: Iterable[str] = (),
) -> GraphAPIResponseError:
    """Build the exception for an error answer (`body` may be bytes, text or decoded JSON)."""
    data = _decode(body)
    envelope = data.get("error") if isinstance(data, dict) else None
    if isinstance(data, dict) and isinstance(data.get("debug_info"), dict):
        return _upload_error(status, data["debug_info"], secrets)
    if not isinstance(envelope, dict):
        text = data if isinstance(data, str) else "The Graph API answered without an error description."
        cls = _classify(None, None, status, False)
        return cls(scrub(text[:300], secrets), http_status=status)
    code, subcode = _as_int(envelope.get("code")), _as_int(envelope.get("error_subcode"))
    transient = envelope.get("is_transient") is True
    cls = _classify(code, subcode, status, transient)
    message = scrub(str(envelope.get("message") or "Unknown error"), secrets)
    error: GraphAPIResponseError = cls(
        message,
        code=code,
        subcode=subcode,
        fbtrace_id=envelope.get("fbtrace_id"),
        http_status=status,
        retryable=True if transient or subcode in _TRANSIENT_MEDIA_SUBCODES else None,
        user_message=user_message_for(code, subcode, message, envelope.get("error_user_msg")),
        error_type=envelope.get("type"),
        retry_after_seconds=_retry_after(headers, cls),
    )
    return error


def _upload_error(status: int, info: Mapping[str, Any], secrets: Iterable[str]) -> UploadFailedError:
    message = scrub(str(info.get("message") or info.get("type") or "Upload failed"), secrets)
    return UploadFailedError(
        message,
        http_status=status,
        retryable=info.get("retriable") is True,
        error_type=str(info.get("type")) if info.get("type") else None,
    )
