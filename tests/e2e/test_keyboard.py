"""The keyboard alone: a dialog takes focus, keeps it and gives it back; clips are picked with Space;
a user tag is placed without a pointer; a post is rescheduled without the calendar's drag and drop."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import (
    BROWSER_TZ,
    api_post,
    connect_via_api,
    screenshot,
    sign_up_via_api,
    upload_via_api,
)
from tests.fixtures.media_factory import jpeg, png

MAX_TABS = 30


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("element => element === document.activeElement"))


def tab_to(page: Page, target: Locator) -> None:
    """Press Tab until `target` has the focus (fails if it is not reachable by Tab)."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if is_focused(target):
            return
    raise AssertionError(f"{target} is not reachable with Tab")


def as_the_page_formats(page: Page, moment: datetime) -> str:
    """`moment` the way the page writes dates (Intl in the page's own locale and time zone: en-GB is
    "Sept", not the "Sep" of Python's %b)."""
    script = "iso => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })"
    text: str = page.evaluate(script, moment.isoformat())
    return text


def test_a_dialog_takes_traps_and_returns_the_focus(page: Page) -> None:
    sign_up_via_api(page, "keys-dialog")
    page.add_init_script("window.open = () => null")  # a blocked popup: the dialog then has three buttons
    page.goto("/accounts")
    expect(page.get_by_role("heading", name="Connect your first Instagram account")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()
    opener = page.get_by_role("button", name="Connect Instagram")
    tab_to(page, opener)
    page.keyboard.press("Enter")

    dialog = page.get_by_role("dialog", name="Connect Instagram")
    expect(dialog.get_by_text("Your browser blocked the Facebook login window.")).to_be_visible()
    close, last = (
        dialog.get_by_role("button", name="Close"),
        dialog.get_by_role("button", name="Try the popup again"),
    )
    expect(close).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(last).to_be_focused()
    page.keyboard.press("Tab")
    expect(close).to_be_focused()
    page.keyboard.press("Tab")
    expect(dialog.get_by_role("button", name="Continue in this tab")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(close).to_be_focused()
    screenshot(page, "keyboard-dialog-focus")

    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()


def test_clips_are_picked_with_space_and_say_why_they_do_not_fit(page: Page) -> None:
    sign_up_via_api(page, "keys-clips")
    connect_via_api(page, "sandbox.creator")
    upload_via_api(page, "harbour.jpg", jpeg(1080, 1080), "image/jpeg")
    upload_via_api(page, "diagram.png", png(1080, 1080), "image/png")
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    clips = page.get_by_role("group", name="Clips")
    harbour = clips.get_by_role("button", name="harbour", exact=True)
    tab_to(page, harbour)
    page.keyboard.press("Space")
    expect(harbour).to_have_attribute("aria-pressed", "true")
    page.keyboard.press("Space")
    expect(harbour).to_have_attribute("aria-pressed", "false")
    page.keyboard.press("Space")
    expect(harbour).to_have_attribute("aria-pressed", "true")
    # An unqualified clip tells why to everyone, not only in a mouse tooltip.
    diagram = clips.get_by_role("button", name="diagram (needs conforming)")
    expect(diagram).to_have_accessible_description(
        re.compile(r"^Not ready for this type: .*JPEG", re.IGNORECASE)
    )
    screenshot(page, "keyboard-clip-picked")


def test_a_user_tag_is_placed_with_the_keyboard(page: Page) -> None:
    sign_up_via_api(page, "keys-tag")
    connect_via_api(page, "sandbox.creator")
    upload_via_api(page, "portrait.jpg", jpeg(1080, 1080), "image/jpeg")
    page.goto("/compose")
    page.get_by_role("radio", name="Image").check()
    page.get_by_role("group", name="Clips").get_by_role("button", name="portrait", exact=True).click()
    spot = page.get_by_role("button", name=re.compile("^Tag someone on the image"))
    spot.focus()
    page.keyboard.press("Enter")
    tags = page.get_by_role("group", name="User tags")
    expect(tags.get_by_label("Username to tag")).to_be_focused()
    expect(tags.get_by_label("X (%)")).to_have_value("50")
    expect(tags.get_by_label("Y (%)")).to_have_value("50")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # in X, with no username yet: the spot stays and the field says why
    username = tags.get_by_label("Username to tag")
    expect(username).to_have_accessible_description("Type the username to tag.")
    expect(tags.get_by_label("X (%)")).to_be_visible()
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("harbour.friend")
    page.keyboard.press("Tab")
    page.keyboard.press("Control+A")
    page.keyboard.type("25")
    page.keyboard.press("Enter")  # Enter in X adds the tag; it does not submit the post without it
    expect(tags.get_by_text("@harbour.friend (25%, 50%)")).to_be_visible()
    expect(username).to_be_hidden()
    screenshot(page, "keyboard-user-tag")
    page.get_by_role("button", name="Schedule post").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+$"))
    posts = page.request.get("/api/v1/social/").json()["items"]
    assert [post["options"]["user_tags"] for post in posts] == [
        [{"username": "harbour.friend", "x": 0.25, "y": 0.5}]
    ]


def test_a_post_is_rescheduled_with_the_keyboard_only(page: Page) -> None:
    sign_up_via_api(page, "keys-reschedule")
    account = connect_via_api(page, "sandbox.creator")
    clip = upload_via_api(page, "pier.jpg", jpeg(1080, 1080), "image/jpeg")
    next_month = (datetime.now(BROWSER_TZ).replace(day=1) + timedelta(days=32)).replace(day=10)
    when = next_month.replace(hour=10, minute=30, second=0, microsecond=0)
    draft = {"platform": "instagram", "media_type": "IMAGE", "account_id": account["id"],
             "clip_id": clip["id"], "caption": "Pier at dawn", "scheduled_for": when.isoformat()}  # fmt: skip
    post = api_post(page, "/api/v1/social/", draft, status=201)
    page.goto(f"/posts/{post['id']}")
    when_field = page.get_by_label("New date and time")
    tab_to(page, when_field)
    # The date parts come first in the browser's order (d/m/y or m/d/y); the hour is the fourth part.
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    expect(when_field).to_have_value(re.compile(r"T11:30"))
    page.keyboard.press("Enter")

    details = page.get_by_role("term").filter(has_text="Scheduled for").locator("xpath=following-sibling::dd")
    expect(details).to_have_text(as_the_page_formats(page, when + timedelta(hours=1)))
    stored = page.request.get(f"/api/v1/social/{post['id']}").json()
    moved = datetime.fromisoformat(stored["scheduled_for"]).astimezone(BROWSER_TZ)
    assert moved == when + timedelta(hours=1)
    screenshot(page, "keyboard-rescheduled")
