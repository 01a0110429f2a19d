"""Helpers of the outgoing-webhook tests: the API's calls, and one delivery pass of the worker."""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI

from clipper.outgoing import delivery

API = "/api/v1/webhook-endpoints"


def allow_local(app: FastAPI, *, private: bool = True) -> None:
    """Let deliveries go to http:// and (unless `private=False`) loopback targets, like the receiver."""
    resources = app.state.resources
    resources.settings = resources.settings.model_copy(
        update={"outgoing_webhooks_allow_http": True, "outgoing_webhooks_allow_private": private}
    )


async def create_endpoint(
    client: httpx.AsyncClient,
    headers: dict[str, str],
    url: str,
    events: list[str] | None = None,
    **extra: Any,
) -> dict[str, Any]:
    response = await client.post(
        API, json={"url": url, "events": events or ["post.published"], **extra}, headers=headers
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def deliveries(
    client: httpx.AsyncClient, headers: dict[str, str], endpoint_id: int
) -> list[dict[str, Any]]:
    response = await client.get(f"{API}/{endpoint_id}/deliveries", headers=headers)
    assert response.status_code == 200, response.text
    items: list[dict[str, Any]] = response.json()["items"]
    return items


async def run_due(app: FastAPI, **kwargs: Any) -> list[Any]:
    """One delivery pass of the worker, sent in this process."""
    resources = app.state.resources
    return await delivery.run_due(
        resources.session_factory, cipher=resources.cipher, settings=resources.settings, **kwargs
    )
