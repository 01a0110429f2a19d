"""The production shape as deploy/docker-compose.yml defines it: the single source the smoke test runs.

The smoke test starts the commands of the compose services with the compose's fixed settings, filling in
only what a site puts in `.env` (secrets, URLs) and where the services are (database, Redis, data folder).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE = DEPLOY / "docker-compose.yml"
CLIPPER_SERVICES = ("migrate", "app", "worker")
# Settings whose compose values name the containers' network and volume; the smoke test points them at
# this machine's PostgreSQL, Redis and a temporary folder instead.
LOCATION_SETTINGS = ("DATABASE_URL", "REDIS_URL", "DATA_DIR")


def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    return loaded


def command(service: str) -> list[str]:
    """The service's command, as a list of arguments."""
    value = compose()["services"][service]["command"]
    assert isinstance(value, list), f"{service}: write the command as a list"
    return [str(part) for part in value]


def fixed_settings(service: str) -> dict[str, str]:
    """The settings the compose file fixes for a Content Clipper service (not the locations)."""
    environment = compose()["services"][service]["environment"]
    return {str(k): str(v) for k, v in environment.items() if k not in LOCATION_SETTINGS}


def site_settings() -> list[str]:
    """The names deploy/.env.example asks a site to fill in (the Content Clipper ones)."""
    names = []
    for line in (DEPLOY / ".env.example").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#") and "=" in line:
            names.append(line.split("=", 1)[0])
    return [name for name in names if name not in ("POSTGRES_PASSWORD", "CLIPPER_DOMAIN")]


def with_port(arguments: list[str], host: str, port: int, *, option: str = "") -> list[str]:
    """A command with its listening address replaced.

    `option` is the prefix of the address options: "" for `serve --host/--port`, "metrics-" for
    `worker --metrics-host/--metrics-port`.
    """
    replaced = list(arguments)
    replaced[replaced.index(f"--{option}host") + 1] = host
    replaced[replaced.index(f"--{option}port") + 1] = str(port)
    return replaced


def on_socket(arguments: list[str], fd: int, *, option: str = "") -> list[str]:
    """The command serving on the inherited listening socket `fd` instead of its `--host`/`--port` (the
    only change the smoke test makes); `option` as for `with_port` (`--fd`, `--metrics-fd`)."""
    replaced = list(arguments)
    for name in ("host", "port"):
        at = replaced.index(f"--{option}{name}")
        del replaced[at : at + 2]
    return [*replaced, f"--{option}fd", str(fd)]
