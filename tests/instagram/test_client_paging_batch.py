"""Cursor pagination (empty pages with `next` are not the end) and batch requests."""

from __future__ import annotations

import json
from urllib.parse import parse_qs

import httpx
import pytest

from clipper.instagram import (
    InvalidTokenError,
    OutcomeUnknownError,
    RequestValidationError,
    TransientError,
)
from clipper.instagram.batch import BatchRequest
from tests.instagram.ig_helpers import TOKEN

MEDIA = "17900000000000001"


def page(ids, after=None):
    body = {"data": [{"id": i, "text": f"comment {i}", "timestamp": "2025-01-11T08:00:00+0000"} for i in ids]}
    if after:
        body["paging"] = {
            "cursors": {"after": after},
            "next": f"https://graph.facebook.com/v24.0/{MEDIA}/comments?access_token={TOKEN}&limit=2&after={after}",
        }
    return body


class TestPagination:
    async def test_follows_next_through_an_empty_page(self, make_client):
        pages = {None: page(["1", "2"], "c1"), "c1": page([], "c2"), "c2": page(["3"])}
        seen = []

        def handler(request):
            seen.append(dict(request.url.params))
            return httpx.Response(200, json=pages[request.url.params.get("after")])

        client = make_client(handler)
        comments = await client.get_media_comments(media_id=MEDIA)
        assert [c["id"] for c in comments] == ["1", "2", "3"]
        assert comments[0].text == "comment 1"
        assert comments[0].timestamp.year == 2025
        assert [s.get("after") for s in seen] == [None, "c1", "c2"]
        assert all("access_token" not in s for s in seen)

    async def test_iterate_pages_yields_raw_pages(self, make_client):
        pages = {None: page(["1"], "c1"), "c1": page([])}
        client = make_client(lambda r: httpx.Response(200, json=pages[r.url.params.get("after")]))
        collected = [p async for p in client.iterate_pages(f"{MEDIA}/comments", {"limit": 1})]
        assert [len(p["data"]) for p in collected] == [1, 0]

    async def test_a_repeated_cursor_ends_the_iteration(self, make_client):
        client = make_client(lambda r: httpx.Response(200, json=page(["1"], "same")))
        collected = [p async for p in client.iterate_pages(f"{MEDIA}/comments")]
        assert len(collected) == 2

    async def test_max_items_stops_early(self, make_client):
        calls = []
        client = make_client(lambda r: calls.append(r) or httpx.Response(200, json=page(["1", "2"], "c")))
        media = await client.get_user_media("1784", max_items=1)
        assert [m.id for m in media] == ["1"]
        assert len(calls) == 1


class TestMultiIdRead:
    async def test_get_objects_chunks_by_fifty(self, make_client):
        seen = []

        def handler(request):
            ids = request.url.params["ids"].split(",")
            seen.append(len(ids))
            return httpx.Response(200, json={i: {"id": i, "status_code": "FINISHED"} for i in ids})

        client = make_client(handler)
        found = await client.get_objects([str(i) for i in range(120)], fields="id,status_code")
        assert seen == [50, 50, 20]
        assert found["119"]["status_code"] == "FINISHED"


def batch_answer(request, *, null_for=(), fail_for=()):
    items = json.loads(parse_qs(request.content.decode())["batch"][0])
    answers = []
    for item in items:
        url = item["relative_url"]
        if any(url.endswith(n) for n in null_for):
            answers.append(None)
        elif any(url.endswith(f) for f in fail_for):
            error = {
                "error": {"message": "expired", "type": "OAuthException", "code": 190, "error_subcode": 463}
            }
            answers.append({"code": 400, "body": json.dumps(error)})
        else:
            answers.append({"code": 200, "body": json.dumps({"id": url.rsplit("/", 1)[-1], "url": url})})
    return httpx.Response(200, json=answers)


class TestBatch:
    async def test_chunks_into_fifty_and_keeps_order(self, make_client):
        sizes = []

        def handler(request):
            sizes.append(len(json.loads(parse_qs(request.content.decode())["batch"][0])))
            return batch_answer(request)

        client = make_client(handler)
        results = await client.batch([{"relative_url": f"obj{i}"} for i in range(120)])
        assert sizes == [50, 50, 20]
        assert [r.body["id"] for r in results] == [f"obj{i}" for i in range(120)]
        assert results[0].body["url"] == "v24.0/obj0"

    async def test_item_errors_become_exceptions(self, make_client):
        client = make_client(lambda r: batch_answer(r, fail_for=("bad",)))
        ok, bad = await client.batch([BatchRequest("good"), BatchRequest("bad")])
        assert ok.ok
        assert isinstance(bad.error, InvalidTokenError)
        with pytest.raises(InvalidTokenError):
            bad.result()

    async def test_null_reads_are_retried_alone(self, make_client, sleeps):
        rounds = []

        def handler(request):
            items = json.loads(parse_qs(request.content.decode())["batch"][0])
            rounds.append([i["relative_url"] for i in items])
            return batch_answer(request, null_for=("slow",) if len(rounds) == 1 else ())

        client = make_client(handler)
        results = await client.batch([BatchRequest("a"), BatchRequest("slow"), BatchRequest("b")])
        assert rounds == [["v24.0/a", "v24.0/slow", "v24.0/b"], ["v24.0/slow"]]
        assert [r.body["id"] for r in results] == ["a", "slow", "b"]
        assert len(sleeps) == 1

    async def test_null_writes_are_not_retried(self, make_client):
        rounds = []

        def handler(request):
            rounds.append(request)
            return batch_answer(request, null_for=("comments",))

        client = make_client(handler)
        [result] = await client.batch([BatchRequest("1790/comments", method="POST", body={"message": "hi"})])
        assert len(rounds) == 1
        assert isinstance(result.error, OutcomeUnknownError)

    async def test_a_refused_retry_of_the_reads_keeps_an_unanswered_write_outcome_unknown(self, make_client):
        rounds = []

        def handler(request):
            rounds.append(request)
            if len(rounds) > 1:
                raise httpx.ConnectError("[Errno 111] Connection refused")
            return batch_answer(request, null_for=("media_publish", "permalink"))

        client = make_client(handler, max_retries=1)
        publish, link = await client.batch(
            [
                BatchRequest("1784/media_publish", method="POST", body={"creation_id": "1"}, name="pub"),
                BatchRequest("{result=pub:$.id}?fields=permalink", depends_on="pub"),
            ]
        )
        assert isinstance(publish.error, OutcomeUnknownError)
        assert publish.error.may_have_been_processed is True
        assert isinstance(link.error, TransientError)
        assert len(rounds) == 3  # the publish batch once, then the read alone (the client retried it once)

    async def test_write_bodies_are_url_encoded(self, make_client):
        captured = []
        client = make_client(lambda r: captured.append(r) or batch_answer(r))
        await client.batch([BatchRequest("1784/media", method="POST", body={"caption": "a b", "x": [1]})])
        [item] = json.loads(parse_qs(captured[0].content.decode())["batch"][0])
        assert parse_qs(item["body"]) == {"caption": ["a b"], "x": ["[1]"]}

    async def test_a_dependency_across_chunks_is_refused(self, make_client):
        client = make_client(lambda r: batch_answer(r))
        items = [BatchRequest(f"o{i}", name="first" if i == 0 else None) for i in range(50)]
        items.append(BatchRequest("late", depends_on="first"))
        with pytest.raises(RequestValidationError):
            await client.batch(items)
