"""A media_publish that provably never left is sent again without the grace window (issue 14).

The refusal is real: the publish batch is sent to a loopback port nothing listens on (`RefusingTransport`),
so the client gives up with a connect error after its own retries, and not one of them reached the
sandbox. The sandbox's `drop_before` and `drop_after` faults are the opposite case: the request was read
by the server, so the client cannot prove it was not executed, and the grace window still applies.

Time passes for the engine as in test_unconfirmed_publish: a post is made due again by moving its
`next_attempt_at` to now; the grace window (600 s) is never moved here.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi import FastAPI

from tests.social.crash_helpers import count_publish_calls, fault, make_due
from tests.social.publish_helpers import Publisher, run_due, until_done
from tests.social.refusing_transport import RefusingTransport
from tests.social.test_unconfirmed_publish import events, image_post, use_grace_window


@pytest.fixture
def app(app: FastAPI) -> FastAPI:
    """The app whose Graph calls go through a RefusingTransport (set before its lifespan builds them)."""
    app.state.graph_transport = RefusingTransport(app.state.graph_transport)
    return app


def refusing(publisher: Publisher) -> RefusingTransport:
    transport: RefusingTransport = publisher.app.state.graph_transport
    return transport


def every_attempt_of_one_call(publisher: Publisher) -> int:
    """How many connections one Graph call tries before the client gives up (its own retries)."""
    return int(publisher.app.state.resources.settings.graph_max_retries) + 1


def use_max_attempts(publisher: Publisher, attempts: int) -> None:
    resources = publisher.app.state.resources
    resources.settings = resources.settings.model_copy(update={"publish_max_attempts": attempts})


class TestRefusedConnection:
    async def test_a_publish_refused_at_connect_goes_out_on_the_next_check_without_the_grace(
        self, publisher: Publisher
    ) -> None:
        use_grace_window(publisher)
        publish_calls = await count_publish_calls(publisher)
        refusing(publisher).refuse("media_publish", times=every_attempt_of_one_call(publisher))
        post_id = await image_post(publisher, "Refused at connect")

        await run_due(publisher.app)
        retrying = await publisher.post(post_id)
        calls_before = await publish_calls()
        await make_due(publisher, post_id)
        await run_due(publisher.app)
        done = await publisher.post(post_id)

        assert refusing(publisher).refused == every_attempt_of_one_call(publisher)
        assert calls_before == 0
        assert retrying["status"] == "publishing", retrying["timeline"]
        assert retrying["next_attempt_at"] is not None
        assert "publish_unconfirmed" not in events(retrying)
        assert "GraphConnectError" in events_detail(retrying, "retry_scheduled")
        assert done["status"] == "published", done["timeline"]
        assert await publish_calls() == 1
        published = await publisher.published()
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]
        assert published[0]["container_id"] == done["container_id"] == retrying["container_id"]
        assert events(done).count("container_created") == 1
        assert events(done).count("publish_sent") == 2
        assert "publish_resent" not in events(done)

    async def test_a_publish_that_never_connects_fails_after_the_attempts_with_nothing_published(
        self, publisher: Publisher
    ) -> None:
        use_grace_window(publisher)
        use_max_attempts(publisher, 2)
        publish_calls = await count_publish_calls(publisher)
        refusing(publisher).refuse("media_publish", times=2 * every_attempt_of_one_call(publisher))
        post_id = await image_post(publisher, "Never connects")

        await run_due(publisher.app)
        await make_due(publisher, post_id)
        await run_due(publisher.app)
        failed = await publisher.post(post_id)
        await publisher.publish(post_id)
        done = await until_done(publisher, post_id)

        assert failed["status"] == "failed", failed["timeline"]
        assert "could not be reached" in failed["error_message"]
        assert failed["attempts"] == 2
        assert done["status"] == "published", done["timeline"]
        assert await publish_calls() == 1
        assert [item["media_id"] for item in await publisher.published()] == [done["platform_post_id"]]


class TestMaybeSent:
    """What the sandbox's drop faults do on the wire: the server read the request, so it may have run."""

    @pytest.mark.parametrize(
        ("action", "after_a_check"),
        [("drop_before", "unconfirmed"), ("drop_after", "published")],
    )
    async def test_a_dropped_publish_is_never_sent_again_within_the_grace(
        self, publisher: Publisher, action: str, after_a_check: str
    ) -> None:
        use_grace_window(publisher)
        publish_calls = await count_publish_calls(publisher)
        await fault(publisher, action=action, path="media_publish$")
        post_id = await image_post(publisher, f"Dropped {action}")

        await run_due(publisher.app)
        first = await publisher.post(post_id)
        await make_due(publisher, post_id)
        await run_due(publisher.app)
        checked = await publisher.post(post_id)

        assert refusing(publisher).refused == 0
        assert first["status"] == "unconfirmed", first["timeline"]
        assert checked["status"] == after_a_check, checked["timeline"]
        assert await publish_calls() == 1
        published = await publisher.published()
        assert len(published) == (1 if action == "drop_after" else 0)
        assert "publish_resent" not in events(checked)


def events_detail(post: dict[str, Any], event: str) -> str:
    return " ".join(str(entry["detail"]) for entry in post["timeline"] if entry["event"] == event)
