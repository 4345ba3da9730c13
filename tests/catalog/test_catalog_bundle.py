"""The bundled catalogue is what the current parser makes of the sample, byte for byte."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.catalog.bundle import SAMPLE_NAME, rebuild
from bot.catalog.effective import bundled_path


def test_the_bundled_catalogue_is_rebuilt_identically_from_the_sample(tmp_path: Path) -> None:
    shutil.copy(bundled_path().with_name(SAMPLE_NAME), tmp_path / SAMPLE_NAME)
    target = tmp_path / bundled_path().name
    assert rebuild(target) == 0
    # A parser change without `make catalog-bundle` fails here: the shipped answers would
    # still come from the old parse.
    assert target.read_bytes() == bundled_path().read_bytes()
