"""Node types: which fields a kind of node has, which edges it expands, and how to render a selection.

Register a kind once (other modules add fields/edges to an existing kind with `extend_node_type`)::

    register_node_type(NodeType(
        kind="media", type_name="IGMedia",
        fields={"caption": attr("caption"), "owner": lambda m, call, sel: NodeRef("ig_user", ...)},
        edges={"comments": EdgeSpec("comment", lambda m, call, sel: call.world.comments_of(m.id),
                                    max_limit=50, permissions=("instagram_manage_comments",))},
        ig_user_of=lambda world, m: m.ig_user_id,
    ))

A field getter is `(obj, call, sel) -> value`; return `ABSENT` to leave the key out, a `NodeRef` (or a
list of them) to render a nested node with the sub-selection (default `id`), or a plain value (dicts
are filtered by the sub-selection). Edges render as `{"data": [...], "paging": {...}}` both inline
(`media{comments.limit(5){id}}`, omitted when empty) and as `GET /{id}/{edge}` (no handler needed);
an edge's `paging` style (see `paging.py`) says when `paging` is left out, as Meta does on the last
page of `comments` / `replies` / `children`.
`page_of` / `ig_user_of` tell routing which Page owns a node (visibility) and which IG account a
call is about (rate-limit headers).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph_sandbox.errors import GraphError, nonexisting_field
from graph_sandbox.fields import FieldSel, format_fields, parse_fields
from graph_sandbox.paging import PagingStyle, paginate

if TYPE_CHECKING:
    from graph_sandbox.registry import GraphCall
    from graph_sandbox.world import World


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()

FieldGetter = Callable[[Any, "GraphCall", FieldSel], Any]
EdgeItems = Callable[[Any, "GraphCall", FieldSel | None], Sequence[Any]]


@dataclass(frozen=True)
class NodeRef:
    """A field value that is a node of its own, rendered with the field's sub-selection."""

    kind: str
    obj: Any


@dataclass(frozen=True)
class EdgeSpec:
    """A connection: the kind of its items and how to list them for a parent object."""

    item_kind: str
    items: EdgeItems
    permissions: tuple[str, ...] = ()
    default_limit: int = 25
    max_limit: int = 100
    # "full": `paging` on every page; "forward": only `cursors.after` + `next`, and no `paging` key on
    # the last page (comments, replies, children); "none": never. See `graph_sandbox.paging`.
    paging: PagingStyle = "full"
    # Cursors that name their item instead of a position (`graph_sandbox.paging`); None: positions.
    cursor_key: Callable[[Any], str] | None = None


@dataclass
class NodeType:
    kind: str
    type_name: str
    fields: dict[str, FieldGetter] = field(default_factory=dict)
    default_fields: tuple[str, ...] = ("id",)
    edges: dict[str, EdgeSpec] = field(default_factory=dict)
    read_permissions: tuple[str, ...] = ()
    page_of: Callable[[World, Any], str | None] | None = None
    ig_user_of: Callable[[World, Any], str | None] | None = None


_TYPES: dict[str, NodeType] = {}


def register_node_type(node_type: NodeType) -> NodeType:
    """Register a node kind; re-registering merges: fields/edges already there stay unless replaced."""
    existing = _TYPES.get(node_type.kind)
    if existing is not None and existing is not node_type:
        node_type.fields = {**existing.fields, **node_type.fields}
        node_type.edges = {**existing.edges, **node_type.edges}
        node_type.page_of = node_type.page_of or existing.page_of
        node_type.ig_user_of = node_type.ig_user_of or existing.ig_user_of
    node_type.fields.setdefault("id", attr("id"))
    _TYPES[node_type.kind] = node_type
    return node_type


def extend_node_type(
    kind: str, *, fields: dict[str, FieldGetter] | None = None, edges: dict[str, EdgeSpec] | None = None
) -> NodeType:
    """Add fields or edges to a registered kind (e.g. `ig_user` gets `media` from publishing)."""
    node_type = _TYPES[kind]
    node_type.fields.update(fields or {})
    node_type.edges.update(edges or {})
    return node_type


def node_type(kind: str) -> NodeType | None:
    """The registered description of a kind, if any."""
    return _TYPES.get(kind)


def attr(name: str, *, absent_if_none: bool = True) -> FieldGetter:
    """A getter reading one attribute (None becomes ABSENT unless told otherwise)."""

    def get(obj: Any, call: GraphCall, sel: FieldSel) -> Any:
        del call, sel
        value = getattr(obj, name)
        return ABSENT if value is None and absent_if_none else value

    return get


def render_node(
    call: GraphCall, kind: str, obj: Any, selections: tuple[FieldSel, ...] | None
) -> dict[str, Any]:
    """Render the selected fields of a node; `id` is always included; unknown fields are errors."""
    spec = _TYPES.get(kind)
    if spec is None:
        raise GraphError(1, "An unknown error occurred", http_status=500)
    chosen = selections if selections else parse_fields(",".join(spec.default_fields))
    result: dict[str, Any] = {}
    for sel in chosen:
        if sel.name in spec.fields:
            value = spec.fields[sel.name](obj, call, sel)
            if value is not ABSENT:
                result[sel.name] = _finish(call, value, sel)
        elif sel.name in spec.edges:
            expanded = render_edge(call, spec, obj, sel)
            if expanded is not None:
                result[sel.name] = expanded
        else:
            raise nonexisting_field(sel.name, spec.type_name)
    result.setdefault("id", str(obj.id))
    return result


def _finish(call: GraphCall, value: Any, sel: FieldSel) -> Any:
    if isinstance(value, NodeRef):
        return render_node(call, value.kind, value.obj, sel.children)
    if isinstance(value, list) and value and isinstance(value[0], NodeRef):
        return [render_node(call, ref.kind, ref.obj, sel.children) for ref in value]
    if isinstance(value, dict) and sel.children:
        wanted = sel.child_names()
        return {key: value[key] for key in wanted if key in value}
    return value


def render_edge(call: GraphCall, parent_type: NodeType, obj: Any, sel: FieldSel) -> dict[str, Any] | None:
    """An inline-expanded edge (`comments.limit(5){id,text}`); None when it has no items."""
    from graph_sandbox.access import check_permissions  # access imports this module

    edge = parent_type.edges[sel.name]
    check_permissions(call, edge.permissions)
    items = edge.items(obj, call, sel)
    params = {key: value for key, value in sel.modifiers.items() if key in ("limit", "after", "before")}
    echoed = _echo_params(call, sel.children)
    page, paging = paginate(
        items,
        params={**echoed, **params},
        url=call.graph_url(str(obj.id), sel.name),
        default_limit=edge.default_limit,
        max_limit=edge.max_limit,
        style=edge.paging,
        key=edge.cursor_key,
    )
    if not page:
        return None
    data = [render_node(call, edge.item_kind, item, sel.children) for item in page]
    return {"data": data, "paging": paging} if paging is not None else {"data": data}


def _echo_params(call: GraphCall, children: tuple[FieldSel, ...] | None) -> dict[str, str]:
    echoed: dict[str, str] = {}
    if "access_token" in call.params:
        echoed["access_token"] = call.params["access_token"]
    if children:
        echoed["fields"] = format_fields(children)
    return echoed


def render_page(
    call: GraphCall,
    kind: str,
    items: Sequence[Any],
    *,
    default_limit: int = 25,
    max_limit: int | None = None,
    paging: PagingStyle = "full",
    cursor_key: Callable[[Any], str] | None = None,
) -> dict[str, Any]:
    """The answer of `GET /{id}/{edge}`: one page of items rendered with the call's `fields`."""
    maximum = max_limit if max_limit is not None else call.config.default_max_limit
    url = call.graph_url(*[part for part in (call.node_id, call.edge, *call.subpath) if part])
    page, links = paginate(
        items,
        params=call.params,
        url=url,
        default_limit=default_limit,
        max_limit=maximum,
        style=paging,
        key=cursor_key,
    )
    body: dict[str, Any] = {"data": [render_node(call, kind, item, call.fields) for item in page]}
    if links is not None:
        body["paging"] = links
    return body
