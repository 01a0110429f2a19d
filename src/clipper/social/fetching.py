"""Instagram could not fetch the media from our URL: retried a few times, then failed with the fix.

Meta documents two answers for a failed download of `image_url` / `video_url`: 9004 / 2207052 ("The
media could not be fetched from this URI") and -2 / 2207003 ("It takes too long to download the media":
"Try again"); see https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/
error-codes. It gives them for passing problems too (our server busy for a moment, a network blip on
either side), so a post is not failed on the first one: the containers are made again after a back-off,
and only after FETCH_TRIES failures does the post fail, naming what to fix (the URL Meta fetches from).
2207077 (a video host without Range support, observed rather than documented) is not passing: it fails
at once with its own fix.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from clipper.social import timeline
from clipper.social.models import SocialPost

if TYPE_CHECKING:
    from clipper.config import Settings

FETCH_SUBCODES = frozenset({2207003, 2207052})
FETCH_CODE = 9004
FETCH_TRIES = 4
FETCH_BACKOFF_SECONDS = 10.0
EVENT = "media_fetch_failed"


def could_not_fetch(code: int | None, subcode: int | None) -> bool:
    """Whether an error (or a container's ERROR subcode) says Meta could not download our media."""
    return subcode in FETCH_SUBCODES or (code == FETCH_CODE and subcode is None)


def record(post: SocialPost, code: str, message: str) -> int:
    """Count one more failed download (and note it); how many there have been since the post last
    failed or the user asked to publish it (a Retry or a new schedule after fixing the address gets its
    own tries: `transitions.fail` and `service.request_publish` start the count again)."""
    post.fetch_failures += 1
    timeline.add(post, EVENT, f"{code}: {message}")
    return post.fetch_failures


def backoff_seconds(failures: int) -> float:
    """10 s, 20 s, 40 s …: long enough for a passing problem on our side to clear."""
    return float(FETCH_BACKOFF_SECONDS * 2 ** (failures - 1))


def fix(settings: Settings, message: str, failures: int) -> str:
    """The failure message: what Meta said, and what to change so it can download the media."""
    return (
        f"Instagram could not download the media ({failures} tries): {message.rstrip('.')}. Instagram "
        f"fetches it from this server at {settings.backend_url}: set BACKEND_URL to the server's public "
        "HTTPS address, reachable from the internet without a login or VPN, then publish the post again."
    )
