"""The one catch-all Graph route, `/graph/{path}`, and `execute()`, which batch requests reuse.

`execute(sandbox, method, path, params, headers)` runs one Graph call end to end: version prefix
(`v24.0/…` or none), faults, token (query/body `access_token`, `Authorization: Bearer|OAuth`),
appsecret_proof, `me`, node lookup and visibility, handler dispatch by (kind, edge, method) from
`graph_sandbox.registry` (GET on nodes and declared edges falls back to `graph_sandbox.nodes`),
permissions, strict parameters, rate limits. It returns a `GraphOutcome`; a DroppedConnection
escapes it on purpose.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from graph_sandbox.access import can_see, check_permissions, owning_ig_user_id
from graph_sandbox.auth import check_appsecret_proof, extract_token, resolve_token, token_problem
from graph_sandbox.errors import (
    DroppedConnection,
    GraphError,
    missing_token,
    unknown_parameter,
    unknown_path,
    unsupported_request,
)
from graph_sandbox.fields import parse_fields
from graph_sandbox.nodes import node_type
from graph_sandbox.permissions import LoginFlavour
from graph_sandbox.registry import GraphCall, HandlerSpec, find_handler, has_any_handler, root_paths
from graph_sandbox.request_params import merged_params
from graph_sandbox.state import Sandbox
from graph_sandbox.world import TokenKind

__all__ = [
    "GLOBAL_PARAMS",
    "GraphOutcome",
    "execute",
    "instagram_host_router",
    "reject_unknown",
    "router",
    "split_version",
]

router = APIRouter()
# graph.instagram.com, mounted after the Instagram Login token routes (`/graph-instagram/access_token`).
instagram_host_router = APIRouter()

_VERSION = re.compile(r"^v\d+\.\d+$")
GLOBAL_PARAMS = frozenset(
    {
        "access_token",
        "appsecret_proof",
        "appsecret_time",
        "fields",
        "limit",
        "after",
        "before",
        "pretty",
        "suppress_http_code",
        "format",
        "method",
        "locale",
        "debug",
        "callback",
        "transport",
        "_",
        "sdk",
        "include_headers",
        "summary",
        "date_format",
    }
)


@dataclass
class GraphOutcome:
    status: int
    body: Any
    version: str
    headers: dict[str, str] = field(default_factory=dict)


def split_version(path: str, default: str) -> tuple[str, str]:
    """(`v24.0`, `rest/of/path`) from a Graph path with or without a version prefix."""
    clean = path.strip("/")
    head, _, rest = clean.partition("/")
    return (head, rest) if _VERSION.match(head) else (default, clean)


async def execute(
    sandbox: Sandbox,
    method: str,
    path: str,
    params: dict[str, str],
    headers: Mapping[str, str],
    *,
    host: LoginFlavour = LoginFlavour.FACEBOOK,
) -> GraphOutcome:
    """Run one Graph call on one host (graph.facebook.com by default) and return its answer."""
    version, rest = split_version(path, sandbox.config.default_version)
    params = dict(params)
    override = params.pop("method", "").upper()
    # Clients that cannot send DELETE (JS SDK, batch bodies) tunnel the verb through `method=`.
    if override in ("GET", "POST", "DELETE") and method.upper() != "DELETE":
        method = override
    call = GraphCall(sandbox, method.upper(), version, rest, params, headers, host=host)
    try:
        await _apply_faults(sandbox, call, after=False)
        body = await _dispatch(call)
        outcome = GraphOutcome(200, body, version)
    except GraphError as error:
        outcome = GraphOutcome(error.http_status, error.body(), version, dict(error.headers))
    await _apply_faults(sandbox, call, after=True)
    sandbox.ratelimit.record(call.app_id, call.ig_user_id)
    outcome.headers.update(sandbox.ratelimit.headers(call.app_id, call.ig_user_id))
    outcome.headers["facebook-api-version"] = version
    return outcome


async def _apply_faults(sandbox: Sandbox, call: GraphCall, *, after: bool) -> None:
    for rule in sandbox.faults.take(call.method, call.path, call.params, after=after):
        if rule.action == "latency":
            await asyncio.sleep(rule.latency_seconds)
        elif rule.action == "error":
            raise rule.error()
        else:
            raise DroppedConnection()


async def _dispatch(call: GraphCall) -> Any:
    if call.path in root_paths():
        spec = find_handler("root", call.path, call.method)
        if spec is None or call.host not in spec.hosts:
            raise unsupported_request(call.path or "/", call.method)
        _authenticate(call, spec)
        return await _run(call, spec)
    _authenticate(call, None)
    node_ref, _, remainder = call.path.partition("/")
    _resolve_node(call, node_ref)
    parts = [part for part in remainder.split("/") if part]
    call.edge = parts[0] if parts else None
    call.subpath = tuple(parts[1:])
    spec = _handler_for(call)
    return await _run(call, spec)


def _authenticate(call: GraphCall, spec: HandlerSpec | None) -> None:
    value = extract_token(call.params, call.headers)
    if spec is not None and spec.auth == "none":
        if value is not None:
            call.token = _try_resolve(call, value)
        return
    if value is None:
        raise missing_token()
    token = resolve_token(call.sandbox, value, host=call.host)
    check_appsecret_proof(call.sandbox, call.params, token)
    problem = token_problem(call.sandbox, token)
    if problem is not None:
        raise problem
    call.token = token


def _try_resolve(call: GraphCall, value: str) -> Any:
    try:
        return resolve_token(call.sandbox, value, host=call.host)
    except GraphError:
        return None


def _resolve_node(call: GraphCall, node_ref: str) -> None:
    token = call.token
    assert token is not None
    if node_ref == "me":
        if token.kind is TokenKind.APP:
            message = "An active access token must be used to query information about the current user."
            raise GraphError(2500, message)
        if token.flavour is LoginFlavour.INSTAGRAM:
            node_ref = token.ig_user_id or ""  # graph.instagram.com: `me` is the professional account
        elif token.kind is TokenKind.PAGE and token.page_id:
            node_ref = token.page_id
        else:
            node_ref = token.fb_user_id or ""
    found = call.world.lookup(node_ref)
    if found is None or not can_see(call.world, token, found[0], found[1]):
        raise unsupported_request(node_ref, call.method)
    call.node_kind, call.node = found
    call.node_id = node_ref
    call.ig_user_id = owning_ig_user_id(call.world, call.node_kind, call.node)


def _handler_for(call: GraphCall) -> HandlerSpec:
    kind = call.node_kind or ""
    spec = find_handler(kind, call.edge, call.method)
    if spec is not None and call.host not in spec.hosts:
        raise unsupported_request(call.node_id or "", call.method)
    if spec is not None:
        return spec
    described = node_type(kind)
    if call.method == "GET" and described is not None:
        if call.edge is None:
            return HandlerSpec(kind, None, "GET", _read_node, described.read_permissions)
        if call.edge in described.edges and not call.subpath:
            return HandlerSpec(kind, call.edge, "GET", _read_edge, described.edges[call.edge].permissions)
    known_edge = call.edge is None or has_any_handler(kind, call.edge)
    known_edge = known_edge or (described is not None and call.edge in described.edges)
    if not known_edge:
        raise unknown_path(call.edge or "")
    raise unsupported_request(call.node_id or "", call.method)


async def _read_node(call: GraphCall) -> Any:
    return call.render(call.node_kind or "", call.node)


async def _read_edge(call: GraphCall) -> Any:
    described = node_type(call.node_kind or "")
    if described is None or call.edge is None:
        raise unknown_path(call.edge or "")
    edge = described.edges[call.edge]
    items = edge.items(call.node, call, None)
    return call.page(
        edge.item_kind,
        items,
        default_limit=edge.default_limit,
        max_limit=edge.max_limit,
        paging=edge.paging,
        cursor_key=edge.cursor_key,
    )


async def _run(call: GraphCall, spec: HandlerSpec) -> Any:
    if spec.token_kinds is not None and call.token is not None and call.token.kind not in spec.token_kinds:
        raise GraphError(190, "(#190) This method must be called with a Page Access Token")
    check_permissions(call, spec.permissions)
    if spec.params is not None:
        reject_unknown(call, spec.params)
    if "fields" in call.params:
        call.fields = parse_fields(call.params["fields"])
    call.sandbox.ratelimit.check(call.app_id, call.ig_user_id)
    return await spec.func(call)


@router.api_route("/graph", methods=["GET", "POST", "DELETE"], include_in_schema=False)
@router.api_route("/graph/{path:path}", methods=["GET", "POST", "DELETE"], include_in_schema=False)
async def graph_entry(request: Request, path: str = "") -> Response:
    """Every Graph API call, versioned or not."""
    sandbox: Sandbox = request.app.state.sandbox
    params = await merged_params(request)
    outcome = await execute(sandbox, request.method, path, params, request.headers)
    status = 200 if params.get("suppress_http_code") in ("1", "true") else outcome.status
    return JSONResponse(outcome.body, status_code=status, headers=outcome.headers)


@instagram_host_router.api_route(
    "/graph-instagram/{path:path}", methods=["GET", "POST", "DELETE"], include_in_schema=False
)
async def instagram_graph_entry(request: Request, path: str = "") -> Response:
    """The `graph.instagram.com` stand-in: the same nodes and edges with Instagram User tokens only
    ("Instagram API with Instagram Login": IG User tokens, no Page; Host URL / Access Tokens rows of
    https://developers.facebook.com/docs/instagram-platform/insights)."""
    sandbox: Sandbox = request.app.state.sandbox
    params = await merged_params(request)
    outcome = await execute(
        sandbox, request.method, path, params, request.headers, host=LoginFlavour.INSTAGRAM
    )
    status = 200 if params.get("suppress_http_code") in ("1", "true") else outcome.status
    return JSONResponse(outcome.body, status_code=status, headers=outcome.headers)


def reject_unknown(call: GraphCall, allowed: tuple[str, ...]) -> None:
    """For handlers that validate parameters themselves: 100 on anything not allowed."""
    for name in call.params:
        if name not in allowed and name not in GLOBAL_PARAMS:
            raise unknown_parameter(name)
