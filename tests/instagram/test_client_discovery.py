"""`discover_business` against the sandbox: typed answer, hidden likes, refusals as typed errors."""

from __future__ import annotations

import pytest

from clipper.instagram import AccountNotDiscoverableError, PermissionDeniedError, RequestValidationError
from clipper.instagram.discovery import discovery_fields


class TestDiscoverBusiness:
    async def test_returns_the_profile_and_recent_media_typed(self, graph, tokens):
        found = await graph.discover_business(tokens.creator_ig, "daily.frames", media_limit=4)
        assert found.username == "daily.frames"
        assert found.followers_count == 87_000
        assert found.media_count == 8
        assert found.media is not None
        assert len(found.media.data) == 4
        newest = found.media.data[0]
        assert newest.like_count == 2_300
        assert newest.timestamp is not None
        assert newest.permalink

    async def test_hidden_like_counts_are_none(self, graph, tokens):
        found = await graph.discover_business(tokens.creator_ig, "lens.and.light")
        assert found.media is not None
        likes = [m.like_count for m in found.media.data]
        assert None in likes
        assert any(like is not None for like in likes)

    async def test_a_personal_account_is_not_discoverable(self, graph, tokens):
        with pytest.raises(AccountNotDiscoverableError) as raised:
            await graph.discover_business(tokens.creator_ig, "just.a.friend")
        assert (raised.value.code, raised.value.subcode) == (110, 2207013)
        assert "Business or Creator" in raised.value.user_message

    async def test_a_missing_permission_is_a_permission_error(self, graph, sandbox_client, tokens):
        issued = await sandbox_client.post(
            "/_admin/tokens/issue",
            json={"kind": "USER_LONG", "scopes": ["instagram_basic", "pages_show_list"]},
        )
        narrow = graph.with_token(issued.json()["access_token"])
        with pytest.raises(PermissionDeniedError) as raised:
            await narrow.discover_business(tokens.creator_ig, "daily.frames")
        assert "instagram_manage_insights" in raised.value.message

    @pytest.mark.parametrize("username", ["", "a" * 31, "x){id}", "with space"])
    async def test_refuses_a_malformed_username_before_sending(self, graph, tokens, username):
        with pytest.raises(RequestValidationError):
            await graph.discover_business(tokens.creator_ig, username)

    async def test_bounds_the_media_asked_for(self, graph, tokens):
        with pytest.raises(RequestValidationError):
            await graph.discover_business(tokens.creator_ig, "daily.frames", media_limit=51)


def test_the_fields_expression_follows_the_reference():
    assert discovery_fields("bluebottle", 3) == (
        "business_discovery.username(bluebottle){followers_count,media_count,username,name,biography,"
        "profile_picture_url,media.limit(3){id,caption,like_count,comments_count,timestamp,media_type,permalink}}"
    )
