"""Connecting Instagram from the Accounts page: the failure paths of the Facebook Login popup."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot, sign_up_via_api


def open_dialog(page: Page) -> Page:
    """Click Connect Instagram and return the sandbox's Facebook Login popup, loaded."""
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Connect Instagram").click()
    popup = popup_info.value
    popup.wait_for_url(re.compile(r"/sandbox/.*dialog/oauth"))
    expect(popup.get_by_role("button", name="Continue")).to_be_visible()
    return popup


class TestConnectInstagram:
    def test_cancel_in_the_dialog_shows_the_cancelled_state(self, page: Page) -> None:
        sign_up_via_api(page, "cancel")
        page.goto("/accounts")
        popup = open_dialog(page)
        popup.get_by_role("button", name="Cancel").click()

        dialog = page.get_by_role("dialog", name="Connect Instagram")
        expect(dialog.get_by_text("Connection cancelled.")).to_be_visible()
        expect(dialog.get_by_text("Nothing was connected")).to_be_visible()
        if not popup.is_closed():
            popup.wait_for_event("close", timeout=5000)
        screenshot(page, "accounts-connect-cancelled")
        dialog.get_by_role("button", name="Close", exact=True).last.click()
        expect(page.get_by_role("heading", name="Connect your first Instagram account")).to_be_visible()

    def test_a_login_without_a_linked_instagram_account_explains_why(self, page: Page) -> None:
        sign_up_via_api(page, "unlinked")
        page.goto("/accounts")
        popup = open_dialog(page)
        popup.get_by_label("Log in as").select_option(label="Uma Unlinked")
        popup.get_by_role("button", name="Continue").click()

        dialog = page.get_by_role("dialog", name="Connect Instagram")
        expect(dialog.get_by_role("heading", name="No Instagram professional account found")).to_be_visible()
        expect(dialog.get_by_role("link", name="how to link a Page to Instagram")).to_have_attribute(
            "href", re.compile(r"^https://www\.facebook\.com/business/help/")
        )
        expect(dialog.get_by_role("link", name="how to switch to a professional account")).to_be_visible()
        screenshot(page, "accounts-no-instagram-account")

    def test_a_blocked_popup_falls_back_to_the_redirect_flow(self, page: Page) -> None:
        sign_up_via_api(page, "blocked")
        page.add_init_script("window.open = () => null")
        page.goto("/accounts")
        page.get_by_role("button", name="Connect Instagram").click()
        dialog = page.get_by_role("dialog", name="Connect Instagram")
        expect(dialog.get_by_text("Your browser blocked the Facebook login window.")).to_be_visible()
        screenshot(page, "accounts-popup-blocked")
        dialog.get_by_role("button", name="Continue in this tab").click()

        page.get_by_role("button", name="Continue").click()
        expect(page).to_have_url(re.compile(r"/accounts$"))
        dialog = page.get_by_role("dialog", name="Connect Instagram")
        # Each account says how the login reached its Page (here the person's own Page role).
        expect(dialog.get_by_text("Found through your own role on the Page").first).to_be_visible()
        dialog.get_by_role("radio", name="@sandbox.studio").check()
        dialog.get_by_role("button", name="Connect account").click()
        expect(dialog.get_by_text("@sandbox.studio is connected.")).to_be_visible()
