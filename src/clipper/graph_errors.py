"""One mapping from Graph API errors to the product's ClipperErrors, shared by every domain."""

from __future__ import annotations

from clipper.errors import (
    ClipperError,
    Conflict,
    InvalidInput,
    NotFound,
    PermissionMissing,
    ServiceUnavailable,
    TokenRevoked,
    TooManyRequests,
)
from clipper.instagram import (
    AccountNotDiscoverableError,
    InstagramGraphAPIError,
    InvalidParameterError,
    InvalidTokenError,
    MessagingWindowError,
    NotFoundError,
    PermissionDeniedError,
    PublicContentAccessError,
    RateLimitError,
    RequestValidationError,
)


def domain_error(error: InstagramGraphAPIError, *, permission: str) -> ClipperError:
    """The ClipperError (with Meta's actionable sentence) for a Graph error; `permission` names a 10/200."""
    message = error.user_message
    if isinstance(error, InvalidTokenError):
        return TokenRevoked(message)
    if isinstance(error, PublicContentAccessError):  # an app feature, not a permission the person grants
        return PermissionMissing("Instagram Public Content Access", message)
    if isinstance(error, PermissionDeniedError):
        return PermissionMissing(permission, message)
    if isinstance(error, RateLimitError):
        retry = int(error.retry_after_seconds) if error.retry_after_seconds else None
        return TooManyRequests(message, retry_after=retry)
    if isinstance(error, NotFoundError):
        return NotFound(message)
    if isinstance(error, MessagingWindowError):
        return Conflict(message)
    if isinstance(error, InvalidParameterError | RequestValidationError | AccountNotDiscoverableError):
        return InvalidInput(message)
    if error.retryable:
        return ServiceUnavailable(message)
    return Conflict(message)
