"""`clipper users create` and `clipper users token`, on a migrated scratch database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from clipper import migrate
from clipper.cli import app as cli
from clipper.security import hash_token, verify_password

PASSWORD = "Correct-Horse-Battery-42"
# The commands configure logging onto the runner's stderr.
pytestmark = pytest.mark.usefixtures("restore_logging")


@pytest.fixture
def database(tmp_path: Path) -> tuple[str, Path]:
    path = tmp_path / "users.db"
    url = f"sqlite+aiosqlite:///{path}"
    migrate.upgrade(url)
    return url, path


def rows(path: Path, query: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(query).fetchall()


class TestUsersCli:
    def test_creates_a_user_with_a_prompted_password_then_mints_a_token(
        self, database: tuple[str, Path]
    ) -> None:
        url, path = database
        runner = CliRunner()

        created = runner.invoke(
            cli,
            ["users", "create", " Me@Example.com", "--database-url", url],
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )
        minted = runner.invoke(
            cli, ["users", "token", "me@example.com", "--database-url", url, "--name", "laptop"]
        )

        assert created.exit_code == 0, created.output
        assert "me@example.com" in created.stdout
        assert PASSWORD not in created.stdout
        [(email, password_hash)] = rows(path, "SELECT email, password_hash FROM users")
        assert email == "me@example.com"
        assert verify_password(PASSWORD, str(password_hash))
        assert minted.exit_code == 0, minted.output
        token = minted.stdout.strip()
        assert token.startswith("clp_")
        assert rows(path, "SELECT name, token_hash FROM api_tokens") == [("laptop", hash_token(token))]

    def test_refuses_a_weak_password_naming_the_reasons(self, database: tuple[str, Path]) -> None:
        url, path = database

        result = CliRunner().invoke(
            cli, ["users", "create", "me@example.com", "--database-url", url, "--password", "short"]
        )

        assert result.exit_code == 1
        assert "password" in result.stderr
        assert "at least 10 characters" in result.stderr
        assert rows(path, "SELECT count(*) FROM users") == [(0,)]

    def test_refuses_a_taken_email(self, database: tuple[str, Path]) -> None:
        url, _ = database
        args = ["users", "create", "me@example.com", "--database-url", url, "--password", PASSWORD]
        CliRunner().invoke(cli, args)

        again = CliRunner().invoke(cli, args)

        assert again.exit_code == 1
        assert "already exists" in again.stderr

    def test_token_for_an_unknown_email_fails(self, database: tuple[str, Path]) -> None:
        url, _ = database

        result = CliRunner().invoke(cli, ["users", "token", "nobody@example.com", "--database-url", url])

        assert result.exit_code == 1
        assert "No user with the email nobody@example.com" in result.stderr
