"""Connect Instagram beyond the happy path: messages from another origin are ignored, the popup closes
once it reported, a declined permission ends in the error state, and an account whose access ended
asks to be reconnected."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx
from playwright.sync_api import Page, expect

from tests.e2e.browser import api_post, connect_via_api, screenshot, sign_up_via_api

FORGED = {"type": "oauth-result", "status": "success", "platform": "instagram", "accounts_available": 1,
          "account_id": 1}  # fmt: skip
GRAPH = "/sandbox/graph/v24.0"
# Resolves once a message posted after the forged ones has been delivered and two frames drawn: by then
# the page has handled (and, as it must, ignored) them.
BARRIER = """() => new Promise((done) => {
  window.addEventListener("message", function seen(event) {
    if (event.data !== "barrier") return;
    window.removeEventListener("message", seen);
    requestAnimationFrame(() => requestAnimationFrame(done));
  });
  window.postMessage("barrier", window.location.origin);
})"""


def open_popup(page: Page) -> Page:
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Connect Instagram").click()
    popup = popup_info.value
    expect(popup.get_by_role("button", name="Continue")).to_be_visible()
    return popup


def test_a_message_from_another_origin_is_ignored_and_the_popup_closes_on_success(
    page: Page, server: str
) -> None:
    sign_up_via_api(page, "origin")
    page.goto("/accounts")
    popup = open_popup(page)
    dialog = page.get_by_role("dialog", name="Connect Instagram")
    waiting = dialog.get_by_text("Finish logging in with Facebook in the window that opened.")
    expect(waiting).to_be_visible()

    # A real cross-origin window: localhost is another origin than 127.0.0.1 for the same server. A window
    # it opened, not a frame: every page of ours refuses to be framed (frame-ancestors 'none').
    other_origin = server.replace("127.0.0.1", "localhost")
    with page.context.expect_page() as opened:
        page.evaluate("url => { window.open(url, 'other-origin'); }", f"{other_origin}/healthz")
    other = opened.value
    other.wait_for_load_state()
    assert urlsplit(other.url).hostname == "localhost"
    other.evaluate("message => window.opener.postMessage(message, '*')", FORGED)
    other.close()
    # And a forged event claiming a foreign origin in this very window.
    page.evaluate(
        "data => window.dispatchEvent(new MessageEvent('message', {origin: 'http://evil.test', data}))",
        FORGED,
    )
    page.evaluate(BARRIER)
    expect(waiting).to_be_visible()
    expect(dialog.get_by_text(re.compile("is connected"))).to_have_count(0)
    assert page.request.get("/api/v1/accounts").json()["items"] == []

    popup.get_by_role("button", name="Continue").click()
    expect(dialog.get_by_role("radio", name="@sandbox.creator")).to_be_visible()
    if not popup.is_closed():
        popup.wait_for_event("close", timeout=10_000)
    assert popup.is_closed()


def test_a_declined_permission_shows_the_error_state(page: Page) -> None:
    sign_up_via_api(page, "declined")
    page.goto("/accounts")
    popup = open_popup(page)
    popup.get_by_label("pages_show_list").uncheck()  # required to find the Pages, hence the accounts
    popup.get_by_role("button", name="Continue").click()

    dialog = page.get_by_role("dialog", name="Connect Instagram")
    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("Instagram could not be connected.")
    expect(alert).to_contain_text("pages_show_list")
    expect(dialog.get_by_role("button", name="Try again")).to_be_visible()
    screenshot(page, "accounts-connect-error")
    assert page.request.get("/api/v1/accounts").json()["items"] == []


def test_an_account_whose_access_ended_asks_to_be_reconnected(page: Page, admin: httpx.Client) -> None:
    sign_up_via_api(page, "reconnect")
    account = connect_via_api(page, "sandbox.creator")
    # The person removes the app from their Facebook account: every token of theirs is revoked (190/458).
    person = admin.get("/state").json()["default_fb_user_id"]
    user_token = admin.post("/tokens/issue", json={"kind": "USER_LONG", "user_id": person}).json()
    revoked = page.request.delete(
        f"{GRAPH}/{person}/permissions", params={"access_token": user_token["access_token"]}
    )
    assert revoked.ok, revoked.text()
    checked = api_post(page, f"/api/v1/accounts/{account['id']}/check")
    assert checked["action"] == "reconnect"

    page.goto("/accounts")
    card = page.get_by_role("article", name="Instagram account @sandbox.creator")
    expect(card.get_by_text("Reconnect needed")).to_be_visible()
    expect(card.get_by_role("status")).to_contain_text(re.compile("reconnect", re.IGNORECASE))
    screenshot(page, "accounts-reconnect-needed")
    with page.expect_popup() as popup_info:
        card.get_by_role("button", name="Reconnect @sandbox.creator").click()
    expect(popup_info.value.get_by_role("button", name="Continue")).to_be_visible()
    expect(page.get_by_role("dialog", name="Connect Instagram")).to_be_visible()


def test_reconnect_needed_appears_live_when_a_check_finds_the_token_refused(
    page: Page, admin: httpx.Client
) -> None:
    """The page is not reloaded: the `account.updated` event makes it re-read the account."""
    sign_up_via_api(page, "live-health")
    account = connect_via_api(page, "sandbox.creator")
    page.goto("/accounts")
    card = page.get_by_role("article", name="Instagram account @sandbox.creator")
    expect(card).to_be_visible()
    expect(card.get_by_text("Connected with Facebook Login (through its Page)")).to_be_visible()
    expect(card.get_by_text("Reconnect needed")).to_have_count(0)
    expect(page.get_by_title("Live updates connected")).to_be_visible()

    person = admin.get("/state").json()["default_fb_user_id"]
    user_token = admin.post("/tokens/issue", json={"kind": "USER_LONG", "user_id": person}).json()
    revoked = page.request.delete(
        f"{GRAPH}/{person}/permissions", params={"access_token": user_token["access_token"]}
    )
    assert revoked.ok, revoked.text()
    # Checked through the API, not the page: only the event can tell the page.
    assert api_post(page, f"/api/v1/accounts/{account['id']}/check")["action"] == "reconnect"

    expect(card.get_by_text("Reconnect needed")).to_be_visible()
    screenshot(page, "accounts-reconnect-needed-live")
