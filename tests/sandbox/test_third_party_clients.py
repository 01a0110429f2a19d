"""Standard Graph clients (pyfacebook, facebook-business) work unchanged against the sandbox's /graph/.

Both are synchronous `requests`-based SDKs, so the sandbox runs behind uvicorn in its own thread and
the SDKs talk to it over a real socket, exactly as they would talk to graph.facebook.com.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from facebook_business.adobjects.iguser import IGUser
from facebook_business.api import FacebookAdsApi
from facebook_business.exceptions import FacebookRequestError
from facebook_business.session import FacebookSession
from pyfacebook import GraphAPI
from pyfacebook.exceptions import FacebookError

from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig
from graph_sandbox.permissions import PRODUCT_PERMISSIONS
from graph_sandbox.state import Sandbox
from tests.fixtures.live_server import listening_socket, origin_of
from tests.fixtures.media_factory import jpeg

VERSION = "v24.0"


@dataclass
class LiveSandbox:
    url: str
    sandbox: Sandbox
    config: SandboxConfig
    user_token: str
    ig_user_id: str
    page_token: str


def _serve_in_thread(app: object, sock: socket.socket) -> tuple[uvicorn.Server, threading.Thread]:
    config = uvicorn.Config(app, log_level="critical", lifespan="on", ws="none", http="h11")  # type: ignore[arg-type]
    server = uvicorn.Server(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve(sockets=[sock])), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the sandbox did not start")
        time.sleep(0.01)
    return server, thread


@pytest.fixture
def live() -> Iterator[LiveSandbox]:
    sock = listening_socket()
    url = origin_of(sock)
    config = SandboxConfig(public_url=url)
    app = create_sandbox_app(config)
    server, thread = _serve_in_thread(app, sock)
    try:
        with httpx.Client(base_url=url) as admin:
            issued = admin.post(
                "/_admin/tokens/issue", json={"kind": "USER_LONG", "scopes": list(PRODUCT_PERMISSIONS)}
            )
            user_token = issued.json()["access_token"]
            pages = admin.get(
                f"/graph/{VERSION}/me/accounts",
                params={"access_token": user_token, "fields": "access_token,instagram_business_account"},
            ).json()["data"]
        linked = next(page for page in pages if "instagram_business_account" in page)
        yield LiveSandbox(
            url=url,
            sandbox=app.state.sandbox,
            config=config,
            user_token=user_token,
            ig_user_id=linked["instagram_business_account"]["id"],
            page_token=linked["access_token"],
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def _image_url(live: LiveSandbox) -> str:
    return live.sandbox.cdn.put(jpeg(1080, 1350), "image/jpeg")


class TestPyfacebook:
    def _api(self, live: LiveSandbox, token: str) -> GraphAPI:
        return GraphAPI(
            access_token=token,
            app_id=live.config.app_id,
            app_secret=live.config.app_secret,
            version=VERSION,
            base_url=f"{live.url}/graph/",
        )

    def test_reads_the_user_and_pages_with_appsecret_proof(self, live):
        api = self._api(live, live.user_token)
        assert api.get_object("me", fields="id,name")["name"]
        pages = api.get_full_connections("me", "accounts", fields="id,name,instagram_business_account")
        assert any("instagram_business_account" in page for page in pages["data"])

    def test_publishes_an_image_with_the_generic_post_object_calls(self, live):
        api = self._api(live, live.page_token)
        container = api.post_object(
            live.ig_user_id, connection="media", params={"image_url": _image_url(live), "caption": "hi"}
        )
        media = api.post_object(
            live.ig_user_id, connection="media_publish", params={"creation_id": container["id"]}
        )
        details = api.get_object(media["id"], fields="id,permalink,media_type")
        assert details["media_type"] == "IMAGE"
        assert details["permalink"].startswith(live.url)

    def test_raises_its_own_error_type_with_metas_code(self, live):
        api = self._api(live, "not-a-token")
        with pytest.raises(FacebookError) as caught:
            api.get_object("me")
        assert caught.value.code == 190


class TestFacebookBusinessSdk:
    @pytest.fixture
    def sdk(self, live: LiveSandbox, monkeypatch: pytest.MonkeyPatch) -> FacebookAdsApi:
        monkeypatch.setattr(FacebookSession, "GRAPH", f"{live.url}/graph")
        return FacebookAdsApi.init(
            app_id=live.config.app_id,
            app_secret=live.config.app_secret,
            access_token=live.page_token,
            api_version=VERSION,
            crash_log=False,
        )

    def test_reads_an_ig_user(self, live, sdk):
        user = IGUser(live.ig_user_id, api=sdk).api_get(fields=["username", "followers_count"])
        assert user["username"].startswith("sandbox.")

    def test_creates_and_publishes_media(self, live, sdk):
        ig_user = IGUser(live.ig_user_id, api=sdk)
        container = ig_user.create_media(params={"image_url": _image_url(live), "caption": "from the SDK"})
        published = ig_user.create_media_publish(params={"creation_id": container["id"]})
        assert published["id"]
        limit = ig_user.get_content_publishing_limit(fields=["quota_usage"])
        assert limit[0]["quota_usage"] == 1

    def test_surfaces_metas_error_fields(self, live, sdk):
        ig_user = IGUser(live.ig_user_id, api=sdk)
        with pytest.raises(FacebookRequestError) as caught:
            ig_user.create_media_publish(params={"creation_id": "17999999999999999"})
        assert caught.value.api_error_code() == 24
        assert caught.value.api_error_subcode() == 2207008
