"""Run the sandbox standalone: `python -m graph_sandbox --port 8100` (or `--fd N`: on an inherited socket)."""

from __future__ import annotations

import argparse
import os
import socket

import uvicorn

from graph_sandbox.app import create_sandbox_app
from graph_sandbox.config import SandboxConfig


def run(
    host: str = "127.0.0.1", port: int = 8100, config: SandboxConfig | None = None, *, fd: int | None = None
) -> None:
    """Serve the sandbox with uvicorn (on the listening socket `fd` if given); public_url defaults to
    `http://host:port`."""
    chosen = config or SandboxConfig(public_url=f"http://{host}:{port}")
    uvicorn.run(create_sandbox_app(chosen), host=host, port=port, fd=fd, log_level="info")


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and run."""
    parser = argparse.ArgumentParser(prog="python -m graph_sandbox", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument(
        "--fd",
        type=int,
        default=None,
        help="serve on this inherited listening socket instead of --host/--port",
    )
    parser.add_argument("--public-url", default=None, help="absolute URL clients use to reach the sandbox")
    parser.add_argument("--app-id", default=None)
    parser.add_argument("--app-secret", default=None)
    args = parser.parse_args(argv)
    if args.fd is not None:
        with socket.socket(fileno=os.dup(args.fd)) as listening:
            args.host, args.port = listening.getsockname()[:2]
    overrides = {"app_id": args.app_id, "app_secret": args.app_secret}
    config = SandboxConfig(
        public_url=args.public_url or f"http://{args.host}:{args.port}",
        **{key: value for key, value in overrides.items() if value is not None},
    )
    run(args.host, args.port, config, fd=args.fd)


if __name__ == "__main__":
    main()
