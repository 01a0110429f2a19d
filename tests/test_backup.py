"""`clipper backup` and `clipper restore`: a SQLite database and the media folder round-trip, online."""

from __future__ import annotations

import sqlite3
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from typer.testing import CliRunner

from clipper import migrate
from clipper.cli import app as cli
from clipper.config import Settings

PASSWORD = "Correct-Horse-Battery-42"
# The commands configure logging onto the runner's stderr.
pytestmark = pytest.mark.usefixtures("restore_logging")
runner = CliRunner()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A migrated SQLite database with one user, and a media folder with two files; the data folder."""
    for name in Settings.model_fields:
        monkeypatch.delenv(name.upper(), raising=False)
    data = tmp_path / "data"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATA_DIR", str(data))
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{data / 'clipper.db'}")
    monkeypatch.setenv("FERNET_KEY", Fernet.generate_key().decode("ascii"))
    migrate.upgrade(f"sqlite+aiosqlite:///{data / 'clipper.db'}")
    created = runner.invoke(cli, ["users", "create", "me@example.com"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert created.exit_code == 0, created.output
    (data / "media" / "clips" / "1").mkdir(parents=True)
    (data / "media" / "clips" / "1" / "original.mp4").write_bytes(b"\x00video" * 1000)
    (data / "media" / "thumb.jpg").write_bytes(b"\xff\xd8jpeg")
    return data


def emails(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        return [row[0] for row in connection.execute("SELECT email FROM users ORDER BY id")]


class TestRoundTrip:
    def test_restores_the_database_and_the_media_into_an_empty_place(
        self, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        archive = tmp_path / "backups" / "site.tar.gz"
        # A connection still open in WAL mode has committed a change that is only in the -wal file (no
        # checkpoint yet): a copy of the database file would miss it, the online backup sees it.
        writer = sqlite3.connect(site / "clipper.db")
        writer.execute("PRAGMA journal_mode=WAL")
        with writer:
            writer.execute("UPDATE users SET email = 'renamed@example.com'")
        assert (site / "clipper.db-wal").stat().st_size > 0
        try:
            made = runner.invoke(cli, ["backup", "--output", str(archive)])
        finally:
            writer.close()
        assert made.exit_code == 0, made.output
        assert "2 media file(s)" in made.output
        assert archive.stat().st_mode & 0o077 == 0

        elsewhere = tmp_path / "restored"
        monkeypatch.setenv("DATA_DIR", str(elsewhere))
        monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{elsewhere / 'clipper.db'}")
        restored = runner.invoke(cli, ["restore", str(archive)])

        assert restored.exit_code == 0, restored.output
        assert emails(elsewhere / "clipper.db") == ["renamed@example.com"]
        assert (elsewhere / "media" / "clips" / "1" / "original.mp4").read_bytes() == b"\x00video" * 1000
        assert (elsewhere / "media" / "thumb.jpg").read_bytes() == b"\xff\xd8jpeg"
        url = f"sqlite+aiosqlite:///{elsewhere / 'clipper.db'}"
        assert migrate.current_revisions(url) == migrate.head_revisions()

    def test_refuses_to_overwrite_an_existing_database_without_force(
        self, site: Path, tmp_path: Path
    ) -> None:
        archive = tmp_path / "site.tar.gz"
        assert runner.invoke(cli, ["backup", "-o", str(archive)]).exit_code == 0
        (site / "media" / "thumb.jpg").unlink()
        (site / "media" / "later.jpg").write_bytes(b"later")

        refused = runner.invoke(cli, ["restore", str(archive)])
        assert refused.exit_code == 1
        assert "--force" in refused.output

        forced = runner.invoke(cli, ["restore", str(archive), "--force"])
        assert forced.exit_code == 0, forced.output
        assert (site / "media" / "thumb.jpg").is_file()
        assert not (site / "media" / "later.jpg").exists()
        assert emails(site / "clipper.db") == ["me@example.com"]

    def test_keeps_the_development_key_file_with_the_tokens_it_encrypts(
        self, site: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.delenv("FERNET_KEY")
        (site / "fernet.key").write_text(Fernet.generate_key().decode("ascii") + "\n")
        archive = tmp_path / "site.tar.gz"
        assert runner.invoke(cli, ["backup", "-o", str(archive)]).exit_code == 0
        with tarfile.open(archive) as tar:
            assert "fernet.key" in tar.getnames()

        monkeypatch.setenv("FERNET_KEY", Fernet.generate_key().decode("ascii"))
        archive_without = tmp_path / "production.tar.gz"
        assert runner.invoke(cli, ["backup", "-o", str(archive_without)]).exit_code == 0
        with tarfile.open(archive_without) as tar:
            assert "fernet.key" not in tar.getnames()


class TestRefusals:
    def test_postgresql_is_pointed_to_pg_dump(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://clipper@db.internal/clipper")
        result = runner.invoke(cli, ["backup"])
        assert result.exit_code == 1
        assert "pg_dump" in result.output

    def test_an_archive_of_something_else_is_refused(self, site: Path, tmp_path: Path) -> None:
        other = tmp_path / "other.tar.gz"
        with tarfile.open(other, "w:gz") as tar:
            tar.add(site / "media" / "thumb.jpg", arcname="thumb.jpg")
        (site / "clipper.db").unlink()
        result = runner.invoke(cli, ["restore", str(other)])
        assert result.exit_code == 1
        assert "not a `clipper backup` archive" in result.output
