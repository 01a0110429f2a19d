"""The shared fixtures, one plugin module per subject in `tests/fixtures/`.

Backends: SQLite always; PostgreSQL too when TEST_DATABASE_URL is set (a throwaway database per session).
Tests that use `session`, `session_factory` or `client` run once per backend; the others run once.
"""

pytest_plugins = [
    "tests.fixtures.app",
    "tests.fixtures.auth",
    "tests.fixtures.database",
    "tests.fixtures.inbox",
    "tests.fixtures.kv",
    "tests.fixtures.sandbox",
]
