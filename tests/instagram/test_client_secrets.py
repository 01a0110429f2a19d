"""Authentication on the wire, appsecret_proof, and tokens never showing in reprs, logs or errors."""

from __future__ import annotations

import hashlib
import hmac
import logging
from urllib.parse import parse_qs

import httpx
import pytest

from clipper.instagram import InstagramGraphAPIError
from clipper.instagram.schemas import GraphObject, InstagramAccount, Page, Token
from tests.instagram.ig_helpers import APP_ID, APP_SECRET, TOKEN, graph_error

PROOF = hmac.new(APP_SECRET.encode(), TOKEN.encode(), hashlib.sha256).hexdigest()


def form(request):
    return {k: v[0] for k, v in parse_qs(request.content.decode()).items()}


class TestAuthentication:
    async def test_token_travels_in_the_authorization_header_not_the_url(self, make_client):
        requests = []
        client = make_client(lambda r: requests.append(r) or httpx.Response(200, json={"id": "1"}))
        await client.get_media_details("1")
        assert requests[0].headers["Authorization"] == f"Bearer {TOKEN}"
        assert TOKEN not in str(requests[0].url)

    async def test_appsecret_proof_is_sent_on_every_call(self, make_client):
        requests = []

        def handler(request):
            requests.append(request)
            if request.method == "POST":
                return httpx.Response(200, json={"id": "1789"})
            return httpx.Response(200, json={"id": "1", "data": []})

        client = make_client(handler, app_id=APP_ID, app_secret=APP_SECRET)
        await client.get_media_details("1")
        await client.publish_container(ig_account_id="1784", creation_id="1789")
        await client.delete_comment(comment_id="1790")
        assert requests[0].url.params["appsecret_proof"] == PROOF
        assert form(requests[1])["appsecret_proof"] == PROOF
        assert requests[2].url.params["appsecret_proof"] == PROOF

    async def test_no_proof_without_an_app_secret(self, make_client):
        requests = []
        client = make_client(lambda r: requests.append(r) or httpx.Response(200, json={"id": "1"}))
        await client.get_media_details("1")
        assert "appsecret_proof" not in requests[0].url.params

    async def test_with_token_switches_token_and_shares_the_pool(self, make_client):
        requests = []
        client = make_client(
            lambda r: requests.append(r) or httpx.Response(200, json={"id": "1"}),
            app_id=APP_ID,
            app_secret=APP_SECRET,
        )
        page = client.with_token("PAGE-token-987654321")
        await page.get_media_details("1")
        assert requests[0].headers["Authorization"] == "Bearer PAGE-token-987654321"
        expected = hmac.new(APP_SECRET.encode(), b"PAGE-token-987654321", hashlib.sha256).hexdigest()
        assert requests[0].url.params["appsecret_proof"] == expected
        assert page.http is client.http
        await page.aclose()
        assert not client.http.is_closed


class TestNeverShown:
    def test_repr_hides_the_token(self):
        from clipper.instagram import InstagramGraphAPI

        client = InstagramGraphAPI(TOKEN, app_id=APP_ID, app_secret=APP_SECRET)
        assert TOKEN not in repr(client)
        assert APP_SECRET not in repr(client)
        assert TOKEN not in repr(client.with_token(TOKEN))

    def test_token_models_hide_tokens(self):
        token = Token.model_validate({"access_token": TOKEN, "token_type": "bearer", "expires_in": 5})
        page = Page.model_validate({"id": "1", "name": "P", "access_token": TOKEN})
        assert token.access_token == TOKEN
        for text in (repr(token), str(token), repr(page), str(page)):
            assert TOKEN not in text

    def test_undeclared_token_keys_are_masked_in_reprs(self):
        raw = {
            "id": "1",
            "access_token": TOKEN,
            "page_token": "EAApage-token",
            "client_secret": APP_SECRET,
            "data": [{"id": "2", "access_token": "EAAnested-token"}],
        }
        for model in (GraphObject, InstagramAccount):
            parsed = model.model_validate(raw)
            assert parsed["access_token"] == TOKEN  # the value is still there for the code that needs it
            for text in (repr(parsed), str(parsed)):
                assert "access_token='***'" in text
                for secret in (TOKEN, "EAApage-token", APP_SECRET, "EAAnested-token"):
                    assert secret not in text

    async def test_a_page_token_read_from_the_sandbox_stays_out_of_reprs(self, graph, tokens):
        page_id, page_token = next(iter(tokens.pages.items()))
        page = await graph.get_object(page_id, fields="id,name,access_token")
        assert page["access_token"] == page_token
        [read] = (await graph.get_objects([page_id], fields="id,access_token")).values()
        for text in (repr(page), str(page), repr(read), str(read)):
            assert page_token not in text

    async def test_logs_and_errors_never_contain_the_token(self, make_client, caplog):
        caplog.set_level(logging.DEBUG)

        def handler(request):
            if request.url.path.endswith("/bad"):
                return graph_error(100, f"Bad request ?access_token={TOKEN}&x=1 and {TOKEN}")
            if request.url.path.endswith("/drop"):
                raise httpx.RemoteProtocolError(f"dropped {TOKEN}")
            if request.url.path.endswith("debug_token"):
                return httpx.Response(200, json={"data": {"is_valid": True}})
            return httpx.Response(200, json={"id": "1"})

        client = make_client(handler, app_id=APP_ID, app_secret=APP_SECRET, max_retries=0)
        await client.get_media_details("17900000000000001")
        await client.debug_token("EAAGinput-token-to-inspect")
        messages = []
        for path in ("bad", "drop"):
            with pytest.raises(InstagramGraphAPIError) as raised:
                await client.get_media_details(path)
            messages += [str(raised.value), repr(raised.value), raised.value.user_message]
        logged = caplog.text
        for secret in (TOKEN, APP_SECRET, "EAAGinput-token-to-inspect"):
            assert secret not in logged
            assert all(secret not in message for message in messages)
        assert "input_token=[redacted]" in logged  # httpx's own request line, scrubbed
        assert "GET /{id} -> 200" in logged
        assert "GET /debug_token -> 200" in logged


class TestObservability:
    async def test_on_call_reports_endpoint_status_code_and_duration(self, make_client):
        calls = []

        def handler(request):
            if "comments" in request.url.path:
                return graph_error(190, subcode=463)
            return httpx.Response(200, json={"id": "1"})

        client = make_client(handler, on_call=lambda *args: calls.append(args))
        await client.get_media_details("17900000000000001")
        with pytest.raises(InstagramGraphAPIError):
            await client.post_comment("17900000000000001", "hi")
        assert [c[:3] for c in calls] == [("GET /{id}", 200, None), ("POST /{id}/comments", 400, 190)]
        assert all(c[3] >= 0 for c in calls)

    async def test_a_failing_on_call_hook_does_not_break_the_call(self, make_client):
        def hook(*args):
            raise RuntimeError("metrics down")

        client = make_client(lambda r: httpx.Response(200, json={"id": "1"}), on_call=hook)
        assert (await client.get_media_details("1")).id == "1"
