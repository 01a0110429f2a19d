"""Reading comments without instagram_manage_comments: a 409 naming the permission."""

from __future__ import annotations

from tests.fixtures.inbox import API, busiest_media, connect


class TestCommentsPermission:
    async def test_missing_comments_permission_is_a_409_naming_it(self, client, signup, owner, admin):
        del admin
        who = await connect(client, signup, untick=("instagram_manage_comments",))
        media_id = await busiest_media(client, who.ig_id)
        response = await client.get(
            f"{API}/media/{media_id}/comments", params={"account_id": who.account["id"]}, headers=who.headers
        )
        assert response.status_code == 409
        assert response.json()["permission"] == "instagram_manage_comments"
