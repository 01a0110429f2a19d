"""GET /api/v1/instagram/accounts/{id}/media-insights: recent media with lifetime numbers, in few calls."""

from __future__ import annotations

import dataclasses
import itertools
from datetime import timedelta

from sqlalchemy import select

from clipper.db import utcnow
from clipper.insights.models import MediaInsightSnapshot

MEDIA_CALL = "GET /{id}/media"
BATCH_CALL = "POST /"
_ids = itertools.count(1)


def url(account_id: int) -> str:
    return f"/api/v1/instagram/accounts/{account_id}/media-insights"


def add_media(sandbox, ig_id: str, count: int) -> list[str]:
    """Copies of the account's newest feed image, newer than everything else, newest last."""
    template = next(m for m in sandbox.world.media_of(ig_id) if m.media_type == "IMAGE")
    added = []
    for n in range(count):
        media_id = f"1799{next(_ids):013d}"
        sandbox.world.media[media_id] = dataclasses.replace(
            template,
            id=media_id,
            shortcode=f"added{media_id}",
            caption=f"Added {n}",
            timestamp=sandbox.clock.now() - timedelta(minutes=count - n),
        )
        added.append(media_id)
    return added


class TestPage:
    async def test_a_page_of_25_media_costs_two_graph_calls(self, client, connect, sandbox, calls):
        me = await connect()
        add_media(sandbox, me.ig_id, 30)
        total = len(sandbox.world.media_of(me.ig_id))
        before = len(calls)
        response = await client.get(url(me.account_id), params={"limit": 25}, headers=me.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        assert calls[before:] == [MEDIA_CALL, BATCH_CALL]
        assert page["graph_calls"] == 2
        assert len(page["items"]) == 25
        first = page["items"][0]
        assert first["caption"] == "Added 29"
        assert {"id", "permalink", "media_product_type", "timestamp", "thumbnail_url"} <= set(first)
        assert first["thumbnail_url"]
        for item in page["items"]:
            assert {"views", "reach", "likes", "total_interactions"} <= set(item["metrics"]), item
            assert item["source"] == "graph"

        rest = await client.get(
            url(me.account_id), params={"limit": 25, "cursor": page["next_cursor"]}, headers=me.headers
        )
        assert rest.status_code == 200, rest.text
        assert len(rest.json()["items"]) == total - 25
        assert rest.json()["next_cursor"] is None
        seen = [i["id"] for i in page["items"] + rest.json()["items"]]
        assert seen == [m.id for m in sandbox.world.media_of(me.ig_id)]

    async def test_numbers_agree_with_the_one_media_endpoint(self, client, connect):
        me = await connect()
        page = (await client.get(url(me.account_id), headers=me.headers)).json()
        item = page["items"][0]
        one = await client.get(
            f"/api/v1/instagram/media/{item['id']}/insights",
            params={"account_id": me.account_id},
            headers=me.headers,
        )
        assert {k: one.json()["metrics"][k] for k in item["metrics"]} == item["metrics"]
        assert item["metrics"]["likes"] == item["like_count"]

    async def test_the_numbers_are_stored_and_fresh_ones_answer_without_a_batch(
        self, client, connect, calls, session
    ):
        me = await connect()
        first = (await client.get(url(me.account_id), params={"limit": 5}, headers=me.headers)).json()
        rows = (await session.scalars(select(MediaInsightSnapshot))).all()
        assert {row.media_id for row in rows} >= {i["id"] for i in first["items"]}
        before = len(calls)
        again = await client.get(url(me.account_id), params={"limit": 4}, headers=me.headers)
        assert calls[before:] == [MEDIA_CALL]
        assert again.json()["graph_calls"] == 1
        assert [i["source"] for i in again.json()["items"]] == ["snapshots"] * 4
        assert [i["metrics"] for i in again.json()["items"]] == [i["metrics"] for i in first["items"][:4]]


class TestFailures:
    async def test_a_media_meta_refuses_falls_back_to_its_snapshot_or_says_why(
        self, client, connect, sandbox, session
    ):
        me = await connect()
        older, newer = add_media(sandbox, me.ig_id, 2)
        session.add(
            MediaInsightSnapshot(
                account_id=me.account_id,
                media_id=older,
                media_product_type="FEED",
                metrics={"reach": 11},
                source="graph",
                captured_at=utcnow() - timedelta(days=3),
            )
        )
        await session.flush()
        for media_id in (older, newer):
            await client.post(
                "/sandbox/_admin/faults",
                json={"path": f"^{media_id}/insights$", "code": 100, "message": "(#100) Not this one"},
            )
        response = await client.get(url(me.account_id), params={"limit": 3}, headers=me.headers)
        assert response.status_code == 200, response.text
        items = {i["id"]: i for i in response.json()["items"]}
        assert (items[older]["source"], items[older]["metrics"]) == ("snapshots", {"reach": 11})
        assert items[newer]["metrics"] == {}
        assert items[newer]["note"]
        assert len([i for i in items.values() if i["metrics"] and i["source"] == "graph"]) == 1

    async def test_a_refused_token_is_a_409_to_reconnect(self, client, connect, app, session):
        from clipper.accounts.models import Account

        me = await connect()
        account = await session.get_one(Account, me.account_id)
        token = app.state.resources.cipher.decrypt(account.page_access_token_enc)
        await client.post("/sandbox/_admin/tokens/invalidate", json={"token": token, "subcode": 463})
        response = await client.get(url(me.account_id), headers=me.headers)
        assert response.status_code == 409
        assert response.json()["error"] == "ReconnectRequired"


class TestAccess:
    async def test_another_users_account_is_a_404(self, client, connect):
        owner, other = await connect(), await connect(username="sandbox.studio")
        assert (await client.get(url(owner.account_id), headers=other.headers)).status_code == 404

    async def test_without_the_insights_permission_is_a_409_naming_it(self, client, connect, calls):
        me = await connect(untick=("instagram_manage_insights",))
        before = len(calls)
        response = await client.get(url(me.account_id), headers=me.headers)
        assert response.status_code == 409
        assert response.json()["permission"] == "instagram_manage_insights"
        assert calls[before:] == []

    async def test_a_malformed_cursor_or_limit_is_a_422(self, client, connect):
        me = await connect()
        for params in ({"cursor": "not a cursor!"}, {"limit": 51}, {"limit": 0}):
            response = await client.get(url(me.account_id), params=params, headers=me.headers)
            assert response.status_code == 422, params
