"""The Graph root: multi-id reads `GET /?ids=a,b` (§1.5) and batch requests `POST /` with `batch=` (§11)."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import parse_qsl

from graph_sandbox.access import can_see, check_permissions
from graph_sandbox.errors import DroppedConnection, GraphError, invalid_parameter, missing_parameter
from graph_sandbox.nodes import node_type
from graph_sandbox.registry import FACEBOOK_HOST, GraphCall, graph_handler
from graph_sandbox.routing import GraphOutcome, execute
from graph_sandbox.world import TokenKind

MAX_BATCH = 50
_REFERENCE = re.compile(r"\{result=([A-Za-z0-9_\-]+):(\$[^}]*)\}")


@graph_handler("root", "", "GET")
async def read_many(call: GraphCall) -> dict[str, Any]:
    """`{"<id>": {...}, ...}` for every id in `ids` (all must exist and be visible)."""
    ids = [part.strip() for part in call.require("ids").split(",") if part.strip()]
    token = call.token
    assert token is not None
    result: dict[str, Any] = {}
    missing: list[str] = []
    for node_id in ids:
        actual = node_id
        if node_id == "me" and token.kind is not TokenKind.APP:
            actual = (
                token.page_id if token.kind is TokenKind.PAGE and token.page_id else token.fb_user_id or ""
            )
        found = call.world.lookup(actual)
        if found is None or not can_see(call.world, token, found[0], found[1]):
            missing.append(node_id)
            continue
        kind, obj = found
        described = node_type(kind)
        check_permissions(call, described.read_permissions if described else ())
        result[node_id] = call.render(kind, obj)
    if missing:
        raise GraphError(803, f"(#803) Some of the aliases you requested do not exist: {','.join(missing)}")
    return result


def _json_path(document: Any, path: str) -> list[Any]:
    """A tiny JSONPath: `$.a.b`, `$.data.0.id`, `$.data.*.id`."""
    values = [document]
    for part in [p for p in path.lstrip("$").split(".") if p]:
        next_values: list[Any] = []
        for value in values:
            if part == "*" and isinstance(value, list):
                next_values.extend(value)
            elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
                next_values.append(value[int(part)])
            elif isinstance(value, dict) and part in value:
                next_values.append(value[part])
        values = next_values
    return values


def _substitute(text: str, results: dict[str, Any]) -> str:
    def replace(match: re.Match[str]) -> str:
        name, path = match.group(1), match.group(2)
        if name not in results:
            raise invalid_parameter(f"(#100) Batch reference to unknown request name {name}")
        return ",".join(str(value) for value in _json_path(results[name], path))

    return _REFERENCE.sub(replace, text)


def _parse_batch(call: GraphCall) -> list[dict[str, Any]]:
    raw = call.param("batch")
    if raw is None:
        raise missing_parameter("batch")
    try:
        items = json.loads(raw)
    except json.JSONDecodeError:
        raise invalid_parameter("(#100) The parameter batch must be a JSON array") from None
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise invalid_parameter("(#100) The parameter batch must be a JSON array of objects")
    if len(items) > MAX_BATCH:
        raise invalid_parameter(
            f"(#100) Too many requests in batch message. Maximum batch size is {MAX_BATCH}"
        )
    return items


def _item_params(
    call: GraphCall, item: dict[str, Any], results: dict[str, Any]
) -> tuple[str, dict[str, str]]:
    relative = item.get("relative_url")
    if not isinstance(relative, str):
        raise invalid_parameter("(#100) Each batch request needs a relative_url")
    relative = _substitute(relative, results)
    path, _, query = relative.lstrip("/").partition("?")
    params = dict(parse_qsl(query, keep_blank_values=True))
    body = item.get("body")
    if isinstance(body, str):
        params.update(parse_qsl(_substitute(body, results), keep_blank_values=True))
    elif isinstance(body, dict):
        params.update({str(k): v if isinstance(v, str) else json.dumps(v) for k, v in body.items()})
    for inherited in ("access_token", "appsecret_proof"):
        if inherited not in params and call.param(inherited):
            params[inherited] = call.params[inherited]
    return path, params


def _element(outcome: GraphOutcome, include_headers: bool) -> dict[str, Any]:
    element: dict[str, Any] = {"code": outcome.status}
    if include_headers:
        headers = [{"name": "Content-Type", "value": "text/javascript; charset=UTF-8"}]
        headers += [{"name": name, "value": value} for name, value in outcome.headers.items()]
        element["headers"] = headers
    element["body"] = json.dumps(outcome.body, separators=(",", ":"))
    return element


def _omitted(item: dict[str, Any]) -> bool:
    flag = item.get("omit_response_on_success")
    if isinstance(flag, str):
        flag = flag.lower() == "true"
    return bool(flag) if flag is not None else bool(item.get("name"))


async def _run_item(
    call: GraphCall, item: dict[str, Any], results: dict[str, Any], failed: set[str]
) -> GraphOutcome | None:
    depends = item.get("depends_on")
    if isinstance(depends, str) and (depends in failed or depends not in results):
        return None
    try:
        path, params = _item_params(call, item, results)
    except GraphError as error:
        return GraphOutcome(error.http_status, error.body(), call.version)
    method = str(item.get("method", "GET")).upper()
    headers = {k: v for k, v in call.headers.items() if k.lower() == "authorization"}
    try:
        return await execute(call.sandbox, method, path, params, headers)
    except DroppedConnection:
        return None


# Batch requests are graph.facebook.com's alone (Meta, "Batch Requests",
# https://developers.facebook.com/docs/graph-api/batch-requests).
@graph_handler("root", "", "POST", auth="none", hosts=FACEBOOK_HOST)
async def run_batch(call: GraphCall) -> list[dict[str, Any] | None]:
    """Run up to 50 sub-requests in order; each answer is `{code, headers?, body: "<json>"}` or null."""
    items = _parse_batch(call)
    include_headers = call.param("include_headers", "true") != "false"
    results: dict[str, Any] = {}
    failed: set[str] = set()
    answers: list[dict[str, Any] | None] = []
    for item in items:
        outcome = await _run_item(call, item, results, failed)
        name = item.get("name")
        if isinstance(name, str):
            if outcome is not None and outcome.status == 200:
                results[name] = outcome.body
            else:
                failed.add(name)
        if outcome is None or (outcome.status == 200 and _omitted(item)):
            answers.append(None)
        else:
            answers.append(_element(outcome, include_headers))
    return answers
