"""The built UI runs under its Content-Security-Policy with no violation, and only links Meta's help pages."""

from __future__ import annotations

from urllib.parse import urlencode

from playwright.sync_api import Page, expect

from tests.e2e.browser import sign_up_via_api

WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def _watch(page: Page) -> list[str]:
    """Console errors about the policy, collected from now on (and violations through the DOM event)."""
    messages: list[str] = []
    page.on(
        "console",
        lambda message: (
            messages.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    page.add_init_script(WATCH_VIOLATIONS)
    return messages


class TestContentSecurityPolicy:
    def test_the_ui_loads_and_works_with_no_violation(self, page: Page) -> None:
        console = _watch(page)
        response = page.goto("/login")
        assert response is not None
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
        expect(page.get_by_role("heading", name="Log in")).to_be_visible()
        sign_up_via_api(page, "csp")
        for path in (
            "/accounts",
            "/clips",
            "/compose",
            "/calendar",
            "/inbox",
            "/hashtags",
            "/analytics",
            "/webhooks",
            "/security",
        ):
            page.goto(path)
            expect(page.get_by_role("heading", level=1).first).to_be_visible()
            expect(page.get_by_role("heading", name="Page not found")).to_have_count(0)
            assert page.evaluate("window.__cspViolations") == [], path
        assert console == []


class TestOAuthHelpLink:
    def _open_result(self, page: Page, help_url: str) -> None:
        query = {"oauth": "error", "platform": "instagram", "error": "It failed.", "help_url": help_url}
        page.goto(f"/accounts?{urlencode(query)}")
        expect(page.get_by_role("dialog", name="Connect Instagram")).to_be_visible()

    def test_a_link_that_is_not_metas_help_is_never_shown(self, page: Page) -> None:
        sign_up_via_api(page, "helpurl")
        for hostile in ("javascript:alert(1)", "https://evil.example/help", "http://www.facebook.com/help/1"):
            self._open_result(page, hostile)
            dialog = page.get_by_role("dialog", name="Connect Instagram")
            expect(dialog.get_by_text("It failed.")).to_be_visible()
            expect(dialog.get_by_role("link", name="Open Meta's help")).to_have_count(0)

    def test_metas_help_is_linked(self, page: Page) -> None:
        sign_up_via_api(page, "helpurl-ok")
        self._open_result(page, "https://www.facebook.com/help/218345114850283")
        link = page.get_by_role("dialog", name="Connect Instagram").get_by_role(
            "link", name="Open Meta's help"
        )
        expect(link).to_have_attribute("href", "https://www.facebook.com/help/218345114850283")
