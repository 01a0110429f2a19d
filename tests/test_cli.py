"""The `clipper` command line."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from clipper import __version__, migrate
from clipper.cli import app
from clipper.config import SANDBOX_APP_ID, SANDBOX_APP_SECRET
from tests.fixtures.live_server import listening_socket, origin_of, running

runner = CliRunner()


@pytest.fixture
def database_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A SQLite file (in a folder that does not exist yet) that DATABASE_URL points to."""
    path = tmp_path / "nested" / "clipper.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    # Any cwd must work: alembic.ini is found next to the project, not in the current folder.
    monkeypatch.chdir(tmp_path)
    return path


class TestVersion:
    def test_prints_the_package_version(self) -> None:
        result = runner.invoke(app, ["version"])
        assert result.exit_code == 0
        assert result.output.strip() == f"content-clipper {__version__}"


class TestHelp:
    def test_lists_the_commands(self) -> None:
        result = runner.invoke(app, ["--help"])
        assert result.exit_code == 0
        for command in ("serve", "sandbox", "db", "version"):
            assert command in result.output

    def test_db_lists_its_subcommands(self) -> None:
        result = runner.invoke(app, ["db", "--help"])
        assert result.exit_code == 0
        assert "upgrade" in result.output
        assert "current" in result.output


class TestDb:
    def test_upgrade_creates_the_database_at_the_head_revision(self, database_file: Path) -> None:
        result = runner.invoke(app, ["db", "upgrade"])
        assert result.exit_code == 0, result.output
        assert database_file.is_file()
        heads = migrate.head_revisions()
        assert migrate.current_revisions(f"sqlite+aiosqlite:///{database_file}") == heads
        assert f"database at {', '.join(heads)}" in result.output

    def test_current_says_when_the_database_is_behind(self, database_file: Path) -> None:
        result = runner.invoke(app, ["db", "current"])
        assert result.exit_code == 0, result.output
        assert "no revision (behind: run `clipper db upgrade`)" in result.output

    def test_current_after_upgrade_is_up_to_date(self, database_file: Path) -> None:
        runner.invoke(app, ["db", "upgrade"])
        result = runner.invoke(app, ["db", "current"])
        assert result.exit_code == 0, result.output
        assert "(up to date)" in result.output

    def test_upgrade_accepts_an_explicit_url(self, tmp_path: Path) -> None:
        target = tmp_path / "other.db"
        result = runner.invoke(app, ["db", "upgrade", "--database-url", f"sqlite+aiosqlite:///{target}"])
        assert result.exit_code == 0, result.output
        assert migrate.current_revisions(f"sqlite+aiosqlite:///{target}") == migrate.head_revisions()


class TestServe:
    def test_refuses_to_start_in_production_without_a_fernet_key(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        for name, value in {
            "ENVIRONMENT": "production",
            "INSTAGRAM_CLIENT_ID": "123456789012345",
            "INSTAGRAM_CLIENT_SECRET": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "FERNET_KEY": "",
        }.items():
            monkeypatch.setenv(name, value)
        result = runner.invoke(app, ["serve", "--port", "1"])
        assert result.exit_code == 1
        assert "FERNET_KEY is not set" in result.output


@pytest.fixture
def sandbox_command(tmp_path: Path) -> tuple[str, dict[str, str], Path]:
    """The installed console script, a clean environment (no .env, no Meta app) and a log file."""
    script = Path(sys.executable).with_name("clipper")
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"INSTAGRAM_CLIENT_ID", "INSTAGRAM_CLIENT_SECRET", "ENVIRONMENT"}
    }
    return str(script), environment, tmp_path / "sandbox.log"


@contextmanager
def _run_sandbox(
    command: tuple[str, dict[str, str], Path], cwd: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`clipper sandbox --fd` on a listening socket until the block ends, once its admin API answers."""
    script, environment, log = command
    with listening_socket() as sock:
        url = origin_of(sock)
        argv = [script, "sandbox", "--fd", str(sock.fileno())]
        with running(
            argv, env=environment, cwd=cwd, log=log, ready_url=f"{url}/_admin/state", pass_fds=[sock.fileno()]
        ) as process:
            yield url, process


class TestSandboxCommand:
    def test_runs_the_sandbox_standalone_with_the_documented_app(
        self, sandbox_command: tuple[str, dict[str, str], Path], tmp_path: Path
    ) -> None:
        with _run_sandbox(sandbox_command, tmp_path) as (url, process):
            state = httpx.get(f"{url}/_admin/state").json()
            assert state["app"]["id"] == SANDBOX_APP_ID
            assert httpx.get(f"{url}/_admin/config").json()["app_secret"] == SANDBOX_APP_SECRET
            issued = httpx.post(f"{url}/_admin/tokens/issue", json={"kind": "USER_LONG"}).json()
            me = httpx.get(f"{url}/graph/v24.0/me", params={"access_token": issued["access_token"]})
            assert me.status_code == 200
            assert me.json()["id"] == state["default_fb_user_id"]
        assert process.returncode is not None

    def test_takes_the_app_id_and_secret_from_the_settings(
        self, sandbox_command: tuple[str, dict[str, str], Path], tmp_path: Path
    ) -> None:
        script, environment, log = sandbox_command
        environment = {
            **environment,
            "INSTAGRAM_CLIENT_ID": "123456789012345",
            "INSTAGRAM_CLIENT_SECRET": "0f1e2d3c4b5a69788796a5b4c3d2e1f0",
        }
        with _run_sandbox((script, environment, log), tmp_path) as (url, process):
            assert httpx.get(f"{url}/_admin/state").json()["app"]["id"] == "123456789012345"
            config = httpx.get(f"{url}/_admin/config").json()
            assert config["app_secret"] == "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


class TestServeAndWorkerRefuseAnUnmigratedDatabase:
    @pytest.mark.parametrize("command", [["serve", "--port", "1"], ["worker"]])
    def test_names_the_command_to_run(
        self, command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.chdir(tmp_path)
        for name in ("ENVIRONMENT", "INSTAGRAM_CLIENT_ID", "INSTAGRAM_CLIENT_SECRET"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}")
        monkeypatch.setenv("FERNET_KEY", Fernet.generate_key().decode("ascii"))
        # The first migration only: a database an older version left behind.
        migrate.upgrade(f"sqlite+aiosqlite:///{tmp_path / 'behind.db'}", "0001")

        result = runner.invoke(app, command)

        assert result.exit_code == 1
        lines = [line for line in result.output.splitlines() if line.strip()]
        assert len(lines) == 1
        assert "run `clipper db upgrade`" in lines[0]
