"""Build step: ship the top-level knowledge/ and flows/ folders inside the installed package.

The folders stay at the top of the repository (the project's design card); a wheel copies them,
recursively and whatever the file type (YAML, gzipped catalogues), to bot/_bundled/.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BUNDLED = ("knowledge", "flows")


class BuildWithData(build_py):
    """build_py, then copy the data folders into the built package (not in editable mode)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the folders in the checkout
        for name in BUNDLED:
            target = Path(self.build_lib) / "bot" / "_bundled" / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(ROOT / name, target,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithData})
