"""The clip library in a browser: several files dropped at once, each with its progress bar, and a video
trimmed into a new clip (a wrong range is refused by the field first)."""

from __future__ import annotations

import base64
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import api_post, connect_via_api, screenshot, sign_up_via_api, upload_via_api
from tests.fixtures.media_factory import jpeg, mp4

# Builds a DataTransfer holding the given files, as a drag from the desktop carries them.
DATA_TRANSFER = """files => {
  const transfer = new DataTransfer();
  for (const { name, type, base64 } of files) {
    const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    transfer.items.add(new File([bytes], name, { type }));
  }
  return transfer;
}"""


def file_for_drop(name: str, mime_type: str, content: bytes) -> dict[str, str]:
    return {"name": name, "type": mime_type, "base64": base64.b64encode(content).decode("ascii")}


@pytest.mark.timeout(120)
def test_dropped_files_upload_with_progress_and_a_video_is_trimmed(page: Page) -> None:
    sign_up_via_api(page, "clips")
    page.goto("/clips")
    files = [
        file_for_drop("waves.mp4", "video/mp4", mp4(320, 180, seconds=4.0)),
        file_for_drop("harbour.jpg", "image/jpeg", jpeg(1080, 1080)),
    ]
    transfer = page.evaluate_handle(DATA_TRANSFER, files)
    page.get_by_role("group", name="Drop files to upload").dispatch_event("drop", {"dataTransfer": transfer})

    uploads = page.get_by_role("list", name="Uploads")
    expect(uploads.get_by_role("listitem")).to_have_count(2)
    for name in ("waves.mp4", "harbour.jpg"):
        expect(uploads.get_by_role("progressbar", name=f"Upload of {name}")).to_have_attribute(
            "aria-valuenow", "100"
        )
    expect(uploads.get_by_text("Uploaded", exact=True)).to_have_count(2)
    library = page.get_by_role("region", name="Clip library")
    waves = library.get_by_role("article", name="Clip waves", exact=True)
    expect(waves.get_by_text("Ready", exact=True)).to_be_visible(timeout=30_000)
    expect(library.get_by_role("article", name="Clip harbour", exact=True)).to_be_visible()

    waves.get_by_role("button", name="Trim").click()
    dialog = page.get_by_role("dialog", name="Trim waves")
    dialog.get_by_label("Start (seconds)").fill("3")
    dialog.get_by_label("End (seconds)").fill("1")
    dialog.get_by_role("button", name="Trim", exact=True).click()
    end = dialog.get_by_label("End (seconds)")
    expect(end).to_have_attribute("aria-invalid", "true")
    expect(end).to_have_accessible_description("The end must come after the start.")
    screenshot(page, "clips-trim-error")

    dialog.get_by_label("Start (seconds)").fill("1")
    end.fill("3")
    dialog.get_by_role("button", name="Trim", exact=True).click()
    expect(dialog).to_be_hidden()
    trimmed = library.get_by_role("article", name=re.compile(r"^Clip waves \(1–3 s\)"))
    expect(trimmed.get_by_text("Ready", exact=True)).to_be_visible(timeout=30_000)
    expect(trimmed).to_contain_text("2.0 s")
    expect(trimmed).to_contain_text("derived copy")
    screenshot(page, "clips-trimmed")


def test_deleting_a_clip_asks_first_and_shows_why_a_clip_in_use_stays(page: Page) -> None:
    sign_up_via_api(page, "clip-delete")
    account = connect_via_api(page, "sandbox.creator")
    used = upload_via_api(page, "harbour.jpg", jpeg(1080, 1080), "image/jpeg")
    upload_via_api(page, "spare.jpg", jpeg(1080, 1080, color=(200, 40, 40)), "image/jpeg")
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    post = api_post(
        page,
        "/api/v1/social/",
        {"account_id": account["id"], "media_type": "IMAGE", "clip_id": used["id"], "scheduled_for": later},
        status=201,
    )
    page.goto("/clips")
    library = page.get_by_role("region", name="Clip library")

    library.get_by_role("button", name="Delete harbour").click()
    dialog = page.get_by_role("dialog", name="Delete harbour?")
    dialog.get_by_role("button", name="Delete clip").click()
    expect(dialog.get_by_role("alert")).to_have_text(
        f"Clip {used['id']} is used by post {post['id']} (scheduled): "
        "delete that post or change it to another clip first."
    )
    screenshot(page, "clips-delete-in-use")
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(library.get_by_role("article", name="Clip harbour", exact=True)).to_be_visible()

    library.get_by_role("button", name="Delete spare").click()
    expect(page.get_by_role("dialog", name="Delete spare?")).to_be_visible()
    assert len(page.request.get("/api/v1/clips").json()["items"]) == 2  # nothing deleted before confirming
    page.get_by_role("dialog", name="Delete spare?").get_by_role("button", name="Delete clip").click()
    expect(library.get_by_role("article", name="Clip spare", exact=True)).to_be_hidden()
    expect(library.get_by_role("article", name="Clip harbour", exact=True)).to_be_visible()
