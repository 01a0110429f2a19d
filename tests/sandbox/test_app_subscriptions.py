"""`/{app-id}/subscriptions`: the app-level webhook subscriptions, read and written with an app token."""

from __future__ import annotations

import httpx
import pytest
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from graph_sandbox.config import SandboxConfig
from graph_sandbox.state import Sandbox
from tests.sandbox.sandbox_helpers import VERSION, SeedTokens

VERIFY_TOKEN = "hook-verify-token"


@pytest.fixture
def receiver(sandbox_app: FastAPI) -> str:
    """A webhook endpoint inside the sandbox's own app (its outgoing client loops back): the callback URL."""

    async def verify(request: Request) -> PlainTextResponse:
        if request.query_params.get("hub.verify_token") != VERIFY_TOKEN:
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(request.query_params["hub.challenge"])

    sandbox_app.add_api_route("/hook", verify, methods=["GET"])
    return "http://sandbox.test/hook"


def app_token(config: SandboxConfig) -> str:
    return f"{config.app_id}|{config.app_secret}"


async def subscriptions(client: httpx.AsyncClient, config: SandboxConfig) -> httpx.Response:
    return await client.get(
        f"/graph/{VERSION}/{config.app_id}/subscriptions", params={"access_token": app_token(config)}
    )


async def subscribe(
    client: httpx.AsyncClient, config: SandboxConfig, callback_url: str, fields: str, verify_token: str
) -> httpx.Response:
    """POST the app's `instagram` subscription, as the App Dashboard does."""
    return await client.post(
        f"/graph/{VERSION}/{config.app_id}/subscriptions",
        data={
            "object": "instagram",
            "callback_url": callback_url,
            "fields": fields,
            "verify_token": verify_token,
            "include_values": "true",
            "access_token": app_token(config),
        },
    )


class TestReading:
    async def test_the_configured_delivery_callback_is_the_instagram_subscription(
        self, sandbox_client: httpx.AsyncClient, sandbox_config: SandboxConfig, sandbox: Sandbox
    ) -> None:
        assert (await subscriptions(sandbox_client, sandbox_config)).json() == {"data": []}
        sandbox.config.webhook_callback_url = "https://clipper.test/api/v1/webhooks/instagram"

        (entry,) = (await subscriptions(sandbox_client, sandbox_config)).json()["data"]

        assert entry["object"] == "instagram"
        assert entry["callback_url"] == "https://clipper.test/api/v1/webhooks/instagram"
        assert entry["active"] is True
        names = {field["name"] for field in entry["fields"]}
        assert {"comments", "mentions", "messages", "story_insights"} <= names
        assert all(field["version"] == VERSION for field in entry["fields"])

    async def test_a_user_token_is_refused(
        self, sandbox_client: httpx.AsyncClient, sandbox_config: SandboxConfig, tokens: SeedTokens
    ) -> None:
        response = await sandbox_client.get(
            f"/graph/{VERSION}/{sandbox_config.app_id}/subscriptions", params={"access_token": tokens.user}
        )
        assert response.status_code == 400
        assert response.json()["error"]["code"] == 15


class TestWriting:
    async def test_a_verified_instagram_subscription_replaces_the_delivery_callback(
        self,
        sandbox_client: httpx.AsyncClient,
        sandbox_config: SandboxConfig,
        sandbox: Sandbox,
        receiver: str,
    ) -> None:
        created = await subscribe(sandbox_client, sandbox_config, receiver, "comments,messages", VERIFY_TOKEN)
        assert created.json() == {"success": True}
        assert sandbox.config.webhook_callback_url == receiver
        (entry,) = (await subscriptions(sandbox_client, sandbox_config)).json()["data"]
        assert [field["name"] for field in entry["fields"]] == ["comments", "messages"]

        deleted = await sandbox_client.delete(
            f"/graph/{VERSION}/{sandbox_config.app_id}/subscriptions",
            params={"object": "instagram", "access_token": app_token(sandbox_config)},
        )
        assert deleted.json() == {"success": True}
        assert (await subscriptions(sandbox_client, sandbox_config)).json() == {"data": []}

    async def test_a_callback_that_fails_verification_is_refused_and_nothing_changes(
        self,
        sandbox_client: httpx.AsyncClient,
        sandbox_config: SandboxConfig,
        sandbox: Sandbox,
        receiver: str,
    ) -> None:
        refused = await subscribe(sandbox_client, sandbox_config, receiver, "comments", "not-the-token")
        assert refused.status_code == 400
        assert refused.json()["error"]["code"] == 2200
        assert sandbox.config.webhook_callback_url is None
        assert (await subscriptions(sandbox_client, sandbox_config)).json() == {"data": []}
