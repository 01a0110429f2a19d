"""Saved hashtag groups: CRUD, validation, bounds (50 groups, 30 hashtags each), each user's own."""

from __future__ import annotations

import pytest

API = "/api/v1/hashtags/groups"


@pytest.fixture
async def user(client, signup):
    return await signup(client)


async def create(client, user, name: str = "Travel", hashtags=("travel", "#Wanderlust")):
    return await client.post(API, json={"name": name, "hashtags": list(hashtags)}, headers=user.headers)


class TestCrud:
    async def test_create_read_update_delete(self, client, user):
        created = await create(client, user)
        assert created.status_code == 201, created.text
        group = created.json()
        assert (group["name"], group["hashtags"]) == ("Travel", ["travel", "wanderlust"])
        url = f"{API}/{group['id']}"
        assert (await client.get(url, headers=user.headers)).json()["hashtags"] == ["travel", "wanderlust"]
        changed = await client.put(
            url, json={"name": "Trips", "hashtags": ["roadtrip"]}, headers=user.headers
        )
        assert (changed.json()["name"], changed.json()["hashtags"]) == ("Trips", ["roadtrip"])
        listed = (await client.get(API, headers=user.headers)).json()
        assert ([g["name"] for g in listed["items"]], listed["next_cursor"]) == (["Trips"], None)
        assert (await client.delete(url, headers=user.headers)).status_code == 204
        assert (await client.get(url, headers=user.headers)).status_code == 404

    async def test_repeated_hashtags_are_kept_once(self, client, user):
        created = await create(client, user, hashtags=["food", "#FOOD", "foodie"])
        assert created.json()["hashtags"] == ["food", "foodie"]

    async def test_a_name_is_used_once_per_user(self, client, user):
        await create(client, user)
        again = await create(client, user)
        assert (again.status_code, again.json()["error"]) == (409, "Conflict")


class TestValidation:
    @pytest.mark.parametrize(
        "body",
        [
            {"name": "", "hashtags": ["a"]},
            {"name": "x" * 101, "hashtags": ["a"]},
            {"name": "Empty", "hashtags": []},
            {"name": "Bad", "hashtags": ["two words"]},
            {"name": "Emoji", "hashtags": ["sun🌅"]},
            {"name": "Digits", "hashtags": ["2024"]},
            {"name": "Many", "hashtags": [f"tag{i}" for i in range(31)]},
            {"name": "Extra", "hashtags": ["a"], "owner": 1},
        ],
    )
    async def test_refuses_bad_groups(self, client, user, body):
        response = await client.post(API, json=body, headers=user.headers)
        assert response.status_code == 422, body

    async def test_thirty_hashtags_fit(self, client, user):
        assert (await create(client, user, hashtags=[f"tag{i}" for i in range(30)])).status_code == 201

    async def test_at_most_fifty_groups(self, client, user):
        for index in range(50):
            assert (await create(client, user, name=f"Group {index}")).status_code == 201
        refused = await create(client, user, name="One more")
        assert refused.status_code == 409
        assert "50" in refused.json()["detail"]


class TestIsolation:
    async def test_another_users_group_is_404_and_unchanged(self, client, user, signup):
        group = (await create(client, user)).json()
        stranger = await signup(client)
        url = f"{API}/{group['id']}"
        assert (await client.get(url, headers=stranger.headers)).status_code == 404
        body = {"name": "Mine now", "hashtags": ["x"]}
        assert (await client.put(url, json=body, headers=stranger.headers)).status_code == 404
        assert (await client.delete(url, headers=stranger.headers)).status_code == 404
        assert (await client.get(API, headers=stranger.headers)).json()["items"] == []
        assert (await client.get(url, headers=user.headers)).json()["name"] == "Travel"

    async def test_the_same_name_may_exist_for_two_users(self, client, user, signup):
        await create(client, user)
        stranger = await signup(client)
        assert (await create(client, stranger)).status_code == 201

    async def test_needs_sign_in(self, client):
        assert (await client.get(API)).status_code == 401
