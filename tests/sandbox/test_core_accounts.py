"""Users, Pages and IG accounts: `/me`, `/me/accounts`, `/{page-id}`, `/{ig-user-id}`, recorded shapes."""

from __future__ import annotations

import json

import pytest

from tests.fixtures.paths import GRAPH_FIXTURES
from tests.sandbox.sandbox_helpers import VERSION, issue_token
from tests.sandbox.shapes import assert_same_shape

FIXTURES = GRAPH_FIXTURES


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def user_named(sandbox, name: str) -> str:
    return next(u.id for u in sandbox.world.fb_users.values() if u.name == name)


class TestMe:
    async def test_defaults_to_name_and_id(self, sandbox_client, tokens):
        body = (await sandbox_client.get("/graph/me", params={"access_token": tokens.user})).json()
        assert body == {"name": "Sandbox Creator", "id": tokens.user_id}

    async def test_reads_the_user_by_id(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "fields": "id,first_name,last_name,picture"}
        body = (await sandbox_client.get(f"/graph/{tokens.user_id}", params=params)).json()
        assert body["first_name"] == "Sandbox"
        assert body["picture"]["data"]["url"].startswith("http://sandbox.test/cdn/")

    async def test_cannot_read_another_user(self, sandbox_client, tokens, sandbox):
        other = user_named(sandbox, "Nora Nopages")
        error = (await sandbox_client.get(f"/graph/{other}", params={"access_token": tokens.user})).json()[
            "error"
        ]
        assert (error["code"], error["error_subcode"]) == (100, 33)


class TestAccounts:
    async def test_default_fields_match_the_recording(self, sandbox_client, tokens):
        body = (await sandbox_client.get("/graph/me/accounts", params={"access_token": tokens.user})).json()
        assert len(body["data"]) == 3
        assert_same_shape(fixture("base/user_accounts_token.json"), body)

    async def test_limit_and_summary_match_the_paged_recording(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "limit": "2", "summary": "1"}
        body = (await sandbox_client.get(f"/graph/{VERSION}/{tokens.user_id}/accounts", params=params)).json()
        assert_same_shape(fixture("facebook/apidata/users/user_accounts_p1.json"), body)
        assert body["summary"] == {"total_count": 3}

    async def test_instagram_business_account_is_absent_for_unlinked_pages(self, sandbox_client, tokens):
        params = {
            "access_token": tokens.user,
            "fields": "id,name,access_token,category,tasks,instagram_business_account",
        }
        pages = (await sandbox_client.get("/graph/me/accounts", params=params)).json()["data"]
        linked = [p for p in pages if "instagram_business_account" in p]
        assert len(linked) == 2
        unlinked = next(p for p in pages if p["id"] == tokens.unlinked_page_id)
        assert set(unlinked) == {"id", "name", "access_token", "category", "tasks"}

    async def test_expands_the_instagram_account(self, sandbox_client, tokens):
        params = {
            "access_token": tokens.user,
            "fields": "instagram_business_account{id,username,followers_count,profile_picture_url}",
        }
        pages = (await sandbox_client.get("/graph/me/accounts", params=params)).json()["data"]
        accounts = sorted(
            (p["instagram_business_account"] for p in pages if len(p) > 1), key=lambda a: a["username"]
        )
        assert [a["username"] for a in accounts] == ["sandbox.creator", "sandbox.studio"]
        assert accounts[0]["followers_count"] == 1250
        assert accounts[1]["followers_count"] == 48000

    async def test_page_tokens_are_stable_per_user_token(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "fields": "access_token"}
        again = (await sandbox_client.get("/graph/me/accounts", params=params)).json()["data"]
        assert {p["id"]: p["access_token"] for p in again} == tokens.pages

    async def test_a_user_without_pages_gets_an_empty_list(self, sandbox_client, sandbox):
        token = await issue_token(sandbox_client, user_id=user_named(sandbox, "Nora Nopages"))
        assert (await sandbox_client.get("/graph/me/accounts", params={"access_token": token})).json() == {
            "data": []
        }

    async def test_a_user_whose_page_has_no_ig_account(self, sandbox_client, sandbox):
        token = await issue_token(sandbox_client, user_id=user_named(sandbox, "Uma Unlinked"))
        params = {"access_token": token, "fields": "id,name,instagram_business_account"}
        pages = (await sandbox_client.get("/graph/me/accounts", params=params)).json()["data"]
        assert len(pages) == 1
        assert "instagram_business_account" not in pages[0]


class TestPage:
    async def test_reads_fields_with_a_user_token(self, sandbox_client, tokens, sandbox):
        page_id = sandbox.world.ig_users[tokens.creator_ig].page_id
        params = {
            "access_token": tokens.user,
            "fields": "name,category,access_token,instagram_business_account",
        }
        body = (await sandbox_client.get(f"/graph/{page_id}", params=params)).json()
        assert body["id"] == page_id
        assert body["access_token"] == tokens.pages[page_id]
        assert body["instagram_business_account"] == {"id": tokens.creator_ig}

    async def test_matches_the_recorded_single_fields_page(self, sandbox_client, tokens):
        page_id = next(iter(tokens.pages))
        params = {"access_token": tokens.pages[page_id], "fields": "id,name,username,fan_count"}
        body = (await sandbox_client.get(f"/graph/{page_id}", params=params)).json()
        assert_same_shape(fixture("facebook/apidata/pages/single_fields_page.json"), body)

    @pytest.mark.parametrize(("kind", "size"), [("large", 200), ("small", 50)])
    async def test_picture_type_modifier(self, sandbox_client, tokens, kind, size):
        page_id = next(iter(tokens.pages))
        params = {"access_token": tokens.user, "fields": f"picture.type({kind})"}
        body = (await sandbox_client.get(f"/graph/{page_id}", params=params)).json()
        assert body["picture"]["data"]["width"] == size

    async def test_another_pages_token_cannot_read_it(self, sandbox_client, tokens):
        first, second = list(tokens.pages)[:2]
        response = await sandbox_client.get(f"/graph/{first}", params={"access_token": tokens.pages[second]})
        assert response.json()["error"]["error_subcode"] == 33


class TestInstagramUser:
    FIELDS = (
        "id,username,name,profile_picture_url,followers_count,follows_count,"
        "media_count,biography,website,ig_id"
    )

    async def test_profile_fields(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "fields": self.FIELDS}
        body = (await sandbox_client.get(f"/graph/{VERSION}/{tokens.creator_ig}", params=params)).json()
        assert set(body) == set(self.FIELDS.split(","))
        assert body["username"] == "sandbox.creator"
        assert body["media_count"] >= 3
        assert isinstance(body["ig_id"], int)

    async def test_defaults_to_the_id_only(self, sandbox_client, tokens):
        body = (
            await sandbox_client.get(f"/graph/{tokens.creator_ig}", params={"access_token": tokens.user})
        ).json()
        assert body == {"id": tokens.creator_ig}

    async def test_matches_the_recorded_user_fields(self, sandbox_client, tokens):
        recorded = fixture("instagram/apidata/users/user_fields.json")
        params = {"access_token": tokens.user, "fields": ",".join(recorded)}
        body = (await sandbox_client.get(f"/graph/{tokens.creator_ig}", params=params)).json()
        assert_same_shape(recorded, body)

    async def test_profile_picture_is_served_by_the_cdn(self, sandbox_client, tokens):
        params = {"access_token": tokens.user, "fields": "profile_picture_url"}
        body = (await sandbox_client.get(f"/graph/{tokens.creator_ig}", params=params)).json()
        picture = await sandbox_client.get(body["profile_picture_url"])
        assert picture.headers["content-type"] == "image/jpeg"
        assert picture.content[:2] == b"\xff\xd8"


class TestErrorShape:
    async def test_errors_match_the_recorded_envelope(self, sandbox_client, tokens):
        response = await sandbox_client.get("/graph/1234567890", params={"access_token": tokens.user})
        assert_same_shape(fixture("base/error_data.json"), response.json(), ignore=("$.error.error_subcode",))
