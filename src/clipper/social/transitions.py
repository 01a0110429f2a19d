"""The publishing engine's transitions: what a post becomes after a step (wait, retry, fail, publish).

Each takes the in-memory post, sets its status, message, counters and next check, notes it on the
timeline, and returns the `Step` the run loop acts on; nothing here calls Graph or the database.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import structlog

from clipper.config import Settings
from clipper.db import utcnow
from clipper.instagram.error_text import user_message_for
from clipper.instagram.errors import (
    ContainerExpiredError,
    GraphAPIResponseError,
    InstagramGraphAPIError,
    InvalidTokenError,
    MediaNotReadyError,
    MediaValidationError,
    OutcomeUnknownError,
    PermissionDeniedError,
    PublishingQuotaError,
    RateLimitError,
    TransientError,
)
from clipper.observability import PUBLISH_FAILURE, PUBLISH_LATENCY_SECONDS, PUBLISH_SUCCESS
from clipper.social import fetching, timeline
from clipper.social.models import PostStatus, SocialPost

if TYPE_CHECKING:
    from clipper.social.persist import Guard

log = structlog.get_logger("clipper.social")

BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
QUOTA_RECHECK_SECONDS = 600.0
UNCONFIRMED_RECHECK_SECONDS = 2.0
UNCONFIRMED_CAP_SECONDS = 300.0
# Errors answering media_publish that prove Meta refused the call (so nothing was published).
PUBLISH_REFUSED = (
    PublishingQuotaError,
    MediaNotReadyError,
    ContainerExpiredError,
    RateLimitError,
    InvalidTokenError,
    PermissionDeniedError,
    MediaValidationError,
)
POLL_FIRST_SECONDS = 1.0
POLL_MAX_SECONDS = 60.0


@dataclass
class Step:
    """What the run loop does after a step: go on at once, or stop (the post waits, or is done); `guard`
    runs inside the step's write (`persist.save`)."""

    go_on: bool
    sent_now: bool = False
    guard: Guard | None = None


GO_ON = Step(True)
STOP = Step(False)


def later(post: SocialPost, seconds: float) -> Step:
    """Release the post and come back after `seconds` (the sweep picks it up)."""
    post.next_attempt_at = utcnow() + timedelta(seconds=seconds)
    post.lease_until = None
    return STOP


def poll_later(post: SocialPost, *, settings: Settings) -> Step:
    """Come back to a processing container: soon at first, then about once a minute, then give up."""
    started = post.container_created_at or utcnow()
    elapsed = (utcnow() - started).total_seconds()
    if elapsed > settings.publish_processing_timeout_seconds:
        limit = settings.publish_processing_timeout_seconds
        waited = f"{int(limit // 60)} minutes" if limit >= 120 else f"{limit:g} s"
        return fail(
            post,
            f"Instagram was still processing the media after {waited}. Try publishing it again; "
            "if it keeps happening, use a shorter or smaller clip.",
            code="processing_timeout",
            reason="processing_timeout",
        )
    return later(post, min(POLL_MAX_SECONDS, max(POLL_FIRST_SECONDS, elapsed / 2)))


def quota_wait(post: SocialPost, total: int | None) -> Step:
    """The account used its 24-hour publishing quota: wait for a slot, visibly, without failing."""
    post.status = PostStatus.SCHEDULED
    post.last_error_code = "9/2207042"
    limit = f"{total} posts" if total else "its posts"
    post.error_message = (
        f"Waiting: this account has published {limit} through the API in the last 24 hours, Instagram's "
        "limit. The post goes out automatically when a slot frees up."
    )
    timeline.repeat(post, "quota_wait")
    return later(post, QUOTA_RECHECK_SECONDS)


def expired(post: SocialPost, *, settings: Settings) -> Step:
    """The container expired before publishing: start over with new containers."""
    forget_containers(post)
    timeline.add(post, "container_expired", "creating new containers")
    return retry(post, None, code="container_expired", settings=settings, seconds=0.0)


def fetch_failed(post: SocialPost, message: str, *, code: str, settings: Settings) -> Step:
    """Instagram could not download our media: new containers after a back-off, a few times, then
    failed with the fix (`fetching`)."""
    if post.may_be_published:
        return unconfirmed(post, message, code=code)
    failures = fetching.record(post, code, message)
    post.last_error_code = code[:32]
    if failures >= fetching.FETCH_TRIES:
        return fail(post, fetching.fix(settings, message, failures), code=code, reason="media_fetch")
    forget_containers(post)
    return later(post, fetching.backoff_seconds(failures) * random.uniform(0.75, 1.0))


def retry(
    post: SocialPost,
    error: InstagramGraphAPIError | None,
    *,
    code: str,
    settings: Settings,
    seconds: float | None = None,
) -> Step:
    """A transient failure: back off exponentially with jitter, or fail after too many attempts."""
    post.attempts += 1
    post.last_error_code = code
    message = error.user_message if error is not None else "The media expired before it was published."
    if post.attempts >= settings.publish_max_attempts:
        return fail(post, message, code=code, reason=_reason(error) if error else code)
    delay = seconds
    if delay is None:
        # A post that may be live is checked again within minutes, however many checks failed.
        delay = _backoff(
            post.attempts, UNCONFIRMED_CAP_SECONDS if post.may_be_published else BACKOFF_CAP_SECONDS
        )
        if isinstance(error, RateLimitError) and error.retry_after_seconds:
            delay = max(delay, error.retry_after_seconds)
    # A rate limit is a wait (Meta says when to come back), counted on one entry; any other retry is an
    # attempt of its own.
    if isinstance(error, RateLimitError):
        timeline.repeat(post, "retry_scheduled", f"{code}: {message}")
    else:
        timeline.add(post, "retry_scheduled", f"{code}: {message}")
    return later(post, delay)


def processing_failed(post: SocialPost, detail: str | None, *, settings: Settings) -> Step:
    """A container (or carousel child) ended in ERROR: it cannot have been published; failed (a
    download Meta could not make is tried again first)."""
    post.publish_sent_at = None
    subcode = subcode_of(detail)
    if fetching.could_not_fetch(None, subcode):
        return fetch_failed(post, processing_error(detail), code=f"ERROR/{subcode}", settings=settings)
    return fail(post, processing_error(detail), code=status_code_of(detail), reason="processing")


def fail(post: SocialPost, message: str, *, code: str, reason: str) -> Step:
    """A permanent failure: the post fails with a message the user can act on.

    Not when the publish may have landed: such a post stays unconfirmed and is checked again.
    """
    if post.may_be_published:
        return unconfirmed(post, message, code=code)
    post.status = PostStatus.FAILED
    post.error_message = message
    post.last_error_code = code[:32]
    post.lease_until = None
    post.next_attempt_at = None
    post.fetch_failures = 0  # a Retry after fixing the address gets its own tries
    timeline.add(post, "failed", message)
    PUBLISH_FAILURE.labels(reason=reason).inc()
    log.warning(
        "Instagram publish failed", user_id=post.user_id, post_id=post.id, reason=reason, error_code=code
    )
    return STOP


def unconfirmed(post: SocialPost, why: str, *, code: str) -> Step:
    """The publish may have landed and we cannot tell yet: say why, check again later, never fail."""
    post.status = PostStatus.UNCONFIRMED
    post.last_error_code = code[:32]
    post.attempts += 1
    step = later(post, _backoff(post.attempts, UNCONFIRMED_CAP_SECONDS))
    post.error_message = (
        f"Instagram may have published this post; we could not confirm it yet: {why.rstrip('.')}. "
        f"Checking again at {clock(post.next_attempt_at)}."
    )
    note(post, "unconfirmed", why)
    return step


def graph_error(post: SocialPost, error: InstagramGraphAPIError, *, settings: Settings) -> Step:
    """Map a Graph error to waiting, retrying, new containers or failing."""
    if isinstance(error, PublishingQuotaError):
        return quota_wait(post, None)
    if isinstance(error, MediaNotReadyError):
        return poll_later(post, settings=settings)
    if isinstance(error, ContainerExpiredError):
        return expired(post, settings=settings)
    if fetching.could_not_fetch(error.code, error.subcode):
        return fetch_failed(post, error.user_message, code=code_of(error), settings=settings)
    if error.retryable or isinstance(error, OutcomeUnknownError):
        # media_publish handles its own lost answers (`_send`); any other write whose answer was
        # lost is safe to repeat: a second container is only an orphan that expires unpublished,
        # and a first comment is looked for before it is posted again.
        return retry(post, error, code=code_of(error), settings=settings)
    return fail(post, error.user_message, code=code_of(error), reason=_reason(error))


def published(post: SocialPost) -> Step:
    """Mark the post published; count, time and log it."""
    now = utcnow()
    post.status = PostStatus.PUBLISHED
    post.published_at = now
    post.error_message = None
    post.lease_until = None
    post.next_attempt_at = None
    timeline.add(post, "published", post.platform_url)
    PUBLISH_SUCCESS.inc()
    due = post.publish_requested_at or post.scheduled_for or post.created_at
    PUBLISH_LATENCY_SECONDS.observe(max(0.0, (now - due).total_seconds()))
    log.info(
        "Instagram publish success", user_id=post.user_id, post_id=post.id, media_id=post.platform_post_id
    )
    return STOP


def refused_publish(error: InstagramGraphAPIError) -> bool:
    """Whether an error answering media_publish proves Meta refused it (so nothing was published).

    Besides the known refusals, any 4xx answer from Meta on the item is a definitive refusal (a media or
    option Meta rejects, a missing container), except "already published" (code 100, no subcode), which
    means the container was published and is recovered from its PUBLISHED status, and a transient error
    (codes 1 and 2, `is_transient`), which says Meta had a problem, not what became of the call.
    """
    if isinstance(error, PUBLISH_REFUSED):
        return True
    if not isinstance(error, GraphAPIResponseError) or isinstance(error, TransientError):
        return False
    if error.http_status is None:
        return False
    if not 400 <= error.http_status < 500:
        return False
    return not (error.code == 100 and error.subcode is None and "publish" in error.message.lower())


def _backoff(attempts: int, cap: float) -> float:
    """Exponential back-off for the `attempts`-th try: capped, jittered down to half."""
    return float(min(cap, BACKOFF_BASE_SECONDS * 2 ** min(attempts - 1, 20)) * random.uniform(0.5, 1.0))


def clock(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment is not None else "soon"


def note(post: SocialPost, event: str, detail: str | None) -> None:
    """Note a wait on the timeline, counted on the last entry when it repeats it (checked again and again)."""
    timeline.repeat(post, event, detail)


def code_of(error: InstagramGraphAPIError) -> str:
    if error.code is None:
        return type(error).__name__[:32]
    return f"{error.code}/{error.subcode}" if error.subcode else str(error.code)


def _reason(error: InstagramGraphAPIError | None) -> str:
    return type(error).__name__ if error is not None else "unknown"


def forget_containers(post: SocialPost) -> None:
    """Start over with new containers (the old ones were never published and expire on their own)."""
    post.container_id = None
    for item in post.media:
        item.container_id = None
    post.publish_sent_at = None
    post.uploads_pending = []


_SUBCODE = re.compile(r"error code (\d+)")


def subcode_of(detail: str | None) -> int | None:
    """The subcode in a container status sentence, if any."""
    found = _SUBCODE.search(detail or "")
    return int(found.group(1)) if found else None


def status_code_of(detail: str | None) -> str:
    """`ERROR/<subcode>` from a container status sentence."""
    found = _SUBCODE.search(detail or "")
    return f"ERROR/{found.group(1)}" if found else "ERROR"


def processing_error(detail: str | None) -> str:
    """What the user should do about a container that ended in ERROR."""
    found = _SUBCODE.search(detail or "")
    subcode = int(found.group(1)) if found else None
    message = user_message_for(None, subcode, detail or "") if subcode is not None else None
    return message or (
        "Instagram could not process the media"
        + (f" ({detail})" if detail else "")
        + ". Convert the clip with Clips → Conform and publish again."
    )
