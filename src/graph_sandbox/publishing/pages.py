"""Permalink pages of published media: `/p/{shortcode}/`, `/reel/{shortcode}/`, `/stories/{user}/{ig_id}`."""

from __future__ import annotations

from html import escape

from fastapi import HTTPException, Request
from fastapi.responses import HTMLResponse

from graph_sandbox.clock import graph_time
from graph_sandbox.publishing.media_nodes import media_ig_id
from graph_sandbox.registry import public_router
from graph_sandbox.state import Sandbox
from graph_sandbox.world import Media, World

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{{font-family:system-ui,sans-serif;max-width:560px;margin:2rem auto;padding:0 1rem}}
img,video{{max-width:100%;border-radius:8px;display:block;margin:.5rem 0}}
.meta{{color:#666;font-size:.9rem}}</style></head>
<body><article>
<header><strong class="username">@{username}</strong> <span class="meta">{product}</span></header>
{body}
<p class="caption">{caption}</p>
<p class="meta"><time datetime="{timestamp}">{timestamp}</time></p>
</article></body></html>
"""


def _element(media: Media) -> str:
    url = escape(media.media_url or "")
    if media.media_type == "VIDEO":
        poster = escape(media.thumbnail_url or "")
        return f'<video controls playsinline src="{url}" poster="{poster}"></video>'
    return f'<img src="{url}" alt="{escape(media.alt_text or media.caption or "")}">'


def render_page(world: World, media: Media) -> str:
    """The HTML of one media: its picture(s) or video, caption, username and time."""
    owner = world.ig_users.get(media.ig_user_id)
    parts = [world.media[c] for c in media.children if c in world.media] or [media]
    return _PAGE.format(
        title=escape(f"{owner.username if owner else ''} on Instagram"),
        username=escape(owner.username if owner else ""),
        product=escape(media.media_product_type),
        body="\n".join(_element(part) for part in parts),
        caption=escape(media.caption or ""),
        timestamp=graph_time(media.timestamp),
    )


def _find(request: Request, match: str, value: str) -> HTMLResponse:
    sandbox: Sandbox = request.app.state.sandbox
    world = sandbox.world
    for media in world.media.values():
        key = media_ig_id(media.id) if match == "ig_id" else media.shortcode
        if key != value:
            continue
        # A carousel child's own permalink (see materialize._permalink) opens its album.
        album = world.media.get(media.parent_id or "") if media.is_carousel_child else media
        if album is not None:
            return HTMLResponse(render_page(world, album))
    raise HTTPException(status_code=404, detail="Sorry, this page isn't available.")


@public_router.get("/p/{shortcode}/", response_class=HTMLResponse)
async def post_page(request: Request, shortcode: str) -> HTMLResponse:
    """A feed post (image or carousel)."""
    return _find(request, "shortcode", shortcode)


@public_router.get("/reel/{shortcode}/", response_class=HTMLResponse)
async def reel_page(request: Request, shortcode: str) -> HTMLResponse:
    """A reel."""
    return _find(request, "shortcode", shortcode)


@public_router.get("/stories/{username}/{ig_id}", response_class=HTMLResponse)
async def story_page(request: Request, username: str, ig_id: str) -> HTMLResponse:
    """A story (Meta's story permalinks use the legacy numeric id)."""
    del username
    return _find(request, "ig_id", ig_id)
