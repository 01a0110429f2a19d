"""Two users: comment settings, one moderation rule, the audit trail and the inbox filter stay private."""

from __future__ import annotations

import pytest

from tests.fixtures.inbox import API, busiest_media, connect


@pytest.fixture
async def stranger(client, signup):
    return await connect(client, signup, username="sandbox.studio")


def world(app):
    return app.state.sandbox_app.state.sandbox.world


class TestAnotherUsersAccount:
    async def test_comment_settings_are_404_and_nothing_changes(self, client, app, owner, stranger):
        media_id = await busiest_media(client, owner.ig_id)
        response = await client.post(
            f"{API}/media/{media_id}/comment-settings",
            json={"account_id": owner.account["id"], "enabled": False},
            headers=stranger.headers,
        )
        assert response.status_code == 404
        assert world(app).media[media_id].comment_enabled is True

    async def test_one_rule_is_404_to_read_change_or_delete(self, client, owner, stranger):
        base = f"{API}/accounts/{owner.account['id']}/moderation-rules"
        created = await client.post(base, json={"name": "Mine", "patterns": ["spam"]}, headers=owner.headers)
        rule = f"{base}/{created.json()['id']}"
        # Through the owner's account id, and through the stranger's own account id.
        through_own = f"{API}/accounts/{stranger.account['id']}/moderation-rules/{created.json()['id']}"
        for url in (rule, through_own):
            assert (await client.get(url, headers=stranger.headers)).status_code == 404
            patched = await client.patch(url, json={"enabled": False}, headers=stranger.headers)
            assert patched.status_code == 404
            assert (await client.delete(url, headers=stranger.headers)).status_code == 404
        kept = await client.get(rule, headers=owner.headers)
        assert (kept.status_code, kept.json()["enabled"], kept.json()["name"]) == (200, True, "Mine")

    async def test_the_audit_trail_is_404(self, client, owner, stranger):
        url = f"{API}/accounts/{owner.account['id']}/moderation-actions"
        assert (await client.get(url, headers=owner.headers)).status_code == 200
        assert (await client.get(url, headers=stranger.headers)).status_code == 404

    async def test_the_inbox_filtered_on_their_account_is_empty(self, client, owner, stranger):
        synced = await client.post(f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers)
        assert synced.json()["new_comments"] > 0
        params = {"account_id": owner.account["id"]}
        assert (await client.get(f"{API}/comments", params=params, headers=owner.headers)).json()["items"]
        theirs = await client.get(f"{API}/comments", params=params, headers=stranger.headers)
        assert (theirs.status_code, theirs.json()["items"]) == (200, [])
