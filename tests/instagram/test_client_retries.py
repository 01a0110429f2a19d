"""Retries: backoff with jitter for idempotent calls only; publish and creates are never repeated blindly."""

from __future__ import annotations

import httpx
import pytest

from clipper.instagram import (
    ConnectionDroppedError,
    GraphTimeoutError,
    OutcomeUnknownError,
    RateLimitError,
    RequestNotSentError,
    TransientError,
)
from tests.instagram.ig_helpers import graph_error

IG = "17841400000000001"


def sequence(*answers):
    """A handler answering in turn (an exception instance is raised), recording each request."""
    requests = []
    queue = list(answers)

    def handler(request):
        requests.append(request)
        answer = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(answer, Exception):
            raise answer
        return answer

    return handler, requests


OK = httpx.Response(200, json={"id": "17900000000000009", "permalink": "https://www.instagram.com/p/x/"})


class TestIdempotentCalls:
    async def test_transient_errors_are_retried_with_exponential_backoff(self, make_client, sleeps):
        handler, requests = sequence(graph_error(2, status=500), graph_error(1, status=500), OK)
        client = make_client(handler)
        media = await client.get_media_details("17900000000000009")
        assert media.permalink == "https://www.instagram.com/p/x/"
        assert len(requests) == 3
        assert sleeps == [0.5, 1.0]

    async def test_full_jitter_draws_below_the_ceiling(self, make_client, sleeps):
        ceilings = []

        def jitter(ceiling):
            ceilings.append(ceiling)
            return ceiling / 4

        handler, _ = sequence(
            graph_error(2, status=500), graph_error(2, status=500), graph_error(2, status=500), OK
        )
        client = make_client(handler, jitter=jitter, backoff_base=1.0, backoff_cap=3.0)
        await client.get_media_details("1")
        assert ceilings == [1.0, 2.0, 3.0]
        assert sleeps == [0.25, 0.5, 0.75]

    async def test_gives_up_after_max_retries(self, make_client, sleeps):
        handler, requests = sequence(graph_error(2, status=500))
        client = make_client(handler, max_retries=2)
        with pytest.raises(TransientError):
            await client.get_media_details("1")
        assert len(requests) == 3
        assert len(sleeps) == 2

    async def test_a_dropped_connection_on_a_read_is_retried(self, make_client):
        handler, requests = sequence(httpx.RemoteProtocolError("Server disconnected"), OK)
        client = make_client(handler)
        assert (await client.get_media_details("1")).id == "17900000000000009"
        assert len(requests) == 2

    async def test_a_read_that_keeps_dropping_raises_the_transport_leaf(self, make_client):
        handler, _ = sequence(httpx.ReadError("reset"))
        client = make_client(handler, max_retries=1)
        with pytest.raises(ConnectionDroppedError) as raised:
            await client.get_media_details("1")
        assert raised.value.may_have_been_processed is True

    async def test_hiding_a_comment_is_retried_because_it_is_idempotent(self, make_client):
        handler, requests = sequence(graph_error(1, status=500), httpx.Response(200, json={"success": True}))
        client = make_client(handler)
        assert await client.hide_comment(comment_id="1790", hide=True) is True
        assert len(requests) == 2

    async def test_rate_limits_are_not_retried_immediately(self, make_client, sleeps):
        handler, requests = sequence(
            graph_error(4, "(#4) Application request limit reached", status=403, is_transient=True)
        )
        client = make_client(handler)
        with pytest.raises(RateLimitError):
            await client.get_media_details("1")
        assert len(requests) == 1
        assert sleeps == []


class TestWritesAreNotRepeated:
    async def test_publish_is_not_retried_after_a_server_error(self, make_client, sleeps):
        handler, requests = sequence(graph_error(2, status=500), OK)
        client = make_client(handler)
        with pytest.raises(TransientError):
            await client.publish_container(ig_account_id=IG, creation_id="1789")
        assert len(requests) == 1
        assert sleeps == []

    async def test_a_drop_during_publish_is_outcome_unknown(self, make_client):
        handler, requests = sequence(httpx.RemoteProtocolError("Server disconnected"), OK)
        client = make_client(handler)
        with pytest.raises(OutcomeUnknownError) as raised:
            await client.publish_container(ig_account_id=IG, creation_id="1789")
        assert raised.value.may_have_been_processed is True
        assert raised.value.retryable is False
        assert len(requests) == 1

    async def test_a_timeout_during_publish_is_outcome_unknown(self, make_client):
        handler, requests = sequence(httpx.ReadTimeout("slow"), OK)
        client = make_client(handler)
        with pytest.raises(OutcomeUnknownError):
            await client.publish_container(ig_account_id=IG, creation_id="1789")
        assert len(requests) == 1

    async def test_publish_is_resent_only_when_it_never_left(self, make_client):
        handler, requests = sequence(httpx.ConnectError("refused"), OK)
        client = make_client(handler)
        assert await client.publish_container(ig_account_id=IG, creation_id="1789") == "17900000000000009"
        assert len(requests) == 2

    # httpx raises these only before a byte of the request is written (no connection, or none free).
    NOT_SENT = [
        httpx.ConnectError("[Errno 111] Connection refused"),
        httpx.ConnectError("[Errno -2] Name or service not known"),
        httpx.ConnectTimeout("connect timed out"),
        httpx.PoolTimeout("no connection free"),
    ]
    # These may come after the request, or part of it, was written.
    MAYBE_SENT = [
        httpx.WriteTimeout("write timed out"),
        httpx.WriteError("broken pipe"),
        httpx.ReadTimeout("read timed out"),
        httpx.ReadError("connection reset"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
    ]

    @pytest.mark.parametrize("failure", NOT_SENT, ids=lambda e: type(e).__name__)
    async def test_a_publish_that_never_left_is_request_not_sent_after_every_retry(
        self, make_client, failure
    ):
        handler, requests = sequence(failure)
        client = make_client(handler, max_retries=2)
        with pytest.raises(RequestNotSentError) as raised:
            await client.publish_container(ig_account_id=IG, creation_id="1789")
        assert raised.value.may_have_been_processed is False
        assert raised.value.retryable is True
        assert len(requests) == 3

    @pytest.mark.parametrize("failure", MAYBE_SENT, ids=lambda e: type(e).__name__)
    async def test_a_publish_that_may_have_left_is_outcome_unknown_and_never_resent(
        self, make_client, failure
    ):
        handler, requests = sequence(failure, OK)
        client = make_client(handler)
        with pytest.raises(OutcomeUnknownError) as raised:
            await client.publish_container(ig_account_id=IG, creation_id="1789")
        assert not isinstance(raised.value, RequestNotSentError)
        assert raised.value.may_have_been_processed is True
        assert len(requests) == 1

    async def test_a_read_refused_after_an_attempt_that_reached_meta_is_not_called_unsent(self, make_client):
        handler, requests = sequence(httpx.ReadTimeout("slow"), httpx.ConnectError("refused"))
        client = make_client(handler, max_retries=2)
        with pytest.raises(GraphTimeoutError) as raised:
            await client.get_media_details("1")
        assert raised.value.may_have_been_processed is True
        assert len(requests) == 3

    @pytest.mark.parametrize(
        "call",
        [
            lambda c: c.create_image_container(IG, "https://cdn.example.com/a.jpg"),
            lambda c: c.create_video_container(IG, video_url="https://cdn.example.com/a.mp4"),
            lambda c: c.create_carousel_container(IG, ["1", "2"]),
            lambda c: c.post_comment("1790", "hi"),
            lambda c: c.reply_to_comment(comment_id="1790", message="hi"),
            lambda c: c.send_message("page", recipient_id="igsid", text="hi"),
        ],
        ids=["image", "video", "carousel", "comment", "reply", "message"],
    )
    async def test_creates_are_not_retried(self, make_client, call):
        handler, requests = sequence(graph_error(1, status=500), OK)
        client = make_client(handler)
        with pytest.raises(TransientError):
            await call(client)
        assert len(requests) == 1

    async def test_a_dropped_create_is_outcome_unknown(self, make_client):
        handler, requests = sequence(httpx.WriteError("broken pipe"), OK)
        client = make_client(handler)
        with pytest.raises(OutcomeUnknownError):
            await client.reply_to_comment(comment_id="1790", message="hi")
        assert len(requests) == 1
