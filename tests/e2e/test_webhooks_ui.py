"""The Webhooks page: create an endpoint, see its secret once, send a test and watch it arrive signed."""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import screenshot, sign_up_via_api
from tests.fixtures.live_server import listening_socket, origin_of

# The receiver listens on the loopback over http: the server must allow both for this module.
SERVER_ENV = {"OUTGOING_WEBHOOKS_ALLOW_HTTP": "true", "OUTGOING_WEBHOOKS_ALLOW_PRIVATE": "true"}

received: list[tuple[dict[str, str], bytes]] = []


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        received.append(({name.lower(): value for name, value in self.headers.items()}, body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *_args: object) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    """A webhook receiver on a loopback socket, in a thread; yields its URL."""
    server = HTTPServer(("127.0.0.1", 0), _Handler, bind_and_activate=False)
    server.socket.close()
    server.socket = listening_socket()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{origin_of(server.socket)}/hook"
    finally:
        server.shutdown()
        server.server_close()


class TestWebhooksPage:
    def test_creates_an_endpoint_and_a_test_delivery_arrives_in_the_log(
        self, page: Page, receiver: str
    ) -> None:
        sign_up_via_api(page, "hooks")
        page.goto("/webhooks")
        expect(page.get_by_role("heading", name="Webhooks")).to_be_visible()
        page.get_by_role("button", name="Add endpoint").click()
        dialog = page.get_by_role("dialog", name="Add endpoint")
        dialog.get_by_label("Endpoint URL").fill(receiver)
        dialog.get_by_label("Description").fill("CI receiver")
        dialog.get_by_label("New comment").check()
        dialog.get_by_role("button", name="Create endpoint").click()

        shown = page.get_by_role("dialog", name="Signing secret")
        secret = shown.get_by_label("Signing secret").inner_text()
        assert re.fullmatch(r"whsec_[A-Za-z0-9_-]{40,}", secret)
        shown.get_by_role("button", name="I saved it").click()
        card = page.get_by_role("article", name="Endpoint CI receiver")
        expect(card.get_by_text("comment.created")).to_be_visible()
        card.get_by_role("button", name="Send test").click()

        log = card.get_by_role("region", name="Deliveries to CI receiver")
        row = log.get_by_role("row").filter(has_text="ping")
        expect(row.get_by_text("delivered")).to_be_visible()
        expect(row.get_by_role("cell", name="204", exact=True)).to_be_visible()
        screenshot(page, "webhooks-page")
        [(headers, body)] = received
        timestamp, signature = re.fullmatch(
            r"t=(\d+),v1=([0-9a-f]{64})", headers["clipper-signature"]
        ).groups()
        expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        assert hmac.compare_digest(signature, expected)
        assert headers["clipper-event-type"] == "ping"
