"""A post Instagram refuses: the post page says so with the fix, the timeline shows the failure, and once
the cause is gone Retry publishes it, live. The refusal is a permanent fault injected in the sandbox."""

from __future__ import annotations

import re

import httpx
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import api_post, connect_via_api, screenshot, sign_up_via_api, upload_via_api
from tests.fixtures.media_factory import jpeg

PUBLISH_TIMEOUT_MS = 60_000
# Meta's "permission denied" on media_publish: a refusal (nothing was published) the engine does not
# retry by itself, unlike an error that may hide a publish that went through.
PERMISSION_DENIED = 10
FIX = "Reconnect your Instagram account and grant every requested permission: one is missing."


@pytest.mark.timeout(150)
def test_a_failed_post_shows_the_fix_and_retry_publishes_it(page: Page, admin: httpx.Client) -> None:
    sign_up_via_api(page, "failed")
    account = connect_via_api(page, "sandbox.creator")
    clip = upload_via_api(page, "lighthouse.jpg", jpeg(1080, 1080), "image/jpeg")
    fault = {"path": ".*/media_publish$", "method": "POST", "times": None, "code": PERMISSION_DENIED,
             "http_status": 403, "is_transient": False}  # fmt: skip
    assert admin.post("/faults", json=fault).status_code == 201
    draft = {"platform": "instagram", "media_type": "IMAGE", "account_id": account["id"],
             "clip_id": clip["id"], "caption": "Lighthouse at night"}  # fmt: skip
    post = api_post(page, "/api/v1/social/", draft, status=201)
    page.goto(f"/posts/{post['id']}")
    page.get_by_role("button", name="Publish now").click()

    expect(page.get_by_label("Status: failed")).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
    alert = page.get_by_role("alert").filter(has_text="This post could not be published.")
    expect(alert).to_contain_text(FIX)
    timeline = page.get_by_role("list", name="Status timeline")
    failed_entry = timeline.get_by_role("listitem").filter(has=page.get_by_text("Failed", exact=True))
    expect(failed_entry).to_contain_text(FIX)
    screenshot(page, "post-failed")

    assert admin.delete("/faults").is_success
    alert.get_by_role("button", name="Retry").click()
    expect(page.get_by_label("Status: published")).to_be_visible(timeout=PUBLISH_TIMEOUT_MS)
    expect(page.get_by_role("link", name="View on Instagram")).to_have_attribute(
        "href", re.compile(r"/sandbox/p/")
    )
    expect(timeline.get_by_text("Published", exact=True)).to_be_visible()
    stored = page.request.get(f"/api/v1/social/{post['id']}").json()
    assert stored["status"] == "published"
    assert stored["platform_post_id"]
    screenshot(page, "post-failed-then-published")
