"""media_publish's refusals (quota, expiry, unknown ids) and content_publishing_limit."""

from __future__ import annotations

from tests.fixtures import media_factory
from tests.sandbox.publishing.pub_session import Publisher, error_of


async def _image_container(pub: Publisher) -> str:
    return await pub.create_id(image_url=pub.host(media_factory.jpeg()))


class TestQuota:
    async def test_third_post_with_a_quota_of_two(self, pub: Publisher) -> None:
        pub.sandbox.config.publish_quota = 2
        for _ in range(2):
            await pub.publish_id(await _image_container(pub))
        response = await pub.publish(await _image_container(pub))
        assert response.status_code == 400
        error = error_of(response)
        assert (error["code"], error["error_subcode"]) == (9, 2207042)
        assert "maximum number of posts" in error["error_user_msg"]

    async def test_the_window_rolls_after_24_hours(self, pub: Publisher) -> None:
        pub.sandbox.config.publish_quota = 1
        await pub.publish_id(await _image_container(pub))
        waiting = await _image_container(pub)
        assert error_of(await pub.publish(waiting))["error_subcode"] == 2207042
        pub.sandbox.clock.advance(23 * 3600)
        fresh = await _image_container(pub)
        pub.sandbox.clock.advance(3600 + 1)
        assert await pub.publish_id(fresh)

    async def test_container_creation_quota(self, pub: Publisher) -> None:
        pub.sandbox.config.container_quota = 2
        await _image_container(pub)
        await _image_container(pub)
        error = error_of(await pub.create(image_url=pub.host(media_factory.jpeg())))
        assert error["code"] == 9


class TestContainerIds:
    async def test_expired_container(self, pub: Publisher) -> None:
        container_id = await _image_container(pub)
        pub.sandbox.clock.advance(24 * 3600 + 1)
        assert (await pub.status(container_id))["status_code"] == "EXPIRED"
        error = error_of(await pub.publish(container_id))
        assert (error["code"], error["error_subcode"]) == (-2, 2207020)

    async def test_unknown_creation_id(self, pub: Publisher) -> None:
        error = error_of(await pub.publish("17999999999999999"))
        assert (error["code"], error["error_subcode"]) == (24, 2207008)
        assert "creation id = 17999999999999999" in error["message"]

    async def test_another_accounts_container(self, pub: Publisher) -> None:
        container_id = await _image_container(pub)
        other = next(ig for ig in pub.sandbox.world.ig_users.values() if ig.id != pub.ig.id)
        response = await pub.call("POST", f"{other.id}/media_publish", creation_id=container_id)
        assert error_of(response)["error_subcode"] == 2207008

    async def test_creation_id_is_required(self, pub: Publisher) -> None:
        response = await pub.call("POST", f"{pub.ig.id}/media_publish")
        assert error_of(response)["code"] == 100

    async def test_multi_id_read_of_containers(self, pub: Publisher) -> None:
        first, second = await _image_container(pub), await _image_container(pub)
        response = await pub.client.get(
            "/graph/v24.0/",
            params={"ids": f"{first},{second}", "fields": "id,status_code,status", "access_token": pub.token},
        )
        body = response.json()
        assert set(body) == {first, second}
        assert body[first]["status_code"] == "FINISHED"


class TestPublishingLimit:
    async def test_default_field_is_quota_usage(self, pub: Publisher) -> None:
        await pub.publish_id(await _image_container(pub))
        body = (await pub.call("GET", f"{pub.ig.id}/content_publishing_limit")).json()
        assert body == {"data": [{"quota_usage": 1}]}

    async def test_config_is_the_configured_quota(self, pub: Publisher) -> None:
        pub.sandbox.config.publish_quota = 50
        response = await pub.call("GET", f"{pub.ig.id}/content_publishing_limit", fields="quota_usage,config")
        assert response.json() == {
            "data": [{"quota_usage": 0, "config": {"quota_total": 50, "quota_duration": 86400}}]
        }

    async def test_since_counts_from_that_moment(self, pub: Publisher) -> None:
        await pub.publish_id(await _image_container(pub))
        pub.sandbox.clock.advance(60)
        since = pub.sandbox.clock.timestamp() - 30
        body = (await pub.call("GET", f"{pub.ig.id}/content_publishing_limit", since=since)).json()
        assert body["data"][0]["quota_usage"] == 0

    async def test_since_older_than_24_hours_is_an_error(self, pub: Publisher) -> None:
        since = pub.sandbox.clock.timestamp() - 25 * 3600
        response = await pub.call("GET", f"{pub.ig.id}/content_publishing_limit", since=since)
        assert response.status_code == 400
        assert error_of(response)["code"] == 100

    async def test_unknown_field(self, pub: Publisher) -> None:
        response = await pub.call("GET", f"{pub.ig.id}/content_publishing_limit", fields="quota_left")
        assert error_of(response)["code"] == 100
