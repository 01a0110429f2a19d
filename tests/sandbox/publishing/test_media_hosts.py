"""The sandbox fetches media only from loopback hosts and its own host, unless `media_any_host` is set.

Not a Meta rule: Meta fetches any public URL. The sandbox runs next to the product, often with no
authentication in front of it, so it must not become a way to reach the machine's neighbours.
"""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures import media_factory
from tests.sandbox.publishing.pub_session import Publisher, error_of

LINK_LOCAL = "http://169.254.169.254/latest/meta-data/photo.jpg"


@pytest.fixture
def outgoing(pub: Publisher) -> list[str]:
    """Every URL the sandbox fetches from now on; each answers a valid JPEG."""
    seen: list[str] = []
    image = media_factory.jpeg()

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=image, headers={"content-type": "image/jpeg"})

    pub.sandbox.http_client = httpx.AsyncClient(transport=httpx.MockTransport(answer))
    return seen


class TestMediaHosts:
    async def test_another_host_is_never_fetched(self, pub: Publisher, outgoing: list[str]) -> None:
        error = error_of(await pub.create(image_url=LINK_LOCAL))
        assert (error["code"], error["error_subcode"]) == (9004, 2207052)
        assert outgoing == []

    async def test_a_loopback_host_is_fetched(self, pub: Publisher, outgoing: list[str]) -> None:
        await pub.create_id(image_url="http://127.0.0.1:9/photo.jpg")
        assert outgoing == ["http://127.0.0.1:9/photo.jpg"]

    async def test_its_own_host_is_fetched(self, pub: Publisher, outgoing: list[str]) -> None:
        own = f"{pub.sandbox.config.base_url}/cdn/photo.jpg"
        await pub.create_id(image_url=own)
        assert outgoing == [own]

    async def test_any_host_when_the_config_opens_it(self, pub: Publisher, outgoing: list[str]) -> None:
        pub.sandbox.config.media_any_host = True
        await pub.create_id(image_url=LINK_LOCAL)
        assert outgoing == [LINK_LOCAL]


class TestRedirects:
    @pytest.fixture
    def hops(self, pub: Publisher) -> list[str]:
        """Every URL fetched; `/to-link-local` and `/to-loopback` redirect, anything else is a JPEG."""
        seen: list[str] = []
        image = media_factory.jpeg()

        def answer(request: httpx.Request) -> httpx.Response:
            seen.append(str(request.url))
            if request.url.path == "/to-link-local":
                return httpx.Response(302, headers={"location": LINK_LOCAL})
            if request.url.path == "/to-loopback":
                return httpx.Response(302, headers={"location": "/photo.jpg"})
            return httpx.Response(200, content=image, headers={"content-type": "image/jpeg"})

        pub.sandbox.http_client = httpx.AsyncClient(
            transport=httpx.MockTransport(answer), follow_redirects=True
        )
        return seen

    async def test_a_redirect_to_another_host_is_not_followed(self, pub: Publisher, hops: list[str]) -> None:
        error = error_of(await pub.create(image_url="http://127.0.0.1:9/to-link-local"))
        assert (error["code"], error["error_subcode"]) == (9004, 2207052)
        assert hops == ["http://127.0.0.1:9/to-link-local"]

    async def test_a_redirect_on_the_same_host_is_followed(self, pub: Publisher, hops: list[str]) -> None:
        await pub.create_id(image_url="http://127.0.0.1:9/to-loopback")
        assert hops == ["http://127.0.0.1:9/to-loopback", "http://127.0.0.1:9/photo.jpg"]
