"""The sandbox's unauthenticated admin API answers loopback clients only, unless its config opens it."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI

from graph_sandbox.state import Sandbox
from tests.sandbox.sandbox_helpers import BASE_URL

REMOTE = ("203.0.113.9", 40000)


def client_from(app: FastAPI, address: tuple[str, int]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=address), base_url=BASE_URL)


class TestAdminExposure:
    async def test_a_remote_client_is_refused(self, sandbox_app: FastAPI, sandbox: Sandbox) -> None:
        async with client_from(sandbox_app, REMOTE) as remote:
            shown = await remote.get("/_admin/config")
            changed = await remote.patch(
                "/_admin/config", json={"webhook_callback_url": "http://169.254.1.1/"}
            )
        assert shown.status_code == 403
        assert sandbox.config.app_secret not in shown.text
        assert changed.status_code == 403
        assert sandbox.config.webhook_callback_url is None

    @pytest.mark.parametrize("address", [("127.0.0.1", 1), ("::1", 1)])
    async def test_a_loopback_client_is_served(self, sandbox_app: FastAPI, address: tuple[str, int]) -> None:
        async with client_from(sandbox_app, address) as local:
            assert (await local.get("/_admin/config")).status_code == 200

    async def test_the_config_can_open_it(self, sandbox_app: FastAPI, sandbox: Sandbox) -> None:
        sandbox.config.admin_remote_clients = True
        async with client_from(sandbox_app, REMOTE) as remote:
            assert (await remote.get("/_admin/config")).status_code == 200

    async def test_the_graph_api_stays_open_to_everyone(self, sandbox_app: FastAPI) -> None:
        async with client_from(sandbox_app, REMOTE) as remote:
            response = await remote.get("/graph/v24.0/me")
        assert response.status_code == 400  # Meta's "token required", not a refusal of the client


class TestMountedInTheProduct:
    async def test_a_remote_client_is_refused(self, app: FastAPI, app_client: httpx.AsyncClient) -> None:
        del app_client  # lifespan running
        transport = httpx.ASGITransport(app=app, client=REMOTE)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as remote:
            assert (await remote.get("/sandbox/_admin/config")).status_code == 403

    async def test_the_setting_opens_it(self, settings, monkeypatch) -> None:
        from clipper.main import create_app

        app = create_app(settings.model_copy(update={"sandbox_admin_remote": True}))
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app, client=REMOTE)
            async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as remote:
                assert (await remote.get("/sandbox/_admin/config")).status_code == 200
