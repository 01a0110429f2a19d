"""Resumable upload to rupload: headers, resuming from the server's offset, failures."""

from __future__ import annotations

import httpx
import pytest

from clipper.instagram import UploadFailedError
from tests.instagram.ig_helpers import TOKEN

CONTAINER = "17889455560051444"
VIDEO = bytes(range(256)) * 40


class TestUpload:
    async def test_uploads_bytes_with_oauth_offset_and_size(self, make_client):
        seen = []

        def handler(request):
            seen.append(request)
            return httpx.Response(200, json={"success": True, "message": "Upload successful."})

        client = make_client(handler, rupload_url="https://rupload.example")
        result = await client.upload_video(CONTAINER, VIDEO)
        assert result.success is True
        [request] = seen
        assert str(request.url) == f"https://rupload.example/ig-api-upload/v24.0/{CONTAINER}"
        assert request.headers["Authorization"] == f"OAuth {TOKEN}"
        assert request.headers["offset"] == "0"
        assert request.headers["file_size"] == str(len(VIDEO))
        assert request.content == VIDEO

    async def test_resumes_from_the_server_offset_after_a_drop(self, make_client, tmp_path, sleeps):
        path = tmp_path / "clip.mp4"
        path.write_bytes(VIDEO)
        posts = []

        def handler(request):
            if request.method == "GET":
                return httpx.Response(200, json={"offset": 4000})
            posts.append((request.headers["offset"], request.content))
            if len(posts) == 1:
                raise httpx.RemoteProtocolError("Server disconnected")
            return httpx.Response(200, json={"success": True, "message": "Upload successful."})

        client = make_client(handler)
        result = await client.upload_video(CONTAINER, path)
        assert result.success
        assert posts[1] == ("4000", VIDEO[4000:])
        assert len(sleeps) == 1

    async def test_a_host_that_will_not_say_its_offset_means_starting_over(self, make_client, sleeps):
        posts = []

        def handler(request):
            if request.method == "GET":  # undocumented for ig-api-upload: real Meta may refuse it
                refused = {"error": {"message": "Unsupported get request", "code": 100}}
                return httpx.Response(400, json=refused)
            posts.append(request.headers["offset"])
            if len(posts) == 1:
                raise httpx.RemoteProtocolError("Server disconnected")
            return httpx.Response(200, json={"success": True, "message": "Upload successful."})

        result = await make_client(handler).upload_video(CONTAINER, VIDEO)
        assert result.success
        assert posts == ["0", "0"]
        assert len(sleeps) == 1

    async def test_reads_file_offset_as_meta_s_resumable_upload_api_names_it(self, make_client, sleeps):
        posts = []

        def handler(request):
            if request.method == "GET":
                return httpx.Response(200, json={"id": CONTAINER, "file_offset": 1000})
            posts.append(request.headers["offset"])
            if len(posts) == 1:
                raise httpx.RemoteProtocolError("Server disconnected")
            return httpx.Response(200, json={"success": True, "message": "Upload successful."})

        assert (await make_client(handler).upload_video(CONTAINER, VIDEO)).success
        assert posts == ["0", "1000"]
        del sleeps

    async def test_a_refused_upload_raises(self, make_client):
        failure = {
            "debug_info": {"retriable": False, "type": "ProcessingFailedError", "message": "unauthorized"}
        }
        client = make_client(lambda r: httpx.Response(400, json=failure))
        with pytest.raises(UploadFailedError):
            await client.upload_video(CONTAINER, VIDEO)

    async def test_upload_from_url_sends_file_url(self, make_client):
        seen = []
        client = make_client(lambda r: seen.append(r) or httpx.Response(200, json={"success": True}))
        await client.upload_video_from_url(CONTAINER, "https://cdn.example.com/v.mp4")
        assert seen[0].headers["file_url"] == "https://cdn.example.com/v.mp4"
        assert seen[0].headers["Authorization"] == f"OAuth {TOKEN}"


class TestUploadCompletedBeforeTheDrop:
    async def test_a_lost_answer_after_every_byte_arrived_is_success(self, make_client):
        posts = []

        def handler(request):
            if request.method == "GET":
                return httpx.Response(200, json={"offset": len(VIDEO), "file_size": len(VIDEO)})
            posts.append(request)
            raise httpx.ReadTimeout("answer lost")

        client = make_client(handler)
        assert (await client.upload_video(CONTAINER, VIDEO)).success
        assert len(posts) == 1


class TestRefusedChunks:
    async def test_a_retriable_refusal_resumes_from_the_server_offset(self, make_client):
        posts = []

        def handler(request):
            if request.method == "GET":
                return httpx.Response(200, json={"offset": 100})
            posts.append(request.headers["offset"])
            if len(posts) == 1:
                inner = '{"success":false,"error":{"message":"Invalid offset 0: the server has 100 bytes"}}'
                return httpx.Response(
                    400,
                    json={
                        "debug_info": {"retriable": True, "type": "ProcessingFailedError", "message": inner}
                    },
                )
            return httpx.Response(200, json={"success": True})

        client = make_client(handler)
        assert (await client.upload_video(CONTAINER, VIDEO)).success
        assert posts == ["0", "100"]
