"""After media_publish: permalink, first comment, and what a container in ERROR means to the user.

Recovering the media id of a PUBLISHED container (a lost answer, a worker that died before committing
it) lives in `clipper.social.recovery`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from clipper.instagram import InstagramGraphAPI
from clipper.instagram.error_text import user_message_for
from clipper.instagram.errors import InstagramGraphAPIError
from clipper.social import timeline
from clipper.social.models import SocialPost

if TYPE_CHECKING:
    from clipper.social.engine import Engine, Step

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


async def complete(engine: Engine, post: SocialPost, api: InstagramGraphAPI, *, sent_now: bool) -> Step:
    """Permalink (best effort), first comment (once), then published."""
    assert post.platform_post_id is not None
    if post.platform_url is None and timeline.first(post, "permalink_unavailable") is None:
        try:
            details = await api.get_media_details(post.platform_post_id, fields="id,permalink")
            post.platform_url = details.permalink
        except InstagramGraphAPIError as error:
            timeline.add(post, "permalink_unavailable", error.user_message)
    comment = post.options.get("first_comment")
    if comment and post.first_comment_id is None and timeline.first(post, "first_comment_failed") is None:
        step = await _first_comment(engine, post, api, comment, sent_now=sent_now)
        if step is not None:
            return step
    return engine.published(post)


async def _first_comment(
    engine: Engine, post: SocialPost, api: InstagramGraphAPI, text: str, *, sent_now: bool
) -> Step | None:
    """Post the first comment once: the intent is committed first, and looked for after a crash."""
    from clipper.social.engine import Step

    assert post.platform_post_id is not None
    if timeline.first(post, "first_comment_sent") is None:
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
        if error.retryable and post.attempts + 1 < engine.settings.publish_max_attempts:
            return engine.retry(post, error, code="first_comment")
        timeline.add(post, "first_comment_failed", error.user_message)
    return None
