"""learned.yaml written by the staff console on one machine reaches the other instances."""

from __future__ import annotations

import os
from pathlib import Path

from bot.cluster.knowledge import LearnedSync
from tests.cluster.conftest import Open


async def test_an_edit_on_one_machine_reaches_the_other(instances: Open, tmp_path: Path) -> None:
    here, there = tmp_path / "a", tmp_path / "b"
    for folder in (here, there):
        folder.mkdir()
        (folder / "learned.yaml").write_text("old: []\n", encoding="utf-8")
    a = LearnedSync(await instances("a"), here)
    b = LearnedSync(await instances("b"), there)
    assert await a.step() == "published"  # the first instance shares its copy
    assert await b.step() is None  # the same text: nothing to do
    (here / "learned.yaml").write_text("new: [x]\n", encoding="utf-8")  # the staff console
    assert await a.step() == "published"
    assert await b.step() == "applied"
    assert (there / "learned.yaml").read_text(encoding="utf-8") == "new: [x]\n"
    assert await a.step() is None and await b.step() is None


async def test_a_restarted_instance_with_an_older_file_takes_the_shared_copy(
        instances: Open, tmp_path: Path) -> None:
    here, there = tmp_path / "a", tmp_path / "b"
    for folder in (here, there):
        folder.mkdir()
    (there / "learned.yaml").write_text("deployed: []\n", encoding="utf-8")
    os.utime(there / "learned.yaml", (1_000_000_000, 1_000_000_000))  # an old deploy
    (here / "learned.yaml").write_text("edited: [x]\n", encoding="utf-8")
    assert await LearnedSync(await instances("a"), here).step() == "published"
    assert await LearnedSync(await instances("b"), there).step() == "applied"
    assert (there / "learned.yaml").read_text(encoding="utf-8") == "edited: [x]\n"
