"""@mentions of an account on other people's media (§10.3): stored here, read through the IG user fields
`mentioned_comment.comment_id(<id>){…}` and `mentioned_media.media_id(<id>){…}`.

The mentioning media and comments belong to people outside the app, so they live in `World.extra`
(not in `World.media`/`World.comments`, which hold only the accounts' own content).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graph_sandbox import core_nodes  # noqa: F401 - registers `ig_user` before it is extended
from graph_sandbox.clock import graph_time
from graph_sandbox.errors import GraphError, missing_parameter
from graph_sandbox.fields import FieldSel
from graph_sandbox.nodes import NodeRef, NodeType, attr, extend_node_type, register_node_type
from graph_sandbox.registry import GraphCall
from graph_sandbox.world import Comment, InstagramUser, Person, World

_KEY = "mentions"


@dataclass
class MentionMedia:
    """A media of someone else that mentions an account (in its caption or in one of its comments)."""

    id: str
    mentioned_ig_user_id: str
    owner_username: str
    caption: str
    timestamp: datetime
    media_type: str = "IMAGE"
    media_url: str = ""
    permalink: str = ""
    like_count: int = 0
    comment_ids: list[str] = field(default_factory=list)


@dataclass
class Mentions:
    """Mentioning media and comments by id."""

    media: dict[str, MentionMedia] = field(default_factory=dict)
    comments: dict[str, Comment] = field(default_factory=dict)


def mentions(world: World) -> Mentions:
    """This world's mentions (created on first use)."""
    state = world.extra.get(_KEY)
    if not isinstance(state, Mentions):
        state = Mentions()
        world.extra[_KEY] = state
    return state


def person(world: World, username: str) -> Person:
    """The outside Instagram user with this username, created on first sight."""
    for known in world.people.values():
        if known.username == username:
            return known
    created = Person(id=world.ids.igsid(), username=username, name=username.replace(".", " ").title())
    world.people[created.id] = created
    return created


def add_mention(
    world: World,
    ig: InstagramUser,
    *,
    author: Person,
    text: str,
    now: datetime,
    in_comment: bool,
    base_url: str,
) -> tuple[MentionMedia, Comment | None]:
    """Record a mention of `ig` by `author`: in a caption, or in a comment on the author's media."""
    state = mentions(world)
    shortcode = world.ids.shortcode()
    caption = f"Photo by @{author.username}" if in_comment else text
    media = MentionMedia(
        id=world.ids.media(),
        mentioned_ig_user_id=ig.id,
        owner_username=author.username,
        caption=caption,
        timestamp=now,
        media_url=f"{base_url}/cdn/mention-{shortcode}.jpg",
        permalink=f"{base_url}/p/{shortcode}/",
    )
    state.media[media.id] = media
    comment = None
    if in_comment:
        comment = Comment(world.ids.media(), media.id, text, now, author.id, author.username)
        state.comments[comment.id] = comment
        media.comment_ids.append(comment.id)
    return media, comment


def _mentioned(kind: str, modifier: str, table: str) -> Any:
    def getter(ig: InstagramUser, call: GraphCall, sel: FieldSel) -> Any:
        wanted = sel.modifier(modifier)
        if not wanted:
            raise missing_parameter(modifier)
        found = getattr(mentions(call.world), table).get(wanted)
        owner = found.mentioned_ig_user_id if isinstance(found, MentionMedia) else None
        if isinstance(found, Comment):
            owner = mentions(call.world).media[found.media_id].mentioned_ig_user_id
        if found is None or owner != ig.id:
            raise GraphError(100, f"(#100) The {modifier} {wanted} does not mention this user")
        return NodeRef(kind, found)

    return getter


def _get(func: Any) -> Any:
    def getter(obj: Any, call: GraphCall, sel: FieldSel) -> Any:
        del call, sel
        return func(obj)

    return getter


def register() -> None:
    """Register the mention media node and the two IG user fields."""
    register_node_type(
        NodeType(
            kind="mention_media",
            type_name="IGMedia",
            fields={
                "caption": attr("caption"),
                "comments_count": _get(lambda m: len(m.comment_ids)),
                "like_count": attr("like_count"),
                "media_type": attr("media_type"),
                "media_url": attr("media_url"),
                "permalink": attr("permalink"),
                "timestamp": _get(lambda m: graph_time(m.timestamp)),
                "username": attr("owner_username"),
            },
        )
    )
    fields = {
        "mentioned_comment": _mentioned("comment", "comment_id", "comments"),
        "mentioned_media": _mentioned("mention_media", "media_id", "media"),
    }
    extend_node_type("ig_user", fields=fields)


register()
