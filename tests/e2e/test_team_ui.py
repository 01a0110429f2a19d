"""The Team page: create a workspace, invite with a one-time link, the invited person joins from the link,
the owner changes their role and removes them, and the link cannot be used twice."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.e2e.browser import screenshot, sign_up_via_api


@pytest.fixture
def guest_page(browser: Browser, server: str) -> Iterator[Page]:
    """A second person's browser (cookies of their own)."""
    context = browser.new_context(base_url=server, viewport={"width": 1400, "height": 900})
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()


class TestTeamPage:
    def test_invite_join_change_role_and_remove(self, page: Page, guest_page: Page) -> None:
        sign_up_via_api(page, "owner")
        guest_email = sign_up_via_api(guest_page, "guest")

        page.goto("/team")
        expect(page.get_by_role("combobox", name="Workspace")).to_contain_text("Personal (personal) — owner")
        page.get_by_role("button", name="New workspace").click()
        page.get_by_label("Name").fill("Acme agency")
        page.get_by_role("button", name="Create workspace").click()
        expect(page.get_by_role("combobox", name="Workspace")).to_have_value(re.compile(r"^\d+$"))
        expect(page.get_by_role("combobox", name="Workspace").locator("option:checked")).to_have_text(
            "Acme agency — owner"
        )

        invite = page.get_by_role("region", name="Invite someone")
        invite.get_by_label("Role").select_option("approver")
        invite.get_by_role("button", name="Create invitation").click()
        link = invite.get_by_label("Invitation link").inner_text()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/invite/[\w-]+", link), link
        expect(invite.get_by_role("cell", name="approver", exact=True)).to_be_visible()
        screenshot(page, "team-page")

        path = "/invite/" + link.rsplit("/", 1)[1]
        guest_page.goto(path)
        expect(guest_page.get_by_text("You are invited to join Acme agency as approver.")).to_be_visible()
        guest_page.get_by_role("button", name="Join Acme agency").click()
        expect(guest_page).to_have_url(re.compile(r"/team$"))
        workspace = guest_page.get_by_role("combobox", name="Workspace")
        workspace.select_option(label="Acme agency — approver")
        expect(guest_page.get_by_role("region", name="Members")).to_contain_text(guest_email)
        expect(guest_page.get_by_role("region", name="Invite someone")).to_have_count(0)

        guest_page.goto(path)
        expect(guest_page.get_by_text(re.compile("already used"))).to_be_visible()

        page.reload()
        page.get_by_role("combobox", name="Workspace").select_option(label="Acme agency — owner")
        members = page.get_by_role("region", name="Members")
        members.get_by_label(f"Role of {guest_email}").select_option("viewer")
        expect(members.get_by_label(f"Role of {guest_email}")).to_have_value("viewer")
        members.get_by_role("button", name=f"Remove {guest_email}").click()
        expect(members.get_by_text(guest_email)).to_have_count(0)

        guest_page.goto("/team")
        expect(guest_page.get_by_role("combobox", name="Workspace")).not_to_contain_text("Acme agency")
