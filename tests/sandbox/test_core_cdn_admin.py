"""The CDN (Range support), the admin API, handler-module loading, and mounting under a prefix."""

from __future__ import annotations

import sys

import httpx
import pytest
from fastapi import FastAPI

from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig
from graph_sandbox.handlers import import_optional


class TestCdn:
    async def test_serves_bytes_with_their_type(self, sandbox_client, sandbox):
        url = sandbox.cdn.put(b"\x00\x01hello world", "video/mp4")
        response = await sandbox_client.get(url)
        assert response.status_code == 200
        assert response.headers["content-type"] == "video/mp4"
        assert response.headers["accept-ranges"] == "bytes"
        assert response.content == b"\x00\x01hello world"

    @pytest.mark.parametrize(
        ("header", "body", "content_range"),
        [
            ("bytes=2-6", b"hello", "bytes 2-6/13"),
            ("bytes=8-", b"world", "bytes 8-12/13"),
            ("bytes=-3", b"rld", "bytes 10-12/13"),
        ],
    )
    async def test_range_requests_get_206(self, sandbox_client, sandbox, header, body, content_range):
        url = sandbox.cdn.put(b"\x00\x01hello world", "video/mp4")
        response = await sandbox_client.get(url, headers={"Range": header})
        assert response.status_code == 206
        assert response.content == body
        assert response.headers["content-range"] == content_range

    async def test_unsatisfiable_range_is_416(self, sandbox_client, sandbox):
        url = sandbox.cdn.put(b"abc", "image/jpeg")
        response = await sandbox_client.get(url, headers={"Range": "bytes=10-20"})
        assert response.status_code == 416
        assert response.headers["content-range"] == "bytes */3"

    async def test_unknown_key_is_404(self, sandbox_client):
        assert (await sandbox_client.get("/cdn/nothing.jpg")).status_code == 404

    async def test_the_sandbox_can_fetch_its_own_cdn(self, sandbox):
        url = sandbox.cdn.put(b"\xff\xd8jpeg", "image/jpeg")
        assert (await sandbox.http_client.get(url)).content == b"\xff\xd8jpeg"


class TestAdmin:
    async def test_state_summarises_the_seed(self, sandbox_client):
        state = (await sandbox_client.get("/_admin/state")).json()
        assert {u["name"] for u in state["fb_users"]} == {"Sandbox Creator", "Nora Nopages", "Uma Unlinked"}
        creator = next(u for u in state["fb_users"] if u["id"] == state["default_fb_user_id"])
        assert len(creator["page_ids"]) == 3
        assert sorted(i["username"] for i in state["ig_users"]) == ["sandbox.creator", "sandbox.studio"]
        assert state["counts"]["media"] > 0
        assert state["counts"]["conversations"] == 4

    async def test_reset_gives_a_fresh_world(self, sandbox_client, tokens):
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 50})
        state = (await sandbox_client.post("/_admin/reset", json={})).json()
        assert state["counts"]["tokens"] == 0
        assert state["clock_offset_seconds"] == 0
        error = (await sandbox_client.get("/graph/me", params={"access_token": tokens.user})).json()["error"]
        assert error["code"] == 190

    async def test_reset_with_a_seed_rebuilds_the_same_world(self, sandbox_client, sandbox):
        def ids(state):
            return [[x["id"] for x in state[kind]] for kind in ("fb_users", "pages", "ig_users")]

        first = (await sandbox_client.post("/_admin/reset", json={"seed": 7})).json()
        media_first = list(sandbox.world.media)
        again = (await sandbox_client.post("/_admin/reset", json={"seed": 7})).json()
        assert ids(again) == ids(first)
        assert list(sandbox.world.media) == media_first
        other = (await sandbox_client.post("/_admin/reset", json={"seed": 8})).json()
        assert ids(other) != ids(first)
        assert (await sandbox_client.get("/_admin/config")).json()["seed"] == 8

    async def test_reset_to_the_empty_variant(self, sandbox_client):
        state = (await sandbox_client.post("/_admin/reset", json={"variant": "empty"})).json()
        assert state["counts"]["media"] == 0
        assert len(state["ig_users"]) == 2
        assert (await sandbox_client.post("/_admin/reset", json={"variant": "bogus"})).status_code == 422

    async def test_clock_advance(self, sandbox_client, sandbox):
        before = sandbox.clock.now()
        body = (await sandbox_client.post("/_admin/clock/advance", json={"seconds": 86_400})).json()
        assert body["offset_seconds"] == 86_400
        assert (sandbox.clock.now() - before).total_seconds() >= 86_400

    async def test_config_read_and_patch(self, sandbox_client, sandbox):
        assert (await sandbox_client.get("/_admin/config")).json()["publish_quota"] == 100
        patched = await sandbox_client.patch(
            "/_admin/config", json={"publish_quota": 25, "video_processing_seconds": 0}
        )
        assert patched.json()["publish_quota"] == 25
        assert sandbox.config.video_processing_seconds == 0
        assert (await sandbox_client.patch("/_admin/config", json={"nonsense": 1})).status_code == 422
        assert (
            await sandbox_client.patch("/_admin/config", json={"publish_quota": "many"})
        ).status_code == 422

    async def test_issue_a_page_token(self, sandbox_client, tokens, sandbox):
        page_id = sandbox.world.ig_users[tokens.creator_ig].page_id
        issued = (
            await sandbox_client.post("/_admin/tokens/issue", json={"kind": "PAGE", "page_id": page_id})
        ).json()
        assert issued["kind"] == "PAGE"
        assert issued["expires_at"] is None
        me = await sandbox_client.get("/graph/me", params={"access_token": issued["access_token"]})
        assert me.json()["id"] == page_id

    async def test_issue_rejects_a_page_the_user_does_not_manage(self, sandbox_client):
        response = await sandbox_client.post("/_admin/tokens/issue", json={"kind": "PAGE", "page_id": "1"})
        assert response.status_code == 404

    async def test_invalidate_with_the_token_in_the_path(self, sandbox_client, tokens):
        response = await sandbox_client.post(
            f"/_admin/tokens/{tokens.user}/invalidate", json={"subcode": 467}
        )
        assert response.json() == {"success": True, "subcode": 467}
        error = (await sandbox_client.get("/graph/me", params={"access_token": tokens.user})).json()["error"]
        assert error["error_subcode"] == 467


class TestHandlerModules:
    def test_a_missing_module_is_skipped(self):
        assert import_optional("graph_sandbox.not_written_yet") is False

    def test_an_existing_module_is_imported(self):
        assert import_optional("graph_sandbox.core_nodes") is True

    def test_an_import_error_inside_a_module_propagates(self, tmp_path, monkeypatch):
        (tmp_path / "sandbox_broken_handlers.py").write_text("import a_dependency_that_is_missing\n")
        monkeypatch.syspath_prepend(str(tmp_path))
        with pytest.raises(ModuleNotFoundError):
            import_optional("sandbox_broken_handlers")
        sys.modules.pop("sandbox_broken_handlers", None)


class TestMounted:
    async def test_works_under_a_prefix_without_its_lifespan(self):
        parent = FastAPI()
        sandbox_app = create_sandbox_app(SandboxConfig(public_url="http://product.test/sandbox"))
        parent.mount("/sandbox", sandbox_app)
        transport = httpx.ASGITransport(app=parent)
        async with httpx.AsyncClient(transport=transport, base_url="http://product.test") as client:
            issued = await client.post("/sandbox/_admin/tokens/issue", json={})
            token = issued.json()["access_token"]
            params = {"access_token": token, "limit": "1", "fields": "id,picture"}
            body = (await client.get("/sandbox/graph/v24.0/me/accounts", params=params)).json()
            assert body["paging"]["next"].startswith("http://product.test/sandbox/graph/v24.0/")
            assert (await client.get(body["paging"]["next"])).status_code == 200
            picture = body["data"][0]["picture"]["data"]["url"]
            assert (await client.get(picture)).headers["content-type"] == "image/jpeg"
            dialog = await client.get(
                "/sandbox/dialog/oauth",
                params={
                    "client_id": sandbox_app.state.sandbox.config.app_id,
                    "redirect_uri": "http://x.test/cb",
                },
            )
            assert dialog.status_code == 200
        await sandbox_app.state.sandbox.aclose()
