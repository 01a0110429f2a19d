"""After media_publish: the permalink and the first comment, then the post is published.

Recovering the media id of a PUBLISHED container (a lost answer, a worker that died before committing
it) lives in `clipper.social.recovery`.
"""

from __future__ import annotations

from clipper.config import Settings
from clipper.db import utcnow
from clipper.instagram import InstagramGraphAPI
from clipper.instagram.errors import InstagramGraphAPIError
from clipper.social import timeline, transitions
from clipper.social.models import SocialPost
from clipper.social.transitions import Step


async def complete(post: SocialPost, api: InstagramGraphAPI, *, sent_now: bool, settings: Settings) -> Step:
    """Permalink (best effort), first comment (once), then published."""
    assert post.platform_post_id is not None
    if post.platform_url is None and not post.permalink_unavailable:
        try:
            details = await api.get_media_details(post.platform_post_id, fields="id,permalink")
            post.platform_url = details.permalink
        except InstagramGraphAPIError as error:
            post.permalink_unavailable = True
            timeline.add(post, "permalink_unavailable", error.user_message)
    comment = post.options.get("first_comment")
    if comment and post.first_comment_id is None and not post.first_comment_failed:
        step = await _first_comment(post, api, comment, sent_now=sent_now, settings=settings)
        if step is not None:
            return step
    return transitions.published(post)


async def _first_comment(
    post: SocialPost, api: InstagramGraphAPI, text: str, *, sent_now: bool, settings: Settings
) -> Step | None:
    """Post the first comment once: the intent is committed first, and looked for after a crash."""
    assert post.platform_post_id is not None
    if post.first_comment_sent_at is None:
        post.first_comment_sent_at = utcnow()
        timeline.add(post, "first_comment_sent")
        return Step(True, sent_now=True)
    try:
        if not sent_now:
            existing = await api.get_media_comments(post.platform_post_id, fields="id,text", max_items=50)
            mine = [c for c in existing if c.get("text") == text]
            if mine:
                post.first_comment_id = str(mine[-1]["id"])
                return None
        post.first_comment_id = await api.post_comment(post.platform_post_id, text)
        timeline.add(post, "first_comment_posted", post.first_comment_id)
    except InstagramGraphAPIError as error:
        if error.retryable and post.attempts + 1 < settings.publish_max_attempts:
            return transitions.retry(post, error, code="first_comment", settings=settings)
        post.first_comment_failed = True
        timeline.add(post, "first_comment_failed", error.user_message)
    return None
