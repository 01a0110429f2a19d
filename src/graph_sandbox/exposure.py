"""Who may reach the sandbox's control API, and which hosts it fetches media from (not Meta behaviour).

The sandbox is a local stand-in: its `/_admin` API has no authentication (it shows the app secret and
can point webhooks anywhere), and it fetches whatever `image_url` / `video_url` a caller names. So by
default the admin API answers loopback clients only, and media is fetched only from loopback hosts and
the host the sandbox itself is served on (the product's own signed media URLs). `admin_remote_clients`
and `media_any_host` open them for a deliberate, trusted set-up.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from fastapi import HTTPException, Request

from graph_sandbox.config import SandboxConfig


def is_loopback(host: str | None) -> bool:
    """True for `localhost` and loopback addresses (127.0.0.0/8, ::1)."""
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


async def loopback_admin(request: Request) -> None:
    """Refuse the admin API to a client that is not on this machine, unless the config opens it."""
    config: SandboxConfig = request.app.state.sandbox.config
    client = request.client.host if request.client else None
    if not (config.admin_remote_clients or is_loopback(client)):
        raise HTTPException(
            403, "The sandbox's admin API answers local clients only (set SANDBOX_ADMIN_REMOTE to open it)."
        )


def media_host_allowed(config: SandboxConfig, url: str) -> bool:
    """May the sandbox fetch media from `url`: a loopback host, or the host the sandbox is served on."""
    if config.media_any_host:
        return True
    host = urlsplit(url).hostname
    return is_loopback(host) or host == urlsplit(config.public_url).hostname
