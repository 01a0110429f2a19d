"""The database `bench/api_lists.py` serves: one user with a bearer API token, three accounts, posts and
inbox comments, written in bulk (SQLAlchemy Core executemany on the synchronous driver: 100,000 posts take
seconds, not minutes). Not a benchmark of its own: `make bench` runs it as a script, which does nothing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, insert

from clipper.accounts.models import Account
from clipper.clips.models import Clip, ClipKind
from clipper.inbox.models import InboxComment
from clipper.security import hash_token
from clipper.social.models import MediaType, PostStatus, SocialPost, SocialPostMedia
from clipper.users.models import ApiToken, User

TOKEN = "clp_" + "b" * 43
ACCOUNTS = 3
CAROUSEL_EVERY = 20


def _timeline(events: list[tuple[datetime, str, str | None]]) -> list[dict[str, Any]]:
    return [
        {"at": at.isoformat(), "event": event, "detail": detail, "count": 1} for at, event, detail in events
    ]


# Set on some posts only: every row names them (an executemany takes the same columns in each row).
_POST_OUTCOME = (
    "error_message", "last_error_code", "published_at", "container_id", "platform_post_id", "platform_url",
    "publish_sent_at",
)  # fmt: skip


def _post_row(number: int, total: int, now: datetime, accounts: list[int], clip: int) -> dict[str, Any]:
    """Post `number` of `total`, due times spread over two years ending two months from `now`."""
    due = now - timedelta(days=670) + timedelta(days=730) * number / total
    created = due - timedelta(days=3)
    carousel = number % CAROUSEL_EVERY == 0
    row: dict[str, Any] = dict.fromkeys(_POST_OUTCOME, None) | {
        "user_id": 1,
        "account_id": accounts[number % len(accounts)],
        "clip_id": None if carousel else clip,
        "platform": "instagram",
        "title": f"Post {number}",
        "caption": f"Post {number}: a caption of ordinary length about the product, the team and the week. "
        "Thanks for following along, more soon!",
        "hashtags": json.dumps(["brand", "launch", "behindthescenes", f"week{number % 52}"]),
        "media_type": MediaType.CAROUSEL if carousel else MediaType.IMAGE,
        "options": {"first_comment": "Link in bio"} if number % 7 == 0 else {},
        "scheduled_for": due,
        "attempts": 0,
        "next_attempt_at": None,
        "uploads_pending": [],
        "created_at": created,
        "updated_at": created,
    }
    events = [(created, "scheduled", f"for {due.isoformat()}")]
    if due > now:
        row |= {"status": PostStatus.SCHEDULED, "next_attempt_at": due}
    elif number % 100 == 0:
        failure = {"error_message": "The media could not be fetched.", "last_error_code": "9004"}
        row |= {"status": PostStatus.FAILED, "attempts": 3, **failure}
        events += [(due, "publishing", None), (due + timedelta(seconds=9), "failed", "9004")]
    else:
        done = due + timedelta(seconds=6)
        row |= {
            "status": PostStatus.PUBLISHED,
            "attempts": 1,
            "published_at": done,
            "container_id": f"1790{number:012d}",
            "platform_post_id": f"1800{number:012d}",
            "platform_url": f"https://www.instagram.com/p/B{number:010d}/",
            "publish_sent_at": done - timedelta(seconds=1),
            "updated_at": done,
        }
        events += [(due, "publishing", None), (done, "published", row["platform_url"])]
    row["timeline"] = _timeline(events)
    return row


def _comment_row(number: int, total: int, now: datetime, accounts: list[int]) -> dict[str, Any]:
    """Comment `number` of `total`, spread over the last 90 days on 300 media."""
    media = number % 300
    at = now - timedelta(days=90) + timedelta(days=90) * number / total
    return {
        "account_id": accounts[number % len(accounts)],
        "platform_comment_id": f"1780{number:012d}",
        "media_id": f"1790{media:012d}",
        "parent_platform_id": None,
        "author_id": f"{number % 5000:017d}",
        "author_username": f"follower_{number % 5000}",
        "text": f"Comment {number}: love this, where can I buy it? 😍",
        "commented_at": at,
        "from_account": number % 10 == 9,
        "hidden": number % 25 == 0,
        "answered": number % 3 == 0,
        "deleted": False,
        "media_caption": f"Media {media}: a caption cut short at one hundred characters for the inbox",
        "media_permalink": f"https://www.instagram.com/p/M{media:010d}/",
        "media_product_type": "FEED",
        "media_thumbnail_url": f"https://scontent.cdninstagram.com/v/t51/{media}.jpg",
        "created_at": at,
        "updated_at": at,
    }


def seed(database_url: str, *, posts: int, comments: int) -> None:
    """One user with a bearer API token, three accounts, `posts` posts and `comments` comments."""
    now = datetime.now(UTC)
    engine = create_engine(database_url.replace("+aiosqlite", ""))
    with engine.begin() as db:
        db.execute(insert(User.__table__), [{"id": 1, "email": "bench@example.com", "password_hash": "x"}])
        db.execute(
            insert(ApiToken.__table__),
            [{"user_id": 1, "name": "bench", "prefix": TOKEN[:12], "token_hash": hash_token(TOKEN)}],
        )
        accounts = list(range(1, ACCOUNTS + 1))
        db.execute(
            insert(Account.__table__),
            [
                {
                    "id": n,
                    "user_id": 1,
                    "platform": "instagram",
                    "platform_account_id": f"1784{n:012d}",
                    "account_username": f"brand_{n}",
                }  # fmt: skip
                for n in accounts
            ],
        )
        db.execute(
            insert(Clip.__table__),
            [
                {
                    "id": 1,
                    "user_id": 1,
                    "filename": "a.jpg",
                    "storage_key": "clips/1/a.jpg",
                    "content_type": "image/jpeg",
                    "kind": ClipKind.IMAGE,
                }
            ],  # fmt: skip
        )
        for start in range(0, posts, 10_000):
            rows = [_post_row(n, posts, now, accounts, 1) for n in range(start, min(posts, start + 10_000))]
            db.execute(insert(SocialPost.__table__), rows)
        carousels = range(1, posts + 1, CAROUSEL_EVERY)  # ids follow insertion order, from 1
        db.execute(
            insert(SocialPostMedia.__table__),
            [
                {"post_id": post, "clip_id": 1, "position": p, "container_id": f"1791{post:09d}{p}"}
                for post in carousels
                for p in range(3)
            ],  # fmt: skip
        )
        db.execute(
            insert(InboxComment.__table__),
            [_comment_row(n, comments, now, accounts) for n in range(comments)],
        )
    engine.dispose()
