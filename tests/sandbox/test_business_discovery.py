"""Business Discovery in the sandbox: fields, the professional-only rule, permissions, hidden likes."""

from __future__ import annotations

import pytest

from graph_sandbox.seed import add_business_manager_user
from tests.sandbox.sandbox_helpers import VERSION, issue_token

FIELDS = (
    "followers_count,media_count,username,name,biography,profile_picture_url,"
    "media.limit({limit}){{id,caption,like_count,comments_count,timestamp,media_type,permalink}}"
)


def discovery(username: str, limit: int = 5) -> str:
    return f"business_discovery.username({username}){{{FIELDS.format(limit=limit)}}}"


async def discover(client, ig_id: str, token: str, username: str, limit: int = 5):
    params = {"access_token": token, "fields": discovery(username, limit)}
    return await client.get(f"/graph/{VERSION}/{ig_id}", params=params)


class TestDiscoveredFields:
    async def test_returns_the_public_profile_and_recent_media(self, sandbox_client, tokens):
        response = await discover(sandbox_client, tokens.creator_ig, tokens.user, "rival.studio", limit=3)
        assert response.status_code == 200
        body = response.json()
        assert body["id"] == tokens.creator_ig
        found = body["business_discovery"]
        assert found["username"] == "rival.studio"
        assert found["followers_count"] == 12_400
        assert found["media_count"] == 6
        assert set(found) >= {"id", "name", "biography", "profile_picture_url"}
        media = found["media"]["data"]
        assert len(media) == 3
        assert set(media[0]) == {
            "id",
            "caption",
            "like_count",
            "comments_count",
            "timestamp",
            "media_type",
            "permalink",
        }
        assert media[0]["timestamp"] > media[1]["timestamp"]
        assert "next" in found["media"]["paging"]

    async def test_username_is_case_insensitive(self, sandbox_client, tokens):
        response = await discover(sandbox_client, tokens.creator_ig, tokens.user, "Rival.Studio")
        assert response.json()["business_discovery"]["username"] == "rival.studio"

    async def test_another_connected_professional_account_is_discoverable(self, sandbox_client, tokens):
        response = await discover(sandbox_client, tokens.creator_ig, tokens.user, "sandbox.studio")
        assert response.json()["business_discovery"]["followers_count"] == 48_000

    async def test_like_count_is_left_out_where_the_owner_hides_it(self, sandbox_client, tokens):
        response = await discover(sandbox_client, tokens.creator_ig, tokens.user, "lens.and.light")
        media = response.json()["business_discovery"]["media"]["data"]
        hidden = [m for m in media if "like_count" not in m]
        shown = [m for m in media if "like_count" in m]
        assert hidden
        assert shown
        assert all("comments_count" in m for m in hidden)

    async def test_a_non_public_field_is_refused(self, sandbox_client, tokens):
        params = {
            "access_token": tokens.user,
            "fields": "business_discovery.username(rival.studio){insights}",
        }
        response = await sandbox_client.get(f"/graph/{VERSION}/{tokens.creator_ig}", params=params)
        assert response.status_code == 400
        assert "nonexisting field (insights)" in response.json()["error"]["message"]


class TestOnlyProfessionalAccounts:
    @pytest.mark.parametrize("username", ["just.a.friend", "nobody.here.at.all"])
    async def test_personal_or_unknown_usernames_get_invalid_user_id(self, sandbox_client, tokens, username):
        response = await discover(sandbox_client, tokens.creator_ig, tokens.user, username)
        assert response.status_code == 400
        error = response.json()["error"]
        assert (error["code"], error["error_subcode"]) == (110, 2207013)
        assert error["error_user_title"] == "Cannot find User"
        assert username in error["error_user_msg"]

    async def test_an_account_turned_personal_stops_being_discoverable(self, sandbox_client, tokens):
        patched = await sandbox_client.patch(
            "/_admin/discovery/accounts/rival.studio", json={"account_type": "PERSONAL"}
        )
        assert patched.status_code == 200
        response = await discover(sandbox_client, tokens.creator_ig, tokens.user, "rival.studio")
        assert response.json()["error"]["code"] == 110


class TestPermissions:
    @pytest.mark.parametrize(
        "missing", ["instagram_basic", "instagram_manage_insights", "pages_read_engagement"]
    )
    async def test_each_documented_permission_is_required(self, sandbox_client, tokens, missing):
        scopes = ["instagram_basic", "instagram_manage_insights", "pages_read_engagement", "pages_show_list"]
        token = await issue_token(
            sandbox_client, kind="USER_LONG", scopes=[s for s in scopes if s != missing]
        )
        response = await discover(sandbox_client, tokens.creator_ig, token, "rival.studio")
        assert response.status_code == 403
        error = response.json()["error"]
        assert error["code"] == 200
        assert missing in error["message"]

    async def test_the_three_permissions_are_enough(self, sandbox_client, tokens):
        scopes = ["instagram_basic", "instagram_manage_insights", "pages_read_engagement"]
        token = await issue_token(sandbox_client, kind="USER_LONG", scopes=scopes)
        response = await discover(sandbox_client, tokens.creator_ig, token, "rival.studio")
        assert response.status_code == 200

    async def test_a_page_reached_through_a_business_manager_also_needs_an_ads_permission(
        self, sandbox_client, sandbox
    ):
        bo = add_business_manager_user(sandbox.world, sandbox.cdn)
        bistro = next(ig for ig in sandbox.world.ig_users.values() if ig.username == "bo.bistro")
        base = [
            "instagram_basic",
            "instagram_manage_insights",
            "pages_read_engagement",
            "business_management",
        ]
        without = await issue_token(sandbox_client, kind="USER_LONG", user_id=bo.id, scopes=base)
        refused = await discover(sandbox_client, bistro.id, without, "rival.studio")
        assert refused.status_code == 403
        assert "ads_management" in refused.json()["error"]["message"]
        with_ads = await issue_token(
            sandbox_client, kind="USER_LONG", user_id=bo.id, scopes=[*base, "ads_read"]
        )
        assert (await discover(sandbox_client, bistro.id, with_ads, "rival.studio")).status_code == 200

    async def test_the_instagram_host_has_no_business_discovery(self, sandbox_client):
        token = await issue_token(sandbox_client, flavour="instagram")
        params = {"access_token": token, "fields": discovery("rival.studio")}
        response = await sandbox_client.get("/graph-instagram/me", params=params)
        assert response.status_code == 400
        assert "nonexisting field (business_discovery)" in response.json()["error"]["message"]


class TestAdminChangesTheNumbers:
    async def test_followers_and_new_posts_show_on_the_next_read(self, sandbox_client, tokens):
        await sandbox_client.patch(
            "/_admin/discovery/accounts/daily.frames", json={"followers_count": 90_001}
        )
        posted = await sandbox_client.post(
            "/_admin/discovery/accounts/daily.frames/media", json={"like_count": 5000, "comments_count": 40}
        )
        assert posted.status_code == 200
        found = (await discover(sandbox_client, tokens.creator_ig, tokens.user, "daily.frames")).json()[
            "business_discovery"
        ]
        assert found["followers_count"] == 90_001
        assert found["media_count"] == 9
        assert found["media"]["data"][0]["like_count"] == 5000

    async def test_an_unknown_outside_account_is_404(self, sandbox_client):
        response = await sandbox_client.patch("/_admin/discovery/accounts/nope", json={"followers_count": 1})
        assert response.status_code == 404
