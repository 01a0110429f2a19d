"""Probe a SQLite file from another connection: can someone else write right now?"""

from __future__ import annotations

import sqlite3


def commit_elsewhere(path: str) -> bool:
    """True when another connection could take the write lock at once and commit a write.

    A write transaction held by the app refuses it; and a deferred app transaction that read before
    this commit then fails its own write ("database is locked"), which the caller's test would see.
    """
    connection = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("CREATE TABLE IF NOT EXISTS lock_probe (n INTEGER)")
        connection.execute("INSERT INTO lock_probe VALUES (1)")
        connection.execute("COMMIT")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()
