"""Every error class of the client, triggered through the sandbox's real rules and its fault injection."""

from __future__ import annotations

import asyncio

import pytest

from clipper.instagram import (
    ContainerExpiredError,
    InvalidParameterError,
    InvalidTokenError,
    MediaValidationError,
    NotFoundError,
    OutcomeUnknownError,
    PermissionDeniedError,
    PublishingQuotaError,
    RateLimitError,
    TransientError,
    UnknownGraphError,
)
from tests.fixtures import media_factory


async def fault(sandbox_client, **rule):
    response = await sandbox_client.post("/_admin/faults", json=rule)
    assert response.status_code == 201, response.text


async def ready_image(graph, sandbox, ig):
    container = await graph.create_image_container(ig, sandbox.cdn.put(media_factory.jpeg(), "image/jpeg"))
    while (await graph.check_container_status(container)).status_code == "IN_PROGRESS":
        await asyncio.sleep(0.05)
    return container


class TestRealRules:
    async def test_expired_token(self, graph, sandbox_client, tokens):
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 61 * 24 * 3600})
        with pytest.raises(InvalidTokenError) as raised:
            await graph.get_instagram_account_info(tokens.creator_ig)
        assert raised.value.code == 190
        assert raised.value.user_message.startswith("Reconnect your Instagram account")

    async def test_missing_permission(self, graph, sandbox_client, tokens):
        issued = await sandbox_client.post(
            "/_admin/tokens/issue",
            json={"kind": "USER_LONG", "scopes": ["instagram_basic", "pages_show_list"]},
        )
        narrow = graph.with_token(issued.json()["access_token"])
        with pytest.raises(PermissionDeniedError) as raised:
            await narrow.post_comment(
                next(iter(await graph.get_user_media(tokens.creator_ig, max_items=1))).id, "hi"
            )
        assert raised.value.retryable is False

    async def test_unknown_object_and_bad_parameter(self, graph, tokens):
        with pytest.raises(NotFoundError) as raised:
            await graph.get_media_details("17999999999999999")
        assert (raised.value.code, raised.value.subcode) == (100, 33)
        with pytest.raises(InvalidParameterError):
            await graph.get_instagram_account_info(tokens.creator_ig, fields="id,not_a_field")

    async def test_expired_container(self, graph, sandbox, sandbox_client, tokens):
        container = await ready_image(graph, sandbox, tokens.creator_ig)
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 25 * 3600})
        assert (await graph.check_container_status(container)).status_code == "EXPIRED"
        with pytest.raises(ContainerExpiredError):
            await graph.publish_container(tokens.creator_ig, container)

    async def test_publishing_quota(self, graph, sandbox, tokens):
        sandbox.config.publish_quota = 1
        await graph.publish_container(tokens.creator_ig, await ready_image(graph, sandbox, tokens.creator_ig))
        with pytest.raises(PublishingQuotaError) as raised:
            await graph.publish_container(
                tokens.creator_ig, await ready_image(graph, sandbox, tokens.creator_ig)
            )
        assert (raised.value.code, raised.value.subcode) == (9, 2207042)
        assert raised.value.retryable is True

    async def test_appsecret_proof_is_accepted_when_required(self, graph, sandbox, tokens):
        sandbox.config.require_appsecret_proof = True
        assert (await graph.get_instagram_account_info(tokens.creator_ig)).id == tokens.creator_ig
        without_secret = type(graph)(tokens.user, base_url=graph.base_url, http_client=graph.http)
        with pytest.raises(InvalidParameterError) as raised:
            await without_secret.get_instagram_account_info(tokens.creator_ig)
        assert "appsecret_proof" in raised.value.message


class TestInjectedFaults:
    @pytest.mark.parametrize(
        ("code", "subcode", "status", "leaf"),
        [
            (190, 460, 400, InvalidTokenError),
            (200, None, 403, PermissionDeniedError),
            (4, None, 403, RateLimitError),
            (80002, None, 400, RateLimitError),
            (36000, 2207004, 400, MediaValidationError),
            (24, 2207008, 400, ContainerExpiredError),
            (100, 33, 400, NotFoundError),
            (368, None, 400, UnknownGraphError),
        ],
    )
    async def test_each_error_leaf(self, graph, sandbox_client, tokens, code, subcode, status, leaf):
        await fault(
            sandbox_client, path=f"^{tokens.creator_ig}$", code=code, subcode=subcode, http_status=status
        )
        with pytest.raises(leaf) as raised:
            await graph.get_instagram_account_info(tokens.creator_ig)
        assert (raised.value.code, raised.value.subcode, raised.value.http_status) == (code, subcode, status)
        assert raised.value.fbtrace_id

    async def test_story_insights_with_few_viewers(self, graph, sandbox_client, tokens):
        [media] = await graph.get_user_media(tokens.creator_ig, max_items=1)
        message = "(#10) Not enough viewers for the media to show insights"
        await fault(sandbox_client, path="/insights$", code=10, message=message)
        with pytest.raises(PermissionDeniedError) as raised:
            await graph.get_story_insights(media.id)
        assert raised.value.user_message == "Insights appear once enough people have seen the media."

    async def test_transient_errors_are_retried_until_success(self, graph, sandbox_client, tokens, sleeps):
        await fault(sandbox_client, path=f"^{tokens.creator_ig}$", code=2, http_status=500, times=2)
        account = await graph.get_instagram_account_info(tokens.creator_ig)
        assert account.id == tokens.creator_ig
        assert sleeps == [0.5, 1.0]

    async def test_transient_errors_give_up(self, graph, sandbox_client, tokens):
        await fault(sandbox_client, path=f"^{tokens.creator_ig}$", code=1, http_status=500, times=None)
        with pytest.raises(TransientError):
            await graph.get_instagram_account_info(tokens.creator_ig)

    async def test_a_publish_whose_answer_is_lost_is_outcome_unknown_and_reconcilable(
        self, graph, sandbox, sandbox_client, tokens
    ):
        container = await ready_image(graph, sandbox, tokens.creator_ig)
        await fault(sandbox_client, action="drop_after", path="media_publish$")
        with pytest.raises(OutcomeUnknownError) as raised:
            await graph.publish_container(tokens.creator_ig, container)
        assert raised.value.may_have_been_processed is True
        assert (await graph.check_container_status(container)).status_code == "PUBLISHED"
        published = (await sandbox_client.get("/_admin/published")).json()["accounts"][tokens.creator_ig]
        assert [p["container_id"] for p in published].count(container) == 1

    async def test_a_publish_dropped_before_running_is_outcome_unknown_too(
        self, graph, sandbox, sandbox_client, tokens
    ):
        container = await ready_image(graph, sandbox, tokens.creator_ig)
        await fault(sandbox_client, action="drop_before", path="media_publish$")
        with pytest.raises(OutcomeUnknownError):
            await graph.publish_container(tokens.creator_ig, container)
        assert (await graph.check_container_status(container)).status_code == "FINISHED"

    async def test_a_dropped_read_is_retried(self, graph, sandbox_client, tokens):
        await fault(sandbox_client, action="drop_before", path=f"^{tokens.creator_ig}$")
        assert (await graph.get_instagram_account_info(tokens.creator_ig)).id == tokens.creator_ig


class TestRateLimits:
    async def test_throttle_carries_retry_after(self, graph, sandbox_client, tokens):
        await sandbox_client.post("/_admin/ratelimit", json={"throttle": 80002, "regain_minutes": 5})
        with pytest.raises(RateLimitError) as raised:
            await graph.get_instagram_account_info(tokens.creator_ig)
        assert raised.value.code == 80002
        assert raised.value.retry_after_seconds == 300

    async def test_high_usage_pauses_the_next_call(self, graph, sandbox_client, tokens, sleeps):
        await sandbox_client.post("/_admin/ratelimit", json={"buc_percent": 95})
        await graph.get_instagram_account_info(tokens.creator_ig)
        assert graph.usage.business_usage(tokens.creator_ig)[0].call_count == 95
        assert sleeps == []
        await graph.get_instagram_account_info(tokens.creator_ig)
        assert len(sleeps) == 1
        assert 55 < sleeps[0] <= 60

    async def test_app_usage_is_tracked(self, graph, sandbox_client, tokens):
        await sandbox_client.post("/_admin/ratelimit", json={"app_percent": 42})
        await graph.get_instagram_account_info(tokens.creator_ig)
        assert graph.usage.app_usage.call_count == 42

    async def test_a_call_about_a_media_waits_on_its_owners_usage(
        self, graph, sandbox_client, tokens, sleeps
    ):
        [media] = await graph.get_user_media(tokens.creator_ig, max_items=1)
        await sandbox_client.post("/_admin/ratelimit", json={"buc_percent": 95})
        await graph.get_media_comments(media.id)
        assert sleeps == []
        await graph.get_media_comments(media.id)
        assert len(sleeps) == 1
        assert 55 < sleeps[0] <= 60

    async def test_a_client_for_one_account_waits_on_that_account_for_any_node(
        self, graph, sandbox_client, tokens, sleeps
    ):
        [media] = await graph.get_user_media(tokens.creator_ig, max_items=1)
        account_client = graph.with_token(tokens.ig_users[tokens.creator_ig])
        await sandbox_client.post("/_admin/ratelimit", json={"buc_percent": 95})
        await account_client.get_instagram_account_info(tokens.creator_ig)
        assert sleeps == []
        # The Page token has only ever counted against this account: a node it never saw waits too.
        await account_client.get_media_details(media.id)
        assert len(sleeps) == 1

    async def test_a_token_serving_two_accounts_only_waits_for_the_busy_one(
        self, graph, sandbox_client, tokens, sleeps
    ):
        busy, calm = list(tokens.ig_users)
        [busy_media] = await graph.get_user_media(busy, max_items=1)
        [calm_media] = await graph.get_user_media(calm, max_items=1)
        await sandbox_client.patch("/_admin/config", json={"buc_calls_per_day": 10})
        while graph.usage.business_usage(busy)[0].call_count < 90:
            await graph.get_media_comments(busy_media.id)
        assert graph.usage.business_usage(calm)[0].call_count < 90
        sleeps.clear()
        await graph.get_media_comments(calm_media.id)
        assert sleeps == []
        await graph.get_media_comments(busy_media.id)
        assert len(sleeps) == 1
