"""Transport failures over a real socket: the sandbox behind uvicorn, slowed down or cut by its faults.

In-process ASGI transports ignore timeouts and never refuse a connection, so these leaves of the error
tree (GraphTimeoutError, ConnectionDroppedError, GraphConnectError) are produced by real TCP here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import httpx
import pytest
import uvicorn

from clipper.instagram import (
    ConnectionDroppedError,
    GraphConnectError,
    GraphTimeoutError,
    InstagramGraphAPI,
    OutcomeUnknownError,
    RequestNotSentError,
)
from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig
from graph_sandbox.permissions import PRODUCT_PERMISSIONS
from tests.fixtures.live_server import closed_port, listening_socket, origin_of

MAX_RETRIES = 2
# Only the gap between the two matters: the successful retry must fit in the timeout even on a loaded
# machine, where the sandbox shares this test's event loop.
TIMEOUT_SECONDS = 1.0
SLOW_SECONDS = 3.0


@dataclass
class Live:
    url: str
    admin: httpx.AsyncClient
    token: str
    ig_user_id: str
    sleeps: list[float] = field(default_factory=list)
    opened: list[httpx.AsyncClient] = field(default_factory=list)

    def client(self, *, timeout: float = 5.0, base_url: str | None = None) -> InstagramGraphAPI:
        async def record(seconds: float) -> None:
            self.sleeps.append(seconds)

        http = httpx.AsyncClient(timeout=timeout)
        self.opened.append(http)
        return InstagramGraphAPI(
            self.token,
            base_url=base_url or f"{self.url}/graph",
            http_client=http,
            max_retries=MAX_RETRIES,
            sleep=record,
            jitter=lambda ceiling: ceiling,
        )

    async def fault(self, **rule: object) -> None:
        response = await self.admin.post("/_admin/faults", json=rule)
        assert response.status_code == 201, response.text


@pytest.fixture
async def live() -> AsyncIterator[Live]:
    sock = listening_socket()
    url = origin_of(sock)
    app = create_sandbox_app(SandboxConfig(public_url=url))
    server = uvicorn.Server(uvicorn.Config(app, log_level="critical", lifespan="off", ws="none", http="h11"))
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started:
        await asyncio.sleep(0.01)
    async with httpx.AsyncClient(base_url=url) as admin:
        issued = await admin.post(
            "/_admin/tokens/issue", json={"kind": "USER_LONG", "scopes": list(PRODUCT_PERMISSIONS)}
        )
        ig_user_id = (await admin.get("/_admin/state")).json()["ig_users"][0]["id"]
        live = Live(url, admin, issued.json()["access_token"], ig_user_id)
        yield live
        for http in live.opened:
            await http.aclose()
    server.should_exit = True
    await task
    sock.close()


def closed_port_url() -> str:
    """The URL of a local port nothing listens on."""
    return f"http://127.0.0.1:{closed_port()}"


class TestTimeouts:
    async def test_a_read_that_never_answers_in_time_is_retried_then_raises(self, live):
        await live.fault(
            action="latency", latency_seconds=SLOW_SECONDS, path=f"^{live.ig_user_id}$", times=None
        )
        async with live.client(timeout=TIMEOUT_SECONDS) as graph:
            with pytest.raises(GraphTimeoutError) as raised:
                await graph.get_instagram_account_info(live.ig_user_id)
        assert raised.value.may_have_been_processed is True
        assert raised.value.retryable is True
        assert live.sleeps == [0.5, 1.0]

    async def test_one_slow_answer_is_retried_and_the_next_succeeds(self, live):
        await live.fault(action="latency", latency_seconds=SLOW_SECONDS, path=f"^{live.ig_user_id}$", times=1)
        async with live.client(timeout=TIMEOUT_SECONDS) as graph:
            account = await graph.get_instagram_account_info(live.ig_user_id)
        assert account.id == live.ig_user_id
        assert live.sleeps == [0.5]


class TestDroppedConnections:
    async def test_a_read_whose_connection_keeps_dropping_raises_connection_dropped(self, live):
        await live.fault(action="drop_before", path=f"^{live.ig_user_id}$", times=None)
        async with live.client() as graph:
            with pytest.raises(ConnectionDroppedError) as raised:
                await graph.get_instagram_account_info(live.ig_user_id)
        assert raised.value.may_have_been_processed is True
        assert len(live.sleeps) == MAX_RETRIES
        hits = (await live.admin.get("/_admin/faults")).json()[0]["hits"]
        assert hits == MAX_RETRIES + 1

    async def test_a_publish_dropped_before_the_handler_ran_is_outcome_unknown_and_sent_once(self, live):
        # On the socket, "drop before" comes after uvicorn has read the whole request: the client cannot
        # tell it from a call Meta executed, so the publish is never sent again blindly.
        await live.fault(action="drop_before", path="media_publish$", times=None)
        async with live.client() as graph:
            with pytest.raises(OutcomeUnknownError) as raised:
                await graph.publish_container(live.ig_user_id, "17900000000000001")
        assert not isinstance(raised.value, RequestNotSentError)
        assert raised.value.may_have_been_processed is True
        assert live.sleeps == []
        hits = (await live.admin.get("/_admin/faults")).json()[0]["hits"]
        assert hits == 1


class TestRefusedConnections:
    async def test_nothing_listening_is_a_connect_error(self, live):
        async with live.client(base_url=f"{closed_port_url()}/graph") as graph:
            with pytest.raises(GraphConnectError) as raised:
                await graph.get_instagram_account_info(live.ig_user_id)
        assert raised.value.may_have_been_processed is False
        assert len(live.sleeps) == MAX_RETRIES

    async def test_even_a_publish_is_retried_when_it_never_left(self, live):
        async with live.client(base_url=f"{closed_port_url()}/graph") as graph:
            with pytest.raises(RequestNotSentError) as raised:
                await graph.publish_container(live.ig_user_id, "17900000000000001")
        assert raised.value.may_have_been_processed is False
        assert len(live.sleeps) == MAX_RETRIES

    async def test_a_host_that_does_not_resolve_is_request_not_sent(self, live):
        # `.invalid` never resolves (RFC 6761): the publish cannot have left this machine.
        async with live.client(timeout=2.0, base_url="http://graph.clipper-test.invalid/graph") as graph:
            with pytest.raises(RequestNotSentError) as raised:
                await graph.publish_container(live.ig_user_id, "17900000000000001")
        assert raised.value.may_have_been_processed is False
        assert len(live.sleeps) == MAX_RETRIES
