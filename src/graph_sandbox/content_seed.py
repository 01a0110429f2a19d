"""Seeded content of one IG account: media (images, a reel, a carousel), comments, DMs, insights."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from graph_sandbox import assets
from graph_sandbox.cdn import CdnStore
from graph_sandbox.world import (
    Comment,
    Conversation,
    InsightSeries,
    InstagramUser,
    Media,
    Message,
    Person,
    World,
)

_PEOPLE = ("maya.makes", "leo_travels", "the.real.sam", "ines.draws", "kofi.cooks", "yuki.runs")
_COMMENTS = (
    "Love this! 😍",
    "Where was this taken?",
    "So good 🔥",
    "Can you share the settings?",
    "This made my day",
    "Beautiful colours",
)
_REPLIES = ("Thank you! 🙏", "Glad you like it!", "More coming soon")
ACCOUNT_METRICS = (
    "reach",
    "views",
    "follower_count",
    "accounts_engaged",
    "total_interactions",
    "likes",
    "comments",
    "shares",
    "saves",
    "replies",
    "profile_links_taps",
    "follows_and_unfollows",
)
MEDIA_METRICS = ("views", "reach", "likes", "comments", "saved", "shares", "total_interactions")


def seed_account_content(
    world: World,
    cdn: CdnStore,
    ig: InstagramUser,
    *,
    rng: random.Random,
    now: datetime,
    color: tuple[int, int, int],
) -> None:
    """Add media with comments, two conversations and insight series for one account."""
    people = [_person(world, name) for name in _PEOPLE]  # IGSIDs are per account, usernames are not
    for index, (days, caption) in enumerate(
        ((20, "Morning light ☀️ #sandbox"), (9, "Behind the scenes"), (1, "New week, new work ✨"))
    ):
        image = assets.jpeg(640, 640, _shade(color, index), caption[:3])
        media = _media(world, cdn, ig, now - timedelta(days=days, hours=index), "IMAGE", "FEED", caption)
        media.media_url = cdn.put(image, "image/jpeg")
    reel = _media(world, cdn, ig, now - timedelta(days=5), "VIDEO", "REELS", "A quick reel 🎬 #reels")
    reel.media_url = cdn.put(assets.mp4(), "video/mp4")
    reel.thumbnail_url = cdn.put(assets.jpeg(360, 640, color, "reel"), "image/jpeg")
    reel.is_shared_to_feed = True
    _carousel(world, cdn, ig, now - timedelta(days=2), color)
    for media in world.media_of(ig.id):
        media.like_count = rng.randint(3, max(4, ig.followers_count // 20))
        _comments(world, ig, media, people, rng)
        _media_insights(world, media, rng)
    _conversation(world, ig, people[0], now, last_user_message_age=timedelta(hours=2))
    _conversation(world, ig, people[1], now, last_user_message_age=timedelta(days=3))
    _account_insights(world, ig, rng, now)


def _person(world: World, username: str) -> Person:
    person = Person(id=world.ids.igsid(), username=username, name=username.replace(".", " ").title())
    world.people[person.id] = person
    return person


def _shade(color: tuple[int, int, int], step: int) -> tuple[int, int, int]:
    red, green, blue = color
    return ((red + 40 * step) % 256, (green + 25 * step) % 256, (blue + 10 * step) % 256)


def _media(
    world: World,
    cdn: CdnStore,
    ig: InstagramUser,
    when: datetime,
    media_type: str,
    product: str,
    caption: str | None,
) -> Media:
    shortcode = world.ids.shortcode()
    route = "reel" if product == "REELS" else "p"
    media = Media(
        id=world.ids.media(),
        ig_user_id=ig.id,
        media_type=media_type,
        media_product_type=product,
        timestamp=when,
        shortcode=shortcode,
        permalink=f"{cdn.base_url}/{route}/{shortcode}/",
        caption=caption,
    )
    world.media[media.id] = media
    return media


def _carousel(
    world: World, cdn: CdnStore, ig: InstagramUser, when: datetime, color: tuple[int, int, int]
) -> None:
    album = _media(world, cdn, ig, when, "CAROUSEL_ALBUM", "FEED", "Three frames from Sunday")
    for index in range(3):
        child = _media(world, cdn, ig, when, "IMAGE", "FEED", None)
        child.parent_id = album.id
        # Children keep the `/p/{own shortcode}/` permalink `_media` gave them, as published children
        # do (publishing/materialize.py): see the note on carousel children there.
        child.media_url = cdn.put(
            assets.jpeg(640, 800, _shade(color, index + 3), str(index + 1)), "image/jpeg"
        )
        album.children.append(child.id)
    album.media_url = world.media[album.children[0]].media_url


def _comments(
    world: World, ig: InstagramUser, media: Media, people: list[Person], rng: random.Random
) -> None:
    for index in range(rng.randint(1, 3)):
        author = people[(index + len(media.id)) % len(people)]
        when = media.timestamp + timedelta(hours=index + 1)
        top = _comment(world, media, author.id, author.username, rng.choice(_COMMENTS), when, None)
        if index == 0:
            _comment(
                world, media, ig.id, ig.username, rng.choice(_REPLIES), when + timedelta(minutes=30), top.id
            )
        if index == 1:
            other = people[(index + 2) % len(people)]
            _comment(
                world, media, other.id, other.username, "Same question!", when + timedelta(minutes=5), top.id
            )


def _comment(
    world: World, media: Media, from_id: str, username: str, text: str, when: datetime, parent_id: str | None
) -> Comment:
    comment = Comment(
        id=world.ids.media(),
        media_id=media.id,
        text=text,
        timestamp=when,
        from_id=from_id,
        username=username,
        parent_id=parent_id,
        like_count=len(text) % 4,
    )
    world.comments[comment.id] = comment
    return comment


def _conversation(
    world: World, ig: InstagramUser, person: Person, now: datetime, *, last_user_message_age: timedelta
) -> None:
    conversation = Conversation(
        id=world.ids.conversation(),
        page_id=ig.page_id,
        ig_user_id=ig.id,
        participant_id=person.id,
        updated_time=now - last_user_message_age,
        unread_count=1,
    )
    world.conversations[conversation.id] = conversation
    last = now - last_user_message_age
    script = (
        (last - timedelta(hours=5), False, "Hi! Do you ship abroad?"),
        (last - timedelta(hours=4), True, "Hi! Yes, worldwide 🌍"),
        (last, False, "Great, thanks! How long does it take?"),
    )
    for when, is_echo, text in script:
        sender, recipient = ((ig.id, ig.username), (person.id, person.username))[:: 1 if is_echo else -1]
        message = Message(
            id=world.ids.message(),
            conversation_id=conversation.id,
            from_id=sender[0],
            from_username=sender[1],
            to_id=recipient[0],
            to_username=recipient[1],
            created_time=when,
            text=text,
            is_echo=is_echo,
        )
        world.messages[message.id] = message
        conversation.message_ids.append(message.id)


def _account_insights(world: World, ig: InstagramUser, rng: random.Random, now: datetime) -> None:
    scale = max(1, ig.followers_count // 10)
    series = world.insights.setdefault(ig.id, {})
    for metric in ACCOUNT_METRICS:
        entry = InsightSeries(node_id=ig.id, metric=metric)
        for day in range(1, 91):
            date = (now - timedelta(days=day)).date().isoformat()
            base = ig.followers_count if metric == "follower_count" else scale
            entry.daily[date] = max(
                0, int(base * rng.uniform(0.2, 1.0)) if metric != "follower_count" else base - day
            )
        series[metric] = entry


def _media_insights(world: World, media: Media, rng: random.Random) -> None:
    series = world.insights.setdefault(media.id, {})
    for metric in MEDIA_METRICS:
        series[metric] = InsightSeries(node_id=media.id, metric=metric, lifetime=rng.randint(5, 500))
