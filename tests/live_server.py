"""Server processes for the tests that need a real socket: a free loopback port, start, wait until it
answers, stop. The end-to-end, fuzz, packaging, CLI and production smoke tests all start theirs here.
"""

from __future__ import annotations

import concurrent.futures
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from clipper import migrate
from clipper.config import Settings


def free_port() -> int:
    """A loopback port nobody listens on, that no other `bind(port 0)` gets before our server takes it.

    Closing a probe socket frees its port for anyone; here the port is left in TIME_WAIT instead (the
    accepting side closes first), so the kernel hands it to no other ephemeral bind, while a server that
    sets SO_REUSEADDR (uvicorn and prometheus_client's exporter do) can still listen on it.
    """
    with socket.socket() as listener:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port: int = listener.getsockname()[1]
        with socket.create_connection(("127.0.0.1", port)):
            accepted, _ = listener.accept()
            accepted.close()
    return port


def clean_environ(*also: str) -> dict[str, str]:
    """os.environ without any Content Clipper setting (nor the names in `also`): only what a test sets."""
    dropped = {name.upper() for name in (*Settings.model_fields, *also)}
    return {name: value for name, value in os.environ.items() if name.upper() not in dropped}


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = 60.0
) -> None:
    """Poll `url` until it answers 200; fail with the log's tail if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{process.args!r} exited with {process.returncode}:\n{_tail(log)}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"{url} did not answer within {timeout:.0f} s:\n{_tail(log)}")


def start(
    argv: Sequence[str | Path], *, env: dict[str, str], cwd: Path, log: Path
) -> subprocess.Popen[bytes]:
    """The command running in the background, its output appended to `log`."""
    with log.open("ab") as output:
        return subprocess.Popen(
            [str(part) for part in argv], env=env, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen[bytes], timeout: float = 15.0) -> int:
    """SIGTERM, then SIGKILL if it is still running after `timeout`; its exit code."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.wait()


@contextmanager
def running(
    argv: Sequence[str | Path],
    *,
    env: dict[str, str],
    cwd: Path,
    log: Path,
    ready_url: str,
    timeout: float = 60.0,
) -> Iterator[subprocess.Popen[bytes]]:
    """The command running until the block ends, once `ready_url` answers 200."""
    process = start(argv, env=env, cwd=cwd, log=log)
    try:
        wait_until_answering(ready_url, process, log, timeout)
        yield process
    finally:
        stop(process)


@contextmanager
def sandbox_mode_server(data_dir: Path, *, log_level: str = "INFO") -> Iterator[str]:
    """Content Clipper in sandbox mode on a migrated SQLite database in `data_dir`, with BACKEND_URL =
    FRONTEND_URL = its origin; yields the origin. Its output goes to `data_dir / "server.log"`."""
    port = free_port()
    origin = f"http://127.0.0.1:{port}"
    env = clean_environ() | {
        "ENVIRONMENT": "development",
        "DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / 'clipper.db'}",
        "DATA_DIR": str(data_dir),
        "BACKEND_URL": origin,
        "FRONTEND_URL": origin,
        "FERNET_KEY": Fernet.generate_key().decode("ascii"),
        "LOG_LEVEL": log_level,
    }
    # Alembic runs its own event loop: on a thread of its own, as Playwright's keeps one on this thread.
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(migrate.upgrade, env["DATABASE_URL"]).result()
    argv = [
        sys.executable, "-m", "uvicorn", "clipper.main:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--no-access-log",
    ]  # fmt: skip
    with running(argv, env=env, cwd=data_dir, log=data_dir / "server.log", ready_url=f"{origin}/healthz"):
        yield origin


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-4000:] if log.exists() else ""
