"""Where other modules plug into the sandbox: Graph handlers, the GraphCall they receive, extra routers.

Graph handlers::

    from graph_sandbox.registry import GraphCall, graph_handler

    @graph_handler("ig_user", "media", "POST",
                   permissions=("instagram_basic", "instagram_content_publish"),
                   params=("image_url", "caption", ...))      # None (default) = accept any parameter
    async def create_container(call: GraphCall) -> dict[str, Any]:
        return {"id": ...}   # the JSON body; raise GraphError for errors

`kind` is a node kind (`fb_user`, `page`, `ig_user`, `container`, `media`, `comment`, `conversation`,
`message`) or `"root"` for node-less paths, whose `edge` is the whole path (`"oauth/access_token"`,
`"debug_token"`, `""` for the Graph root). `edge` is None for the node itself (`POST /{comment-id}`).
Path segments after the edge arrive in `call.subpath` (`DELETE /me/permissions/{name}`).
`hosts` names the hosts that serve the route (default both): on any other, routing answers Meta's
"Unsupported get/post/delete request" (100/33) before the token is looked at, as for a path the host
does not have (`hosts=FACEBOOK_HOST` for graph.facebook.com only, `INSTAGRAM_HOST` for
graph.instagram.com only).
Before a handler runs, routing has resolved and validated the token (auth="token"), checked
appsecret_proof, the permissions (with `graph_sandbox.permissions.EQUIVALENTS`), that the token may
see the node, strict params, faults and rate limits. `GET` on a node or on an edge declared in its
`NodeType` (see `graph_sandbox.nodes`) needs no handler at all.

Extra HTTP routes: add them to `admin_router` (mounted at `/_admin`) or `public_router` (mounted at
the root, e.g. `/rupload/...`, `/p/{shortcode}/`). Handlers reach the running state with
`request.app.state.sandbox` (a `graph_sandbox.state.Sandbox`). Modules listed in
`graph_sandbox.handlers` are imported before the app includes these routers.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from fastapi import APIRouter

from graph_sandbox.errors import invalid_parameter, missing_parameter
from graph_sandbox.fields import FieldSel
from graph_sandbox.permissions import LoginFlavour

if TYPE_CHECKING:
    from graph_sandbox.clock import Clock
    from graph_sandbox.config import SandboxConfig
    from graph_sandbox.paging import PagingStyle
    from graph_sandbox.state import Sandbox
    from graph_sandbox.world import AccessToken, TokenKind, World

Auth = Literal["token", "none"]
Handler = Callable[["GraphCall"], Awaitable[Any]]
Hosts = tuple[LoginFlavour, ...]

BOTH_HOSTS: Hosts = (LoginFlavour.FACEBOOK, LoginFlavour.INSTAGRAM)
FACEBOOK_HOST: Hosts = (LoginFlavour.FACEBOOK,)  # graph.facebook.com only
INSTAGRAM_HOST: Hosts = (LoginFlavour.INSTAGRAM,)  # graph.instagram.com only

admin_router = APIRouter()
public_router = APIRouter()


@dataclass
class GraphCall:
    """One Graph API call as a handler sees it."""

    sandbox: Sandbox
    method: str
    version: str
    path: str
    params: dict[str, str] = field(repr=False)  # holds access_token: keep it out of reprs
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    token: AccessToken | None = None
    node_kind: str | None = None
    node_id: str | None = None
    node: Any = None
    edge: str | None = None
    subpath: tuple[str, ...] = ()
    fields: tuple[FieldSel, ...] | None = None
    ig_user_id: str | None = None  # the IG account this call is about (X-Business-Use-Case-Usage)
    host: LoginFlavour = LoginFlavour.FACEBOOK  # graph.facebook.com or graph.instagram.com

    @property
    def world(self) -> World:
        """The current world (replaced on reset: never cache it)."""
        return self.sandbox.world

    @property
    def clock(self) -> Clock:
        """The sandbox clock."""
        return self.sandbox.clock

    @property
    def config(self) -> SandboxConfig:
        """The live configuration."""
        return self.sandbox.config

    @property
    def app_id(self) -> str:
        """The app the token belongs to (the configured app for token-less calls)."""
        return self.token.app_id if self.token else self.sandbox.config.app_id

    def param(self, name: str, default: str | None = None) -> str | None:
        """A merged query/form/JSON parameter."""
        return self.params.get(name, default)

    def require(self, name: str) -> str:
        """A parameter that must be present and non-empty."""
        value = self.params.get(name)
        if value is None or value == "":
            raise missing_parameter(name)
        return value

    def bool_param(self, name: str, default: bool | None = None) -> bool | None:
        """`true`/`false` (also 1/0) as a bool; GraphError(100) otherwise."""
        value = self.params.get(name)
        if value is None:
            return default
        lowered = value.strip().lower()
        if lowered in ("true", "1"):
            return True
        if lowered in ("false", "0"):
            return False
        raise invalid_parameter(f"(#100) Param {name} must be a boolean")

    def int_param(self, name: str, default: int | None = None) -> int | None:
        """An integer parameter; GraphError(100) when it is not one."""
        value = self.params.get(name)
        if value is None or value == "":
            return default
        try:
            return int(value)
        except ValueError:
            raise invalid_parameter(f"(#100) Param {name} must be an integer") from None

    def json_param(self, name: str) -> Any:
        """A parameter sent as JSON text (arrays, objects); None when absent."""
        value = self.params.get(name)
        if value is None:
            return None
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            raise invalid_parameter(f"(#100) Param {name} must be a JSON object or array") from None

    def list_param(self, name: str) -> list[str] | None:
        """A JSON array or a comma-separated list (e.g. `children`)."""
        value = self.params.get(name)
        if value is None:
            return None
        if value.strip().startswith("["):
            parsed = self.json_param(name)
            if not isinstance(parsed, list):
                raise invalid_parameter(f"(#100) Param {name} must be an array")
            return [str(item) for item in parsed]
        return [item.strip() for item in value.split(",") if item.strip()]

    def graph_url(self, *parts: str) -> str:
        """Absolute versioned Graph URL: `graph_url(node_id, edge)`."""
        return "/".join((self.sandbox.config.graph_url, self.version, *parts))

    def render(self, kind: str, obj: Any, selections: tuple[FieldSel, ...] | None = None) -> dict[str, Any]:
        """Render a node with the given selections (default: this call's `fields`)."""
        from graph_sandbox.nodes import render_node  # nodes imports this module

        return render_node(self, kind, obj, selections if selections is not None else self.fields)

    def page(
        self,
        kind: str,
        items: Sequence[Any],
        *,
        default_limit: int = 25,
        max_limit: int | None = None,
        paging: PagingStyle = "full",
        cursor_key: Callable[[Any], str] | None = None,
    ) -> dict[str, Any]:
        """`{"data": [...], "paging": {...}}` for this call's edge, items rendered with its `fields`."""
        from graph_sandbox.nodes import render_page  # nodes imports this module

        return render_page(
            self,
            kind,
            items,
            default_limit=default_limit,
            max_limit=max_limit,
            paging=paging,
            cursor_key=cursor_key,
        )


@dataclass(frozen=True)
class HandlerSpec:
    kind: str
    edge: str | None
    method: str
    func: Handler
    permissions: tuple[str, ...] = ()
    params: tuple[str, ...] | None = None
    auth: Auth = "token"
    token_kinds: tuple[TokenKind, ...] | None = None
    hosts: Hosts = BOTH_HOSTS


_HANDLERS: dict[tuple[str, str | None, str], HandlerSpec] = {}


def graph_handler(
    kind: str,
    edge: str | None,
    method: str = "GET",
    *,
    permissions: tuple[str, ...] = (),
    params: tuple[str, ...] | None = None,
    auth: Auth = "token",
    token_kinds: tuple[TokenKind, ...] | None = None,
    hosts: Hosts = BOTH_HOSTS,
) -> Callable[[Handler], Handler]:
    """Register an async handler for (node kind, edge, method); see the module docstring."""

    def register(func: Handler) -> Handler:
        _HANDLERS[(kind, edge, method.upper())] = HandlerSpec(
            kind, edge, method.upper(), func, permissions, params, auth, token_kinds, hosts
        )
        return func

    return register


def find_handler(kind: str, edge: str | None, method: str) -> HandlerSpec | None:
    """The handler registered for exactly this (kind, edge, method)."""
    return _HANDLERS.get((kind, edge, method.upper()))


def has_any_handler(kind: str, edge: str | None) -> bool:
    """True when some method is registered for (kind, edge)."""
    return any(key[0] == kind and key[1] == edge for key in _HANDLERS)


def root_paths() -> set[str]:
    """Paths registered under the `root` kind."""
    return {key[1] for key in _HANDLERS if key[0] == "root" and key[1] is not None}
