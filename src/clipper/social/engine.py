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
  and caption) is unconfirmed (`recovery.look_alike_held`), so recovery can never give one the other's
  media;
- a container that still reads FINISHED is only re-read for PUBLISH_UNCONFIRMED_GRACE_SECONDS after
  the call was sent (Meta may still be executing it). Only after that window is `media_publish` sent
  again, on the same container (Meta publishes a container at most once, so this cannot make a second
  media), recorded as `publish_resent` on the timeline;
- a publish answered with an error that proves Meta refused it (quota, not ready, expired, rate limit,
  token, permission, a refused media, any other 4xx answer but "already published": `refused_publish`)
  clears `publish_sent_at`, so a definitive refusal fails the post with its reason; so does a publish
  that provably never left (`RequestNotSentError`: connection refused, DNS failure, connect or pool
  timeout, on every attempt of the client), which is retried after the usual step back-off, bounded by
  PUBLISH_MAX_ATTEMPTS, never after the grace window. Any other error (a read or write timeout, a
  connection closed after the request was written, an incomplete answer) may have reached Meta and is
  reconciled like a lost answer.

Transactions: none is held across a Graph call. The post is loaded once in a short read (`persist.load`)
and kept in memory; after each step one short write (`persist.save`) applies what changed with a
conditional UPDATE on our exact lease, extending it (the look-alike check runs inside the write that
commits the intent to publish, which is synced to disk before `media_publish` is sent), so a worker
whose lease was taken over stops at its next step (its Graph effects are found again by the new owner:
containers by id, a publish by the container's PUBLISHED status). A recovered media id is written the
same way (`recovery.claim`: our lease, and no media id recorded yet).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from clipper.accounts.graph import AccountGraph
from clipper.accounts.permissions import PUBLISH
from clipper.db import utcnow
from clipper.errors import ClipperError
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.errors import (
    InstagramGraphAPIError,
    InvalidTokenError,
    OutcomeUnknownError,
    RequestNotSentError,
)
from clipper.instagram.schemas import PublishingLimit
from clipper.social import batches, containers, finish, persist, recovery, timeline, transitions
from clipper.social.models import MediaType, PostStatus, SocialPost
from clipper.social.transitions import (
    GO_ON,
    POLL_FIRST_SECONDS,
    POLL_MAX_SECONDS,
    UNCONFIRMED_RECHECK_SECONDS,
    Step,
)

if TYPE_CHECKING:
    from clipper.config import Settings
    from clipper.resources import Resources

log = structlog.get_logger("clipper.social")

MAX_STEPS = 40
LOOK_ALIKE_WAIT_SECONDS = 3.0


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
            step = await self._step(claimed, sent_now=sent_now)
            if step.go_on:
                post.lease_until = utcnow() + timedelta(seconds=self.settings.publish_lease_seconds)
            saved = await persist.save(self.session_factory, claimed, guard=step.guard)
            if isinstance(saved, persist.Held):
                step = _held(post, saved)
                saved = await persist.save(self.session_factory, claimed)
            if not saved:
                log.info("publish lease lost", user_id=post.user_id, post_id=post.id)
                return
            if post.status != before or not step.go_on:
                await self._announce(_snapshot(post))
            if not step.go_on:
                return
            sent_now = step.sent_now

    async def _announce(self, snapshot: dict[str, Any]) -> None:
        await self.resources.events.publish_event(snapshot.pop("user_id"), "post.status", snapshot)

    async def _step(self, claimed: persist.Claimed, *, sent_now: bool) -> Step:
        """One step on the in-memory post: Graph calls through the gateway, no transaction open (a refused
        token is recorded on the account by the gateway, in a unit of work of its own)."""
        post = claimed.post
        gateway = AccountGraph.of(self.resources)
        try:
            api = gateway.client(claimed.account, PUBLISH)
            ig = claimed.account.platform_account_id
            return await self._advance(claimed, api, ig, sent_now=sent_now)
        except InvalidTokenError as error:
            await gateway.refused(claimed.account, error)
            return transitions.fail(post, error.user_message, code=transitions.code_of(error), reason="token")
        except ClipperError as error:
            return transitions.fail(post, error.message, code=type(error).__name__, reason="account")
        except InstagramGraphAPIError as error:
            return transitions.graph_error(post, error, settings=self.settings)

    async def _advance(
        self, claimed: persist.Claimed, api: InstagramGraphAPI, ig: str, *, sent_now: bool
    ) -> Step:
        post = claimed.post
        if post.platform_post_id:
            return await finish.complete(post, api, sent_now=sent_now, settings=self.settings)
        if post.attempts == 0 and post.publish_started_at is None:
            _log_started(post)
            post.publish_started_at = utcnow()
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
        post.container_created_at = utcnow()
        timeline.add(post, "container_created", container_id)
        if resumable:
            post.uploads_pending = [*post.uploads_pending, container_id]
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
        post.container_created_at = utcnow()
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
                detail = str(child.get("status")) if child is not None else None
                return transitions.processing_failed(post, detail, settings=self.settings)
            if code == "EXPIRED":
                return transitions.expired(post, settings=self.settings)
            return transitions.poll_later(post, settings=self.settings)
        return None

    async def _upload(self, post: SocialPost, api: InstagramGraphAPI, container_id: str, item: Any) -> Step:
        await containers.upload(api, container_id, item, self.settings)
        post.uploads_pending = [pending for pending in post.uploads_pending if pending != container_id]
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
            return transitions.processing_failed(post, detail, settings=self.settings)
        if code == "EXPIRED":
            # Never published: Meta publishes only a FINISHED container.
            return transitions.expired(post, settings=self.settings)
        return transitions.poll_later(post, settings=self.settings)

    async def _recover(self, claimed: persist.Claimed, api: InstagramGraphAPI, ig: str) -> Step:
        """The container is PUBLISHED: find its media, never publish again; keep looking while not listed."""
        post, grace = claimed.post, self.settings.publish_unconfirmed_grace_seconds
        media_id = await recovery.find_and_claim(
            self.session_factory, api, ig, post, lease=claimed.lease, grace_seconds=grace
        )
        if media_id is not None:
            timeline.add(post, "media_recovered", media_id)
            return GO_ON
        return transitions.unconfirmed(
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
            step = transitions.later(post, max(delay, POLL_FIRST_SECONDS))
            post.status = PostStatus.UNCONFIRMED
            post.error_message = (
                "Instagram has not confirmed this post yet: the publish call got no answer. Checking again "
                f"at {transitions.clock(post.next_attempt_at)}; if Instagram never received the call, it is "
                "sent again on the same container, which cannot create a second post."
            )
            transitions.note(post, "publish_unconfirmed", None)
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
        once, in the step's write, with the look-alike check of `recovery.look_alike_held`)."""
        post = claimed.post
        post.status = PostStatus.PUBLISHING
        if limit.remaining == 0:
            total = limit.config.quota_total if limit.config else None
            return transitions.quota_wait(post, total)

        async def reserve(session: AsyncSession) -> persist.Held | None:
            held = await recovery.look_alike_held(session, post)
            if held is None:
                post.publish_sent_at = utcnow()
                timeline.add(post, "publish_sent", post.container_id)
            return held

        return Step(True, sent_now=True, guard=reserve)

    async def _send(self, post: SocialPost, api: InstagramGraphAPI, ig: str) -> Step:
        assert post.container_id is not None
        try:
            published = await batches.publish(api, ig, post.container_id)
        except OutcomeUnknownError:
            post.status = PostStatus.UNCONFIRMED
            post.error_message = "Instagram did not confirm the publish; checking whether it went through."
            timeline.add(post, "publish_unconfirmed")
            return transitions.later(post, UNCONFIRMED_RECHECK_SECONDS)
        except InstagramGraphAPIError as error:
            if transitions.refused_publish(error) or isinstance(error, RequestNotSentError):
                # Meta answered and refused, or the call never left: nothing was published, so the post
                # is retried like any other step (no grace window), on the same container.
                post.publish_sent_at = None
            raise
        post.platform_post_id = published.media_id
        post.platform_url = published.permalink
        timeline.add(post, "media_published", published.media_id)
        # Finishing needs no Graph call unless a first comment is asked (whose intent is committed first).
        return await finish.complete(post, api, sent_now=False, settings=self.settings)


def _held(post: SocialPost, held: persist.Held) -> Step:
    """Not sent: a look-alike is in flight. Each wait costs a status read: come back just after the
    look-alike's next check."""
    transitions.note(post, "publish_held", "a post of the account that looks the same is not confirmed yet")
    wait = max(0.0, (held.until - utcnow()).total_seconds())
    return transitions.later(post, wait + LOOK_ALIKE_WAIT_SECONDS * random.uniform(0.75, 1.0))


def _log_started(post: SocialPost) -> None:
    log.info("Instagram publish started", user_id=post.user_id, post_id=post.id)


def _pending_upload(post: SocialPost) -> tuple[str, Any] | None:
    """The first resumable container still waiting for our bytes, with its clip."""
    clips = {item.container_id: item.clip for item in post.media if item.container_id}
    if post.container_id and post.clip is not None:
        clips[post.container_id] = post.clip
    for container_id in post.uploads_pending:
        if container_id in clips:
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
