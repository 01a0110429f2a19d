"""A post's timeline: what happened to it, oldest first, as the API shows it."""

from __future__ import annotations

from datetime import datetime

from clipper.db import utcnow
from clipper.social.models import SocialPost

MAX_ENTRIES = 100


def add(post: SocialPost, event: str, detail: str | None = None) -> None:
    """Append an event (a new list, so the JSON column is seen as changed)."""
    entry = {"at": utcnow().isoformat(), "event": event, "detail": detail}
    post.timeline = [*(post.timeline or []), entry][-MAX_ENTRIES:]


def first(post: SocialPost, event: str) -> datetime | None:
    """When the event first happened, if it did."""
    for entry in post.timeline or []:
        if entry.get("event") == event:
            return datetime.fromisoformat(entry["at"])
    return None


def last(post: SocialPost, event: str) -> datetime | None:
    """When the event last happened, if it did."""
    for entry in reversed(post.timeline or []):
        if entry.get("event") == event:
            return datetime.fromisoformat(entry["at"])
    return None
