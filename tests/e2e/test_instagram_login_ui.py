"""Connecting with Instagram Login from the Accounts page: the second way in, for accounts with no Page."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from e2e.browser import screenshot, sign_up_via_api


class TestInstagramLogin:
    def test_connects_an_account_without_a_page_and_the_card_says_so(self, page: Page) -> None:
        sign_up_via_api(page, "iglogin")
        page.goto("/accounts")
        expect(page.get_by_text("I have a Facebook Page linked to my Instagram")).to_be_visible()
        expect(page.get_by_text("Instagram professional account without a Facebook Page")).to_be_visible()
        with page.expect_popup() as popup_info:
            page.get_by_role("button", name="Connect with Instagram Login").click()
        popup = popup_info.value
        popup.wait_for_url(re.compile(r"/sandbox/instagram/oauth/authorize"))
        popup.get_by_label("Log in as").select_option(label="@sandbox.studio")
        popup.get_by_role("button", name="Allow").click()

        dialog = page.get_by_role("dialog", name="Connect Instagram")
        expect(dialog.get_by_text("is connected.")).to_be_visible()
        dialog.get_by_role("button", name="Done").click()
        card = page.get_by_role("region", name="Connected accounts")
        expect(card.get_by_text("@sandbox.studio").first).to_be_visible()
        expect(card.get_by_text("Connected with Instagram Login (no Page)")).to_be_visible()
        screenshot(page, "accounts-instagram-login")
