"""Hashtag search through the client, against the sandbox, with the Page token the product uses."""

from __future__ import annotations

import pytest

from clipper.instagram import HashtagSearchLimitError, PublicContentAccessError
from clipper.instagram.hashtags import HashtagMedia


@pytest.fixture
def page_graph(graph, tokens):
    return graph.with_token(tokens.ig_users[tokens.creator_ig])


class TestHashtagSearch:
    async def test_finds_the_hashtag_and_reads_its_name(self, page_graph, tokens):
        found = await page_graph.search_hashtag(tokens.creator_ig, "travel")
        assert found is not None
        assert (await page_graph.get_hashtag(found.id)).name == "travel"

    async def test_top_media_are_typed_with_counts(self, page_graph, tokens):
        found = await page_graph.search_hashtag(tokens.creator_ig, "travel")
        items, cursor = await page_graph.get_hashtag_media(found.id, tokens.creator_ig, edge="top_media")
        assert cursor is None
        assert len(items) == 12
        assert all(isinstance(item, HashtagMedia) and item.timestamp is not None for item in items)
        assert any(item.like_count is None for item in items)
        assert all(item.comments_count is not None for item in items)

    async def test_pages_through_with_the_cursor(self, page_graph, tokens):
        found = await page_graph.search_hashtag(tokens.creator_ig, "photography")
        first, cursor = await page_graph.get_hashtag_media(found.id, tokens.creator_ig, limit=200)
        assert len(first) == 50
        assert cursor is not None
        rest, last = await page_graph.get_hashtag_media(found.id, tokens.creator_ig, after=cursor)
        assert (len(rest), last) == (10, None)

    async def test_recent_media_are_from_the_last_day(self, page_graph, tokens, sandbox):
        found = await page_graph.search_hashtag(tokens.creator_ig, "photography")
        items, _ = await page_graph.get_hashtag_media(
            found.id, tokens.creator_ig, edge="recent_media", limit=50
        )
        now = sandbox.clock.now()
        assert items
        assert all((now - item.timestamp).total_seconds() < 86400 for item in items)


class TestRecentlySearched:
    async def test_lists_the_weeks_hashtags_with_their_names(self, page_graph, tokens, sandbox):
        travel = await page_graph.search_hashtag(tokens.creator_ig, "travel")
        await page_graph.search_hashtag(tokens.creator_ig, "foodie")
        listed = await page_graph.recently_searched_hashtags(tokens.creator_ig)
        assert [(h.id, h.name) for h in listed][0] == (travel.id, "travel")
        assert [h.name for h in listed] == ["travel", "foodie"]
        sandbox.clock.advance(7 * 86400)
        assert await page_graph.recently_searched_hashtags(tokens.creator_ig) == []

    async def test_all_thirty_come_in_one_call(self, page_graph, tokens):
        for index in range(30):
            await page_graph.search_hashtag(tokens.creator_ig, f"tag{index}")
        assert len(await page_graph.recently_searched_hashtags(tokens.creator_ig)) == 30


class TestHashtagErrors:
    async def test_the_31st_unique_hashtag_is_a_limit_error_that_says_what_to_do(self, page_graph, tokens):
        for index in range(30):
            await page_graph.search_hashtag(tokens.creator_ig, f"tag{index}")
        with pytest.raises(HashtagSearchLimitError) as caught:
            await page_graph.search_hashtag(tokens.creator_ig, "onemore")
        assert not caught.value.retryable
        assert "30 different hashtag" in caught.value.user_message

    async def test_a_missing_feature_is_its_own_error(self, page_graph, tokens, sandbox):
        sandbox.config.instagram_public_content_access = False
        with pytest.raises(PublicContentAccessError) as caught:
            await page_graph.search_hashtag(tokens.creator_ig, "travel")
        assert "Instagram Public Content Access" in caught.value.user_message
