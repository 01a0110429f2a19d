"""Account discovery also finds the Pages a Business Manager reaches, and says where each came from."""

from __future__ import annotations

from graph_sandbox.seed import add_business_manager_user
from tests.fixtures.oauth_flow import API, authorize_and_return, oauth_result, sandbox_of


async def available(client, headers) -> dict:
    response = await client.get(f"{API}/available-accounts", headers=headers)
    assert response.status_code == 200
    return response.json()


class TestBusinessManagerPages:
    async def test_pages_owned_or_managed_by_a_business_are_offered_once_each_with_their_source(
        self, client, signup, app
    ):
        sandbox = sandbox_of(app)
        add_business_manager_user(sandbox.world, sandbox.cdn)
        user = await signup(client)
        result = oauth_result(await authorize_and_return(client, user.headers, log_in_as="Bo Business"))
        assert result["status"] == "success"
        assert result["accounts_available"] == 3
        items = {item["username"]: item for item in (await available(client, user.headers))["items"]}
        assert set(items) == {"bo.bakery", "bo.bistro", "cleo.cafe"}
        # The Bakery is both his own Page and the business's: kept once, as his own.
        assert (items["bo.bakery"]["source"], items["bo.bakery"]["business_name"]) == ("page_role", None)
        assert (items["bo.bistro"]["source"], items["bo.bistro"]["business_name"]) == (
            "business_owned",
            "Bo Holdings",
        )
        assert (items["cleo.cafe"]["source"], items["cleo.cafe"]["business_name"]) == (
            "business_client",
            "Bo Holdings",
        )
        assert all("page_access_token" not in item for item in items.values())

    async def test_an_account_reached_through_the_business_connects_and_records_it(self, client, signup, app):
        sandbox = sandbox_of(app)
        add_business_manager_user(sandbox.world, sandbox.cdn)
        user = await signup(client)
        await authorize_and_return(client, user.headers, log_in_as="Bo Business")
        items = (await available(client, user.headers))["items"]
        cafe = next(item for item in items if item["username"] == "cleo.cafe")
        response = await client.post(
            f"{API}/select-account", json={"instagram_business_account_id": cafe["id"]}, headers=user.headers
        )
        assert response.status_code == 200
        account = response.json()
        assert account["username"] == "cleo.cafe"
        assert account["meta_info"]["page_source"] == "business_client"
        assert account["meta_info"]["business_name"] == "Bo Holdings"
        assert account["is_active"] is True

    async def test_without_business_management_only_own_pages_are_offered(self, client, signup, app):
        sandbox = sandbox_of(app)
        add_business_manager_user(sandbox.world, sandbox.cdn)
        user = await signup(client)
        result = oauth_result(
            await authorize_and_return(
                client, user.headers, log_in_as="Bo Business", untick=("business_management",)
            )
        )
        assert result["status"] == "success"
        assert result["accounts_available"] == 1
        assert result["missing_permissions"] == ["business_management"]
        (item,) = (await available(client, user.headers))["items"]
        assert item["username"] == "bo.bakery"
