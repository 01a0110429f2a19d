"""Mentions from the `mentions` webhook: stored with their content, listed per account, paginated."""

from __future__ import annotations

from clipper.accounts.graph import AccountGraph
from clipper.accounts.models import Account
from clipper.db import unit_of_work
from clipper.inbox import mentions
from tests.fixtures.inbox import API, connect, drain


async def mentions_of(client, headers, **params) -> dict:
    response = await client.get(f"{API}/mentions", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


class TestCommentMention:
    async def test_the_comment_is_read_and_stored(self, client, app, owner, webhooks_on, admin):
        sent = await admin(
            "simulate/mention",
            {"ig_user_id": owner.ig_id, "username": "fan.one", "text": "@sandbox.creator hi"},
        )
        await drain(app)
        (mention,) = (await mentions_of(client, owner.headers))["items"]
        assert mention["kind"] == "comment"
        assert (mention["media_id"], mention["comment_id"]) == (sent["media_id"], sent["comment_id"])
        assert (mention["author_username"], mention["text"]) == ("fan.one", "@sandbox.creator hi")
        assert mention["account_id"] == owner.account["id"]
        assert mention["read_error"] is None


class TestCaptionMention:
    async def test_the_media_is_read_through_mentioned_media(self, client, app, owner, webhooks_on, admin):
        sent = await admin(
            "simulate/mention",
            {
                "ig_user_id": owner.ig_id,
                "username": "fan.two",
                "text": "Look @sandbox.creator",
                "in_comment": False,
            },
        )
        await drain(app)
        (mention,) = (await mentions_of(client, owner.headers))["items"]
        assert (mention["kind"], mention["comment_id"], mention["media_id"]) == (
            "caption",
            None,
            sent["media_id"],
        )
        assert mention["text"] == mention["media_caption"] == "Look @sandbox.creator"
        assert mention["author_username"] == "fan.two"
        assert mention["permalink"].endswith("/")
        assert mention["media_type"] == "IMAGE"

    async def test_recording_it_twice_stores_it_once(self, client, app, owner, admin, session_factory, calls):
        sent = await admin("simulate/mention", {"ig_user_id": owner.ig_id, "in_comment": False})
        access = AccountGraph(app.state.resources.graph, app.state.resources.cipher, session_factory)
        for _ in range(2):
            async with unit_of_work(session_factory) as session:
                account = await session.get_one(Account, owner.account["id"])
                noted = await mentions.note_mention(
                    session, account=account, media_id=sent["media_id"], comment_id=None
                )
            if noted is not None:
                await mentions.fill_mention(session_factory, noted, access=access, hub=None)
        (mention,) = (await mentions_of(client, owner.headers))["items"]
        assert mention["read_error"] is None
        assert calls.count("GET /{id}") == 1


class TestDeferredRead:
    async def test_the_ids_are_kept_until_the_content_is_read(
        self, client, app, owner, admin, session_factory
    ):
        text = "@sandbox.creator read me later"
        sent = await admin("simulate/mention", {"ig_user_id": owner.ig_id, "text": text})
        async with unit_of_work(session_factory) as session:
            account = await session.get_one(Account, owner.account["id"])
            noted = await mentions.note_mention(
                session, account=account, media_id=sent["media_id"], comment_id=sent["comment_id"]
            )
        assert noted is not None
        (stored,) = (await mentions_of(client, owner.headers))["items"]
        assert (stored["comment_id"], stored["read_error"]) == (sent["comment_id"], mentions.NOT_READ_YET)

        access = AccountGraph(app.state.resources.graph, app.state.resources.cipher, session_factory)
        await mentions.fill_mention(session_factory, noted, access=access, hub=None)
        (read,) = (await mentions_of(client, owner.headers))["items"]
        assert (read["read_error"], read["text"]) == (None, text)


class TestListing:
    async def test_newest_first_paginated_and_filtered_by_account(
        self, client, app, signup, webhooks_on, admin
    ):
        owner = await connect(client, signup)
        other = await connect(client, signup, username="sandbox.studio")
        for number in range(3):
            await admin("simulate/mention", {"ig_user_id": owner.ig_id, "text": f"@sandbox.creator {number}"})
            # The tests share one connection: let each delivery's job finish before the next delivery.
            await drain(app)
            await admin("clock/advance", {"seconds": 60})
        await admin("simulate/mention", {"ig_user_id": other.ig_id, "text": "@sandbox.studio hey"})
        await drain(app)
        first = await mentions_of(client, owner.headers, account_id=owner.account["id"], limit=2)
        assert [m["text"] for m in first["items"]] == ["@sandbox.creator 2", "@sandbox.creator 1"]
        rest = await mentions_of(
            client, owner.headers, account_id=owner.account["id"], limit=2, cursor=first["next_cursor"]
        )
        assert ([m["text"] for m in rest["items"]], rest["next_cursor"]) == (["@sandbox.creator 0"], None)
        assert [m["text"] for m in (await mentions_of(client, other.headers))["items"]] == [
            "@sandbox.studio hey"
        ]

    async def test_another_users_account_is_a_404(self, client, app, owner, signup):
        stranger = await signup(client)
        response = await client.get(
            f"{API}/mentions", params={"account_id": owner.account["id"]}, headers=stranger.headers
        )
        assert response.status_code == 404
