"""`clipper clips add` and `clipper clips list` against the API served on a real socket."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from clipper import migrate
from clipper.cli import app as cli
from clipper.config import Settings
from tests.fixtures import media_factory
from tests.fixtures.live_server import listening_socket, origin_of


@pytest.fixture
def served(app: FastAPI, settings: Settings) -> Iterator[str]:
    """The app on 127.0.0.1 with a freshly migrated SQLite database; yields its base URL."""
    migrate.upgrade(settings.database_url)
    sock = listening_socket()
    settings.backend_url = origin_of(sock)
    config = uvicorn.Config(app, log_config=None, ws="none")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started
    yield settings.backend_url
    server.should_exit = True
    thread.join(10)
    sock.close()


def _token(base_url: str) -> str:
    with httpx.Client(base_url=f"{base_url}/api/v1") as client:
        credentials = {"email": "cli@example.com", "password": "Correct-Horse-Battery-42"}
        assert client.post("/auth/register", json=credentials).status_code == 201
        token: str = client.post("/auth/login", json=credentials).json()["access_token"]
        return token


class TestClipsCli:
    def test_add_uploads_files_and_list_shows_them(self, served: str, tmp_path: Path) -> None:
        token = _token(served)
        image, video, junk = tmp_path / "photo.jpg", tmp_path / "wide.mp4", tmp_path / "notes.txt"
        image.write_bytes(media_factory.jpeg(1080, 1350))
        video.write_bytes(media_factory.mp4(160, 90))
        junk.write_text("not media")
        runner = CliRunner()
        base = ["--token", token, "--api-url", served]
        added = runner.invoke(cli, ["clips", "add", str(image), str(video), str(junk), *base])
        assert added.exit_code == 1, added.output
        assert "✓ photo.jpg → clip 1 (image; fits: IMAGE, CAROUSEL_ITEM)" in added.output
        assert "✓ wide.mp4 → clip 2 (video; fits: CAROUSEL_ITEM)" in added.output
        assert "✗ notes.txt: The file is not an image or video we can read" in added.output
        listed = runner.invoke(cli, ["clips", "list", *base], env={"COLUMNS": "200"})
        assert listed.exit_code == 0, listed.output
        assert "photo" in listed.output
        assert "1080×1350" in listed.output
        assert "160×90" in listed.output

    def test_a_bad_token_fails_cleanly(self, served: str, tmp_path: Path) -> None:
        image = tmp_path / "a.jpg"
        image.write_bytes(media_factory.jpeg(100, 100))
        result = CliRunner().invoke(cli, ["clips", "add", str(image), "--token", "nope", "--api-url", served])
        assert result.exit_code == 1
        assert "✗ a.jpg" in result.output
        listed = CliRunner().invoke(cli, ["clips", "list", "--token", "nope", "--api-url", served])
        assert listed.exit_code == 1
