"""A token Meta refuses mid-request (or mid-job) leaves the account marked for reconnection, durably."""

from __future__ import annotations

from sqlalchemy import select

from clipper.accounts.models import Account
from tests.fixtures.inbox import API, busiest_media, drain
from tests.fixtures.oauth_flow import connect_instagram

ACCOUNTS = "/api/v1/accounts"
STATUS = "/api/v1/oauth/instagram/status"


async def stored_tokens(app, account_id: int) -> tuple[str, str]:
    """The account's Page token and user token, decrypted (read through the app's own factory)."""
    async with app.state.resources.session_factory() as session:
        account = await session.scalar(select(Account).where(Account.id == account_id))
        assert account is not None
        assert account.page_access_token_enc
        assert account.access_token_enc
        cipher = app.state.resources.cipher
        return cipher.decrypt(account.page_access_token_enc), cipher.decrypt(account.access_token_enc)


async def kill_page_token(app, admin, account_id: int, subcode: int = 460) -> None:
    page_token, _user_token = await stored_tokens(app, account_id)
    await admin("tokens/invalidate", {"token": page_token, "subcode": subcode})


async def assert_reconnect_everywhere(client, owner) -> None:
    account = (await client.get(f"{ACCOUNTS}/{owner.account['id']}", headers=owner.headers)).json()
    assert (account["is_active"], account["health_status"], account["action"]) == (
        False,
        "reconnect_required",
        "reconnect",
    )
    status = (await client.get(STATUS, headers=owner.headers)).json()
    assert status["connected"] is False
    assert [item["action"] for item in status["accounts"]] == ["reconnect"]


class TestRequestThatHitsARevokedToken:
    async def test_answers_409_and_the_account_stays_marked(self, client, app, owner, admin):
        media_id = await busiest_media(client, owner.ig_id)
        await kill_page_token(app, admin, owner.account["id"])
        response = await client.get(
            f"{API}/media/{media_id}/comments",
            params={"account_id": owner.account["id"]},
            headers=owner.headers,
        )
        assert response.status_code == 409
        body = response.json()
        assert body["error"] == "ReconnectRequired"
        assert "reconnect it from Accounts" in body["detail"]
        await assert_reconnect_everywhere(client, owner)
        account = (await client.get(f"{ACCOUNTS}/{owner.account['id']}", headers=owner.headers)).json()
        assert "password changed" in account["health_reason"]

    async def test_the_next_request_is_refused_without_asking_meta(self, client, app, owner, admin):
        media_id = await busiest_media(client, owner.ig_id)
        await kill_page_token(app, admin, owner.account["id"])
        params = {"account_id": owner.account["id"]}
        await client.get(f"{API}/media/{media_id}/comments", params=params, headers=owner.headers)
        again = await client.get(f"{API}/media/{media_id}/comments", params=params, headers=owner.headers)
        assert (again.status_code, again.json()["error"]) == (409, "ReconnectRequired")
        assert "no longer valid" in again.json()["detail"]

    async def test_a_manual_sync_after_the_user_revoked_the_app_is_a_409(self, client, app, owner):
        _page_token, user_token = await stored_tokens(app, owner.account["id"])
        revoked = await client.delete("/sandbox/graph/me/permissions", params={"access_token": user_token})
        assert revoked.status_code == 200, revoked.text
        response = await client.post(
            f"{API}/accounts/{owner.account['id']}/inbox/sync", headers=owner.headers
        )
        assert (response.status_code, response.json()["error"]) == (409, "ReconnectRequired")
        await assert_reconnect_everywhere(client, owner)

    async def test_insights_requests_mark_the_account_too(self, client, app, owner, admin):
        await kill_page_token(app, admin, owner.account["id"], subcode=467)
        response = await client.get(
            f"/api/v1/instagram/accounts/{owner.account['id']}/insights", headers=owner.headers
        )
        assert (response.status_code, response.json()["error"]) == (409, "ReconnectRequired")
        await assert_reconnect_everywhere(client, owner)

    async def test_reconnecting_makes_the_account_healthy_again(self, client, app, owner, admin):
        media_id = await busiest_media(client, owner.ig_id)
        await kill_page_token(app, admin, owner.account["id"])
        params = {"account_id": owner.account["id"]}
        await client.get(f"{API}/media/{media_id}/comments", params=params, headers=owner.headers)
        await connect_instagram(client, owner.headers)
        response = await client.get(f"{API}/media/{media_id}/comments", params=params, headers=owner.headers)
        assert response.status_code == 200
        status = (await client.get(STATUS, headers=owner.headers)).json()
        assert status["connected"] is True


class TestJobsThatHitARevokedToken:
    async def test_the_inbox_backfill_job_marks_the_account(self, client, app, owner, admin):
        await kill_page_token(app, admin, owner.account["id"])
        await app.state.worker.enqueue("inbox.sync_account", account_id=owner.account["id"])
        await drain(app)
        await assert_reconnect_everywhere(client, owner)

    async def test_the_insights_job_marks_the_account(self, client, app, owner, admin):
        await kill_page_token(app, admin, owner.account["id"])
        await app.state.worker.run_periodic_once("insights.stories")
        await drain(app)
        await assert_reconnect_everywhere(client, owner)

    async def test_a_webhook_job_marks_the_account_and_keeps_the_mention(
        self, client, app, owner, webhooks_on, admin
    ):
        await kill_page_token(app, admin, owner.account["id"])
        mention = await admin("simulate/mention", {"ig_user_id": owner.ig_id, "in_comment": False})
        await drain(app)
        await assert_reconnect_everywhere(client, owner)
        mentions = await client.get(f"{API}/mentions", headers=owner.headers)
        assert [m["media_id"] for m in mentions.json()["items"]] == [mention["media_id"]]
