"""Moderation of webhook comments runs after their unit of work committed, then the UI hears of them."""

from __future__ import annotations

from tests.fixtures.inbox import API, busiest_media, drain


async def spam_rule(client, owner, action: str = "hide") -> None:
    response = await client.post(
        f"{API}/accounts/{owner.account['id']}/moderation-rules",
        json={"name": "No spam", "kind": "keyword", "patterns": ["spam"], "action": action},
        headers=owner.headers,
    )
    assert response.status_code == 201, response.text


async def audit_of(client, owner) -> list[dict]:
    response = await client.get(
        f"{API}/accounts/{owner.account['id']}/moderation-actions", headers=owner.headers
    )
    return response.json()["items"]


class TestModerationAfterCommit:
    async def test_the_announced_comment_is_already_hidden(self, client, app, owner, webhooks_on, admin):
        await spam_rule(client, owner)
        media_id = await busiest_media(client, owner.ig_id)
        async with app.state.resources.events.subscribe(owner.user.user_id) as subscription:
            sent = await admin("simulate/comment", {"media_id": media_id, "text": "spam spam"})
            await drain(app)
            event = await subscription.get()
        assert (event.type, event.data["text"], event.data["hidden"]) == (
            "comment.created",
            "spam spam",
            True,
        )
        world = app.state.sandbox_app.state.sandbox.world
        assert world.comments[sent["id"]].hidden is True

    async def test_a_hide_meta_refuses_keeps_the_comment_visible_and_audited(
        self, client, app, owner, webhooks_on, admin
    ):
        await spam_rule(client, owner)
        fault = {"method": "POST", "params_match": {"hide": "(?i)true"}, "code": 2, "times": None}
        assert (await client.post("/sandbox/_admin/faults", json=fault)).status_code < 300
        media_id = await busiest_media(client, owner.ig_id)
        async with app.state.resources.events.subscribe(owner.user.user_id) as subscription:
            sent = await admin("simulate/comment", {"media_id": media_id, "text": "more spam"})
            await drain(app)
            event = await subscription.get()
        assert (event.data["text"], event.data["hidden"]) == ("more spam", False)

        inbox = await client.get(f"{API}/comments", params={"search": "more spam"}, headers=owner.headers)
        (stored,) = inbox.json()["items"]
        assert (stored["platform_comment_id"], stored["hidden"]) == (sent["id"], False)
        (entry,) = await audit_of(client, owner)
        assert (entry["action"], entry["succeeded"]) == ("hide", False)
        assert entry["error"]
        world = app.state.sandbox_app.state.sandbox.world
        assert world.comments[sent["id"]].hidden is False

    async def test_a_regex_delete_rule_deletes_on_instagram(self, client, app, owner, webhooks_on, admin):
        response = await client.post(
            f"{API}/accounts/{owner.account['id']}/moderation-rules",
            json={"name": "Links", "kind": "regex", "patterns": [r"https?://\S+"], "action": "delete"},
            headers=owner.headers,
        )
        assert response.status_code == 201, response.text
        media_id = await busiest_media(client, owner.ig_id)
        sent = await admin("simulate/comment", {"media_id": media_id, "text": "win at http://x.example"})
        await drain(app)
        world = app.state.sandbox_app.state.sandbox.world
        assert sent["id"] not in world.comments or world.comments[sent["id"]].deleted
        (entry,) = await audit_of(client, owner)
        assert (entry["action"], entry["succeeded"]) == ("delete", True)
        inbox = await client.get(f"{API}/comments", params={"search": "win at"}, headers=owner.headers)
        assert inbox.json()["items"] == []
