"""Run the sandbox standalone for the smoke test, reaching the product's public host through HostMap.

    python tests/production/sandbox_host.py FD PUBLIC_HOST BACKEND_PORT[,BACKEND_PORT…]

FD is an inherited socket, already listening on the loopback (the sandbox's address).

The app id and secret come from INSTAGRAM_CLIENT_ID / INSTAGRAM_CLIENT_SECRET, as with `clipper sandbox`.
"""

from __future__ import annotations

import os
import socket
import sys

import httpx
import uvicorn
from host_map import HostMap  # run as a script: its folder is on sys.path

from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig


def main(fd: int, public_host: str, backend_ports: list[int]) -> None:
    with socket.socket(fileno=os.dup(fd)) as listening:
        port: int = listening.getsockname()[1]
    config = SandboxConfig(
        app_id=os.environ["INSTAGRAM_CLIENT_ID"],
        app_secret=os.environ["INSTAGRAM_CLIENT_SECRET"],
        app_name="Content Clipper (smoke test)",
        public_url=f"http://127.0.0.1:{port}",
        # Meta's recommended app setting; the product always sends the proof.
        require_appsecret_proof=True,
        # Meta fetches media from the site's public https origin, which is not a loopback host.
        media_any_host=True,
        image_processing_seconds=0.0,
        video_processing_seconds=0.0,
    )
    outgoing = httpx.AsyncClient(
        transport=HostMap(public_host, [("127.0.0.1", backend) for backend in backend_ports]),
        timeout=30.0,
        follow_redirects=True,
    )
    app = create_sandbox_app(config, http_client=outgoing)
    uvicorn.run(app, fd=fd, log_level="warning")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], [int(value) for value in sys.argv[3].split(",")])
