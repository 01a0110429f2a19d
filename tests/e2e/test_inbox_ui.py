"""The comment inbox in a browser: filters, hide, bulk mark answered, bulk delete behind a confirmation,
and the moderation rules editor hiding a new comment as it arrives. Comments come the way Meta's do:
simulated in the sandbox and delivered to the app as signed webhooks."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Locator, Page, Response, expect

from tests.e2e.browser import connect_via_api, screenshot, sign_up_via_api, wait_for_live_updates

ARRIVAL_TIMEOUT_MS = 30_000


@pytest.fixture
def media_id(page: Page, admin: httpx.Client, server: str) -> str:
    """A signed-in user with @sandbox.creator connected and webhooks on; → one of its media ids."""
    assert admin.patch(
        "/config", json={"webhook_callback_url": f"{server}/api/v1/webhooks/instagram"}
    ).is_success
    sign_up_via_api(page, "inbox")
    account = connect_via_api(page, "sandbox.creator")
    media = page.request.get(f"/api/v1/instagram/accounts/{account['id']}/media-insights?limit=1").json()
    first: str = media["items"][0]["id"]
    return first


def simulate_comment(admin: httpx.Client, media_id: str, username: str, text: str) -> None:
    body = {"media_id": media_id, "text": text, "username": username}
    assert admin.post("/simulate/comment", json=body).is_success


def comment_of(page: Page, username: str) -> Locator:
    return page.get_by_role("listitem", name=f"Comment by @{username}")


def is_rule_update(response: Response) -> bool:
    return "/moderation-rules/" in response.url and response.request.method == "PATCH"


def show(page: Page, which: str) -> None:
    page.get_by_label("Show").select_option(label=which)


@pytest.mark.timeout(120)
def test_filter_hide_mark_answered_and_delete_in_bulk(page: Page, admin: httpx.Client, media_id: str) -> None:
    page.goto("/inbox")
    wait_for_live_updates(page)
    fans = {"fan.one": "Love the colours", "fan.two": "Which lens?", "fan.three": "Wow", "fan.four": "First!"}
    for username, text in fans.items():
        simulate_comment(admin, media_id, username, text)
    for username in fans:
        expect(comment_of(page, username)).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)

    comment_of(page, "fan.one").get_by_role("button", name="Hide").click()
    expect(comment_of(page, "fan.one").get_by_text("Hidden", exact=True)).to_be_visible()
    show(page, "Hidden")
    expect(comment_of(page, "fan.one")).to_be_visible()
    expect(comment_of(page, "fan.two")).to_be_hidden()

    show(page, "All comments")
    for username in ("fan.two", "fan.three"):
        page.get_by_role("checkbox", name=f"Select comment by @{username}").check()
    page.get_by_role("button", name="Mark answered").click()
    for username in ("fan.two", "fan.three"):
        expect(comment_of(page, username).get_by_text("Answered", exact=True)).to_be_visible()
    show(page, "Unanswered")  # the work still to do: neither answered nor hidden
    expect(comment_of(page, "fan.four")).to_be_visible()
    for username in ("fan.one", "fan.two", "fan.three"):
        expect(comment_of(page, username)).to_be_hidden()

    show(page, "All comments")
    for username in ("fan.two", "fan.three"):
        page.get_by_role("checkbox", name=f"Select comment by @{username}").check()
    page.get_by_role("button", name="Delete selected").click()
    confirm = page.get_by_role("dialog", name="Delete 2 comments on Instagram?")
    expect(confirm.get_by_role("button", name="Cancel")).to_be_focused()
    screenshot(page, "inbox-bulk-delete-confirm")
    confirm.get_by_role("button", name="Delete comments").click()
    expect(confirm).to_be_hidden()
    expect(comment_of(page, "fan.two")).to_be_hidden()
    expect(comment_of(page, "fan.three")).to_be_hidden()
    remaining = page.request.get("/api/v1/instagram/comments?limit=100").json()["items"]
    kept = {comment["author_username"] for comment in remaining if not comment["deleted"]}
    assert {"fan.one", "fan.four"} <= kept
    assert not kept & {"fan.two", "fan.three"}

    # A single delete asks the same way; Cancel keeps the comment.
    comment_of(page, "fan.one").get_by_role("button", name="Delete").click()
    single = page.get_by_role("dialog", name="Delete this comment on Instagram?")
    single.get_by_role("button", name="Cancel").click()
    expect(single).to_be_hidden()
    expect(comment_of(page, "fan.one")).to_be_visible()
    screenshot(page, "inbox-comments-moderated")


def test_a_moderation_rule_hides_a_matching_comment_as_it_arrives(
    page: Page, admin: httpx.Client, media_id: str
) -> None:
    page.goto("/inbox?tab=rules")  # the tab is part of the address
    expect(page.get_by_role("tab", name="Moderation rules")).to_have_attribute("aria-selected", "true")
    form = page.get_by_role("form", name="New moderation rule")
    form.get_by_label("Rule name").fill("No spam")
    form.get_by_role("button", name="Add rule").click()
    patterns = form.get_by_label("Patterns")
    expect(patterns).to_have_attribute("aria-invalid", "true")
    expect(form.get_by_role("alert")).to_be_visible()

    patterns.fill("spam, scam")
    form.get_by_label("Then").select_option(label="Hide the comment")
    form.get_by_role("button", name="Add rule").click()
    row = page.get_by_role("row").filter(has_text="No spam")
    expect(row).to_contain_text("keyword: spam, scam")
    expect(patterns).to_have_value("")
    screenshot(page, "inbox-moderation-rules")

    tabs = page.get_by_role("tab", name="Moderation rules")
    tabs.focus()
    page.keyboard.press("Home")  # arrow keys and Home/End move between the tabs
    expect(page.get_by_role("tab", name="Comments")).to_be_focused()
    expect(page).to_have_url(re.compile(r"tab=comments"))
    wait_for_live_updates(page)
    simulate_comment(admin, media_id, "spam.bot", "buy spam now")
    spam = comment_of(page, "spam.bot")
    expect(spam.get_by_text("buy spam now")).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
    expect(spam.get_by_text("Hidden", exact=True)).to_be_visible()

    page.keyboard.press("End")
    expect(page.get_by_role("tab", name="Moderation rules")).to_have_attribute("aria-selected", "true")
    enabled = page.get_by_role("checkbox", name="Rule No spam enabled")
    # A click, not uncheck(): the box is controlled, so it turns off once the change is applied, a
    # moment after the click, which uncheck() would take for a click that did nothing.
    with page.expect_response(is_rule_update) as saved:
        enabled.click()
    assert saved.value.ok, saved.value.text()
    expect(enabled).not_to_be_checked()
    account_id = page.request.get("/api/v1/accounts").json()["items"][0]["id"]
    rules = page.request.get(f"/api/v1/instagram/accounts/{account_id}/moderation-rules").json()["items"]
    assert [(rule["name"], rule["enabled"]) for rule in rules] == [("No spam", False)]
    page.get_by_role("button", name="Delete rule No spam").click()
    expect(row).to_be_hidden()
    expect(page.get_by_text("No rules yet")).to_be_visible()


@pytest.mark.timeout(120)
def test_a_bulk_delete_meta_refuses_in_part_names_the_refused_comment_and_keeps_it_selected(
    page: Page, admin: httpx.Client, media_id: str
) -> None:
    page.goto("/inbox")
    wait_for_live_updates(page)
    fans = {"fan.kept": "Refused by Meta", "fan.gone": "Deleted"}
    for username, text in fans.items():
        simulate_comment(admin, media_id, username, text)
    for username in fans:
        expect(comment_of(page, username)).to_be_visible(timeout=ARRIVAL_TIMEOUT_MS)
    stored = page.request.get("/api/v1/instagram/comments?limit=100").json()["items"]
    refused = next(c["platform_comment_id"] for c in stored if c["author_username"] == "fan.kept")
    fault = {
        "method": "DELETE",
        "path": f"^{refused}$",
        "code": 100,
        "subcode": 33,
        "message": "Unsupported delete request.",
    }
    assert admin.post("/faults", json=fault).status_code == 201

    for username in fans:
        page.get_by_role("checkbox", name=f"Select comment by @{username}").check()
    page.get_by_role("button", name="Delete selected").click()
    page.get_by_role("dialog", name="Delete 2 comments on Instagram?").get_by_role(
        "button", name="Delete comments"
    ).click()

    failures = page.get_by_role("alert").filter(has_text="not changed on Instagram")
    expect(failures).to_contain_text("1 comment was not changed on Instagram (still selected)")
    expect(failures.get_by_role("listitem")).to_have_text(re.compile(r"^@fan\.kept: .+"))
    expect(comment_of(page, "fan.gone")).to_be_hidden()
    expect(comment_of(page, "fan.kept")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Select comment by @fan.kept")).to_be_checked()
    screenshot(page, "inbox-bulk-delete-partly-refused")
