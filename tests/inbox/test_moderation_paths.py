"""Rules on every path a comment takes: a regex that deletes (webhook), the backfill, and both at once."""

from __future__ import annotations

from tests.fixtures.inbox import API, busiest_media, drain


def world(app):
    return app.state.sandbox_app.state.sandbox.world


async def add_rule(client, owner, **rule) -> None:
    created = await client.post(
        f"{API}/accounts/{owner.account['id']}/moderation-rules", json=rule, headers=owner.headers
    )
    assert created.status_code == 201, created.text


async def audit(client, owner) -> list[dict]:
    url = f"{API}/accounts/{owner.account['id']}/moderation-actions"
    return (await client.get(url, headers=owner.headers)).json()["items"]


async def inbox_ids(client, owner, **params) -> list[str]:
    response = await client.get(f"{API}/comments", params={"limit": 100, **params}, headers=owner.headers)
    return [c["platform_comment_id"] for c in response.json()["items"]]


def drain_events(subscription) -> list:
    found = []
    while not subscription.queue.empty():
        found.append(subscription.queue.get_nowait())
    return found


class TestRegexDelete:
    async def test_a_webhook_comment_matching_a_regex_is_deleted(
        self, client, app, owner, webhooks_on, admin
    ):
        await add_rule(client, owner, name="Links", kind="regex", patterns=[r"https?://\S+"], action="delete")
        media_id = await busiest_media(client, owner.ig_id)
        spam = await admin(
            "simulate/comment", {"media_id": media_id, "text": "Deals at https://spam.example/x"}
        )
        await drain(app)

        assert world(app).comments[spam["id"]].deleted is True
        assert spam["id"] not in await inbox_ids(client, owner)
        assert spam["id"] not in await inbox_ids(client, owner, status="hidden")
        [entry] = await audit(client, owner)
        assert (entry["platform_comment_id"], entry["action"], entry["matched"], entry["succeeded"]) == (
            spam["id"],
            "delete",
            r"https?://\S+",  # the pattern that matched
            True,
        )


class TestRulesOnTheBackfill:
    async def test_a_manual_sync_runs_the_rules_on_new_comments(self, client, app, owner, admin):
        media_id = await busiest_media(client, owner.ig_id)
        # No webhooks: the comment only reaches us through the backfill.
        spam = await admin("simulate/comment", {"media_id": media_id, "text": "Cheap followers here"})
        await add_rule(client, owner, name="Followers", patterns=["cheap followers"])

        synced = await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        assert synced.status_code == 200, synced.text
        assert synced.json()["moderated"] == 1
        assert world(app).comments[spam["id"]].hidden is True
        assert await inbox_ids(client, owner, status="hidden") == [spam["id"]]
        assert [(e["platform_comment_id"], e["action"]) for e in await audit(client, owner)] == [
            (spam["id"], "hide")
        ]

    async def test_a_comment_the_backfill_stored_is_not_moderated_or_announced_again_by_its_webhook(
        self, client, app, owner, webhooks_on, admin
    ):
        await client.patch("/sandbox/_admin/webhooks/settings", json={"hold": True})
        await add_rule(client, owner, name="Followers", patterns=["cheap followers"])
        media_id = await busiest_media(client, owner.ig_id)
        async with app.state.resources.events.subscribe(owner.user.user_id) as subscription:
            spam = await admin("simulate/comment", {"media_id": media_id, "text": "Cheap followers again"})
            assert spam["deliveries"] == []  # held back
            synced = await client.post(
                f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers
            )
            assert synced.json()["moderated"] == 1
            from_sync = [
                e for e in drain_events(subscription) if e.data.get("text") == "Cheap followers again"
            ]

            flushed = await admin("webhooks/flush")
            assert [d["status"] for d in flushed["deliveries"]] == ["delivered"]
            await drain(app)
            from_webhook = [e for e in drain_events(subscription) if e.type == "comment.created"]

        assert [(e.type, e.data["hidden"]) for e in from_sync] == [("comment.created", True)]
        assert from_webhook == []
        assert len(await audit(client, owner)) == 1
        assert await inbox_ids(client, owner, search="Cheap followers again") == [spam["id"]]
        assert await inbox_ids(client, owner, status="hidden") == [spam["id"]]
