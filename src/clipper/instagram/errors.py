"""The exceptions raised by the Graph API client.

Every exception derives from `InstagramGraphAPIError` and says whether the same request may succeed
later (`retryable`) and what a person can do about it (`user_message`):

    InstagramGraphAPIError
    ├── TransportError ............. could not reach Meta, or no complete answer came back
    │   ├── RequestNotSentError .... provably never left this machine (may_have_been_processed=False):
    │   │   │                        safe to send again, even media_publish
    │   │   └── GraphConnectError .. no connection could be opened (refused, DNS, connect or pool timeout)
    │   ├── GraphTimeoutError ...... no answer in time (processed or not, see the flag)
    │   ├── ConnectionDroppedError . the connection died mid-answer (may_have_been_processed=True)
    │   └── OutcomeUnknownError .... a non-repeatable write (media_publish, creates) was sent and no
    │                                answer came back: reconcile (e.g. read the container) before retrying
    ├── GraphAPIResponseError ...... Meta answered with an error envelope (or a 5xx without one)
    │   ├── InvalidTokenError ...... 190 (+ 458/459/460/463/464/467/492/493), 102, 104: reconnect
    │   ├── PermissionDeniedError .. 10, 200-299, 3: a permission is missing
    │   │   └── PublicContentAccessError  10 on hashtag search: the app lacks that feature (hashtags.py)
    │   ├── RateLimitError ......... 4, 17, 32, 341, 613, 80000-80014: back off `retry_after_seconds`
    │   │   └── HashtagSearchLimitError   613 on hashtag search: 30 unique hashtags per 7 days (hashtags.py)
    │   ├── MediaValidationError ... 36000-36004, 352, 9004, 2207xxx: fix the media or the options
    │   ├── MediaNotReadyError ..... 9007 / 2207027: keep polling the container
    │   ├── PublishingQuotaError ... 9 / 2207042: wait for the rolling 24 h window
    │   ├── ContainerExpiredError .. -2 / 2207020, 24 / 2207008: create a new container
    │   ├── TransientError ......... 1, 2, `is_transient`, HTTP 5xx: retry with backoff
    │   ├── NotFoundError .......... 100 / 33: the object does not exist or is not yours
    │   ├── InvalidParameterError .. 100: the request is malformed
    │   ├── MessagingWindowError ... 10 / 2534022: the 24 h (7 d with HUMAN_AGENT) window has closed
    │   ├── AccountNotDiscoverableError 110 / 2207013: no Business or Creator account has that username
    │   ├── UploadFailedError ...... rupload answered `debug_info`
    │   └── UnknownGraphError ...... any other answer
    └── RequestValidationError ..... refused locally before sending (also a ValueError)

`clipper.instagram.error_mapping.error_from_response(status, body, headers)` picks the leaf for an answer.
"""

from __future__ import annotations

from typing import Any, ClassVar

from clipper.instagram.error_text import scrub

__all__ = [
    "AccountNotDiscoverableError",
    "ConnectionDroppedError",
    "ContainerExpiredError",
    "GraphAPIResponseError",
    "GraphConnectError",
    "GraphTimeoutError",
    "InstagramGraphAPIError",
    "InvalidParameterError",
    "InvalidTokenError",
    "MediaNotReadyError",
    "MediaValidationError",
    "MessagingWindowError",
    "NotFoundError",
    "OutcomeUnknownError",
    "PermissionDeniedError",
    "PublishingQuotaError",
    "RateLimitError",
    "RequestNotSentError",
    "RequestValidationError",
    "TransientError",
    "TransportError",
    "UnknownGraphError",
    "UploadFailedError",
]


class InstagramGraphAPIError(Exception):
    """Base of every error raised by the Graph API client."""

    retryable_default: ClassVar[bool] = False
    default_user_message: ClassVar[str] = "Instagram could not complete the request. Try again later."

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        subcode: int | None = None,
        fbtrace_id: str | None = None,
        http_status: int | None = None,
        retryable: bool | None = None,
        user_message: str | None = None,
        error_type: str | None = None,
        retry_after_seconds: float | None = None,
    ) -> None:
        self.message = scrub(message)
        super().__init__(self.message)
        self.code = code
        self.subcode = subcode
        self.fbtrace_id = fbtrace_id
        self.http_status = http_status
        self.retryable = self.retryable_default if retryable is None else retryable
        self.user_message = scrub(user_message or self.default_user_message)
        self.error_type = error_type
        self.retry_after_seconds = retry_after_seconds

    def __str__(self) -> str:
        parts = [self.message]
        if self.code is not None:
            parts.append(f"code={self.code}" + (f"/{self.subcode}" if self.subcode is not None else ""))
        if self.http_status is not None:
            parts.append(f"http={self.http_status}")
        if self.fbtrace_id:
            parts.append(f"fbtrace_id={self.fbtrace_id}")
        return " ".join(parts)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r}, code={self.code}, subcode={self.subcode})"


# --- could not reach Meta ----------------------------------------------------------------------------


class TransportError(InstagramGraphAPIError):
    """No complete answer came back from Meta."""

    retryable_default = True
    default_user_message = "Instagram could not be reached. Check the connection and try again."

    def __init__(self, message: str, *, may_have_been_processed: bool, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.may_have_been_processed = may_have_been_processed


class RequestNotSentError(TransportError):
    """No byte of the request left this machine, on any attempt: Meta cannot have processed it.

    Raised only when that is provable (see `transport.transport_error`); a request that may have been
    written, even partly, is one of the other leaves, so a write that must not be repeated is never
    taken for unsent.
    """

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, may_have_been_processed=False, **kwargs)


class GraphConnectError(RequestNotSentError):
    """The connection could not be opened (refused, DNS failure, connect timeout) or no pooled
    connection came free in time; the request was not sent."""


class GraphTimeoutError(TransportError):
    """Meta did not answer in time."""

    default_user_message = "Instagram took too long to answer. Try again in a moment."


class ConnectionDroppedError(TransportError):
    """The connection died before a complete answer arrived."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, may_have_been_processed=True, **kwargs)


class OutcomeUnknownError(TransportError):
    """A write that must not be repeated blindly was sent, and no answer came back."""

    retryable_default = False
    default_user_message = (
        "Instagram did not confirm the request. It may have gone through: check before trying again."
    )

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(message, may_have_been_processed=True, **kwargs)


# --- Meta answered with an error ---------------------------------------------------------------------


class GraphAPIResponseError(InstagramGraphAPIError):
    """Meta answered with an error."""


class InvalidTokenError(GraphAPIResponseError):
    """The access token is invalid, expired or revoked."""

    default_user_message = "Reconnect your Instagram account: its access token is no longer valid."


class PermissionDeniedError(GraphAPIResponseError):
    """The token lacks a permission the call needs."""

    default_user_message = (
        "Reconnect your Instagram account and grant every requested permission: one is missing."
    )


class RateLimitError(GraphAPIResponseError):
    """A rate limit was reached; wait `retry_after_seconds` (when known) before calling again."""

    retryable_default = True
    default_user_message = "Instagram is limiting requests for this account right now. Try again later."


class MediaValidationError(GraphAPIResponseError):
    """Meta refused the media or one of its options."""

    default_user_message = "Instagram refused the media. Check its format, size and options."


class MediaNotReadyError(GraphAPIResponseError):
    """The container has not finished processing yet."""

    retryable_default = True
    default_user_message = "Instagram is still processing the media. It will be published when ready."


class PublishingQuotaError(GraphAPIResponseError):
    """The 24-hour publishing quota is used up."""

    retryable_default = True
    default_user_message = (
        "This account reached Instagram's daily publishing limit. The post will go out when a slot frees."
    )


class ContainerExpiredError(GraphAPIResponseError):
    """The media container expired or no longer exists; create a new one."""

    default_user_message = "The prepared upload expired on Instagram. Publish the post again."


class TransientError(GraphAPIResponseError):
    """A temporary failure on Meta's side."""

    retryable_default = True
    default_user_message = "Instagram had a temporary problem. Try again in a few minutes."


class NotFoundError(GraphAPIResponseError):
    """The object does not exist, or the token cannot see it."""

    default_user_message = "Instagram could not find this item. It may have been deleted."


class InvalidParameterError(GraphAPIResponseError):
    """A parameter of the request was refused."""

    default_user_message = "Instagram refused the request as malformed."


class MessagingWindowError(GraphAPIResponseError):
    """The messaging window for this conversation has closed."""

    default_user_message = (
        "You can only reply within 24 hours of the person's last message. Wait for them to write again."
    )


class AccountNotDiscoverableError(GraphAPIResponseError):
    """Business Discovery found no Business or Creator account with that username."""

    default_user_message = (
        "No public Instagram Business or Creator account has this username. Check the spelling: "
        "personal accounts cannot be tracked."
    )


class UploadFailedError(GraphAPIResponseError):
    """The resumable upload host refused the bytes."""

    default_user_message = "The video upload to Instagram failed. Try publishing again."


class UnknownGraphError(GraphAPIResponseError):
    """Any other error answer."""


class RequestValidationError(InstagramGraphAPIError, ValueError):
    """The request was refused locally, before anything was sent."""

    default_user_message = "The post options are not valid for this media type."

    def __init__(self, message: str, *, option: str | None = None, media_type: str | None = None) -> None:
        super().__init__(message, user_message=message)
        self.option = option
        self.media_type = media_type
