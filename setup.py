"""Packaging beyond pyproject.toml: the migrations and the built web UI travel inside the `clipper` package.

In a checkout they stay where developers edit them (`migrations/`, `frontend/dist/`); the wheel carries them
as `clipper/_migrations` and `clipper/_web`, which `clipper.migrate` and `clipper.web` look for first.
"""

from __future__ import annotations

import sys
from pathlib import Path

from setuptools import find_packages, setup

ROOT = Path(__file__).resolve().parent
WEB_BUILD = ROOT / "frontend" / "dist"

package_dir = {"": "src", "clipper._migrations": "migrations"}
packages = [*find_packages("src"), "clipper._migrations", "clipper._migrations.versions"]
package_data = {
    "clipper": ["py.typed"],
    "graph_sandbox": ["py.typed"],
    "clipper._migrations": ["script.py.mako"],
}
if (WEB_BUILD / "index.html").is_file():
    package_dir["clipper._web"] = "frontend/dist"
    # Every folder of the build is a (data-only) package, so setuptools ships its files.
    for folder in [WEB_BUILD, *sorted(path for path in WEB_BUILD.rglob("*") if path.is_dir())]:
        name = ".".join(["clipper._web", *folder.relative_to(WEB_BUILD).parts])
        packages.append(name)
        package_data[name] = ["*"]
elif any(command in sys.argv for command in ("bdist_wheel", "sdist")):
    sys.stderr.write("warning: frontend/dist is not built: this package has no web UI (make web-build)\n")

setup(package_dir=package_dir, packages=packages, package_data=package_data)
