"""Sign up, log out and log back in through the UI; field errors show next to their field."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.e2e.browser import PASSWORD, screenshot, unique_email


class TestAuthPages:
    def test_sign_up_log_out_and_log_in(self, page: Page) -> None:
        email = unique_email("auth")
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/login$"))
        page.get_by_role("link", name="Create an account").click()
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("short")
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("alert").filter(has_text="at least 10 characters")).to_be_visible()
        screenshot(page, "signup-field-error")

        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", name="Accounts", exact=True)).to_be_visible()

        page.get_by_role("button", name="Log out").click()
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        screenshot(page, "login")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("heading", name="Accounts", exact=True)).to_be_visible()

    def test_signing_up_with_a_taken_email_says_to_log_in_instead(self, page: Page) -> None:
        email = unique_email("taken")
        assert page.request.post("/api/v1/auth/register", data={"email": email, "password": PASSWORD}).ok
        page.goto("/signup")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill("a different passphrase 77")
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("alert")).to_contain_text(
            "If you already have an account, log in with its password"
        )
        screenshot(page, "signup-taken-email")
