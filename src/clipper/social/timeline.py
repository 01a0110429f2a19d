"""A post's timeline: what happened to it, oldest first, as the API shows it.

An audit log only: the engine decides from the post's columns, never from here (the log keeps the last
MAX_ENTRIES entries)."""

from __future__ import annotations

from datetime import datetime

from clipper.db import utcnow
from clipper.social.models import SocialPost

MAX_ENTRIES = 100


def add(post: SocialPost, event: str, detail: str | None = None) -> None:
    """Append an event (a new list, so the JSON column is seen as changed)."""
    entry = {"at": utcnow().isoformat(), "event": event, "detail": detail}
    post.timeline = [*(post.timeline or []), entry][-MAX_ENTRIES:]


def repeat(post: SocialPost, event: str, detail: str | None = None) -> None:
    """Record a wait that may come back again and again (a quota, a look-alike, an unconfirmed publish):
    when the last entry is the same, count it there (`count`, `last_at`) instead of appending."""
    entries = post.timeline or []
    last = entries[-1] if entries else {}
    if last.get("event") != event or last.get("detail") != detail:
        add(post, event, detail)
        return
    counted = {**last, "count": int(last.get("count", 1)) + 1, "last_at": utcnow().isoformat()}
    post.timeline = [*entries[:-1], counted]


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
