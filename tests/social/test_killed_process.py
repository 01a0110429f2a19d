"""A real worker process (`clipper worker`) killed with SIGKILL mid-flow; the post is recovered once.

The API and the sandbox serve on a real socket in this process (no embedded worker); the worker process
shares the SQLite file. A sandbox latency fault holds the worker inside its next Graph call while the test
waits for the previous step to be committed, then kills it. Another worker (this process) takes the post
over when the lease runs out; the sandbox must hold exactly one media.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clipper.config import Settings
from tests.fixtures.media_factory import jpeg
from tests.social.crash_helpers import recover
from tests.social.live_app import served_publisher
from tests.social.publish_helpers import Publisher


def start_worker(publisher: Publisher, cwd: Path) -> subprocess.Popen[bytes]:
    settings: Settings = publisher.app.state.resources.settings
    env = {name: value for name, value in os.environ.items() if name.lower() not in Settings.model_fields}
    env |= {
        "ENVIRONMENT": settings.environment.value,
        "DATABASE_URL": settings.database_url,
        "DATA_DIR": str(settings.data_dir),
        "BACKEND_URL": settings.backend_url,
        "FRONTEND_URL": settings.frontend_url,
        "FERNET_KEY": ",".join(settings.fernet_key),
        "PUBLISH_SWEEP_SECONDS": "0.2",
        "LOG_LEVEL": "WARNING",
    }
    clipper = Path(sys.executable).parent / "clipper"
    return subprocess.Popen([str(clipper), "worker"], env=env, cwd=cwd, stderr=subprocess.DEVNULL)


def events(post: dict[str, Any]) -> list[str]:
    return [entry["event"] for entry in post["timeline"]]


async def wait_until(publisher: Publisher, post_id: int, event: str) -> dict[str, Any]:
    """Poll the post until its timeline holds `event` (a committed step), for up to 20 s."""
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        post = await publisher.post(post_id)
        if event in events(post) or asyncio.get_running_loop().time() > deadline:
            return post
        await asyncio.sleep(0.05)


@pytest.mark.parametrize(
    ("held_path", "committed", "latency"),
    [
        # Killed after the container was created and committed (the status batch is held).
        ("^$", "container_created", 5.0),
        # Killed after the intent to publish was committed, while media_publish is in flight: the
        # sandbox still publishes after the connection died, so the outcome is unknown to us.
        ("media_publish$", "publish_sent", 2.0),
    ],
)
class TestSigkilledWorker:
    async def test_the_post_is_recovered_and_published_once(
        self, settings: Settings, tmp_path: Path, held_path: str, committed: str, latency: float
    ) -> None:
        async with served_publisher(settings, worker_embedded=False) as publisher:
            clip_id = await publisher.clip(jpeg(320, 320), "photo.jpg")
            await publisher.admin(
                "POST",
                "faults",
                {"action": "latency", "path": held_path, "latency_seconds": latency, "times": 1},
            )
            created = await publisher.create(media_type="IMAGE", clip_id=clip_id, caption="Killed")
            post_id = created.json()["id"]
            await publisher.publish(post_id)
            worker = start_worker(publisher, tmp_path)
            try:
                seen = await wait_until(publisher, post_id, committed)
            finally:
                worker.send_signal(signal.SIGKILL)
                worker.wait(timeout=10)
            assert committed in events(seen), seen
            assert worker.returncode == -signal.SIGKILL
            await asyncio.sleep(latency + 0.5)  # whatever the dead worker sent has landed by now
            done = await recover(publisher, post_id)
            published = await publisher.published()

        assert done["status"] == "published", done["timeline"]
        assert [item["media_id"] for item in published] == [done["platform_post_id"]]
        if committed == "publish_sent":
            assert "media_recovered" in events(done), "the publish landed after the kill and was recovered"
