"""One user, two accounts: one inbox across both, narrowed by account, media and literal search text."""

from __future__ import annotations

import pytest

from tests.fixtures.inbox import API, busiest_media, connect
from tests.fixtures.oauth_flow import connect_instagram


async def everything(client, headers, **params) -> list[dict]:
    """Every page of the inbox."""
    items, cursor = [], None
    while True:
        query = {"limit": 50, **params, **({"cursor": cursor} if cursor else {})}
        page = (await client.get(f"{API}/comments", params=query, headers=headers)).json()
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items


@pytest.fixture
async def two_accounts(client, signup):
    """A user with sandbox.creator and sandbox.studio connected and synced."""
    creator = await connect(client, signup)
    studio = await connect_instagram(client, creator.headers, username="sandbox.studio")
    for account in (creator.account, studio):
        synced = await client.post(f"{API}/accounts/{account['id']}/inbox/sync", headers=creator.headers)
        assert synced.json()["new_comments"] > 0, synced.text
    return creator, studio


class TestUnifiedInbox:
    async def test_holds_both_accounts_newest_first(self, client, two_accounts):
        creator, studio = two_accounts
        items = await everything(client, creator.headers)
        assert {c["account_id"] for c in items} == {creator.account["id"], studio["id"]}
        keys = [(c["commented_at"], c["id"]) for c in items]
        assert keys == sorted(keys, reverse=True)

        for account_id in (creator.account["id"], studio["id"]):
            narrowed = await everything(client, creator.headers, account_id=account_id)
            assert narrowed
            assert [c["id"] for c in narrowed] == [c["id"] for c in items if c["account_id"] == account_id]

    async def test_a_media_filter_lists_only_that_media(self, client, app, two_accounts):
        creator, _studio = two_accounts
        media_id = await busiest_media(client, creator.ig_id)
        items = await everything(client, creator.headers, media_id=media_id)
        world = app.state.sandbox_app.state.sandbox.world
        expected = {
            c.id
            for c in world.comments.values()
            if c.media_id == media_id and not c.deleted and c.from_id != creator.ig_id
        }
        assert expected
        assert {c["platform_comment_id"] for c in items} == expected
        assert {c["media_id"] for c in items} == {media_id}

    async def test_search_treats_percent_and_underscore_literally(self, client, app, two_accounts, admin):
        creator, _studio = two_accounts
        media_id = await busiest_media(client, creator.ig_id)
        texts = ["Worth 100% of it", "snake_case rocks", "Worth 100 of it", "snakeXcase rocks"]
        for text in texts:
            await admin("simulate/comment", {"media_id": media_id, "text": text})
        await client.post(f"{API}/accounts/{creator.account['id']}/inbox/sync", headers=creator.headers)
        everyone = await everything(client, creator.headers)
        assert set(texts) <= {c["text"] for c in everyone}
        for needle, wanted in (("100%", "Worth 100% of it"), ("e_c", "snake_case rocks")):
            found = await everything(client, creator.headers, search=needle)
            assert wanted in [c["text"] for c in found]
            assert [c["id"] for c in found] == [c["id"] for c in everyone if needle in c["text"].lower()]
        assert await everything(client, creator.headers, search="%") == [
            c for c in everyone if "%" in c["text"]
        ]
