"""The `clipper` command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from clipper import __version__, migrate
from clipper.cli import app

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
