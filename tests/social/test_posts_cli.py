"""`clipper posts create|list|publish` against a running API (a real socket) with a bearer token."""

from __future__ import annotations

import asyncio
import json

from typer.testing import CliRunner

from clipper.cli import app as cli
from clipper.config import Settings
from tests.fixtures.media_factory import jpeg
from tests.social.live_app import served_publisher
from tests.social.publish_helpers import until_done

runner = CliRunner()


class TestPostsCommand:
    async def test_creates_publishes_and_lists_a_post(self, settings: Settings) -> None:
        # The engine is driven here rather than by the embedded worker, whose other periodic jobs
        # (inbox, insights, health) would write to the SQLite file at random moments of the test.
        async with served_publisher(settings, worker_embedded=False) as publisher:
            clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
            common = [
                "--token",
                publisher.user.token,
                "--api-url",
                str(publisher.client.base_url).rstrip("/"),
            ]

            def run(*args: str) -> str:
                result = runner.invoke(cli, ["posts", *args, *common])
                assert result.exit_code == 0, result.output
                return result.output

            created = await asyncio.to_thread(
                run,
                "create",
                "--account",
                str(publisher.account["id"]),
                "--clip",
                str(clip_id),
                "--caption",
                "From the CLI",
                "--options",
                json.dumps({"first_comment": "cli"}),
            )
            post_id = int(created.split()[1].rstrip(":"))
            published = await asyncio.to_thread(run, "publish", str(post_id))
            await until_done(publisher, post_id)
            listed = await asyncio.to_thread(run, "list", "--status", "published")
            refused = await asyncio.to_thread(
                runner.invoke, cli, ["posts", "create", "--account", "999", "--clip", str(clip_id), *common]
            )
            sandbox = await publisher.published()

        assert created.strip() == f"post {post_id}: draft"
        assert f"post {post_id}: scheduled" in published
        assert str(post_id) in listed
        assert "published" in listed
        assert [item["params"]["caption"] for item in sandbox] == ["From the CLI"]
        assert refused.exit_code == 1
        assert "error" in refused.output
