"""Business Discovery: `GET /{ig-user-id}?fields=business_discovery.username(NAME){…}`.

Rules, each from Meta's pages:
- IG User Business Discovery reference,
  https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/business_discovery
  - "Available for the Instagram API with Facebook Login" only: graph.instagram.com has no such field.
  - A Facebook User access token with instagram_basic, instagram_manage_insights and pages_read_engagement;
    when the user's Page role comes through the Business Manager, also ads_management or ads_read.
  - Only Business or Creator accounts are returned; the field expansion reaches the target's *public*
    IG User fields and its `media` edge.
- Business Discovery guide,
  https://developers.facebook.com/docs/instagram-platform/instagram-api-with-facebook-login/business-discovery
  (the query runs on the app user's own IG user id; `media` is a normal paginated edge).
- IG Media reference, https://developers.facebook.com/docs/instagram-platform/reference/instagram-media
  (and GRAPH_API.md §4): `like_count` is omitted when queried indirectly and the owner hides like
  counts. (The 2021-05-26 changelog said 0 then; the current reference says omitted.)

The targets are the sandbox's own connected professional accounts and the outside accounts of
`discovery_seed`. Admin routes under `/_admin/discovery/` move their numbers.
"""

from __future__ import annotations

from typing import Any

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field

from graph_sandbox import core_nodes  # registers `ig_user` before it is extended
from graph_sandbox.access import check_permissions
from graph_sandbox.clock import graph_time
from graph_sandbox.discovery_seed import DiscoveredMedia, OutsideAccount, add_post, discovery
from graph_sandbox.errors import GraphError, missing_parameter, missing_permission, nonexisting_field
from graph_sandbox.fields import FieldSel
from graph_sandbox.nodes import (
    ABSENT,
    EdgeSpec,
    NodeRef,
    NodeType,
    attr,
    extend_node_type,
    register_node_type,
)
from graph_sandbox.permissions import LoginFlavour
from graph_sandbox.registry import GraphCall, admin_router
from graph_sandbox.state import Sandbox
from graph_sandbox.world import InstagramUser, Media, World

# Business Discovery reference (URL in the module docstring): the three permissions, in its order.
REQUIRED = ("instagram_basic", "instagram_manage_insights", "pages_read_engagement")
# Same page: a Page role granted through the Business Manager also needs one of these.
BUSINESS_MANAGER_ANY_OF = ("ads_management", "ads_read")


def not_found(username: str) -> GraphError:
    """The refusal for a username that is not a Business or Creator account (or does not exist).

    Meta's Error Codes page (https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/
    reference/error-codes) does not list this case. Public clients record code 110, subcode 2207013,
    "Invalid user id" with the user title "Cannot find User" for both a personal account and a
    username that does not exist (Meta does not tell them apart); the sandbox answers that.
    """
    return GraphError(
        110,
        "Invalid user id",
        subcode=2207013,
        is_transient=False,
        error_user_title="Cannot find User",
        error_user_msg=f"The user with username: {username} cannot be found.",
    )


def _professional(world: World, username: str) -> OutsideAccount | None:
    wanted = username.lower()
    outside = discovery(world).accounts.get(wanted)
    if outside is not None:
        return outside if outside.account_type != "PERSONAL" else None
    own = next((ig for ig in world.professional_accounts() if ig.username.lower() == wanted), None)
    return _as_outside(world, own) if own is not None else None


def _as_outside(world: World, ig: InstagramUser) -> OutsideAccount:
    """A connected account as another account sees it: public fields and feed media only."""
    account = OutsideAccount(
        id=ig.id,
        ig_id=ig.ig_id,
        username=ig.username,
        name=ig.name,
        account_type=ig.account_type,
        biography=ig.biography,
        website=ig.website,
        profile_picture_url=ig.profile_picture_url,
        followers_count=ig.followers_count,
        follows_count=ig.follows_count,
    )
    account.media = [_public_media(world, m) for m in world.media_of(ig.id)]
    return account


def _public_media(world: World, media: Media) -> DiscoveredMedia:
    return DiscoveredMedia(
        id=media.id,
        owner_id=media.ig_user_id,
        caption=media.caption or "",
        timestamp=media.timestamp,
        permalink=media.permalink,
        media_url=media.media_url or "",
        like_count=media.like_count,
        comments_count=len([c for c in world.comments.values() if c.media_id == media.id and not c.deleted]),
        media_type=media.media_type,
        media_product_type=media.media_product_type,
        hide_like_count=bool(media.extra.get("hide_like_count")),
    )


def _needs_business_manager_grant(call: GraphCall, ig: InstagramUser) -> bool:
    token = call.token
    if token is None or not token.is_user:
        return False
    user = call.world.fb_users.get(token.fb_user_id or "")
    return user is not None and ig.page_id not in user.page_ids


def _business_discovery(ig: InstagramUser, call: GraphCall, sel: FieldSel) -> Any:
    if call.host is LoginFlavour.INSTAGRAM:
        raise nonexisting_field("business_discovery", "IGUser")
    check_permissions(call, REQUIRED)
    granted = call.token.scopes if call.token is not None else []
    if _needs_business_manager_grant(call, ig) and not any(p in granted for p in BUSINESS_MANAGER_ANY_OF):
        raise missing_permission(BUSINESS_MANAGER_ANY_OF[0])
    username = (sel.modifier("username") or "").strip()
    if not username:
        raise missing_parameter("username")
    target = _professional(call.world, username)
    if target is None:
        raise not_found(username)
    return NodeRef("discovered_user", target)


def _like_count(media: DiscoveredMedia, call: GraphCall, sel: FieldSel) -> Any:
    del call, sel
    return ABSENT if media.hide_like_count else media.like_count


def _media_items(account: OutsideAccount, call: GraphCall, sel: FieldSel | None) -> list[DiscoveredMedia]:
    del call, sel
    return account.media


def register() -> None:
    """Register the two public views and the `business_discovery` field on `ig_user`."""
    register_node_type(
        NodeType(
            kind="discovered_media",
            type_name="IGMedia",
            fields={
                "caption": attr("caption"),
                "comments_count": attr("comments_count"),
                "like_count": _like_count,
                "media_type": attr("media_type"),
                "media_product_type": attr("media_product_type"),
                "media_url": attr("media_url"),
                "permalink": attr("permalink"),
                "timestamp": lambda m, _call, _sel: graph_time(m.timestamp),
                "username": lambda m, call, _sel: _owner_username(call.world, m),
            },
        )
    )
    register_node_type(
        NodeType(
            kind="discovered_user",
            type_name="IGUser",
            fields={
                **{name: attr(name) for name in core_nodes.IG_PROFILE_FIELDS},
                "media_count": lambda a, _call, _sel: len(a.media),
            },
            edges={"media": EdgeSpec("discovered_media", _media_items)},
        )
    )
    extend_node_type("ig_user", fields={"business_discovery": _business_discovery})


def _owner_username(world: World, media: DiscoveredMedia) -> str:
    for account in discovery(world).accounts.values():
        if account.id == media.owner_id:
            return account.username
    own = world.ig_users.get(media.owner_id)
    return own.username if own is not None else ""


register()


class OutsidePatch(BaseModel):
    followers_count: int | None = Field(default=None, ge=0, le=10**9)
    follows_count: int | None = Field(default=None, ge=0, le=10**7)
    account_type: str | None = Field(default=None, pattern="^(BUSINESS|CREATOR|PERSONAL)$")


class OutsidePost(BaseModel):
    like_count: int = Field(default=0, ge=0, le=10**9)
    comments_count: int = Field(default=0, ge=0, le=10**9)
    hide_like_count: bool = False
    caption: str | None = Field(default=None, max_length=2200)


def _account(request: Request, username: str) -> tuple[Sandbox, OutsideAccount]:
    sandbox: Sandbox = request.app.state.sandbox
    account = discovery(sandbox.world).accounts.get(username.lower())
    if account is None:
        raise HTTPException(404, f"no outside account @{username}")
    return sandbox, account


def _account_json(account: OutsideAccount) -> dict[str, Any]:
    return {
        "id": account.id,
        "username": account.username,
        "account_type": account.account_type,
        "followers_count": account.followers_count,
        "follows_count": account.follows_count,
        "media_count": len(account.media),
    }


@admin_router.get("/discovery/accounts")
async def list_outside_accounts(request: Request) -> dict[str, Any]:
    """The outside accounts Business Discovery can be asked about (personal ones included)."""
    sandbox: Sandbox = request.app.state.sandbox
    return {"data": [_account_json(a) for a in discovery(sandbox.world).accounts.values()]}


@admin_router.patch("/discovery/accounts/{username}")
async def patch_outside_account(username: str, body: OutsidePatch, request: Request) -> dict[str, Any]:
    """Change an outside account's followers, follows or type (PERSONAL makes it undiscoverable)."""
    _, account = _account(request, username)
    for name, value in body.model_dump(exclude_none=True).items():
        setattr(account, name, value)
    return _account_json(account)


@admin_router.post("/discovery/accounts/{username}/media")
async def add_outside_post(username: str, body: OutsidePost, request: Request) -> dict[str, Any]:
    """Publish a post on an outside account now, with the given public counts."""
    sandbox, account = _account(request, username)
    media_url = account.media[0].media_url if account.media else account.profile_picture_url
    media = add_post(
        sandbox.world,
        account,
        cdn_base=sandbox.cdn.base_url,
        media_url=media_url,
        when=sandbox.clock.now(),
        like_count=body.like_count,
        comments_count=body.comments_count,
        hide_like_count=body.hide_like_count,
        caption=body.caption,
    )
    return {"id": media.id, **_account_json(account)}
