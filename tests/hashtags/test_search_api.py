"""Hashtag search through the API against the sandbox: validation, counting against the 30 per 7 days,
refusal before Meta is asked, top/recent media with counts, ownership, Instagram Login refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from clipper.db import utcnow
from clipper.hashtags.models import HashtagSearch
from tests.fixtures.inbox import connect
from tests.fixtures.instagram_login import connect_with_instagram

API = "/api/v1/hashtags"


async def search(client, owner, hashtag: str):
    return await client.post(
        f"{API}/search", json={"account_id": owner.account["id"], "hashtag": hashtag}, headers=owner.headers
    )


async def quota(client, owner) -> dict:
    response = await client.get(
        f"{API}/quota", params={"account_id": owner.account["id"]}, headers=owner.headers
    )
    assert response.status_code == 200, response.text
    return response.json()


async def fill(client, owner, count: int) -> None:
    for index in range(count):
        response = await search(client, owner, f"tag{index}")
        assert response.status_code == 200, response.text


class TestValidation:
    @pytest.mark.parametrize("bad", ["", "#", "two words", "sun🌅", "hash-tag", "12345", "x" * 101])
    async def test_refuses_what_is_not_a_hashtag(self, client, owner, bad):
        response = await search(client, owner, bad)
        assert response.status_code == 422
        assert response.json()["error"] == "InvalidInput"

    async def test_normalises_the_hash_and_case(self, client, owner):
        response = await search(client, owner, "#Travel")
        assert response.status_code == 200, response.text
        assert response.json()["hashtag"] == "travel"

    async def test_media_needs_a_valid_edge_and_limit(self, client, owner):
        params = {"account_id": owner.account["id"], "hashtag": "travel"}
        for extra in (
            {"edge": "newest"},
            {"limit": 51},
            {"limit": 0},
            {"hashtag": "two words"},
            {"cursor": "x" * 600},
        ):
            response = await client.get(f"{API}/media", params={**params, **extra}, headers=owner.headers)
            assert response.status_code == 422, extra


class TestCounting:
    async def test_a_new_hashtag_counts_and_a_repeat_does_not(self, client, owner):
        first = (await search(client, owner, "travel")).json()
        assert (first["counted"], first["quota"]["used"], first["quota"]["remaining"]) == (True, 1, 29)
        again = (await search(client, owner, "TRAVEL")).json()
        assert (again["counted"], again["quota"]["used"]) == (False, 1)
        assert again["hashtag_id"] == first["hashtag_id"]

    async def test_a_repeat_within_the_week_does_not_ask_instagram_again(self, client, owner, calls):
        await search(client, owner, "travel")
        calls.clear()
        await search(client, owner, "travel")
        assert not any("ig_hashtag_search" in call for call in calls)

    async def test_quota_shows_what_is_left_and_when_the_next_frees(self, client, owner):
        await search(client, owner, "travel")
        await search(client, owner, "foodie")
        standing = await quota(client, owner)
        assert (standing["limit"], standing["used"], standing["remaining"]) == (30, 2, 28)
        assert [s["hashtag"] for s in standing["searched"]] == ["travel", "foodie"]
        assert standing["next_frees_at"] == standing["searched"][0]["frees_at"]

    async def test_the_31st_is_refused_before_instagram_is_asked(self, client, owner, calls):
        await fill(client, owner, 30)
        calls.clear()
        response = await search(client, owner, "onemore")
        assert response.status_code == 429
        body = response.json()
        assert body["error"] == "HashtagLimitReached"
        assert "30" in body["detail"]
        assert "frees up at" in body["detail"]
        assert body["frees_at"] == (await quota(client, owner))["next_frees_at"]
        assert int(response.headers["Retry-After"]) > 6 * 86400
        assert not any("ig_hashtag_search" in call for call in calls)  # the quota read asks only for its list
        assert (await search(client, owner, "tag7")).status_code == 200  # already searched: still free

    async def test_a_hashtag_counted_seven_days_ago_frees_its_slot(self, client, owner, session, admin):
        await fill(client, owner, 30)
        old = utcnow() - timedelta(days=7, minutes=1)
        await session.execute(
            update(HashtagSearch).where(HashtagSearch.hashtag == "tag0").values(counted_at=old)
        )
        await session.flush()
        await admin("clock/advance", {"seconds": 7 * 86400 + 60})  # Meta's window has moved on too
        assert (await quota(client, owner))["remaining"] == 1
        assert (await search(client, owner, "onemore")).status_code == 200
        assert (await quota(client, owner))["remaining"] == 0

    async def test_instagram_refusing_the_limit_says_what_to_do(self, client, owner, app):
        sandbox = app.state.sandbox_app.state.sandbox
        from graph_sandbox.hashtags.state import hashtags_of, note_query

        state = hashtags_of(sandbox)  # another app used this account's searches on Meta's side
        for index in range(30):
            note_query(state, owner.ig_id, f"elsewhere{index}", sandbox.clock.now())
        response = await search(client, owner, "travel")
        assert response.status_code == 429
        assert "30 different hashtag" in response.json()["detail"]


class TestMedia:
    async def test_top_media_have_likes_and_comments(self, client, owner):
        params = {"account_id": owner.account["id"], "hashtag": "travel", "edge": "top"}
        response = await client.get(f"{API}/media", params=params, headers=owner.headers)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["hashtag"], body["edge"], len(body["items"])) == ("travel", "top", 12)
        assert all(item["comments_count"] is not None for item in body["items"])
        assert any(item["like_count"] is None for item in body["items"])  # hidden by their owner
        assert (await quota(client, owner))["used"] == 1

    async def test_pages_and_recent_media(self, client, owner):
        params = {"account_id": owner.account["id"], "hashtag": "photography", "limit": 50}
        first = (await client.get(f"{API}/media", params=params, headers=owner.headers)).json()
        assert len(first["items"]) == 50
        assert first["next_cursor"]
        rest = await client.get(
            f"{API}/media", params={**params, "cursor": first["next_cursor"]}, headers=owner.headers
        )
        assert (len(rest.json()["items"]), rest.json()["next_cursor"]) == (10, None)
        recent = await client.get(f"{API}/media", params={**params, "edge": "recent"}, headers=owner.headers)
        assert 0 < len(recent.json()["items"]) < 50
        assert (await quota(client, owner))["used"] == 1

    async def test_a_search_that_counted_stays_counted_when_reading_the_posts_fails(self, client, owner):
        fault = {"action": "error", "path": "top_media", "code": 2, "http_status": 500, "times": 10}
        await client.post("/sandbox/_admin/faults", json=fault)
        params = {"account_id": owner.account["id"], "hashtag": "travel"}
        response = await client.get(f"{API}/media", params=params, headers=owner.headers)
        assert response.status_code == 503
        assert (await quota(client, owner))["used"] == 1


class TestRefusals:
    async def test_another_users_account_is_404(self, client, owner, signup):
        stranger = await connect(client, signup, username="sandbox.studio")
        body = {"account_id": owner.account["id"], "hashtag": "travel"}
        assert (await client.post(f"{API}/search", json=body, headers=stranger.headers)).status_code == 404
        params = {"account_id": owner.account["id"]}
        assert (await client.get(f"{API}/quota", params=params, headers=stranger.headers)).status_code == 404
        media = await client.get(
            f"{API}/media", params={**params, "hashtag": "travel"}, headers=stranger.headers
        )
        assert media.status_code == 404
        assert (await quota(client, owner))["used"] == 0

    async def test_deleting_the_account_deletes_its_searches(self, client, owner, session):
        await search(client, owner, "travel")
        deleted = await client.delete(f"/api/v1/accounts/{owner.account['id']}", headers=owner.headers)
        assert deleted.status_code == 204
        left = await session.scalar(select(func.count()).select_from(HashtagSearch))
        assert left == 0

    async def test_searches_are_per_account(self, client, signup):
        first = await connect(client, signup)
        await search(client, first, "travel")
        second = await connect(client, signup, username="sandbox.studio")
        assert (await quota(client, second))["used"] == 0

    async def test_instagram_login_accounts_are_told_why(self, client, signup):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        body = {"account_id": account["id"], "hashtag": "travel"}
        response = await client.post(f"{API}/search", json=body, headers=user.headers)
        assert response.status_code == 409
        assert response.json()["error"] == "HashtagSearchUnavailable"
        assert "Facebook Login" in response.json()["detail"]

    async def test_a_missing_app_feature_is_explained(self, client, owner, app):
        app.state.sandbox_app.state.sandbox.config.instagram_public_content_access = False
        response = await search(client, owner, "travel")
        assert response.status_code == 409
        assert response.json()["permission"] == "Instagram Public Content Access"
        assert (await quota(client, owner))["used"] == 0


def searched_elsewhere(app, owner, *names: str) -> None:
    """Queries made on Meta's side by another app with this account: Clipper never saw them."""
    from graph_sandbox.hashtags.state import ensure_hashtag, hashtags_of, note_query

    sandbox = app.state.sandbox_app.state.sandbox
    state = hashtags_of(sandbox)
    for name in names:
        note_query(state, owner.ig_id, ensure_hashtag(state, name.lower()).id, sandbox.clock.now())


class TestInstagramsOwnList:
    async def test_hashtags_searched_outside_clipper_count(self, client, owner, app, calls):
        await search(client, owner, "travel")
        searched_elsewhere(app, owner, "elsewhere0", "elsewhere1", "travel")
        calls.clear()
        standing = await quota(client, owner)
        assert "GET /{id}/recently_searched_hashtags" in calls
        assert (standing["used"], standing["remaining"], standing["instagram_checked"]) == (3, 27, True)
        assert [s["hashtag"] for s in standing["searched"]] == ["travel"]  # searched by both: counted once
        assert standing["elsewhere"] == ["elsewhere0", "elsewhere1"]
        assert standing["instagram_note"] is None

    async def test_a_full_week_elsewhere_leaves_nothing(self, client, owner, app):
        searched_elsewhere(app, owner, *(f"other{index}" for index in range(30)))
        standing = await quota(client, owner)
        assert (standing["used"], standing["remaining"], len(standing["elsewhere"])) == (30, 0, 30)
        assert standing["next_frees_at"] is None  # Meta does not say when those free up

    async def test_our_record_stands_when_instagram_cannot_list(self, client, owner, app):
        await search(client, owner, "travel")
        app.state.sandbox_app.state.sandbox.config.instagram_public_content_access = False
        standing = await quota(client, owner)
        assert (standing["used"], standing["remaining"], standing["instagram_checked"]) == (1, 29, False)
        assert standing["elsewhere"] == []
        assert "Instagram Public Content Access" in standing["instagram_note"]
