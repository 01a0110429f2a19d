"""Who may see what: token visibility of nodes, permission checks by exact name (see `permissions`)."""

from __future__ import annotations

from typing import Any

from graph_sandbox.errors import missing_permission
from graph_sandbox.nodes import node_type
from graph_sandbox.permissions import LoginFlavour, first_missing, required_on
from graph_sandbox.registry import GraphCall
from graph_sandbox.world import AccessToken, TokenKind, World


def check_permissions(call: GraphCall, required: tuple[str, ...]) -> None:
    """(#200) Requires <perm> permission, for the first required scope the token lacks."""
    if not required or call.token is None or call.token.kind is TokenKind.APP:
        return
    missing = first_missing(call.token.scopes, required_on(call.token.flavour, required))
    if missing is not None:
        raise missing_permission(missing)


def owning_page_id(world: World, kind: str, obj: Any) -> str | None:
    """The Page a node belongs to (None for nodes that belong to no Page)."""
    spec = node_type(kind)
    if kind == "page":
        return str(obj.id)
    if spec is not None and spec.page_of is not None:
        return spec.page_of(world, obj)
    ig_user_id = owning_ig_user_id(world, kind, obj)
    if ig_user_id is not None:
        page = world.page_of_ig_user(ig_user_id)
        return page.id if page else None
    return None


def owning_ig_user_id(world: World, kind: str, obj: Any) -> str | None:
    """The IG account a node belongs to, if any."""
    if kind == "ig_user":
        return str(obj.id)
    spec = node_type(kind)
    if spec is not None and spec.ig_user_of is not None:
        return spec.ig_user_of(world, obj)
    return None


def can_see(world: World, token: AccessToken, kind: str, obj: Any) -> bool:
    """Whether the token may touch the node at all (otherwise Meta answers 100/33)."""
    if kind == "app":
        return token.app_id == str(obj.id)
    if token.kind is TokenKind.APP:
        return False
    if token.flavour is LoginFlavour.INSTAGRAM:
        # An Instagram User token reaches its own professional account and what belongs to it; no
        # Facebook user, Page or Business exists on graph.instagram.com.
        if kind in ("fb_user", "page", "business"):
            return False
        return owning_ig_user_id(world, kind, obj) == token.ig_user_id
    if kind == "fb_user":
        return token.is_user and token.fb_user_id == str(obj.id)
    if kind == "business":
        member = world.fb_users.get(token.fb_user_id or "")
        return token.is_user and member is not None and str(obj.id) in member.business_ids
    page_id = owning_page_id(world, kind, obj)
    if page_id is None:
        return True
    if token.kind is TokenKind.PAGE:
        return token.page_id == page_id
    user = world.fb_users.get(token.fb_user_id or "")
    return user is not None and page_id in world.reachable_page_ids(user)
