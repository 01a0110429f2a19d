"""The released package runs outside the checkout: sdist → wheel → a fresh venv → `clipper db upgrade` and
`clipper serve`, with the migrations and the web UI coming from the installed package.

The build uses no network: setuptools comes from the dev venv (`--no-build-isolation`) and the fresh venv
sees the dev venv's dependencies through a `.pth` line, added only after the wheel itself is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from cryptography.fernet import Fernet

from tests.fixtures.live_server import clean_environ, listening_socket, origin_of, running

ROOT = Path(__file__).resolve().parents[1]
# What the sdist is made of: the tracked sources plus the UI build (never the checkout's build/ leftovers).
SOURCES = ("src", "migrations", "setup.py", "pyproject.toml", "README.md", "MANIFEST.in", "alembic.ini")
WEB_BUILD = ROOT / "frontend" / "dist"

pytestmark = pytest.mark.timeout(240)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        pytest.fail(
            f"{' '.join(map(str, command))} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return done.stdout


def _copy_sources(target: Path) -> Path:
    if not (WEB_BUILD / "index.html").is_file():
        pytest.fail("The web UI is not built: run `make web-build` (make test does it) first.")
    tree = target / "checkout"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tree / name, ignore=ignore)
        else:
            shutil.copy2(source, tree / name)
    shutil.copytree(WEB_BUILD, tree / "frontend" / "dist")
    return tree


@pytest.fixture(scope="module")
def artifacts(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The sdist built from a copy of the sources, and the wheel built from that sdist."""
    work = tmp_path_factory.mktemp("build")
    tree = _copy_sources(work)
    dist = work / "dist"
    _run(sys.executable, "setup.py", "-q", "sdist", "--dist-dir", dist, cwd=tree)
    (sdist,) = dist.glob("*.tar.gz")
    _run(
        sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index",
        "--wheel-dir", dist, sdist, cwd=work,
    )  # fmt: skip
    (wheel,) = dist.glob("*.whl")
    return sdist, wheel


@pytest.fixture(scope="module")
def installed(artifacts: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with the wheel installed; its bin folder."""
    venv = tmp_path_factory.mktemp("venv") / "clipper"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv.parent)
    python = venv / "bin" / "python"
    _run(
        sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index",
        artifacts[1], cwd=venv.parent,
    )  # fmt: skip
    purelib = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=venv))
    (Path(str(purelib).strip()) / "dev-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    return venv / "bin"


@pytest.fixture
def clean_env(tmp_path: Path) -> dict[str, str]:
    """No setting of the developer's shell, a SQLite database and data folder in tmp_path."""
    return clean_environ("PYTHONPATH", "VIRTUAL_ENV") | {
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'clipper.db'}",
        "DATA_DIR": str(tmp_path / "data"),
        "FERNET_KEY": Fernet.generate_key().decode("ascii"),
    }


class TestArtifacts:
    def test_the_sdist_carries_the_migrations_and_the_built_ui(self, artifacts: tuple[Path, Path]) -> None:
        with tarfile.open(artifacts[0]) as sdist:
            names = {name.split("/", 1)[1] for name in sdist.getnames() if "/" in name}
        assert "migrations/env.py" in names
        assert "frontend/dist/index.html" in names
        assert any(name.startswith("frontend/dist/assets/") for name in names)

    def test_the_wheel_carries_the_migrations_and_the_built_ui(self, artifacts: tuple[Path, Path]) -> None:
        names = set(zipfile.ZipFile(artifacts[1]).namelist())
        versions = {path.name for path in (ROOT / "migrations" / "versions").glob("*.py")}
        assert {"clipper/_migrations/env.py", "clipper/_migrations/script.py.mako"} <= names
        assert {f"clipper/_migrations/versions/{name}" for name in versions} <= names
        built = {str(path.relative_to(WEB_BUILD)) for path in WEB_BUILD.rglob("*") if path.is_file()}
        assert {f"clipper/_web/{name}" for name in built} <= names


class TestInstalledOutsideTheCheckout:
    def test_migrates_and_serves_the_ui(
        self, installed: Path, clean_env: dict[str, str], tmp_path: Path
    ) -> None:
        where = _run(installed / "python", "-c", "import clipper; print(clipper.__file__)", cwd=tmp_path)
        assert Path(where.strip()).is_relative_to(installed.parent)
        assert not (tmp_path / "alembic.ini").exists()

        upgraded = _run(installed / "clipper", "db", "upgrade", cwd=tmp_path, env=clean_env)
        assert "database at" in upgraded
        assert "up to date" in _run(installed / "clipper", "db", "current", cwd=tmp_path, env=clean_env)

        with _serving(installed / "clipper", tmp_path, clean_env) as origin:
            health = httpx.get(f"{origin}/healthz", timeout=5)
            assert health.status_code == 200
            assert health.json()["status"] == "ok"
            page = httpx.get(f"{origin}/", timeout=5)
            assert page.status_code == 200
            assert '<div id="root">' in page.text
            script = page.text.split('src="', 1)[1].split('"', 1)[0]
            assert httpx.get(f"{origin}{script}", timeout=5).status_code == 200

    def test_serve_refuses_a_database_behind_the_migrations(
        self, installed: Path, clean_env: dict[str, str], tmp_path: Path
    ) -> None:
        with listening_socket() as sock:
            done = subprocess.run(
                [str(installed / "clipper"), "serve", "--fd", str(sock.fileno())], pass_fds=[sock.fileno()],
                cwd=tmp_path, env=clean_env, capture_output=True, text=True, timeout=60, check=False,
            )  # fmt: skip
        assert done.returncode == 1
        (line,) = done.stderr.strip().splitlines()
        assert line.startswith("error: the database is at no revision")
        assert "run `clipper db upgrade`" in line


@contextmanager
def _serving(script: Path, cwd: Path, env: dict[str, str]) -> Iterator[str]:
    """`clipper serve --fd` on a listening socket until the block ends; its origin."""
    with listening_socket() as sock:
        origin = origin_of(sock)
        with running(
            [script, "serve", "--fd", str(sock.fileno())],
            env={**env, "BACKEND_URL": origin, "FRONTEND_URL": origin},
            cwd=cwd,
            log=cwd / "serve.log",
            ready_url=f"{origin}/healthz",
            pass_fds=[sock.fileno()],
        ):
            yield origin
