"""Fault injection: errors for the next N calls or at a seeded rate, latency, dropped connections."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import httpx
import pytest
import uvicorn

from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig
from graph_sandbox.errors import DroppedConnection
from tests.fixtures.live_server import listening_socket, origin_of


async def add_fault(client, **rule):
    response = await client.post("/_admin/faults", json=rule)
    assert response.status_code == 201
    return response.json()


class TestErrors:
    async def test_next_n_matching_calls_fail(self, sandbox_client, tokens):
        await add_fault(sandbox_client, path="^me$", code=2, http_status=500, is_transient=True, times=2)
        statuses = [
            (await sandbox_client.get("/graph/v24.0/me", params={"access_token": tokens.user})).status_code
            for _ in range(3)
        ]
        assert statuses == [500, 500, 200]

    async def test_injected_error_envelope(self, sandbox_client, tokens):
        await add_fault(
            sandbox_client,
            path="media_publish",
            method="POST",
            code=9007,
            subcode=2207027,
            message="Media ID is not available",
        )
        response = await sandbox_client.post(
            f"/graph/{tokens.creator_ig}/media_publish",
            params={"access_token": tokens.user, "creation_id": "1"},
        )
        error = response.json()["error"]
        assert (error["code"], error["error_subcode"], error["message"]) == (
            9007,
            2207027,
            "Media ID is not available",
        )

    async def test_params_must_match(self, sandbox_client, tokens):
        await add_fault(sandbox_client, path="^me$", params={"fields": "name"}, code=1, times=None)
        plain = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        named = await sandbox_client.get("/graph/me", params={"access_token": tokens.user, "fields": "name"})
        assert (plain.status_code, named.json()["error"]["code"]) == (200, 1)

    async def test_seeded_rate_fails_some_calls(self, sandbox_client, tokens):
        await add_fault(sandbox_client, path="^me$", code=1, rate=0.5)  # a rate rule keeps firing
        statuses = [
            (await sandbox_client.get("/graph/me", params={"access_token": tokens.user})).status_code
            for _ in range(30)
        ]
        assert 5 < statuses.count(400) < 25

    async def test_a_bad_regex_is_refused(self, sandbox_client):
        assert (await sandbox_client.post("/_admin/faults", json={"path": "("})).status_code == 422

    async def test_clearing_rules(self, sandbox_client, tokens):
        await add_fault(sandbox_client, path=".*", code=1, times=None)
        assert len((await sandbox_client.get("/_admin/faults")).json()) == 1
        await sandbox_client.delete("/_admin/faults")
        assert (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        ).status_code == 200


class TestLatency:
    async def test_slows_the_call_down(self, sandbox_client, tokens):
        await add_fault(sandbox_client, action="latency", path="^me$", latency_seconds=0.3)
        started = time.monotonic()
        response = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert response.status_code == 200
        assert time.monotonic() - started >= 0.3


class TestDroppedConnectionInProcess:
    async def test_drop_before_raises_a_remote_protocol_error(self, sandbox_client, tokens):
        await add_fault(sandbox_client, action="drop_before", path="^me$")
        with pytest.raises(httpx.RemoteProtocolError) as caught:
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert isinstance(caught.value, DroppedConnection)
        assert (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        ).status_code == 200

    async def test_drop_after_keeps_the_effect_but_loses_the_answer(self, sandbox_client, tokens):
        await add_fault(sandbox_client, action="drop_after", method="DELETE", path="permissions")
        with pytest.raises(httpx.RemoteProtocolError):
            await sandbox_client.delete(
                "/graph/me/permissions/instagram_manage_comments", params={"access_token": tokens.user}
            )
        rows = (
            await sandbox_client.get("/graph/me/permissions", params={"access_token": tokens.user})
        ).json()["data"]
        assert {"permission": "instagram_manage_comments", "status": "declined"} in rows

    async def test_a_dropped_batch_item_is_null(self, sandbox_client, tokens):
        await add_fault(sandbox_client, action="drop_before", path="^me$")
        data = {
            "access_token": tokens.user,
            "batch": json.dumps([{"relative_url": "me"}, {"relative_url": "me"}]),
        }
        dropped, answered = (await sandbox_client.post("/graph/", data=data)).json()
        assert dropped is None
        assert answered["code"] == 200


@pytest.fixture
async def live_server() -> AsyncIterator[tuple[str, httpx.AsyncClient]]:
    """The sandbox behind uvicorn on a free port of 127.0.0.1."""
    sock = listening_socket()
    url = origin_of(sock)
    app = create_sandbox_app(SandboxConfig(public_url=url))
    config = uvicorn.Config(app, log_level="critical", lifespan="off", ws="none", http="h11")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    async with httpx.AsyncClient(base_url=url) as client:
        yield url, client
    server.should_exit = True
    await task
    sock.close()


class TestDroppedConnectionOverASocket:
    async def test_drop_is_a_transport_error_for_a_real_client(self, live_server):
        _, client = live_server
        token = (await client.post("/_admin/tokens/issue", json={})).json()["access_token"]
        await add_fault(client, action="drop_before", path="^me$")
        with pytest.raises(httpx.RemoteProtocolError):
            await client.get("/graph/me", params={"access_token": token})
        assert (await client.get("/graph/me", params={"access_token": token})).status_code == 200

    async def test_drop_after_over_a_socket(self, live_server):
        _, client = live_server
        token = (await client.post("/_admin/tokens/issue", json={})).json()["access_token"]
        await add_fault(client, action="drop_after", method="DELETE", path="permissions$")
        with pytest.raises(httpx.RemoteProtocolError):
            await client.delete("/graph/me/permissions", params={"access_token": token})
        response = await client.get("/graph/me", params={"access_token": token})
        assert response.json()["error"]["error_subcode"] == 458
