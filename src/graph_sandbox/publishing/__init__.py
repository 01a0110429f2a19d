"""The publishing half of the sandbox: containers, rupload, media_publish, quota, media reads, permalinks.

Importing the package registers everything: Graph handlers (`POST /{ig-user-id}/media`,
`/media_publish`, `/content_publishing_limit`, `POST /{media-id}`), the `media` / `container` node
types with the IG user's `media` and `stories` edges, the public routes (`/rupload/...`, `/p/...`,
`/reel/...`, `/stories/...`) and the admin listings (`/_admin/published`, `/_admin/containers`).
"""

from graph_sandbox.publishing import admin, containers, media_nodes, pages, publish, rupload
from graph_sandbox.publishing.store import drain

media_nodes.register()

__all__ = ["admin", "containers", "drain", "media_nodes", "pages", "publish", "rupload"]
