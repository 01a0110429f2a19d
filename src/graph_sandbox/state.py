"""Sandbox: the running state behind one app (`app.state.sandbox`).

Attributes: `config` (SandboxConfig), `clock` (Clock), `world` (World; replaced by `reset`, so read it
through the Sandbox every time), `faults` (Faults), `ratelimit` (RateLimiter), `cdn` (CdnStore) and
`http_client` (the sandbox's own outgoing HTTP: fetching image_url/video_url, delivering webhooks).
"""

from __future__ import annotations

import httpx

from graph_sandbox.cdn import CdnStore
from graph_sandbox.clock import Clock
from graph_sandbox.config import SandboxConfig
from graph_sandbox.faults import Faults
from graph_sandbox.ratelimit import RateLimiter
from graph_sandbox.world import World, build_default_world


class Sandbox:
    """Everything one sandbox instance knows and controls."""

    def __init__(self, config: SandboxConfig, *, http_client: httpx.AsyncClient | None = None) -> None:
        self.config = config
        self.clock = Clock()
        self.faults = Faults(config.seed)
        self.ratelimit = RateLimiter(config, self.clock)
        self.cdn = CdnStore(config)
        self.variant = "default"
        self.world: World = build_default_world(config, self.clock, cdn=self.cdn)
        self._http_client = http_client
        self._owns_client = False

    @property
    def http_client(self) -> httpx.AsyncClient:
        """The outgoing client; a real one is created on first use when none was given."""
        if self._http_client is None:
            self._http_client = httpx.AsyncClient(timeout=30.0, follow_redirects=True)
            self._owns_client = True
        return self._http_client

    @http_client.setter
    def http_client(self, client: httpx.AsyncClient) -> None:
        self._http_client = client
        self._owns_client = False

    async def aclose(self) -> None:
        """Let pending webhook deliveries finish, then close the outgoing client if the sandbox made it."""
        from graph_sandbox import webhooks

        await webhooks.drain()
        if self._owns_client and self._http_client is not None:
            await self._http_client.aclose()
            self._http_client = None
            self._owns_client = False

    def reset(self, *, variant: str = "default", seed: int | None = None) -> None:
        """A fresh world, clock, fault list and counters (the config stays, except `seed` if given)."""
        if seed is not None:
            self.config.seed = seed
        self.clock.reset()
        self.faults = Faults(self.config.seed)
        self.ratelimit.reset()
        self.variant = variant
        self.world = build_default_world(self.config, self.clock, cdn=self.cdn, variant=variant)
