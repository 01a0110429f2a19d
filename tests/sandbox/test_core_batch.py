"""Multi-id reads (`GET /?ids=`) and batch requests (`POST /` with `batch=`)."""

from __future__ import annotations

import json

from tests.sandbox.sandbox_helpers import VERSION


async def batch(client, token: str, requests: list[dict], **extra: str):
    data = {"access_token": token, "batch": json.dumps(requests), **extra}
    return await client.post(f"/graph/{VERSION}/", data=data)


class TestMultiId:
    async def test_returns_an_object_keyed_by_id(self, sandbox_client, tokens):
        ids = list(tokens.pages)[:2]
        params = {"ids": ",".join(ids), "fields": "name", "access_token": tokens.user}
        body = (await sandbox_client.get("/graph/", params=params)).json()
        assert set(body) == set(ids)
        assert all(set(node) == {"name", "id"} for node in body.values())

    async def test_mixes_node_kinds(self, sandbox_client, tokens):
        params = {"ids": f"me,{tokens.creator_ig}", "access_token": tokens.user}
        body = (await sandbox_client.get("/graph", params=params)).json()
        assert body["me"]["id"] == tokens.user_id
        assert body[tokens.creator_ig] == {"id": tokens.creator_ig}

    async def test_an_unknown_id_fails_the_call(self, sandbox_client, tokens):
        params = {"ids": f"{tokens.creator_ig},999", "access_token": tokens.user}
        error = (await sandbox_client.get("/graph/", params=params)).json()["error"]
        assert error["code"] == 803


class TestBatch:
    async def test_answers_each_request_with_a_string_body(self, sandbox_client, tokens):
        response = await batch(
            sandbox_client,
            tokens.user,
            [
                {"method": "GET", "relative_url": f"{VERSION}/{tokens.creator_ig}?fields=id,username"},
                {"method": "GET", "relative_url": "me"},
            ],
        )
        assert response.status_code == 200
        first, second = response.json()
        assert first["code"] == 200
        assert {"name": "Content-Type", "value": "text/javascript; charset=UTF-8"} in first["headers"]
        assert json.loads(first["body"]) == {"id": tokens.creator_ig, "username": "sandbox.creator"}
        assert json.loads(second["body"])["id"] == tokens.user_id

    async def test_depends_on_and_jsonpath_references(self, sandbox_client, tokens):
        requests = [
            {"method": "GET", "relative_url": "me/accounts?fields=id", "name": "pages"},
            {
                "method": "GET",
                "relative_url": "?ids={result=pages:$.data.*.id}&fields=name",
                "depends_on": "pages",
            },
            {
                "method": "GET",
                "relative_url": "{result=pages:$.data.0.id}?fields=name",
                "depends_on": "pages",
            },
        ]
        named, multi, single = (await batch(sandbox_client, tokens.user, requests)).json()
        assert named is None  # a named request's answer is omitted by default
        assert set(json.loads(multi["body"])) == set(tokens.pages)
        assert json.loads(single["body"])["id"] in tokens.pages

    async def test_omit_response_on_success_false_keeps_the_answer(self, sandbox_client, tokens):
        requests = [{"relative_url": "me", "name": "me", "omit_response_on_success": False}]
        (answer,) = (await batch(sandbox_client, tokens.user, requests)).json()
        assert json.loads(answer["body"])["id"] == tokens.user_id

    async def test_a_failed_item_keeps_the_batch_at_200_and_skips_dependents(self, sandbox_client, tokens):
        requests = [
            {"relative_url": "123456/nothing", "name": "broken"},
            {"relative_url": "{result=broken:$.id}", "depends_on": "broken"},
            {"relative_url": "me?fields=id"},
        ]
        response = await batch(sandbox_client, tokens.user, requests)
        failed, skipped, fine = response.json()
        assert response.status_code == 200
        assert failed["code"] == 400
        assert json.loads(failed["body"])["error"]["error_subcode"] == 33
        assert skipped is None
        assert fine["code"] == 200

    async def test_post_items_take_an_urlencoded_body(self, sandbox_client, tokens):
        requests = [{"method": "POST", "relative_url": "me", "body": "method=get&fields=id"}]
        (answer,) = (await batch(sandbox_client, tokens.user, requests)).json()
        assert json.loads(answer["body"]) == {"id": tokens.user_id}

    async def test_include_headers_false_leaves_them_out(self, sandbox_client, tokens):
        response = await batch(sandbox_client, tokens.user, [{"relative_url": "me"}], include_headers="false")
        assert set(response.json()[0]) == {"code", "body"}

    async def test_items_may_bring_their_own_token(self, sandbox_client, tokens):
        page_id, page_token = next(iter(tokens.pages.items()))
        requests = [{"relative_url": f"me?access_token={page_token}"}]
        (answer,) = (await batch(sandbox_client, tokens.user, requests)).json()
        assert json.loads(answer["body"])["id"] == page_id

    async def test_more_than_fifty_is_an_error(self, sandbox_client, tokens):
        response = await batch(sandbox_client, tokens.user, [{"relative_url": "me"}] * 51)
        error = response.json()["error"]
        assert response.status_code == 400
        assert error["code"] == 100
        assert "Maximum batch size is 50" in error["message"]

    async def test_exactly_fifty_run(self, sandbox_client, tokens):
        response = await batch(sandbox_client, tokens.user, [{"relative_url": "me?fields=id"}] * 50)
        assert [item["code"] for item in response.json()] == [200] * 50

    async def test_items_without_any_token_get_104(self, sandbox_client):
        data = {"batch": json.dumps([{"relative_url": "me"}])}
        (answer,) = (await sandbox_client.post("/graph/", data=data)).json()
        assert json.loads(answer["body"])["error"]["code"] == 104
