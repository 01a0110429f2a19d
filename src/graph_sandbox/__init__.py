"""graph_sandbox: a faithful, strict emulator of the Instagram Graph API (Facebook Login variant).

Entry points: `app.create_sandbox_app(config, http_client=...)` (state at `app.state.sandbox`, a
`state.Sandbox`), `config.SandboxConfig`, and `python -m graph_sandbox --port 8100`.

Extending it (other modules plug in here; `handlers.py` imports them):
- `registry`: `@graph_handler(kind, edge, method, permissions=..., params=...)`, `GraphCall`,
  `admin_router` (mounted at `/_admin`) and `public_router` (mounted at `/`).
- `nodes`: `NodeType`, `EdgeSpec`, `NodeRef`, `ABSENT`, `attr`, `register_node_type`,
  `extend_node_type` — how a node kind renders fields and expands edges.
- `errors`: `GraphError` and helpers for Meta's errors; `DroppedConnection`.
- `world`: the dataclasses and `World.lookup`; `seed` builds the default world.
- `fields` (the `fields=` parser), `paging` (cursors), `permissions` (the two login flavours and the
  names each grants), `auth` (token minting/validation), `clock`, `ids`, `cdn`, `faults`,
  `ratelimit`.
This package never imports `clipper`.
"""

__version__ = "0.1.0"
