"""The whole product in a browser: sign up, connect, upload, conform, schedule, watch it publish, answer
a comment and a DM, read the analytics, disconnect. Screenshots of each page go to test-artifacts/."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Locator, Page, expect

from tests.e2e.browser import BROWSER_TZ, PASSWORD, screenshot, unique_email, wait_for_live_updates
from tests.fixtures.media_factory import mp4

PUBLISH_TIMEOUT_MS = 60_000


def go_to(page: Page, section: str) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name=section).click()


def sign_up(page: Page) -> None:
    page.goto("/signup")
    page.get_by_label("Email").fill(unique_email("story"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Accounts", exact=True)).to_be_visible()


def followers_in_sandbox(admin: httpx.Client, username: str) -> str:
    """The account's follower count as the sandbox holds it, formatted the way the en-GB page shows it."""
    ig_users = admin.get("/state").json()["ig_users"]
    followers: int = next(user["followers_count"] for user in ig_users if user["username"] == username)
    return f"{followers:,}"


def connect_instagram(page: Page, admin: httpx.Client, username: str) -> None:
    followers = followers_in_sandbox(admin, username)
    with page.expect_popup() as popup_info:
        page.get_by_role("button", name="Connect Instagram").click()
    popup = popup_info.value
    popup.get_by_role("button", name="Continue").click()
    dialog = page.get_by_role("dialog", name="Connect Instagram")
    expect(dialog.get_by_role("radio", name=f"@{username}")).to_be_visible()
    # The Facebook window closes itself once it has handed the result back.
    if not popup.is_closed():
        popup.wait_for_event("close", timeout=10_000)
    option = dialog.locator("label").filter(has=page.get_by_role("radio", name=f"@{username}"))
    expect(option).to_contain_text(followers)
    screenshot(page, "02-account-selector")
    dialog.get_by_role("radio", name=f"@{username}").check()
    dialog.get_by_role("button", name="Connect account").click()
    expect(dialog.get_by_text(f"@{username} is connected.")).to_be_visible()
    dialog.get_by_role("button", name="Done").click()
    card = page.get_by_role("article", name=f"Instagram account @{username}")
    expect(card).to_be_visible()
    # The follower count comes with the account itself (stored on connect), not from the last login.
    expect(card.get_by_text("Followers", exact=True)).to_be_visible()
    expect(card.get_by_text(followers, exact=True)).to_be_visible()
    screenshot(page, "03-accounts")


def sync_the_inbox(page: Page) -> None:
    """Backfill the new account's comments and DMs now, from the Inbox's button.

    Without it the worker's next minute tick would do the same; either may run while the story writes
    elsewhere (the backfill reads Meta outside any transaction and writes in short units of work).
    """
    go_to(page, "Inbox")
    page.get_by_role("button", name="Sync from Instagram").click()
    expect(page.get_by_role("button", name="Sync from Instagram")).to_be_enabled(timeout=30_000)
    expect(page.get_by_role("listitem", name=re.compile(r"^Comment by @")).first).to_be_visible()


def upload_and_conform(page: Page) -> str:
    go_to(page, "Clips")
    landscape = mp4(320, 180, seconds=4.0)
    page.get_by_label("Choose files to upload").set_input_files(
        files=[{"name": "beach-day.mp4", "mimeType": "video/mp4", "buffer": landscape}]
    )
    expect(page.get_by_role("list", name="Uploads").get_by_text("Uploaded")).to_be_visible()
    original = page.get_by_role("article", name=re.compile(r"^Clip beach-day"))
    reels = original.get_by_role("listitem").filter(has_text=re.compile(r"^Reels:"))
    expect(reels.get_by_role("img", name="does not qualify")).to_be_visible()
    original.get_by_role("button", name="Conform for Reels").click()
    conformed = page.get_by_role("article", name=re.compile(r"reels"))
    expect(conformed.get_by_text("Ready", exact=True)).to_be_visible(timeout=30_000)
    screenshot(page, "04-clips")
    name = conformed.get_attribute("aria-label") or ""
    return name.removeprefix("Clip ")


def two_seconds_ahead() -> datetime:
    """Now + 2 s, rounded up to a whole second (the field holds whole seconds): due at least 2 s from now."""
    soon = datetime.now(BROWSER_TZ) + timedelta(seconds=2)
    return soon.replace(microsecond=0) + timedelta(seconds=1) if soon.microsecond else soon


def schedule_reel(page: Page, clip_name: str) -> str:
    go_to(page, "Compose")
    expect(page.get_by_role("radio", name="Reel")).to_be_checked()
    page.get_by_role("group", name="Clips").get_by_role("button", name=clip_name).click()
    page.get_by_label("Caption").fill("A day at the beach with @sandbox.studio #summer")
    page.get_by_label("Hashtags", exact=True).fill("reels travel")
    page.get_by_role("button", name="Add hashtags").click()
    expect(page.get_by_text("3 / 30 hashtags")).to_be_visible()
    expect(page.get_by_text("1 / 20 mentions")).to_be_visible()
    expect(page.get_by_text("Your time zone: Europe/Paris")).to_be_visible()
    screenshot(page, "05-composer")
    date_and_time = page.get_by_label("Date and time")
    expect(date_and_time).to_be_editable()
    # Computed right before filling. A time that passes while the form is sent is "due now" to both
    # the page and the server, so a slow machine publishes it at once rather than refusing it.
    date_and_time.fill(f"{two_seconds_ahead():%Y-%m-%dT%H:%M:%S}")
    page.get_by_role("button", name="Schedule post").click()
    expect(page).to_have_url(re.compile(r"/posts/\d+$"))
    return page.url.rsplit("/", 1)[1]


def watch_it_publish(page: Page) -> None:
    expect(page.get_by_label("Status: published")).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
    link = page.get_by_role("link", name="View on Instagram")
    expect(link).to_have_attribute("href", re.compile(r"/sandbox/reel/"))
    timeline = page.get_by_role("list", name="Status timeline")
    for entry in ("Scheduled", "Media container created", "Published"):
        expect(timeline.get_by_text(entry, exact=True)).to_be_visible()
    screenshot(page, "06-post-published")


def _cell_name(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B}"


def reschedule_by_drag(page: Page, account_id: int, clip_id: int) -> None:
    when = datetime.now(BROWSER_TZ).replace(microsecond=0) + timedelta(days=2, hours=1)
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrf_token")
    draft = {"platform": "instagram", "media_type": "REELS", "account_id": account_id, "clip_id": clip_id,
             "caption": "Sunset timelapse", "scheduled_for": when.isoformat()}  # fmt: skip
    created = page.request.post("/api/v1/social/", data=draft, headers={"X-CSRF-Token": csrf})
    assert created.status == 201, created.text()
    go_to(page, "Calendar")
    if when.month != datetime.now(BROWSER_TZ).month:
        page.get_by_role("button", name="Next month").click()
    last_of_month = (when.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    grid_end = last_of_month + timedelta(days=6 - last_of_month.weekday())
    target = when.date() + timedelta(days=1)
    if target > grid_end.date():
        target = when.date() - timedelta(days=1)
    post = page.get_by_role("link", name=re.compile("Sunset timelapse"))
    expect(post).to_contain_text("Scheduled")  # the status is written, not only coloured
    published = page.get_by_role("link", name=re.compile("A day at the beach"))
    expect(published).to_contain_text("Published")
    post.drag_to(page.get_by_role("cell", name=_cell_name(target)))
    moved = page.get_by_role("cell", name=_cell_name(target)).get_by_role("link", name=re.compile("Sunset"))
    expect(moved).to_be_visible()
    stored = page.request.get(f"/api/v1/social/{created.json()['id']}").json()
    assert datetime.fromisoformat(stored["scheduled_for"]).astimezone(BROWSER_TZ).date() == target
    screenshot(page, "09-calendar")
    page.get_by_role("radio", name="Week").check()
    expect(page.get_by_role("heading", name=re.compile("^Week of"))).to_be_visible()
    screenshot(page, "09b-calendar-week")


def answer_a_comment(page: Page, admin: httpx.Client, media_id: str) -> None:
    go_to(page, "Inbox")
    expect(page.get_by_role("tab", name="Comments")).to_have_attribute("aria-selected", "true")
    wait_for_live_updates(page)
    simulated = {"media_id": media_id, "text": "Where was this filmed?", "username": "curious.fan"}
    assert admin.post("/simulate/comment", json=simulated).is_success
    comment = page.get_by_role("listitem", name="Comment by @curious.fan")
    expect(comment.get_by_text("Where was this filmed?")).to_be_visible(timeout=30_000)
    # The media it is on: read once after the webhook, shown as a thumbnail + caption link.
    on_media = comment.get_by_role("link", name=re.compile(r"^On: "))
    # A shortcode is base64url: letters, digits, "-" and "_".
    expect(on_media).to_have_attribute("href", re.compile(r"/reel/[\w-]+/$"), timeout=30_000)
    comment.get_by_role("button", name="Reply").click()
    comment.get_by_label("Reply to @curious.fan").fill("@curious.fan On the Atlantic coast!")
    comment.get_by_role("button", name="Send reply").click()
    expect(comment.get_by_text("Answered", exact=True)).to_be_visible()
    screenshot(page, "07-inbox-comments")


def send_a_dm(page: Page, admin: httpx.Client, ig_user_id: str) -> None:
    simulated = {
        "ig_user_id": ig_user_id,
        "text": "Hi! Do you do collaborations?",
        "from_username": "brand.scout",
    }
    assert admin.post("/simulate/message", json=simulated).is_success
    page.get_by_role("tab", name="Messages").click()
    conversation = page.get_by_role("listitem").filter(has_text="Hi! Do you do collaborations?")
    expect(conversation).to_be_visible(timeout=30_000)
    # The sandbox echoes our reply as a `messages` webhook while the send's own transaction is open:
    # the thread must still show it once.
    conversation.click()
    thread = page.get_by_role("log", name="Messages")
    expect(thread.get_by_text("Hi! Do you do collaborations?")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Reply window: \d+ h"))).to_be_visible()
    page.get_by_label("Message", exact=True).fill("Yes! Send us the details by email.")
    page.get_by_role("button", name="Send", exact=True).click()
    expect(thread.get_by_text("Yes! Send us the details by email.")).to_be_visible()
    expect(page.get_by_label("Message", exact=True)).to_have_value("")
    screenshot(page, "08-inbox-messages")


def _column(posts: Locator, index: int) -> list[int]:
    """The numbers in one column of the posts table ("—" when Meta has none counts as -1)."""
    cells = posts.locator("tbody tr").locator(f"td:nth-child({index})").all_inner_texts()
    return [int(text.replace(",", "")) if text.strip() != "—" else -1 for text in cells]


def sort_posts_by_likes(page: Page) -> None:
    posts = page.get_by_role("region", name="Posts")
    likes = posts.get_by_role("columnheader", name=re.compile("^likes"))
    likes.get_by_role("button").click()
    expect(likes).to_have_attribute("aria-sort", "descending")
    column = 4  # Post, views, reach, likes
    descending = _column(posts, column)
    assert len(descending) >= 2, "the sandbox account has seeded media besides the reel"
    assert descending == sorted(descending, reverse=True)
    likes.get_by_role("button").click()
    expect(likes).to_have_attribute("aria-sort", "ascending")
    assert _column(posts, column) == sorted(descending)


def read_analytics(page: Page) -> None:
    go_to(page, "Analytics")
    for chart in ("Views chart", "Reach chart", "New followers chart", "Interactions chart"):
        expect(page.get_by_role("figure", name=chart).locator("path.recharts-area-area")).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("Heatmap"))).to_be_visible()
    expect(page.get_by_text("Followers online per hour (Europe/Paris)")).to_be_visible()
    audience = page.get_by_role("figure", name="Audience chart")
    expect(audience.locator("path.recharts-rectangle").first).to_be_visible()
    audience.get_by_label("Break down by").select_option("age")
    expect(audience.get_by_text(re.compile(r"^\d{2}-\d{2}|^65\+")).first).to_be_visible()
    posts = page.get_by_role("region", name="Posts")
    expect(posts.get_by_role("link", name=re.compile("^A day at the beach"))).to_be_visible()
    sort_posts_by_likes(page)
    screenshot(page, "10-analytics")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    lines = Path(download.path()).read_text(encoding="utf-8").splitlines()
    assert lines[0] == "scope,start_date,end_date,media_id,media_product_type,permalink,metric,value"
    assert any(",views," in line for line in lines[1:])


def disconnect(page: Page, username: str) -> None:
    go_to(page, "Accounts")
    card = page.get_by_role("article", name=f"Instagram account @{username}")
    card.get_by_role("button", name="Disconnect").click()
    confirm = page.get_by_role("dialog", name=f"Disconnect @{username}?")
    screenshot(page, "11-disconnect-confirm")
    confirm.get_by_role("button", name="Disconnect").click()
    expect(confirm).to_be_hidden()
    expect(card.get_by_text("Inactive")).to_be_visible()
    screenshot(page, "12-accounts-disconnected")


@pytest.mark.timeout(170)
def test_connect_publish_engage_and_measure(page: Page, admin: httpx.Client, server: str) -> None:
    username = "sandbox.creator"
    # Simulated comments and DMs reach the app the way Meta's do: as signed webhooks.
    admin.patch("/config", json={"webhook_callback_url": f"{server}/api/v1/webhooks/instagram"})
    sign_up(page)
    screenshot(page, "01-accounts-empty")
    connect_instagram(page, admin, username)
    sync_the_inbox(page)
    clip_name = upload_and_conform(page)
    post_id = schedule_reel(page, clip_name)
    watch_it_publish(page)

    post = page.request.get(f"/api/v1/social/{post_id}").json()
    reschedule_by_drag(page, post["account_id"], post["clip_id"])

    answer_a_comment(page, admin, post["platform_post_id"])
    account = page.request.get(f"/api/v1/accounts/{post['account_id']}").json()
    send_a_dm(page, admin, account["platform_account_id"])
    read_analytics(page)
    disconnect(page, username)
