"""The Competitors page: a refused username explains why, a tracked one shows up beside our account."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import connect_via_api, screenshot, sign_up_via_api


@pytest.mark.timeout(120)
def test_add_a_competitor_and_see_its_row(page: Page) -> None:
    sign_up_via_api(page, "competitors")
    connect_via_api(page, "sandbox.creator")
    page.goto("/competitors")
    expect(page.get_by_role("heading", name="Competitors")).to_be_visible()
    table = page.get_by_role("table", name="Competitor comparison")
    expect(table.get_by_role("rowheader", name=re.compile(r"@sandbox\.creator"))).to_be_visible()

    username = page.get_by_label("Instagram username")
    username.fill("just.a.friend")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text("Business or Creator")

    username.fill("rival.studio")
    page.get_by_role("button", name="Add").click()
    row = table.get_by_role("row", name=re.compile(r"@rival\.studio"))
    expect(row).to_be_visible()
    expect(row.get_by_role("cell", name="12,400")).to_be_visible()
    expect(page.get_by_text("1 of 10 tracked")).to_be_visible()
    expect(page.get_by_role("figure", name="Followers over time chart")).to_be_visible()
    screenshot(page, "competitors-page")

    page.get_by_role("button", name="Stop tracking @rival.studio").click()
    expect(row).to_have_count(0)
