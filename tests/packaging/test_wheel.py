"""Issue 15 item 9: the wheel carries knowledge/ and flows/; the command works anywhere."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT


@pytest.mark.timeout(600)
def test_wheel_installed_in_a_fresh_venv_answers_from_another_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    # No build isolation: setuptools and wheel come from the test extra, so no network here.
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                    "--no-build-isolation", "-w", str(dist), str(PROJECT_ROOT)],
                   check=True, timeout=300, cwd=tmp_path)
    wheels = list(dist.glob("dvcbot-*.whl"))
    assert len(wheels) == 1
    fresh = tmp_path / "venv"
    venv.create(fresh, with_pip=True)
    python = fresh / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
                    str(wheels[0])], check=True, timeout=300, cwd=tmp_path)
    # The runtime dependencies come from this test environment (already installed), through a
    # .pth line: the dvcbot under test is the one in the fresh venv, not this checkout.
    fresh_site = subprocess.run([str(python), "-c", "import sysconfig;"
                                 "print(sysconfig.get_paths()['purelib'])"],
                                capture_output=True, text=True, check=True).stdout.strip()
    (Path(fresh_site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    done = subprocess.run([str(fresh / "bin" / "dvcbot"), "chat"],
                          input="lam giay khai sinh cho con\n", capture_output=True, text=True,
                          cwd=elsewhere, env=env, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Khai sinh" in done.stdout or "khai sinh" in done.stdout, done.stdout
    where = subprocess.run([str(python), "-c", "import bot; print(bot.__file__)"],
                           capture_output=True, text=True, cwd=elsewhere, env=env, check=True)
    assert str(fresh) in where.stdout  # the installed package, not the checkout
    assert str(PROJECT_ROOT) not in done.stderr
