"""Instagram Login in a browser: the second way in, for accounts with no Page, then the same account used
from the UI like any other: a photo published now, a comment hidden, a DM answered, its analytics read.
Comments and DMs come the way Meta's do: simulated in the sandbox and delivered to the app as signed
webhooks."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot, sign_up_via_api, upload_via_api, wait_for_live_updates
from tests.fixtures.media_factory import jpeg

PUBLISH_TIMEOUT_MS = 60_000
ARRIVAL_TIMEOUT_MS = 30_000


def connect_with_instagram_login(page: Page, username: str) -> None:
    """Accounts → Connect with Instagram Login → the Instagram dialog (log in as @username, Allow)."""
    page.goto("/accounts")
    expect(page.get_by_text("I have a Facebook Page linked to my Instagram")).to_be_visible()
    expect(page.get_by_text("Instagram professional account without a Facebook Page")).to_be_visible()
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Connect with Instagram Login").click()
    popup = popup_info.value
    popup.wait_for_url(re.compile(r"/sandbox/instagram/oauth/authorize"))
    popup.get_by_label("Log in as").select_option(label=f"@{username}")
    popup.get_by_role("button", name="Allow").click()

    dialog = page.get_by_role("dialog", name="Connect Instagram")
    expect(dialog.get_by_text("is connected.")).to_be_visible()
    dialog.get_by_role("button", name="Done").click()
    card = page.get_by_role("region", name="Connected accounts")
    expect(card.get_by_text(f"@{username}").first).to_be_visible()
    expect(card.get_by_text("Connected with Instagram Login (no Page)")).to_be_visible()


class TestInstagramLogin:
    def test_connects_an_account_without_a_page_and_the_card_says_so(self, page: Page) -> None:
        sign_up_via_api(page, "iglogin")
        connect_with_instagram_login(page, "sandbox.studio")
        screenshot(page, "accounts-instagram-login")

    @pytest.mark.timeout(150)
    def test_publishes_moderates_and_answers_a_dm_from_the_ui(
        self, page: Page, admin: httpx.Client, server: str
    ) -> None:
        assert admin.patch(
            "/config", json={"webhook_callback_url": f"{server}/api/v1/webhooks/instagram"}
        ).is_success
        sign_up_via_api(page, "iglogin-use")
        connect_with_instagram_login(page, "sandbox.creator")
        account = page.request.get("/api/v1/accounts").json()["items"][0]
        assert account["login_flavour"] == "instagram"

        upload_via_api(page, "coast.jpg", jpeg(1080, 1080, color=(30, 120, 200)), "image/jpeg")
        page.goto("/compose")
        page.get_by_role("radio", name="Image").check()
        page.get_by_role("group", name="Clips").get_by_role("button", name="coast", exact=True).click()
        page.get_by_label("Caption").fill("Published through Instagram Login")
        page.get_by_role("radio", name="Publish now").check()
        page.get_by_role("button", name="Publish now").click()
        expect(page).to_have_url(re.compile(r"/posts/\d+$"))
        expect(page.get_by_label("Status: published")).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
        post = page.request.get(f"/api/v1/social/{page.url.rsplit('/', 1)[1]}").json()
        assert post["account_id"] == account["id"]
        screenshot(page, "instagram-login-published")

        page.goto("/inbox")
        wait_for_live_updates(page)
        comment_body = {
            "media_id": post["platform_post_id"],
            "text": "Spammy link here",
            "username": "spam.fan",
        }
        assert admin.post("/simulate/comment", json=comment_body).is_success
        comment = page.get_by_role("listitem", name="Comment by @spam.fan")
        expect(comment.get_by_text("Spammy link here")).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
        comment.get_by_role("button", name="Hide").click()
        expect(comment.get_by_text("Hidden", exact=True)).to_be_visible()
        stored = page.request.get("/api/v1/instagram/comments?limit=100").json()["items"]
        assert [c["hidden"] for c in stored if c["author_username"] == "spam.fan"] == [True]
        screenshot(page, "instagram-login-comment-hidden")

        messages_before = admin.get("/state").json()["counts"]["messages"]
        dm = {
            "ig_user_id": account["platform_account_id"],
            "text": "Do you ship abroad?",
            "from_username": "far.buyer",
        }
        assert admin.post("/simulate/message", json=dm).is_success
        page.get_by_role("tab", name="Messages").click()
        conversation = page.get_by_role("listitem").filter(has_text="Do you ship abroad?")
        expect(conversation).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
        conversation.click()
        thread = page.get_by_role("log", name="Messages")
        expect(thread.get_by_text("Do you ship abroad?")).to_be_visible()
        page.get_by_label("Message", exact=True).fill("We do, worldwide.")
        page.get_by_role("button", name="Send", exact=True).click()
        expect(thread.get_by_text("We do, worldwide.")).to_be_visible()
        expect(page.get_by_label("Message", exact=True)).to_have_value("")
        # Instagram holds both: the DM and the answer sent through graph.instagram.com.
        assert admin.get("/state").json()["counts"]["messages"] == messages_before + 2
        screenshot(page, "instagram-login-dm-answered")

        # Its analytics come from graph.instagram.com with the Instagram Login names (no Page insights).
        page.goto("/analytics")
        for chart in ("Views chart", "Reach chart", "New followers chart", "Interactions chart"):
            expect(page.get_by_role("figure", name=chart).locator("path.recharts-area-area")).to_be_visible()
        posts = page.get_by_role("region", name="Posts")
        expect(
            posts.get_by_role("link", name=re.compile("^Published through Instagram Login"))
        ).to_be_visible()
        screenshot(page, "instagram-login-analytics")
