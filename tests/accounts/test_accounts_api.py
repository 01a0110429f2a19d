"""`/accounts` and the account side of `/oauth/instagram`: list, read, status, disconnect, delete."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from clipper.accounts.models import Account
from clipper.inbox.models import InboxComment, ModerationRule, RuleAction, RuleKind
from clipper.insights.models import InsightSnapshot, MediaInsightSnapshot
from clipper.social.models import SocialPost
from tests.fixtures.factories import create_post
from tests.fixtures.oauth_flow import API, connect_instagram, sandbox_admin, sandbox_of


async def graph_token_state(app, token: str):
    """The sandbox's record of a token (revoked, …)."""
    return sandbox_of(app).world.tokens[token]


class TestList:
    async def test_lists_the_users_accounts_with_pagination(self, client, signup):
        user = await signup(client)
        await connect_instagram(client, user.headers, username="sandbox.creator")
        await connect_instagram(client, user.headers, username="sandbox.studio")
        first = await client.get("/api/v1/accounts", params={"limit": 1}, headers=user.headers)
        assert first.status_code == 200
        page = first.json()
        assert [item["username"] for item in page["items"]] == ["sandbox.creator"]
        assert page["next_cursor"]
        rest = await client.get(
            "/api/v1/accounts", params={"limit": 1, "cursor": page["next_cursor"]}, headers=user.headers
        )
        assert [item["username"] for item in rest.json()["items"]] == ["sandbox.studio"]
        assert rest.json()["next_cursor"] is None

    async def test_a_malformed_cursor_is_a_422(self, client, signup):
        user = await signup(client)
        response = await client.get("/api/v1/accounts", params={"cursor": "x"}, headers=user.headers)
        assert response.status_code == 422

    async def test_reads_one_account(self, client, signup):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers)
        response = await client.get(f"/api/v1/accounts/{connected['id']}", headers=user.headers)
        assert response.status_code == 200
        assert response.json() == connected

    async def test_an_account_connected_through_facebook_login_says_so(self, client, signup):
        user = await signup(client)
        account = await connect_instagram(client, user.headers)
        assert account["login_flavour"] == "facebook"
        listed = (await client.get("/api/v1/accounts", headers=user.headers)).json()["items"]
        assert [item["login_flavour"] for item in listed] == ["facebook"]

    async def test_an_unknown_id_is_a_404(self, client, signup):
        user = await signup(client)
        assert (await client.get("/api/v1/accounts/999999", headers=user.headers)).status_code == 404


class TestStatus:
    async def test_reports_connected_accounts_with_health(self, client, signup):
        user = await signup(client)
        assert (await client.get(f"{API}/status", headers=user.headers)).json() == {
            "platform": "instagram",
            "connected": False,
            "accounts": [],
        }
        connected = await connect_instagram(client, user.headers)
        body = (await client.get(f"{API}/status", headers=user.headers)).json()
        assert body["connected"] is True
        [account] = body["accounts"]
        assert account["id"] == connected["id"]
        assert account["health_status"] == "healthy"
        assert account["action"] is None


class TestDisconnect:
    async def test_revokes_on_meta_deletes_the_tokens_and_marks_inactive(self, client, signup, session, app):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers)
        stored = await session.get_one(Account, connected["id"])
        user_token = app.state.resources.cipher.decrypt(stored.access_token_enc)
        response = await client.post(
            f"{API}/disconnect", json={"account_id": connected["id"]}, headers=user.headers
        )
        assert response.status_code == 200
        assert response.json()["is_active"] is False
        assert response.json()["action"] == "reconnect"
        assert (await graph_token_state(app, user_token)).revoked is True
        await session.refresh(stored)
        assert stored.access_token_enc is None
        assert stored.page_access_token_enc is None
        status = (await client.get(f"{API}/status", headers=user.headers)).json()
        assert status["connected"] is False
        assert status["accounts"][0]["action"] == "reconnect"

    async def test_keeps_the_facebook_login_when_another_account_still_uses_it(
        self, client, signup, session, app
    ):
        user = await signup(client)
        creator = await connect_instagram(client, user.headers, username="sandbox.creator")
        studio = await connect_instagram(client, user.headers, username="sandbox.studio")
        await client.post(f"{API}/disconnect", json={"account_id": creator["id"]}, headers=user.headers)
        checked = await client.post(f"/api/v1/accounts/{studio['id']}/check", headers=user.headers)
        assert checked.status_code == 200
        assert checked.json()["is_active"] is True
        assert checked.json()["health_status"] == "healthy"

    async def test_succeeds_when_meta_cannot_revoke(self, client, signup, session):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers)
        await sandbox_admin(
            client,
            "faults",
            {"path": ".*permissions.*", "method": "DELETE", "code": 2, "http_status": 500, "times": 10},
        )
        response = await client.post(
            f"{API}/disconnect", json={"account_id": connected["id"]}, headers=user.headers
        )
        assert response.status_code == 200
        assert response.json()["is_active"] is False

    @pytest.mark.parametrize("username", ["sandbox.creator", "sandbox.studio"])
    async def test_select_account_cannot_bring_back_a_disconnected_account(self, client, signup, username):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers, username=username)
        await client.post(f"{API}/disconnect", json={"account_id": connected["id"]}, headers=user.headers)
        available = (await client.get(f"{API}/available-accounts", headers=user.headers)).json()["items"]
        assert connected["platform_account_id"] not in [item["id"] for item in available]
        again = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": connected["platform_account_id"]},
            headers=user.headers,
        )
        assert again.status_code == 409
        assert "click Connect Instagram again" in again.json()["detail"]
        account = (await client.get(f"/api/v1/accounts/{connected['id']}", headers=user.headers)).json()
        assert account["is_active"] is False
        assert account["action"] == "reconnect"

    async def test_the_other_accounts_of_the_login_stay_choosable(self, client, signup):
        user = await signup(client)
        creator = await connect_instagram(client, user.headers, username="sandbox.creator")
        await client.post(f"{API}/disconnect", json={"account_id": creator["id"]}, headers=user.headers)
        available = (await client.get(f"{API}/available-accounts", headers=user.headers)).json()["items"]
        (studio,) = available
        assert studio["username"] == "sandbox.studio"
        selected = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": studio["id"]},
            headers=user.headers,
        )
        assert selected.status_code == 200
        assert selected.json()["is_active"] is True

    async def test_unsubscribes_the_page_from_webhooks(self, client, signup, app):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers)
        page = sandbox_of(app).world.pages[connected["meta_info"]["facebook_page_id"]]
        assert page.subscribed_fields == ["feed", "messages"]
        await client.post(f"{API}/disconnect", json={"account_id": connected["id"]}, headers=user.headers)
        assert page.subscribed_fields == []

    async def test_keeps_the_page_subscribed_while_another_user_has_the_account_connected(
        self, client, signup, app
    ):
        agency, owner = await signup(client), await signup(client)
        theirs = await connect_instagram(client, agency.headers, username="sandbox.creator")
        mine = await connect_instagram(client, owner.headers, username="sandbox.creator")
        await client.post(f"{API}/disconnect", json={"account_id": mine["id"]}, headers=owner.headers)
        page = sandbox_of(app).world.pages[theirs["meta_info"]["facebook_page_id"]]
        assert page.subscribed_fields == ["feed", "messages"]

    async def test_then_reconnecting_makes_it_active_again(self, client, signup):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers)
        await client.post(f"{API}/disconnect", json={"account_id": connected["id"]}, headers=user.headers)
        again = await connect_instagram(client, user.headers, username=connected["username"])
        assert again["id"] == connected["id"]
        assert again["is_active"] is True
        assert again["action"] is None


class TestDelete:
    async def test_deletes_the_account_and_everything_stored_for_it(self, client, signup, session, app):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers)
        stored = await session.get_one(Account, connected["id"])
        user_token = app.state.resources.cipher.decrypt(stored.access_token_enc)
        post = await create_post(session, account=stored)
        response = await client.delete(f"/api/v1/accounts/{connected['id']}", headers=user.headers)
        assert response.status_code == 204
        assert (
            await client.get(f"/api/v1/accounts/{connected['id']}", headers=user.headers)
        ).status_code == 404
        session.expunge_all()
        assert await session.get(Account, connected["id"]) is None
        assert (await session.scalars(select(SocialPost).where(SocialPost.id == post.id))).all() == []
        assert (await graph_token_state(app, user_token)).revoked is True

    async def test_deletes_the_inbox_and_insights_rows_too(self, client, signup, session):
        user = await signup(client)
        kept = await connect_instagram(client, user.headers, username="sandbox.studio")
        connected = await connect_instagram(client, user.headers, username="sandbox.creator")
        for account_id in (kept["id"], connected["id"]):
            session.add_all(account_rows(account_id))
        await session.flush()
        response = await client.delete(f"/api/v1/accounts/{connected['id']}", headers=user.headers)
        assert response.status_code == 204
        session.expunge_all()
        for model in (InboxComment, ModerationRule, InsightSnapshot, MediaInsightSnapshot):
            owners = (await session.scalars(select(model.account_id))).all()
            assert owners == [kept["id"]], model.__name__

    async def test_its_tokens_leave_the_last_authorization(self, client, signup):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers, username="sandbox.creator")
        await client.delete(f"/api/v1/accounts/{connected['id']}", headers=user.headers)
        again = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": connected["platform_account_id"]},
            headers=user.headers,
        )
        assert again.status_code == 409
        listed = (await client.get("/api/v1/accounts", headers=user.headers)).json()["items"]
        assert listed == []


def account_rows(account_id: int) -> list[object]:
    """One row of each inbox and insights table for the account."""
    now = datetime.now(UTC)
    return [
        InboxComment(
            account_id=account_id,
            platform_comment_id=f"c{account_id}",
            media_id="m1",
            text="hi",
            commented_at=now,
        ),
        ModerationRule(
            account_id=account_id,
            name="spam",
            kind=RuleKind.KEYWORD,
            patterns=["spam"],
            action=RuleAction.HIDE,
        ),
        InsightSnapshot(account_id=account_id, metric="reach", day=now.date(), value=12),
        MediaInsightSnapshot(account_id=account_id, media_id="m1", media_product_type="FEED", source="graph"),
    ]


ENDPOINTS = [
    ("GET", "/api/v1/accounts/{id}", None),
    ("DELETE", "/api/v1/accounts/{id}", None),
    ("POST", "/api/v1/accounts/{id}/check", None),
    ("POST", "/api/v1/oauth/instagram/disconnect", {"account_id": "{id}"}),
]


class TestIsolation:
    @pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
    async def test_another_users_account_is_a_404(self, client, signup, session, method, path, body):
        owner, other = await signup(client), await signup(client)
        connected = await connect_instagram(client, owner.headers)
        account_id = connected["id"]
        json_body = dict.fromkeys(body, account_id) if body else None
        response = await client.request(
            method, path.format(id=account_id), json=json_body, headers=other.headers
        )
        assert response.status_code == 404
        assert response.json()["error"] == "NotFound"
        mine = await client.get(f"/api/v1/accounts/{account_id}", headers=owner.headers)
        assert mine.json() == connected

    @pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
    async def test_every_endpoint_needs_a_signed_in_user(self, client, method, path, body):
        json_body = dict.fromkeys(body, 1) if body else None
        response = await client.request(method, path.format(id=1), json=json_body)
        assert response.status_code == 401

    async def test_lists_status_and_selection_never_show_another_users_accounts(self, client, signup):
        owner, other = await signup(client), await signup(client)
        connected = await connect_instagram(client, owner.headers)
        assert (await client.get("/api/v1/accounts", headers=other.headers)).json()["items"] == []
        assert (await client.get(f"{API}/status", headers=other.headers)).json()["accounts"] == []
        assert (await client.get(f"{API}/available-accounts", headers=other.headers)).json()["items"] == []
        stolen = await client.post(
            f"{API}/select-account",
            json={"instagram_business_account_id": connected["platform_account_id"]},
            headers=other.headers,
        )
        assert stolen.status_code == 409
        assert (await client.get("/api/v1/accounts", headers=other.headers)).json()["items"] == []

    async def test_the_same_instagram_account_can_belong_to_two_users_separately(
        self, client, signup, session
    ):
        owner, other = await signup(client), await signup(client)
        mine = await connect_instagram(client, owner.headers, username="sandbox.studio")
        theirs = await connect_instagram(client, other.headers, username="sandbox.studio")
        assert mine["id"] != theirs["id"]

    @pytest.mark.parametrize(
        ("method", "path"),
        [
            ("GET", "/api/v1/accounts"),
            ("GET", f"{API}/status"),
            ("GET", f"{API}/available-accounts"),
            ("GET", f"{API}/authorize"),
            ("POST", f"{API}/select-account"),
        ],
    )
    async def test_collection_endpoints_need_a_signed_in_user(self, client, method, path):
        response = await client.request(method, path, json={"instagram_business_account_id": "1"})
        assert response.status_code == 401


class TestProfile:
    async def test_the_account_carries_its_followers_media_and_picture_from_the_connect(
        self, client, signup, app
    ):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers, username="sandbox.creator")
        ig = sandbox_of(app).world.ig_users[connected["platform_account_id"]]
        listed = (await client.get("/api/v1/accounts", headers=user.headers)).json()["items"][0]
        assert listed["followers_count"] == ig.followers_count > 0
        assert listed["media_count"] == len(sandbox_of(app).world.media_of(ig.id))
        assert listed["profile_picture_url"] == ig.profile_picture_url
        assert listed["profile_refreshed_at"] is not None

    async def test_listing_accounts_asks_meta_nothing(self, client, signup, app):
        user = await signup(client)
        await connect_instagram(client, user.headers)
        seen: list[str] = []
        graph = app.state.resources.graph
        graph._on_call = lambda what, *_: seen.append(what)
        try:
            for _ in range(3):
                assert (await client.get("/api/v1/accounts", headers=user.headers)).status_code == 200
        finally:
            graph._on_call = None
        assert seen == []

    async def test_check_now_refreshes_the_profile(self, client, signup, app):
        user = await signup(client)
        connected = await connect_instagram(client, user.headers)
        sandbox_of(app).world.ig_users[connected["platform_account_id"]].followers_count = 4321
        response = await client.post(f"/api/v1/accounts/{connected['id']}/check", headers=user.headers)
        assert response.status_code == 200, response.text
        assert response.json()["followers_count"] == 4321
        got = (await client.get(f"/api/v1/accounts/{connected['id']}", headers=user.headers)).json()
        assert got["followers_count"] == 4321


class TestLoginFlavourPermissions:
    async def test_an_instagram_login_account_lists_what_its_login_left_out(self, client, signup, session):
        user = await signup(client)
        me = (await client.get("/api/v1/auth/me", headers=user.headers)).json()
        account = Account(
            user_id=me["id"],
            platform="instagram",
            platform_account_id="17841400000009999",
            account_username="standalone.creator",
            login_flavour="instagram",
            granted_permissions=["instagram_business_basic", "instagram_business_content_publish"],
        )
        session.add(account)
        await session.flush()
        read = (await client.get(f"/api/v1/accounts/{account.id}", headers=user.headers)).json()
        assert read["login_flavour"] == "instagram"
        assert read["missing_permissions"] == [
            "instagram_business_manage_comments",
            "instagram_business_manage_insights",
            "instagram_business_manage_messages",
        ]
