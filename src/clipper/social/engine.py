"""The publishing state machine (DESIGN.md §5): one claimed post, one Graph write per committed step.

A post moves through these steps, each committed on its own, so a crash after any of them loses nothing
that Meta already holds:

1. create the containers (carousel: each child, then the parent once the children are FINISHED) and
   commit every id right after its create call; a resumable video is uploaded in the next step;
2. read the container status and `content_publishing_limit` in one batch request (`batches`):
   IN_PROGRESS → come back later (first poll soon, then about once a minute, give up after
   PUBLISH_PROCESSING_TIMEOUT_SECONDS); ERROR → failed with the reason; EXPIRED → new containers;
   PUBLISHED → the media id is recovered (`recovery`), never published again; no quota slot
   left → the post waits (status scheduled, visible reason); FINISHED → commit `publish_sent_at`;
3. `media_publish` and the new media's permalink in one batch; the media id is committed at once;
4. the first comment when asked (its intent committed first, looked for before a retry), then published.

So a post costs the floor in HTTP calls: image or story 3, carousel of n images n + 3, reel 3 + polls
(+1 resumable upload).

Never publishing twice. Once `publish_sent_at` is committed the publish may have landed, so until the
media id is known the post is reconciled, never started over:

- it never becomes `failed`: a lost answer, recovery attempts running out, a refused token or any other
  error while reconciling keep it `unconfirmed`, with the reason and the time of the next check in its
  `error_message`, checked again with exponential backoff capped at UNCONFIRMED_CAP_SECONDS (a few
  minutes: a check costs a handful of reads, and the user is waiting) for as long as it takes, and at
  once when the user asks (`service.check_now`);
  the only exits are the media id (`published`), a container status that proves Meta did not publish
  it: ERROR (failed with the reason) or EXPIRED (new containers), and a publish answer that refuses it.
  A Retry of a failed post, or an edit, therefore never forgets a container that may have been
  published (`SocialPost.may_be_published`: `service._reset`, and edits of such a post are refused).
  There is deliberately no terminal state for a publish that cannot be confirmed (say the account is
  never reconnected): it stays visibly `unconfirmed`, checked every few minutes, rather than risk a
  second post;
- the account's recent media are scanned for the post's media (`recovery`) only while its container
  reads PUBLISHED: a FINISHED or EXPIRED container was never published, so a matching media would be
  someone else's (a story posted from the phone, a sibling post whose id is not committed yet);
- a post is not sent while a look-alike of the same account (a story, or a feed post of the same type
  and caption) is unconfirmed (`recovery.reserve_send`), so recovery can never give one the other's
  media;
- a container that still reads FINISHED is only re-read for PUBLISH_UNCONFIRMED_GRACE_SECONDS after
  the call was sent (Meta may still be executing it). Only after that window is `media_publish` sent
  again, on the same container (Meta publishes a container at most once, so this cannot make a second
  media), recorded as `publish_resent` on the timeline;
- a publish answered with an error that proves Meta refused it (quota, not ready, expired, rate limit,
  token, permission, a refused media, any other 4xx answer but "already published": `refused_publish`)
  clears `publish_sent_at`, so a definitive refusal fails the post with its reason; any other error is
  reconciled like a lost answer.

Transactions: none is held across a Graph call. The post is loaded once in a short read (`persist.load`)
and kept in memory; after each step one short write (`persist.save`) applies what changed with a
conditional UPDATE on our exact lease, extending it, so a worker whose lease was taken over stops at
its next step (its Graph effects are found again by the new owner: containers by id, a publish by the
container's PUBLISHED status). A recovered media id is written the same way (`recovery.claim`: our
lease, and no media id recorded yet).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts import service as accounts
from clipper.db import utcnow
from clipper.errors import ClipperError
from clipper.instagram import InstagramGraphAPI
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
from clipper.instagram.schemas import PublishingLimit
from clipper.observability import PUBLISH_FAILURE, PUBLISH_LATENCY_SECONDS, PUBLISH_SUCCESS
from clipper.social import batches, containers, fetching, finish, persist, recovery, timeline
from clipper.social.models import MediaType, PostStatus, SocialPost

if TYPE_CHECKING:
    from clipper.config import Settings
    from clipper.resources import Resources

log = structlog.get_logger("clipper.social")

MAX_STEPS = 40
BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
QUOTA_RECHECK_SECONDS = 600.0
UNCONFIRMED_RECHECK_SECONDS = 2.0
UNCONFIRMED_CAP_SECONDS = 300.0
LOOK_ALIKE_WAIT_SECONDS = 3.0
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
    """What the run loop does after a step: go on at once, or stop (the post waits, or is done)."""

    go_on: bool
    sent_now: bool = False


GO_ON = Step(True)
STOP = Step(False)


class Engine:
    """Runs claimed posts on the process's resources (read when used, so a swapped one is honoured)."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources

    @property
    def session_factory(self) -> async_sessionmaker[AsyncSession]:
        return self.resources.session_factory

    @property
    def settings(self) -> Settings:
        return self.resources.settings

    async def run(self, *, post_id: int, lease_until: datetime | None, max_steps: int = MAX_STEPS) -> None:
        """Advance the post step by step while it holds our lease and has work that can be done now."""
        claimed = await persist.load(self.session_factory, post_id, lease_until)
        if claimed is None:
            return
        sent_now = False
        for _ in range(max_steps):
            post = claimed.post
            before = post.status
            step, token_invalid = await self._step(claimed, sent_now=sent_now)
            if step.go_on:
                post.lease_until = utcnow() + timedelta(seconds=self.settings.publish_lease_seconds)
            if not await persist.save(self.session_factory, claimed, token_invalid=token_invalid):
                log.info("publish lease lost", user_id=post.user_id, post_id=post.id)
                return
            if post.status != before or not step.go_on:
                await self._announce(_snapshot(post))
            if not step.go_on:
                return
            sent_now = step.sent_now

    async def _announce(self, snapshot: dict[str, Any]) -> None:
        await self.resources.events.publish_event(snapshot.pop("user_id"), "post.status", snapshot)

    async def _step(self, claimed: persist.Claimed, *, sent_now: bool) -> tuple[Step, str | None]:
        """One step on the in-memory post (Graph calls only, no database); a refused token's reason."""
        post = claimed.post
        try:
            resources = self.resources
            api = accounts.graph_for(claimed.account, graph=resources.graph, cipher=resources.cipher)
            ig = claimed.account.platform_account_id
            return await self._advance(claimed, api, ig, sent_now=sent_now), None
        except InvalidTokenError as error:
            step = self.fail(post, error.user_message, code=_code(error), reason="token")
            return step, error.user_message
        except ClipperError as error:
            return self.fail(post, error.message, code=type(error).__name__, reason="account"), None
        except InstagramGraphAPIError as error:
            return self.graph_error(post, error), None

    async def _advance(
        self, claimed: persist.Claimed, api: InstagramGraphAPI, ig: str, *, sent_now: bool
    ) -> Step:
        post = claimed.post
        if post.platform_post_id:
            return await finish.complete(self, post, api, sent_now=sent_now)
        if post.attempts == 0 and timeline.first(post, "publish_started") is None:
            _log_started(post)
            timeline.add(post, "publish_started")
        if post.status is PostStatus.SCHEDULED:
            post.status = PostStatus.PUBLISHING
        pending = _pending_upload(post)
        if pending is not None:
            return await self._upload(post, api, *pending)
        if post.container_id is None:
            return await self._create(claimed, api, ig)
        if post.publish_sent_at is not None and sent_now:
            return await self._send(post, api, ig)
        status, limit = await batches.status_and_limit(api, post.container_id, ig)
        return await self._on_status(claimed, api, ig, status.status_code or "", status.status, limit)

    async def _create(self, claimed: persist.Claimed, api: InstagramGraphAPI, ig: str) -> Step:
        settings, post = self.settings, claimed.post
        if post.media_type is MediaType.CAROUSEL:
            return await self._create_carousel(post, api, ig)
        clip = containers.main_clip(post)
        if post.media_type is MediaType.IMAGE:
            container_id = await containers.create_image(api, ig, post, clip, settings)
        elif post.media_type is MediaType.STORIES:
            container_id = await containers.create_story(api, ig, post, clip, settings)
        else:
            container_id = await containers.create_reel(api, ig, post, clip, claimed.cover, settings)
        post.container_id = container_id
        self._created(post, container_id, resumable=containers.is_resumable(settings, clip, api))
        return GO_ON

    def _created(self, post: SocialPost, container_id: str, *, resumable: bool) -> None:
        timeline.add(post, "container_created", container_id)
        if resumable:
            timeline.add(post, containers.UPLOAD_PENDING, container_id)

    async def _create_carousel(self, post: SocialPost, api: InstagramGraphAPI, ig: str) -> Step:
        for item in post.media:
            if item.container_id is None:
                item.container_id = await containers.create_child(api, ig, item, self.settings)
                self._created(
                    post, item.container_id, resumable=containers.is_resumable(self.settings, item.clip, api)
                )
                return GO_ON
        waiting = await self._children_waiting(post, api)
        if waiting is not None:
            return waiting
        post.container_id = await containers.create_parent(api, ig, post)
        timeline.add(post, "container_created", post.container_id)
        return GO_ON

    async def _children_waiting(self, post: SocialPost, api: InstagramGraphAPI) -> Step | None:
        """None when every child is FINISHED; else what to do.

        Image children finish as they are created, so a carousel of images reads nothing; once a video
        makes the read necessary, the image children ride along in the same call.
        """
        children = [item.container_id for item in post.media if item.container_id]
        if not any(item.clip.kind.value == "video" for item in post.media):
            return None
        found = await api.get_objects(children, fields="id,status_code,status")
        for container_id in children:
            child = found.get(container_id)
            code = str(child.get("status_code")) if child is not None else ""
            if code == "FINISHED":
                continue
            if code == "ERROR":
                return self.processing_failed(post, str(child.get("status")) if child is not None else None)
            if code == "EXPIRED":
                return self.expired(post)
            return self.poll_later(post)
        return None

    async def _upload(self, post: SocialPost, api: InstagramGraphAPI, container_id: str, item: Any) -> Step:
        await containers.upload(api, container_id, item, self.settings)
        timeline.add(post, containers.UPLOADED, container_id)
        return GO_ON

    async def _on_status(
        self,
        claimed: persist.Claimed,
        api: InstagramGraphAPI,
        ig: str,
        code: str,
        detail: str | None,
        limit: PublishingLimit,
    ) -> Step:
        """Act on the post's own container status (only PUBLISHED can mean one of the media is ours)."""
        post = claimed.post
        if code == "FINISHED":
            if post.publish_sent_at is not None:
                return await self._finished_after_send(claimed, limit)
            return await self._ready(claimed, limit)
        if code == "PUBLISHED":
            return await self._recover(claimed, api, ig)
        if code == "ERROR":
            return self.processing_failed(post, detail)
        if code == "EXPIRED":
            return self.expired(post)  # never published: Meta publishes only a FINISHED container
        return self.poll_later(post)

    async def _recover(self, claimed: persist.Claimed, api: InstagramGraphAPI, ig: str) -> Step:
        """The container is PUBLISHED: find its media, never publish again; keep looking while not listed."""
        post, grace = claimed.post, self.settings.publish_unconfirmed_grace_seconds
        media_id = await recovery.find_and_claim(
            self.session_factory, api, ig, post, lease=claimed.lease, grace_seconds=grace
        )
        if media_id is not None:
            timeline.add(post, "media_recovered", media_id)
            return GO_ON
        return self.unconfirmed(
            post,
            "Instagram reports the post as published, but it is not among the account's recent media yet.",
            code="recovery_pending",
        )

    async def _finished_after_send(self, claimed: persist.Claimed, limit: PublishingLimit) -> Step:
        """media_publish was sent but the container still reads FINISHED: only re-read it for the grace
        window (Meta may still be executing the call); no media is claimed, as none can be ours yet."""
        post = claimed.post
        assert post.publish_sent_at is not None
        grace = self.settings.publish_unconfirmed_grace_seconds
        waited = (utcnow() - post.publish_sent_at).total_seconds()
        if waited < grace:
            delay = min(POLL_MAX_SECONDS, max(UNCONFIRMED_RECHECK_SECONDS, waited / 2), grace - waited)
            step = self.later(post, max(delay, POLL_FIRST_SECONDS))
            post.status = PostStatus.UNCONFIRMED
            post.error_message = (
                "Instagram has not confirmed this post yet: the publish call got no answer. Checking "
                f"again at {_clock(post.next_attempt_at)}; if Instagram never received the call, it is sent "
                "again on the same container, which cannot create a second post."
            )
            _note(post, "publish_unconfirmed", None)
            return step
        if limit.remaining != 0:
            timeline.add(
                post,
                "publish_resent",
                f"container {post.container_id} still FINISHED {int(waited)} s after media_publish was "
                "sent: Instagram never received it; sending it again on the same container",
            )
        return await self._ready(claimed, limit)

    async def _ready(self, claimed: persist.Claimed, limit: PublishingLimit) -> Step:
        """The container is FINISHED: with a quota slot left, commit the intent to publish first (at
        once, with the look-alike check of `recovery.reserve_send`)."""
        post = claimed.post
        post.status = PostStatus.PUBLISHING
        if limit.remaining == 0:
            total = limit.config.quota_total if limit.config else None
            return self.quota_wait(post, total)
        sent_at = await recovery.reserve_send(self.session_factory, post, lease=claimed.lease)
        if isinstance(sent_at, recovery.Held):
            # Each wait costs a status read: come back just after the look-alike's next check.
            _note(post, "publish_held", "a post of the account that looks the same is not confirmed yet")
            wait = max(0.0, (sent_at.until - utcnow()).total_seconds())
            return self.later(post, wait + LOOK_ALIKE_WAIT_SECONDS * random.uniform(0.75, 1.0))
        post.publish_sent_at = sent_at
        timeline.add(post, "publish_sent", post.container_id)
        return Step(True, sent_now=True)

    async def _send(self, post: SocialPost, api: InstagramGraphAPI, ig: str) -> Step:
        assert post.container_id is not None
        try:
            published = await batches.publish(api, ig, post.container_id)
        except OutcomeUnknownError:
            post.status = PostStatus.UNCONFIRMED
            post.error_message = "Instagram did not confirm the publish; checking whether it went through."
            timeline.add(post, "publish_unconfirmed")
            return self.later(post, UNCONFIRMED_RECHECK_SECONDS)
        except InstagramGraphAPIError as error:
            if refused_publish(error):
                post.publish_sent_at = None  # Meta answered and refused: nothing was published
            raise
        post.platform_post_id = published.media_id
        post.platform_url = published.permalink
        timeline.add(post, "media_published", published.media_id)
        # Finishing needs no Graph call unless a first comment is asked (whose intent is committed first).
        return await finish.complete(self, post, api, sent_now=False)

    # Outcomes -------------------------------------------------------------------------------------

    def later(self, post: SocialPost, seconds: float) -> Step:
        """Release the post and come back after `seconds` (the sweep picks it up)."""
        post.next_attempt_at = utcnow() + timedelta(seconds=seconds)
        post.lease_until = None
        return STOP

    def poll_later(self, post: SocialPost) -> Step:
        """Come back to a processing container: soon at first, then about once a minute, then give up."""
        started = timeline.last(post, "container_created") or utcnow()
        elapsed = (utcnow() - started).total_seconds()
        if elapsed > self.settings.publish_processing_timeout_seconds:
            limit = self.settings.publish_processing_timeout_seconds
            waited = f"{int(limit // 60)} minutes" if limit >= 120 else f"{limit:g} s"
            return self.fail(
                post,
                f"Instagram was still processing the media after {waited}. Try publishing it again; "
                "if it keeps happening, use a shorter or smaller clip.",
                code="processing_timeout",
                reason="processing_timeout",
            )
        return self.later(post, min(POLL_MAX_SECONDS, max(POLL_FIRST_SECONDS, elapsed / 2)))

    def quota_wait(self, post: SocialPost, total: int | None) -> Step:
        """The account used its 24-hour publishing quota: wait for a slot, visibly, without failing."""
        post.status = PostStatus.SCHEDULED
        post.last_error_code = "9/2207042"
        limit = f"{total} posts" if total else "its posts"
        post.error_message = (
            f"Waiting: this account has published {limit} through the API in the last 24 hours, Instagram's "
            "limit. The post goes out automatically when a slot frees up."
        )
        timeline.add(post, "quota_wait")
        return self.later(post, QUOTA_RECHECK_SECONDS)

    def expired(self, post: SocialPost) -> Step:
        """The container expired before publishing: start over with new containers."""
        _forget_containers(post)
        timeline.add(post, "container_expired", "creating new containers")
        return self.retry(post, None, code="container_expired", seconds=0.0)

    def fetch_failed(self, post: SocialPost, message: str, *, code: str) -> Step:
        """Instagram could not download our media: new containers after a back-off, a few times, then
        failed with the fix (`fetching`)."""
        if post.may_be_published:
            return self.unconfirmed(post, message, code=code)
        failures = fetching.record(post, code, message)
        post.last_error_code = code[:32]
        if failures >= fetching.FETCH_TRIES:
            return self.fail(
                post, fetching.fix(self.settings, message, failures), code=code, reason="media_fetch"
            )
        _forget_containers(post)
        return self.later(post, fetching.backoff_seconds(failures) * random.uniform(0.75, 1.0))

    def retry(
        self,
        post: SocialPost,
        error: InstagramGraphAPIError | None,
        *,
        code: str,
        seconds: float | None = None,
    ) -> Step:
        """A transient failure: back off exponentially with jitter, or fail after too many attempts."""
        post.attempts += 1
        post.last_error_code = code
        message = error.user_message if error is not None else "The media expired before it was published."
        if post.attempts >= self.settings.publish_max_attempts:
            return self.fail(post, message, code=code, reason=_reason(error) if error else code)
        delay = seconds
        if delay is None:
            # A post that may be live is checked again within minutes, however many checks failed.
            delay = _backoff(
                post.attempts, UNCONFIRMED_CAP_SECONDS if post.may_be_published else BACKOFF_CAP_SECONDS
            )
            if isinstance(error, RateLimitError) and error.retry_after_seconds:
                delay = max(delay, error.retry_after_seconds)
        timeline.add(post, "retry_scheduled", f"{code}: {message}")
        return self.later(post, delay)

    def processing_failed(self, post: SocialPost, detail: str | None) -> Step:
        """A container (or carousel child) ended in ERROR: it cannot have been published; failed (a
        download Meta could not make is tried again first)."""
        post.publish_sent_at = None
        subcode = finish.subcode_of(detail)
        if fetching.could_not_fetch(None, subcode):
            return self.fetch_failed(post, finish.processing_error(detail), code=f"ERROR/{subcode}")
        return self.fail(
            post, finish.processing_error(detail), code=finish.status_code_of(detail), reason="processing"
        )

    def fail(self, post: SocialPost, message: str, *, code: str, reason: str) -> Step:
        """A permanent failure: the post fails with a message the user can act on.

        Not when the publish may have landed: such a post stays unconfirmed and is checked again.
        """
        if post.may_be_published:
            return self.unconfirmed(post, message, code=code)
        post.status = PostStatus.FAILED
        post.error_message = message
        post.last_error_code = code[:32]
        post.lease_until = None
        post.next_attempt_at = None
        timeline.add(post, "failed", message)
        PUBLISH_FAILURE.labels(reason=reason).inc()
        log.warning(
            "Instagram publish failed", user_id=post.user_id, post_id=post.id, reason=reason, error_code=code
        )
        return STOP

    def unconfirmed(self, post: SocialPost, why: str, *, code: str) -> Step:
        """The publish may have landed and we cannot tell yet: say why, check again later, never fail."""
        post.status = PostStatus.UNCONFIRMED
        post.last_error_code = code[:32]
        post.attempts += 1
        step = self.later(post, _backoff(post.attempts, UNCONFIRMED_CAP_SECONDS))
        post.error_message = (
            f"Instagram may have published this post; we could not confirm it yet: {why.rstrip('.')}. "
            f"Checking again at {_clock(post.next_attempt_at)}."
        )
        _note(post, "unconfirmed", why)
        return step

    def graph_error(self, post: SocialPost, error: InstagramGraphAPIError) -> Step:
        """Map a Graph error to waiting, retrying, new containers or failing."""
        if isinstance(error, PublishingQuotaError):
            return self.quota_wait(post, None)
        if isinstance(error, MediaNotReadyError):
            return self.poll_later(post)
        if isinstance(error, ContainerExpiredError):
            return self.expired(post)
        if fetching.could_not_fetch(error.code, error.subcode):
            return self.fetch_failed(post, error.user_message, code=_code(error))
        if error.retryable or isinstance(error, OutcomeUnknownError):
            # media_publish handles its own lost answers (`_send`); any other write whose answer was
            # lost is safe to repeat: a second container is only an orphan that expires unpublished,
            # and a first comment is looked for before it is posted again.
            return self.retry(post, error, code=_code(error))
        return self.fail(post, error.user_message, code=_code(error), reason=_reason(error))

    def published(self, post: SocialPost) -> Step:
        """Mark the post published; count, time and log it."""
        now = utcnow()
        post.status = PostStatus.PUBLISHED
        post.published_at = now
        post.error_message = None
        post.lease_until = None
        post.next_attempt_at = None
        timeline.add(post, "published", post.platform_url)
        PUBLISH_SUCCESS.inc()
        due = timeline.last(post, "publish_requested") or post.scheduled_for or post.created_at
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


def _clock(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC") if moment is not None else "soon"


def _note(post: SocialPost, event: str, detail: str | None) -> None:
    """Add a timeline event unless it repeats the last one (a post checked again and again)."""
    last = (post.timeline or [{}])[-1]
    if last.get("event") != event or last.get("detail") != detail:
        timeline.add(post, event, detail)


def _log_started(post: SocialPost) -> None:
    log.info("Instagram publish started", user_id=post.user_id, post_id=post.id)


def _code(error: InstagramGraphAPIError) -> str:
    if error.code is None:
        return type(error).__name__[:32]
    return f"{error.code}/{error.subcode}" if error.subcode else str(error.code)


def _reason(error: InstagramGraphAPIError | None) -> str:
    return type(error).__name__ if error is not None else "unknown"


def _forget_containers(post: SocialPost) -> None:
    """Start over with new containers (the old ones were never published and expire on their own)."""
    post.container_id = None
    for item in post.media:
        item.container_id = None
    post.publish_sent_at = None


def _pending_upload(post: SocialPost) -> tuple[str, Any] | None:
    """The first resumable container still waiting for our bytes, with its clip."""
    pending = [e.get("detail") for e in post.timeline or [] if e.get("event") == containers.UPLOAD_PENDING]
    done = {e.get("detail") for e in post.timeline or [] if e.get("event") == containers.UPLOADED}
    clips = {item.container_id: item.clip for item in post.media if item.container_id}
    if post.container_id and post.clip is not None:
        clips[post.container_id] = post.clip
    for container_id in pending:
        if container_id not in done and container_id in clips:
            return container_id, clips[container_id]
    return None


def _snapshot(post: SocialPost) -> dict[str, Any]:
    return {
        "user_id": post.user_id,
        "id": post.id,
        "status": post.status.value,
        "platform_post_id": post.platform_post_id,
        "platform_url": post.platform_url,
        "error_message": post.error_message,
    }
