"""The graph.instagram.com stand-in (`/graph-instagram/...`): an Instagram Login account, no Page.

Profile, the container flow for each media type, the publishing limit, comments, messaging, insights and
the account's webhook subscription, all with an Instagram User token; each host refuses the other
login's tokens with 190, and Page nodes do not exist here.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from graph_sandbox.auth import app_token_value
from graph_sandbox.permissions import INSTAGRAM_LOGIN_PERMISSIONS
from graph_sandbox.publishing import drain
from graph_sandbox.seed import add_instagram_only_account
from graph_sandbox.state import Sandbox
from tests.fixtures import media_factory
from tests.sandbox.publishing.pub_session import VERSION, Publisher, error_of


class InstagramPublisher(Publisher):
    """A Publisher on graph.instagram.com with an Instagram User token."""

    async def call(self, method: str, path: str, **params: Any) -> httpx.Response:
        query = {"access_token": self.token, **{k: str(v) for k, v in params.items()}}
        return await self.client.request(method, f"/graph-instagram/{VERSION}/{path}", params=query)


@pytest.fixture(name="igpub")
async def igpub_fixture(
    sandbox_client: httpx.AsyncClient, sandbox: Sandbox
) -> AsyncIterator[InstagramPublisher]:
    sandbox.config.video_processing_seconds = 0.2
    ig = next(ig for ig in sandbox.world.ig_users.values() if ig.username == "sandbox.creator")
    response = await sandbox_client.post(
        "/_admin/tokens/issue", json={"flavour": "instagram", "ig_user_id": ig.id, "kind": "USER_LONG"}
    )
    response.raise_for_status()
    yield InstagramPublisher(sandbox_client, sandbox, response.json()["access_token"])
    await drain()


def _video(pub: Publisher) -> str:
    return pub.host(media_factory.mp4(seconds=3), "video/mp4")


class TestProfile:
    async def test_me_is_the_professional_account(self, igpub: InstagramPublisher) -> None:
        me = (await igpub.call("GET", "me", fields="id,username,followers_count,media_count")).json()
        assert (me["id"], me["username"]) == (igpub.ig.id, "sandbox.creator")
        by_id = (await igpub.call("GET", igpub.ig.id, fields="username")).json()
        assert by_id["username"] == "sandbox.creator"

    async def test_no_page_exists_on_this_host(self, igpub: InstagramPublisher) -> None:
        assert igpub.ig.page_id
        error = error_of(await igpub.call("GET", igpub.ig.page_id))
        assert error["code"] == 100

    async def test_each_host_refuses_the_other_logins_token(
        self, igpub: InstagramPublisher, tokens: Any
    ) -> None:
        fb_on_ig = await igpub.client.get(
            f"/graph-instagram/{VERSION}/me", params={"access_token": tokens.user}
        )
        assert fb_on_ig.status_code == 400
        assert error_of(fb_on_ig)["code"] == 190
        ig_on_fb = await igpub.client.get(f"/graph/{VERSION}/me", params={"access_token": igpub.token})
        assert error_of(ig_on_fb)["code"] == 190

    async def test_batch_and_facebook_token_exchange_are_not_on_this_host(
        self, igpub: InstagramPublisher, tokens: Any
    ) -> None:
        batch = json.dumps([{"method": "GET", "relative_url": "me?fields=id"}])
        for token in (igpub.token, tokens.user):
            response = await igpub.client.post(
                f"/graph-instagram/{VERSION}/", data={"access_token": token, "batch": batch}
            )
            assert response.status_code == 400
            assert error_of(response)["code"] == 100
        config = igpub.sandbox.config
        exchange = await igpub.client.get(
            f"/graph-instagram/{VERSION}/oauth/access_token",
            params={
                "grant_type": "fb_exchange_token",
                "client_id": config.app_id,
                "client_secret": config.app_secret,
                "fb_exchange_token": tokens.user,
            },
        )
        assert error_of(exchange)["code"] == 100


class TestPublishing:
    async def test_image_reel_carousel_and_story(self, igpub: InstagramPublisher) -> None:
        image = await igpub.create_id(image_url=igpub.host(media_factory.jpeg()), caption="Hi")
        reel = await igpub.create_id(media_type="REELS", video_url=_video(igpub))
        story = await igpub.create_id(
            media_type="STORIES", image_url=igpub.host(media_factory.jpeg(1080, 1920))
        )
        children = [
            await igpub.create_id(image_url=igpub.host(media_factory.jpeg()), is_carousel_item="true")
            for _ in range(2)
        ]
        carousel = await igpub.create_id(media_type="CAROUSEL", children=json.dumps(children))
        kinds = []
        for container in (image, reel, story, carousel):
            assert (await igpub.wait(container))["status_code"] == "FINISHED"
            media_id = await igpub.publish_id(container)
            media = (await igpub.call("GET", media_id, fields="media_product_type,media_type")).json()
            kinds.append((media["media_type"], media["media_product_type"]))
        assert kinds == [
            ("IMAGE", "FEED"),
            ("VIDEO", "REELS"),
            ("IMAGE", "STORY"),
            ("CAROUSEL_ALBUM", "FEED"),
        ]
        limit = (
            await igpub.call("GET", f"{igpub.ig.id}/content_publishing_limit", fields="quota_usage")
        ).json()
        assert limit["data"][0]["quota_usage"] >= 3

    async def test_publishing_needs_the_instagram_login_name(self, igpub: InstagramPublisher) -> None:
        response = await igpub.client.post(
            "/_admin/tokens/issue",
            json={"flavour": "instagram", "ig_user_id": igpub.ig.id, "scopes": ["instagram_business_basic"]},
        )
        basic = InstagramPublisher(igpub.client, igpub.sandbox, response.json()["access_token"])
        response = await basic.create(image_url=igpub.host(media_factory.jpeg()))
        assert response.status_code == 403
        assert error_of(response) == {
            **error_of(response),
            "code": 200,
            "message": "(#200) Requires instagram_business_content_publish permission",
        }

    async def test_resumable_upload_is_facebook_login_only(self, igpub: InstagramPublisher) -> None:
        """ "Upload Video to Meta Servers": "available only for apps that have implemented Facebook Login
        for Business"; on this host the container is not even made."""
        response = await igpub.create(media_type="REELS", upload_type="resumable")
        assert response.status_code == 400, response.text
        assert (error_of(response)["code"], error_of(response)["message"]) == (
            100,
            "(#100) Param upload_type is not allowed",
        )
        assert not [c for c in igpub.sandbox.world.containers.values() if c.ig_user_id == igpub.ig.id]

    async def test_a_video_by_url_is_still_made(self, igpub: InstagramPublisher) -> None:
        response = await igpub.create(media_type="REELS", video_url=_video(igpub))
        assert response.status_code == 200, response.text


class TestFacebookOnlyTokens:
    """graph.instagram.com takes Instagram User tokens only: no app token, no debug_token."""

    async def test_an_app_token_is_not_a_token_here(self, igpub: InstagramPublisher) -> None:
        config = igpub.sandbox.config
        for app_token in (app_token_value(config), f"{config.app_id}|{config.app_secret}"):
            response = await igpub.client.get(
                f"/graph-instagram/{VERSION}/{igpub.ig.id}", params={"access_token": app_token}
            )
            assert response.status_code == 400
            assert error_of(response)["code"] == 190
            on_facebook = await igpub.client.get(
                f"/graph/{VERSION}/debug_token",
                params={"access_token": app_token, "input_token": igpub.token},
            )
            assert on_facebook.status_code == 200, on_facebook.text

    async def test_debug_token_is_not_on_this_host(self, igpub: InstagramPublisher) -> None:
        config = igpub.sandbox.config
        for token in (igpub.token, app_token_value(config)):
            response = await igpub.client.get(
                f"/graph-instagram/{VERSION}/debug_token",
                params={"access_token": token, "input_token": igpub.token},
            )
            assert response.status_code == 400
            assert error_of(response)["code"] == 100
            assert "Unsupported get request" in error_of(response)["message"]


class TestPermissions:
    @pytest.mark.parametrize(
        ("missing", "path", "params"),
        [
            ("instagram_business_basic", "me", {"fields": "username"}),
            ("instagram_business_manage_insights", "{ig}/insights", {"metric": "reach", "period": "day"}),
            ("instagram_business_manage_insights", "{media}/insights", {"metric": "reach"}),
            ("instagram_business_manage_messages", "me/conversations", {"platform": "instagram"}),
            ("instagram_business_manage_comments", "{media}/comments", {}),
            ("instagram_business_content_publish", "{ig}/content_publishing_limit", {}),
        ],
    )
    async def test_a_token_without_the_instagram_login_name_is_refused_with_200(
        self, igpub: InstagramPublisher, missing: str, path: str, params: dict[str, str]
    ) -> None:
        """Each endpoint's Facebook Login requirement is stated in Instagram Login names on this host."""
        media_id = (await igpub.call("GET", f"{igpub.ig.id}/media")).json()["data"][0]["id"]
        scopes = [name for name in INSTAGRAM_LOGIN_PERMISSIONS if name != missing]
        response = await igpub.client.post(
            "/_admin/tokens/issue", json={"flavour": "instagram", "ig_user_id": igpub.ig.id, "scopes": scopes}
        )
        lacking = InstagramPublisher(igpub.client, igpub.sandbox, response.json()["access_token"])
        answer = await lacking.call("GET", path.format(ig=igpub.ig.id, media=media_id), **params)
        assert answer.status_code == 403
        assert (error_of(answer)["code"], error_of(answer)["message"]) == (
            200,
            f"(#200) Requires {missing} permission",
        )
        full = await igpub.call("GET", path.format(ig=igpub.ig.id, media=media_id), **params)
        assert full.status_code == 200, full.text


class TestEngagement:
    async def test_comments_messages_insights_and_webhooks(self, igpub: InstagramPublisher) -> None:
        media_id = await igpub.publish_id(await igpub.create_id(image_url=igpub.host(media_factory.jpeg())))
        subscribed = await igpub.call("POST", "me/subscribed_apps", subscribed_fields="comments,messages")
        assert subscribed.json() == {"success": True}
        listed = (await igpub.call("GET", "me/subscribed_apps")).json()
        assert listed["data"][0]["subscribed_fields"] == ["comments", "messages"]

        simulated = await igpub.client.post(
            "/_admin/simulate/comment", json={"media_id": media_id, "text": "Nice"}
        )
        comment_id = simulated.json()["id"]
        entry = simulated.json()["deliveries"][-1]["payload"]["entry"][0]
        assert (entry["field"], entry["value"]["id"]) == ("comments", comment_id)  # the flat form
        assert "changes" not in entry

        comments = (await igpub.call("GET", f"{media_id}/comments", fields="id,text")).json()
        assert [c["id"] for c in comments["data"]] == [comment_id]
        reply = await igpub.call("POST", f"{comment_id}/replies", message="Thanks")
        assert reply.status_code == 200, reply.text
        hidden = await igpub.call("POST", comment_id, hide="true")
        assert hidden.json() == {"success": True}

        await igpub.client.post(
            "/_admin/simulate/message", json={"ig_user_id": igpub.ig.id, "text": "Hello?"}
        )
        conversations = (
            await igpub.call("GET", "me/conversations", platform="instagram", fields="participants")
        ).json()
        participants = conversations["data"][0]["participants"]["data"]
        customer = next(p["id"] for p in participants if p["id"] != igpub.ig.id)
        sent = await igpub.call(
            "POST",
            f"{igpub.ig.id}/messages",
            recipient=json.dumps({"id": customer}),
            message=json.dumps({"text": "Hi!"}),
        )
        assert sent.status_code == 200, sent.text
        assert sent.json()["recipient_id"] == customer

        insights = await igpub.call("GET", f"{igpub.ig.id}/insights", metric="reach", period="day")
        assert insights.status_code == 200, insights.text
        media_insights = await igpub.call("GET", f"{media_id}/insights", metric="reach")
        assert media_insights.status_code == 200, media_insights.text

    async def test_messaging_edges_do_not_exist_for_facebook_login(
        self, igpub: InstagramPublisher, tokens: Any
    ) -> None:
        page_token = tokens.ig_users[igpub.ig.id]
        response = await igpub.client.get(
            f"/graph/{VERSION}/{igpub.ig.id}/conversations",
            params={"access_token": page_token, "platform": "instagram"},
        )
        assert response.status_code == 400
        assert error_of(response)["code"] == 100

    async def test_the_account_s_subscribed_apps_edge_is_unsupported_for_facebook_login(
        self, igpub: InstagramPublisher, tokens: Any
    ) -> None:
        """Not "(#200) Requires instagram_business_basic": Facebook Login could never grant that name."""
        page_token = tokens.ig_users[igpub.ig.id]
        for method in ("GET", "POST"):
            response = await igpub.client.request(
                method,
                f"/graph/{VERSION}/{igpub.ig.id}/subscribed_apps",
                params={"access_token": page_token, "subscribed_fields": "comments"},
            )
            assert response.status_code == 400
            assert error_of(response)["code"] == 100


class TestAccountWithoutAPage:
    async def test_only_instagram_login_reaches_it(
        self, sandbox_client: httpx.AsyncClient, sandbox: Sandbox, tokens: Any
    ) -> None:
        solo = add_instagram_only_account(sandbox.world, sandbox.cdn, now=sandbox.clock.now())
        hidden = await sandbox_client.get(f"/graph/{VERSION}/{solo.id}", params={"access_token": tokens.user})
        assert error_of(hidden)["code"] == 100
        response = await sandbox_client.post(
            "/_admin/tokens/issue", json={"flavour": "instagram", "ig_user_id": solo.id}
        )
        token = response.json()["access_token"]
        me = await sandbox_client.get(
            f"/graph-instagram/{VERSION}/me", params={"access_token": token, "fields": "username"}
        )
        assert me.json()["username"] == "solo.creator"
