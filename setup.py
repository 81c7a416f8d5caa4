"""Build hook: the wheel carries the top-level ``templates/``, ``static/`` and ``migrations/``.

The checkout keeps them beside ``contest/`` (the layout the product card fixes). A regular (non-editable) build
copies them into ``contest/_bundle/`` inside the built package, where ``contest.config.resource_dir`` finds them
at start-up; an editable install and a checkout use the top-level folders directly. Everything else about the
package is declared in ``pyproject.toml``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("templates", "static", "migrations")
BUNDLE_DIR = Path("contest") / "_bundle"


class build_py_with_bundle(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / BUNDLE_DIR
        for name in BUNDLED:
            shutil.rmtree(target / name, ignore_errors=True)
            shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        outputs = list(super().get_outputs(include_bytecode))
        if getattr(self, "editable_mode", False):
            return outputs
        target = Path(self.build_lib) / BUNDLE_DIR
        outputs += [str(path) for path in target.rglob("*") if path.is_file()]
        return outputs


setup(cmdclass={"build_py": build_py_with_bundle})
