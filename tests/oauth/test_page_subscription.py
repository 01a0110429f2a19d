"""Connecting an account installs the app on its Page, without which Meta sends it no webhooks (§10.1)."""

from __future__ import annotations

from tests.fixtures.inbox import API, busiest_media, drain
from tests.fixtures.oauth_flow import sandbox_of


class TestCommentWebhooks:
    async def test_a_comment_arrives_only_because_connecting_subscribed_the_page(
        self, client, app, owner, webhooks_on, admin
    ):
        page = sandbox_of(app).world.pages[owner.account["meta_info"]["facebook_page_id"]]
        assert page.subscribed_fields == ["feed", "messages"]
        media_id = await busiest_media(client, owner.ig_id)

        heard = await admin("simulate/comment", {"media_id": media_id, "text": "Heard, thanks to the Page"})
        assert [delivery["status"] for delivery in heard["deliveries"]] == ["delivered"]
        await drain(app)
        inbox = await client.get(
            f"{API}/comments", params={"search": "thanks to the Page"}, headers=owner.headers
        )
        assert [c["platform_comment_id"] for c in inbox.json()["items"]] == [heard["id"]]

        page.subscribed_fields = []  # as if connecting had not subscribed it
        unheard = await admin("simulate/comment", {"media_id": media_id, "text": "Never delivered"})
        assert unheard["deliveries"] == []

    async def test_disconnecting_stops_the_webhooks(self, client, app, owner, webhooks_on, admin):
        response = await client.post(
            "/api/v1/oauth/instagram/disconnect",
            json={"account_id": owner.account["id"]},
            headers=owner.headers,
        )
        assert response.status_code == 200
        media_id = await busiest_media(client, owner.ig_id)
        simulated = await admin("simulate/comment", {"media_id": media_id, "text": "After disconnect"})
        assert simulated["deliveries"] == []
