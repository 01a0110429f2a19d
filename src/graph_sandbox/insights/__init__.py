"""Insights (GRAPH_API.md §7): account, media and Page metrics with Meta's rules and deterministic numbers.

Importing the package registers `GET /{ig-user-id}/insights`, `GET /{media-id}/insights` and
`GET /{page-id}/insights`. Numbers come from `generator` (seed + node id + metric + day, scaled by the
follower count), not from `World.insights`, so they are stable across calls and runs.
"""

from graph_sandbox.insights import account, media, page

__all__ = ["account", "media", "page"]
