"""`clipper backup` / `clipper restore`: a SQLite database and the media folder in one archive.

The database is copied with SQLite's online backup API, so the server and workers may keep running. The
archive is a gzipped tar holding `manifest.json`, `clipper.db`, `media/…` and, in development only, the
generated `fernet.key` (production keys live in FERNET_KEY and are kept elsewhere: see docs/operations.md).
PostgreSQL is backed up with `pg_dump`; this module refuses it with that advice.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from clipper import __version__
from clipper.config import Settings
from clipper.security.cipher import DEV_KEY_FILENAME

MANIFEST = "manifest.json"
DATABASE = "clipper.db"
MEDIA = "media"
FORMAT = 1


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do instead."""


@dataclass(frozen=True)
class BackupReport:
    archive: Path
    media_files: int
    includes_dev_key: bool


def sqlite_path(database_url: str) -> Path:
    """The file of a SQLite DATABASE_URL; BackupError for any other database."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"DATABASE_URL is {url.get_backend_name()}: back it up with `pg_dump --format=custom` and copy "
            "the media folder and FERNET_KEY (docs/operations.md, Backups)"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("DATABASE_URL is an in-memory SQLite database: there is nothing to back up")
    return Path(url.database)


def backup(settings: Settings, archive: Path) -> BackupReport:
    """Write the database, the media folder and (development) the key file into `archive`."""
    database = sqlite_path(settings.database_url)
    if not database.is_file():
        raise BackupError(f"the database file {database} does not exist: check DATABASE_URL")
    key_file = settings.data_dir / DEV_KEY_FILENAME
    include_key = not settings.fernet_key and key_file.is_file()
    media_files = 0
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        snapshot = Path(scratch) / DATABASE
        _online_copy(database, snapshot)
        manifest = {
            "format": FORMAT,
            "version": __version__,
            "created_at": datetime.now(UTC).isoformat(),
            "dev_key": include_key,
        }
        (Path(scratch) / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(Path(scratch) / MANIFEST, arcname=MANIFEST)
            tar.add(snapshot, arcname=DATABASE)
            if settings.media_path.is_dir():
                for path in sorted(settings.media_path.rglob("*")):
                    if path.is_file():
                        tar.add(path, arcname=f"{MEDIA}/{path.relative_to(settings.media_path).as_posix()}")
                        media_files += 1
            if include_key:
                tar.add(key_file, arcname=DEV_KEY_FILENAME)
    archive.chmod(0o600)
    return BackupReport(archive=archive, media_files=media_files, includes_dev_key=include_key)


def restore(settings: Settings, archive: Path, *, force: bool = False) -> BackupReport:
    """Put an archive's database, media and (development) key file back where the settings point."""
    database = sqlite_path(settings.database_url)
    if database.exists() and not force:
        raise BackupError(
            f"{database} already exists: move it away first, or pass --force to replace it and the media"
        )
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist")
    with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory() as scratch:
        names = set(tar.getnames())
        if MANIFEST not in names or DATABASE not in names:
            raise BackupError(f"{archive} is not a `clipper backup` archive (no {MANIFEST} or {DATABASE})")
        # The data filter refuses absolute paths, links out of the folder and device files.
        tar.extractall(scratch, filter="data")
        unpacked = Path(scratch)
        manifest = json.loads((unpacked / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise BackupError(
                f"{archive} has archive format {manifest.get('format')}, this version reads {FORMAT}"
            )
        database.parent.mkdir(parents=True, exist_ok=True)
        for suffix in ("-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        _online_copy(unpacked / DATABASE, database)
        media_files = _replace_media(unpacked / MEDIA, settings.media_path)
        restored_key = unpacked / DEV_KEY_FILENAME
        has_key = restored_key.is_file()
        if has_key:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
            target = settings.data_dir / DEV_KEY_FILENAME
            target.write_bytes(restored_key.read_bytes())
            target.chmod(0o600)
    return BackupReport(archive=archive, media_files=media_files, includes_dev_key=has_key)


def _online_copy(source: Path, target: Path) -> None:
    """SQLite's backup API: a consistent copy even while other connections write."""
    reader = sqlite3.connect(source)
    writer = sqlite3.connect(target)
    try:
        reader.backup(writer)
    finally:
        writer.close()
        reader.close()


def _replace_media(unpacked: Path, media_path: Path) -> int:
    """Empty the media folder (it stays: it may be a mount point), then copy the archive's media in."""
    media_path.mkdir(parents=True, exist_ok=True)
    for child in media_path.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    if unpacked.is_dir():
        # File by file in chunks: videos are far larger than memory should hold.
        shutil.copytree(unpacked, media_path, dirs_exist_ok=True)
    return sum(path.is_file() for path in media_path.rglob("*"))
