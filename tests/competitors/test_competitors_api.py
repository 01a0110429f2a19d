"""Tracking competitors over the API: validation, Meta's verdict, the limit, ownership, Instagram Login."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from clipper.competitors.models import Competitor, CompetitorSnapshot
from tests.competitors.conftest import track
from tests.fixtures.instagram_login import connect_with_instagram
from tests.fixtures.oauth_flow import connect_instagram


class TestAddCompetitor:
    async def test_tracks_a_professional_account_with_its_figures(self, client, owner):
        me = await owner()
        response = await track(client, me, "@Rival.Studio")
        assert response.status_code == 201, response.text
        body = response.json()
        assert body["username"] == "rival.studio"
        assert body["name"] == "Rival Studio"
        latest = body["latest"]
        assert latest["followers_count"] == 12_400
        assert latest["media_count"] == 6
        assert latest["posts_sampled"] == 6
        assert latest["avg_likes"] > 0
        assert latest["avg_comments"] > 0

    async def test_likes_are_averaged_over_the_posts_that_show_them(self, client, owner):
        me = await owner()
        body = (await track(client, me, "lens.and.light")).json()
        # 5 posts, likes 160-17i; posts 0, 2 and 4 hide theirs: (143 + 109) / 2.
        assert body["latest"]["avg_likes"] == 126.0
        assert body["latest"]["posts_sampled"] == 5

    @pytest.mark.parametrize("username", ["", "has space", "bad/char", "x" * 31, "émilie", "a)b{c}"])
    async def test_refuses_what_is_not_an_instagram_username(self, client, owner, calls, username):
        me = await owner()
        before = len(calls)
        response = await track(client, me, username)
        assert response.status_code == 422
        assert len(calls) == before

    @pytest.mark.parametrize("username", ["just.a.friend", "nobody.at.all"])
    async def test_a_personal_or_unknown_account_is_refused_with_a_reason(self, client, owner, username):
        me = await owner()
        response = await track(client, me, username)
        assert response.status_code == 422
        assert "Business or Creator" in response.json()["detail"]
        listed = await client.get(me.url(), headers=me.headers)
        assert listed.json()["items"] == []

    async def test_the_same_account_twice_is_a_conflict(self, client, owner):
        me = await owner()
        assert (await track(client, me, "rival.studio")).status_code == 201
        again = await track(client, me, "RIVAL.studio")
        assert again.status_code == 409
        assert "already tracked" in again.json()["detail"]

    async def test_no_more_than_the_limit(self, client, owner, app):
        app.state.resources.settings.competitors_max_per_account = 2
        me = await owner()
        assert (await track(client, me, "rival.studio")).status_code == 201
        assert (await track(client, me, "daily.frames")).status_code == 201
        third = await track(client, me, "lens.and.light")
        assert third.status_code == 409
        assert "already tracks 2 competitors" in third.json()["detail"]
        listed = (await client.get(me.url(), headers=me.headers)).json()
        assert listed["limit"] == 2
        assert [c["username"] for c in listed["items"]] == ["rival.studio", "daily.frames"]

    async def test_a_missing_permission_is_refused_before_meta_is_asked(self, client, signup, calls):
        user = await signup(client)
        account = await connect_instagram(client, user.headers, untick=("instagram_manage_insights",))
        before = len(calls)
        response = await client.post(
            f"/api/v1/accounts/{account['id']}/competitors",
            json={"username": "rival.studio"},
            headers=user.headers,
        )
        assert response.status_code == 409
        assert response.json()["permission"] == "instagram_manage_insights"
        assert len(calls) == before


class TestInstagramLoginAccounts:
    async def test_are_refused_saying_why(self, client, signup):
        user = await signup(client)
        account = await connect_with_instagram(client, user.headers)
        url = f"/api/v1/accounts/{account['id']}/competitors"
        added = await client.post(url, json={"username": "rival.studio"}, headers=user.headers)
        assert added.status_code == 409
        detail = added.json()["detail"]
        assert "Instagram Login" in detail
        assert "graph.facebook.com" in detail
        listed = await client.get(url, headers=user.headers)
        assert listed.status_code == 409


class TestOwnership:
    async def test_another_users_account_and_competitors_are_not_found(self, client, owner):
        me = await owner()
        other = await owner()
        added = (await track(client, me, "rival.studio")).json()
        for method, path, body in (
            ("GET", "", None),
            ("POST", "", {"username": "daily.frames"}),
            ("GET", "/comparison", None),
            ("GET", "/history", None),
            ("DELETE", f"/{added['id']}", None),
        ):
            response = await client.request(method, me.url(path), json=body, headers=other.headers)
            assert response.status_code == 404, (method, path)
        assert len((await client.get(me.url(), headers=me.headers)).json()["items"]) == 1

    async def test_a_competitor_id_of_another_account_is_not_found(self, client, owner):
        me = await owner()
        other = await owner()
        theirs = (await track(client, other, "rival.studio")).json()
        response = await client.delete(me.url(f"/{theirs['id']}"), headers=me.headers)
        assert response.status_code == 404


class TestCompareAndRemove:
    async def test_comparison_puts_our_account_first(self, client, owner):
        me = await owner(username="sandbox.creator")
        await track(client, me, "rival.studio")
        await track(client, me, "sandbox.studio")
        rows = (await client.get(me.url("/comparison"), headers=me.headers)).json()["rows"]
        assert [(r["username"], r["is_own"]) for r in rows] == [
            ("sandbox.creator", True),
            ("rival.studio", False),
            ("sandbox.studio", False),
        ]
        assert rows[0]["latest"]["followers_count"] == 1_250
        assert rows[0]["latest"]["posts_sampled"] > 0  # our own figures were read with the first competitor
        assert rows[2]["latest"]["followers_count"] == 48_000

    async def test_removal_forgets_the_competitor_and_its_history(self, client, owner):
        me = await owner()
        added = (await track(client, me, "rival.studio")).json()
        removed = await client.delete(me.url(f"/{added['id']}"), headers=me.headers)
        assert removed.status_code == 204
        assert (await client.get(me.url(), headers=me.headers)).json()["items"] == []
        series = (await client.get(me.url("/history"), headers=me.headers)).json()["series"]
        assert [s["username"] for s in series] == [me.username]
        again = await track(client, me, "rival.studio")
        assert again.status_code == 201

    async def test_history_days_are_bounded(self, client, owner):
        me = await owner()
        response = await client.get(me.url("/history"), params={"days": 10_000}, headers=me.headers)
        assert response.status_code == 422


class TestDisconnect:
    async def test_deleting_the_account_forgets_its_competitors_and_history(self, client, owner, session):
        me = await owner()
        await track(client, me, "rival.studio")
        deleted = await client.delete(f"/api/v1/accounts/{me.account_id}", headers=me.headers)
        assert deleted.status_code == 204
        for table in (Competitor, CompetitorSnapshot):
            left = await session.scalar(
                select(func.count()).select_from(table).where(table.account_id == me.account_id)
            )
            assert left == 0
