"""Resumable uploads: bytes in one go, in resumed chunks, from a file_url, and the failure body."""

from __future__ import annotations

import json
from typing import Any

import httpx

from tests.fixtures import media_factory
from tests.sandbox.publishing.pub_session import Publisher


async def _session(pub: Publisher, **params: Any) -> dict[str, Any]:
    response = await pub.create(media_type="REELS", upload_type="resumable", caption="up", **params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def _path(uri: str, pub: Publisher) -> str:
    return uri.removeprefix(pub.sandbox.config.base_url)


async def _post(pub: Publisher, uri: str, data: bytes = b"", **headers: str) -> httpx.Response:
    headers = {"Authorization": f"OAuth {pub.token}", **headers}
    return await pub.client.post(_path(uri, pub), content=data, headers=headers)


class TestSession:
    async def test_resumable_create_returns_id_and_uri(self, pub: Publisher) -> None:
        body = await _session(pub)
        assert body["uri"] == f"{pub.sandbox.config.base_url}/rupload/ig-api-upload/v24.0/{body['id']}"
        assert (await pub.status(body["id"]))["status_code"] == "IN_PROGRESS"


class TestUpload:
    async def test_bytes_in_one_request(self, pub: Publisher) -> None:
        session, data = await _session(pub), media_factory.mp4()
        response = await _post(pub, session["uri"], data, offset="0", file_size=str(len(data)))
        assert response.json() == {"success": True, "message": "Upload successful."}
        assert (await pub.wait(session["id"]))["status_code"] == "FINISHED"
        media_id = await pub.publish_id(session["id"])
        media = (await pub.call("GET", media_id, fields="media_url")).json()
        assert (await pub.client.get(media["media_url"])).content == data

    async def test_resume_after_an_interruption(self, pub: Publisher) -> None:
        session, data = await _session(pub), media_factory.mp4()
        half = len(data) // 2
        size = str(len(data))
        assert (await _post(pub, session["uri"], data[:half], offset="0", file_size=size)).status_code == 200
        assert (await pub.status(session["id"]))["status_code"] == "IN_PROGRESS"
        held = await pub.client.get(
            _path(session["uri"], pub), headers={"Authorization": f"OAuth {pub.token}"}
        )
        assert held.json() == {"offset": half, "file_size": len(data)}
        wrong = await _post(pub, session["uri"], data[half + 1 :], offset=str(half + 1), file_size=size)
        assert wrong.status_code == 400
        assert wrong.json()["debug_info"]["retriable"] is True
        done = await _post(pub, session["uri"], data[half:], offset=str(half), file_size=size)
        assert done.json()["success"] is True
        assert (await pub.wait(session["id"]))["status_code"] == "FINISHED"

    async def test_file_url_header(self, pub: Publisher) -> None:
        session = await _session(pub)
        url = pub.host(media_factory.mp4(), "video/mp4")
        assert (await _post(pub, session["uri"], file_url=url)).json()["success"] is True
        assert (await pub.wait(session["id"]))["status_code"] == "FINISHED"

    async def test_a_bad_upload_errors_the_container(self, pub: Publisher) -> None:
        session, data = await _session(pub), media_factory.mp4(faststart=False)
        await _post(pub, session["uri"], data, offset="0", file_size=str(len(data)))
        assert (await pub.wait(session["id"]))[
            "status"
        ] == "Error: Media upload has failed with error code 2207026"

    async def test_a_second_upload_is_refused(self, pub: Publisher) -> None:
        session, data = await _session(pub), media_factory.mp4()
        await _post(pub, session["uri"], data, offset="0", file_size=str(len(data)))
        again = await _post(pub, session["uri"], data, offset="0", file_size=str(len(data)))
        assert again.status_code == 400
        assert again.json()["debug_info"]["type"] == "ProcessingFailedError"


class TestAuthorization:
    async def test_wrong_token_gets_metas_failure_body(self, pub: Publisher) -> None:
        session = await _session(pub)
        response = await pub.client.post(
            _path(session["uri"], pub), content=b"x", headers={"Authorization": "OAuth nope", "offset": "0"}
        )
        assert response.status_code == 401
        assert response.json() == {
            "debug_info": {
                "retriable": False,
                "type": "ProcessingFailedError",
                "message": json.dumps(
                    {"success": False, "error": {"message": "unauthorized user request"}},
                    separators=(",", ":"),
                ),
            }
        }

    async def test_bearer_scheme_is_not_rupload_auth(self, pub: Publisher) -> None:
        session = await _session(pub)
        response = await pub.client.post(
            _path(session["uri"], pub),
            content=b"x",
            headers={"Authorization": f"Bearer {pub.token}", "offset": "0"},
        )
        assert response.json()["debug_info"]["retriable"] is False

    async def test_non_resumable_container(self, pub: Publisher) -> None:
        container_id = await pub.create_id(
            media_type="REELS", video_url=pub.host(media_factory.mp4(), "video/mp4")
        )
        uri = f"{pub.sandbox.config.base_url}/rupload/ig-api-upload/v24.0/{container_id}"
        response = await _post(pub, uri, b"abc", offset="0", file_size="3")
        assert response.status_code == 400
