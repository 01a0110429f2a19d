"""Usage headers on every Graph answer (§9.2) and the throttle mode."""

from __future__ import annotations

import json


async def set_limits(client, **body):
    response = await client.post("/_admin/ratelimit", json=body)
    response.raise_for_status()


class TestHeaders:
    async def test_app_usage_on_every_answer_including_errors(self, sandbox_client, tokens):
        for response in (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user}),
            await sandbox_client.get("/graph/me/nothing", params={"access_token": tokens.user}),
        ):
            usage = json.loads(response.headers["x-app-usage"])
            assert set(usage) == {"call_count", "total_time", "total_cputime"}
            assert all(isinstance(value, int) and 0 <= value <= 100 for value in usage.values())

    async def test_buc_usage_only_for_instagram_calls(self, sandbox_client, tokens):
        me = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert "x-business-use-case-usage" not in me.headers
        ig = await sandbox_client.get(f"/graph/{tokens.creator_ig}", params={"access_token": tokens.user})
        usage = json.loads(ig.headers["x-business-use-case-usage"])
        (entry,) = usage[tokens.creator_ig]
        assert entry["type"] == "instagram"
        assert set(entry) == {
            "type",
            "call_count",
            "total_cputime",
            "total_time",
            "estimated_time_to_regain_access",
        }
        assert entry["estimated_time_to_regain_access"] == 0

    async def test_forced_percentages_show_up(self, sandbox_client, tokens):
        await set_limits(sandbox_client, app_percent=91, buc_percent=87)
        response = await sandbox_client.get(
            f"/graph/{tokens.creator_ig}", params={"access_token": tokens.user}
        )
        assert json.loads(response.headers["x-app-usage"])["call_count"] == 91
        assert (
            json.loads(response.headers["x-business-use-case-usage"])[tokens.creator_ig][0]["call_count"]
            == 87
        )

    async def test_usage_grows_with_calls(self, sandbox_client, tokens):
        await sandbox_client.patch("/_admin/config", json={"app_calls_per_hour": 10})
        for _ in range(5):
            response = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert json.loads(response.headers["x-app-usage"])["call_count"] >= 40


class TestThrottle:
    async def test_80002_for_instagram_calls_with_time_to_regain(self, sandbox_client, tokens):
        await set_limits(sandbox_client, throttle=80002, regain_minutes=7)
        response = await sandbox_client.get(
            f"/graph/{tokens.creator_ig}", params={"access_token": tokens.user}
        )
        error = response.json()["error"]
        assert error["code"] == 80002
        assert error["is_transient"] is True
        entry = json.loads(response.headers["x-business-use-case-usage"])[tokens.creator_ig][0]
        assert entry["estimated_time_to_regain_access"] == 7
        me = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert me.status_code == 200

    async def test_code_4_is_http_403_for_everything(self, sandbox_client, tokens):
        await set_limits(sandbox_client, throttle=4)
        response = await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        assert response.status_code == 403
        assert response.json()["error"]["message"] == "(#4) Application request limit reached"

    async def test_clearing_the_throttle(self, sandbox_client, tokens):
        await set_limits(sandbox_client, throttle=17)
        assert (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        ).status_code == 403
        await set_limits(sandbox_client, throttle=None)
        assert (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        ).status_code == 200

    async def test_reaching_the_allowance_throttles_by_itself(self, sandbox_client, tokens):
        await sandbox_client.post(
            "/_admin/clock/advance", json={"seconds": 3601}
        )  # forget the fixture's calls
        await sandbox_client.patch("/_admin/config", json={"app_calls_per_hour": 3})
        codes = [
            (await sandbox_client.get("/graph/me", params={"access_token": tokens.user})).status_code
            for _ in range(4)
        ]
        assert codes == [200, 200, 200, 403]
        await sandbox_client.post("/_admin/clock/advance", json={"seconds": 3601})
        assert (
            await sandbox_client.get("/graph/me", params={"access_token": tokens.user})
        ).status_code == 200
